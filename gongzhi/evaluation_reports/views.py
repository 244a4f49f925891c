"""Pages of the evaluation reports: the list (the office starts a report, edits the distribution
list), a report — its figures and charts, the office's text section by section while drafting,
the assembly's progress, the steps the user may take, its versions, its files and deliveries —
a section's saved drafts, the transmittal list (分送单, page and PDF), and for recipients what their
organisation received with the read receipt. Thin: permission → scoped fetch → form → service →
message + redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.actions import act, attempt, flash_errors
from gongzhi.core.forms import apply_service
from gongzhi.core.pages import paginate, timeline_context
from gongzhi.core.pdf import html_to_pdf
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.selectors import office_town

from . import documents, recipients, services
from .forms import NewReportForm, NewVersionForm, ReasonForm, RecipientsForm, SectionForm, VersionForm
from .models import Delivery, Report, ReportSettings, Section
from .workflow import ReportState

BADGES = {
    ReportState.DRAFT: "text-bg-secondary",
    ReportState.SUBMITTED: "text-bg-warning",
    ReportState.APPROVED: "text-bg-info",
    ReportState.DISTRIBUTED: "text-bg-success",
}


def _writer_town(request):
    return office_town(request.user, "reports.write")


def _may_write(request, report) -> bool:
    return get_scope(request.user).area("reports.write").covers_town(report.town_id)


@requires("reports.view")
def home(request):
    reports = Report.objects.for_user(request.user).select_related("town")
    kind = request.GET.get("kind", "")
    if kind:
        reports = reports.filter(kind=kind)
    # a page of a city's reports, without their stored figures (issue 15: whole-city lists page)
    page = paginate(request, reports.defer("figures").order_by("-period", "kind", "-number", "pk"))
    rows = list(page.object_list)
    for r in rows:
        r.badge = BADGES[r.state]
    scope = get_scope(request.user)
    return render(
        request,
        "evaluation_reports/home.html",
        {
            "nav": "evaluation_reports",
            "reports": rows,
            "page_obj": page,
            "kind": kind,
            "may_write": scope.has("reports.write") and bool(scope.area("reports.write").towns),
            "received": services.visible_deliveries(request.user)
            .filter(organization_id__in=[g.organization_id for g in scope.grants if g.organization_id])
            .exists(),
        },
    )


@requires("reports.write")
def report_new(request):
    town = _writer_town(request)
    form = NewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = apply_service(
            form,
            lambda: services.create_report(actor=request.user, town=town, kind=data["kind"], period=data["period"]),
        )
        if report is not None:
            messages.success(request, _("%(report)s started: the figures are being assembled.") % {"report": report})
            return redirect(report)
    return render(
        request,
        "form_page.html",
        {
            "nav": "evaluation_reports",
            "form": form,
            "title": _("Start an evaluation report"),
            "intro": _(
                "The figures are assembled from the period's records for the town and each neighborhood; you then "
                "write the text around them, section by section, and submit the report to the leadership group."
            ),
            "submit_label": _("Start and assemble the figures"),
            "cancel_url": "evaluation_reports:home",
        },
        status=400 if request.method == "POST" else 200,
    )


@requires("reports.write")
def recipients_page(request):
    town = _writer_town(request)
    current, customised = recipients.list_for(town)
    settings = ReportSettings.objects.filter(town=town).first()
    initial = {"recipients": [o.pk for o in current], "version": settings.version if settings else None}
    form = RecipientsForm(request.POST or None, initial=initial, town=town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = apply_service(
            form,
            lambda: services.save_recipients(
                actor=request.user, town=town, organizations=data["recipients"], version=data["version"]
            ),
        )
        if saved is not None:
            messages.success(request, _("The distribution list is saved: reports distributed from now go to it."))
            return redirect("evaluation_reports:recipients")
    return render(
        request,
        "evaluation_reports/recipients.html",
        {"nav": "evaluation_reports", "form": form, "customised": customised, "town": town,
         "default_ids": {o.pk for o in recipients.default_for(town)}},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


# --- A report ---------------------------------------------------------------------------------------


def _report(request, uid, permission=None) -> Report:
    return get_object_or_404(
        Report.objects.for_user(request.user, permission).select_related(
            "town", "approved_by", "submitted_by", "distributed_by", "previous"
        ),
        uid=uid,
    )


def _report_page(request, report, forms=None, status=200):
    forms = forms or {}
    may_write = _may_write(request, report)
    may_decide = services.may_approve(request.user, report)
    state = report.state
    initial = {"version": report.version}
    report.badge = BADGES[state]
    doc = documents.document(report)
    edit = may_write and state == ReportState.DRAFT
    versions = (
        Report.objects.for_user(request.user)
        .filter(town_id=report.town_id, kind=report.kind, period=report.period)
        .order_by("number")
    )
    section_forms = {}
    if edit:
        bound = forms.get("section")
        for section in report.sections.all():
            if bound is not None and bound[0] == section.pk:
                section_forms[section.pk] = (section, bound[1])
            else:
                section_forms[section.pk] = (
                    section,
                    SectionForm(initial={"text": section.text, "version": section.version}),
                )
    deliveries = list(report.deliveries.select_related("organization", "read_by")) if report.distributed_at else []
    shown = {
        "assemble": edit,
        "submit": edit,
        "approve": may_decide and state == ReportState.SUBMITTED,
        "send_back": may_decide and state == ReportState.SUBMITTED,
        "distribute": may_write and state == ReportState.APPROVED,
        "files": may_write and report.frozen and report.files_at is None and bool(report.files_error),
        "new_version": may_write and report.frozen and not versions.filter(number__gt=report.number).exists(),
        "section": edit,
    }
    for key, form in forms.items():
        if not shown.get(key):  # the step is no longer on the page: its reasons as messages
            flash_errors(request, form[1] if key == "section" else form)
    context = {
        "nav": "evaluation_reports",
        **doc,
        "web": True,
        "edit_forms": edit,
        "section_forms": section_forms,
        "open_section": forms["section"][0] if "section" in forms else None,
        "may_write": may_write,
        "may_assemble": shown["assemble"],
        "may_submit": shown["submit"],
        "may_decide": shown["approve"],
        "may_distribute": shown["distribute"],
        "may_new_version": shown["new_version"],
        "may_retry_files": shown["files"],
        "assemble_form": forms.get("assemble") or VersionForm(initial=initial),
        "submit_form": forms.get("submit") or VersionForm(initial=initial),
        "approve_form": forms.get("approve") or VersionForm(initial=initial),
        "send_back_form": forms.get("send_back") or ReasonForm(initial=initial),
        "distribute_form": forms.get("distribute") or VersionForm(initial=initial),
        "new_version_form": forms.get("new_version") or NewVersionForm(initial=initial),
        "files_form": forms.get("files") or VersionForm(initial=initial),
        "versions": versions,
        "deliveries": deliveries,
        "read_count": sum(1 for d in deliveries if d.read_at),
        "recipients_preview": recipients.for_report(report) if state == ReportState.APPROVED else [],
        **timeline_context(request, report),
    }
    return render(request, "evaluation_reports/report.html", context, status=status)


@requires("reports.view")
def report_detail(request, uid):
    return _report_page(request, _report(request, uid))


@requires("reports.view")
def report_progress(request, uid):
    """The assembly's progress (polled by the page while a job runs)."""
    report = _report(request, uid)
    response = render(request, "evaluation_reports/_progress.html", {"report": report})
    if not report.assembling and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # ready (or failed): the whole page shows the new figures
    return response


