"""Every write of the credit files (DESIGN.md convention 1): keyword-only, with the actor, in a
transaction, checked, audited once; a record's row is locked at the version the user's page showed.

Records: `record_by_rule` (the system: idempotent on the town and the cause's `source_key`, the
entry point of the apps above), `record_by_hand` (the office, with evidence). The company:
`object_to_record` (once, within the window), `ask_correction` (after rectification, with evidence).
The office: `decide_objection`, `check_correction`, `save_settings`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.town_settings import save_town_settings
from gongzhi.core.uploads import CleanFile, clean_files
from gongzhi.core.workdays import deadline_after
from gongzhi.core.workflow import lock
from gongzhi.orgs.models import Organization, Person, ServiceContract

from . import rules
from .models import MAX_POINTS, Correction, CreditRecord, CreditSettings, Evidence, Mode, Objection
from .workflow import RECORD_WORKFLOW, RecordAction, RecordState

KINDS = set(CreditRecord.Kind.values)


def _check_subject(company: Organization, manager: Person | None, compound) -> None:
    if company.kind != Organization.Kind.PROPERTY_COMPANY:
        raise ValidationError({"company": _("Credit files are kept for property companies.")})
    contracts = ServiceContract.objects.filter(company=company)
    if manager is not None and not contracts.filter(manager=manager).exists():
        raise ValidationError({"manager": _("Choose a compound manager named on a contract of the company.")})
    if compound is not None and not contracts.filter(compound=compound).exists():
        raise ValidationError({"compound": _("Choose a compound the company serves or has served.")})


def _check_points(points) -> int:
    if points is None or isinstance(points, bool) or not isinstance(points, int) or not 1 <= points <= MAX_POINTS:
        raise ValidationError({"points": _("Points are a whole number from 1 to %(max)s.") % {"max": MAX_POINTS}})
    return points


def _save_evidence(record: CreditRecord, files: Sequence[CleanFile], purpose: str, actor) -> None:
    for clean in files:
        row = Evidence(record=record, purpose=purpose, name=clean.name[:200], size=clean.size, uploaded_by=actor)
        row.file.save(clean.name, ContentFile(clean.content), save=False)
        row.save()


def _snapshot(record: CreditRecord) -> dict:
    return {
        "company": record.company_id,
        "manager": record.manager_id,
        "compound": record.compound_id,
        "kind": record.kind,
        "points": record.points,
        "category": record.category,
        "text": record.text,
        "valid_from": record.valid_from,
        "valid_until": record.valid_until,
        "source_key": record.source_key,
    }


# --- Records -------------------------------------------------------------------------------------


def record_by_rule(
    code: str,
    *,
    company: Organization,
    source_key: str,
    text: str,
    manager: Person | None = None,
    compound=None,
    points: int | None = None,
    source_url: str = "",
    valid_from: date | None = None,
) -> CreditRecord | None:
    """The record a rule writes about a cause, once: the same `source_key` in the town again returns
    the record already written and writes nothing. None when the town has turned the rule off.
    `points` default to the rule's points in the town's mode."""
    rule = rules.get(code)
    if rule is None:
        raise ValueError(f"unknown credit rule {code!r}")
    key = (source_key or "").strip()
    if not key or len(key) > 120:
        raise ValueError("a rule's record needs a source_key of at most 120 characters")
    existing = CreditRecord.objects.filter(town_id=company.town_id, source_key=key).first()
    if existing is not None:
        return existing
    settings = CreditSettings.for_town(company.town_id)
    if not settings.rule_enabled(code):
        return None
    points = _check_points(rule.points_for(settings.mode) if points is None else points)
    _check_subject(company, manager, compound)
    start = valid_from or timezone.localdate()
    try:
        with transaction.atomic():
            record = CreditRecord.objects.create(
                town_id=company.town_id,
                company=company,
                manager=manager,
                compound=compound,
                kind=rule.kind,
                points=points,
                category=rule.code,
                text=(text or "").strip()[:2000] or str(rule.label),
                source_key=key,
                source_url=(source_url or "")[:300],
                valid_from=start,
                valid_until=settings.valid_until(start),
                recorded_at=timezone.now(),
            )
            audit.record(None, "credit.creditrecord.create", record, after=_snapshot(record))
    except IntegrityError:
        # Written meanwhile by a concurrent run of the same rule on the same cause.
        existing = CreditRecord.objects.filter(town_id=company.town_id, source_key=key).first()
        if existing is None:
            raise
        return existing
    return record


def record_by_hand(
    *,
    actor,
    company: Organization,
    kind: str,
    points: int,
    text: str,
    evidence: Sequence,
    manager: Person | None = None,
    compound=None,
    valid_from: date | None = None,
) -> CreditRecord:
    """A record the office writes by hand, with its evidence (required)."""
    ensure_town_manager(actor, company.town_id, "credit.manage")
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose a good record, a bad record or a serious breach.")})
    points = _check_points(points)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what happened.")})
    today = timezone.localdate()
    start = valid_from or today
    if start > today:
        raise ValidationError({"valid_from": _("A record cannot start in the future.")})
    _check_subject(company, manager, compound)
    files = clean_files(evidence)
    if not files:
        raise ValidationError({"evidence": _("Attach the evidence.")})
    settings = CreditSettings.for_town(company.town_id)
    with transaction.atomic():
        record = CreditRecord.objects.create(
            town_id=company.town_id,
            company=company,
            manager=manager,
            compound=compound,
            kind=kind,
            points=points,
            category=CreditRecord.MANUAL,
            text=text[:2000],
            valid_from=start,
            valid_until=settings.valid_until(start),
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        _save_evidence(record, files, Evidence.Purpose.RECORD, actor)
        audit.record(actor, "credit.creditrecord.create", record, after=_snapshot(record) | {"files": len(files)})
    return record


# --- The company: objection and correction -------------------------------------------------------


def _step(record: CreditRecord, action: str) -> str:
    to = RECORD_WORKFLOW.target(action, record.state)
    if to is None:
        raise ValidationError(
            _("This record is %(state)s: you cannot %(action)s now.")
            % {"state": record.get_state_display(), "action": str(RecordAction(action).label).lower()}
        )
    return to


def _ensure(actor, permission: str, record: CreditRecord) -> None:
    if actor is None:
        return
    if not CreditRecord.objects.for_user(actor, permission).filter(pk=record.pk).exists():
        raise PermissionDenied(f"{permission} not granted on credit record {record.pk}")


def may_object(actor, record: CreditRecord) -> bool:
    return CreditRecord.objects.for_user(actor, "credit.object").filter(pk=record.pk).exists()


def may_manage(actor, record: CreditRecord) -> bool:
    return CreditRecord.objects.for_user(actor, "credit.manage").filter(pk=record.pk).exists()


def _reason(reason: str, field: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: message})
    return reason[:2000]


def object_to_record(*, actor, record: CreditRecord, version: int | None, reason: str, evidence: Sequence = ()):
    """The company's one objection (异议) to a record about it or its manager, within the town's
    window from the day the record was written."""
    _ensure(actor, "credit.object", record)
    reason = _reason(reason, "reason", _("Say why the record is wrong."))
    files = clean_files(evidence)
    with transaction.atomic():
        current = lock(record, expected_version=version)
        if Objection.objects.filter(record=current).exists():
            raise ValidationError(_("This record has already been objected to: one objection per record."))
        closes = current.objection_closes(CreditSettings.for_town(current.town_id).objection_days)
        if timezone.localdate() > closes:
            raise ValidationError(_("The objection window closed on %(day)s.") % {"day": closes.isoformat()})
        to = _step(current, RecordAction.OBJECT)
        try:
            with transaction.atomic():
                Objection.objects.create(record=current, reason=reason, raised_by=actor, raised_at=timezone.now())
        except IntegrityError:
            raise ValidationError(_("This record has already been objected to: one objection per record.")) from None
        before = current.state
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version", "updated_at"])
        _save_evidence(current, files, Evidence.Purpose.OBJECTION, actor)
        audit.record(
            actor,
            "credit.creditrecord.object",
            current,
            before={"state": before},
            after={"state": to, "reason": reason, "files": len(files)},
        )
    return current


def ask_correction(*, actor, record: CreditRecord, version: int | None, reason: str, evidence: Sequence):
    """After rectification, the company asks for the record's correction (修正), with evidence; the
    office is to check it within the town's working days."""
    _ensure(actor, "credit.object", record)
    reason = _reason(reason, "reason", _("Say what was rectified."))
    files = clean_files(evidence)
    if not files:
        raise ValidationError({"evidence": _("Attach the evidence of the rectification.")})
    if record.kind == CreditRecord.Kind.GOOD:
        raise ValidationError(_("A good record needs no correction."))
    with transaction.atomic():
        current = lock(record, expected_version=version)
        if Correction.objects.filter(record=current).exists():
            raise ValidationError(_("A correction of this record has already been asked for."))
        to = _step(current, RecordAction.ASK_CORRECTION)
        days = CreditSettings.for_town(current.town_id).correction_days
        due = deadline_after(timezone.localdate(), days, town_id=current.town_id)
        Correction.objects.create(
            record=current,
            reason=reason,
            asked_by=actor,
            asked_at=timezone.now(),
            due_on=due.date,
            due_provisional=due.provisional,
        )
        before = current.state
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version", "updated_at"])
        _save_evidence(current, files, Evidence.Purpose.CORRECTION, actor)
        audit.record(
            actor,
            "credit.creditrecord.ask_correction",
            current,
            before={"state": before},
            after={"state": to, "reason": reason, "due_on": due.date, "files": len(files)},
        )
    return current


