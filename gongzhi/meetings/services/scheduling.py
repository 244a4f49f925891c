"""Meetings: monthly generation and ad hoc scheduling, the chair, invitations, opening,
attendance, ending and cancelling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import services as case_services
from gongzhi.cases.workflow import State as CaseState
from gongzhi.core import audit
from gongzhi.core.jobs import enqueue_on_commit
from gongzhi.core.phones import PHONE_RE
from gongzhi.core.workdays import is_working_day
from gongzhi.notifications.services import Message, notify_many
from gongzhi.orgs.models import Membership, Organization, Person, ServiceContract
from gongzhi.places.models import Neighborhood

from ..invitations import email_invitation_now, invitation_words  # noqa: F401 - re-exported
from ..minutes import draft_text
from ..models import (
    AgendaItem,
    Invitee,
    Meeting,
    Minutes,
)
from ..tasks import email_invitation
from ..workflow import (
    ItemState,
    MeetingAction,
    MeetingState,
)
from .access import (
    _person_of,
    _require_chair,
    chairs_neighborhood,
    neighborhood_parties,
)
from .agenda import (
    draft_agenda,
)
from .rules import (
    settings_for,
)
from .steps import (
    _locked_meeting,
    _meeting_step,
)


def nth_working_day(year: int, month: int, n: int, town_id: int | None = None) -> date:
    """The n-th working day of a month in the town (the core calendar: the national schedule and
    the town's own exceptions), or the month's last working day when it has fewer."""
    day, found, last = date(year, month, 1), 0, None
    while day.month == month:
        if is_working_day(day, town_id):
            found += 1
            last = day
            if found == n:
                return day
        day += timedelta(days=1)
    return last or date(year, month, 1)


def _period(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _default_chair(neighborhood_id: int) -> Person | None:
    """The party organisation's head (the party secretary), if recorded."""
    membership = (
        Membership.objects.filter(
            organization__neighborhood_id=neighborhood_id,
            organization__kind=Organization.Kind.PARTY_ORG,
            position=Membership.Position.HEAD,
        )
        .active()
        .select_related("person")
        .order_by("start")
        .first()
    )
    return membership.person if membership else None


def _representatives(neighborhood_id: int) -> list[tuple[Person, Organization, str]]:
    """Who represents each of the four parties: the compound managers under active contracts for
    the property companies, the heads and deputies of the other organisations (all active
    members where none is head or deputy). One invitation per person: someone who holds seats in
    several parties (e.g. the party secretary who also heads the residents' committee) is invited
    once, for the first of them in the order party organisation, residents' committee, owners'
    committee, property company."""
    today = timezone.localdate()
    out: list[tuple[Person, Organization, str]] = []
    invited: set[int] = set()
    kind_order = {kind: n for n, kind in enumerate(Organization.FOUR_PARTIES)}
    parties = sorted(neighborhood_parties(neighborhood_id), key=lambda o: (kind_order.get(o.kind, 9), o.code))
    managers = {
        contract.company_id: contract
        for contract in ServiceContract.objects.filter(compound__neighborhood_id=neighborhood_id, manager__isnull=False)
        .active(today)
        .select_related("manager")
        .order_by("compound__code")
    }
    memberships = (
        Membership.objects.filter(organization__in=parties).active(today).select_related("person").order_by("start")
    )
    by_org: dict[int, list[Membership]] = {}
    for m in memberships:
        by_org.setdefault(m.organization_id, []).append(m)
    for org in parties:
        if org.kind == Organization.Kind.PROPERTY_COMPANY and org.pk in managers:
            people = [(c.manager, _("Compound manager")) for c in managers.values() if c.company_id == org.pk]
        else:
            members = by_org.get(org.pk, [])
            leads = [m for m in members if m.position in (Membership.Position.HEAD, Membership.Position.DEPUTY)]
            people = [(m.person, m.title) for m in (leads or members)]
        for person, title in people:
            if person.pk not in invited:
                invited.add(person.pk)
                out.append((person, org, title))
    return out


def _create_meeting(
    *,
    actor,
    neighborhood: Neighborhood,
    kind: str,
    title: str,
    starts_at,
    place: str = "",
    form: str = Meeting.Form.JOINT,
) -> Meeting:
    period = _period(timezone.localtime(starts_at).date()) if kind == Meeting.Kind.REGULAR else ""
    meeting = Meeting(
        town_id=neighborhood.town_id,
        neighborhood=neighborhood,
        kind=kind,
        form=form,
        period=period,
        title=title,
        starts_at=starts_at,
        place=place,
        chair=_default_chair(neighborhood.pk),
        created_by=actor,
    )
    meeting.save()
    Invitee.objects.bulk_create(
        [
            Invitee(meeting=meeting, person=person, organization=org, name=person.name, role=title, phone=person.phone)
            for person, org, title in _representatives(neighborhood.pk)
        ]
    )
    audit.record(
        actor,
        "meetings.meeting.create",
        meeting,
        after=audit.snapshot(meeting, ["kind", "period", "title", "starts_at", "place", "chair"]),
    )
    draft_agenda(meeting)
    return meeting


def _validate_meeting_fields(title: str, starts_at, place: str, form: str = Meeting.Form.JOINT) -> dict:
    errors = {}
    if form not in Meeting.Form.values:
        errors["form"] = _("Choose the joint meeting or the party organisation's enlarged meeting.")
    if not (title or "").strip() or len(title) > 100:
        errors["title"] = _("Give the meeting a title of 1 to 100 characters.")
    if starts_at is None:
        errors["starts_at"] = _("Give the date and time of the meeting.")
    if len(place or "") > 100:
        errors["place"] = _("The place is at most 100 characters.")
    return errors


def schedule_meeting(
    *,
    actor,
    neighborhood: Neighborhood,
    title: str,
    starts_at: datetime,
    place: str = "",
    regular: bool = False,
    form: str = Meeting.Form.JOINT,
) -> Meeting:
    """An ad hoc meeting (or a missing monthly one), with the four parties invited and the agenda
    drafted from what is waiting."""
    if not chairs_neighborhood(actor, neighborhood):
        raise PermissionDenied(_("Only the neighborhood's party organisation or the office schedules its meetings."))
    errors = _validate_meeting_fields(title, starts_at, place, form)
    if starts_at is not None and starts_at < timezone.now() - timedelta(days=1):
        errors["starts_at"] = _("The meeting cannot start in the past.")
    if errors:
        raise ValidationError(errors)
    kind = Meeting.Kind.REGULAR if regular else Meeting.Kind.AD_HOC
    try:
        with transaction.atomic():
            return _create_meeting(
                actor=actor,
                neighborhood=neighborhood,
                kind=kind,
                title=title.strip(),
                starts_at=starts_at,
                place=place,
                form=form,
            )
    except IntegrityError:
        raise ValidationError(
            {"starts_at": _("This neighborhood already has its monthly meeting for that month.")}
        ) from None


def schedule_regular_meetings(today: date | None = None) -> int:
    """The monthly meeting of every neighborhood with a party organisation, for the current
    month, on the town's working day at its time (idempotent: the database holds one regular
    meeting per neighborhood and month). Returns how many were created."""
    today = today or timezone.localdate()
    period = _period(today)
    created = 0
    neighborhoods = (
        Neighborhood.objects.filter(organizations__kind=Organization.Kind.PARTY_ORG)
        .exclude(meetings__kind=Meeting.Kind.REGULAR, meetings__period=period)
        .distinct()
    )
    for neighborhood in neighborhoods.select_related("town"):
        rules = settings_for(neighborhood.town_id)
        day = nth_working_day(today.year, today.month, rules.regular_working_day, neighborhood.town_id)
        starts_at = timezone.make_aware(datetime.combine(day, rules.regular_time))
        title = _("%(neighborhood)s joint meeting, %(year)d-%(month)02d") % {
            "neighborhood": neighborhood.name,
            "year": today.year,
            "month": today.month,
        }
        try:
            with transaction.atomic():
                _create_meeting(
                    actor=None,
                    neighborhood=neighborhood,
                    kind=Meeting.Kind.REGULAR,
                    title=title,
                    starts_at=starts_at,
                )
            created += 1
        except IntegrityError:
            continue  # made meanwhile by another run
    return created


def refresh_agendas() -> int:
    """Add what has come up since to the agenda of every planned meeting (draft_agenda, which is
    idempotent): a case escalated on Tuesday is on Thursday's agenda without anyone asking.
    Returns how many items were added."""
    added = 0
    for meeting in Meeting.objects.filter(state__in=MeetingState.PLANNED, starts_at__gte=timezone.now()):
        with transaction.atomic():
            added += draft_agenda(_locked_meeting(meeting, check_version=False))
    return added


def bring_agenda_up_to_date(*, actor, meeting: Meeting, expected_version: int) -> int:
    """The chair's "add what is waiting": draft_agenda now, for a planned meeting. Returns how
    many items were added."""
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        _meeting_step(current, MeetingAction.RESCHEDULE)  # the agenda changes while the meeting is planned
        return draft_agenda(current, actor=actor)


def reschedule_meeting(
    *,
    actor,
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    place: str,
    expected_version: int,
    form: str | None = None,
) -> Meeting:
    """Change the time, place, title or form (joint / enlarged) of a meeting still planned."""
    form = form or meeting.form
    errors = _validate_meeting_fields(title, starts_at, place, form)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        _meeting_step(current, MeetingAction.RESCHEDULE)
        if current.kind == Meeting.Kind.REGULAR and _period(timezone.localtime(starts_at).date()) != current.period:
            raise ValidationError({"starts_at": _("The monthly meeting must stay within its month.")})
        fields = {"title": title.strip(), "starts_at": starts_at, "place": place, "form": form}
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if not changed:
            return current
        before = audit.snapshot(current, changed)
        moved = current.starts_at != starts_at or current.place != place
        for name in changed:
            setattr(current, name, fields[name])
        current.version += 1
        current.save(update_fields=[*changed, "version"])
        audit.record(
            actor, "meetings.meeting.reschedule", current, before=before, after=audit.snapshot(current, before)
        )
        if moved and current.state == MeetingState.INVITED:
            _notify_invitees(
                current, _("Changed: %(title)s is now on %(when)s at %(place)s.") % invitation_words(current)
            )
    return current


def designate_chair(*, actor, meeting: Meeting, person: Person, note: str, expected_version: int) -> Meeting:
    """The party secretary designates another person to chair (R-MTG-1); recorded with why."""
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        if not Meeting.objects.for_user(actor, "meetings.chair").filter(pk=current.pk).exists() and actor is not None:
            raise PermissionDenied(_("Only the party organisation or the office designates the chair."))
        _meeting_step(current, MeetingAction.RESCHEDULE)
        if person.town_id != current.town_id:
            raise ValidationError({"person": _("Choose a person of this town.")})
        if not (note or "").strip():
            raise ValidationError({"note": _("Say why this person chairs the meeting.")})
        before = {"chair": current.chair_id}
        current.chair, current.chair_designated_by, current.chair_note = person, _person_of(actor), note.strip()[:200]
        current.version += 1
        current.save(update_fields=["chair", "chair_designated_by", "chair_note", "version"])
        if not current.invitees.filter(person=person).exists():
            Invitee.objects.create(
                meeting=current, person=person, name=person.name, phone=person.phone, role=_("Chair")
            )
        audit.record(
            actor,
            "meetings.meeting.designate_chair",
            current,
            before=before,
            after={"chair": person.pk, "chair_name": person.name, "note": current.chair_note},
        )
    return current


def add_invitee(
    *,
    actor,
    meeting: Meeting,
    person: Person | None = None,
    name: str = "",
    role: str = "",
    phone: str = "",
    organization: Organization | None = None,
    voting: bool = False,
) -> Invitee:
    """Invite someone beyond the four parties' representatives: a government unit, a resident
    representative. Only the four parties' representatives vote unless the chair says so."""
    name = (person.name if person else (name or "")).strip()
    phone = (person.phone if person else (phone or "")).strip()
    errors = {}
    if not name or len(name) > 50:
        errors["name"] = _("Give the name (1 to 50 characters).")
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Enter an 11-digit mobile number starting with 1.")
    if organization is not None and organization.town_id != meeting.town_id:
        errors["organization"] = _("Choose an organisation of this town.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_meeting(meeting, check_version=False)
        _require_chair(actor, current)
        if current.state not in MeetingState.PLANNED:
            raise ValidationError(_("Invitations can be changed only before the meeting."))
        if person is not None and current.invitees.filter(person=person).exists():
            raise ValidationError({"person": _("This person is already invited.")})
        invitee = Invitee.objects.create(
            meeting=current,
            person=person,
            organization=organization,
            name=name,
            role=(role or "").strip()[:50],
            phone=phone,
            voting=voting,
        )
        audit.record(
            actor,
            "meetings.meeting.invite_person",
            current,
            after={"invitee": name, "organization": organization.name if organization else "", "voting": voting},
        )
        if current.state == MeetingState.INVITED:
            _send_invitations(current, [invitee])
    return invitee


def remove_invitee(*, actor, invitee: Invitee) -> None:
    with transaction.atomic():
        current = _locked_meeting(invitee.meeting, check_version=False)
        _require_chair(actor, current)
        if current.state not in MeetingState.PLANNED:
            raise ValidationError(_("Invitations can be changed only before the meeting."))
        audit.record(actor, "meetings.meeting.uninvite_person", current, before={"invitee": invitee.name})
        invitee.delete()


def _invitee_users(invitees: Iterable[Invitee]) -> dict[int, int]:
    """invitee id → account id, for invitees whose person has an account."""
    person_ids = {i.person_id: i.pk for i in invitees if i.person_id}
    return {
        person_ids[pid]: uid
        for pid, uid in Person.objects.filter(pk__in=person_ids, user__isnull=False).values_list("pk", "user_id")
    }


def _send_invitations(meeting: Meeting, invitees: Sequence[Invitee]) -> int:
    users = _invitee_users(invitees)
    text = _("Invitation: %(title)s, %(when)s at %(place)s.") % invitation_words(meeting)
    url = meeting.get_absolute_url()
    messages = [
        Message(text=text, users=[users[i.pk]] if i.pk in users else [], url=url, sms_phone=i.phone) for i in invitees
    ]
    notify_many(messages)
    Invitee.objects.filter(pk__in=[i.pk for i in invitees]).update(invited_at=timezone.now())
    emails = list(
        Person.objects.filter(pk__in=[i.person_id for i in invitees if i.person_id], user__email__gt="").values_list(
            "user__email", flat=True
        )
    )
    if emails:
        meeting_id = meeting.pk
        enqueue_on_commit(email_invitation, meeting_id, emails)
    return len(invitees)


def _notify_invitees(meeting: Meeting, text: str) -> None:
    invitees = list(meeting.invitees.all())
    users = _invitee_users(invitees)
    notify_many(
        [
            Message(
                text=text,
                users=[users[i.pk]] if i.pk in users else [],
                url=meeting.get_absolute_url(),
                sms_phone=i.phone,
            )
            for i in invitees
        ]
    )


def send_invitations(*, actor, meeting: Meeting, expected_version: int) -> int:
    """Invite everyone not invited yet (all of them the first time): in the platform, by SMS, and
    by email with an .ics attachment where an email address is known. Returns how many."""
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        to = _meeting_step(current, MeetingAction.INVITE)
        pending = list(current.invitees.filter(invited_at__isnull=True))
        if not pending:
            raise ValidationError(_("Everyone on the list has been invited already."))
        sent = _send_invitations(current, pending)
        before = {"state": current.state}
        current.state, current.invited_at = to, current.invited_at or timezone.now()
        current.version += 1
        current.save(update_fields=["state", "invited_at", "version"])
        audit.record(actor, "meetings.meeting.invite", current, before=before, after={"state": to, "invited": sent})
    return sent


def open_meeting(*, actor, meeting: Meeting, expected_version: int) -> Meeting:
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        to = _meeting_step(current, MeetingAction.OPEN)
        before = {"state": current.state}
        current.state, current.opened_at = to, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "opened_at", "version"])
        audit.record(actor, "meetings.meeting.open", current, before=before, after={"state": to})
    return current