def _step_view(key, form_class, service, permission, done):
    """The POST view of one step on a report: `service(actor=, report=, **the form's data)` — each
    step's form holds exactly what its service takes besides the actor and the report (the
    version the page was opened on; a reason). Refused: the report's page with the form."""

    @requires(permission)
    @require_POST
    def view(request, uid):
        report = _report(request, uid)
        form = form_class(request.POST)
        return act(
            request, report, form, lambda r, data: service(actor=request.user, report=r, **data), done=done,
            to=lambda result: result, reshow=lambda f: _report_page(request, report, {key: f}, status=400),
        )  # fmt: skip

    return view


report_assemble = _step_view(
    "assemble",
    VersionForm,
    services.request_assembly,
    "reports.write",
    gettext_lazy("The figures are being assembled again from the records."),
)
report_submit = _step_view(
    "submit", VersionForm, services.submit, "reports.write", gettext_lazy("Submitted to the leadership group.")
)
report_approve = _step_view(
    "approve",
    VersionForm,
    services.approve,
    "reports.approve",
    gettext_lazy("Approved: the report is frozen; its PDF and Word files are being made."),
)
report_send_back = _step_view(
    "send_back", ReasonForm, services.send_back, "reports.approve", gettext_lazy("Sent back to the office.")
)
report_distribute = _step_view(
    "distribute",
    VersionForm,
    services.distribute,
    "reports.write",
    gettext_lazy("Distributed: each recipient has it in its inbox."),
)
report_files = _step_view(
    "files", VersionForm, services.request_files, "reports.write", gettext_lazy("The files are being made again.")
)
report_new_version = _step_view(
    "new_version",
    NewVersionForm,
    services.new_version,
    "reports.write",
    gettext_lazy("A new version is started; the approved one is kept as it was."),
)


