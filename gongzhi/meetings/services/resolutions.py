"""Resolutions (R-MTG-4): adoption, progress, checks, reconsideration (复议), actions contrary to
them, reminders and overdue marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import services as case_services
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import WORKING as CASE_WORKING
from gongzhi.cases.workflow import State as CaseState
from gongzhi.core import audit
from gongzhi.core.scope import get_scope, in_leadership_group
from gongzhi.core.uploads import clean_files
from gongzhi.notifications.services import Message, notify_many, users_of
from gongzhi.orgs.models import Membership, Organization

from ..models import (
    AgendaItem,
    ContraryAction,
    Evidence,
    Meeting,
    ProgressReport,
    ResidentsCongress,
    Resolution,
)
from ..workflow import (
    RESOLUTION_WORKFLOW,
    ItemState,
    MeetingState,
    ResolutionAction,
    ResolutionState,
)
from .access import (
    _require_chair,
    chairs_neighborhood,
    may_chair,
)
from .rules import (
    settings_for,
)
from .steps import (
    _locked_item,
    _locked_meeting,
    _locked_resolution,
    _next_order,
    _resolution_step,
)


def _next_number(town_id: int, prefix: str) -> str:
    """The next number of the town's resolutions under `prefix`: J<yymm>- a joint meeting's,
    R<yymm>- the residents' congress's, L<yymm>- the leadership group's."""
    taken = Resolution.objects.filter(town_id=town_id, number__startswith=prefix).count()
    return f"{prefix}{taken + 1:02d}"


def _resolution_number(meeting: Meeting) -> str:
    return _next_number(meeting.town_id, timezone.localtime(meeting.starts_at).strftime("J%y%m-"))


def _recorded(actor, verb: str, *, source: dict, text: str, lead, co_organizations, due, told: str, **fields):
    """A resolution without an agenda item — a task of the residents' congress or a decision of a
    town body (`source`: {"congress": …} or {"body": …}) — created, audited, and told to the
    organisations carrying it out (`told`, the message's text)."""
    ((key, record),) = source.items()
    resolution = Resolution.objects.create(text=text, lead=lead, due=due, **source, **fields)
    resolution.co_organizations.set(co_organizations)
    after = {
        "number": resolution.number,
        key: record.pk,  # relations as ids: the history shows them by name
        "text": text,
        "lead": lead.pk,
        "co_organizations": [o.pk for o in co_organizations],
        "due": due,
    }
    if fields.get("neighborhood") is not None and key == "body":
        after["neighborhood"] = fields["neighborhood"].pk
    audit.record(actor, f"meetings.resolution.{verb}", resolution, after=after)
    notify_many(
        [
            Message(
                text=told,
                users=users_of([lead.pk, *[o.pk for o in co_organizations]]),
                url=resolution.get_absolute_url(),
            )
        ]
    )
    return resolution


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
    _check_resolution(item.town_id, text=text, lead=lead, co_organizations=co_organizations, due=due)
    with transaction.atomic():
        current = _locked_item(item, check_version=False)
        meeting = _locked_meeting(current.meeting, check_version=False)
        _require_adoptable(actor, current, meeting)
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
        replaced = current.resolution if current.resolution_id else None
        if replaced is not None:  # a reconsideration (also one carried over) replaces the original
            _supersede(actor, replaced, by=resolution)
        decided = _carry_out_on_cases(actor, current, resolution, co_organizations, replaced)
        notify_many(_adoption_messages(current, meeting, resolution, co_organizations, told=decided))
    return resolution


