"""Joint-meeting compliance (gongzhi.meetings.compliance) on hand-built monthly meetings of 2025,
assessed as on a fixed day: a month complies when its regular meeting was held (ended) with
minutes approved; the months before the town's first monthly meeting are not assessed; the
current month is still open."""

from datetime import date, datetime, time

import pytest
from django.db import transaction
from django.utils import timezone

from gongzhi.meetings import compliance, services
from gongzhi.meetings.models import Meeting, Minutes
from gongzhi.places.models import Neighborhood

pytestmark = pytest.mark.django_db


def regular(neighborhood, year: int, month: int, day: int = 10) -> Meeting:
    starts_at = timezone.make_aware(datetime.combine(date(year, month, day), time(14, 0)))
    with transaction.atomic():
        return services._create_meeting(
            actor=None,
            neighborhood=neighborhood,
            kind="regular",
            title=f"{neighborhood.name}{year}年{month}月联席会议",
            starts_at=starts_at,
        )


def ad_hoc(neighborhood, year: int, month: int, day: int = 20) -> Meeting:
    starts_at = timezone.make_aware(datetime.combine(date(year, month, day), time(14, 0)))
    with transaction.atomic():
        return services._create_meeting(
            actor=None, neighborhood=neighborhood, kind="ad_hoc", title="临时联席会议", starts_at=starts_at
        )


def hold(meeting: Meeting, chair, *, approve: bool = True) -> Meeting:
    """Open, take everyone present, end; approve the drafted minutes unless told not to."""
    m = services.open_meeting(actor=chair, meeting=meeting, expected_version=meeting.version)
    m = services.record_attendance(
        actor=chair, meeting=m, marks={i.pk: ("present", "") for i in m.invitees.all()}, expected_version=m.version
    )
    m = services.end_meeting(actor=chair, meeting=m, expected_version=m.version)
    if approve:
        minutes = Minutes.objects.get(meeting=m)
        services.approve_minutes(actor=chair, minutes=minutes, expected_version=minutes.version)
    return m


def cancel(meeting: Meeting, chair) -> Meeting:
    return services.cancel_meeting(actor=chair, meeting=meeting, reason="台风停会", expected_version=meeting.version)


@pytest.fixture
def secretary(world):
    return world.users["party_secretary"]


@pytest.fixture
def office(world):
    """The town's office chairs 世博's meetings here (世博 has no party secretary persona)."""
    return world.users["office"]


@pytest.fixture
def record_2025(world, secretary, office):
    """新城 (n1): Feb held with approved minutes (the town's first monthly meeting), Mar ended
    without approved minutes, Apr cancelled, May no meeting but an ad hoc one held with approved
    minutes. 世博 (n2): Mar, Apr and May held with approved minutes, nothing in Feb."""
    hold(regular(world.n1, 2025, 2), secretary)
    hold(regular(world.n1, 2025, 3), secretary, approve=False)
    cancel(regular(world.n1, 2025, 4), secretary)
    hold(ad_hoc(world.n1, 2025, 5), secretary)
    for month in (3, 4, 5):
        hold(regular(world.n2, 2025, month), office)


JUNE_15 = date(2025, 6, 15)


def months(row) -> dict[str, str]:
    return dict(row.months)


def test_compliant_periods_are_the_regular_meetings_held_with_approved_minutes(world, record_2025):
    assert compliance.compliant_periods([world.n1.pk, world.n2.pk], 2025) == {
        (world.n1.pk, "2025-02"),
        (world.n2.pk, "2025-03"),
        (world.n2.pk, "2025-04"),
        (world.n2.pk, "2025-05"),
    }
    assert compliance.compliant_periods([world.n1.pk], 2024) == set()


def test_the_table_marks_each_month(world, record_2025):
    n1, n2 = compliance.table([world.n1, world.n2], 2025, JUNE_15)
    assert n1.neighborhood == world.n1 and n2.neighborhood == world.n2
    assert months(n1) == {
        "2025-01": "before",  # before the town's first monthly meeting in the platform
        "2025-02": "held",
        "2025-03": "missed",  # ended, minutes never approved
        "2025-04": "missed",  # cancelled
        "2025-05": "missed",  # only an ad hoc meeting
        "2025-06": "open",  # the current month
        "2025-07": "future",
        "2025-08": "future",
        "2025-09": "future",
        "2025-10": "future",
        "2025-11": "future",
        "2025-12": "future",
    }
    # The start is the town's: 世博's February is missed although its own first meeting was in March.
    assert [status for _period, status in n2.months[:6]] == ["before", "missed", "held", "held", "held", "open"]


