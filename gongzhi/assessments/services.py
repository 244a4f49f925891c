"""Every write of the assessments (DESIGN.md convention 1): keyword-only, with the actor, in a
transaction, checked, audited; rows locked at the version the user's page showed.

Schemes (the office): `seed_default_schemes`, `new_version`, `edit_scheme`, `put_in_use`.
Cycles: `open_cycle` (the office: one assessment per subject), `pull_figures`, `save_score`
(assessors: the office and the inspection groups), `show_drafts` (the objection window opens),
`object_to_assessment` (the assessed organisation, once, within the window), `decide_objection`
(the office; may change a score, with a reason), `close_objections`, `approve` (annual cycles: the
leadership group), `publish` (frozen; failed property service → a credit record), `reopen`
(before publication only)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.scope import get_scope, in_leadership_group
from gongzhi.core.uploads import clean_files
from gongzhi.core.workdays import deadline_after
from gongzhi.core.workflow import lock
from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.places.models import Compound

from . import schemes, scoring, sources
from .credit_rules import EXCELLENT_PROPERTY_SERVICE, FAILED_PROPERTY_SERVICE
from .models import (
    Assessment,
    Band,
    Cycle,
    Evidence,
    Indicator,
    Objection,
    PeriodKind,
    RuleKind,
    Scheme,
    Score,
    SubjectKind,
)
from .workflow import CYCLE_WORKFLOW, CycleAction, CycleState, SchemeState

OBJECTION_DAYS = 5  # working days the drafts stay open to objections, unless the office says otherwise


# --- Schemes ---------------------------------------------------------------------------------------


def _write_scheme_rows(scheme: Scheme, indicators, bands) -> None:
    scheme.indicators.all().delete()
    scheme.bands.all().delete()
    Indicator.objects.bulk_create(
        Indicator(
            scheme=scheme, position=i, section=s.section, text=s.text, max_points=s.max_points, rule=s.rule,
            source=s.source, low=s.low, high=s.high, per_event=s.per_event, cap=s.cap,
        )
        for i, s in enumerate(indicators)
    )  # fmt: skip
    Band.objects.bulk_create(
        Band(scheme=scheme, label=b.label, from_score=b.from_score, fee_percent=b.fee_percent, fails=b.fails)
        for b in bands
    )


def _scheme_snapshot(scheme: Scheme) -> dict:
    return {
        "name": scheme.name,
        "period_kind": scheme.period_kind,
        "total_weight": scheme.total_weight,
        "indicator_lines": "\n".join(schemes.indicator_line(i) for i in scheme.indicators.all()),
        "band_lines": "\n".join(schemes.band_line(b) for b in scheme.bands.all()),
    }


def seed_default_schemes(*, actor, town) -> list[Scheme]:
    """The domain rules' default schemes, in use, for every kind of subject the town has no scheme
    for yet (idempotent)."""
    ensure_town_manager(actor, town.pk, "assessments.manage")
    made = []
    with transaction.atomic():
        for kind, (period_kind, name, indicators, bands) in schemes.DEFAULTS.items():
            if Scheme.objects.filter(town=town, subject_kind=kind).exists():
                continue
            specs, band_specs = schemes.parse_indicators(indicators), schemes.parse_bands(bands)
            schemes.check_weights(specs, 100)
            scheme = Scheme.objects.create(
                town=town, subject_kind=kind, period_kind=period_kind, name=name, state=SchemeState.IN_USE,
                created_by=actor,
            )  # fmt: skip
            _write_scheme_rows(scheme, specs, band_specs)
            audit.record(actor, "assessments.scheme.create", scheme, after=_scheme_snapshot(scheme), town_id=town.pk)
            made.append(scheme)
    return made


def new_version(*, actor, scheme: Scheme) -> Scheme:
    """A draft copy of `scheme` with the next version number (one draft per kind at a time)."""
    ensure_town_manager(actor, scheme.town_id, "assessments.manage")
    with transaction.atomic():
        lock(scheme, check_version=False)
        if Scheme.objects.filter(town_id=scheme.town_id, subject_kind=scheme.subject_kind, state="draft").exists():
            raise ValidationError(_("A draft of this scheme already exists: edit it."))
        number = (
            Scheme.objects.filter(town_id=scheme.town_id, subject_kind=scheme.subject_kind).aggregate(n=Max("number"))[
                "n"
            ]
            + 1
        )
        draft = Scheme.objects.create(
            town_id=scheme.town_id, subject_kind=scheme.subject_kind, period_kind=scheme.period_kind,
            number=number, name=scheme.name, total_weight=scheme.total_weight, previous=scheme, created_by=actor,
        )  # fmt: skip
        _write_scheme_rows(
            draft,
            [schemes.parse_indicators(schemes.indicator_line(i))[0] for i in scheme.indicators.all()],
            schemes.parse_bands("\n".join(schemes.band_line(b) for b in scheme.bands.all())),
        )
        audit.record(actor, "assessments.scheme.new_version", draft, after=_scheme_snapshot(draft))
    return draft


def edit_scheme(
    *, actor, scheme: Scheme, version: int | None, name: str, period_kind: str, total_weight: int,
    indicators: str, bands: str,
) -> Scheme:  # fmt: skip
    """Change a draft: its name, period, total weight, indicators and bands (text lines). The
    indicators' points must add up to the total weight."""
    ensure_town_manager(actor, scheme.town_id, "assessments.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the scheme a name.")})
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose a quarter, a half-year or a year.")})
    if not isinstance(total_weight, int) or not 1 <= total_weight <= 1000:
        raise ValidationError({"total_weight": _("The total is a whole number from 1 to 1000.")})
    try:
        specs = schemes.parse_indicators(indicators)
        schemes.check_weights(specs, total_weight)
    except ValidationError as error:
        raise ValidationError({"indicators": error.messages}) from None
    try:
        band_specs = schemes.parse_bands(bands)
    except ValidationError as error:
        raise ValidationError({"bands": error.messages}) from None
    with transaction.atomic():
        current = lock(scheme, expected_version=version)
        if current.state != SchemeState.DRAFT:
            raise ValidationError(_("A scheme in use never changes: make a new version."))
        before = _scheme_snapshot(current)
        current.name, current.period_kind, current.total_weight = name[:100], period_kind, total_weight
        current.version += 1
        current.save()
        _write_scheme_rows(current, specs, band_specs)
        audit.record(actor, "assessments.scheme.update", current, before=before, after=_scheme_snapshot(current))
    return current


