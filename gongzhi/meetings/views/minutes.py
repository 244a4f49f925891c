"""The minutes: versions, editing, approval, new versions, the PDF."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import Action, run_action
from gongzhi.core.permissions import requires

from .. import forms, services
from ..models import (
    Meeting,
    Minutes,
)
from ..pdf import minutes_pdf as render_pdf
from .pages import (
    _meeting,
)


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


@dataclass(frozen=True)
class _On:
    user: object
    meeting: Meeting
    latest: Minutes


def _chair(on: _On) -> bool:
    return services.may_chair(on.user, on.meeting)


MINUTES_ACTIONS = {
    "edit": Action(
        form=lambda on, data, files: forms.MinutesForm(data),
        call=lambda on, form: services.edit_minutes(
            actor=on.user,
            minutes=on.latest,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("Minutes saved."),
        allowed=_chair,
    ),
    "approve": Action(
        form=lambda on, data, files: forms.VersionForm(data),
        call=lambda on, form: services.approve_minutes(
            actor=on.user, minutes=on.latest, expected_version=form.cleaned_data["version"]
        ),
        done=gettext_lazy("Minutes approved and locked."),
        allowed=_chair,
    ),
    "revise": Action(
        form=lambda on, data, files: forms.ReviseForm(data),
        call=lambda on, form: services.revise_minutes(
            actor=on.user, meeting=on.meeting, note=form.cleaned_data["note"]
        ),
        done=gettext_lazy("A new version of the minutes is open for editing; the approved one stays as it was."),
        allowed=_chair,
    ),
}


@require_POST
@requires("meetings.view")
def minutes_act(request, uid, action):
    meeting = _meeting(request, uid)
    latest = meeting.minutes.order_by("-number").first()
    if latest is None:
        raise Http404

    def page(key, form):
        messages.error(request, _("Nothing was saved: see the form below."))
        for error in form.non_field_errors():
            messages.error(request, error)
        return render(request, "meetings/minutes.html", _minutes_context(request, meeting, {key: form}), status=400)

    on = _On(user=request.user, meeting=meeting, latest=latest)
    back = reverse("meetings:minutes", kwargs={"uid": meeting.uid})
    return run_action(request, MINUTES_ACTIONS, action, on, back=back, page=page)


@requires("meetings.view")
def minutes_pdf(request, uid):

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
