"""Every write of the awards (DESIGN.md convention 1): keyword-only, with the actor, in a
transaction, checked, audited; rows locked at the version the user's page showed.

The office: `save_settings`, `open_round` (the candidates listed with their eligibility),
`refresh` (checked again while nominations are open), `submit` (the ranked proposal to the
leadership group), `announce` (published; a good credit record per property company and manager
awarded). The office and the inspection groups: `nominate` / `withdraw_nomination` (eligible
candidates in the places they cover, with a reason). The leadership group: `approve`, `send_back`.
An announced round never changes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.scope import in_leadership_group
from gongzhi.core.town_settings import save_town_settings
from gongzhi.core.workflow import lock

from . import eligibility
from .credit_rules import AWARDED
from .models import AwardKind, AwardSettings, Candidate, Round
from .workflow import ROUND_WORKFLOW, RoundAction, RoundState

SETTING_FIELDS = (
    "steward_min_score",
    "manager_min_score",
    "excellent_min_score",
    "excellent_min_quarters",
    "excellent_min_grade",
    "places",
)
MAX_TEXT = 2000


def _check_settings(values: dict) -> None:
    errors = {}
    for name in ("steward_min_score", "manager_min_score", "excellent_min_score"):
        if not 0 <= int(values[name]) <= 100:
            errors[name] = _("A score is between 0 and 100.")
    if not 1 <= int(values["excellent_min_quarters"]) <= 4:
        errors["excellent_min_quarters"] = _("A year has 1 to 4 quarters.")
    if values["excellent_min_grade"] not in ("AAA", "AA", "A", "B"):
        errors["excellent_min_grade"] = _("Choose one of the grades AAA, AA, A, B.")
    if not 1 <= int(values["places"]) <= 50:
        errors["places"] = _("Places per group are between 1 and 50.")
    if errors:
        raise ValidationError(errors)


def save_settings(*, actor, town, version: int | None = None, **values) -> AwardSettings:
    """The town's award settings (the office); they apply to rounds opened or checked again later."""
    return save_town_settings(
        AwardSettings,
        actor=actor,
        town=town,
        permission="awards.manage",
        fields=SETTING_FIELDS,
        values=values,
        version=version,
        check=_check_settings,
    )


def _step(round_: Round, action: str) -> str:
    to = ROUND_WORKFLOW.target(action, round_.state)
    if to is None:
        if round_.state == RoundState.ANNOUNCED:
            raise ValidationError(_("This award has been announced: it cannot change any more."))
        raise ValidationError(
            _("This award round is at the step “%(state)s”: you cannot %(action)s now.")
            % {"state": round_.get_state_display(), "action": str(RoundAction(action).label).lower()}
        )
    return to


def _write_candidates(round_: Round) -> dict:
    """(Re)write the round's candidates from `eligibility.check`; nominations of candidates still
    eligible are kept, of those no longer eligible are dropped (and counted)."""
    existing = {(c.group, c.organization_id, c.person_id): c for c in round_.candidates.all()}
    seen, dropped = set(), 0
    for check in eligibility.check(round_):
        key = (
            check.group,
            check.organization.pk if check.organization else None,
            check.person.pk if check.person else None,
        )
        seen.add(key)
        row = existing.get(key) or Candidate(round=round_, group=check.group)
        row.organization, row.person, row.company = check.organization, check.person, check.company
        row.neighborhood_id = check.neighborhood_id
        row.figure, row.assessed, row.records = check.figure, check.assessed, check.records
        row.credit, row.credit_score = check.credit, check.credit_score
        row.exclusions, row.eligible = check.exclusions, check.eligible
        if row.nominated_at and not row.eligible:
            row.nominated_by, row.nominated_at, row.nomination = None, None, ""
            dropped += 1
        if row.pk:
            row.version += 1
        row.save()
        row.compounds.set(sorted(check.compound_ids))
    gone = [c.pk for key, c in existing.items() if key not in seen]
    Candidate.objects.filter(pk__in=gone).delete()
    _rank(round_)
    return {"candidates": len(seen), "eligible": round_.candidates.filter(eligible=True).count(), "dropped": dropped}


