"""The demo town (`manage.py seed_demo`): built from the seed document, idempotent, personas work."""

import io

import pytest
from django.core.management import call_command

from gongzhi.core.models import AuditEntry, User
from gongzhi.core.scope import get_scope
from gongzhi.demo import personas, rows, town
from gongzhi.orgs.models import Body, Person
from gongzhi.places.models import Compound, Town, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())
    return Town.objects.get(code=town.TOWN_CODE)


def check_idempotent_and_audit_chain(seeded):
    counts = (Unit.objects.count(), Person.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Unit.objects.count(), Person.objects.count(), AuditEntry.objects.count()) == counts
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not loaded again" in out.getvalue()
    call_command("verify_audit", stdout=io.StringIO())  # raises on a broken chain


def check_content_follows_the_seed(seeded):
    leadership = Body.objects.get(town=seeded, kind=Body.Kind.LEADERSHIP_GROUP)
    assert list(leadership.member_units.values_list("label", flat=True)) == rows.LEADERSHIP_MEMBER_UNITS
    assert len(rows.LEADERSHIP_MEMBER_UNITS) == 17
    office = Body.objects.get(town=seeded, kind=Body.Kind.OFFICE)
    assert list(office.member_units.values_list("label", flat=True)) == [
        "居民区党委",
        "文明办",
        "综治办",
        "城管所",
        "司法所",
        "派出所",
        "房管办",
    ]
    coverage = {
        group.number: sorted(
            [c.neighborhood.name for c in group.coverage.all() if c.neighborhood]
            + [c.compound.name for c in group.coverage.all() if c.compound]
        )
        for group in Body.objects.filter(town=seeded, kind=Body.Kind.INSPECTION_GROUP)
    }
    assert coverage == {1: ["世博", "新城"], 2: ["杜行", "陈行", "鲁汇"], 3: ["景江苑", "景舒苑"]}
    # A few thousand units with plausible areas; no real official's name reused.
    units = Unit.objects.filter(town=seeded)
    assert 2000 <= units.count() <= 8000
    assert all(40 <= float(a) <= 200 for a in units.values_list("area", flat=True)[:500])
    assert Compound.objects.filter(town=seeded, name__in=["景江苑", "景舒苑"]).count() == 2
    assert not Person.objects.filter(name__in=rows.REAL_OFFICIALS).exists()


ROLES = [
    ("office", "office"),
    ("leader", "leadership"),
    ("inspector", "inspector"),
    ("secretary", "party_org"),
    ("rcworker", "residents_committee"),
    ("owners", "owners_committee"),
    ("property", "property_company"),
    ("outsider", "office"),
    (personas.RESIDENT_PHONE, "resident"),
]


def check_logins_have_their_roles_and_scope(seeded):
    # One test (the demo town takes seconds to build): each login's role, then their scope.
    for username, role in ROLES:
        assert role in get_scope(User.objects.get(username=username)).roles, username

    def compounds(username):
        return set(Compound.objects.for_user(User.objects.get(username=username)).values_list("code", flat=True))

    assert compounds("secretary") == {"XC01", "XC02", "XC03"}
    assert compounds("owners") == {"XC01"}
    assert compounds("inspector") == {"SB01", "SB02", "SB03", "XC01", "XC02", "XC03"}
    assert compounds("outsider") == {"ML01"}
    assert "XC01" in compounds("property")
    assert len(compounds("office")) == 17


def check_history_of_cases(seeded):
    from gongzhi.cases.models import Case, CaseStats
    from gongzhi.cases.selectors import hotspots
    from gongzhi.cases.stats import rebuild

    cases = Case.objects.filter(town=seeded)
    assert cases.count() > 150
    assert cases.filter(state="closed").exists() and cases.filter(state="escalated").exists()
    assert cases.filter(
        number__isnull=False, compound__code="XC01", category__code="PARKING", state="escalated"
    ).exists()
    assert any(h.count >= 3 for h in hotspots(User.objects.get(username="secretary")))
    live = sorted(CaseStats.objects.values_list("organization_id", "compound_id", "period", *CaseStats.COUNTERS))
    rebuild([seeded.pk])
    assert sorted(CaseStats.objects.values_list("organization_id", "compound_id", "period", *CaseStats.COUNTERS)) == [
        row for row in live if any(row[3:])
    ]


def check_town_calendar(seeded):
    from django.utils import timezone

    from gongzhi.core.models import CalendarDay
    from gongzhi.core.workdays import is_working_day

    # One exception of the town's own, entered by its office, in the town's chain; no national day.
    (day,) = CalendarDay.objects.all()
    assert (day.town, day.kind, day.name) == (seeded, "holiday", "台风停工")
    assert day.date == town.typhoon_day(timezone.localdate()) and is_working_day(day.date)
    assert not is_working_day(day.date, seeded.pk)
    entry = AuditEntry.objects.get(action="core.calendarday.set")
    assert (entry.chain.key, entry.actor.username) == (f"town:{seeded.pk}", "office")


def test_demo_town(seeded):
    # One test: the demo town takes half a minute to build.
    check_idempotent_and_audit_chain(seeded)
    check_content_follows_the_seed(seeded)
    check_logins_have_their_roles_and_scope(seeded)
    check_history_of_cases(seeded)
    check_town_calendar(seeded)