def put_in_use(*, actor, scheme: Scheme, version: int | None) -> Scheme:
    """A draft goes into use; the version in use before it retires (its cycles keep it)."""
    ensure_town_manager(actor, scheme.town_id, "assessments.manage")
    with transaction.atomic():
        current = lock(scheme, expected_version=version)
        if current.state != SchemeState.DRAFT:
            raise ValidationError(_("Only a draft can be put in use."))
        specs = [schemes.parse_indicators(schemes.indicator_line(i))[0] for i in current.indicators.all()]
        if not specs:
            raise ValidationError(_("A scheme needs at least one indicator."))
        schemes.check_weights(specs, current.total_weight)
        if not current.bands.exists():
            raise ValidationError(_("A scheme needs at least one grade band."))
        Scheme.objects.filter(
            town_id=current.town_id, subject_kind=current.subject_kind, state=SchemeState.IN_USE
        ).update(state=SchemeState.RETIRED)
        current.state = SchemeState.IN_USE
        current.version += 1
        current.save(update_fields=["state", "version", "updated_at"])
        audit.record(actor, "assessments.scheme.put_in_use", current, after={"state": current.state})
    return current


# --- Cycles ---------------------------------------------------------------------------------------


def subjects_of(town, kind: str, period: sources.Period) -> list[dict]:
    """Every subject of `kind` in the town for the period (the fields of its Assessment)."""
    if kind == SubjectKind.PROPERTY_SERVICE:
        contracts = (
            ServiceContract.objects.filter(town=town, start__lte=period.end)
            .filter(Q(end__isnull=True) | Q(end__gte=period.start))
            .select_related("company", "compound")
            .order_by("company__code", "compound__code", "pk")
        )
        return [
            {"organization": c.company, "contract": c, "compound": c.compound,
             "neighborhood_id": c.compound.neighborhood_id}
            for c in contracts
        ]  # fmt: skip
    if kind == SubjectKind.COMPOUND:
        return [
            {"compound": c, "neighborhood_id": c.neighborhood_id}
            for c in Compound.objects.filter(neighborhood__town=town).order_by("code")
        ]
    orgs = Organization.objects.filter(town=town, kind=kind).select_related("compound").order_by("code")
    out = []
    for org in orgs:
        if kind == SubjectKind.OWNERS_COMMITTEE:
            if org.compound_id is None:
                continue
            out.append({"organization": org, "compound": org.compound, "neighborhood_id": org.compound.neighborhood_id})
        elif org.neighborhood_id is not None:
            out.append({"organization": org, "neighborhood_id": org.neighborhood_id})
    return out