def end_meeting(*, actor, meeting: Meeting, expected_version: int) -> Meeting:
    """End the meeting: items not reached are carried over to the next meeting, and the first
    draft of the minutes is written from the record."""
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        to = _meeting_step(current, MeetingAction.END)
        if current.items.filter(state=ItemState.VOTING).exists():
            raise ValidationError(_("A vote is still open: close it before ending the meeting."))
        if current.invitees.filter(attendance=Invitee.Attendance.UNKNOWN).exists():
            raise ValidationError(_("Record the attendance of everyone invited before ending the meeting."))
        left = list(current.items.filter(state=ItemState.ON_AGENDA))
        AgendaItem.objects.filter(pk__in=[i.pk for i in left]).update(
            state=ItemState.CARRIED_OVER, outcome=_("Not reached; carried over to the next meeting.")
        )
        before = {"state": current.state}
        current.state, current.ended_at = to, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "ended_at", "version"])
        audit.record(
            actor, "meetings.meeting.end", current, before=before, after={"state": to, "carried_over": len(left)}
        )
        _return_undecided_cases(actor, current)

        Minutes.objects.create(
            meeting=current, number=1, text=draft_text(current), drafted_by=actor, drafted_at=current.ended_at
        )
        audit.record(actor, "meetings.minutes.draft", current, after={"number": 1})
    return current


