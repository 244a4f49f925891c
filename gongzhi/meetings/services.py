"""Every write of the joint meetings (DESIGN.md convention 1): scheduling, agenda, consultation,
attendance, votes, resolutions and their follow-up, minutes and annual reports. Each service
takes the acting account, checks the workflow table and the actor's right, writes in one
transaction with one audit entry, and notifies after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.models import AgendaProposal, Case
from gongzhi.cases.workflow import State as CaseState
from gongzhi.core import audit
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.scope import get_scope
from gongzhi.core.workdays import is_working_day
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.orgs.models import Membership, Organization, Person, ServiceContract
from gongzhi.places.models import Compound, Neighborhood, Town

from . import voting
from .files import clean_files
from .models import (
    AgendaItem,
    AnnualReport,
    AnnualReportRating,
    Ballot,
    ContraryAction,
    Evidence,
    Invitee,
    ItemAttachment,
    MatterKind,
    Meeting,
    MeetingSettings,
    Minutes,
    Position,
    ProgressReport,
    Resolution,
    Vote,
)
from .workflow import (
    ITEM_ACTION_MEETING_STATES,
    ITEM_TRANSITIONS,
    MEETING_TRANSITIONS,
    RESOLUTION_TRANSITIONS,
    ItemAction,
    ItemState,
    MeetingAction,
    MeetingState,
    ResolutionAction,
    ResolutionState,
    target,
)

DEFAULT_MAJOR_KINDS = ("小区改造", "房屋维修", "整治违法建筑", "小区交通整顿")

# --- settings --------------------------------------------------------------------------------


def settings_for(town_id: int) -> MeetingSettings:
    """The town's meeting rules, created with the defaults (and the default kinds of major
    matter) the first time they are asked for."""
    found = MeetingSettings.objects.filter(town_id=town_id).first()
    if found is not None:
        return found
    with transaction.atomic():
        found, created = MeetingSettings.objects.get_or_create(town_id=town_id)
        if created:
            for order, name in enumerate(DEFAULT_MAJOR_KINDS):
                MatterKind.objects.get_or_create(town_id=town_id, name=name, defaults={"order": order})
    return found


def _check_share(value: str, field: str, errors: dict, *, allow_zero: bool = False) -> None:
    from fractions import Fraction

    try:
        share = Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        errors[field] = _("Write a share such as 1/2 or 2/3.")
        return
    if not (0 <= share <= 1) or (share == 0 and not allow_zero):
        errors[field] = _("The share must be between 0 and 1.")


def update_settings(*, actor, settings: MeetingSettings, changes: dict, expected_version: int) -> MeetingSettings:
    from gongzhi.core.permissions import ensure_town_manager
    from gongzhi.core.records import update_record

    ensure_town_manager(actor, settings.town_id, "meetings.settings")
    errors: dict[str, str] = {}
    for field in ("ordinary_share", "major_share"):
        if field in changes:
            _check_share(changes[field], field, errors)
    if "quorum_share" in changes:
        _check_share(changes["quorum_share"], "quorum_share", errors, allow_zero=True)
    if errors:
        raise ValidationError(errors)
    return update_record(
        settings, actor=actor, action="meetings.settings.update", changes=changes, expected_version=expected_version
    )


def add_matter_kind(*, actor, town: Town, name: str) -> MatterKind:
    from gongzhi.core.permissions import ensure_town_manager

    ensure_town_manager(actor, town.pk, "meetings.settings")
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ValidationError({"name": _("Name the kind in 1 to 50 characters.")})
    with transaction.atomic():
        if MatterKind.objects.filter(town=town, name=name).exists():
            raise ValidationError({"name": _("This kind already exists.")})
        order = MatterKind.objects.filter(town=town).count()
        kind = MatterKind.objects.create(town=town, name=name, order=order)
        audit.record(actor, "meetings.matterkind.create", kind, after={"name": name}, town_id=town.pk)
    return kind


def set_matter_kind_retired(*, actor, kind: MatterKind, retired: bool) -> MatterKind:
    from gongzhi.core.permissions import ensure_town_manager

    ensure_town_manager(actor, kind.town_id, "meetings.settings")
    with transaction.atomic():
        if kind.retired != retired:
            MatterKind.objects.filter(pk=kind.pk).update(retired=retired)
            audit.record(
                actor,
                "meetings.matterkind.retire" if retired else "meetings.matterkind.restore",
                kind,
                before={"retired": kind.retired},
                after={"retired": retired},
                town_id=kind.town_id,
            )
            kind.retired = retired
    return kind


# --- who may -------------------------------------------------------------------------------


def _person_of(user) -> Person | None:
    return Person.objects.filter(user=user).first() if user is not None else None


def may_chair(user, meeting: Meeting) -> bool:
    """The chair's powers over one meeting: the neighborhood's party organisation (and the
    office), or the person designated to chair it."""
    if user is None:
        return True
    if meeting.chair_id and Person.objects.filter(pk=meeting.chair_id, user=user).exists():
        return True
    return Meeting.objects.for_user(user, "meetings.chair").filter(pk=meeting.pk).exists()


def _require_chair(user, meeting: Meeting) -> None:
    if not may_chair(user, meeting):
        raise PermissionDenied(_("Only the chair of the meeting may do this."))


def chairs_neighborhood(user, neighborhood: Neighborhood) -> bool:
    """Whether the user holds the chair's right over the neighborhood's meetings."""
    if user is None:
        return True
    area = get_scope(user).area("meetings.chair")
    return area.everything or neighborhood.town_id in area.towns or neighborhood.pk in area.neighborhoods


def parties_of(user, neighborhood_id: int, kinds: Iterable[str] = Organization.FOUR_PARTIES) -> list[Organization]:
    """The organisations of the four parties in a neighborhood for which the user holds an
    active membership (the parties they may speak for)."""
    if user is None:
        return []
    org_ids = (
        Membership.objects.filter(person__user=user, organization__isnull=False)
        .active()
        .values_list("organization_id", flat=True)
    )
    return list(_neighborhood_parties(neighborhood_id).filter(pk__in=org_ids, kind__in=list(kinds)))


def _neighborhood_parties(neighborhood_id: int):
    """The four parties of a neighborhood: its party organisation and residents' committee, the
    owners' committees of its compounds and the property companies serving them."""
    today = timezone.localdate()
    compounds = Compound.objects.filter(neighborhood_id=neighborhood_id).values("pk")
    companies = ServiceContract.objects.filter(compound__in=compounds).active(today).values("company_id")
    return Organization.objects.filter(
        Q(neighborhood_id=neighborhood_id, kind__in=Organization.NEIGHBORHOOD_KINDS)
        | Q(compound__in=compounds, kind=Organization.Kind.OWNERS_COMMITTEE)
        | Q(pk__in=companies, kind=Organization.Kind.PROPERTY_COMPANY)
    )


# --- meetings -------------------------------------------------------------------------------


