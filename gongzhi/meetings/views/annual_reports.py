"""An annual report (年度述职): submitted by the company, rated at the meeting."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongzhi.cases.models import Case
from gongzhi.core.pages import timeline_context
from gongzhi.core.permissions import requires

from .. import forms, services
from ..models import (
    AnnualReport,
)
from ..workflow import (
    MeetingState,
)
from .pages import (
    _run,
)


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
