"""Pages of the joint meetings: the list, a meeting (agenda, invitations, attendance, minutes),
an agenda item (materials, consultation, discussion, vote, resolution), a resolution (progress,
check, reconsideration, contrary actions), an annual report, the minutes and their PDF, calendar
feeds, compliance, and the office's settings. Thin views: permission → scoped fetch → form →
service → message + redirect. What a user may not reach is a 404; a refused action is shown on
the page with the form as it was sent, and nothing is saved."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Case
from gongzhi.core.forms import apply_service
from gongzhi.core.pages import managed_towns, paginate, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Organization, Person
from gongzhi.places.models import Neighborhood

from . import compliance, forms, services
from .ics import meeting_calendar
from .models import (
    AgendaItem,
    AnnualReport,
    CalendarFeed,
    Evidence,
    ItemAttachment,
    MatterKind,
    Meeting,
    Resolution,
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
    allowed,
)

MEETING_BADGES = {
    MeetingState.SCHEDULED: "text-bg-info",
    MeetingState.INVITED: "text-bg-primary",
    MeetingState.IN_SESSION: "text-bg-warning",
    MeetingState.ENDED: "text-bg-success",
    MeetingState.CANCELLED: "text-bg-light border",
}
ITEM_BADGES = {
    ItemState.ON_AGENDA: "text-bg-info",
    ItemState.VOTING: "text-bg-warning",
    ItemState.PASSED: "text-bg-success",
    ItemState.NOT_PASSED: "text-bg-danger",
    ItemState.NOTED: "text-bg-secondary",
    ItemState.CARRIED_OVER: "text-bg-light border",
    ItemState.WITHDRAWN: "text-bg-light border",
}
RESOLUTION_BADGES = {
    ResolutionState.IN_PROGRESS: "text-bg-primary",
    ResolutionState.IMPLEMENTED: "text-bg-info",
    ResolutionState.RECONSIDERING: "text-bg-warning",
    ResolutionState.CLOSED: "text-bg-success",
    ResolutionState.SUPERSEDED: "text-bg-light border",
}


def _meeting(request, uid) -> Meeting:
    return get_object_or_404(
        Meeting.objects.for_user(request.user).select_related("neighborhood", "chair", "town"), uid=uid
    )


def _item(request, uid) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.for_user(request.user).select_related(
            "meeting__neighborhood", "meeting__chair", "major_kind", "compound", "proposer", "resolution"
        ),
        uid=uid,
    )


def _resolution(request, uid) -> Resolution:
    return get_object_or_404(
        Resolution.objects.for_user(request.user).select_related("item__meeting__neighborhood", "lead"), uid=uid
    )


def _run(request, form, call, done: str):
    """Run a service for a valid form; PermissionDenied is a 404 (nothing revealed)."""
    if not form.is_valid():
        return None
    try:
        result = apply_service(form, call)
    except PermissionDenied:
        raise Http404 from None
    if result is not None:
        messages.success(request, done)
    return result


def _town_organizations(town_id: int):
    return Organization.objects.filter(town_id=town_id).order_by("kind", "code")


# --- list and scheduling --------------------------------------------------------------------


@requires("meetings.view")
def meeting_list(request):
    meetings = Meeting.objects.for_user(request.user).select_related("neighborhood", "chair")
    meetings = meetings.annotate(item_count=Count("items"))
    show = request.GET.get("show", "upcoming")
    if show == "past":
        meetings = meetings.exclude(state__in=MeetingState.PLANNED + (MeetingState.IN_SESSION,)).order_by("-starts_at")
    else:
        show = "upcoming"
        meetings = meetings.filter(state__in=MeetingState.PLANNED + (MeetingState.IN_SESSION,)).order_by("starts_at")
    neighborhood = request.GET.get("neighborhood", "")
    if neighborhood:
        meetings = meetings.filter(neighborhood__uid=neighborhood)
    page = paginate(request, meetings)
    for m in page:
        m.badge = MEETING_BADGES.get(m.state)
    neighborhoods = Neighborhood.objects.filter(
        pk__in=Meeting.objects.for_user(request.user).values("neighborhood_id")
    ).order_by("code")
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "nav": "meetings",
            "page_obj": page,
            "show": show,
            "neighborhoods": neighborhoods,
            "neighborhood": neighborhood,
            "may_schedule": get_scope(request.user).has("meetings.chair"),
        },
    )


def _chaired_neighborhoods(request):
    area = get_scope(request.user).area("meetings.chair")
    if area.everything:
        return Neighborhood.objects.order_by("town_id", "code")
    return Neighborhood.objects.filter(Q(town_id__in=area.towns) | Q(pk__in=area.neighborhoods)).order_by("code")


@requires("meetings.chair")
def meeting_new(request):
    form = forms.NewMeetingForm(
        request.POST if request.method == "POST" else None, neighborhoods=_chaired_neighborhoods(request)
    )
    if request.method == "POST":
        meeting = _run(
            request,
            form,
            lambda: services.schedule_meeting(
                actor=request.user,
                neighborhood=form.cleaned_data["neighborhood"],
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
            ),
            _("Meeting scheduled; the four parties' representatives are on the invitation list."),
        )
        if meeting is not None:
            return redirect(meeting)
    return render(
        request,
        "form_page.html",
        {
            "nav": "meetings",
            "form": form,
            "title": _("Schedule an ad hoc meeting"),
            "submit_label": _("Schedule"),
            "back_url": reverse("meetings:list"),
        },
    )


# --- a meeting ------------------------------------------------------------------------------


def _meeting_context(request, meeting: Meeting, bound: dict | None = None) -> dict:
    bound = bound or {}
    is_chair = services.may_chair(request.user, meeting)
    parties = services.parties_of(request.user, meeting.neighborhood_id)
    invitees = list(meeting.invitees.select_related("organization", "person").order_by("organization__kind", "name"))
    items = list(
        meeting.items.select_related("major_kind", "compound", "proposer").annotate(file_count=Count("attachments"))
    )
    for item in items:
        item.badge = ITEM_BADGES.get(item.state)
    state = meeting.state

    def may(action):
        return is_chair and allowed(MEETING_TRANSITIONS, action, state)

    version = {"version": meeting.version}
    ctx = {
        "nav": "meetings",
        "meeting": meeting,
        "badge": MEETING_BADGES.get(state),
        "is_chair": is_chair,
        "invitees": invitees,
        "items": items,
        "planned": state in MeetingState.PLANNED,
        "uninvited": sum(1 for i in invitees if i.invited_at is None),
        "minutes": meeting.minutes.order_by("-number").first(),
        **timeline_context(request, meeting),
    }
    if may(MeetingAction.INVITE):
        ctx["invite_form"] = forms.VersionForm(initial=version)
    if may(MeetingAction.OPEN):
        ctx["open_form"] = forms.VersionForm(initial=version)
    if may(MeetingAction.END):
        ctx["end_form"] = forms.VersionForm(initial=version)
    if may(MeetingAction.CANCEL):
        ctx["cancel_form"] = bound.get("cancel") or forms.ReasonForm(initial=version)
    if may(MeetingAction.RESCHEDULE):
        local = timezone.localtime(meeting.starts_at)
        ctx["reschedule_form"] = bound.get("reschedule") or forms.RescheduleForm(
            initial={
                **version,
                "title": meeting.title,
                "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
                "place": meeting.place,
            }
        )
        ctx["invitee_form"] = bound.get("invitee") or forms.InviteeForm(
            organizations=_town_organizations(meeting.town_id)
        )
        if services.chairs_neighborhood(request.user, meeting.neighborhood):
            ctx["chair_form"] = bound.get("chair") or forms.ChairForm(
                initial=version, people=_chair_candidates(meeting)
            )
        ctx["draft_form"] = forms.VersionForm(initial=version)
    if is_chair and state == MeetingState.IN_SESSION:
        ctx["attendance_form"] = bound.get("attendance") or forms.AttendanceForm(initial=version, invitees=invitees)
    if state in MeetingState.PLANNED and (parties or is_chair):
        ctx["propose_url"] = reverse("meetings:propose", args=[meeting.uid])
    if is_chair and state == MeetingState.ENDED and ctx["minutes"] is None:
        ctx["start_minutes_form"] = forms.VersionForm(initial=version)
    return ctx


def _chair_candidates(meeting: Meeting):
    """People of the four parties of the neighborhood (and the current chair)."""
    from gongzhi.orgs.models import Membership

    orgs = services.neighborhood_parties(meeting.neighborhood_id)
    ids = Membership.objects.filter(organization__in=orgs).active().values("person_id")
    return Person.objects.filter(Q(pk__in=ids) | Q(pk=meeting.chair_id)).order_by("name")


@requires("meetings.view")
def meeting_detail(request, uid):
    meeting = _meeting(request, uid)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, meeting))


MEETING_DONE = {  # lazy: read in the language of each request
    "invite": gettext_lazy("Invitations sent."),
    "open": gettext_lazy("The meeting is open. Take the attendance first."),
    "end": gettext_lazy(
        "The meeting has ended; items not reached are carried over. The minutes are drafted from the record."
    ),
    "cancel": gettext_lazy("The meeting is cancelled; its items wait for the next meeting."),
    "reschedule": gettext_lazy("Meeting changed; invitees are told if it had been sent."),
    "chair": gettext_lazy("Chair designated."),
    "attendance": gettext_lazy("Attendance saved."),
    "invitee": gettext_lazy("Added to the invitation list."),
    "draft": gettext_lazy("Agenda brought up to date with what is waiting."),
    "minutes": gettext_lazy("Minutes drafted from the record."),
}


@require_POST
@requires("meetings.view")
def meeting_act(request, uid, action):
    meeting = _meeting(request, uid)
    if action not in MEETING_DONE or not services.may_chair(request.user, meeting):
        raise Http404
    user, data = request.user, request.POST
    if action in ("invite", "open", "end", "draft", "minutes"):
        form = forms.VersionForm(data)
        calls = {
            "invite": lambda: services.send_invitations(
                actor=user, meeting=meeting, expected_version=form.cleaned_data["version"]
            ),
            "open": lambda: services.open_meeting(
                actor=user, meeting=meeting, expected_version=form.cleaned_data["version"]
            ),
            "end": lambda: services.end_meeting(
                actor=user, meeting=meeting, expected_version=form.cleaned_data["version"]
            ),
            "draft": lambda: (
                services.bring_agenda_up_to_date(
                    actor=user, meeting=meeting, expected_version=form.cleaned_data["version"]
                )
                + 1
            ),  # a count of 0 is a success too: never None
            "minutes": lambda: services.start_minutes(actor=user, meeting=meeting),
        }
        call = calls[action]
    elif action == "cancel":
        form = forms.ReasonForm(data)
        call = lambda: services.cancel_meeting(
            actor=user,
            meeting=meeting,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "reschedule":
        form = forms.RescheduleForm(data)
        call = lambda: services.reschedule_meeting(
            actor=user,
            meeting=meeting,
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "chair":
        form = forms.ChairForm(data, people=_chair_candidates(meeting))
        call = lambda: services.designate_chair(
            actor=user,
            meeting=meeting,
            person=form.cleaned_data["person"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "attendance":
        invitees = list(meeting.invitees.order_by("organization__kind", "name"))
        form = forms.AttendanceForm(data, invitees=invitees)
        call = lambda: services.record_attendance(
            actor=user, meeting=meeting, marks=form.marks(), expected_version=form.cleaned_data["version"]
        )
    else:  # invitee
        form = forms.InviteeForm(data, organizations=_town_organizations(meeting.town_id))
        call = lambda: services.add_invitee(
            actor=user,
            meeting=meeting,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            phone=form.cleaned_data["phone"],
            organization=form.cleaned_data["organization"],
            voting=form.cleaned_data["voting"],
        )
    result = _run(request, form, call, MEETING_DONE[action])
    if result is not None:
        return redirect(meeting)
    meeting.refresh_from_db()
    messages.error(request, _("Nothing was saved: see the form below."))
    return render(
        request, "meetings/meeting_detail.html", _meeting_context(request, meeting, {action: form}), status=400
    )


@require_POST
@requires("meetings.view")
def remove_invitee(request, uid, invitee_uid):
    meeting = _meeting(request, uid)
    invitee = get_object_or_404(meeting.invitees.all(), uid=invitee_uid)
    if not services.may_chair(request.user, meeting):
        raise Http404
    form = forms.StyledForm(request.POST)
    _run(
        request,
        form,
        lambda: services.remove_invitee(actor=request.user, invitee=invitee) or True,
        _("Removed from the invitation list."),
    )
    for error in form.non_field_errors():
        messages.error(request, error)
    return redirect(meeting)


@requires("meetings.view")
def propose(request, uid):
    meeting = _meeting(request, uid)
    parties = services.parties_of(request.user, meeting.neighborhood_id)
    if not parties and not services.may_chair(request.user, meeting):
        raise Http404
    form = forms.ProposeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        neighborhood=meeting.neighborhood,
        parties=parties,
    )
    if request.method == "POST":
        item = _run(
            request,
            form,
            lambda: services.propose_item(
                actor=request.user,
                meeting=meeting,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                major_kind=form.cleaned_data["major_kind"],
                compound=form.cleaned_data["compound"],
                proposer=form.cleaned_data["proposer"],
                files=form.cleaned_data["files"],
            ),
            _("Item added to the agenda."),
        )
        if item is not None:
            return redirect(item)
    return render(
        request,
        "form_page.html",
        {
            "nav": "meetings",
            "form": form,
            "title": _("Propose an item for %(meeting)s") % {"meeting": meeting.title},
            "submit_label": _("Propose"),
            "multipart": True,
            "back_url": meeting.get_absolute_url(),
        },
    )


@requires("meetings.view")
def meeting_ics(request, uid):
    meeting = _meeting(request, uid)
    response = HttpResponse(
        meeting_calendar([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.uid}.ics"'
    return response


# --- an agenda item -------------------------------------------------------------------------


def _item_context(request, item: AgendaItem, bound: dict | None = None) -> dict:
    bound = bound or {}
    meeting = item.meeting
    is_chair = services.may_chair(request.user, meeting)
    parties = services.parties_of(request.user, meeting.neighborhood_id)
    version = {"version": item.version}

    def may(action):
        return allowed(ITEM_TRANSITIONS, action, item.state) and meeting.state in ITEM_ACTION_MEETING_STATES[action]

    ballots = list(item.ballots.prefetch_related("votes__invitee"))
    open_ballot = next((b for b in ballots if b.is_open), None)
    invitees = list(meeting.invitees.select_related("organization").filter(voting=True))
    ctx = {
        "nav": "meetings",
        "item": item,
        "meeting": meeting,
        "badge": ITEM_BADGES.get(item.state),
        "is_chair": is_chair,
        "attachments": list(item.attachments.all()),
        "cases": list(item.cases.select_related("category", "compound")),
        "ballots": ballots,
        "open_ballot": open_ballot,
        "resolution": Resolution.objects.filter(item=item).select_related("lead").first(),
        **timeline_context(request, item),
    }
    if item.major:
        ctx["matrix"] = services.consultation_matrix(item)
        ctx["missing"] = [org for org, position in ctx["matrix"] if position is None]
        mine = [p for p in parties if p in [org for org, _p in ctx["matrix"]]]
        if mine and may(ItemAction.POSITION):
            existing = {org.pk: position for org, position in ctx["matrix"]}.get(mine[0].pk)
            initial = {"organization": mine[0].uid}
            if existing:
                initial.update(stance=existing.stance, text=existing.text, version=existing.version)
            ctx["position_form"] = bound.get("position") or forms.PositionForm(initial=initial, parties=mine)
        if is_chair and may(ItemAction.OPEN_BALLOT) and ctx["missing"]:
            ctx["waiver_form"] = bound.get("waiver") or forms.ReasonForm(initial=version)
    if is_chair:
        if may(ItemAction.EDIT):
            ctx["edit_form"] = bound.get("edit") or forms.EditItemForm(
                town_id=item.town_id,
                initial={
                    **version,
                    "title": item.title,
                    "description": item.description,
                    "order": item.order,
                    "major_kind": item.major_kind.uid if item.major_kind_id else None,
                },
            )
        if may(ItemAction.NOTE) and not meeting.minutes.filter(approved_at__isnull=False).exists():
            ctx["notes_form"] = bound.get("notes") or forms.NotesForm(initial={**version, "notes": item.notes})
        if may(ItemAction.OPEN_BALLOT):
            ctx["ballot_form"] = forms.VersionForm(initial=version)
        if may(ItemAction.CONCLUDE):
            ctx["conclude_form"] = bound.get("conclude") or forms.OutcomeForm(initial=version)
        if may(ItemAction.CARRY_OVER):
            ctx["carry_form"] = forms.VersionForm(initial=version)
        if open_ballot is not None and meeting.state == MeetingState.IN_SESSION:
            voted = {v.invitee_id: v for v in open_ballot.votes.all()}
            ctx["voters"] = [(i, voted.get(i.pk)) for i in invitees]
            ctx["tally"] = services.tally(open_ballot)
        if (
            item.state == ItemState.PASSED
            and ctx["resolution"] is None
            and meeting.state
            in (
                MeetingState.IN_SESSION,
                MeetingState.ENDED,
            )
        ):
            ctx["resolution_form"] = bound.get("resolution") or forms.ResolutionForm(
                organizations=_town_organizations(item.town_id)
            )
    if may(ItemAction.WITHDRAW) and (is_chair or (item.proposer_id and item.proposer in parties)):
        ctx["withdraw_form"] = bound.get("withdraw") or forms.ReasonForm(initial=version)
    if may(ItemAction.EDIT) and (is_chair or (item.proposer_id and item.proposer in parties)):
        ctx["materials_form"] = bound.get("materials") or forms.MaterialsForm()
    if item.annual_report_id:
        ctx["annual_report"] = item.annual_report
    side = ("ballot_form", "conclude_form", "carry_form", "edit_form", "materials_form", "withdraw_form")
    main = ("position_form", "waiver_form", "voters", "resolution_form", "notes_form")
    ctx["side_actions"] = any(ctx.get(key) for key in side)
    ctx["main_actions"] = any(ctx.get(key) for key in main)
    return ctx


@requires("meetings.view")
def item_detail(request, uid):
    item = _item(request, uid)
    return render(request, "meetings/item_detail.html", _item_context(request, item))


ITEM_DONE = {
    "position": gettext_lazy("Position recorded."),
    "waiver": gettext_lazy("Reason recorded: the item may go to the vote."),
    "edit": gettext_lazy("Item saved."),
    "notes": gettext_lazy("Discussion notes saved."),
    "ballot": gettext_lazy("The vote is open."),
    "vote": gettext_lazy("Vote recorded."),
    "close": gettext_lazy("The vote is closed."),
    "conclude": gettext_lazy("Item concluded."),
    "carry": gettext_lazy("Item carried over to the next meeting."),
    "withdraw": gettext_lazy("Item withdrawn."),
    "resolution": gettext_lazy(
        "Resolution adopted; the organisations carrying it out and the residents concerned are told."
    ),
    "materials": gettext_lazy("Materials added."),
}


@require_POST
@requires("meetings.view")
def item_act(request, uid, action):
    item = _item(request, uid)
    if action not in ITEM_DONE:
        raise Http404
    user, data = request.user, request.POST
    meeting = item.meeting
    parties = services.parties_of(user, meeting.neighborhood_id)
    proposer = item.proposer_id is not None and item.proposer in parties
    allowed_to = {"position": bool(parties), "withdraw": proposer, "materials": proposer}.get(action, False)
    if not (allowed_to or services.may_chair(user, meeting)):
        raise Http404
    if action == "position":
        form = forms.PositionForm(data, parties=parties)
        call = lambda: services.record_position(
            actor=user,
            item=item,
            organization=form.cleaned_data["organization"],
            stance=form.cleaned_data["stance"],
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "waiver":
        form = forms.ReasonForm(data)
        call = lambda: services.waive_consultation(
            actor=user, item=item, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
        )
    elif action == "edit":
        form = forms.EditItemForm(data, town_id=item.town_id)
        call = lambda: services.edit_item(
            actor=user,
            item=item,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            major_kind=form.cleaned_data["major_kind"],
            order=form.cleaned_data["order"],
            expected_version=form.cleaned_data["version"],
        )
    elif action == "notes":
        form = forms.NotesForm(data)
        call = lambda: services.record_notes(
            actor=user, item=item, notes=form.cleaned_data["notes"], expected_version=form.cleaned_data["version"]
        )
    elif action == "ballot":
        form = forms.VersionForm(data)
        call = lambda: services.open_ballot(actor=user, item=item, expected_version=form.cleaned_data["version"])
    elif action == "vote":
        form = forms.VoteForm(data, meeting=meeting)
        ballot = item.ballots.filter(closed_at__isnull=True).first()
        if ballot is None:
            messages.error(request, _("This vote is closed: its result can no longer change."))
            return redirect(item)
        call = lambda: services.cast_vote(
            actor=user, ballot=ballot, invitee=form.cleaned_data["invitee"], choice=form.cleaned_data["choice"]
        )
    elif action == "close":
        form = forms.StyledForm(data)
        ballot = item.ballots.filter(closed_at__isnull=True).first()
        if ballot is None:
            messages.error(request, _("This vote is closed already."))
            return redirect(item)
        call = lambda: services.close_ballot(actor=user, ballot=ballot)
    elif action == "conclude":
        form = forms.OutcomeForm(data)
        call = lambda: services.conclude_item(
            actor=user, item=item, outcome=form.cleaned_data["outcome"], expected_version=form.cleaned_data["version"]
        )
    elif action == "carry":
        form = forms.VersionForm(data)
        call = lambda: services.carry_over_item(actor=user, item=item, expected_version=form.cleaned_data["version"])
    elif action == "withdraw":
        form = forms.ReasonForm(data)
        call = lambda: services.withdraw_item(
            actor=user, item=item, reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"]
        )
    elif action == "materials":
        form = forms.MaterialsForm(data, request.FILES)
        call = lambda: services.add_materials(actor=user, item=item, files=form.cleaned_data["files"])
    else:  # resolution
        form = forms.ResolutionForm(data, organizations=_town_organizations(item.town_id))
        call = lambda: services.adopt_resolution(
            actor=user,
            item=item,
            text=form.cleaned_data["text"],
            lead=form.cleaned_data["lead"],
            co_organizations=list(form.cleaned_data["co_organizations"]),
            due=form.cleaned_data["due"],
        )
    result = _run(request, form, call, ITEM_DONE[action])
    if result is not None:
        if action == "resolution":
            return redirect(result)
        return redirect(item)
    item = _item(request, uid)
    bound_key = {"ballot": None, "vote": None, "close": None, "carry": None}.get(action, action)
    if bound_key is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        for field in form:
            for error in field.errors:
                messages.error(request, error)
        return redirect(item)
    messages.error(request, _("Nothing was saved: see the form below."))
    return render(request, "meetings/item_detail.html", _item_context(request, item, {bound_key: form}), status=400)


@requires("meetings.view")
def item_file(request, uid, file_uid):
    item = _item(request, uid)
    attachment = get_object_or_404(ItemAttachment.objects.filter(item=item), uid=file_uid)
    return _serve(attachment.file, attachment.name)


def _serve(field, name: str):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- resolutions ----------------------------------------------------------------------------


@requires("meetings.view")
def resolution_list(request):
    resolutions = Resolution.objects.for_user(request.user).select_related("lead", "item__meeting__neighborhood")
    show = request.GET.get("show", "open")
    today = timezone.localdate()
    if show == "overdue":
        resolutions = resolutions.filter(state=ResolutionState.IN_PROGRESS, due__lt=today)
    elif show == "all":
        pass
    else:
        show = "open"
        resolutions = resolutions.open()
    page = paginate(request, resolutions.order_by("due"))
    for r in page:
        r.badge = RESOLUTION_BADGES.get(r.state)
        r.is_overdue = r.state == ResolutionState.IN_PROGRESS and r.due < today
    return render(request, "meetings/resolution_list.html", {"nav": "resolutions", "page_obj": page, "show": show})


def _resolution_context(request, resolution: Resolution, bound: dict | None = None) -> dict:
    bound = bound or {}
    user = request.user
    meeting = resolution.item.meeting
    is_chair = services.may_chair(user, meeting)
    state = resolution.state
    version = {"version": resolution.version}
    try:
        carrier = services.carrier_of(user, resolution)
    except PermissionDenied:
        carrier = None
    ctx = {
        "nav": "resolutions",
        "resolution": resolution,
        "meeting": meeting,
        "badge": RESOLUTION_BADGES.get(state),
        "is_overdue": state == ResolutionState.IN_PROGRESS and resolution.due < timezone.localdate(),
        "co_organizations": list(resolution.co_organizations.all()),
        "progress": list(resolution.progress.select_related("organization").prefetch_related("evidence")),
        "contrary": list(resolution.contrary_actions.select_related("organization")),
        "notices": list(resolution.notices.all()),
        "agenda_items": list(resolution.agenda_items.select_related("meeting")),
        "carrier": carrier,
        **timeline_context(request, resolution),
    }
    if carrier is not None and allowed(RESOLUTION_TRANSITIONS, ResolutionAction.REPORT, state):
        ctx["progress_form"] = bound.get("progress") or forms.ProgressForm()
    if carrier is not None and allowed(RESOLUTION_TRANSITIONS, ResolutionAction.REQUEST_RECONSIDERATION, state):
        ctx["reconsider_form"] = bound.get("reconsider") or forms.ReasonForm(initial=version)
    if is_chair and allowed(RESOLUTION_TRANSITIONS, ResolutionAction.CLOSE, state):
        ctx["check_form"] = bound.get("check") or forms.CheckForm(initial=version)
    if (is_chair or get_scope(user).area("meetings.chair").covers_town(resolution.town_id)) and allowed(
        RESOLUTION_TRANSITIONS, ResolutionAction.REPORT_CONTRARY, state
    ):
        ctx["contrary_form"] = bound.get("contrary") or forms.ContraryForm(
            organizations=_town_organizations(resolution.town_id)
        )
    if resolution.major and carrier is not None and not ctx["notices"]:
        ctx["notice_url"] = reverse("notices:new") + f"?resolution={resolution.uid}"
    return ctx


def _may_resolution_action(user, resolution: Resolution, action: str) -> bool:
    """Who may post each resolution action at all (the services check the rest)."""
    if action in ("progress", "reconsider"):
        try:
            services.carrier_of(user, resolution)
        except PermissionDenied:
            return False
        return True
    chair = services.may_chair(user, resolution.item.meeting)
    if action == "contrary":
        return chair or get_scope(user).area("meetings.chair").covers_town(resolution.town_id)
    return chair


@requires("meetings.view")
def resolution_detail(request, uid):
    resolution = _resolution(request, uid)
    return render(request, "meetings/resolution_detail.html", _resolution_context(request, resolution))


RESOLUTION_DONE = {
    "progress": gettext_lazy("Progress reported."),
    "reconsider": gettext_lazy("Reconsideration requested: the resolution goes back to the joint meeting."),
    "check": gettext_lazy("Check recorded."),
    "contrary": gettext_lazy("Recorded against the organisation."),
}


@require_POST
@requires("meetings.view")
def resolution_act(request, uid, action):
    resolution = _resolution(request, uid)
    if action not in RESOLUTION_DONE:
        raise Http404
    user, data = request.user, request.POST
    if not _may_resolution_action(user, resolution, action):
        raise Http404
    if action == "progress":
        form = forms.ProgressForm(data, request.FILES)
        call = lambda: services.report_progress(
            actor=user,
            resolution=resolution,
            text=form.cleaned_data["text"],
            done=form.cleaned_data["done"],
            files=form.cleaned_data["files"],
        )
    elif action == "reconsider":
        form = forms.ReasonForm(data)
        call = lambda: (
            services.request_reconsideration(
                actor=user,
                resolution=resolution,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            or True
        )
    elif action == "check":
        form = forms.CheckForm(data)
        call = lambda: services.check_resolution(
            actor=user,
            resolution=resolution,
            close=form.cleaned_data["outcome"] == "close",
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    else:
        form = forms.ContraryForm(data, organizations=_town_organizations(resolution.town_id))
        call = lambda: services.report_contrary_action(
            actor=user,
            resolution=resolution,
            organization=form.cleaned_data["organization"],
            description=form.cleaned_data["description"],
            occurred_on=form.cleaned_data["occurred_on"],
        )
    if _run(request, form, call, RESOLUTION_DONE[action]) is not None:
        return redirect(resolution)
    resolution = _resolution(request, uid)
    messages.error(request, _("Nothing was saved: see the form below."))
    return render(
        request,
        "meetings/resolution_detail.html",
        _resolution_context(request, resolution, {action: form}),
        status=400,
    )


@requires("meetings.view")
def evidence_file(request, uid, file_uid):
    resolution = _resolution(request, uid)
    evidence = get_object_or_404(Evidence.objects.filter(report__resolution=resolution), uid=file_uid)
    return _serve(evidence.file, evidence.name)


# --- minutes --------------------------------------------------------------------------------


def _minutes_context(request, meeting: Meeting, bound: dict | None = None) -> dict:
    bound = bound or {}
    versions = list(meeting.minutes.select_related("approved_by", "drafted_by").order_by("-number"))
    latest = versions[0] if versions else None
    is_chair = services.may_chair(request.user, meeting)
    ctx = {"nav": "meetings", "meeting": meeting, "versions": versions, "latest": latest, "is_chair": is_chair}
    if is_chair and latest is not None and not latest.approved:
        ctx["minutes_form"] = bound.get("edit") or forms.MinutesForm(
            initial={"version": latest.version, "text": latest.text}
        )
        ctx["approve_form"] = forms.VersionForm(initial={"version": latest.version})
    if is_chair and latest is not None and latest.approved:
        ctx["revise_form"] = bound.get("revise") or forms.ReviseForm()
    shown = request.GET.get("v")
    ctx["shown"] = next((m for m in versions if str(m.number) == shown), latest)
    return ctx


@requires("meetings.view")
def minutes(request, uid):
    meeting = _meeting(request, uid)
    if not meeting.minutes.exists():
        raise Http404
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting))


@require_POST
@requires("meetings.view")
def minutes_act(request, uid, action):
    meeting = _meeting(request, uid)
    latest = meeting.minutes.order_by("-number").first()
    if latest is None or action not in ("edit", "approve", "revise") or not services.may_chair(request.user, meeting):
        raise Http404
    user = request.user
    if action == "edit":
        form = forms.MinutesForm(request.POST)
        call = lambda: services.edit_minutes(
            actor=user, minutes=latest, text=form.cleaned_data["text"], expected_version=form.cleaned_data["version"]
        )
        done = _("Minutes saved.")
    elif action == "approve":
        form = forms.VersionForm(request.POST)
        call = lambda: services.approve_minutes(
            actor=user, minutes=latest, expected_version=form.cleaned_data["version"]
        )
        done = _("Minutes approved and locked.")
    else:
        form = forms.ReviseForm(request.POST)
        call = lambda: services.revise_minutes(actor=user, meeting=meeting, note=form.cleaned_data["note"])
        done = _("A new version of the minutes is open for editing; the approved one stays as it was.")
    if _run(request, form, call, done) is not None:
        return redirect("meetings:minutes", uid=meeting.uid)
    messages.error(request, _("Nothing was saved: see the form below."))
    for error in form.non_field_errors():
        messages.error(request, error)
    return render(request, "meetings/minutes.html", _minutes_context(request, meeting, {action: form}), status=400)


@requires("meetings.view")
def minutes_pdf(request, uid):
    from .pdf import minutes_pdf as render_pdf

    meeting = _meeting(request, uid)
    number = request.GET.get("v")
    versions = meeting.minutes.order_by("-number")
    chosen = versions.filter(number=number).first() if number and number.isdigit() else versions.first()
    if chosen is None:
        raise Http404
    response = HttpResponse(render_pdf(chosen), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.uid}-v{chosen.number}.pdf"'
    return response


# --- annual reports -------------------------------------------------------------------------


@requires("meetings.view")
def annual_report(request, uid):
    report = get_object_or_404(
        AnnualReport.objects.for_user(request.user).select_related("compound", "company", "contract"), uid=uid
    )
    from gongzhi.orgs.models import Membership

    is_company = (
        Membership.objects.filter(person__user=request.user, organization_id=report.company_id).active().exists()
    )
    items = list(report.agenda_items.select_related("meeting"))
    in_session = [i.meeting for i in items if i.meeting.state == MeetingState.IN_SESSION]
    ratings = list(report.ratings.select_related("invitee"))
    form = rating_form = None
    if request.method == "POST" and request.POST.get("action") == "submit" and is_company:
        form = forms.AnnualReportForm(request.POST)
        saved = _run(
            request,
            form,
            lambda: services.submit_annual_report(
                actor=request.user,
                report=report,
                sections=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            ),
            _("Annual report submitted."),
        )
        if saved is not None:
            return redirect(saved)
    elif request.method == "POST" and request.POST.get("action") == "rate" and in_session:
        meeting = in_session[0]
        if not services.may_chair(request.user, meeting):
            raise Http404
        rating_form = forms.RatingForm(
            request.POST, invitees=meeting.invitees.exclude(organization_id=report.company_id)
        )
        saved = _run(
            request,
            rating_form,
            lambda: services.rate_annual_report(
                actor=request.user,
                report=report,
                invitee=rating_form.cleaned_data["invitee"],
                rating=rating_form.cleaned_data["rating"],
                comment=rating_form.cleaned_data["comment"],
            ),
            _("Rating recorded."),
        )
        if saved is not None:
            return redirect(report)
    elif request.method == "POST":
        raise Http404
    if is_company and not ratings and form is None:
        form = forms.AnnualReportForm(
            initial={"version": report.version, **{name: getattr(report, name) for name in services.REPORT_SECTIONS}}
        )
    if in_session and services.may_chair(request.user, in_session[0]) and rating_form is None and report.submitted_at:
        rated = {r.invitee_id for r in ratings}
        rating_form = forms.RatingForm(
            invitees=in_session[0].invitees.exclude(organization_id=report.company_id).exclude(pk__in=rated)
        )
    counts = {label: sum(1 for r in ratings if r.rating == value) for value, label in Case.Rating.choices}
    return render(
        request,
        "meetings/annual_report.html",
        {
            "nav": "meetings",
            "report": report,
            "items": items,
            "ratings": ratings,
            "counts": counts,
            "form": form,
            "rating_form": rating_form,
            **timeline_context(request, report),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- calendar feeds -------------------------------------------------------------------------


@requires("meetings.view")
def feed(request):
    """The user's private calendar address (and a button to renew it)."""
    current = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        from django.db import transaction

        with transaction.atomic():
            CalendarFeed.objects.filter(user=request.user).delete()
            current = CalendarFeed.objects.create(user=request.user, token=secrets.token_urlsafe(32))
        messages.success(request, _("New calendar address made; the old one no longer works."))
        return redirect("meetings:feed")
    url = request.build_absolute_uri(reverse("meetings:feed_ics", args=[current.token])) if current else ""
    return render(request, "meetings/feed.html", {"nav": "meetings", "feed_url": url})


