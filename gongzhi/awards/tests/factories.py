"""The awards' test set-up on the shared `world`, with the clock frozen in January 2027 (the
year awarded is 2026): published assessments run through the assessments' services, then their
stored totals set by hand to the figures a test writes out. 申江物业 (pc) serves 新城一村 (c1, all
year), 新城二村 (c2, all year) and 世博家园 (c3, from 2026-12-21)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from gongzhi.assessments import services as assessment_services
from gongzhi.assessments.models import Assessment, Cycle
from gongzhi.assessments.tests.factories import drafts_shown, opened, score_all
from gongzhi.awards import services
from gongzhi.awards.models import Candidate, Round

TODAY = "2027-01-20 10:00"
YEAR = 2026


def published(world, kind: str, period: str, results: dict) -> Cycle:
    """A cycle of `kind` for `period` run to publication; `results` maps an assessment's
    (organization code, compound code or None) to (total, band, fails)."""
    office = world.users["office"]
    cycle = opened(world, kind, period)
    score_all(world, cycle)
    cycle = drafts_shown(world, cycle)
    Cycle.objects.filter(pk=cycle.pk).update(objection_until=timezone.localdate() - timedelta(days=1))
    cycle.refresh_from_db()
    cycle = assessment_services.close_objections(actor=office, cycle=cycle, version=cycle.version)
    approver = world.users["leader"] if cycle.annual else office
    cycle = assessment_services.approve(actor=approver, cycle=cycle, version=cycle.version)
    cycle = assessment_services.publish(actor=office, cycle=cycle, version=cycle.version)
    for (org, compound), (total, band, fails) in results.items():
        rows = Assessment.objects.filter(cycle=cycle, organization=world.orgs[org])
        if compound:
            rows = rows.filter(compound__code=compound)
        assert rows.count() == 1, (org, compound)
        rows.update(total=Decimal(total), band=band, fails=fails)
    return cycle


def stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0"):
    """The 2026 annual assessments of the party organisations and residents' committees."""
    published(world, "party_org", str(YEAR), {("po1", None): (po1, "优秀", False), ("po2", None): (po2, "良好", False)})
    published(
        world,
        "residents_committee",
        str(YEAR),
        {("rc1", None): (rc1, "良好", False), ("rc2", None): (rc2, "优秀", False)},
    )


def company_year(world, q3=("96.0", "90.0"), q4=("94.0", "92.0", "98.0"), fails=()):
    """2026Q3 (c1, c2) and 2026Q4 (c1, c2, c3) property-service assessments of 申江物业."""
    compounds3 = [world.c1.code, world.c2.code]
    compounds4 = [world.c1.code, world.c2.code, world.c3.code]
    published(
        world,
        "property_service",
        f"{YEAR}Q3",
        {("pc", c): (t, "优秀", (f"{YEAR}Q3", c) in fails) for c, t in zip(compounds3, q3, strict=True)},
    )
    published(
        world,
        "property_service",
        f"{YEAR}Q4",
        {("pc", c): (t, "优秀", (f"{YEAR}Q4", c) in fails) for c, t in zip(compounds4, q4, strict=True)},
    )


def open_round(world, kind: str) -> Round:
    return services.open_round(actor=world.users["office"], town=world.town, year=YEAR, kind=kind)


def candidate(round_: Round, **where) -> Candidate:
    return Candidate.objects.get(round=round_, **where)