def _rank(round_: Round) -> None:
    rows = list(round_.candidates.all())
    eligibility.rank(rows, round_.places, round_.standard_check)
    for row in rows:
        Candidate.objects.filter(pk=row.pk).update(rank=row.rank, proposed=row.proposed)


def open_round(*, actor, town, year: int, kind: str) -> Round:
    """Open one award of one year: every candidate listed with its figure, credit and exclusions."""
    ensure_town_manager(actor, town.pk, "awards.manage")
    today = timezone.localdate()
    if kind not in AwardKind.values:
        raise ValidationError({"kind": _("Choose an award.")})
    if not 2000 <= int(year) <= today.year:
        raise ValidationError({"year": _("Choose a year that has begun, from 2000 on.")})
    if Round.objects.filter(town=town, year=year, kind=kind).exists():
        raise ValidationError(
            {"kind": _("The %(award)s of %(year)s is already open.") % {"award": AwardKind(kind).label, "year": year}}
        )
    settings = AwardSettings.for_town(town.pk)
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                town=town,
                year=year,
                kind=kind,
                reference_date=today,
                places=None if kind == AwardKind.EXCELLENT_COMPANY else settings.places,
                opened_by=actor,
                checked_at=timezone.now(),
            )
            counts = _write_candidates(round_)
            audit.record(actor, "awards.round.open", round_, after={"year": year, "kind": kind, **counts})
    except IntegrityError:
        raise ValidationError(
            {"kind": _("The %(award)s of %(year)s is already open.") % {"award": AwardKind(kind).label, "year": year}}
        ) from None
    return round_


def refresh(*, actor, round_: Round, version: int | None) -> Round:
    """Check every candidate again (new assessments published, credit changed) while nominations are
    open; credit and letters are read as of today."""
    ensure_town_manager(actor, round_.town_id, "awards.manage")
    with transaction.atomic():
        current = lock(round_, expected_version=version)
        _step(current, RoundAction.REFRESH)
        current.reference_date = timezone.localdate()
        current.checked_at = timezone.now()
        current.version += 1
        current.save(update_fields=["reference_date", "checked_at", "version", "updated_at"])
        counts = _write_candidates(current)
        audit.record(actor, "awards.round.refresh", current, after=counts)
    return current


def may_nominate(actor, candidate: Candidate) -> bool:
    return Candidate.objects.for_user(actor, "awards.nominate").filter(pk=candidate.pk).exists()