@requires("reports.write")
@require_POST
def section_save(request, uid):
    section = get_object_or_404(
        Section.objects.filter(report__in=Report.objects.for_user(request.user, "reports.write")), uid=uid
    )
    report = section.report
    form = SectionForm(request.POST)
    response = attempt(
        request, form,
        lambda: services.save_section(actor=request.user, section=section, version=form.cleaned_data["version"],
                                      text=form.cleaned_data["text"]),
        done=_("“%(heading)s” saved.") % {"heading": section.heading},
        to=reverse("evaluation_reports:report", args=[report.uid]) + f"#section-{section.uid}",
    )  # fmt: skip
    if response is not None:
        return response
    report.refresh_from_db()
    return _report_page(request, report, {"section": (section.pk, form)}, status=400)


@requires("reports.view")
def section_drafts(request, uid):
    section = get_object_or_404(
        Section.objects.filter(report__in=Report.objects.for_user(request.user)).select_related("report"), uid=uid
    )
    return render(
        request,
        "evaluation_reports/drafts.html",
        {"nav": "evaluation_reports", "section": section, "drafts": section.drafts.select_related("saved_by")},
    )


@requires("reports.view")
def report_file(request, uid, kind):
    report = _report(request, uid)
    stored = report.pdf if kind == "pdf" else report.docx
    if report.files_at is None or not stored:
        raise Http404
    name = f"{report.title}-v{report.number}.{kind}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


def _transmittal_context(report):
    deliveries = list(report.deliveries.select_related("organization", "read_by"))
    return {"report": report, "deliveries": deliveries, "read_count": sum(1 for d in deliveries if d.read_at)}


def _distributed(request, uid) -> Report:
    report = _report(request, uid)
    if report.distributed_at is None:
        raise Http404
    return report


@requires("reports.view")
def transmittal(request, uid):
    report = _distributed(request, uid)
    return render(
        request,
        "evaluation_reports/transmittal.html",
        {"nav": "evaluation_reports", **_transmittal_context(report)},
    )


@requires("reports.view")
def transmittal_pdf(request, uid):
    report = _distributed(request, uid)
    html = render_to_string("evaluation_reports/transmittal_pdf.html", _transmittal_context(report), request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="transmittal-{report.uid}.pdf"'
    return response


# --- What an organisation received ------------------------------------------------------------------


def _delivery(request, uid) -> Delivery:
    return get_object_or_404(
        services.visible_deliveries(request.user).select_related("report__town", "organization", "read_by"), uid=uid
    )


def received(request):
    deliveries = services.visible_deliveries(request.user)
    scope = get_scope(request.user)
    own = {g.organization_id for g in scope.grants if g.organization_id and "reports.receive" in g.permissions}
    if not own and not scope.is_platform_admin:
        raise Http404
    rows = deliveries.filter(organization_id__in=own).select_related("report", "organization", "read_by")
    return render(
        request, "evaluation_reports/received.html", {"nav": "evaluation_reports_received", "deliveries": rows}
    )


def received_detail(request, uid):
    delivery = _delivery(request, uid)
    report = delivery.report
    doc = documents.document(report, None if delivery.whole_town else delivery.neighborhood_ids)
    return render(
        request,
        "evaluation_reports/received_detail.html",
        {
            "nav": "evaluation_reports_received",
            **doc,
            "web": True,
            "delivery": delivery,
            "may_confirm": services.may_confirm(request.user, delivery) and delivery.read_at is None,
        },
    )


@require_POST
def received_confirm(request, uid):
    delivery = _delivery(request, uid)
    try:
        services.confirm_read(actor=request.user, delivery=delivery)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Receipt confirmed: the office sees that your organisation has read the report."))
    return redirect(delivery)


def received_pdf(request, uid):
    delivery = _delivery(request, uid)
    report = delivery.report
    pdf = documents.report_pdf(report, None if delivery.whole_town else delivery.neighborhood_ids)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{report.uid}.pdf"'
    return response