def _carry_out_on_cases(actor, item: AgendaItem, resolution: Resolution, co_organizations, replaced) -> set[int]:
    """The cases the resolution decides: those of the item still waiting for the joint meeting,
    and those carried out under the resolution it replaces. Each goes back to work with the
    resolution's lead and due date (gongzhi.cases.services.apply_meeting_resolution, which tells
    the resident). Returns their ids."""
    waiting = Q(pk__in=item.cases.values("pk"), state=CaseState.ESCALATED)
    if replaced is not None:
        waiting |= Q(town_id=item.town_id, meeting_resolution=replaced.number, state=CaseState.IN_PROGRESS)
    decided = set()
    for case in Case.objects.filter(waiting).order_by("pk"):
        case_services.apply_meeting_resolution(
            actor=actor,
            case=case,
            number=resolution.number,
            lead=resolution.lead,
            due=resolution.due,
            co_organizations=co_organizations,
        )
        decided.add(case.pk)
    return decided


def cases_carried_out(resolution: Resolution):
    """The open cases carried out under a resolution (their deadline is its due date)."""
    return Case.objects.filter(
        town_id=resolution.town_id, meeting_resolution=resolution.number, state__in=CASE_WORKING
    ).order_by("pk")


def _check_resolution(town_id: int, *, text: str, lead, co_organizations, due) -> None:
    """What a resolution must say, checked before anything is locked."""
    errors = {}
    if not text:
        errors["text"] = _("Write the resolution.")
    if lead is None:
        errors["lead"] = _("Name the organisation that leads the work.")
    elif lead.town_id != town_id:
        errors["lead"] = _("Choose an organisation of this town.")
    if due is None:
        errors["due"] = _("Give the date by which it is carried out.")
    elif due < timezone.localdate():
        errors["due"] = _("The date cannot be in the past.")
    if lead is not None and any(o.pk == lead.pk for o in co_organizations):
        errors["co_organizations"] = _("The lead organisation cannot also be an assisting one.")
    if errors:
        raise ValidationError(errors)


def _require_adoptable(actor, item: AgendaItem, meeting: Meeting) -> None:
    """The chair adopts one resolution on a passed item, at the meeting (locked rows)."""
    _require_chair(actor, meeting)
    if item.state != ItemState.PASSED:
        raise ValidationError(_("A resolution is adopted on an item the meeting has passed."))
    if meeting.state not in (MeetingState.IN_SESSION, MeetingState.ENDED):
        raise ValidationError(_("Resolutions are adopted at the meeting."))
    if Resolution.objects.filter(item=item).exists():
        raise ValidationError(_("This item has its resolution already."))


def _supersede(actor, original: Resolution, *, by: Resolution) -> None:
    """Mark the resolution a reconsideration replaces as superseded (when its state allows)."""
    old = _locked_resolution(original, check_version=False)
    if RESOLUTION_WORKFLOW.allows(ResolutionAction.SUPERSEDE, old.state):
        before = {"state": old.state}
        old.state, old.superseded_by = ResolutionState.SUPERSEDED, by
        old.version += 1
        old.save(update_fields=["state", "superseded_by", "version"])
        audit.record(
            actor,
            "meetings.resolution.supersede",
            old,
            before=before,
            after={"state": old.state, "by": by.number},
        )


def _adoption_messages(
    item: AgendaItem,
    meeting: Meeting,
    resolution: Resolution,
    co_organizations: Sequence[Organization],
    told: set[int] = frozenset(),
) -> list[Message]:
    """Who is told of a new resolution: the organisations carrying it out, and the residents who
    reported the item's other open cases (those in `told` were told by the case itself)."""
    text, due = resolution.text, resolution.due
    orgs = [resolution.lead_id, *[o.pk for o in co_organizations]]
    messages = [
        Message(
            text=_("Resolution %(number)s of %(meeting)s: %(text)s — led by you, due %(due)s.")
            % {"number": resolution.number, "meeting": meeting.title, "text": text[:100], "due": due},
            users=users_of(orgs),
            url=resolution.get_absolute_url(),
        )
    ]
    for case in item.cases.exclude(state__in=[CaseState.CLOSED, CaseState.WITHDRAWN]).exclude(pk__in=told):
        messages.append(
            Message(
                text=_("The joint meeting decided on your case %(number)s: %(text)s (due %(due)s).")
                % {"number": case.number, "text": text[:120], "due": due},
                users=[case.reporter_user_id] if case.reporter_user_id else [],
                url=case.tracking_url(),
                sms_phone=case.reporter_phone,
            )
        )
    return messages