def _locked_meeting(meeting: Meeting, expected_version: int | None = None) -> Meeting:
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _meeting_step(current: Meeting, action: str) -> str:
    to = target(MEETING_TRANSITIONS, action, current.state)
    if to is None:
        raise ValidationError(
            _("The meeting is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.get_state_display(), "action": MeetingAction(action).label}
        )
    return to


def nth_working_day(year: int, month: int, n: int) -> date:
    """The n-th working day of a month (the core calendar), or the month's last working day
    when it has fewer."""
    day, found, last = date(year, month, 1), 0, None
    while day.month == month:
        if is_working_day(day):
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
    parties = sorted(_neighborhood_parties(neighborhood_id), key=lambda o: (kind_order.get(o.kind, 9), o.code))
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


def _create_meeting(*, actor, neighborhood: Neighborhood, kind: str, title: str, starts_at, place: str = "") -> Meeting:
    period = _period(timezone.localtime(starts_at).date()) if kind == Meeting.Kind.REGULAR else ""
    meeting = Meeting(
        town_id=neighborhood.town_id,
        neighborhood=neighborhood,
        kind=kind,
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


def _validate_meeting_fields(title: str, starts_at, place: str) -> dict:
    errors = {}
    if not (title or "").strip() or len(title) > 100:
        errors["title"] = _("Give the meeting a title of 1 to 100 characters.")
    if starts_at is None:
        errors["starts_at"] = _("Give the date and time of the meeting.")
    if len(place or "") > 100:
        errors["place"] = _("The place is at most 100 characters.")
    return errors


def schedule_meeting(
    *, actor, neighborhood: Neighborhood, title: str, starts_at: datetime, place: str = "", regular: bool = False
) -> Meeting:
    """An ad hoc meeting (or a missing monthly one), with the four parties invited and the agenda
    drafted from what is waiting."""
    if not chairs_neighborhood(actor, neighborhood):
        raise PermissionDenied(_("Only the neighborhood's party organisation or the office schedules its meetings."))
    errors = _validate_meeting_fields(title, starts_at, place)
    if starts_at is not None and starts_at < timezone.now() - timedelta(days=1):
        errors["starts_at"] = _("The meeting cannot start in the past.")
    if errors:
        raise ValidationError(errors)
    kind = Meeting.Kind.REGULAR if regular else Meeting.Kind.AD_HOC
    try:
        with transaction.atomic():
            return _create_meeting(
                actor=actor, neighborhood=neighborhood, kind=kind, title=title.strip(), starts_at=starts_at, place=place
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
        day = nth_working_day(today.year, today.month, rules.regular_working_day)
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
            added += draft_agenda(_locked_meeting(meeting))
    return added


def reschedule_meeting(
    *, actor, meeting: Meeting, title: str, starts_at: datetime, place: str, expected_version: int
) -> Meeting:
    errors = _validate_meeting_fields(title, starts_at, place)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_meeting(meeting, expected_version)
        _require_chair(actor, current)
        _meeting_step(current, MeetingAction.RESCHEDULE)
        if current.kind == Meeting.Kind.REGULAR and _period(timezone.localtime(starts_at).date()) != current.period:
            raise ValidationError({"starts_at": _("The monthly meeting must stay within its month.")})
        before = audit.snapshot(current, ["title", "starts_at", "place"])
        moved = current.starts_at != starts_at or current.place != place
        current.title, current.starts_at, current.place = title.strip(), starts_at, place
        current.version += 1
        current.save(update_fields=["title", "starts_at", "place", "version"])
        audit.record(
            actor, "meetings.meeting.reschedule", current, before=before, after=audit.snapshot(current, before)
        )
        if moved and current.state == MeetingState.INVITED:
            _notify_invitees(current, _("Changed: %(title)s is now on %(when)s at %(place)s.") % _when(current))
    return current


def _when(meeting: Meeting) -> dict:
    local = timezone.localtime(meeting.starts_at)
    return {"title": meeting.title, "when": f"{local:%Y-%m-%d %H:%M}", "place": meeting.place or _("(place to follow)")}


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
    from gongzhi.accounts.services import PHONE_RE

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
        current = _locked_meeting(meeting)
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
        current = _locked_meeting(invitee.meeting)
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
    text = _("Invitation: %(title)s, %(when)s at %(place)s.") % _when(meeting)
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
        from .tasks import email_invitation

        meeting_id = meeting.pk
        transaction.on_commit(lambda: email_invitation.enqueue(meeting_id, emails))
    return len(invitees)


def email_invitation_now(meeting_id: int, emails: list[str]) -> int:
    """The invitation by email with the meeting as an iCalendar attachment (run by the worker)."""
    from django.conf import settings
    from django.core.mail import EmailMessage

    from .ics import meeting_calendar

    meeting = Meeting.objects.get(pk=meeting_id)
    message = EmailMessage(
        subject=meeting.title,
        body=_("Invitation: %(title)s, %(when)s at %(place)s.") % _when(meeting),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=emails,
    )
    message.attach("meeting.ics", meeting_calendar([meeting]), "text/calendar; method=REQUEST")
    return message.send()


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
        from .minutes import draft_text

        Minutes.objects.create(
            meeting=current, number=1, text=draft_text(current), drafted_by=actor, drafted_at=current.ended_at
        )
        audit.record(actor, "meetings.minutes.draft", current, after={"number": 1})
    return current


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


# --- agenda ---------------------------------------------------------------------------------


def _locked_item(item: AgendaItem, expected_version: int | None = None) -> AgendaItem:
    current = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _item_step(current: AgendaItem, action: str) -> str:
    meeting_states = ITEM_ACTION_MEETING_STATES[action]
    if current.meeting.state not in meeting_states:
        raise ValidationError(
            _("The meeting is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.meeting.get_state_display(), "action": ItemAction(action).label}
        )
    to = target(ITEM_TRANSITIONS, action, current.state)
    if to is None:
        raise ValidationError(
            _("The item is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.get_state_display(), "action": ItemAction(action).label}
        )
    return to


def _next_order(meeting: Meeting) -> int:
    last = meeting.items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def _open_items():
    return AgendaItem.objects.exclude(state__in=[ItemState.CARRIED_OVER, ItemState.WITHDRAWN]).exclude(
        meeting__state=MeetingState.CANCELLED
    )


def draft_agenda(meeting: Meeting, actor=None) -> int:
    """Add to a planned meeting what is waiting for the neighborhood's joint meeting and is not
    on an agenda yet: escalated cases, proposed hotspots, items carried over, resolutions to
    check or reconsider, and the property companies' annual reports when they are due.
    Idempotent; returns how many items were added."""
    if meeting.state not in MeetingState.PLANNED:
        return 0
    nb = meeting.neighborhood_id
    order = _next_order(meeting)
    added: list[AgendaItem] = []

    def add(**fields) -> AgendaItem:
        nonlocal order
        item = AgendaItem.objects.create(
            town_id=meeting.town_id, meeting=meeting, order=order, added_by=actor, **fields
        )
        order += 1
        added.append(item)
        return item

    on_agenda_cases = _open_items().filter(cases__isnull=False).values("cases")
    cases = (
        Case.objects.filter(neighborhood_id=nb, state=CaseState.ESCALATED, escalated_at__lte=timezone.now())
        .exclude(pk__in=on_agenda_cases)
        .select_related("category", "compound")
        .order_by("escalated_at")
    )
    for case in cases:
        item = add(
            source=AgendaItem.Source.CASES,
            title=_("Case %(number)s: %(category)s at %(compound)s")
            % {"number": case.number, "category": case.category.name, "compound": case.compound.name},
            description=f"{case.description}\n\n{_('Why the joint meeting')}: {case.escalation_reason}".strip(),
            compound=case.compound,
        )
        item.cases.add(case)
    used_hotspots = _open_items().filter(hotspot__isnull=False).values("hotspot")
    for proposal in (
        AgendaProposal.objects.filter(neighborhood_id=nb, proposed_at__lte=timezone.now())
        .exclude(pk__in=used_hotspots)
        .select_related("category", "compound")
    ):
        item = add(
            source=AgendaItem.Source.HOTSPOT,
            title=_("Hotspot: %(category)s at %(compound)s (%(count)d cases)")
            % {"category": proposal.category.name, "compound": proposal.compound.name, "count": proposal.case_count},
            description=proposal.note,
            compound=proposal.compound,
            hotspot=proposal,
        )
        item.cases.add(*proposal.cases.all())
    # Carried over from an earlier meeting, not yet put on a later agenda.
    carried_on = AgendaItem.objects.filter(carried_from__isnull=False).values("carried_from")
    for old in (
        AgendaItem.objects.filter(meeting__neighborhood_id=nb, state=ItemState.CARRIED_OVER)
        .exclude(meeting=meeting)
        .exclude(pk__in=carried_on)
        .prefetch_related("cases")
    ):
        item = add(
            source=AgendaItem.Source.CARRIED_OVER,
            title=old.title,
            description=old.description,
            major_kind=old.major_kind,
            compound=old.compound,
            proposer=old.proposer,
            hotspot=old.hotspot,
            resolution=old.resolution,
            annual_report=old.annual_report,
            carried_from=old,
        )
        item.cases.add(*old.cases.all())
    # Resolutions reported done (to check) or due by the meeting, and those under reconsideration.
    on_agenda_resolutions = _open_items().filter(resolution__isnull=False).values("resolution")
    meeting_day = timezone.localtime(meeting.starts_at).date()
    for resolution in (
        Resolution.objects.filter(neighborhood_id=nb)
        .filter(
            Q(state__in=[ResolutionState.IMPLEMENTED, ResolutionState.RECONSIDERING])
            | Q(state=ResolutionState.IN_PROGRESS, due__lte=meeting_day)
        )
        .exclude(pk__in=on_agenda_resolutions)
        .exclude(item__meeting=meeting)
    ):
        reconsider = resolution.state == ResolutionState.RECONSIDERING
        add(
            source=AgendaItem.Source.RECONSIDERATION if reconsider else AgendaItem.Source.FOLLOW_UP,
            title=(_("Reconsideration of resolution %(number)s") if reconsider else _("Check resolution %(number)s"))
            % {"number": resolution.number},
            description=resolution.text,
            major_kind=resolution.item.major_kind if reconsider else None,
            resolution=resolution,
        )
    # Annual reports (R-MTG-5): in the town's month, one per active contract and year.
    rules = settings_for(meeting.town_id)
    if meeting_day.month == rules.annual_report_month:
        contracts = ServiceContract.objects.filter(compound__neighborhood_id=nb).active(meeting_day)
        for contract in contracts.select_related("compound", "company"):
            report, _created = AnnualReport.objects.get_or_create(
                contract=contract,
                year=meeting_day.year,
                defaults={"town_id": meeting.town_id, "compound": contract.compound, "company": contract.company},
            )
            if _created:
                notify_many(
                    [
                        Message(
                            text=_(
                                "Your annual report (年度述职) on %(compound)s for %(year)d is due at %(meeting)s "
                                "on %(day)s: submit it in the platform before the meeting."
                            )
                            % {
                                "compound": contract.compound.name,
                                "year": report.year,
                                "meeting": meeting.title,
                                "day": meeting_day,
                            },
                            users=users_of([contract.company_id]),
                            url=report.get_absolute_url(),
                        )
                    ]
                )
            if not _open_items().filter(annual_report=report).exists():
                add(
                    source=AgendaItem.Source.ANNUAL_REPORT,
                    title=_("Annual report of %(company)s on %(compound)s, %(year)d")
                    % {"company": contract.company.name, "compound": contract.compound.name, "year": report.year},
                    compound=contract.compound,
                    proposer=contract.company,
                    annual_report=report,
                )
    from gongzhi.notices.services import summarise_into

    notices = summarise_into(meeting, actor)
    if added:
        audit.record_many(
            actor,
            [
                audit.Change(
                    "meetings.item.add", item, after={"title": item.title, "source": item.source, "meeting": meeting.pk}
                )
                for item in added
            ],
        )
    return len(added) + notices


def _check_item_fields(title: str, description: str, major_kind: MatterKind | None, meeting: Meeting) -> None:
    errors = {}
    if not (title or "").strip() or len(title) > 200:
        errors["title"] = _("Give the item a title of 1 to 200 characters.")
    if len(description or "") > 5000:
        errors["description"] = _("The description is at most 5,000 characters.")
    if major_kind is not None and (major_kind.town_id != meeting.town_id or major_kind.retired):
        errors["major_kind"] = _("Choose one of the town's kinds of major matter.")
    if errors:
        raise ValidationError(errors)


def propose_item(
    *,
    actor,
    meeting: Meeting,
    title: str,
    description: str = "",
    major_kind: MatterKind | None = None,
    compound: Compound | None = None,
    proposer: Organization | None = None,
    files: Sequence = (),
) -> AgendaItem:
    """An item proposed by one of the four parties (or put on the agenda by the chair)."""
    _check_item_fields(title, description, major_kind, meeting)
    if compound is not None and compound.neighborhood_id != meeting.neighborhood_id:
        raise ValidationError({"compound": _("Choose a compound of this neighborhood.")})
    clean = clean_files(files)
    with transaction.atomic():
        current = _locked_meeting(meeting)
        if current.state not in MeetingState.PLANNED:
            raise ValidationError(_("Items are proposed before the meeting."))
        if actor is not None:
            mine = parties_of(actor, current.neighborhood_id)
            if proposer is None and mine:
                proposer = mine[0]
            if proposer is not None and proposer not in mine and not may_chair(actor, current):
                raise PermissionDenied(_("You may propose items only for your own organisation."))
            if proposer is None and not may_chair(actor, current):
                raise PermissionDenied(_("Only the four parties and the chair propose items."))
        item = AgendaItem.objects.create(
            town_id=current.town_id,
            meeting=current,
            order=_next_order(current),
            source=AgendaItem.Source.PROPOSAL,
            title=title.strip(),
            description=(description or "").strip(),
            major_kind=major_kind,
            compound=compound,
            proposer=proposer,
            added_by=actor,
        )
        _attach(item, clean, actor)
        audit.record(
            actor,
            "meetings.item.propose",
            item,
            after=audit.snapshot(item, ["title", "major_kind", "compound", "proposer"]) | {"files": len(clean)},
        )
        if actor is not None and current.chair_id:
            chair_user = Person.objects.filter(pk=current.chair_id).values_list("user_id", flat=True).first()
            if chair_user and chair_user != actor.pk:
                notify_many(
                    [
                        Message(
                            text=_("New item proposed for %(meeting)s: %(title)s")
                            % {"meeting": current.title, "title": item.title},
                            users=[chair_user],
                            url=item.get_absolute_url(),
                        )
                    ]
                )
    return item


def _attach(item: AgendaItem, files, actor) -> None:
    for clean in files:
        attachment = ItemAttachment(item=item, name=clean.name, size=clean.size, uploaded_by=actor)
        attachment.file.save(clean.name, ContentFile(clean.content), save=False)
        attachment.save()


def add_materials(*, actor, item: AgendaItem, files: Sequence) -> int:
    clean = clean_files(files)
    if not clean:
        raise ValidationError({"files": _("Choose at least one file.")})
    with transaction.atomic():
        current = _locked_item(item)
        if not (
            may_chair(actor, current.meeting) or current.proposer in parties_of(actor, current.meeting.neighborhood_id)
        ):
            raise PermissionDenied(_("Only the chair and the proposer add materials."))
        if current.state in ItemState.DONE:
            raise ValidationError(_("The item has been concluded."))
        _attach(current, clean, actor)
        audit.record(actor, "meetings.item.materials", current, after={"files": [c.name for c in clean]})
    return len(clean)


def edit_item(
    *,
    actor,
    item: AgendaItem,
    title: str,
    description: str,
    major_kind: MatterKind | None,
    order: int,
    expected_version: int,
) -> AgendaItem:
    _check_item_fields(title, description, major_kind, item.meeting)
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        _item_step(current, ItemAction.EDIT)
        before = audit.snapshot(current, ["title", "description", "major_kind", "order"])
        current.title, current.description = title.strip(), (description or "").strip()
        current.major_kind, current.order = major_kind, max(0, int(order))
        current.version += 1
        current.save(update_fields=["title", "description", "major_kind", "order", "version"])
        audit.record(actor, "meetings.item.edit", current, before=before, after=audit.snapshot(current, before))
    return current


def withdraw_item(*, actor, item: AgendaItem, reason: str, expected_version: int) -> AgendaItem:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the item is withdrawn.")})
    return _conclude(actor, item, ItemAction.WITHDRAW, reason, expected_version, by_proposer=True)


def conclude_item(*, actor, item: AgendaItem, outcome: str, expected_version: int) -> AgendaItem:
    """Discussed, and noted without a vote (e.g. an annual report, a progress check)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Record what the meeting concluded.")})
    return _conclude(actor, item, ItemAction.CONCLUDE, outcome, expected_version)


def carry_over_item(*, actor, item: AgendaItem, expected_version: int) -> AgendaItem:
    return _conclude(actor, item, ItemAction.CARRY_OVER, _("Carried over to the next meeting."), expected_version)


def _conclude(actor, item, action, outcome, expected_version, by_proposer=False) -> AgendaItem:
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        proposer_ok = (
            by_proposer
            and current.proposer_id
            and current.proposer in parties_of(actor, current.meeting.neighborhood_id)
        )
        if not proposer_ok:
            _require_chair(actor, current.meeting)
        to = _item_step(current, action)
        before = {"state": current.state}
        current.state, current.outcome = to, outcome[:5000]
        current.version += 1
        current.save(update_fields=["state", "outcome", "version"])
        audit.record(actor, f"meetings.item.{action}", current, before=before, after={"state": to, "outcome": outcome})
        if action == ItemAction.CONCLUDE and current.resolution_id:
            _after_resolution_item(actor, current, outcome)
    return current


def record_notes(*, actor, item: AgendaItem, notes: str, expected_version: int) -> AgendaItem:
    """The discussion of an item (共同协商), as the chair or the clerk records it."""
    if len(notes or "") > 20000:
        raise ValidationError({"notes": _("The notes are at most 20,000 characters.")})
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        _item_step(current, ItemAction.NOTE)
        if current.meeting.minutes.filter(approved_at__isnull=False).exists():
            raise ValidationError(_("The minutes have been approved: the notes can no longer change."))
        before = {"notes": current.notes}
        current.notes = (notes or "").strip()
        current.version += 1
        current.save(update_fields=["notes", "version"])
        audit.record(actor, "meetings.item.notes", current, before=before, after={"notes": current.notes})
    return current


# --- consultation (个别酝酿) -------------------------------------------------------------------


def represented_parties(meeting: Meeting, invitees) -> dict[int, set[int]]:
    """invitee id → the organisations of the neighborhood's four parties the invitee speaks for:
    the organisation they were invited for, and every other party in which their person holds an
    active seat (a party secretary who also heads the residents' committee speaks for both)."""
    invitees = list(invitees)
    parties = dict(_neighborhood_parties(meeting.neighborhood_id).values_list("pk", "kind"))
    seats: dict[int, set[int]] = {}
    person_ids = [i.person_id for i in invitees if i.person_id]
    for person_id, org_id in (
        Membership.objects.filter(person_id__in=person_ids, organization_id__in=parties)
        .active()
        .values_list("person_id", "organization_id")
    ):
        seats.setdefault(person_id, set()).add(org_id)
    out = {}
    for invitee in invitees:
        orgs = set(seats.get(invitee.person_id, set()))
        if invitee.organization_id in parties:
            orgs.add(invitee.organization_id)
        out[invitee.pk] = orgs
    return out


def party_kinds(org_ids) -> set[str]:
    return set(Organization.objects.filter(pk__in=list(org_ids)).values_list("kind", flat=True))


def required_parties(item: AgendaItem) -> list[Organization]:
    """The parties whose position a major item needs before the vote: the organisations of the
    four parties invited to the meeting — for an item about one compound, the neighborhood's party
    organisation and residents' committee with that compound's owners' committee and property
    company (the other compounds' committees and companies are not concerned)."""
    ids = set().union(*represented_parties(item.meeting, item.meeting.invitees.all()).values())
    parties = Organization.objects.filter(pk__in=ids)
    if item.compound_id:
        serving = ServiceContract.objects.filter(compound_id=item.compound_id).active(timezone.localdate())
        parties = parties.filter(
            Q(kind__in=Organization.NEIGHBORHOOD_KINDS)
            | Q(kind=Organization.Kind.OWNERS_COMMITTEE, compound_id=item.compound_id)
            | Q(kind=Organization.Kind.PROPERTY_COMPANY, pk__in=serving.values("company_id"))
        )
    return list(parties.order_by("kind", "code"))


def consultation_matrix(item: AgendaItem) -> list[tuple[Organization, Position | None]]:
    positions = {p.organization_id: p for p in item.positions.select_related("recorded_by")}
    return [(org, positions.get(org.pk)) for org in required_parties(item)]


def record_position(
    *, actor, item: AgendaItem, organization: Organization, stance: str, text: str = "", expected_version: int | None
) -> Position:
    """A party's position on a major item, recorded by one of its members (or changed later,
    before the vote; `expected_version` is that of the position being changed, None for a new one)."""
    if stance not in Position.Stance.values:
        raise ValidationError({"stance": _("Choose agree, agree with conditions, or disagree.")})
    text = (text or "").strip()
    if stance != Position.Stance.AGREE and not text:
        raise ValidationError({"text": _("Give the reasons or the conditions.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("At most 5,000 characters.")})
    with transaction.atomic():
        current = _locked_item(item)
        _item_step(current, ItemAction.POSITION)
        if organization not in parties_of(actor, current.meeting.neighborhood_id):
            raise PermissionDenied(_("A party's position is recorded by its own members."))
        if organization not in required_parties(current):
            raise ValidationError(_("This organisation is not one of the parties invited to the meeting."))
        now = timezone.now()
        position = Position.objects.select_for_update().filter(item=current, organization=organization).first()
        if position is None:
            if expected_version is not None:
                raise ConcurrentEditError()
            try:
                with transaction.atomic():
                    position = Position.objects.create(
                        item=current,
                        organization=organization,
                        stance=stance,
                        text=text,
                        recorded_by=actor,
                        recorded_at=now,
                    )
            except IntegrityError:
                raise ConcurrentEditError() from None
            before = None
        else:
            if expected_version != position.version:
                raise ConcurrentEditError()
            before = {"stance": position.stance, "text": position.text}
            position.stance, position.text, position.recorded_by, position.recorded_at = stance, text, actor, now
            position.version += 1
            position.save(update_fields=["stance", "text", "recorded_by", "recorded_at", "version"])
        audit.record(
            actor,
            "meetings.item.position",
            current,
            before=before,
            after={"organization": organization.name, "stance": stance, "text": text},
        )
    return position


def waive_consultation(*, actor, item: AgendaItem, reason: str, expected_version: int) -> AgendaItem:
    """The chair records why the vote goes ahead without every party's position."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the vote goes ahead without every position.")})
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        if current.state != ItemState.ON_AGENDA:
            raise ValidationError(_("The item is no longer waiting for its vote."))
        current.consultation_waiver = reason[:2000]
        current.version += 1
        current.save(update_fields=["consultation_waiver", "version"])
        audit.record(actor, "meetings.item.waive_consultation", current, after={"reason": reason})
    return current


def missing_positions(item: AgendaItem) -> list[Organization]:
    recorded = set(item.positions.values_list("organization_id", flat=True))
    return [org for org in required_parties(item) if org.pk not in recorded]


# --- votes (民主表决) ------------------------------------------------------------------------


def open_ballot(*, actor, item: AgendaItem, expected_version: int) -> Ballot:
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        _require_chair(actor, current.meeting)
        to = _item_step(current, ItemAction.OPEN_BALLOT)
        if current.major:
            missing = missing_positions(current)
            if missing and not current.consultation_waiver:
                raise ValidationError(
                    _(
                        "A major matter is put to the vote after every party has given its position (个别酝酿). "
                        "Missing: %(parties)s. Record them, or record why the vote goes ahead without them."
                    )
                    % {"parties": "、".join(org.name for org in missing)}
                )
        if current.meeting.invitees.filter(attendance=Invitee.Attendance.UNKNOWN, voting=True).exists():
            raise ValidationError(_("Record the attendance of the voting members before the vote."))
        ballot = Ballot.objects.create(item=current, opened_at=timezone.now(), opened_by=actor, major=current.major)
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version"])
        audit.record(
            actor, "meetings.item.open_ballot", current, before={"state": ItemState.ON_AGENDA}, after={"state": to}
        )
    return ballot


def cast_vote(*, actor, ballot: Ballot, invitee: Invitee, choice: str) -> Vote:
    """One named vote, recorded by the chair (or clerk) at the meeting, or by the member themself.
    The database holds one vote per member and ballot; a closed ballot takes no more votes."""
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    with transaction.atomic():
        current = Ballot.objects.select_for_update().select_related("item__meeting").get(pk=ballot.pk)
        item = current.item
        is_self = invitee.person_id and Person.objects.filter(pk=invitee.person_id, user=actor).exists()
        if not is_self:
            _require_chair(actor, item.meeting)
        if not current.is_open:
            raise ValidationError(_("This vote is closed: its result can no longer change."))
        _item_step(item, ItemAction.VOTE)
        if invitee.meeting_id != item.meeting_id:
            raise ValidationError(_("Someone on the list is not invited to this meeting."))
        if not invitee.voting:
            raise ValidationError(_("%(name)s attends without a vote.") % {"name": invitee.name})
        if not invitee.here:
            raise ValidationError(_("%(name)s is not recorded as present.") % {"name": invitee.name})
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    ballot=current, invitee=invitee, choice=choice, recorded_by=actor, recorded_at=timezone.now()
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s has already voted on this item.") % {"name": invitee.name}) from None
        audit.record(actor, "meetings.item.vote", item, after={"voter": invitee.name, "choice": choice})
    return vote


def tally(ballot: Ballot) -> voting.Outcome:
    """The result of a ballot as it stands, by the town's rule (gongzhi.meetings.voting.decide)."""
    item = ballot.item
    invitees = list(item.meeting.invitees.select_related("organization").filter(voting=True))
    here = [i for i in invitees if i.here]
    speaks_for = represented_parties(item.meeting, here)
    counts = {choice: 0 for choice in Vote.Choice.values}
    for choice in ballot.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return voting.decide(
        yes=counts[Vote.Choice.YES],
        no=counts[Vote.Choice.NO],
        abstain=counts[Vote.Choice.ABSTAIN],
        present=len(here),
        invited_voters=len(invitees),
        parties_present=party_kinds(set().union(set(), *speaks_for.values())),
        major=ballot.major,
        rule=settings_for(item.town_id).rule(),
    )


def close_ballot(*, actor, ballot: Ballot) -> Ballot:
    with transaction.atomic():
        current = Ballot.objects.select_for_update().select_related("item__meeting").get(pk=ballot.pk)
        item = _locked_item(current.item)
        _require_chair(actor, item.meeting)
        _item_step(item, ItemAction.CLOSE_BALLOT)
        if not current.is_open:
            raise ValidationError(_("This vote is closed already."))
        outcome = tally(current)
        current.closed_at = timezone.now()
        for field in ("yes", "no", "abstain", "present", "needed", "passed", "explanation"):
            setattr(current, field, getattr(outcome, field))
        current.save()
        item.state = ItemState.PASSED if outcome.passed else ItemState.NOT_PASSED
        item.outcome = outcome.explanation
        item.version += 1
        item.save(update_fields=["state", "outcome", "version"])
        audit.record(
            actor,
            "meetings.item.close_ballot",
            item,
            before={"state": ItemState.VOTING},
            after={
                "state": item.state,
                "yes": outcome.yes,
                "no": outcome.no,
                "abstain": outcome.abstain,
                "present": outcome.present,
                "explanation": outcome.explanation,
            },
        )
        if item.resolution_id and not outcome.passed:
            _after_resolution_item(actor, item, outcome.explanation)
    return current


# --- resolutions ----------------------------------------------------------------------------


def _locked_resolution(resolution: Resolution, expected_version: int | None = None) -> Resolution:
    current = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _resolution_step(current: Resolution, action: str) -> str:
    to = target(RESOLUTION_TRANSITIONS, action, current.state)
    if to is None:
        raise ValidationError(
            _("The resolution is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.get_state_display(), "action": ResolutionAction(action).label}
        )
    return to


def _resolution_number(meeting: Meeting) -> str:
    prefix = timezone.localtime(meeting.starts_at).strftime("J%y%m-")
    taken = Resolution.objects.filter(town_id=meeting.town_id, number__startswith=prefix).count()
    return f"{prefix}{taken + 1:02d}"


def adopt_resolution(
    *,
    actor,
    item: AgendaItem,
    text: str,
    lead: Organization | None,
    co_organizations: Sequence[Organization] = (),
    due: date | None,
) -> Resolution:
    """The resolution of a passed item (R-MTG-4): what, who leads, who assists, by when. The
    residents who reported the item's cases are told."""
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write the resolution.")
    if lead is None:
        errors["lead"] = _("Name the organisation that leads the work.")
    elif lead.town_id != item.town_id:
        errors["lead"] = _("Choose an organisation of this town.")
    if due is None:
        errors["due"] = _("Give the date by which it is carried out.")
    elif due < timezone.localdate():
        errors["due"] = _("The date cannot be in the past.")
    if lead is not None and any(o.pk == lead.pk for o in co_organizations):
        errors["co_organizations"] = _("The lead organisation cannot also be an assisting one.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_item(item)
        meeting = _locked_meeting(current.meeting)
        _require_chair(actor, meeting)
        if current.state != ItemState.PASSED:
            raise ValidationError(_("A resolution is adopted on an item the meeting has passed."))
        if meeting.state not in (MeetingState.IN_SESSION, MeetingState.ENDED):
            raise ValidationError(_("Resolutions are adopted at the meeting."))
        if Resolution.objects.filter(item=current).exists():
            raise ValidationError(_("This item has its resolution already."))
        resolution = Resolution.objects.create(
            town_id=current.town_id,
            neighborhood_id=meeting.neighborhood_id,
            item=current,
            number=_resolution_number(meeting),
            text=text,
            lead=lead,
            due=due,
            major=current.major,
        )
        resolution.co_organizations.set(co_organizations)
        audit.record(
            actor,
            "meetings.resolution.adopt",
            resolution,
            after={
                "number": resolution.number,
                "text": text,
                "lead": lead.pk,  # relations as ids: the history shows them by name
                "co_organizations": [o.pk for o in co_organizations],
                "due": due,
                "major": resolution.major,
            },
        )
        if current.resolution_id:  # a reconsideration (also one carried over) replaces the original
            old = _locked_resolution(current.resolution)
            if target(RESOLUTION_TRANSITIONS, ResolutionAction.SUPERSEDE, old.state):
                before = {"state": old.state}
                old.state, old.superseded_by = ResolutionState.SUPERSEDED, resolution
                old.version += 1
                old.save(update_fields=["state", "superseded_by", "version"])
                audit.record(
                    actor,
                    "meetings.resolution.supersede",
                    old,
                    before=before,
                    after={"state": old.state, "by": resolution.number},
                )
        orgs = [lead.pk, *[o.pk for o in co_organizations]]
        messages = [
            Message(
                text=_("Resolution %(number)s of %(meeting)s: %(text)s — led by you, due %(due)s.")
                % {"number": resolution.number, "meeting": meeting.title, "text": text[:100], "due": due},
                users=users_of(orgs),
                url=resolution.get_absolute_url(),
            )
        ]
        for case in current.cases.exclude(state__in=[CaseState.CLOSED, CaseState.WITHDRAWN]):
            messages.append(
                Message(
                    text=_("The joint meeting decided on your case %(number)s: %(text)s (due %(due)s).")
                    % {"number": case.number, "text": text[:120], "due": due},
                    users=[case.reporter_user_id] if case.reporter_user_id else [],
                    url=case.tracking_url(),
                    sms_phone=case.reporter_phone,
                )
            )
        notify_many(messages)
    return resolution


def _require_carrier(actor, resolution: Resolution, *, lead_only: bool = False) -> Organization:
    """The organisation (lead, or an assisting one) the actor reports for."""
    if actor is None:
        return resolution.lead
    org_ids = set(
        Membership.objects.filter(person__user=actor, organization__isnull=False)
        .active()
        .values_list("organization_id", flat=True)
    )
    if resolution.lead_id in org_ids:
        return resolution.lead
    if not lead_only:
        for org in resolution.co_organizations.all():
            if org.pk in org_ids:
                return org
    raise PermissionDenied(_("Only the organisations carrying out the resolution report on it."))


def report_progress(
    *, actor, resolution: Resolution, text: str, done: bool = False, files: Sequence = ()
) -> ProgressReport:
    """Progress with evidence; the lead organisation reports it carried out in full (a major
    matter only after its written notice to residents has been published, R-MTG-6)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the progress.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("At most 5,000 characters.")})
    clean = clean_files(files)
    with transaction.atomic():
        current = _locked_resolution(resolution)
        organization = _require_carrier(actor, current, lead_only=done)
        action = ResolutionAction.REPORT_DONE if done else ResolutionAction.REPORT
        to = _resolution_step(current, action)
        if done and current.major and not notice_published(current):
            raise ValidationError(
                _(
                    "A major matter is carried out only after a written notice to the residents has been published "
                    "(R-MTG-6). Publish the notice first."
                )
            )
        now = timezone.now()
        report = ProgressReport.objects.create(
            resolution=current, organization=organization, text=text, done=done, reported_by=actor, reported_at=now
        )
        for c in clean:
            evidence = Evidence(report=report, name=c.name, size=c.size)
            evidence.file.save(c.name, ContentFile(c.content), save=False)
            evidence.save()
        before, after = {}, {"progress": text, "organization": organization.name}
        if clean:
            after["files"] = len(clean)
        if to != current.state:
            before["state"], after["state"] = current.state, to
            current.state, current.implemented_at = to, now
            current.version += 1
            current.save(update_fields=["state", "implemented_at", "version"])
        audit.record(actor, f"meetings.resolution.{action}", current, before=before or None, after=after)
    return report


def notice_published(resolution: Resolution) -> bool:
    """Whether a written notice of this resolution has been published to its compound(s)."""
    from gongzhi.notices.models import Notice

    return Notice.objects.filter(resolution=resolution, published_at__isnull=False).exists()


def check_resolution(*, actor, resolution: Resolution, close: bool, note: str, expected_version: int) -> Resolution:
    """The meeting checks a resolution reported carried out: closed, or sent back as not done."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Record what the check found.")})
    with transaction.atomic():
        current = _locked_resolution(resolution, expected_version)
        meeting = current.item.meeting
        _require_chair(actor, meeting)
        action = ResolutionAction.CLOSE if close else ResolutionAction.SEND_BACK
        to = _resolution_step(current, action)
        before = {"state": current.state}
        current.state, current.check_note = to, note[:5000]
        if close:
            current.closed_at = timezone.now()
        current.version += 1
        current.save(update_fields=["state", "check_note", "closed_at", "version"])
        audit.record(actor, f"meetings.resolution.{action}", current, before=before, after={"state": to, "note": note})
        notify_many(
            [
                Message(
                    text=(
                        _("Resolution %(number)s was checked and closed.")
                        if close
                        else _("Resolution %(number)s is not yet done: %(note)s")
                    )
                    % {"number": current.number, "note": note[:100]},
                    users=users_of([current.lead_id]),
                    url=current.get_absolute_url(),
                )
            ]
        )
    return current


def _after_resolution_item(actor, item: AgendaItem, outcome: str) -> None:
    """A follow-up or reconsideration item concluded: a reconsideration that did not pass (or
    ended without a new resolution) keeps the original resolution."""
    resolution = _locked_resolution(item.resolution)
    if resolution.state == ResolutionState.RECONSIDERING:
        resolution.state = ResolutionState.IN_PROGRESS
        resolution.version += 1
        resolution.save(update_fields=["state", "version"])
        audit.record(
            actor,
            "meetings.resolution.keep",
            resolution,
            before={"state": ResolutionState.RECONSIDERING},
            after={"state": resolution.state, "outcome": outcome},
        )


def request_reconsideration(*, actor, resolution: Resolution, reason: str, expected_version: int) -> AgendaItem | None:
    """New circumstances (R-MTG-4): the resolution goes back to the joint meeting, as an item
    linked to it on the next planned meeting's agenda (or the next one scheduled)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Describe the new circumstances.")})
    with transaction.atomic():
        current = _locked_resolution(resolution, expected_version)
        organization = _require_carrier(actor, current)
        to = _resolution_step(current, ResolutionAction.REQUEST_RECONSIDERATION)
        before = {"state": current.state}
        current.state = to
        current.version += 1
        current.save(update_fields=["state", "version"])
        audit.record(
            actor,
            "meetings.resolution.reconsider",
            current,
            before=before,
            after={"state": to, "reason": reason, "organization": organization.name},
        )
        meeting = (
            Meeting.objects.filter(neighborhood_id=current.neighborhood_id, state__in=MeetingState.PLANNED)
            .order_by("starts_at")
            .first()
        )
        item = None
        if meeting is not None:
            item = AgendaItem.objects.create(
                town_id=current.town_id,
                meeting=meeting,
                order=_next_order(meeting),
                source=AgendaItem.Source.RECONSIDERATION,
                title=_("Reconsideration of resolution %(number)s") % {"number": current.number},
                description=f"{current.text}\n\n{_('New circumstances')}: {reason}",
                major_kind=current.item.major_kind,
                proposer=organization,
                resolution=current,
                added_by=actor,
            )
            audit.record(actor, "meetings.item.add", item, after={"title": item.title, "source": item.source})
    return item


def report_contrary_action(
    *, actor, resolution: Resolution, organization: Organization, description: str, occurred_on: date | None
) -> ContraryAction:
    """Someone spoke or acted against a resolution (R-MTG-4): kept against the organisation."""
    description = (description or "").strip()
    errors = {}
    if not description:
        errors["description"] = _("Describe what happened.")
    if occurred_on is None or occurred_on > timezone.localdate():
        errors["occurred_on"] = _("Give the date it happened (not in the future).")
    if organization.town_id != resolution.town_id:
        errors["organization"] = _("Choose an organisation of this town.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_resolution(resolution)
        if actor is not None and not (
            may_chair(actor, current.item.meeting)
            or get_scope(actor).area("meetings.chair").covers_town(current.town_id)
        ):
            raise PermissionDenied(_("The chair or the office records actions contrary to a resolution."))
        _resolution_step(current, ResolutionAction.REPORT_CONTRARY)
        record = ContraryAction.objects.create(
            resolution=current,
            organization=organization,
            description=description[:5000],
            occurred_on=occurred_on,
            reported_by=actor,
            reported_at=timezone.now(),
        )
        audit.record(
            actor,
            "meetings.resolution.contrary",
            current,
            after={"organization": organization.name, "description": description, "occurred_on": occurred_on},
        )
        # Also in the organisation's own history, where the warning letters will look.
        audit.record(
            actor,
            "orgs.organization.contrary_to_resolution",
            organization,
            after={"resolution": current.number, "description": description, "occurred_on": occurred_on},
        )
    return record


def sweep_resolutions(today: date | None = None) -> dict[str, int]:
    """Remind the carrying organisations before a resolution is due and mark it overdue after
    (with the neighborhood's party organisation told). Idempotent."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "overdue": 0}
    open_ = Resolution.objects.filter(state=ResolutionState.IN_PROGRESS)
    for resolution in open_.filter(overdue_since__isnull=True, due__lt=today):
        with transaction.atomic():
            current = _locked_resolution(resolution)
            if current.overdue_since is not None or current.state != ResolutionState.IN_PROGRESS:
                continue
            current.overdue_since = today
            current.save(update_fields=["overdue_since"])
            audit.record(None, "meetings.resolution.overdue", current, after={"overdue_since": today})
            party = Organization.objects.filter(
                neighborhood_id=current.neighborhood_id, kind=Organization.Kind.PARTY_ORG
            ).values_list("pk", flat=True)
            orgs = [current.lead_id, *current.co_organizations.values_list("pk", flat=True), *party]
            notify_many(
                [
                    Message(
                        text=_("Resolution %(number)s is overdue (due %(due)s).")
                        % {"number": current.number, "due": current.due},
                        users=users_of(orgs),
                        url=current.get_absolute_url(),
                    )
                ]
            )
            counts["overdue"] += 1
    by_town: dict[int, int] = {}
    for resolution in open_.filter(reminded_on__isnull=True, due__gte=today).select_related(None):
        days = by_town.setdefault(resolution.town_id, settings_for(resolution.town_id).resolution_reminder_days)
        if resolution.due - today > timedelta(days=days):
            continue
        updated = Resolution.objects.filter(pk=resolution.pk, reminded_on__isnull=True).update(reminded_on=today)
        if updated:
            with transaction.atomic():
                notify_many(
                    [
                        Message(
                            text=_("Resolution %(number)s is due on %(due)s.")
                            % {"number": resolution.number, "due": resolution.due},
                            users=users_of([resolution.lead_id]),
                            url=resolution.get_absolute_url(),
                        )
                    ]
                )
            counts["reminded"] += 1
    return counts


# --- minutes --------------------------------------------------------------------------------


def _locked_minutes(minutes: Minutes, expected_version: int | None = None) -> Minutes:
    current = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def start_minutes(*, actor, meeting: Meeting) -> Minutes:
    """The first draft of the minutes, from the record (also written when the meeting ends)."""
    from .minutes import draft_text

    with transaction.atomic():
        current = _locked_meeting(meeting)
        _require_chair(actor, current)
        if current.state != MeetingState.ENDED:
            raise ValidationError(_("The minutes are written after the meeting."))
        if current.minutes.exists():
            raise ValidationError(_("The minutes have been drafted already."))
        minutes = Minutes.objects.create(
            meeting=current, number=1, text=draft_text(current), drafted_by=actor, drafted_at=timezone.now()
        )
        audit.record(actor, "meetings.minutes.draft", current, after={"number": 1})
    return minutes


def edit_minutes(*, actor, minutes: Minutes, text: str, expected_version: int) -> Minutes:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("The minutes cannot be empty.")})
    if len(text) > 100000:
        raise ValidationError({"text": _("The minutes are at most 100,000 characters.")})
    with transaction.atomic():
        current = _locked_minutes(minutes, expected_version)
        _require_chair(actor, current.meeting)
        if current.approved:
            raise ValidationError(_("These minutes are approved and locked: start a new version to change them."))
        before = {"text": current.text}
        current.text = text
        current.version += 1
        current.save(update_fields=["text", "version"])
        audit.record(
            actor,
            "meetings.minutes.edit",
            current.meeting,
            before=before,
            after={"number": current.number, "text": text},
        )
    return current


def approve_minutes(*, actor, minutes: Minutes, expected_version: int) -> Minutes:
    """The chair approves the minutes: they are locked, and their SHA-256 goes into the audit
    log, so that any later change to the stored text is detectable."""
    with transaction.atomic():
        current = _locked_minutes(minutes, expected_version)
        _require_chair(actor, current.meeting)
        if current.approved:
            raise ValidationError(_("These minutes were approved already."))
        current.approved_by, current.approved_at = actor, timezone.now()
        current.sha256 = current.digest()
        current.version += 1
        current.save(update_fields=["approved_by", "approved_at", "sha256", "version"])
        audit.record(
            actor,
            "meetings.minutes.approve",
            current.meeting,
            after={"number": current.number, "sha256": current.sha256},
        )
    return current


def revise_minutes(*, actor, meeting: Meeting, note: str) -> Minutes:
    """A change after approval: a new draft version, starting from the approved text; the
    approved version stays as it was and visible."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what needs changing.")})
    with transaction.atomic():
        current = _locked_meeting(meeting)
        _require_chair(actor, current)
        latest = current.minutes.order_by("-number").first()
        if latest is None or not latest.approved:
            raise ValidationError(_("There is a draft already: edit it."))
        minutes = Minutes.objects.create(
            meeting=current,
            number=latest.number + 1,
            text=latest.text,
            change_note=note[:200],
            drafted_by=actor,
            drafted_at=timezone.now(),
        )
        audit.record(actor, "meetings.minutes.revise", current, after={"number": minutes.number, "note": note})
    return minutes


# --- annual report (年度述职) ------------------------------------------------------------------

REPORT_SECTIONS = ("service", "management", "rectification", "other")


def submit_annual_report(
    *, actor, report: AnnualReport, sections: dict[str, str], expected_version: int
) -> AnnualReport:
    """The compound manager's report (service, management, rectification, other work)."""
    errors = {}
    values = {name: (sections.get(name) or "").strip() for name in REPORT_SECTIONS}
    for name, value in values.items():
        if len(value) > 10000:
            errors[name] = _("At most 10,000 characters.")
    if not values["service"] or not values["management"]:
        errors.setdefault("service", _("Report at least on service and on management."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if current.version != expected_version:
            raise ConcurrentEditError()
        if actor is not None:
            member = Membership.objects.filter(person__user=actor, organization_id=current.company_id).active().exists()
            if not member:
                raise PermissionDenied(_("The property company's compound manager submits the report."))
        if AnnualReportRating.objects.filter(report=current).exists():
            raise ValidationError(_("The report has been rated at the meeting: it can no longer change."))
        before = audit.snapshot(current, REPORT_SECTIONS)
        for name, value in values.items():
            setattr(current, name, value)
        current.submitted_by, current.submitted_at = actor, timezone.now()
        current.version += 1
        current.save()
        audit.record(actor, "meetings.annualreport.submit", current, before=before, after=values)
    return current


def rate_annual_report(
    *, actor, report: AnnualReport, invitee: Invitee, rating: str, comment: str = ""
) -> AnnualReportRating:
    """An attendee's rating of the report at the meeting (satisfied / basically / not)."""
    if rating not in Case.Rating.values:
        raise ValidationError({"rating": _("Choose satisfied, basically satisfied or unsatisfied.")})
    with transaction.atomic():
        current = AnnualReport.objects.select_for_update().get(pk=report.pk)
        meeting = invitee.meeting
        is_self = invitee.person_id and Person.objects.filter(pk=invitee.person_id, user=actor).exists()
        if not is_self:
            _require_chair(actor, meeting)
        if not current.submitted_at:
            raise ValidationError(_("The report has not been submitted yet."))
        if not meeting.items.filter(annual_report=current).exists():
            raise ValidationError(_("The report is not on this meeting's agenda."))
        if meeting.state != MeetingState.IN_SESSION:
            raise ValidationError(_("The report is rated at the meeting."))
        if not invitee.here:
            raise ValidationError(_("%(name)s is not recorded as present.") % {"name": invitee.name})
        if invitee.organization_id == current.company_id:
            raise ValidationError(_("The reporting company does not rate its own report."))
        try:
            with transaction.atomic():
                row = AnnualReportRating.objects.create(
                    report=current,
                    invitee=invitee,
                    rating=rating,
                    comment=(comment or "").strip()[:2000],
                    recorded_by=actor,
                    recorded_at=timezone.now(),
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s has already rated the report.") % {"name": invitee.name}) from None
        audit.record(actor, "meetings.annualreport.rate", current, after={"by": invitee.name, "rating": rating})
    return row