def subject_of(assessment: Assessment) -> sources.Subject:
    return sources.Subject(
        kind=assessment.cycle.subject_kind,
        town_id=assessment.cycle.town_id,
        organization=assessment.organization,
        contract=assessment.contract,
        compound=assessment.compound,
        neighborhood=assessment.neighborhood,
    )


def period_of(cycle: Cycle) -> sources.Period:
    return sources.period_of(cycle.scheme.period_kind, cycle.period)


def _step(cycle: Cycle, action: str) -> str:
    to = CYCLE_WORKFLOW.target(action, cycle.state)
    if to is None:
        if cycle.state == CycleState.PUBLISHED:
            raise ValidationError(_("This cycle is published: it is frozen and cannot change any more."))
        raise ValidationError(
            _("This cycle is %(state)s: you cannot %(action)s now.")
            % {"state": cycle.get_state_display(), "action": str(CycleAction(action).label).lower()}
        )
    return to


def open_cycle(*, actor, scheme: Scheme, period: str) -> Cycle:
    """Open a period of a scheme in use: one assessment for every subject in the town, with an
    empty score for every indicator."""
    ensure_town_manager(actor, scheme.town_id, "assessments.manage")
    if scheme.state != SchemeState.IN_USE:
        raise ValidationError(_("Only a scheme in use can be applied."))
    try:
        span = sources.period_of(scheme.period_kind, period)
    except ValueError:
        raise ValidationError(
            {
                "period": _(
                    "Write the period as 2026Q3 (quarter), 2026H1 (half-year) or 2026 (year), as the scheme says."
                )
            }
        ) from None
    if span.end >= timezone.localdate():
        raise ValidationError({"period": _("This period has not ended yet: its figures would still move.")})
    with transaction.atomic():
        lock(scheme, check_version=False)
        if Cycle.objects.filter(town_id=scheme.town_id, subject_kind=scheme.subject_kind, period=span.label).exists():
            raise ValidationError({"period": _("This period has already been opened.")})
        try:
            with transaction.atomic():
                cycle = Cycle.objects.create(
                    town_id=scheme.town_id, scheme=scheme, subject_kind=scheme.subject_kind, period=span.label,
                    start=span.start, end=span.end, opened_by=actor,
                )  # fmt: skip
        except IntegrityError:
            raise ValidationError({"period": _("This period has already been opened.")}) from None
        indicators = list(scheme.indicators.all())
        subjects = subjects_of(scheme.town, scheme.subject_kind, span)
        for fields in subjects:
            assessment = Assessment.objects.create(cycle=cycle, **fields)
            Score.objects.bulk_create(Score(assessment=assessment, indicator=i) for i in indicators)
        audit.record(
            actor, "assessments.cycle.open", cycle, after={"period": span.label, "scheme": scheme.pk,
                                                          "subjects": len(subjects)},
        )  # fmt: skip
    return cycle


def _refresh(assessment: Assessment) -> scoring.Result:
    """Store the assessment's current result (while its cycle runs)."""
    result = scoring.compute(assessment.cycle.scheme, [s.points for s in assessment.scores.all()])
    Assessment.objects.filter(pk=assessment.pk).update(
        total=result.total, band=result.band, fee_percent=result.fee_percent, fails=result.fails
    )
    return result


