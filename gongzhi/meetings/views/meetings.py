"""A meeting's pages: the list, scheduling an ad hoc meeting, the meeting (agenda, invitations,
attendance), its actions, proposing an item, the .ics download."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.pages import paginate, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Person
from gongzhi.places.models import Neighborhood

from .. import forms, services
from ..ics import meeting_calendar
from ..models import (
    Meeting,
)
from ..workflow import (
    MEETING_TRANSITIONS,
    MeetingAction,
    MeetingState,
    allowed,
)
from .pages import (
    ITEM_BADGES,
    MEETING_BADGES,
    _meeting,
    _run,
    _town_organizations,
)


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
            "draft": lambda: services.bring_agenda_up_to_date(
                actor=user, meeting=meeting, expected_version=form.cleaned_data["version"]
            ),
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