# --- The office: decisions -----------------------------------------------------------------------


def decide_objection(*, actor, record: CreditRecord, version: int | None, uphold: bool, reason: str):
    """The office upholds the record (it stands) or withdraws it (it never counts), with a reason."""
    _ensure(actor, "credit.manage", record)
    reason = _reason(reason, "reason", _("Give the reason for the decision."))
    with transaction.atomic():
        current = lock(record, expected_version=version)
        to = _step(current, RecordAction.UPHOLD if uphold else RecordAction.WITHDRAW)
        objection = Objection.objects.select_for_update().get(record=current)
        objection.decision = Objection.Decision.UPHELD if uphold else Objection.Decision.WITHDRAWN
        objection.decision_reason, objection.decided_by, objection.decided_at = reason, actor, timezone.now()
        objection.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version", "updated_at"])
        audit.record(
            actor,
            "credit.creditrecord.uphold" if uphold else "credit.creditrecord.withdraw",
            current,
            before={"state": RecordState.OBJECTED},
            after={"state": to, "reason": reason},
        )
    return current


def check_correction(*, actor, record: CreditRecord, version: int | None, corrected: bool, reason: str):
    """The office's check of a correction request: corrected (the record counts no more from today)
    or refused (it counts on), with a reason."""
    _ensure(actor, "credit.manage", record)
    reason = _reason(reason, "reason", _("Give the reason for the outcome."))
    with transaction.atomic():
        current = lock(record, expected_version=version)
        to = _step(current, RecordAction.CORRECT if corrected else RecordAction.REFUSE)
        correction = Correction.objects.select_for_update().get(record=current)
        now = timezone.now()
        correction.outcome = Correction.Outcome.CORRECTED if corrected else Correction.Outcome.REFUSED
        correction.check_reason, correction.checked_by, correction.checked_at = reason, actor, now
        correction.save(update_fields=["outcome", "check_reason", "checked_by", "checked_at"])
        current.state = to
        current.corrected_on = timezone.localdate() if corrected else None
        current.version += 1
        current.save(update_fields=["state", "corrected_on", "version", "updated_at"])
        audit.record(
            actor,
            "credit.creditrecord.correct" if corrected else "credit.creditrecord.refuse",
            current,
            before={"state": RecordState.CORRECTION_ASKED},
            after={
                "state": to,
                "reason": reason,
                "late": timezone.localdate() > correction.due_on,
            },
        )
    return current


