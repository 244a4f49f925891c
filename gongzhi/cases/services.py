"""Every write to cases: named services with an actor, in a transaction, audited, counted
(gongzhi.cases.stats) and followed by notifications after commit.

Who may do what (`may()`), beyond the permission strings of core.roles:
- the handling organisation's members accept, start, resolve (and explain, escalate, reject);
- the neighborhood's party organisation and residents' committee (cases.route) also explain,
  escalate, reject, merge, reassign and add co-handlers; they call back (cases.callback);
- the resident who reported the case (by account or by the mobile number they signed in with)
  confirms, reopens, rates and withdraws."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.services import PHONE_RE
from gongzhi.core import audit, process_cache
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.scope import get_scope
from gongzhi.core.workdays import deadline_after
from gongzhi.notifications.services import Message, notify, notify_many, users_of
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Building, Compound, Unit

from . import stats
from .models import (
    AgendaProposal,
    Case,
    CaseMessage,
    CaseNumber,
    CasePhoto,
    CaseSettings,
    Category,
    Urgency,
    Visit,
)
from .photos import CleanPhoto
from .routing import Router
from .workflow import OPEN_STATES, Action, State, target

AUDITED = [
    "state",
    "handler",
    "accept_due",
    "resolve_due",
    "commitment",
    "committed_date",
    "escalation_reason",
    "resolution",
    "end_reason",
    "merged_into",
    "reopen_count",
    "fixed",
    "rating",
    "feedback_comment",
    "feedback_source",
    "accept_overdue",
    "resolve_overdue",
    "late",
    "due_provisional",
    "callback_due",
]
RESIDENT_CHANNELS = (Case.Channel.QR, Case.Channel.RESIDENT)


SETTINGS_CACHE = "case-settings"


def settings_for(town_id: int) -> CaseSettings:
    """The town's case settings, kept per process for 30 s (read on every intake; a change in
    another process is seen within that time, in this one at once)."""

    def load():
        settings, _created = CaseSettings.objects.get_or_create(town_id=town_id)
        return settings

    return process_cache.remembered(SETTINGS_CACHE, town_id, 30, load)


# --- Who may do what -------------------------------------------------------------------------


def is_reporter(user, case: Case) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return case.reporter_user_id == user.pk or bool(user.phone and user.phone == case.reporter_phone)


def is_handler(user, case: Case) -> bool:
    scope = get_scope(user)
    return scope.has("cases.handle") and case.handler_id in scope.organization_ids


def is_co_handler(user, case: Case) -> bool:
    scope = get_scope(user)
    return bool(scope.organization_ids) and case.co_handlers.filter(pk__in=scope.organization_ids).exists()


def _reaches(user, permission: str, case: Case) -> bool:
    return Case.objects.for_user(user, permission).filter(pk=case.pk).exists()


HANDLER_ACTIONS = {Action.ACCEPT, Action.START, Action.RESOLVE, Action.EXPLAIN, Action.ESCALATE, Action.REJECT}
ROUTE_ACTIONS = {Action.EXPLAIN, Action.ESCALATE, Action.REJECT, Action.MERGE}
RESIDENT_ACTIONS = {Action.CONFIRM, Action.REOPEN, Action.WITHDRAW}
CALLBACK_ACTIONS = {Action.CONFIRM, Action.REOPEN, Action.CLOSE_UNREACHABLE}


def may(user, action: str, case: Case) -> bool:
    """Whether `user` may take `action` on `case` now (the table allows it from its state)."""
    if user is None:
        return True  # the system itself
    if target(action, case.state) is None:
        return False
    if action in HANDLER_ACTIONS and is_handler(user, case):
        return True
    if action in ROUTE_ACTIONS and _reaches(user, "cases.route", case):
        return True
    if action in RESIDENT_ACTIONS and is_reporter(user, case):
        return True
    return action in CALLBACK_ACTIONS and _reaches(user, "cases.callback", case)


def _require(user, action: str, case: Case) -> None:
    if not may(user, action, case):
        if target(action, case.state) is None:
            raise ValidationError(
                _("This case is “%(state)s”: it cannot be changed that way now. Reload the page to see what happened.")
                % {"state": case.get_state_display()},
                code="state",
            )
        raise PermissionDenied(f"{action} on case {case.pk}")


# --- Intake ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """What a report says, from whichever channel."""

    compound: Compound
    category: Category
    description: str
    urgency: str = Urgency.NORMAL
    building: Building | None = None
    unit: Unit | None = None
    location: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    hide_identity: bool = False


def _take_numbers(town_id: int, when, count: int) -> list[str]:
    """The town's next `count` case numbers of the month, in one statement (insert or add). The
    row stays locked until the intake commits, so numbers are taken as late as possible."""
    month = timezone.localtime(when).strftime("%y%m")
    table = CaseNumber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (town_id, month, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (town_id, month) DO UPDATE SET last = {table}.last + excluded.last RETURNING last",
            [town_id, month, count],
        )
        (last,) = cursor.fetchone()
    return [f"{month}-{n:04d}" for n in range(last - count + 1, last + 1)]


def field_errors(*, description: str, urgency: str, reporter_phone: str) -> dict[str, str]:
    """What is wrong with a report's own fields (no database): also used by the API to answer
    a bad call at once."""
    errors = {}
    description = (description or "").strip()
    if len(description) < 5:
        errors["description"] = _("Describe the problem in a few words (at least 5 characters).")
    elif len(description) > 2000:
        errors["description"] = _("Keep the description under 2000 characters.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Choose urgent or normal.")
    if reporter_phone and not PHONE_RE.match(reporter_phone):
        errors["reporter_phone"] = _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
    return errors


def _check_report(report: Report) -> None:
    errors = field_errors(description=report.description, urgency=report.urgency, reporter_phone=report.reporter_phone)
    compound = report.compound
    if report.category.town_id != compound.town_id or report.category.retired:
        errors["category"] = _("Choose one of the town's categories.")
    if report.building is not None and report.building.compound_id != compound.pk:
        errors["building"] = _("This building is not in the compound.")
    if report.unit is not None and (
        report.unit.compound_id != compound.pk
        or (report.building is not None and report.unit.building_id != report.building.pk)
    ):
        errors["unit"] = _("This unit is not in the compound or building.")
    if errors:
        raise ValidationError(errors)


def _check_rate_limits(report: Report, settings: CaseSettings, address: str | None, now) -> None:
    if (
        report.reporter_phone
        and Case.objects.filter(reporter_phone=report.reporter_phone, submitted_at__gte=now - timedelta(days=1)).count()
        >= settings.reports_per_phone_per_day
    ):
        raise ValidationError(
            _(
                "This mobile number has reported many problems today. Please try again tomorrow, "
                "or call the residents' committee."
            ),
            code="rate_phone",
        )
    if (
        address
        and Case.objects.filter(submitted_from=address, submitted_at__gte=now - timedelta(hours=1)).count()
        >= settings.reports_per_address_per_hour
    ):
        raise ValidationError(
            _("Too many reports from this network in the last hour. Please try again later."), code="rate_address"
        )


@dataclass(frozen=True)
class Submission:
    """One report to take in, with who submits it and how."""

    actor: object
    report: Report
    channel: str
    photos: Sequence[CleanPhoto] = ()
    visit: Visit | None = None
    address: str | None = None
    reporter_user: object = None


CREATE_AUDITED = [
    "number",
    "compound",
    "building",
    "unit",
    "category",
    "urgency",
    "channel",
    "handler",
    "accept_due",
    "resolve_due",
    "due_provisional",
]


def submit_case(
    *,
    actor,
    report: Report,
    channel: str,
    photos: Sequence[CleanPhoto] = (),
    visit: Visit | None = None,
    address: str | None = None,
    reporter_user=None,
) -> Case:
    """Take in a report from any channel: number it, set its deadlines in working days, route it,
    store its photos, count it and notify the handling organisation and the resident."""
    (result,) = submit_cases([Submission(actor, report, channel, photos, visit, address, reporter_user)])
    if isinstance(result, Exception):
        raise result
    return result


def _admit(item: Submission, now) -> None:
    """Refuse a submission the actor may not make or the report does not allow (raises)."""
    report = item.report
    _check_report(report)
    if item.channel not in RESIDENT_CHANNELS and item.actor is not None:
        scope = get_scope(item.actor)
        if not scope.has("cases.enter") or not scope.area("cases.enter").covers_compound(report.compound):
            raise PermissionDenied("cases.enter")
    if item.channel in RESIDENT_CHANNELS:
        _check_rate_limits(report, settings_for(report.compound.town_id), item.address, now)


def submit_cases(items: Sequence[Submission]) -> list[Case | Exception]:
    """Take in several reports in one transaction: what a single report costs in statements
    (numbering, routing, the case rows, counters, history, notifications) is paid once per batch.
    Returns, for each submission in order, its case or why it was refused (ValidationError or
    PermissionDenied); the refused ones leave nothing behind."""
    now = timezone.now()
    today = timezone.localtime(now).date()
    results: list[Case | Exception] = [None] * len(items)  # type: ignore[list-item]
    admitted = []
    for index, item in enumerate(items):
        try:
            _admit(item, now)
        except (ValidationError, PermissionDenied) as error:
            results[index] = error
        else:
            admitted.append(index)
    router = Router([items[i].report.compound for i in admitted], today) if admitted else None
    routes = {}
    for index in list(admitted):
        try:
            routes[index] = router.route(items[index].report.category, items[index].report.compound)
        except ValidationError as error:
            results[index] = error
            admitted.remove(index)
    if not admitted:
        return results
    deadlines: dict[int, object] = {}

    def due(days: int):  # the same few deadlines for the whole batch
        if days not in deadlines:
            deadlines[days] = deadline_after(today, days)
        return deadlines[days]

    with transaction.atomic():
        by_town: dict[int, list[int]] = {}
        for index in admitted:
            by_town.setdefault(items[index].report.compound.town_id, []).append(index)
        cases: dict[int, Case] = {}
        for town_id, indexes in sorted(by_town.items()):
            numbers = _take_numbers(town_id, now, len(indexes))
            for index, number in zip(indexes, numbers, strict=True):
                item, report = items[index], items[index].report
                accept = due(report.category.accept_days)
                resolve = due(report.category.resolve_days_for(report.urgency))
                cases[index] = Case(
                    town_id=town_id,
                    neighborhood_id=report.compound.neighborhood_id,
                    compound=report.compound,
                    building=report.building,
                    unit=report.unit,
                    location=report.location.strip()[:200],
                    category=report.category,
                    urgency=report.urgency,
                    description=report.description.strip(),
                    channel=item.channel,
                    reporter_name=report.reporter_name.strip()[:50],
                    reporter_phone=report.reporter_phone,
                    reporter_user=item.reporter_user,
                    hide_identity=report.hide_identity,
                    entered_by=item.actor if item.channel not in RESIDENT_CHANNELS else None,
                    visit=item.visit,
                    handler=routes[index].organization,
                    submitted_at=now,
                    submitted_from=item.address,
                    accept_due=accept.date,
                    resolve_due=resolve.date,
                    due_provisional=accept.provisional or resolve.provisional,
                    number=number,
                )
        Case.objects.bulk_create([cases[i] for i in admitted])
        for index in admitted:
            for photo in items[index].photos:
                row = CasePhoto(
                    case=cases[index],
                    extension=photo.extension,
                    content_type=photo.content_type,
                    width=photo.width,
                    height=photo.height,
                    size=len(photo.data),
                    sha256=photo.sha256,
                )
                row.image.save(f"{row.uid}.{photo.extension}", ContentFile(photo.data), save=False)
                row.save()
        counts: Counter = Counter()
        for index in admitted:
            counts.update(stats.contributions(cases[index], settings_for(cases[index].town_id).period_start_day))
        stats.apply(counts)
        by_actor: dict[object, list[audit.Change]] = {}
        for index in admitted:
            item, case = items[index], cases[index]
            after = {
                **audit.snapshot(case, CREATE_AUDITED),
                "routing_note": routes[index].note,
                "photos": len(item.photos),
            }
            by_actor.setdefault(item.actor or item.reporter_user, []).append(
                audit.Change("cases.case.create", case, after=after)
            )
        for actor, changes in by_actor.items():
            audit.record_many(actor, changes)
        notify_many([message for index in admitted for message in _created_messages(cases[index])])
    for index in admitted:
        results[index] = cases[index]
    return results


def _created_messages(case: Case) -> list[Message]:
    handler_text = _("New case %(number)s at %(place)s: %(category)s. Accept by %(due)s.") % {
        "number": case.number,
        "place": case.compound.name,
        "category": case.category.name,
        "due": case.accept_due.isoformat(),
    }
    resident_text = _("Your report was received as case %(number)s. We will tell you how it goes.") % {
        "number": case.number
    }
    return [
        Message(users=users_of([case.handler_id]), text=handler_text, url=case.get_absolute_url()),
        Message(
            users=[case.reporter_user_id] if case.reporter_user_id else [],
            text=resident_text,
            url=case.tracking_url(),
            sms_phone=case.reporter_phone,
        ),
    ]


# --- Workflow --------------------------------------------------------------------------------

RESIDENT_MESSAGES = {
    Action.ACCEPT: lambda c: _("Case %(number)s was accepted by %(org)s.") % {"number": c.number, "org": c.handler},
    Action.START: lambda c: _("Work on case %(number)s has started.") % {"number": c.number},
    Action.EXPLAIN: lambda c: (
        _("Case %(number)s: %(org)s explains and commits to %(date)s.")
        % {"number": c.number, "org": c.handler, "date": c.committed_date}
    ),
    Action.ESCALATE: lambda c: (
        _("Case %(number)s involves several organisations and goes to the joint meeting.") % {"number": c.number}
    ),
    Action.RESOLVE: lambda c: (
        _("Case %(number)s is marked resolved. Is it fixed? Please tell us and rate the handling.")
        % {"number": c.number}
    ),
    Action.REOPEN: lambda c: _("Case %(number)s was reopened and will be handled again.") % {"number": c.number},
    Action.CONFIRM: lambda c: _("Case %(number)s is closed. Thank you for your feedback.") % {"number": c.number},
    Action.CLOSE_UNREACHABLE: lambda c: _("Case %(number)s is closed.") % {"number": c.number},
    Action.REJECT: lambda c: (
        _("Case %(number)s was not taken up: %(reason)s") % {"number": c.number, "reason": c.end_reason}
    ),
    Action.MERGE: lambda c: (
        _("Case %(number)s is handled together with case %(other)s.") % {"number": c.number, "other": c.merged_into}
    ),
    Action.WITHDRAW: lambda c: _("Case %(number)s was withdrawn.") % {"number": c.number},
}


def _locked(case: Case, expected_version: int | None) -> Case:
    current = Case.objects.select_for_update().select_related("handler", "compound", "category").get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _transition(
    case: Case,
    *,
    actor,
    action: str,
    expected_version: int | None,
    changes: dict,
    extra_audit: dict | None = None,
    notify_handler: str = "",
) -> Case:
    with transaction.atomic():
        current = _locked(case, expected_version)
        _require(actor, action, current)
        to = target(action, current.state)
        tracker = stats.track(current)
        changes = {"state": to, **changes}
        before = audit.snapshot(current, [f for f in AUDITED if f in changes])
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        tracker.commit()
        after = audit.snapshot(current, [f for f in AUDITED if f in changes])
        audit.record(actor, f"cases.case.{action}", current, before=before, after={**after, **(extra_audit or {})})
        message = RESIDENT_MESSAGES[action](current)
        notify(
            users=[current.reporter_user_id] if current.reporter_user_id else [],
            text=message,
            url=current.tracking_url(),
            sms_phone=current.reporter_phone,
        )
        if notify_handler:
            notify(users=users_of([current.handler_id]), text=notify_handler, url=current.get_absolute_url())
    return current


def accept_case(*, actor, case: Case, expected_version: int) -> Case:
    now = timezone.now()
    late = timezone.localtime(now).date() > case.accept_due
    return _transition(
        case,
        actor=actor,
        action=Action.ACCEPT,
        expected_version=expected_version,
        changes={"accepted_at": now, "accept_overdue": case.accept_overdue or late, "late": case.late or late},
    )


def start_case(*, actor, case: Case, expected_version: int) -> Case:
    return _transition(case, actor=actor, action=Action.START, expected_version=expected_version, changes={})


def explain_case(*, actor, case: Case, explanation: str, committed_date: date, expected_version: int) -> Case:
    """Explain to the resident why it cannot be fixed at once and commit to a date (seed 六.3⑴):
    the committed date becomes the deadline."""
    explanation = (explanation or "").strip()
    today = timezone.localdate()
    errors = {}
    if len(explanation) < 5:
        errors["explanation"] = _("Write the explanation the resident will read.")
    if committed_date is None or committed_date < today:
        errors["committed_date"] = _("The committed date cannot be in the past.")
    elif committed_date > today + timedelta(days=365):
        errors["committed_date"] = _("Commit to a date within a year.")
    if errors:
        raise ValidationError(errors)
    return _transition(
        case,
        actor=actor,
        action=Action.EXPLAIN,
        expected_version=expected_version,
        changes={
            "commitment": explanation,
            "committed_date": committed_date,
            "resolve_due": committed_date,
            "resolve_overdue": False,
        },
    )


def escalate_case(*, actor, case: Case, reason: str, expected_version: int) -> Case:
    """Several organisations are involved: the case goes to the neighborhood's joint meeting
    (listed as awaiting it until the meetings module takes it up)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why the joint meeting is needed and who is involved.")})
    party_org = Organization.objects.filter(
        neighborhood_id=case.neighborhood_id, kind=Organization.Kind.PARTY_ORG
    ).first()
    updated = _transition(
        case,
        actor=actor,
        action=Action.ESCALATE,
        expected_version=expected_version,
        changes={"escalated_at": timezone.now(), "escalation_reason": reason},
    )
    if party_org:
        notify(
            users=users_of([party_org.pk]),
            url=updated.get_absolute_url(),
            text=_("Case %(number)s was escalated to the joint meeting: %(reason)s")
            % {"number": updated.number, "reason": reason[:200]},
        )
    return updated


