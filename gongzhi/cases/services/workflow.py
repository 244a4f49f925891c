"""The handling of a case, one service per action of the case's table (gongzhi.cases.workflow):
accept, start, explain, escalate, resolve, the resident's feedback or the callback, close when
unreachable, reject, merge, withdraw; and reassigning and co-handlers, which keep the state.

Each locks the case's row alone and checks the version the user's form was opened on
(gongzhi.core.workflow.lock), checks the table and the user's role, and computes what derives
from the case (lateness, the reopen count, deadlines) from the locked row, not the caller's copy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, uploads
from gongzhi.core.uploads import CleanPhoto
from gongzhi.core.workdays import deadline_after
from gongzhi.core.workflow import lock
from gongzhi.notifications.services import notify, users_of
from gongzhi.orgs.models import Organization
from gongzhi.orgs.pickers import serving

from .. import stats
from ..models import Case, CasePhoto
from ..town_settings import settings_for
from ..workflow import CASE_WORKFLOW, OPEN_STATES, Action, State
from .access import (
    belongs_to_handling,
    callback_refusal,
    is_reporter,
    may_reassign,
    may_set_co_handlers,
    require,
    require_state,
)
from .intake import store_photos

AUDITED = [
    "state",
    "handler",
    "accept_due",
    "resolve_due",
    "commitment",
    "committed_date",
    "commitment_in_time",
    "extension_count",
    "escalation_reason",
    "meeting_resolution",
    "resolution",
    "end_reason",
    "merged_into",
    "reopen_count",
    "fixed",
    "rating",
    "feedback_comment",
    "feedback_source",
    "feedback_not_counted",
    "accept_overdue",
    "resolve_overdue",
    "late",
    "due_provisional",
    "callback_due",
]

RESIDENT_MESSAGES = {
    Action.ACCEPT: lambda c: _("Case %(number)s was accepted by %(org)s.") % {"number": c.number, "org": c.handler},
    Action.START: lambda c: _("Work on case %(number)s has started.") % {"number": c.number},
    Action.EXPLAIN: lambda c: (
        _("Case %(number)s: %(org)s explains and commits to %(date)s.")
        % {"number": c.number, "org": c.handler, "date": c.committed_date}
    ),
    Action.EXTEND: lambda c: (
        _("Case %(number)s: %(org)s moves its committed date to %(date)s.")
        % {"number": c.number, "org": c.handler, "date": c.committed_date}
    ),
    Action.ESCALATE: lambda c: (
        _("Case %(number)s involves several organisations and goes to the joint meeting.") % {"number": c.number}
    ),
    Action.DECIDE: lambda c: (
        _("Case %(number)s: the joint meeting adopted resolution %(resolution)s; %(org)s leads the work, due %(date)s.")
        % {"number": c.number, "resolution": c.meeting_resolution, "org": c.handler, "date": c.resolve_due}
    ),
    Action.RETURN: lambda c: (
        _("Case %(number)s: the joint meeting made no resolution on it; %(org)s handles it, due %(date)s.")
        % {"number": c.number, "org": c.handler, "date": c.resolve_due}
    ),
    Action.RESOLVE: lambda c: (
        _("Case %(number)s is marked resolved. Is it fixed? Please tell us and rate the handling.")
        % {"number": c.number}
    ),
    Action.REOPEN: lambda c: _("Case %(number)s was reopened and will be handled again.") % {"number": c.number},
    Action.CONFIRM: lambda c: _("Case %(number)s is closed. Thank you for your feedback.") % {"number": c.number},
    Action.CLOSE_UNREACHABLE: lambda c: _("Case %(number)s is closed.") % {"number": c.number},
    Action.CONFIRM_ON_SITE: lambda c: (
        _("Case %(number)s: an inspection group saw on site that it is fixed; the case is closed.")
        % {"number": c.number}
    ),
    Action.REJECT: lambda c: (
        _("Case %(number)s was not taken up: %(reason)s") % {"number": c.number, "reason": c.end_reason}
    ),
    Action.MERGE: lambda c: (
        _("Case %(number)s is handled together with case %(other)s.") % {"number": c.number, "other": c.merged_into}
    ),
    Action.WITHDRAW: lambda c: _("Case %(number)s was withdrawn.") % {"number": c.number},
}

UNDER_RESOLUTION = gettext_lazy(
    "This case is carried out under resolution %(number)s: its date is the resolution's, changed only by "
    "the joint meeting (reconsideration)."
)
# Actions a case carried out under a resolution no longer takes (the page does not offer them).
NOT_UNDER_RESOLUTION = (Action.EXPLAIN, Action.EXTEND, Action.ESCALATE)

# What an action changes: fixed values, or computed from the locked case.
Changes = dict | Callable[[Case], dict]


# The version a step of the joint meeting is taken at: the row as it is (no form was opened on it).
AS_IT_IS = object()


def _locked(case: Case, expected_version) -> Case:
    """The case's row alone, locked, at the version the form was opened on (AS_IT_IS: a step of
    the joint meeting, taken on the row as it is); the handler, compound and category are read
    along (not locked)."""
    if expected_version is AS_IT_IS:
        return lock(case, check_version=False, related=("handler", "compound", "category"))
    return lock(case, expected_version=expected_version, related=("handler", "compound", "category"))


def _transition(
    case: Case,
    *,
    actor,
    action: str,
    expected_version,
    changes: Changes,
    notify_handler: str = "",
    role_checked: bool = False,
    audit_extra: dict | None = None,
    also: Callable[[Case], None] | None = None,
) -> Case:
    """One step of the table. `role_checked`: the caller has checked who may take it (the joint
    meeting's chair, the callback rules); the state is checked here in every case."""
    with transaction.atomic():
        current = _locked(case, expected_version)
        if role_checked:
            require_state(action, current)
        else:
            require(actor, action, current)
        tracker = stats.track(current)
        changes = {"state": CASE_WORKFLOW.target(action, current.state), **_resolved(changes, current)}
        before = audit.snapshot(current, [f for f in AUDITED if f in changes])
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        tracker.commit()
        if also is not None:  # rows written with the step (the photos after the work)
            also(current)
        after = audit.snapshot(current, list(before))
        unchanged = [name for name in before if before[name] == after[name]]
        for name in unchanged:  # the history shows what the step changed
            del before[name], after[name]
        audit.record(actor, f"cases.case.{action}", current, before=before, after={**after, **(audit_extra or {})})
        notify(
            users=[current.reporter_user_id] if current.reporter_user_id else [],
            text=RESIDENT_MESSAGES[action](current),
            url=current.tracking_url(),
            sms_phone=current.reporter_phone,
        )
        if notify_handler:
            notify(users=users_of([current.handler_id]), text=notify_handler, url=current.get_absolute_url())
    return current


def _resolved(changes: Changes, current: Case) -> dict:
    return changes(current) if callable(changes) else changes


def accept_case(*, actor, case: Case, expected_version: int) -> Case:
    now = timezone.now()
    today = timezone.localtime(now).date()

    def changes(current: Case) -> dict:
        late = today > current.accept_due
        return {"accepted_at": now, "accept_overdue": current.accept_overdue or late, "late": current.late or late}

    return _transition(case, actor=actor, action=Action.ACCEPT, expected_version=expected_version, changes=changes)


def start_case(*, actor, case: Case, expected_version: int) -> Case:
    return _transition(case, actor=actor, action=Action.START, expected_version=expected_version, changes={})


def _check_commitment(committed_date: date | None, today: date, words: tuple[str, str, str]) -> None:
    """Refuse a committed date in the past or more than a year ahead, or `words` (field, text,
    what to say) shorter than five characters: what the resident will read."""
    field, text, say = words
    errors = {}
    if committed_date is None or committed_date < today:
        errors["committed_date"] = _("The committed date cannot be in the past.")
    elif committed_date > today + timedelta(days=365):
        errors["committed_date"] = _("Commit to a date within a year.")
    if len(text) < 5:
        errors[field] = say
    if errors:
        raise ValidationError(errors)


def explain_case(*, actor, case: Case, explanation: str, committed_date: date, expected_version: int) -> Case:
    """Explain to the resident why it cannot be fixed at once and commit to a date (seed 六.3⑴).
    Given by the resolve-by date, the committed date becomes the deadline; given after it, the
    explanation is recorded and shown but the case stays late and is not handled in time
    (docs/metrics.md). A later change of the date is an extension (`extend_commitment`)."""
    explanation = (explanation or "").strip()
    today = timezone.localdate()
    _check_commitment(
        committed_date, today, ("explanation", explanation, _("Write the explanation the resident will read."))
    )

    def changes(current: Case) -> dict:
        if current.meeting_resolution:
            raise ValidationError(UNDER_RESOLUTION % {"number": current.meeting_resolution}, code="resolution")
        in_time = not current.resolve_overdue and today <= current.resolve_due
        committed = {"commitment": explanation, "committed_date": committed_date, "commitment_in_time": in_time}
        if in_time:
            return {**committed, "resolve_due": committed_date, "due_provisional": False}
        return {**committed, "resolve_overdue": True, "late": True}

    return _transition(case, actor=actor, action=Action.EXPLAIN, expected_version=expected_version, changes=changes)


def extension_refusal(case: Case, today: date) -> str:
    """Why the commitment of an explained case cannot be extended now ("" when it can): the town's
    limit is reached, or the commitment was given late or its date has passed."""
    allowed = settings_for(case.town_id).max_extensions
    if case.extension_count >= allowed:
        if not allowed:
            return _("The town does not allow extending a commitment.")
        return _("The town allows %(n)s extension(s) of a commitment; this case has had them.") % {"n": allowed}
    if not case.commitment_in_time or case.resolve_overdue or today > case.resolve_due:
        return _("The commitment was given or kept too late to be extended: the case counts as late.")
    return ""


def extend_commitment(*, actor, case: Case, committed_date: date, reason: str, expected_version: int) -> Case:
    """Move the committed date (with a reason, audited), as often as the town allows (default
    once), and only while the commitment stands: given in time and its date not yet passed."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    _check_commitment(
        committed_date,
        today,
        ("reason", reason, _("Say why the committed date has to move; the resident will read it.")),
    )

    def changes(current: Case) -> dict:
        refusal = extension_refusal(current, today)
        if refusal:
            raise ValidationError(refusal, code="extension")
        if committed_date <= current.committed_date:
            raise ValidationError(
                {
                    "committed_date": _("Choose a date after the current committed date (%(date)s).")
                    % {"date": current.committed_date}
                }
            )
        return {
            "committed_date": committed_date,
            "resolve_due": committed_date,
            "extension_count": current.extension_count + 1,
        }

    return _transition(
        case,
        actor=actor,
        action=Action.EXTEND,
        expected_version=expected_version,
        changes=changes,
        audit_extra={"reason": reason},
    )


def escalate_case(*, actor, case: Case, reason: str, expected_version: int) -> Case:
    """Several organisations are involved: the case goes to the neighborhood's joint meeting.
    Its own resolve-by clock stops (a case escalated after its deadline stays late); the meeting's
    resolution gives it a new handler and deadline (`apply_meeting_resolution`)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why the joint meeting is needed and who is involved.")})
    party_org = Organization.objects.filter(
        neighborhood_id=case.neighborhood_id, kind=Organization.Kind.PARTY_ORG
    ).first()
    now = timezone.now()
    today = timezone.localtime(now).date()

    def changes(current: Case) -> dict:
        if current.meeting_resolution:
            raise ValidationError(UNDER_RESOLUTION % {"number": current.meeting_resolution}, code="resolution")
        escalated = {"escalated_at": now, "escalation_reason": reason}
        if not current.resolve_overdue and today > current.resolve_due:  # escalated after its deadline
            return {**escalated, "resolve_overdue": True, "late": True}
        return escalated

    updated = _transition(case, actor=actor, action=Action.ESCALATE, expected_version=expected_version, changes=changes)
    if party_org:
        notify(
            users=users_of([party_org.pk]),
            url=updated.get_absolute_url(),
            text=_("Case %(number)s was escalated to the joint meeting: %(reason)s")
            % {"number": updated.number, "reason": reason[:200]},
        )
    return updated


def _resolution_changes(current: Case, resolution: str, now, done_on: date) -> dict:
    """What resolving changes. Late when the resolve-by date had passed on `done_on` — except
    while the case waited for the joint meeting (its clock stopped) — or was marked passed."""
    waiting = current.state == State.ESCALATED
    late = current.resolve_overdue or (not waiting and done_on > current.resolve_due)
    today = timezone.localtime(now).date()
    return {
        "resolution": resolution,
        "resolved_at": now,
        "handled_in_time": not late,
        "resolve_overdue": late,
        "late": current.late or late,
        "callback_due": deadline_after(today, settings_for(current.town_id).callback_after_days, current.town_id).date,
        "callback_notified": False,
        "fixed": None,
    }


def resolve_case(
    *, actor, case: Case, resolution: str, expected_version: int, photos: Sequence[CleanPhoto] = ()
) -> Case:
    """The handler resolves the case, with what was done and, if taken, photos after the work."""
    resolution = (resolution or "").strip()
    if len(resolution) < 2:
        raise ValidationError({"resolution": _("Say briefly what was done.")})
    if len(photos) > uploads.MAX_PHOTOS:
        raise ValidationError({"photos": _("Choose at most %(n)s photos.") % {"n": uploads.MAX_PHOTOS}})
    now = timezone.now()
    today = timezone.localtime(now).date()
    return _transition(
        case,
        actor=actor,
        action=Action.RESOLVE,
        expected_version=expected_version,
        changes=lambda current: _resolution_changes(current, resolution, now, today),
        audit_extra={"photos": len(photos)} if photos else None,
        also=lambda current: store_photos(current, photos, stage=CasePhoto.Stage.AFTER),
    )


# --- The joint meeting's side (called by gongzhi.meetings, which checks the chair's right) ----


def apply_meeting_resolution(
    *, actor, case: Case, number: str, lead: Organization, due: date, co_organizations=()
) -> Case:
    """The joint meeting adopted resolution `number` on the case's item (or replaced it on
    reconsideration): the case goes back to work with the resolution's lead as its handler, the
    assisting organisations as co-handlers, and the resolution's due date as its deadline."""

    def changes(current: Case) -> dict:
        if current.state == State.IN_PROGRESS and not current.meeting_resolution:
            raise ValidationError(_("This case is not waiting for the joint meeting."), code="state")
        return {
            "handler": lead,
            "meeting_resolution": number,
            "resolve_due": due,
            "due_provisional": False,
        }

    others = [o for o in co_organizations if o.pk != lead.pk]
    with transaction.atomic():
        updated = _transition(
            case,
            actor=actor,
            action=Action.DECIDE,
            expected_version=AS_IT_IS,
            changes=changes,
            role_checked=True,
            audit_extra={"co_handlers": sorted(o.pk for o in others)} if others else None,
        )
        updated.co_handlers.remove(lead)
        if others:
            updated.co_handlers.add(*others)
    return updated


def return_from_meeting(*, actor, case: Case, outcome: str) -> Case:
    """The meeting ended the case's item without a resolution (noted, withdrawn, not passed): the
    case goes back to its handler, with a new resolve-by date counted from today (its clock
    was stopped while it waited)."""
    today = timezone.localdate()

    def changes(current: Case) -> dict:
        due = deadline_after(today, current.category.resolve_days_for(current.urgency), current.town_id)
        return {"resolve_due": due.date, "due_provisional": due.provisional}

    return _transition(
        case,
        actor=actor,
        action=Action.RETURN,
        expected_version=AS_IT_IS,
        changes=changes,
        role_checked=True,
        audit_extra={"outcome": (outcome or "")[:500]},
    )


def resolve_by_meeting(*, actor, case: Case, number: str, note: str, done_on: date) -> Case:
    """The meeting checked resolution `number` and closed it: the case it carried out is resolved.
    In time when the lead reported it carried out (`done_on`) by the case's deadline."""
    now = timezone.now()
    text = _("Resolution %(number)s was carried out and checked: %(note)s") % {"number": number, "note": note}
    return _transition(
        case,
        actor=actor,
        action=Action.RESOLVE,
        expected_version=AS_IT_IS,
        changes=lambda current: _resolution_changes(current, text[:2000], now, done_on),
        role_checked=True,
    )


def record_feedback(
    *,
    actor,
    case: Case,
    fixed: bool,
    rating: str,
    expected_version: int,
    comment: str = "",
    by_callback: bool = False,
) -> Case:
    """The resident's answer at follow-up — fixed or not, and a rating — given by the resident or
    recorded by the residents' committee's callback. Fixed closes the case; not fixed reopens it
    (重办, counted) with a new deadline."""
    if rating not in Case.Rating.values:
        raise ValidationError({"rating": _("Choose 满意, 基本满意 or 不满意.")})
    comment = (comment or "").strip()[:1000]
    if actor is not None:
        if by_callback:
            _require_callback(actor, case)
        elif not is_reporter(actor, case):
            raise PermissionDenied("not the reporter")
    # An answer from the handling organisation's own people is recorded, not counted.
    not_counted = Case.NotCounted.HANDLER_MEMBER if actor is not None and belongs_to_handling(actor, case) else ""
    now = timezone.now()
    feedback = {
        "rating": rating,
        "feedback_comment": comment,
        "feedback_at": now,
        "feedback_source": Case.FeedbackSource.CALLBACK if by_callback else Case.FeedbackSource.RESIDENT,
        "feedback_not_counted": not_counted,
    }
    if fixed:
        return _transition(
            case,
            actor=actor,
            action=Action.CONFIRM,
            expected_version=expected_version,
            changes={**feedback, "fixed": True, "closed_at": now, "followup_valid": not not_counted},
            role_checked=True,
        )
    today = timezone.localtime(now).date()

    def reopened(current: Case) -> dict:
        due = deadline_after(today, current.category.resolve_days_for(current.urgency), current.town_id)
        return {
            **feedback,
            "fixed": False,
            "reopen_count": current.reopen_count + 1,
            "resolved_at": None,
            "handled_in_time": None,
            "resolve_due": due.date,
            "due_provisional": due.provisional,
            "resolve_overdue": False,
            "callback_due": None,
        }

    return _transition(
        case,
        actor=actor,
        action=Action.REOPEN,
        expected_version=expected_version,
        changes=reopened,
        notify_handler=_("Case %(number)s was reopened: the resident says it is not fixed.") % {"number": case.number},
        role_checked=True,
    )


def _require_callback(actor, case: Case) -> None:
    """The callback rules (docs/metrics.md): only once due, never by the handling or a co-handling
    organisation's people, only where the callback right reaches."""
    refusal = callback_refusal(actor, case)
    if refusal == "role":
        raise PermissionDenied("cases.callback")
    if refusal:
        raise ValidationError(refusal, code="callback")


def close_unreachable(*, actor, case: Case, note: str, expected_version: int) -> Case:
    """The callback could not reach the resident: the case closes without a valid follow-up (it
    counts in neither the effective-disposal nor the satisfaction rate)."""
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationError({"note": _("Say how you tried to reach the resident.")})
    if actor is not None:
        _require_callback(actor, case)
    return _transition(
        case,
        actor=actor,
        action=Action.CLOSE_UNREACHABLE,
        expected_version=expected_version,
        changes={"closed_at": timezone.now(), "followup_valid": False, "end_reason": note},
        role_checked=True,
    )


def confirm_fixed_on_site(*, actor, case: Case, note: str, inspection: str = "") -> Case:
    """An inspection group saw on site that the problem is fixed — the other way DOMAIN-RULES gives
    to confirm a case resolved besides the resident's answer. The caller (gongzhi.inspections)
    checks that the actor's group covers the compound. The case closes confirmed fixed with a valid
    follow-up and without a rating: it counts in 处置有效率 (docs/metrics.md), never in 群众满意率."""
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationError({"note": _("Say what you saw on site.")})
    now = timezone.now()
    return _transition(
        case,
        actor=actor,
        action=Action.CONFIRM_ON_SITE,
        expected_version=AS_IT_IS,
        changes={
            "fixed": True,
            "closed_at": now,
            "followup_valid": True,
            "feedback_at": now,
            "feedback_source": Case.FeedbackSource.INSPECTION,
            "feedback_comment": note[:1000],
            "feedback_not_counted": "",
            "rating": "",
        },
        role_checked=True,
        audit_extra={"inspection": inspection} if inspection else None,
    )


def reject_case(*, actor, case: Case, reason: str, expected_version: int) -> Case:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the reason; the resident will read it.")})
    return _transition(
        case,
        actor=actor,
        action=Action.REJECT,
        expected_version=expected_version,
        changes={"end_reason": reason, "closed_at": timezone.now()},
    )


def merge_case(*, actor, case: Case, into: Case, reason: str, expected_version: int) -> Case:
    if into.pk == case.pk or into.town_id != case.town_id or into.state not in OPEN_STATES:
        raise ValidationError({"into": _("Choose another open case of the same town.")})
    reason = (reason or "").strip() or _("Duplicate of %(number)s") % {"number": into.number}
    return _transition(
        case,
        actor=actor,
        action=Action.MERGE,
        expected_version=expected_version,
        changes={"merged_into": into, "end_reason": reason, "closed_at": timezone.now()},
    )


def withdraw_case(*, actor, case: Case, expected_version: int, reason: str = "") -> Case:
    return _transition(
        case,
        actor=actor,
        action=Action.WITHDRAW,
        expected_version=expected_version,
        changes={"end_reason": (reason or "").strip()[:500], "closed_at": timezone.now()},
        notify_handler=_("Case %(number)s was withdrawn by the resident.") % {"number": case.number},
    )


# --- Who handles it: actions that keep the state ---------------------------------------------


def reassign_case(*, actor, case: Case, organization: Organization, reason: str, expected_version: int) -> Case:
    """Give the case to another organisation (reason recorded); its counters move with it."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the reason for reassigning.")})
    if not serving(case.town_id, [case.compound_id]).filter(pk=organization.pk).exists():
        raise ValidationError(
            {"organization": _("Choose an organisation that serves the case's compound, or a government unit.")}
        )
    with transaction.atomic():
        current = _locked(case, expected_version)
        if not may_reassign(actor, current):
            raise PermissionDenied("cases.route")
        if current.state not in OPEN_STATES:
            raise ValidationError(_("A finished case cannot be reassigned."))
        if organization.pk == current.handler_id:
            raise ValidationError({"organization": _("The case is already with this organisation.")})
        tracker = stats.track(current)
        before = {"handler": current.handler_id}
        current.handler = organization
        current.version += 1
        current.save()
        current.co_handlers.remove(organization)
        tracker.commit()
        audit.record(
            actor, "cases.case.reassign", current, before=before, after={"handler": organization.pk, "reason": reason}
        )
        notify(
            users=users_of([organization.pk]),
            url=current.get_absolute_url(),
            text=_("Case %(number)s was reassigned to %(org)s: %(reason)s")
            % {"number": current.number, "org": organization, "reason": reason[:200]},
        )
    return current


def set_co_handlers(*, actor, case: Case, organizations: Sequence[Organization], expected_version: int) -> Case:
    with transaction.atomic():
        current = _locked(case, expected_version)
        if not may_set_co_handlers(actor, current):
            raise PermissionDenied("cases.route")
        allowed = set(serving(current.town_id, [current.compound_id]).values_list("pk", flat=True))
        if any(o.pk not in allowed or o.pk == current.handler_id for o in organizations):
            raise ValidationError(
                {
                    "organizations": _(
                        "Co-handlers are other organisations that serve the case's compound, or government units."
                    )
                }
            )
        before = sorted(current.co_handlers.values_list("pk", flat=True))
        after = sorted(o.pk for o in organizations)
        if before == after:
            return current
        current.co_handlers.set(organizations)
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        audit.record(
            actor, "cases.case.co_handlers", current, before={"co_handlers": before}, after={"co_handlers": after}
        )
        added = set(after) - set(before)
        if added:
            notify(
                users=users_of(added),
                url=current.get_absolute_url(),
                text=_("Your organisation co-handles case %(number)s.") % {"number": current.number},
            )
    return current
