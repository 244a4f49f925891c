"""The assessments' test set-up on the shared `world`: the town's default schemes (seeded through
the service), cycles opened, pulled and scored through the services. 申江物业 (pc) serves 新城一村
(c1) and, until recently, 新城二村 (c2) in 新城 (n1), and 世博家园 (c3, n2) since a month ago."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.assessments import services, sources
from gongzhi.assessments.models import Assessment, Cycle, Scheme, Score


def pdf(name="evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test evidence\n%%EOF\n", content_type="application/pdf")


def seeded(world) -> dict[str, Scheme]:
    services.seed_default_schemes(actor=world.users["office"], town=world.town)
    return {s.subject_kind: s for s in Scheme.objects.filter(town=world.town, state="in_use")}


def last(kind: str) -> str:
    return sources.last_finished(kind, timezone.localdate()).label


def opened(world, kind="property_service", period=None) -> Cycle:
    scheme = Scheme.objects.filter(town=world.town, subject_kind=kind, state="in_use").first() or seeded(world)[kind]
    cycle = services.open_cycle(actor=world.users["office"], scheme=scheme, period=period or last(scheme.period_kind))
    return services.pull_figures(actor=world.users["office"], cycle=cycle, version=cycle.version)


def score_all(world, cycle: Cycle, points=None, reason="现场检查情况良好") -> None:
    """Every score still to give, by the office: `points` or the indicator's full points."""
    for score in Score.objects.filter(assessment__cycle=cycle, points__isnull=True).select_related("indicator"):
        services.save_score(
            actor=world.users["office"], score=score, version=score.version,
            points=points if points is not None else score.indicator.max_points, reason=reason,
        )  # fmt: skip


def drafts_shown(world, cycle: Cycle, days=5) -> Cycle:
    cycle.refresh_from_db()
    return services.show_drafts(actor=world.users["office"], cycle=cycle, version=cycle.version, days=days)


def assessment_of(cycle: Cycle, **where) -> Assessment:
    return Assessment.objects.get(cycle=cycle, **where)


def manual_score(assessment: Assessment) -> Score:
    return (
        assessment.scores.filter(indicator__rule="manual")
        .select_related("indicator")
        .order_by("indicator__position")[0]
    )


D = Decimal


class Scenario:
    """For the pages, relative to today: the property-service quarter before last (新城一村 and
    新城二村; being scored), the residents' committees' last year (drafts shown, 新城居委会 objected
    with a file) and the party organisations' last year (published)."""

    def __init__(self, world):
        from datetime import timedelta

        office = world.users["office"]
        seeded(world)
        today = timezone.localdate()
        before_last = sources.previous_period(sources.last_finished("quarter", today)).label
        self.ps = opened(world, "property_service", before_last)
        self.a_ps = assessment_of(self.ps, organization=world.orgs["pc"], compound=world.c1)
        self.s_ps = manual_score(self.a_ps)

        self.rc = opened(world, "residents_committee")
        score_all(world, self.rc)
        self.rc = drafts_shown(world, self.rc)
        self.a_rc1 = assessment_of(self.rc, organization=world.orgs["rc1"])
        self.a_rc2 = assessment_of(self.rc, organization=world.orgs["rc2"])
        self.s_rc2 = manual_score(self.a_rc2)
        self.a_rc1 = services.object_to_assessment(
            actor=world.users["rc_worker"], assessment=self.a_rc1, version=self.a_rc1.version,
            reason="居民议事会次数未计入", evidence=[pdf()],
        )  # fmt: skip
        self.evidence = self.a_rc1.objection.evidence.get()

        po = opened(world, "party_org")
        score_all(world, po)
        po = drafts_shown(world, po)
        Cycle.objects.filter(pk=po.pk).update(objection_until=today - timedelta(days=1))  # the window has passed
        po.refresh_from_db()
        po = services.close_objections(actor=office, cycle=po, version=po.version)
        po = services.approve(actor=world.users["leader"], cycle=po, version=po.version)
        self.po = services.publish(actor=office, cycle=po, version=po.version)
        self.a_po1 = assessment_of(self.po, organization=world.orgs["po1"])
        self.scheme = Scheme.objects.get(town=world.town, subject_kind="property_service", state="in_use")


def scenario(world) -> Scenario:
    return Scenario(world)