def _return_undecided_cases(actor, meeting: Meeting) -> None:
    """Escalated cases whose item the meeting ended without a resolution (discussed and noted, or
    voted down and not carried over) go back to their handler with a new deadline."""
    for item in meeting.items.filter(state__in=[ItemState.NOTED, ItemState.NOT_PASSED]).order_by("order"):
        for case in item.cases.filter(state=CaseState.ESCALATED).order_by("pk"):
            case_services.return_from_meeting(actor=actor, case=case, outcome=item.outcome or item.get_state_display())


def cancel_meeting(*, actor, meeting: Meeting, reason: str, expected_version: int) -> Meeting:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        to = _meeting_step(current, MeetingAction.CANCEL)
        was_invited = current.state == MeetingState.INVITED
        before = {"state": current.state}
        current.state, current.cancel_reason = to, reason[:200]
        current.version += 1
        current.save(update_fields=["state", "cancel_reason", "version"])
        # What was waiting goes to the next meeting.
        current.items.filter(state=ItemState.ON_AGENDA).update(state=ItemState.CARRIED_OVER)
        audit.record(actor, "meetings.meeting.cancel", current, before=before, after={"state": to, "reason": reason})
        if was_invited:
            _notify_invitees(
                current, _("Cancelled: %(title)s (%(reason)s).") % {"title": current.title, "reason": reason}
            )
    return current


