"""The minutes: versions, editing, approval, new versions, the PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.permissions import requires

from .. import forms, services
from ..models import (
    Meeting,
)
from .pages import (
    _meeting,
    _run,
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
    from ..pdf import minutes_pdf as render_pdf

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