def test_the_rate_is_held_over_assessed_months(world, record_2025):
    n1, n2 = compliance.table([world.n1, world.n2], 2025, JUNE_15)
    assert (n1.held, n1.assessed) == (1, 4)
    assert n1.rate == 0.25 and n1.percent == 25
    assert (n2.held, n2.assessed) == (3, 4)
    assert n2.rate == 0.75
    assert compliance.rate(0, 0) is None


def test_a_month_is_assessed_once_it_has_ended(world, record_2025):
    (n1,) = compliance.table([world.n1], 2025, date(2025, 7, 1))
    assert months(n1)["2025-06"] == "missed" and months(n1)["2025-07"] == "open"
    assert (n1.held, n1.assessed) == (1, 5)
    assert n1.rate == 0.2


def test_a_meeting_held_early_in_the_current_month_is_not_assessed_before_the_month_ends(world, record_2025, secretary):
    hold(regular(world.n1, 2025, 6, day=5), secretary)
    (n1,) = compliance.table([world.n1], 2025, JUNE_15)
    assert months(n1)["2025-06"] == "open"
    assert (n1.held, n1.assessed) == (1, 4)
    (n1,) = compliance.table([world.n1], 2025, date(2025, 7, 1))
    assert months(n1)["2025-06"] == "held"
    assert (n1.held, n1.assessed) == (2, 5)


def test_nothing_is_assessed_before_the_towns_first_monthly_meeting(world):
    (n1,) = compliance.table([world.n1], 2025, JUNE_15)
    assert {status for _period, status in n1.months} == {"before"}
    assert (n1.held, n1.assessed, n1.rate) == (0, 0, None)


def test_another_towns_meetings_do_not_start_this_towns_assessment(world, record_2025):
    regular(world.n3, 2025, 1)  # 梅陇镇's first monthly meeting, in January
    (n1,) = compliance.table([world.n1], 2025, JUNE_15)
    assert months(n1)["2025-01"] == "before"
    assert (n1.held, n1.assessed) == (1, 4)


def missed(ids, today):
    """missed_last_month's list, checked against the home page's count in the database."""
    listed = compliance.missed_last_month(ids, today)
    assert compliance.missed_last_month_count(Neighborhood.objects.filter(pk__in=ids), today) == len(listed)
    return listed


def test_missed_last_month(world, record_2025):
    ids = [world.n1.pk, world.n2.pk]
    assert missed(ids, JUNE_15) == [world.n1.pk]  # May: 世博 held, 新城 did not
    assert missed(ids, date(2025, 4, 1)) == [world.n1.pk]  # March: 新城's minutes not approved
    assert missed(ids, date(2025, 3, 31)) == [world.n2.pk]  # February: only 新城 held


def test_missed_last_month_in_january_looks_at_december_of_the_year_before(world, secretary, office):
    hold(regular(world.n2, 2024, 12), office)
    assert missed([world.n1.pk, world.n2.pk], date(2025, 1, 10)) == [world.n1.pk]


def test_missed_last_month_only_from_the_towns_first_monthly_meeting(world, secretary, office):
    # Nothing kept here yet: no neighborhood is reported.
    assert missed([world.n1.pk, world.n2.pk, world.n3.pk], date(2025, 3, 10)) == []
    hold(regular(world.n2, 2025, 2), office)
    # From February the town is assessed: 新城 missed it; 梅陇 (another town, nothing kept) is not reported.
    assert missed([world.n1.pk, world.n2.pk, world.n3.pk], date(2025, 3, 10)) == [world.n1.pk]
    # A month before the town's first meeting is not reported either.
    assert missed([world.n1.pk, world.n2.pk], date(2025, 2, 10)) == []


def test_the_office_home_page_counts_the_neighborhoods_that_missed_last_month(world, office, client_for):
    from django.utils import timezone

    first = timezone.localdate().replace(day=1)
    last = first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)
    hold(regular(world.n2, last.year, last.month), office)  # 世博 held it; 新城 did not
    from html import unescape

    page = unescape(client_for("office").get("/").content.decode())
    assert "1 neighborhood did not hold last month's joint meeting with approved minutes." in page


def test_the_compliance_page_shows_the_rate_with_its_counts(world, record_2025, client_for):
    page = client_for("party_secretary").get("/meetings/compliance/?year=2025").content.decode()
    # All of 2025 has ended: 新城 held February only of the eleven months from its town's first meeting.
    assert "9% <span" in page and "(1/11)" in page