def pull_figures(*, actor, cycle: Cycle, version: int | None) -> Cycle:
    """Pull every formula and deductions indicator's figure (with its records) and score it. A
    figure with nothing to measure keeps the points an assessor gave by hand (or waits for them)."""
    ensure_town_manager(actor, cycle.town_id, "assessments.manage")
    with transaction.atomic():
        current = lock(cycle, expected_version=version)
        to = _step(current, CycleAction.PULL)
        span = period_of(current)
        now = timezone.now()
        pulled = 0
        for assessment in current.assessments.select_related("organization", "contract", "compound", "neighborhood"):
            subject = subject_of(assessment)
            for score in assessment.scores.select_related("indicator").select_for_update(of=("self",)):
                indicator = score.indicator
                if indicator.rule == RuleKind.MANUAL:
                    continue
                source = sources.get(indicator.source)
                if source is None:
                    raise ValidationError(_("Unknown figure %(code)s.") % {"code": indicator.source})
                figure = source.figure(subject, span)
                score.value, score.count, score.denominator = figure.value, figure.count, figure.denominator
                score.figure_text, score.link = str(figure.text)[:300], figure.link[:300]
                score.records = [[str(label), url] for label, url in figure.records][:200]
                score.pulled_at = now
                if figure.value is not None:
                    score.points = scoring.points_for(indicator, figure.value, figure.count, None)
                    score.reason, score.scored_by, score.scored_at = "", None, None
                elif score.scored_by_id is None:
                    score.points = None
                score.version += 1
                score.save()
                pulled += 1
            _refresh(assessment)
        current.state = to
        current.figures_pulled_at = now
        current.version += 1
        current.save(update_fields=["state", "figures_pulled_at", "version", "updated_at"])
        audit.record(actor, "assessments.cycle.pull", current, after={"figures": pulled})
    return current


def may_score(actor, assessment: Assessment) -> bool:
    return Assessment.objects.for_user(actor, "assessments.score").filter(pk=assessment.pk).exists()


def may_manage(actor, cycle: Cycle) -> bool:
    return get_scope(actor).area("assessments.manage").covers_town(cycle.town_id)


def _points(value, score: Score) -> Decimal:
    top = Decimal(score.indicator.max_points)
    try:
        points = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        points = None
    if (
        points is None
        or not points.is_finite()
        or not Decimal(0) <= points <= top
        or points != points.quantize(Decimal("0.1"))
    ):
        raise ValidationError(
            {"points": _("Points are from 0 to %(max)s, at most one decimal.") % {"max": schemes._plain(top)}}
        )
    return points


def save_score(*, actor, score: Score, version: int | None, points, reason: str) -> Score:
    """An assessor's points for a manual indicator (or a figure with nothing to measure), with a
    written reason. Two assessors on one score: the second is refused (its page was stale)."""
    assessment = score.assessment
    if actor is not None and not may_score(actor, assessment):
        raise PermissionDenied(f"assessments.score not granted on assessment {assessment.pk}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: a score by hand needs its reason.")})
    points = _points(points, score)
    with transaction.atomic():
        current = lock(score, expected_version=version, related=("indicator", "assessment__cycle"))
        if current.assessment.cycle.state != CycleState.SCORING:
            raise ValidationError(_("The scores can be changed only while the cycle is being scored."))
        if not current.by_hand:
            raise ValidationError(_("This indicator is scored from its figure."))
        before = {"points": current.points, "reason": current.reason}
        current.points, current.reason, current.scored_by, current.scored_at = (
            points,
            reason[:2000],
            actor,
            timezone.now(),
        )
        current.version += 1
        current.save()
        _refresh(current.assessment)
        audit.record(
            actor, "assessments.assessment.score", current.assessment, before=before,
            after={"indicator": current.indicator.text, "points": points, "reason": reason},
            town_id=current.assessment.cycle.town_id,
        )  # fmt: skip
    return current


def show_drafts(*, actor, cycle: Cycle, version: int | None, days: int = OBJECTION_DAYS) -> Cycle:
    """Every score given: the assessed see their drafts and may object for `days` working days."""
    ensure_town_manager(actor, cycle.town_id, "assessments.manage")
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationError({"days": _("The objection window is 1 to 30 working days.")})
    with transaction.atomic():
        current = lock(cycle, expected_version=version)
        to = _step(current, CycleAction.SHOW_DRAFTS)
        missing = Score.objects.filter(assessment__cycle=current, points__isnull=True).count()
        if missing:
            raise ValidationError(
                _("%(n)s scores are still to be given: every indicator needs its points first.") % {"n": missing}
            )
        until = deadline_after(timezone.localdate(), days, town_id=current.town_id).date
        current.state, current.objection_until = to, until
        current.version += 1
        current.save(update_fields=["state", "objection_until", "version", "updated_at"])
        audit.record(actor, "assessments.cycle.show_drafts", current, after={"objection_until": until})
    return current


