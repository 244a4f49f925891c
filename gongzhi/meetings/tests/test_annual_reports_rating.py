"""述职评议满意率 (docs/metrics.md, "Annual reports"): (满意 + w × 基本满意) ÷ all ratings, w the
town's weight of 基本满意 (the residents' satisfaction rate's), “—” without ratings; one function,
shown on the report's page with each rating behind it and on the list."""

from decimal import Decimal

import pytest

from gongzhi.cases.models import CaseSettings
from gongzhi.core import process_cache
from gongzhi.meetings import services
from gongzhi.meetings.models import AnnualReport, Meeting
from gongzhi.meetings.report_ratings import rating_of, report_rating, with_ratings

from .annual_reports_world import *  # noqa: F403 - the fixtures
from .annual_reports_world import FROZEN, submit

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(FROZEN)]


@pytest.mark.parametrize(
    ("counts", "w", "percent", "text"),
    [
        ((2, 1, 1), "0.90", Decimal("72.5"), "72.5%"),  # (2 + 0.9) / 4
        ((2, 1, 1), "0.50", Decimal("62.5"), "62.5%"),
        ((3, 0, 0), "0.90", Decimal("100.0"), "100.0%"),
        ((0, 0, 2), "0.90", Decimal("0.0"), "0.0%"),  # rated, all unsatisfied: 0 %, not “—”
        ((1, 1, 1), "0.90", Decimal("63.3"), "63.3%"),  # 1.9 / 3 = 0.6333
        ((0, 0, 0), "0.90", None, "—"),
    ],
)
def test_the_formula(counts, w, percent, text):
    rating = report_rating(*counts, Decimal(w))
    assert rating.percent == percent and rating.text == text
    assert (rating.satisfied, rating.basic, rating.unsatisfied, rating.total) == (*counts, sum(counts))


@pytest.fixture
def rated(report, manager, secretary, world):
    """The report submitted and rated at the meeting: 满意 (rc), 基本满意 with a comment (oc, recorded
    by the chair), 不满意 (the police's invitee)."""
    submit(manager, report)
    meeting = Meeting.objects.get(items__annual_report=report)
    services.add_invitee(
        actor=secretary, meeting=meeting, name="社区民警", organization=world.orgs["police"], voting=False
    )
    meeting = services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    marks = {i.pk: ("present", "") for i in meeting.invitees.all()}
    meeting = services.record_attendance(
        actor=secretary, meeting=meeting, marks=marks, expected_version=meeting.version
    )

    def rate(actor, name, value, comment=""):
        services.rate_annual_report(
            actor=actor, report=report, invitee=meeting.invitees.get(name=name), rating=value, comment=comment
        )

    rate(world.users["rc_worker"], "rc_worker人员", "satisfied")
    rate(secretary, "oc_member人员", "basic", "停车问题仍需改进")
    rate(secretary, "社区民警", "unsatisfied", "消防通道常被占用")
    return AnnualReport.objects.get(pk=report.pk)


def test_one_report_and_the_list_give_the_same_number(rated):
    one = rating_of(rated)
    assert (one.satisfied, one.basic, one.unsatisfied) == (1, 1, 1) and one.text == "63.3%"
    listed = with_ratings(AnnualReport.objects.filter(pk=rated.pk).with_rating_counts())[0].rating
    assert listed == one


def test_the_weight_is_the_towns_satisfaction_weight(rated, world):
    CaseSettings.objects.update_or_create(town=world.town, defaults={"basic_satisfied_weight": Decimal("0.60")})
    process_cache._store.clear()
    assert rating_of(rated).text == "53.3%"  # (1 + 0.6) / 3


def test_the_page_shows_the_rate_its_counts_and_every_rating(client_for, rated):
    page = client_for("office").get(rated.get_absolute_url()).content.decode()
    assert 'data-testid="rating-rate">63.3%<' in page
    assert "1 satisfied · 1 basically satisfied · 1 unsatisfied; 基本满意 weighs 0.90." in page
    assert page.count('data-testid="rating-row"') == 3
    assert "新城一村业委会" in page and "停车问题仍需改进" in page and "recorded by party_secretary人员" in page
    assert "陈行派出所" in page and "消防通道常被占用" in page
    assert "Rated" in page  # the state


def test_the_list_shows_the_rate_linking_to_the_ratings(client_for, rated):
    page = client_for("party_secretary").get("/meetings/annual-reports/?year=2026").content.decode()
    assert f'href="{rated.get_absolute_url()}#ratings" data-testid="rating-summary">63.3%<' in page
    assert "1 satisfied · 1 basically · 1 not" in page


def test_without_ratings_the_rate_is_a_dash(client_for, report, manager):
    submit(manager, report)
    page = client_for("office").get(report.get_absolute_url()).content.decode()
    assert 'data-testid="rating-rate">—<' in page and "0 satisfied · 0 basically satisfied · 0 unsatisfied" in page
    assert "No rating yet" in page
