"""A meeting's pages: the list, scheduling an ad hoc meeting, the meeting (agenda, invitations,
attendance), its actions, proposing an item, the .ics download."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import Action, attempt, run_action
from gongzhi.core.pages import paginate, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Membership, Person
from gongzhi.places.models import Neighborhood

from .. import forms, parties, services
from ..ics import meeting_calendar
from ..models import (
    Invitee,
    Meeting,
)
from ..workflow import (
    MEETING_WORKFLOW,
    MeetingAction,
    MeetingState,
)
from .pages import (
    ITEM_BADGES,
    MEETING_BADGES,
    _meeting,
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
        response = attempt(
            request,
            form,
            lambda: services.schedule_meeting(
                actor=request.user,
                neighborhood=form.cleaned_data["neighborhood"],
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                form=form.cleaned_data["form"],
            ),
            done=_("Meeting scheduled; the four parties' representatives are on the invitation list."),
            to=lambda meeting: meeting,
        )
        if response is not None:
            return response
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
    own_parties = services.parties_of(request.user, meeting.neighborhood_id)
    invitees, four = parties.roll(meeting)
    items = list(
        meeting.items.select_related("major_kind", "compound", "proposer").annotate(file_count=Count("attachments"))
    )
    for item in items:
        item.badge = ITEM_BADGES.get(item.state)
    state = meeting.state
    ctx = {
        "nav": "meetings",
        "meeting": meeting,
        "badge": MEETING_BADGES.get(state),
        "is_chair": is_chair,
        "invitees": invitees,
        "four_parties": four,
        "all_four_here": parties.all_here(four),
        "items": items,
        "planned": state in MeetingState.PLANNED,
        "uninvited": sum(1 for i in invitees if i.invited_at is None),
        "minutes": meeting.minutes.order_by("-number").first(),
        **timeline_context(request, meeting),
    }
    ctx.update(_action_forms(request, meeting, is_chair=is_chair, invitees=invitees, bound=bound))
    if state in MeetingState.PLANNED and (own_parties or is_chair):
        ctx["propose_url"] = reverse("meetings:propose", args=[meeting.uid])
    if is_chair and state == MeetingState.ENDED and ctx["minutes"] is None:
        ctx["start_minutes_form"] = forms.VersionForm(initial={"version": meeting.version})
    return ctx


def _open_confirmation(meeting: Meeting) -> str:
    """What the chair confirms before opening: from now on attendance and votes are recorded; a
    warning when the meeting is opened on another day than the one it was called for."""
    day = timezone.localtime(meeting.starts_at).date()
    today = timezone.localdate()
    if day > today:
        return _(
            "This meeting was called for %(date)s, %(n)s day(s) from now. Open it today anyway? The invitees "
            "expect it on %(date)s; attendance and votes are recorded from now on."
        ) % {"date": day.isoformat(), "n": (day - today).days}
    return _("Open the meeting now? Attendance and votes are recorded from now on.")


def _action_forms(request, meeting: Meeting, *, is_chair: bool, invitees: list, bound: dict) -> dict:
    """The chair's forms for what the meeting's state allows (a refused action's bound form kept)."""
    state = meeting.state

    def may(action):
        return is_chair and MEETING_WORKFLOW.allows(action, state)

    version = {"version": meeting.version}
    ctx = {}
    if may(MeetingAction.INVITE):
        ctx["invite_form"] = forms.VersionForm(initial=version)
    if may(MeetingAction.OPEN):
        ctx["open_form"] = forms.VersionForm(initial=version)
        ctx["open_confirm"] = _open_confirmation(meeting)
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
                "form": meeting.form,
                "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
                "place": meeting.place,
            }
        )
        ctx["invitee_form"] = bound.get("invitee") or forms.InviteeForm(
            organizations=_town_organizations(meeting.town_id), neighborhood_id=meeting.neighborhood_id
        )
        if services.chairs_neighborhood(request.user, meeting.neighborhood):
            ctx["chair_form"] = bound.get("chair") or forms.ChairForm(
                initial=version, people=_chair_candidates(meeting)
            )
        ctx["draft_form"] = forms.VersionForm(initial=version)
    if is_chair and state == MeetingState.IN_SESSION:
        ctx["attendance_form"] = bound.get("attendance") or forms.AttendanceForm(initial=version, invitees=invitees)
    return ctx


def _chair_candidates(meeting: Meeting):
    """People of the four parties of the neighborhood (and the current chair)."""

    orgs = services.neighborhood_parties(meeting.neighborhood_id)
    ids = Membership.objects.filter(organization__in=orgs).active().values("person_id")
    return Person.objects.filter(Q(pk__in=ids) | Q(pk=meeting.chair_id)).order_by("name")


@requires("meetings.view")
def meeting_detail(request, uid):
    meeting = _meeting(request, uid)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, meeting))


@dataclass(frozen=True)
class _On:
    user: object
    meeting: Meeting


def _chair(on: _On) -> bool:
    return services.may_chair(on.user, on.meeting)


def _version_form(on, data, files):
    return forms.VersionForm(data)