def resolve_case(*, actor, case: Case, resolution: str, expected_version: int) -> Case:
    resolution = (resolution or "").strip()
    if len(resolution) < 2:
        raise ValidationError({"resolution": _("Say briefly what was done.")})
    now = timezone.now()
    today = timezone.localtime(now).date()
    settings = settings_for(case.town_id)
    return _transition(
        case,
        actor=actor,
        action=Action.RESOLVE,
        expected_version=expected_version,
        changes={
            "resolution": resolution,
            "resolved_at": now,
            "handled_in_time": today <= case.resolve_due,
            "resolve_overdue": case.resolve_overdue or today > case.resolve_due,
            "late": case.late or today > case.resolve_due,
            "callback_due": deadline_after(today, settings.callback_after_days).date,
            "callback_notified": False,
            "fixed": None,
        },
    )


def record_feedback(
    *,
    actor,
    case: Case,
    fixed: bool,
    rating: str,
    comment: str = "",
    expected_version: int | None = None,
    by_callback: bool = False,
) -> Case:
    """The resident's answer at follow-up — fixed or not, and a rating — given by the resident or
    recorded by the residents' committee's callback. Fixed closes the case; not fixed reopens it
    (重办, counted) with a new deadline."""
    if rating not in Case.Rating.values:
        raise ValidationError({"rating": _("Choose 满意, 基本满意 or 不满意.")})
    comment = (comment or "").strip()[:1000]
    if by_callback and not _reaches(actor, "cases.callback", case):
        raise PermissionDenied("cases.callback")
    if not by_callback and actor is not None and not is_reporter(actor, case):
        raise PermissionDenied("not the reporter")
    now = timezone.now()
    feedback = {
        "rating": rating,
        "feedback_comment": comment,
        "feedback_at": now,
        "feedback_source": Case.FeedbackSource.CALLBACK if by_callback else Case.FeedbackSource.RESIDENT,
    }
    if fixed:
        return _transition(
            case,
            actor=actor,
            action=Action.CONFIRM,
            expected_version=expected_version,
            changes={**feedback, "fixed": True, "closed_at": now, "followup_valid": True},
        )
    today = timezone.localtime(now).date()
    due = deadline_after(today, case.category.resolve_days_for(case.urgency))
    return _transition(
        case,
        actor=actor,
        action=Action.REOPEN,
        expected_version=expected_version,
        changes={
            **feedback,
            "fixed": False,
            "reopen_count": case.reopen_count + 1,
            "resolved_at": None,
            "handled_in_time": None,
            "resolve_due": due.date,
            "due_provisional": due.provisional,
            "resolve_overdue": False,
            "callback_due": None,
        },
        notify_handler=_("Case %(number)s was reopened: the resident says it is not fixed.") % {"number": case.number},
    )