def carrier_of(actor, resolution: Resolution, *, lead_only: bool = False) -> Organization:
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
        current = _locked_resolution(resolution, check_version=False)
        organization = carrier_of(actor, current)
        if done and organization.pk != current.lead_id:
            raise ValidationError(
                {"done": _("Only the lead organisation reports the resolution carried out in full; report your part.")}
            )
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
    """Whether a written notice of this resolution has been published to its compound(s). The
    notices app's rows are reached through their relation to the resolution (meetings does not
    import notices, which sits above it)."""
    return resolution.notices.filter(published_at__isnull=False).exists()


def may_check(user, resolution: Resolution) -> bool:
    """Who checks a resolution: the chair of the meeting that adopted it; for a task of the
    residents' congress, those who record the congress's tasks; for a decision of a town body, the
    leadership group and the office."""
    if resolution.congress_id:
        return may_record_congress(user, resolution.neighborhood)
    if resolution.body_id:
        return may_decide_for_town(user, resolution.town_id)
    return may_chair(user, resolution.item.meeting)


def may_decide_for_town(user, town_id: int) -> bool:
    """Who records and checks the town bodies' decisions: the leadership group, and the office
    (its secretariat: it holds the chair's right over every meeting of the town)."""
    if user is None:
        return True
    return in_leadership_group(user, town_id) or get_scope(user).area("meetings.chair").covers_town(town_id)


def adopt_body_decision(
    *,
    actor,
    body,
    held_on: date,
    text: str,
    lead: Organization | None,
    co_organizations: Sequence[Organization] = (),
    due: date | None,
    neighborhood=None,
    title: str = "",
) -> Resolution:
    """A decision of a town body (the leadership group at its meeting, R-ORG-1) assigned to an
    organisation with a due date: a resolution without an agenda item, numbered L<yymm>-NN, followed
    up like the joint meeting's — progress with evidence, reminders, overdue, 督办, the check. The
    caller (gongzhi.leadership) locks its own meeting and links the decision to its item."""
    text = (text or "").strip()
    _check_resolution(body.town_id, text=text, lead=lead, co_organizations=co_organizations, due=due)
    if neighborhood is not None and neighborhood.town_id != body.town_id:
        raise ValidationError({"neighborhood": _("Choose a neighborhood of this town.")})
    if not may_decide_for_town(actor, body.town_id):
        raise PermissionDenied(_("The leadership group or the office records the group's decisions."))
    with transaction.atomic():
        number = _next_number(body.town_id, held_on.strftime("L%y%m-"))
        return _recorded(
            actor,
            "body_decision",
            source={"body": body},
            town_id=body.town_id,
            neighborhood=neighborhood,
            number=number,
            text=text,
            lead=lead,
            co_organizations=co_organizations,
            due=due,
            told=_("Decision %(number)s of %(body)s: %(text)s — due %(due)s.")
            % {"number": number, "body": title or body.name, "text": text[:100], "due": due},
        )


def may_record_congress(user, neighborhood) -> bool:
    """The residents' committee of the neighborhood (it runs the congress), and the chair side
    (party organisation, office)."""
    if user is None or chairs_neighborhood(user, neighborhood):
        return True
    return (
        Membership.objects.filter(
            person__user=user,
            organization__neighborhood=neighborhood,
            organization__kind=Organization.Kind.RESIDENTS_COMMITTEE,
        )
        .active()
        .exists()
    )