def nominate(*, actor, candidate: Candidate, version: int | None, reason: str) -> Candidate:
    """Nominate an eligible candidate, with a reason (the office, or the inspection group covering
    it). The standard check takes no nominations."""
    if not may_nominate(actor, candidate):
        raise PermissionDenied(f"may not nominate candidate {candidate.pk}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you nominate this candidate.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    with transaction.atomic():
        round_ = lock(Round, candidate.round_id, check_version=False)
        _step(round_, RoundAction.NOMINATE)
        if round_.standard_check:
            raise ValidationError(_("The standard check takes no nominations: every company meeting it is proposed."))
        current = lock(candidate, expected_version=version)
        if not current.eligible:
            raise ValidationError(
                _("%(name)s is not eligible: %(why)s") % {"name": current.name, "why": current.exclusion_texts}
            )
        if current.nominated:
            raise ValidationError(_("%(name)s is already nominated.") % {"name": current.name})
        current.nominated_by, current.nominated_at, current.nomination = actor, timezone.now(), reason
        current.version += 1
        current.save(update_fields=["nominated_by", "nominated_at", "nomination", "version", "updated_at"])
        _rank(round_)
        current.refresh_from_db()
        audit.record(actor, "awards.candidate.nominate", current, after={"reason": reason})
    return current


def withdraw_nomination(*, actor, candidate: Candidate, version: int | None) -> Candidate:
    """Withdraw a nomination while nominations are open (who nominated, or the office)."""
    if not may_nominate(actor, candidate):
        raise PermissionDenied(f"may not withdraw candidate {candidate.pk}")
    with transaction.atomic():
        round_ = lock(Round, candidate.round_id, check_version=False)
        _step(round_, RoundAction.NOMINATE)
        current = lock(candidate, expected_version=version)
        if not current.nominated:
            raise ValidationError(_("%(name)s is not nominated.") % {"name": current.name})
        before = {"reason": current.nomination}
        current.nominated_by, current.nominated_at, current.nomination = None, None, ""
        current.version += 1
        current.save(update_fields=["nominated_by", "nominated_at", "nomination", "version", "updated_at"])
        _rank(round_)
        current.refresh_from_db()
        audit.record(actor, "awards.candidate.withdraw", current, before=before)
    return current


def submit(*, actor, round_: Round, version: int | None) -> Round:
    """Put the ranked proposal before the leadership group (at least one candidate proposed)."""
    ensure_town_manager(actor, round_.town_id, "awards.manage")
    with transaction.atomic():
        current = lock(round_, expected_version=version)
        to = _step(current, RoundAction.SUBMIT)
        _rank(current)
        proposed = current.candidates.filter(proposed=True).count()
        if not proposed:
            raise ValidationError(
                _("Nobody is proposed yet: nominate eligible candidates first.")
                if not current.standard_check
                else _("No company meets the standard: there is nothing to submit.")
            )
        current.state, current.submitted_at, current.returned_reason = to, timezone.now(), ""
        current.version += 1
        current.save(update_fields=["state", "submitted_at", "returned_reason", "version", "updated_at"])
        audit.record(actor, "awards.round.submit", current, after={"state": to, "proposed": proposed})
    return current


def may_approve(actor, round_: Round) -> bool:
    return in_leadership_group(actor, round_.town_id)


def send_back(*, actor, round_: Round, version: int | None, reason: str) -> Round:
    """The leadership group sends the proposal back to the office, saying why."""
    if not may_approve(actor, round_):
        raise PermissionDenied(f"may not decide round {round_.pk}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the proposal goes back.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    with transaction.atomic():
        current = lock(round_, expected_version=version)
        to = _step(current, RoundAction.SEND_BACK)
        current.state, current.returned_reason = to, reason
        current.version += 1
        current.save(update_fields=["state", "returned_reason", "version", "updated_at"])
        audit.record(actor, "awards.round.send_back", current, after={"state": to, "reason": reason})
    return current


def approve(*, actor, round_: Round, version: int | None) -> Round:
    """The leadership group approves the proposal: the proposed candidates are awarded."""
    if not may_approve(actor, round_):
        raise PermissionDenied(f"may not approve round {round_.pk}")
    with transaction.atomic():
        current = lock(round_, expected_version=version)
        to = _step(current, RoundAction.APPROVE)
        awarded = current.candidates.filter(proposed=True).update(awarded=True)
        current.state, current.approved_by, current.approved_at = to, actor, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "approved_by", "approved_at", "version", "updated_at"])
        audit.record(actor, "awards.round.approve", current, after={"state": to, "awarded": awarded})
    return current


def announce(*, actor, round_: Round, version: int | None, text: str = "") -> Round:
    """Announce an approved round on the public page; each property company and manager awarded
    gets a good credit record (once per candidate)."""
    from gongzhi.credit.services import record_by_rule

    ensure_town_manager(actor, round_.town_id, "awards.manage")
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    with transaction.atomic():
        current = lock(round_, expected_version=version)
        to = _step(current, RoundAction.ANNOUNCE)
        current.state, current.announced_at, current.announcement = to, timezone.now(), text
        current.version += 1
        current.save(update_fields=["state", "announced_at", "announcement", "version", "updated_at"])
        written = 0
        winners = current.candidates.filter(awarded=True).select_related("organization", "person", "company")
        for c in winners:
            company = c.company if c.person_id else c.organization
            if company is None or company.kind != "property_company":
                continue
            record = record_by_rule(
                AWARDED.code,
                company=company,
                manager=c.person,
                source_key=f"awards:{c.uid}",
                text=_("%(year)s %(award)s: %(name)s.")
                % {"year": current.year, "award": current.title, "name": c.name},
                source_url=reverse("awards:public", args=[current.town.code]),
                valid_from=timezone.localdate(),
            )
            if record is not None:
                Candidate.objects.filter(pk=c.pk).update(credit_record=record)
                written += 1
        audit.record(actor, "awards.round.announce", current, after={"state": to, "credit_records": written})
    return current