def close_unreachable(*, actor, case: Case, note: str, expected_version: int) -> Case:
    """The callback could not reach the resident: the case closes without a valid follow-up (it
    counts in neither the effective-disposal nor the satisfaction rate)."""
    note = (note or "").strip()
    if len(note) < 2:
        raise ValidationError({"note": _("Say how you tried to reach the resident.")})
    return _transition(
        case,
        actor=actor,
        action=Action.CLOSE_UNREACHABLE,
        expected_version=expected_version,
        changes={"closed_at": timezone.now(), "followup_valid": False, "end_reason": note},
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


def withdraw_case(*, actor, case: Case, reason: str = "", expected_version: int | None = None) -> Case:
    return _transition(
        case,
        actor=actor,
        action=Action.WITHDRAW,
        expected_version=expected_version,
        changes={"end_reason": (reason or "").strip()[:500], "closed_at": timezone.now()},
        notify_handler=_("Case %(number)s was withdrawn by the resident.") % {"number": case.number},
    )


def reassign_case(*, actor, case: Case, organization: Organization, reason: str, expected_version: int) -> Case:
    """Give the case to another organisation (reason recorded); its counters move with it."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Give the reason for reassigning.")})
    if organization.town_id != case.town_id:
        raise ValidationError({"organization": _("Choose an organisation of the same town.")})
    with transaction.atomic():
        current = _locked(case, expected_version)
        if actor is not None and not _reaches(actor, "cases.route", current):
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
        if actor is not None and not (_reaches(actor, "cases.route", current) or is_handler(actor, current)):
            raise PermissionDenied("cases.route")
        if any(o.town_id != current.town_id or o.pk == current.handler_id for o in organizations):
            raise ValidationError({"organizations": _("Co-handlers are other organisations of the same town.")})
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


def post_message(*, actor, case: Case, text: str) -> CaseMessage:
    """A message between the handling organisations and the resident."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    if len(text) > 1000:
        raise ValidationError({"text": _("Keep the message under 1000 characters.")})
    from_resident = is_reporter(actor, case)
    if not (
        from_resident or is_handler(actor, case) or is_co_handler(actor, case) or _reaches(actor, "cases.route", case)
    ):
        raise PermissionDenied("message")
    with transaction.atomic():
        message = CaseMessage.objects.create(case=case, author=actor, from_resident=from_resident, text=text)
        audit.record(actor, "cases.case.message", case, after={"from_resident": from_resident, "text": text[:200]})
        if from_resident:
            notify(
                users=users_of([case.handler_id]),
                url=case.get_absolute_url(),
                text=_("New message from the resident on case %(number)s.") % {"number": case.number},
            )
        else:
            notify(
                users=[case.reporter_user_id] if case.reporter_user_id else [],
                url=case.tracking_url(),
                sms_phone=case.reporter_phone,
                text=_("%(org)s wrote about case %(number)s: %(text)s")
                % {"org": case.handler, "number": case.number, "text": text[:120]},
            )
    return message


# --- Household visits (R-DUTY-2) -------------------------------------------------------------


def log_visit(
    *, actor, compound: Compound, visited_on: date, unit: Unit | None = None, household: str = "", notes: str = ""
) -> Visit:
    if actor is not None and not Compound.objects.for_user(actor, "visits.log").filter(pk=compound.pk).exists():
        raise PermissionDenied("visits.log")
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    if unit is not None and unit.compound_id != compound.pk:
        raise ValidationError({"unit": _("This unit is not in the compound.")})
    with transaction.atomic():
        visit = Visit(
            town_id=compound.town_id,
            neighborhood_id=compound.neighborhood_id,
            compound=compound,
            unit=unit,
            household=household.strip()[:100],
            visitor=actor,
            visited_on=visited_on,
            notes=notes.strip()[:2000],
        )
        visit.save()
        audit.record(
            actor,
            "cases.visit.create",
            visit,
            after=audit.snapshot(visit, ["compound", "unit", "household", "visited_on"]),
        )
    return visit


# --- Hotspots --------------------------------------------------------------------------------


def propose_hotspot(
    *,
    actor,
    compound: Compound,
    category: Category,
    cases: Sequence[Case],
    window_start: date,
    window_end: date,
    note: str = "",
) -> AgendaProposal:
    """Propose a recurring problem as an item for the neighborhood's joint meeting."""
    if actor is not None and not _area_has(actor, "cases.route", compound):
        raise PermissionDenied("cases.route")
    if not cases:
        raise ValidationError(_("A hotspot has cases."))
    with transaction.atomic():
        if AgendaProposal.objects.filter(compound=compound, category=category, window_end__gte=window_start).exists():
            raise ValidationError(_("This hotspot has already been proposed for the joint meeting."))
        proposal = AgendaProposal.objects.create(
            town_id=compound.town_id,
            neighborhood_id=compound.neighborhood_id,
            compound=compound,
            category=category,
            window_start=window_start,
            window_end=window_end,
            case_count=len(cases),
            note=(note or "").strip()[:1000],
            proposed_by=actor,
        )
        proposal.cases.set(cases)
        audit.record(
            actor,
            "cases.agendaproposal.create",
            proposal,
            after={"compound": compound.pk, "category": category.pk, "cases": [c.number for c in cases]},
        )
    return proposal


def _area_has(actor, permission: str, compound: Compound) -> bool:
    return Compound.objects.for_user(actor, permission).filter(pk=compound.pk).exists()


# --- The periodic sweep ----------------------------------------------------------------------


def sweep(today: date | None = None) -> dict[str, int]:
    """Mark overdue cases (notifying the handler and the neighborhood's party organisation) and
    raise callback tasks for resolved cases the resident has not answered. Idempotent: a case is
    marked and notified once; a second run the same day changes nothing."""
    today = today or timezone.localdate()
    done = {"accept_overdue": 0, "resolve_overdue": 0, "callbacks": 0}
    late_accept = Case.objects.filter(state=State.SUBMITTED, accept_due__lt=today, accept_overdue=False)
    late_resolve = Case.objects.filter(
        state__in=[State.ACCEPTED, State.IN_PROGRESS, State.EXPLAINED], resolve_due__lt=today, resolve_overdue=False
    )
    for field, queryset in (("accept_overdue", late_accept), ("resolve_overdue", late_resolve)):
        for case_id in queryset.values_list("pk", flat=True).iterator():
            if _mark_overdue(case_id, field, today):
                done[field] += 1
    callbacks = Case.objects.filter(state=State.RESOLVED, callback_due__lte=today, callback_notified=False)
    for case_id in callbacks.values_list("pk", flat=True).iterator():
        if _raise_callback(case_id):
            done["callbacks"] += 1
    return done


def _mark_overdue(case_id: int, field: str, today: date) -> bool:
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("handler", "compound").get(pk=case_id)
        due = case.accept_due if field == "accept_overdue" else case.resolve_due
        if getattr(case, field) or due >= today or case.state not in OPEN_STATES:
            return False
        tracker = stats.track(case)
        setattr(case, field, True)
        case.late = True
        case.save(update_fields=[field, "late", "updated_at"])
        tracker.commit()
        audit.record(None, "cases.case.overdue", case, before={field: False}, after={field: True})
        party_org = Organization.objects.filter(
            neighborhood_id=case.neighborhood_id, kind=Organization.Kind.PARTY_ORG
        ).values_list("pk", flat=True)
        text = (
            _("Case %(number)s (%(org)s) was not accepted by %(due)s.")
            if field == "accept_overdue"
            else _("Case %(number)s (%(org)s) was not resolved by %(due)s.")
        )
        notify(
            users=users_of([case.handler_id, *party_org]),
            url=case.get_absolute_url(),
            text=text % {"number": case.number, "org": case.handler, "due": due.isoformat()},
        )
    return True


def _raise_callback(case_id: int) -> bool:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.callback_notified or case.state != State.RESOLVED:
            return False
        case.callback_notified = True
        case.save(update_fields=["callback_notified", "updated_at"])
        audit.record(None, "cases.case.callback_due", case, after={"callback_due": case.callback_due})
        committee = Organization.objects.filter(
            neighborhood_id=case.neighborhood_id, kind=Organization.Kind.RESIDENTS_COMMITTEE
        ).values_list("pk", flat=True)
        notify(
            users=users_of(committee),
            url=case.get_absolute_url(),
            text=_("Please call back the resident of case %(number)s: no feedback since it was resolved.")
            % {"number": case.number},
        )
    return True