@login_not_required
def feed_ics(request, token):
    """The meetings a person is invited to (or chairs), from 60 days back, as iCalendar. Public
    by its unguessable address, as calendar programs cannot sign in."""
    found = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404
    person = Person.objects.filter(user=found.user).first()
    since = timezone.now() - timedelta(days=60)
    meetings = Meeting.objects.none()
    if person is not None:
        meetings = Meeting.objects.filter(Q(invitees__person=person) | Q(chair=person), starts_at__gte=since).distinct()
    body = meeting_calendar(meetings.order_by("starts_at"), name=_("Joint meetings"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- compliance and settings ----------------------------------------------------------------


@requires("meetings.view")
def compliance_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    neighborhoods = Neighborhood.objects.filter(
        pk__in=Meeting.objects.for_user(request.user).values("neighborhood_id")
    ) | Neighborhood.objects.filter(pk__in=_viewable_neighborhoods(request))
    table = compliance.table(neighborhoods.distinct().order_by("town_id", "code"), year, today)
    return render(
        request,
        "meetings/compliance.html",
        {"nav": "meetings", "table": table, "year": year, "years": range(today.year, today.year - 4, -1)},
    )


def _viewable_neighborhoods(request):
    area = get_scope(request.user).area("meetings.view")
    if area.everything:
        return Neighborhood.objects.values("pk")
    from gongzhi.places.models import Compound

    return Neighborhood.objects.filter(
        Q(town_id__in=area.towns)
        | Q(pk__in=area.neighborhoods)
        | Q(pk__in=Compound.objects.filter(pk__in=area.compounds).values("neighborhood_id"))
    ).values("pk")


@requires("meetings.settings")
def settings_page(request):
    towns = managed_towns(request, "meetings.settings")
    town = towns.filter(code=request.GET.get("town", "")).first() or towns.first()
    if town is None:
        raise Http404
    rules = services.settings_for(town.pk)
    form = forms.SettingsForm(
        request.POST if request.method == "POST" and "save" in request.POST else None, instance=rules
    )
    kind_form = forms.KindForm(request.POST if request.method == "POST" and "add_kind" in request.POST else None)
    if request.method == "POST":
        if "save" in request.POST:
            if _run(
                request,
                form,
                lambda: services.update_settings(
                    actor=request.user,
                    settings=rules,
                    changes=form.data_for_service(),
                    expected_version=form.expected_version,
                ),
                _("Meeting rules saved."),
            ):
                return redirect(f"{reverse('meetings:settings')}?town={town.code}")
        elif "add_kind" in request.POST:
            if _run(
                request,
                kind_form,
                lambda: services.add_matter_kind(actor=request.user, town=town, name=kind_form.cleaned_data["name"]),
                _("Kind added."),
            ):
                return redirect(f"{reverse('meetings:settings')}?town={town.code}")
        elif "retire" in request.POST or "restore" in request.POST:
            kind = get_object_or_404(MatterKind.objects.filter(town=town), uid=request.POST.get("kind", ""))
            services.set_matter_kind_retired(actor=request.user, kind=kind, retired="retire" in request.POST)
            messages.success(request, _("Saved."))
            return redirect(f"{reverse('meetings:settings')}?town={town.code}")
        else:
            raise Http404
    return render(
        request,
        "meetings/settings.html",
        {
            "nav": "meetings",
            "town": town,
            "towns": towns,
            "form": form,
            "kind_form": kind_form,
            "kinds": MatterKind.objects.filter(town=town),
        },
        status=400 if request.method == "POST" else 200,
    )
