"""Resolutions: the list, a resolution's page and its actions (progress, check, reconsideration,
contrary actions), evidence files."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import Action, run_action
from gongzhi.core.pages import form_page, paginate, posted, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import table_workbook, xlsx_response
from gongzhi.orgs.models import Membership, Organization
from gongzhi.places.models import Neighborhood

from .. import forms, services
from ..models import (
    Evidence,
    Resolution,
)
from ..workflow import (
    RESOLUTION_WORKFLOW,
    ResolutionAction,
)
from .pages import (
    RESOLUTION_BADGES,
    _resolution,
    _town_organizations,
)

CARRIER_ROLES = ("lead", "assist", "any")  # ?role=: where one's organisation leads, assists, either


def _listed_resolutions(request) -> tuple:
    """The resolutions of the list's tab (open, overdue, all) in the user's scope, by due date."""
    resolutions = Resolution.objects.for_user(request.user).select_related(
        "lead", "neighborhood", "item__meeting", "congress", "body"
    )
    show = request.GET.get("show", "open")
    today = timezone.localdate()
    if show == "overdue":
        resolutions = resolutions.overdue(today)
    elif show != "all":
        show = "open"
        resolutions = resolutions.open()
    source = request.GET.get("source")
    if source == "congress":  # the residents' congress's tasks only
        resolutions = resolutions.filter(congress__isnull=False)
    elif source == "body":  # the leadership group's decisions only
        resolutions = resolutions.filter(body__isnull=False)
    role = request.GET.get("role", "")
    mine = list(get_scope(request.user).organization_ids)
    if role in CARRIER_ROLES and mine:
        resolutions = resolutions.carried_out_by(mine, role)
    else:
        role = ""
    return resolutions.order_by("due", "number"), show, today, role


@requires("meetings.view")
def resolution_list(request):
    resolutions, show, today, role = _listed_resolutions(request)
    page = paginate(request, resolutions)
    for r in page:
        r.badge = RESOLUTION_BADGES.get(r.state)
        r.overdue_now = r.is_overdue(today)
    return render(
        request,
        "meetings/resolution_list.html",
        {
            "nav": "resolutions",
            "page_obj": page,
            "show": show,
            "role": role,
            "carries_out": bool(get_scope(request.user).organization_ids),
            "source": request.GET.get("source") if request.GET.get("source") in ("congress", "body") else "",
            "records_congress": _records_congress(request),
        },
    )


EXPORT_HEADERS = [
    ("编号", 11),
    ("决议", 44),
    ("居民区", 10),
    ("会议", 24),
    ("会议日期", 11),
    ("重大事项", 9),
    ("牵头单位", 18),
    ("协办单位", 22),
    ("完成时限", 11),
    ("状态", 14),
    ("超期", 7),
    ("进展报告数", 10),
    ("最近进展", 36),
]


@requires("meetings.view")
def resolution_export(request):
    """The list's tab as an Excel file, every row (not only the page)."""

    resolutions, show, today, role = _listed_resolutions(request)
    resolutions = resolutions.prefetch_related("co_organizations", "progress")

    def rows():
        for r in resolutions.iterator(chunk_size=500):
            progress = sorted(r.progress.all(), key=lambda p: p.reported_at)
            meeting = r.meeting
            yield [
                r.number,
                r.text,
                r.neighborhood.name if r.neighborhood else "",
                *_decided_at(r, meeting),
                _("yes") if r.major else "",
                r.lead.name,
                "、".join(o.name for o in r.co_organizations.all()),
                r.due.isoformat(),
                r.get_state_display(),
                _("yes") if r.is_overdue(today) else "",
                len(progress),
                progress[-1].text if progress else "",
            ]

    return xlsx_response(table_workbook("决议", EXPORT_HEADERS, rows()), filename=f"resolutions-{show}-{today}.xlsx")


def _decided_at(resolution: Resolution, meeting) -> tuple[str, str]:
    """Where and when a resolution was decided: the joint meeting, the residents' congress, or the
    town body (the day it was recorded)."""
    if meeting is not None:
        return meeting.title, timezone.localtime(meeting.starts_at).date().isoformat()
    if resolution.congress_id:
        return resolution.congress.title, resolution.congress.held_on.isoformat()
    return resolution.body.name, timezone.localtime(resolution.created_at).date().isoformat()