def object_to_assessment(*, actor, assessment: Assessment, version: int | None, reason: str, evidence: Sequence = ()):
    """The assessed organisation's one objection to its draft, within the window."""
    if not Assessment.objects.for_user(actor, "assessments.object").filter(pk=assessment.pk).exists():
        raise PermissionDenied(f"assessments.object not granted on assessment {assessment.pk}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with the draft.")})
    files = clean_files(evidence)
    with transaction.atomic():
        current = lock(assessment, expected_version=version, related=("cycle",))
        cycle = current.cycle
        if cycle.state != CycleState.OBJECTIONS:
            raise ValidationError(_("Objections are taken only while the drafts are shown."))
        if timezone.localdate() > cycle.objection_until:
            raise ValidationError(
                _("The objection window closed on %(day)s.") % {"day": cycle.objection_until.isoformat()}
            )
        if Objection.objects.filter(assessment=current).exists():
            raise ValidationError(_("This assessment has already been objected to: one objection per assessment."))
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    assessment=current, reason=reason[:2000], raised_by=actor, raised_at=timezone.now()
                )
        except IntegrityError:
            raise ValidationError(
                _("This assessment has already been objected to: one objection per assessment.")
            ) from None
        for clean in files:
            row = Evidence(objection=objection, name=clean.name[:200], size=clean.size, uploaded_by=actor)
            row.file.save(clean.name, ContentFile(clean.content), save=False)
            row.save()
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        audit.record(
            actor, "assessments.assessment.object", current, after={"reason": reason, "files": len(files)},
            town_id=cycle.town_id,
        )  # fmt: skip
    return current


def decide_objection(
    *, actor, assessment: Assessment, version: int | None, reason: str, score: Score | None = None, points=None
) -> Assessment:
    """The office decides an objection, with a reason: the draft stands, or one score changes."""
    ensure_town_manager(actor, assessment.cycle.town_id, "assessments.manage")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if score is not None:
        if score.assessment_id != assessment.pk:
            raise ValidationError({"score": _("Choose an indicator of this assessment.")})
        new_points = _points(points, score)
    with transaction.atomic():
        current = lock(assessment, expected_version=version, related=("cycle",))
        if current.cycle.state != CycleState.OBJECTIONS:
            raise ValidationError(_("Objections are decided while the drafts are shown."))
        objection = Objection.objects.select_for_update().filter(assessment=current).first()
        if objection is None:
            raise ValidationError(_("There is no objection to decide."))
        if objection.decision:
            raise ValidationError(_("This objection has already been decided."))
        after = {"reason": reason}
        if score is not None:
            row = lock(score, check_version=False)
            after |= {"indicator": row.indicator.text, "points_before": row.points, "points": new_points}
            row.points, row.reason, row.scored_by, row.scored_at = new_points, reason[:2000], actor, timezone.now()
            row.version += 1
            row.save()
            _refresh(current)
        objection.decision = Objection.Decision.CHANGED if score is not None else Objection.Decision.UPHELD
        objection.decision_reason, objection.decided_by, objection.decided_at = reason[:2000], actor, timezone.now()
        objection.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        audit.record(
            actor,
            "assessments.assessment.change" if score is not None else "assessments.assessment.uphold",
            current,
            after=after,
            town_id=current.cycle.town_id,
        )
    return current


def close_objections(*, actor, cycle: Cycle, version: int | None) -> Cycle:
    """After the window, with every objection decided."""
    ensure_town_manager(actor, cycle.town_id, "assessments.manage")
    with transaction.atomic():
        current = lock(cycle, expected_version=version)
        to = _step(current, CycleAction.CLOSE_OBJECTIONS)
        if timezone.localdate() <= current.objection_until:
            raise ValidationError(
                _("The objection window is open until %(day)s.") % {"day": current.objection_until.isoformat()}
            )
        pending = Objection.objects.filter(assessment__cycle=current, decision="").count()
        if pending:
            raise ValidationError(_("%(n)s objections are still to be decided.") % {"n": pending})
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version", "updated_at"])
        audit.record(actor, "assessments.cycle.close_objections", current, after={"state": to})
    return current


