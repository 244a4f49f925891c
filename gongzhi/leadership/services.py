"""The leadership group's meetings (R-ORG-1): the office (the group's secretariat) or the group
schedules a meeting, builds its agenda from the reports and the open matters, begins it, records
the member units' attendance, concludes each item — approving or sending back a report, checking
an earlier decision — records the decisions assigned to units (resolutions of the group, followed
up by gongzhi.meetings), and closes it with its minutes. Every write: an actor, a transaction, the
audit log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.scope import get_scope, in_leadership_group
from gongzhi.core.workflow import lock
from gongzhi.evaluation_reports import services as report_services
from gongzhi.evaluation_reports.models import Report
from gongzhi.evaluation_reports.workflow import ReportState
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import Resolution
from gongzhi.meetings.workflow import ResolutionState
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.orgs.models import Body, Membership, Organization
from gongzhi.supervision.models import Urging

from .models import Attendance, Decision, GroupMeeting, Item
from .workflow import MEETING_WORKFLOW, ItemOutcome, MeetingAction

MAX_TEXT = 5000
MAX_MINUTES = 10000


def leadership_group(town) -> Body | None:
    return Body.objects.filter(town=town, kind=Body.Kind.LEADERSHIP_GROUP).order_by("number").first()


def may_run(user, town_id: int) -> bool:
    """Who schedules and records the group's meetings: the office and the leadership group."""
    return get_scope(user).area("leadership.run").covers_town(town_id)


def _require_run(actor, meeting_or_town_id) -> None:
    town_id = getattr(meeting_or_town_id, "town_id", meeting_or_town_id)
    if not may_run(actor, town_id):
        raise PermissionDenied(f"may not run the leadership group's meetings of town {town_id}")


def _step(meeting: GroupMeeting, action: str) -> str:
    to = MEETING_WORKFLOW.target(action, meeting.state)
    if to is None:
        raise ValidationError(
            _("This meeting is “%(state)s”: you cannot %(action)s now.")
            % {"state": meeting.get_state_display(), "action": MeetingAction(action).label}
        )
    return to


def _save(record, fields: list[str]) -> None:
    record.version += 1
    record.save(update_fields=[*fields, "version", "updated_at"])


def _group_users(meeting: GroupMeeting) -> list[int]:
    """The group's own members and the people of the member units' organisations."""
    members = Membership.objects.filter(body_id=meeting.body_id).active()
    users = set(members.filter(person__user__isnull=False).values_list("person__user_id", flat=True))
    org_ids = [a.organization_id for a in meeting.attendance.all() if a.organization_id]
    return sorted(users | set(users_of(org_ids)))


def schedule_meeting(*, actor, town, title: str, starts_at: datetime | None, place: str = "") -> GroupMeeting:
    """A meeting of the town's leadership group, with one attendance row per member unit; the
    group's members and the member units are told."""
    _require_run(actor, town.pk)
    group = leadership_group(town)
    errors = {}
    if group is None:
        raise ValidationError(_("The town has no leadership group: add it on the bodies page first."))
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the meeting a title.")
    elif len(title) > 100:
        errors["title"] = _("At most 100 characters.")
    if starts_at is None:
        errors["starts_at"] = _("Give the day and time of the meeting.")
    if len(place or "") > 100:
        errors["place"] = _("At most 100 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = GroupMeeting.objects.create(
            town=town, body=group, title=title, starts_at=starts_at, place=(place or "").strip(), created_by=actor
        )
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, unit=u, label=u.label, organization_id=u.organization_id, order=u.order)
            for u in group.member_units.all()
        )
        audit.record(
            actor,
            "leadership.groupmeeting.schedule",
            meeting,
            after={"title": title, "starts_at": starts_at, "place": meeting.place},
        )
        when = timezone.localtime(starts_at)
        notify_many(
            [
                Message(
                    text=_("%(group)s meets on %(when)s%(place)s: %(title)s.")
                    % {
                        "group": group.name,
                        "when": when.strftime("%Y-%m-%d %H:%M"),
                        "place": f" ({meeting.place})" if meeting.place else "",
                        "title": title,
                    },
                    users=_group_users(meeting),
                    url=meeting.get_absolute_url(),
                )
            ]
        )
    return meeting