def _resolution_context(request, resolution: Resolution, bound: dict | None = None) -> dict:
    bound = bound or {}
    user = request.user
    meeting = resolution.meeting  # None for a task of the residents' congress
    is_chair = services.may_check(user, resolution)
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
        "is_overdue": resolution.is_overdue(timezone.localdate()),
        "co_organizations": list(resolution.co_organizations.all()),
        "progress": list(resolution.progress.select_related("organization").prefetch_related("evidence")),
        "contrary": list(resolution.contrary_actions.select_related("organization")),
        "notices": list(resolution.notices.all()),
        "agenda_items": list(resolution.agenda_items.select_related("meeting")),
        "carrier": carrier,
        **timeline_context(request, resolution),
    }
    if carrier is not None and RESOLUTION_WORKFLOW.allows(ResolutionAction.REPORT, state):
        ctx["progress_form"] = bound.get("progress") or forms.ProgressForm(lead=carrier.pk == resolution.lead_id)
    if (
        carrier is not None
        and meeting is not None
        and RESOLUTION_WORKFLOW.allows(ResolutionAction.REQUEST_RECONSIDERATION, state)
    ):
        ctx["reconsider_form"] = bound.get("reconsider") or forms.ReasonForm(initial=version)
    if is_chair and RESOLUTION_WORKFLOW.allows(ResolutionAction.CLOSE, state):
        ctx["check_form"] = bound.get("check") or forms.CheckForm(initial=version)
    if (
        is_chair or get_scope(user).area("meetings.chair").covers_town(resolution.town_id)
    ) and RESOLUTION_WORKFLOW.allows(ResolutionAction.REPORT_CONTRARY, state):
        ctx["contrary_form"] = bound.get("contrary") or forms.ContraryForm(
            organizations=_town_organizations(resolution.town_id), neighborhood_id=resolution.neighborhood_id
        )
    # The written notice of a major matter: written by the neighborhood's chair side (party
    # organisation, office) or by the lead organisation (notices.services.may_write).
    writes_notice = resolution.major and (
        services.chairs_neighborhood(user, resolution.neighborhood)
        or (carrier is not None and carrier.pk == resolution.lead_id)
    )
    if writes_notice and not ctx["notices"]:
        ctx["notice_url"] = reverse("notices:new") + f"?resolution={resolution.uid}"
    return ctx


def _congress_neighborhoods(request):
    """The neighborhoods whose residents' congress the user records tasks of."""
    visible = Neighborhood.objects.for_user(request.user, "meetings.view").order_by("code")
    return visible.filter(pk__in=[n.pk for n in visible if services.may_record_congress(request.user, n)])


def _records_congress(request) -> bool:
    """Whether the user records any residents' congress's tasks (the list's button): the set form
    of `services.may_record_congress` over the neighborhoods they see — one query, where asking it
    of each neighborhood was a query for each of the city's 5,000."""
    visible = Neighborhood.objects.for_user(request.user, "meetings.view")
    area = get_scope(request.user).area("meetings.chair")
    if area.everything:
        return visible.exists()
    committees = (
        Membership.objects.filter(person__user=request.user, organization__kind=Organization.Kind.RESIDENTS_COMMITTEE)
        .active()
        .values("organization__neighborhood_id")
    )
    return visible.filter(Q(town_id__in=area.towns) | Q(pk__in=area.neighborhoods) | Q(pk__in=committees)).exists()


@requires("meetings.view")
def congress_task_new(request):
    """Record a task the residents' congress set for the residents' committee (seed 四㈡2)."""
    neighborhoods = _congress_neighborhoods(request)
    if not neighborhoods.exists():
        raise Http404
    form = forms.CongressTaskForm(posted(request), neighborhoods=neighborhoods)
    return form_page(
        request,
        form,
        nav="resolutions",
        title=_("Record a task of the residents' congress"),
        save=lambda: services.record_congress_task(
            actor=request.user,
            neighborhood=form.cleaned_data["neighborhood"],
            held_on=form.cleaned_data["held_on"],
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            lead=form.cleaned_data["lead"],
            co_organizations=list(form.cleaned_data["co_organizations"]),
            due=form.cleaned_data["due"],
        ),
        done=lambda r: (
            _("Task %(number)s recorded; the organisations carrying it out are told.") % {"number": r.number}
        ),
    )