def may_approve(actor, cycle: Cycle) -> bool:
    if cycle.annual:
        return in_leadership_group(actor, cycle.town_id)
    return may_manage(actor, cycle)


def approve(*, actor, cycle: Cycle, version: int | None) -> Cycle:
    """Annual cycles are approved by the leadership group, the others by the office."""
    if not may_approve(actor, cycle):
        raise PermissionDenied(f"may not approve cycle {cycle.pk}")
    with transaction.atomic():
        current = lock(cycle, expected_version=version, related=("scheme",))
        to = _step(current, CycleAction.APPROVE)
        current.state, current.approved_by, current.approved_at = to, actor, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "approved_by", "approved_at", "version", "updated_at"])
        audit.record(actor, "assessments.cycle.approve", current, after={"state": to})
    return current


def _previous_results(cycle: Cycle) -> dict[tuple, bool]:
    """subject key → whether it failed in the town's published cycle of the previous period."""
    before = sources.previous_period(period_of(cycle))
    previous = Cycle.objects.filter(
        town_id=cycle.town_id, subject_kind=cycle.subject_kind, period=before.label, state=CycleState.PUBLISHED
    ).first()
    if previous is None:
        return {}
    return {a.subject_key: a.fails for a in previous.assessments.all()}


def _finish(cycle: Cycle) -> list[Assessment]:
    """Store every assessment's final result, rank and two-periods flag."""
    rows = list(cycle.assessments.select_related("organization", "contract", "compound").prefetch_related("scores"))
    results = [_refresh(a) for a in rows]
    before = _previous_results(cycle)
    for a, result, rank in zip(rows, results, scoring.ranks([r.total for r in results]), strict=True):
        a.total, a.band, a.fee_percent, a.fails, a.rank = (
            result.total,
            result.band,
            result.fee_percent,
            result.fails,
            rank,
        )
        a.failed_twice = scoring.failed_twice(result.fails, before.get(a.subject_key))
        Assessment.objects.filter(pk=a.pk).update(rank=rank, failed_twice=a.failed_twice)
    return rows


def publish(*, actor, cycle: Cycle, version: int | None) -> Cycle:
    """Publish an approved cycle: results stored and frozen; a failed property-service assessment
    writes a bad credit record about the company, one in the scheme's top band a good one (once
    per assessment)."""
    from gongzhi.credit.services import record_by_rule

    ensure_town_manager(actor, cycle.town_id, "assessments.manage")
    with transaction.atomic():
        current = lock(cycle, expected_version=version, related=("scheme",))
        to = _step(current, CycleAction.PUBLISH)
        rows = _finish(current)
        current.state, current.published_at = to, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "published_at", "version", "updated_at"])
        written = 0
        if current.subject_kind == SubjectKind.PROPERTY_SERVICE:
            top = current.scheme.bands.order_by("-from_score").first()
            for a in rows:
                if a.fails:
                    rule = FAILED_PROPERTY_SERVICE
                elif top is not None and a.band == top.label:
                    rule = EXCELLENT_PROPERTY_SERVICE
                else:
                    continue
                record = record_by_rule(
                    rule.code,
                    company=a.organization,
                    compound=a.compound,
                    source_key=f"assessments:{a.uid}",
                    text=_("Property-service assessment %(period)s at %(compound)s: %(total)s points, %(band)s.")
                    % {"period": current.period, "compound": a.compound.name, "total": a.total, "band": a.band},
                    source_url=reverse("assessments:assessment", args=[a.uid]),
                    valid_from=timezone.localdate(),
                )
                written += record is not None
        audit.record(actor, "assessments.cycle.publish", current, after={"state": to, "credit_records": written})
    return current


def reopen(*, actor, cycle: Cycle, version: int | None) -> Cycle:
    """Send a cycle back to scoring before publication (objections stay recorded); a published
    cycle is refused."""
    ensure_town_manager(actor, cycle.town_id, "assessments.manage")
    with transaction.atomic():
        current = lock(cycle, expected_version=version)
        to = _step(current, CycleAction.REOPEN)
        before = current.state
        current.state, current.approved_by, current.approved_at = to, None, None
        current.version += 1
        current.save(update_fields=["state", "approved_by", "approved_at", "version", "updated_at"])
        audit.record(actor, "assessments.cycle.reopen", current, before={"state": before}, after={"state": to})
    return current