def _locked(meeting: GroupMeeting, version: int | None = None) -> GroupMeeting:
    return lock(meeting, expected_version=version, check_version=version is not None)


def _next_order(meeting: GroupMeeting) -> int:
    return (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 1


def add_item(
    *,
    actor,
    meeting: GroupMeeting,
    source: str,
    record=None,
    title: str = "",
    description: str = "",
) -> Item:
    """A matter on the agenda: a report of the office, an urged record (督办), one of the group's
    earlier decisions to check, or another matter (its title said)."""
    _require_run(actor, meeting)
    title, description = (title or "").strip(), (description or "").strip()
    link = {}
    if source == Item.Source.REPORT:
        if not isinstance(record, Report) or record.town_id != meeting.town_id:
            raise ValidationError(_("Choose a report of this town."))
        link, title = {"report": record}, title or record.title
    elif source == Item.Source.MATTER:
        if not isinstance(record, Urging) or record.town_id != meeting.town_id:
            raise ValidationError(_("Choose an urged record of this town."))
        with translation.override(settings.LANGUAGE_CODE):  # the agenda is an official document
            link, title = {"urging": record}, title or _("Urged: %(record)s") % {"record": record.title}
    elif source == Item.Source.FOLLOW_UP:
        if not isinstance(record, Resolution) or record.body_id != meeting.body_id:
            raise ValidationError(_("Choose a decision of this leadership group."))
        link = {"resolution": record}
        with translation.override(settings.LANGUAGE_CODE):
            title = title or _("Check of decision %(number)s") % {"number": record.number}
    elif source == Item.Source.OTHER:
        if not title:
            raise ValidationError({"title": _("Say what the matter is.")})
    else:
        raise ValidationError(_("Choose what the item is about."))
    if len(title) > 200:
        raise ValidationError({"title": _("At most 200 characters.")})
    if len(description) > MAX_TEXT:
        raise ValidationError({"description": _("At most 5,000 characters.")})
    with transaction.atomic():
        current = _locked(meeting)
        _step(current, MeetingAction.EDIT_AGENDA)
        if link and current.items.filter(**link).exists():
            raise ValidationError(_("This is on the agenda already."))
        item = Item.objects.create(
            meeting=current,
            order=_next_order(current),
            source=source,
            title=title[:200],
            description=description,
            added_by=actor,
            **link,
        )
        audit.record(actor, "leadership.groupmeeting.add_item", current, after={"item": item.title})
    return item


def remove_item(*, actor, item: Item, version: int | None) -> GroupMeeting:
    """Take a matter off the agenda before it is concluded (and before any decision on it)."""
    _require_run(actor, item.meeting)
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _step(meeting, MeetingAction.EDIT_AGENDA)
        current = lock(item, expected_version=version)
        if current.outcome != ItemOutcome.PENDING or current.decisions.exists():
            raise ValidationError(_("This item has been concluded or decided on: it stays on the record."))
        title = current.title
        current.delete()
        audit.record(actor, "leadership.groupmeeting.remove_item", meeting, before={"item": title})
    return meeting


def hold(*, actor, meeting: GroupMeeting, version: int | None) -> GroupMeeting:
    """The meeting begins (on its day or after): attendance, conclusions and decisions are recorded."""
    _require_run(actor, meeting)
    with transaction.atomic():
        current = _locked(meeting, version)
        to = _step(current, MeetingAction.HOLD)
        if timezone.localtime(current.starts_at).date() > timezone.localdate():
            raise ValidationError(
                _("The meeting is set for %(day)s: it begins on that day.")
                % {"day": timezone.localtime(current.starts_at).date().isoformat()}
            )
        if not current.items.exists():
            raise ValidationError(_("The agenda is empty: put at least one matter on it first."))
        current.state, current.held_at = to, timezone.now()
        _save(current, ["state", "held_at"])
        audit.record(actor, "leadership.groupmeeting.hold", current, after={"state": to})
    return current


def record_attendance(
    *, actor, meeting: GroupMeeting, rows: Mapping[int, tuple[str, str]], version: int | None
) -> GroupMeeting:
    """Each member unit present (with who came for it), absent, or absent with leave."""
    _require_run(actor, meeting)
    with transaction.atomic():
        current = _locked(meeting, version)
        _step(current, MeetingAction.ATTENDANCE)
        errors = []
        changed = 0
        for row in current.attendance.select_for_update():
            if row.pk not in rows:
                continue
            status, attendee = rows[row.pk]
            attendee = (attendee or "").strip()[:50]
            if status not in Attendance.Status.values:
                errors.append(_("%(unit)s: choose present, absent or absent with leave.") % {"unit": row.label})
                continue
            if status == Attendance.Status.PRESENT and not attendee:
                errors.append(_("%(unit)s: say who attended for the unit.") % {"unit": row.label})
                continue
            if (row.status, row.attendee) != (status, attendee):
                row.status, row.attendee = status, attendee if status == Attendance.Status.PRESENT else ""
                row.save(update_fields=["status", "attendee"])
                changed += 1
        if errors:
            raise ValidationError(errors)
        present = current.attendance.filter(status=Attendance.Status.PRESENT).count()
        _save(current, [])
        audit.record(
            actor,
            "leadership.groupmeeting.attendance",
            current,
            after={"present": present, "units": current.attendance.count(), "changed": changed},
        )
    return current


REPORT_DECISIONS = ("approve", "send_back", "")
CHECK_DECISIONS = ("close", "send_back", "")


def conclude_item(
    *,
    actor,
    item: Item,
    outcome: str,
    conclusion: str,
    version: int | None,
    report_decision: str = "",
    check: str = "",
) -> Item:
    """What the meeting concluded on an item, or that it is deferred. On a report the group may
    approve it (which freezes it) or send it back — a member of the leadership group decides that,
    not the office; on one of its earlier decisions it may close it as carried out or send it back
    to work (the resolution's check)."""
    _require_run(actor, item.meeting)
    conclusion = (conclusion or "").strip()
    errors = {}
    if outcome not in (ItemOutcome.CONCLUDED, ItemOutcome.DEFERRED):
        errors["outcome"] = _("Choose concluded or deferred.")
    if not conclusion:
        errors["conclusion"] = _("Write what the meeting concluded.")
    elif len(conclusion) > MAX_TEXT:
        errors["conclusion"] = _("At most 5,000 characters.")
    if report_decision not in REPORT_DECISIONS or check not in CHECK_DECISIONS:
        errors["outcome"] = _("Choose one of the decisions offered.")
    if outcome == ItemOutcome.DEFERRED and (report_decision or check):
        errors["outcome"] = _("A deferred item decides nothing: leave the decision empty.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _step(meeting, MeetingAction.CONCLUDE)
        current = lock(item, expected_version=version, related=("report", "resolution"))
        if current.outcome != ItemOutcome.PENDING:
            raise ValidationError(_("This item has been concluded already."))
        if report_decision:
            _decide_report(actor, current, report_decision, conclusion)
        if check:
            _check_decision(actor, current, check, conclusion)
        current.outcome, current.conclusion = outcome, conclusion
        current.concluded_at, current.concluded_by = timezone.now(), actor
        _save(current, ["outcome", "conclusion", "concluded_at", "concluded_by"])
        after = {"outcome": outcome, "conclusion": conclusion}
        if report_decision or check:
            after["decision"] = report_decision or check
        audit.record(actor, "leadership.item.conclude", current, after=after)
    return current


def _decide_report(actor, item: Item, decision: str, conclusion: str) -> None:
    if item.source != Item.Source.REPORT:
        raise ValidationError({"outcome": _("Only a report is approved or sent back.")})
    if not in_leadership_group(actor, item.meeting.town_id):
        raise ValidationError(
            {"outcome": _("A member of the leadership group approves or sends back the report, not the office.")}
        )
    report = item.report
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(
            {
                "outcome": _("The report is “%(state)s”: only a report awaiting approval is decided on.")
                % {"state": report.get_state_display()}
            }
        )
    if decision == "approve":
        report_services.approve(actor=actor, report=report, version=report.version)
    else:
        report_services.send_back(actor=actor, report=report, version=report.version, reason=conclusion[:2000])


def _check_decision(actor, item: Item, check: str, conclusion: str) -> None:
    if item.source != Item.Source.FOLLOW_UP:
        raise ValidationError({"outcome": _("Only an earlier decision is checked.")})
    resolution = item.resolution
    if resolution.state != ResolutionState.IMPLEMENTED:
        raise ValidationError(
            {
                "outcome": _("Decision %(number)s is “%(state)s”: it is checked once reported carried out.")
                % {"number": resolution.number, "state": resolution.get_state_display()}
            }
        )
    meeting_services.check_resolution(
        actor=actor,
        resolution=resolution,
        close=check == "close",
        note=conclusion,
        expected_version=resolution.version,
    )


def adopt_decision(
    *,
    actor,
    item: Item,
    text: str,
    lead: Organization | None,
    co_organizations: Sequence[Organization] = (),
    due: date | None,
    neighborhood=None,
) -> Decision:
    """A decision on an item, assigned to a unit (its organisation) with a due date: a resolution
    of the leadership group, told to the units carrying it out and followed up like a joint
    meeting's (progress, reminders, overdue, 督办, the check at a later meeting)."""
    _require_run(actor, item.meeting)
    with transaction.atomic():
        meeting = _locked(item.meeting)
        _step(meeting, MeetingAction.DECIDE)
        current = lock(item, check_version=False)
        if current.outcome == ItemOutcome.DEFERRED:
            raise ValidationError(_("This item was deferred: decide on it at the meeting it goes to."))
        resolution = meeting_services.adopt_body_decision(
            actor=actor,
            body=meeting.body,
            held_on=timezone.localtime(meeting.starts_at).date(),
            text=text,
            lead=lead,
            co_organizations=co_organizations,
            due=due,
            neighborhood=neighborhood,
            title=meeting.title,
        )
        decision = Decision.objects.create(item=current, resolution=resolution)
        audit.record(
            actor,
            "leadership.item.decide",
            current,
            after={"resolution": resolution.number, "lead": lead.name, "due": due},
        )
    return decision


def close_meeting(*, actor, meeting: GroupMeeting, minutes: str, version: int | None) -> GroupMeeting:
    """The meeting ends with its minutes: every item concluded or deferred, every unit's attendance
    recorded. Nothing on it changes afterwards."""
    _require_run(actor, meeting)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("Write the minutes: what the meeting heard and decided.")})
    if len(minutes) > MAX_MINUTES:
        raise ValidationError({"minutes": _("At most 10,000 characters.")})
    with transaction.atomic():
        current = _locked(meeting, version)
        to = _step(current, MeetingAction.CLOSE)
        pending = current.items.filter(outcome=ItemOutcome.PENDING).count()
        unknown = current.attendance.filter(status=Attendance.Status.UNKNOWN).count()
        errors = []
        if pending:
            errors.append(_("%(n)s items have no conclusion: conclude or defer each.") % {"n": pending})
        if unknown:
            errors.append(_("The attendance of %(n)s member units is not recorded.") % {"n": unknown})
        if errors:
            raise ValidationError(errors)
        current.state, current.minutes = to, minutes
        current.closed_at, current.closed_by = timezone.now(), actor
        _save(current, ["state", "minutes", "closed_at", "closed_by"])
        audit.record(actor, "leadership.groupmeeting.close", current, after={"state": to, "minutes": minutes})
    return current


def cancel_meeting(*, actor, meeting: GroupMeeting, reason: str, version: int | None) -> GroupMeeting:
    """A scheduled meeting that will not take place; those told of it are told again."""
    _require_run(actor, meeting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("At most 200 characters.")})
    with transaction.atomic():
        current = _locked(meeting, version)
        to = _step(current, MeetingAction.CANCEL)
        current.state, current.cancel_reason = to, reason
        _save(current, ["state", "cancel_reason"])
        audit.record(actor, "leadership.groupmeeting.cancel", current, after={"state": to, "reason": reason})
        notify_many(
            [
                Message(
                    text=_("%(title)s is cancelled: %(reason)s") % {"title": current.title, "reason": reason},
                    users=_group_users(current),
                    url=current.get_absolute_url(),
                )
            ]
        )
    return current