def record_congress_task(
    *,
    actor,
    neighborhood,
    held_on: date | None,
    title: str,
    text: str,
    lead: Organization | None = None,
    co_organizations: Sequence[Organization] = (),
    due: date | None,
) -> Resolution:
    """A task the residents' congress (社区居民代表会议) set: recorded as a resolution without an
    agenda item, led by the residents' committee unless the congress named another organisation,
    followed up like the joint meeting's (seed 四㈡2)."""
    text, title = (text or "").strip(), (title or "").strip() or _("Residents' congress")
    if lead is None:
        lead = Organization.objects.filter(
            neighborhood=neighborhood, kind=Organization.Kind.RESIDENTS_COMMITTEE
        ).first()
    _check_resolution(neighborhood.town_id, text=text, lead=lead, co_organizations=co_organizations, due=due)
    if held_on is None:
        raise ValidationError({"held_on": _("Give the day the congress was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record the congress's tasks once it has been held.")})
    if len(title) > 100:
        raise ValidationError({"title": _("At most 100 characters.")})
    if not may_record_congress(actor, neighborhood):
        raise PermissionDenied(_("The residents' committee or the party organisation records the congress's tasks."))
    with transaction.atomic():
        congress, _created = ResidentsCongress.objects.get_or_create(
            neighborhood=neighborhood,
            held_on=held_on,
            title=title,
            defaults={"town_id": neighborhood.town_id, "recorded_by": actor},
        )
        number = _next_number(neighborhood.town_id, held_on.strftime("R%y%m-"))
        resolution = _recorded(
            actor,
            "congress_task",
            source={"congress": congress},
            town_id=neighborhood.town_id,
            neighborhood=neighborhood,
            number=number,
            text=text,
            lead=lead,
            co_organizations=co_organizations,
            due=due,
            told=_("Task %(number)s of the residents' congress: %(text)s — due %(due)s.")
            % {"number": number, "text": text[:100], "due": due},
        )
    return resolution


def check_resolution(*, actor, resolution: Resolution, close: bool, note: str, expected_version: int) -> Resolution:
    """The meeting checks a resolution reported carried out: closed, or sent back as not done."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Record what the check found.")})
    with transaction.atomic():
        current = _locked_resolution(resolution, expected_version)
        if not may_check(actor, current):
            raise PermissionDenied(
                _("Only the chair of the meeting may do this.")
                if current.item_id
                else _("The residents' committee or the party organisation checks the congress's tasks.")
            )
        action = ResolutionAction.CLOSE if close else ResolutionAction.SEND_BACK
        to = _resolution_step(current, action)
        before = {"state": current.state}
        current.state, current.check_note = to, note[:5000]
        if close:
            current.closed_at = timezone.now()
        current.version += 1
        current.save(update_fields=["state", "check_note", "closed_at", "version"])
        audit.record(actor, f"meetings.resolution.{action}", current, before=before, after={"state": to, "note": note})
        if close:
            # Checked and closed: the cases it carried out are resolved, in time when the lead
            # reported it carried out by the due date.
            done_on = timezone.localtime(current.implemented_at or current.closed_at).date()
            for case in cases_carried_out(current):
                case_services.resolve_by_meeting(
                    actor=actor, case=case, number=current.number, note=note[:500], done_on=done_on
                )
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
    resolution = _locked_resolution(item.resolution, check_version=False)
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
        organization = carrier_of(actor, current)
        if current.congress_id:
            raise ValidationError(_("A task of the residents' congress is reconsidered by the congress itself."))
        if current.body_id:
            raise ValidationError(
                _(
                    "A decision of the leadership group is reconsidered at the group's meeting: ask the office to put it on the agenda."
                )
            )
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
        current = _locked_resolution(resolution, check_version=False)
        if actor is not None and not (
            may_check(actor, current) or get_scope(actor).area("meetings.chair").covers_town(current.town_id)
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
    for resolution in Resolution.objects.overdue(today).filter(overdue_since__isnull=True):
        with transaction.atomic():
            current = _locked_resolution(resolution, check_version=False)
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