def _versioned(service):
    """The call of a bare button: the service, on the meeting at the version the page showed."""

    def call(on: _On, form):
        return service(actor=on.user, meeting=on.meeting, expected_version=form.cleaned_data["version"])

    return call


def _reschedule(on: _On, form):
    data = form.cleaned_data
    return services.reschedule_meeting(
        actor=on.user,
        meeting=on.meeting,
        title=data["title"],
        starts_at=data["starts_at"],
        place=data["place"],
        form=data["form"],
        expected_version=data["version"],
    )


def _attendance_form(on: _On, data, files):
    return forms.AttendanceForm(data, invitees=parties.roll(on.meeting)[0])


def _add_invitee(on: _On, form):
    data = form.cleaned_data
    return services.add_invitee(
        actor=on.user,
        meeting=on.meeting,
        name=data["name"],
        role=data["role"],
        phone=data["phone"],
        organization=data["organization"],
        voting=data["voting"],
    )


MEETING_ACTIONS = {  # messages lazy: read in the language of each request
    "invite": Action(
        form=_version_form,
        call=_versioned(services.send_invitations),
        done=gettext_lazy("Invitations sent."),
        allowed=_chair,
    ),
    "open": Action(
        form=_version_form,
        call=_versioned(services.open_meeting),
        done=gettext_lazy("The meeting is open. Take the attendance first."),
        allowed=_chair,
    ),
    "end": Action(
        form=_version_form,
        call=_versioned(services.end_meeting),
        done=gettext_lazy(
            "The meeting has ended; items not reached are carried over. The minutes are drafted from the record."
        ),
        allowed=_chair,
    ),
    "draft": Action(
        form=_version_form,
        call=_versioned(services.bring_agenda_up_to_date),
        done=gettext_lazy("Agenda brought up to date with what is waiting."),
        allowed=_chair,
    ),
    "minutes": Action(
        form=_version_form,
        call=lambda on, form: services.start_minutes(actor=on.user, meeting=on.meeting),
        done=gettext_lazy("Minutes drafted from the record."),
        allowed=_chair,
    ),
    "cancel": Action(
        form=lambda on, data, files: forms.ReasonForm(data),
        call=lambda on, form: services.cancel_meeting(
            actor=on.user,
            meeting=on.meeting,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("The meeting is cancelled; its items wait for the next meeting."),
        allowed=_chair,
    ),
    "reschedule": Action(
        form=lambda on, data, files: forms.RescheduleForm(data),
        call=_reschedule,
        done=gettext_lazy("Meeting changed; invitees are told if it had been sent."),
        allowed=_chair,
    ),
    "chair": Action(
        form=lambda on, data, files: forms.ChairForm(data, people=_chair_candidates(on.meeting)),
        call=lambda on, form: services.designate_chair(
            actor=on.user,
            meeting=on.meeting,
            person=form.cleaned_data["person"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("Chair designated."),
        allowed=_chair,
    ),
    "attendance": Action(
        form=_attendance_form,
        call=lambda on, form: services.record_attendance(
            actor=on.user, meeting=on.meeting, marks=form.marks(), expected_version=form.cleaned_data["version"]
        ),
        done=gettext_lazy("Attendance saved."),
        allowed=_chair,
    ),
    "invitee": Action(
        form=lambda on, data, files: forms.InviteeForm(
            data, organizations=_town_organizations(on.meeting.town_id), neighborhood_id=on.meeting.neighborhood_id
        ),
        call=_add_invitee,
        done=gettext_lazy("Added to the invitation list."),
        allowed=_chair,
    ),
}


def _meeting_page(request, meeting: Meeting):
    """The meeting's page again, with the refused form as it was sent."""

    def page(key, form):
        meeting.refresh_from_db()
        messages.error(request, _("Nothing was saved: see the form below."))
        context = _meeting_context(request, meeting, {key: form})
        return render(request, "meetings/meeting_detail.html", context, status=400)

    return page


@require_POST
@requires("meetings.view")
def meeting_act(request, uid, action):
    meeting = _meeting(request, uid)
    on = _On(user=request.user, meeting=meeting)
    return run_action(request, MEETING_ACTIONS, action, on, back=meeting, page=_meeting_page(request, meeting))


REMOVE_INVITEE = Action(
    form=lambda on, data, files: forms.StyledForm(data),
    call=lambda on, form: services.remove_invitee(actor=on.user, invitee=on.invitee),
    done=gettext_lazy("Removed from the invitation list."),
    allowed=_chair,
    on_page=False,
)


@dataclass(frozen=True)
class _OnInvitee(_On):
    invitee: Invitee


@require_POST
@requires("meetings.view")
def remove_invitee(request, uid, invitee_uid):
    meeting = _meeting(request, uid)
    invitee = get_object_or_404(meeting.invitees.all(), uid=invitee_uid)
    on = _OnInvitee(user=request.user, meeting=meeting, invitee=invitee)
    return run_action(
        request, {"remove": REMOVE_INVITEE}, "remove", on, back=meeting, page=_meeting_page(request, meeting)
    )


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
        response = attempt(
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
            done=_("Item added to the agenda."),
            to=lambda item: item,
        )
        if response is not None:
            return response
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
