"""Resolutions: the list, a resolution's page and its actions (progress, check, reconsideration,
contrary actions), evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.pages import paginate, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope

from .. import forms, services
from ..models import (
    Evidence,
    Resolution,
)
from ..workflow import (
    RESOLUTION_TRANSITIONS,
    ResolutionAction,
    allowed,
)
from .pages import (
    RESOLUTION_BADGES,
    _resolution,
    _run,
    _town_organizations,
)


def _listed_resolutions(request) -> tuple:
    """The resolutions of the list's tab (open, overdue, all) in the user's scope, by due date."""
    resolutions = Resolution.objects.for_user(request.user).select_related("lead", "item__meeting__neighborhood")
    show = request.GET.get("show", "open")
    today = timezone.localdate()
    if show == "overdue":
        resolutions = resolutions.overdue(today)
    elif show != "all":
        show = "open"
        resolutions = resolutions.open()
    return resolutions.order_by("due", "number"), show, today


@requires("meetings.view")
def resolution_list(request):
    resolutions, show, today = _listed_resolutions(request)
    page = paginate(request, resolutions)
    for r in page:
        r.badge = RESOLUTION_BADGES.get(r.state)
        r.overdue_now = r.is_overdue(today)
    return render(request, "meetings/resolution_list.html", {"nav": "resolutions", "page_obj": page, "show": show})


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
    from gongzhi.core.spreadsheets import table_workbook, xlsx_response

    resolutions, show, today = _listed_resolutions(request)
    resolutions = resolutions.prefetch_related("co_organizations", "progress")

    def rows():
        for r in resolutions.iterator(chunk_size=500):
            progress = sorted(r.progress.all(), key=lambda p: p.reported_at)
            meeting = r.item.meeting
            yield [
                r.number,
                r.text,
                meeting.neighborhood.name,
                meeting.title,
                timezone.localtime(meeting.starts_at).date().isoformat(),
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
        "is_overdue": resolution.is_overdue(timezone.localdate()),
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
    return serve_private_file(evidence.file, evidence.name)


# --- minutes --------------------------------------------------------------------------------