def record_attendance(*, actor, meeting: Meeting, marks: dict[int, tuple[str, str]], expected_version: int) -> Meeting:
    """Attendance per invitee: present, absent, or represented by someone (named). Taken while
    the meeting is in session."""
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        if current.state != MeetingState.IN_SESSION:
            raise ValidationError(_("Attendance is taken while the meeting is in session."))
        invitees = {i.pk: i for i in current.invitees.select_for_update(of=("self",))}
        errors, changed = [], {}
        for invitee_id, (status, represented_by) in marks.items():
            invitee = invitees.get(invitee_id)
            if invitee is None:
                raise ValidationError(_("Someone on the list is not invited to this meeting."))
            represented_by = (represented_by or "").strip()[:50]
            if status not in Invitee.Attendance.values or status == Invitee.Attendance.UNKNOWN:
                errors.append(_("Mark %(name)s present, absent or represented.") % {"name": invitee.name})
                continue
            if status == Invitee.Attendance.REPRESENTED and not represented_by:
                errors.append(_("Say who represents %(name)s.") % {"name": invitee.name})
                continue
            if status != Invitee.Attendance.REPRESENTED:
                represented_by = ""
            if (invitee.attendance, invitee.represented_by) != (status, represented_by):
                changed[invitee_id] = (invitee.attendance, status, represented_by)
        if errors:
            raise ValidationError(errors)
        for invitee_id, (_old, status, represented_by) in changed.items():
            Invitee.objects.filter(pk=invitee_id).update(attendance=status, represented_by=represented_by)
        current.version += 1
        current.save(update_fields=["version"])
        audit.record(
            actor,
            "meetings.meeting.attendance",
            current,
            before={invitees[i].name: old for i, (old, _s, _r) in changed.items()},
            after={invitees[i].name: s + (f" ({r})" if r else "") for i, (_o, s, r) in changed.items()},
        )
    return current
