"""An annual report (年度述职): submitted by the company, rated at the meeting."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy

from gongzhi.cases.models import Case
from gongzhi.core.actions import Action, run_action
from gongzhi.core.pages import timeline_context
from gongzhi.core.permissions import requires
from gongzhi.orgs.models import Membership

from .. import forms, services
from ..models import (
    AnnualReport,
)
from ..workflow import (
    MeetingState,
)


@dataclass(frozen=True)
class _On:
    user: object
    report: AnnualReport
    is_company: bool
    in_session: list  # the meetings in session that have the report on their agenda


def _chair_in_session(on: _On) -> bool:
    return bool(on.in_session) and services.may_chair(on.user, on.in_session[0])


def _rating_form(on: _On, data=None, rated=()):
    meeting = on.in_session[0]
    invitees = meeting.invitees.exclude(organization_id=on.report.company_id).exclude(pk__in=rated)
    return forms.RatingForm(data, invitees=invitees)


REPORT_ACTIONS = {
    "submit": Action(
        form=lambda on, data, files: forms.AnnualReportForm(data),
        call=lambda on, form: services.submit_annual_report(
            actor=on.user, report=on.report, sections=form.cleaned_data, expected_version=form.cleaned_data["version"]
        ),
        done=gettext_lazy("Annual report submitted."),
        allowed=lambda on: on.is_company,
    ),
    "rate": Action(
        form=lambda on, data, files: _rating_form(on, data),
        call=lambda on, form: services.rate_annual_report(
            actor=on.user,
            report=on.report,
            invitee=form.cleaned_data["invitee"],
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        ),
        done=gettext_lazy("Rating recorded."),
        allowed=_chair_in_session,
    ),
}


def _page(request, on: _On, items: list, *, form=None, rating_form=None, status: int = 200):
    report = on.report
    ratings = list(report.ratings.select_related("invitee"))
    if on.is_company and not ratings and form is None:
        form = forms.AnnualReportForm(
            initial={"version": report.version, **{name: getattr(report, name) for name in services.REPORT_SECTIONS}}
        )
    if _chair_in_session(on) and rating_form is None and report.submitted_at:
        rating_form = _rating_form(on, rated={r.invitee_id for r in ratings})
    counts = {label: sum(1 for r in ratings if r.rating == value) for value, label in Case.Rating.choices}
    context = {
        "nav": "meetings",
        "report": report,
        "items": items,
        "ratings": ratings,
        "counts": counts,
        "form": form,
        "rating_form": rating_form,
        **timeline_context(request, report),
    }
    return render(request, "meetings/annual_report.html", context, status=status)


@requires("meetings.view")
def annual_report(request, uid):
    report = get_object_or_404(
        AnnualReport.objects.for_user(request.user).select_related("compound", "company", "contract"), uid=uid
    )
    items = list(report.agenda_items.select_related("meeting"))
    on = _On(
        user=request.user,
        report=report,
        is_company=Membership.objects.filter(person__user=request.user, organization_id=report.company_id)
        .active()
        .exists(),
        in_session=[i.meeting for i in items if i.meeting.state == MeetingState.IN_SESSION],
    )
    if request.method != "POST":
        return _page(request, on, items)

    def page(key, form):
        bound = {"form": form} if key == "submit" else {"rating_form": form}
        return _page(request, on, items, status=400, **bound)

    return run_action(request, REPORT_ACTIONS, request.POST.get("action", ""), on, back=report, page=page)


# --- calendar feeds -------------------------------------------------------------------------
