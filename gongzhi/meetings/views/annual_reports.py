"""Annual reports (年度述职): the list per year, a report's page — written as a draft and
submitted by the compound manager (or the deputy named), rated at the meeting — and its files.

What a user may not do is not shown; a refused post (not the reporter, a stale version, a report
already submitted) shows the page again with what was typed and the reason in words."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.actions import Action, run_action
from gongzhi.core.pages import paginate, serve_private_file, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.orgs.models import Membership

from .. import forms, services
from ..models import (
    AnnualReport,
    AnnualReportFile,
    ReportState,
)
from ..report_ratings import rating_of, with_ratings
from ..workflow import (
    MeetingState,
)

REPORT_BADGES = {
    ReportState.DRAFT: "text-bg-secondary",
    ReportState.SUBMITTED: "text-bg-primary",
    ReportState.RATED: "text-bg-success",
}
RELATED = ("compound__neighborhood", "company", "contract__manager", "deputy", "delegated_by", "reporter")


def reporter_line(report: AnnualReport) -> str:
    """Who reports: the compound manager, or “由 X 代为述职（受 Y 委托）”."""
    if report.by_deputy:
        return _("Reported by %(deputy)s as deputy (named by %(by)s)") % {
            "deputy": report.deputy.name,
            "by": report.delegated_by.name if report.delegated_by_id else "—",
        }
    person = report.reporter or report.contract.manager
    if person is None:
        return _("No compound manager named on the contract")
    return _("%(name)s, compound manager") % {"name": person.name}


# --- the list ---------------------------------------------------------------------------------


@requires("meetings.view")
def annual_report_list(request):
    """The reports of one year in the user's scope (`?year=2026`), all or those due from the user
    (`show=due`: drafts for a meeting still to come, as on the home page)."""
    reports = AnnualReport.objects.for_user(request.user)
    this_year = timezone.localdate().year
    years = sorted({*reports.values_list("year", flat=True).distinct(), this_year}, reverse=True)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else this_year
    show = request.GET.get("show", "all")
    listed = reports.filter(year=year)
    if show == "due":
        listed = listed.due().awaiting(request.user)
    elif show in ReportState.values:
        listed = listed.filter(state=show)
    else:
        show = "all"
    listed = (
        listed.select_related(*RELATED)
        .with_rating_counts()
        .order_by("compound__neighborhood__name", "compound__name", "company__name")
    )
    page = paginate(request, listed)
    page.object_list = with_ratings(page.object_list)
    for report in page.object_list:
        report.badge = REPORT_BADGES.get(report.state)
        report.reporter_text = reporter_line(report)
    filters = [("all", _("All")), *ReportState.choices]
    return render(
        request,
        "meetings/annual_report_list.html",
        {"nav": "meetings", "page_obj": page, "year": year, "years": years, "show": show, "filters": filters},
    )


# --- one report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _On:
    user: object
    report: AnnualReport
    is_company: bool  # a member of the reporting company
    writes: bool  # the reporter (the compound manager, or the named deputy)
    delegates: bool  # may name a deputy (the compound manager, the company's head)
    in_session: list  # the meetings in session that have the report on their agenda


def _chair_in_session(on: _On) -> bool:
    return bool(on.in_session) and services.may_chair(on.user, on.in_session[0])


def _rating_form(on: _On, data=None, rated=()):
    meeting = on.in_session[0]
    invitees = meeting.invitees.exclude(organization_id=on.report.company_id).exclude(pk__in=rated)
    return forms.RatingForm(data, invitees=invitees)


def _sections(form) -> dict:
    return {name: form.cleaned_data.get(name, "") for name in services.REPORT_SECTIONS}


def _remove_file(on: _On, form):
    row = AnnualReportFile.objects.filter(report=on.report, uid=form.cleaned_data["file"]).first()
    if row is None:
        raise ValidationError(_("That file is no longer attached."))
    return services.remove_annual_report_file(
        actor=on.user, report=on.report, file=row, expected_version=form.cleaned_data["version"]
    )


REPORT_ACTIONS = {
    # Anyone who sees the report may post these: the service says in words why not (the page
    # shows the form again with what was typed).
    "save": Action(
        form=lambda on, data, files: forms.AnnualReportDraftForm(data, files),
        call=lambda on, form: services.save_annual_report_draft(
            actor=on.user,
            report=on.report,
            sections=_sections(form),
            files=form.cleaned_data["files"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("Draft saved. It is not submitted yet: submit it when it is complete."),
    ),
    "submit": Action(
        form=lambda on, data, files: forms.AnnualReportDraftForm(data, files),
        call=lambda on, form: services.submit_annual_report(
            actor=on.user,
            report=on.report,
            sections=_sections(form),
            files=form.cleaned_data["files"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("Annual report submitted."),
    ),
    "delegate": Action(
        form=lambda on, data, files: forms.DeputyForm(data, people=services.deputy_candidates(on.report)),
        call=lambda on, form: services.delegate_annual_report(
            actor=on.user,
            report=on.report,
            deputy=form.cleaned_data["deputy"],
            expected_version=form.cleaned_data["version"],
        ),
        done=gettext_lazy("Deputy recorded."),
    ),
    "remove_file": Action(
        form=lambda on, data, files: forms.ReportFileForm(data),
        call=_remove_file,
        done=gettext_lazy("File removed."),
        on_page=False,
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
FORM_OF_ACTION = {"save": "form", "submit": "form", "delegate": "deputy_form", "rate": "rating_form"}


def _page(request, on: _On, items: list, *, bound: dict | None = None, status: int = 200):
    report = on.report
    bound = bound or {}
    draft = report.state == ReportState.DRAFT
    ratings = list(report.ratings.select_related("invitee__organization", "invitee__person", "recorded_by"))
    form = bound.get("form")
    if form is None and draft and on.writes:
        form = forms.AnnualReportDraftForm(
            initial={"version": report.version, **{name: getattr(report, name) for name in services.REPORT_SECTIONS}}
        )
    deputy_form = bound.get("deputy_form")
    if deputy_form is None and draft and on.delegates:
        deputy_form = forms.DeputyForm(
            people=services.deputy_candidates(report),
            initial={"version": report.version, "deputy": report.deputy.uid if report.deputy_id else None},
        )
    rating_form = bound.get("rating_form")
    if rating_form is None and _chair_in_session(on) and report.state != ReportState.DRAFT:
        rating_form = _rating_form(on, rated={r.invitee_id for r in ratings})
    readable = not draft or on.is_company  # a draft is the company's own until it is submitted
    stale = form is not None and form.is_bound and form.has_error(NON_FIELD_ERRORS, "concurrent_edit")
    context = {
        "nav": "meetings",
        "report": report,
        "badge": REPORT_BADGES.get(report.state),
        "reporter_text": reporter_line(report),
        "items": items,
        "readable": readable,
        "files": list(report.files.all()) if readable else [],
        "may_remove_files": draft and on.writes,
        "ratings": ratings,
        "rating": rating_of(report),
        "form": form,
        "deputy_form": deputy_form,
        "rating_form": rating_form,
        "writes": on.writes,
        "stale": stale,
        # A draft's history holds its text: the company's own too, until the report is submitted.
        **(timeline_context(request, report) if readable else {"entries": []}),
    }
    return render(request, "meetings/annual_report.html", context, status=status)


def _in_company(user, report: AnnualReport) -> bool:
    return Membership.objects.filter(person__user=user, organization_id=report.company_id).active().exists()


def _report(request, uid) -> AnnualReport:
    return get_object_or_404(AnnualReport.objects.for_user(request.user).select_related("town", *RELATED), uid=uid)


@requires("meetings.view")
def annual_report(request, uid):
    report = _report(request, uid)
    items = list(report.agenda_items.select_related("meeting"))
    on = _On(
        user=request.user,
        report=report,
        is_company=_in_company(request.user, report),
        writes=services.reporter_refusal(request.user, report) is None,
        delegates=services.delegation_refusal(request.user, report) is None,
        in_session=[i.meeting for i in items if i.meeting.state == MeetingState.IN_SESSION],
    )
    if request.method != "POST":
        return _page(request, on, items)

    def page(key, form):
        if key in ("save", "submit") and request.FILES and not form.has_error("files"):
            form.add_error("files", _("The files were not attached: choose them again."))
        return _page(request, on, items, bound={FORM_OF_ACTION[key]: form}, status=400)

    return run_action(request, REPORT_ACTIONS, request.POST.get("action", ""), on, back=report, page=page)


@requires("meetings.view")
def annual_report_file(request, uid, file_uid):
    """A file of a report, for those who may read it (a draft's files: the company's only)."""
    report = _report(request, uid)
    row = get_object_or_404(AnnualReportFile.objects.filter(report=report), uid=file_uid)
    if report.state == ReportState.DRAFT and not _in_company(request.user, report):
        raise Http404
    return serve_private_file(row.file, row.name)