def test_the_compliance_page_has_a_legend_and_marks_read_out_as_text(world, record_2025, client_for):
    page = client_for("party_secretary").get("/meetings/compliance/?year=2025").content.decode()
    legend = page[page.index('data-testid="compliance-legend"') : page.index("</ul>", page.index("compliance-legend"))]
    for mark in ("bi-check-circle-fill", "bi-x-circle-fill", "bi-hourglass-split", "·"):
        assert mark in legend
    for word in ("held", "missed", "this month", "not assessed"):
        assert f"<strong>{word}</strong>" in legend
    # The marks are text a screen reader announces (not an aria-label on an icon), with their month.
    assert "aria-label" not in page[page.index('data-testid="compliance"') :]
    assert '<span class="visually-hidden">2025-02 held</span>' in page
    assert '<span class="visually-hidden">2025-03 missed</span>' in page
    assert '<span class="visually-hidden">2025-01 not assessed</span>' in page


def test_each_mark_links_to_the_monthly_meeting_it_counts_for_those_who_may_open_it(world, record_2025, client_for):
    def links(persona) -> dict[str, str]:
        """month → meeting page, read from the table's cells."""
        import re

        page = client_for(persona).get("/meetings/compliance/?year=2025").content.decode()
        table = page[page.index('data-testid="compliance"') :]
        return {
            (name, period): url
            for name, row in re.findall(r'<th scope="row"[^>]*>([^<]+)</th>(.*?)</tr>', table, re.S)
            for period, url in re.findall(r'<td title="([\d-]+)"[^>]*><a class="gz-mark" href="([^"]+)">', row)
        }

    meetings = {
        (m.neighborhood.name, m.period): m.get_absolute_url()
        for m in Meeting.objects.filter(kind=Meeting.Kind.REGULAR).select_related("neighborhood")
    }
    # 新城: February held, March ended without approved minutes, April cancelled: each links to its
    # meeting; May had only an ad hoc meeting, which does not count, so May has no link. 世博: March–May.
    assert links("office") == meetings
    assert set(meetings) == {("新城", "2025-02"), ("新城", "2025-03"), ("新城", "2025-04")} | {
        ("世博", f"2025-0{month}") for month in (3, 4, 5)
    }
    # The party secretary of 新城 sees 新城's row and its meetings, never a link to 世博's.
    secretary = links("party_secretary")
    assert secretary == {key: url for key, url in meetings.items() if key[0] == "新城"}
    for url in secretary.values():
        assert client_for("party_secretary").get(url).status_code == 200


def test_a_user_of_every_town_pages_through_the_neighborhoods_or_chooses_a_town(
    world, record_2025, client_for, monkeypatch
):
    """The platform administrator (issue 15): every town's neighborhoods, a page at a time, or
    one town's; the year and the town are kept by each other's form and by the pages' links."""
    from gongzhi.core import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    monkeypatch.setattr(pages.paginate, "__defaults__", (2,))
    admin = client_for("admin")
    page = admin.get("/meetings/compliance/?year=2025").content.decode()
    assert 'data-testid="town-choice"' in page and '<input type="hidden" name="year" value="2025">' in page
    rows = page[page.index('data-testid="compliance"') :]
    assert "新城" in rows and "世博" in rows and "梅陇一" not in rows  # 浦江镇's two first, by town and code
    assert "Page 1 of 2" in page and "3 records" in page
    second = admin.get("/meetings/compliance/?year=2025&page=2").content.decode()
    assert "梅陇一" in second[second.index('data-testid="compliance"') :]
    other = admin.get(f"/meetings/compliance/?year=2025&town={world.other.uid}").content.decode()
    table = other[other.index('data-testid="compliance"') :]
    assert "梅陇一" in table and "新城" not in table
    assert f'<input type="hidden" name="town" value="{world.other.uid}">' in other  # the year's form keeps it
    # a user of one town: no choice
    assert 'data-testid="town-choice"' not in client_for("office").get("/meetings/compliance/").content.decode()


def test_a_monthly_meeting_held_as_the_party_organisations_enlarged_meeting_counts(world, secretary):
    """Seed 四㈠3: the regular meeting may be the party organisation's enlarged meeting; it is
    counted the same (issue 10)."""
    meeting = regular(world.n1, 2025, 7)
    meeting = services.reschedule_meeting(
        actor=secretary,
        meeting=meeting,
        title="新城党总支扩大会议",
        starts_at=meeting.starts_at,
        place="",
        form=Meeting.Form.ENLARGED,
        expected_version=meeting.version,
    )
    held = hold(meeting, secretary)
    assert held.form == Meeting.Form.ENLARGED
    assert compliance.compliant_periods([world.n1.pk], 2025) == {(world.n1.pk, "2025-07")}
    assert "Held as: Party organisation's enlarged meeting" in Minutes.objects.get(meeting=held).text