# --- Settings ------------------------------------------------------------------------------------

SETTING_FIELDS = (
    "mode",
    "basic_score",
    "good_cap",
    "band_aaa",
    "band_aa",
    "band_a",
    "band_b",
    "watch_points",
    "blacklist_points",
    "validity_days",
    "objection_days",
    "correction_days",
    "complaints_per_month",
    "report_poor_below",
    "report_min_ratings",
    "disabled_rules",
)


def _check_settings(values: dict) -> None:
    values["disabled_rules"] = sorted(set(values["disabled_rules"] or []))
    if values["mode"] not in Mode.values:
        raise ValidationError({"mode": _("Choose the grade mode or the points mode.")})
    for name in ("basic_score", "good_cap", "band_aaa", "band_aa", "band_a", "band_b", "report_poor_below"):
        if not 0 <= values[name] <= 100:
            raise ValidationError({name: _("A score is a whole number from 0 to 100.")})
    if not values["band_aaa"] > values["band_aa"] > values["band_a"] > values["band_b"] > 0:
        raise ValidationError({"band_aaa": _("The bands must fall from AAA to B: AAA > AA > A > B > 0.")})
    if not 1 <= values["watch_points"] < values["blacklist_points"] <= 100:
        raise ValidationError({"blacklist_points": _("The blacklist level must be above the watch level (1 to 100).")})
    if not 30 <= values["validity_days"] <= 3650:
        raise ValidationError({"validity_days": _("A record is valid for 30 to 3650 days.")})
    if not 1 <= values["objection_days"] <= 90:
        raise ValidationError({"objection_days": _("The objection window is 1 to 90 days.")})
    if not 1 <= values["correction_days"] <= 30:
        raise ValidationError({"correction_days": _("A correction is checked within 1 to 30 working days.")})
    if not 1 <= values["complaints_per_month"] <= 1000 or not 1 <= values["report_min_ratings"] <= 100:
        raise ValidationError(_("The rules' thresholds are out of range."))
    unknown = set(values["disabled_rules"]) - {r.code for r in rules.all_rules()}
    if unknown:
        raise ValidationError({"disabled_rules": _("Unknown rule.")})


def save_settings(*, actor, town, version: int | None = None, **values) -> CreditSettings:
    """The town's credit settings (the office). A first save needs no version; later ones the
    version the form was opened on."""
    return save_town_settings(
        CreditSettings,
        actor=actor,
        town=town,
        permission="credit.manage",
        fields=SETTING_FIELDS,
        values=values,
        version=version,
        check=_check_settings,
    )