@requires("meetings.view")
def resolution_detail(request, uid):
    resolution = _resolution(request, uid)
    return render(request, "meetings/resolution_detail.html", _resolution_context(request, resolution))


@dataclass(frozen=True)
class _On:
    user: object
    resolution: Resolution


def _carrier(on: _On) -> bool:
    """Whether the user carries the resolution out (reports progress, asks for reconsideration)."""
    try:
        services.carrier_of(on.user, on.resolution)
    except PermissionDenied:
        return False
    return True


def _leads(on: _On) -> bool:
    """Whether the user reports for the lead organisation (only it reports "carried out in full")."""
    try:
        return services.carrier_of(on.user, on.resolution).pk == on.resolution.lead_id
    except PermissionDenied:
        return False


def _chair(on: _On) -> bool:
    """Who checks it: the meeting's chair; for a congress's task, the residents' committee."""
    return services.may_check(on.user, on.resolution)


def _chair_or_town_chair(on: _On) -> bool:
    return _chair(on) or get_scope(on.user).area("meetings.chair").covers_town(on.resolution.town_id)


def _report_progress(on: _On, form):
    data = form.cleaned_data
    return services.report_progress(
        actor=on.user, resolution=on.resolution, text=data["text"], done=data["done"], files=data["files"]
    )


def _check(on: _On, form):
    data = form.cleaned_data
    return services.check_resolution(
        actor=on.user,
        resolution=on.resolution,
        close=data["outcome"] == "close",
        note=data["note"],
        expected_version=data["version"],
    )


def _report_contrary(on: _On, form):
    data = form.cleaned_data
    return services.report_contrary_action(
        actor=on.user,
        resolution=on.resolution,
        organization=data["organization"],
        description=data["description"],
        occurred_on=data["occurred_on"],
    )


RESOLUTION_ACTIONS = {
    "progress": Action(
        form=lambda on, data, files: forms.ProgressForm(data, files, lead=_leads(on)),
        call=_report_progress,
        done=gettext_lazy("Progress reported."),
        allowed=_carrier,
    ),
    "reconsider": Action(
        form=lambda on, data, files: forms.ReasonForm(data),
        call=lambda on, form: services.request_reconsideration(
            actor=on.user,
            resolution=on.resolution,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("Reconsideration requested: the resolution goes back to the joint meeting."),
        allowed=_carrier,
    ),
    "check": Action(
        form=lambda on, data, files: forms.CheckForm(data),
        call=_check,
        done=gettext_lazy("Check recorded."),
        allowed=_chair,
    ),
    "contrary": Action(
        form=lambda on, data, files: forms.ContraryForm(
            data,
            organizations=_town_organizations(on.resolution.town_id),
            neighborhood_id=on.resolution.neighborhood_id,
        ),
        call=_report_contrary,
        done=gettext_lazy("Recorded against the organisation."),
        allowed=_chair_or_town_chair,
    ),
}


@require_POST
@requires("meetings.view")
def resolution_act(request, uid, action):
    resolution = _resolution(request, uid)

    def page(key, form):
        messages.error(request, _("Nothing was saved: see the form below."))
        context = _resolution_context(request, _resolution(request, uid), {key: form})
        return render(request, "meetings/resolution_detail.html", context, status=400)

    on = _On(user=request.user, resolution=resolution)
    return run_action(request, RESOLUTION_ACTIONS, action, on, back=resolution, page=page)


@requires("meetings.view")
def evidence_file(request, uid, file_uid):
    resolution = _resolution(request, uid)
    evidence = get_object_or_404(Evidence.objects.filter(report__resolution=resolution), uid=file_uid)
    return serve_private_file(evidence.file, evidence.name)


# --- minutes --------------------------------------------------------------------------------
