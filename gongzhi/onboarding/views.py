"""Import pages: the upload page (explanation, template, form, recent imports) and the job page,
which follows the background work by polling its status partial (htmx, no inline script), shows
the preview with its confirm and discard buttons, and the result with the link to undo it; the
undo page says what undoing would delete and put back, or what stands in the way."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.actions import attempt, flash_errors
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Town

from . import services
from .forms import ConfirmForm, JobActionForm, UploadForm
from .models import ImportJob
from .problems import ImportReport, Problem, WorkbookRefused
from .schema import SHEETS
from .undo import plan_undo
from .workbook import MAX_ROWS, XLSX_CONTENT_TYPE, build_problems_workbook, build_template, max_upload_bytes

RECENT_JOBS = 20
SHOWN_PROBLEMS = 1000


def _import_towns(request):
    area = get_scope(request.user).area("onboarding.import")
    towns = Town.objects.order_by("code")
    return towns if area.everything else towns.filter(pk__in=area.towns)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@requires("onboarding.import")
@require_http_methods(["GET", "POST"])
def upload(request):
    towns = _import_towns(request)
    form = UploadForm(request.POST or None, request.FILES or None, towns=towns)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_import_job(
                actor=request.user,
                town=form.chosen_town,
                upload=form.cleaned_data["file"],
                language=request.LANGUAGE_CODE,
            )
        except WorkbookRefused as refused:
            form.add_error("file", refused.message)
        else:
            messages.success(
                request,
                _(
                    "“%(name)s” was uploaded. It is checked in the background; this page then shows what importing "
                    "it would do, and nothing is imported until you confirm."
                )
                % {"name": job.file_name},
            )
            return redirect(job)
    jobs = ImportJob.objects.for_user(request.user).select_related("town", "uploaded_by")[:RECENT_JOBS]
    return render(
        request,
        "onboarding/upload.html",
        {
            "nav": "onboarding",
            "form": form,
            "jobs": jobs,
            "sheets": SHEETS,
            "several_towns": len(towns) > 1,
            "max_bytes": max_upload_bytes(),
            "max_rows": f"{MAX_ROWS:,}",
        },
    )


@requires("onboarding.import")
@require_GET
def template(request):
    return _xlsx(build_template(), _("import-template") + ".xlsx")


def _job_for(request, uid) -> ImportJob:
    return get_object_or_404(ImportJob.objects.for_user(request.user).select_related("town", "uploaded_by"), uid=uid)


OUTCOMES = ("created", "updated", "unchanged", "skipped")


def _sheets(report: ImportReport | None) -> list[dict]:
    """The report per sheet, in the template's order (a JSON object keeps no order in PostgreSQL):
    its counts and the rows listed for each outcome (with how many more there are)."""
    sheets = []
    for sheet in SHEETS if report else ():
        c = report.sheets.get(sheet.key)
        if c is None:
            continue
        listed = report.rows.get(sheet.key, {})
        rows = {o: listed.get(o, []) for o in OUTCOMES}
        sheets.append(
            {
                "key": sheet.key,
                "label": sheet.label,
                "help": sheet.help,
                "created": c.created,
                "updated": c.updated,
                "unchanged": c.unchanged,
                "skipped": c.skipped,
                "errors": c.errors,
                "rows": rows,
                "more": {o: max(0, getattr(c, o) - len(rows[o])) for o in OUTCOMES},
            }
        )
    return sheets


def _job_context(job: ImportJob) -> dict:
    report = ImportReport.from_json(job.report) if job.report else None
    problems = [Problem.from_dict(p) for p in job.errors]
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level != "error"] + (report.warnings if report else [])
    sheets = _sheets(report)
    return {
        "job": job,
        "report": report,
        "sheets": sheets,
        # kept for the pages and tests that read the plain counts
        "counts": [{k: s[k] for k in ("label", "help", "created", "updated", "unchanged")} for s in sheets],
        "only_examples": bool(
            report and report.skipped and not any(s["created"] + s["updated"] + s["unchanged"] for s in sheets)
        ),
        "confirm_form": ConfirmForm(initial={"digest": job.plan_digest}),
        "errors": errors[:SHOWN_PROBLEMS],
        "more_errors": max(0, len(errors) - SHOWN_PROBLEMS),
        "error_total": len(errors),
        "warnings": warnings[:SHOWN_PROBLEMS],
        "warning_total": len(warnings),
        "poll": not job.is_finished,
        "waiting_for_worker": job.waiting_for_worker,
    }


@requires("onboarding.import")
@require_GET
def job(request, uid):
    job = _job_for(request, uid)
    return render(request, "onboarding/job.html", {"nav": "onboarding", **_job_context(job)})


@requires("onboarding.import")
@require_GET
@never_cache
def job_status(request, uid):
    job = _job_for(request, uid)
    return render(request, "onboarding/_job_status.html", _job_context(job))


@requires("onboarding.import")
@require_GET
def job_errors(request, uid):
    job = _job_for(request, uid)
    context = _job_context(job)
    problems = [Problem.from_dict(p) for p in job.errors]
    errors = [p for p in problems if p.level == "error"]
    if not errors and not context["warning_total"]:
        raise Http404
    warnings = [p for p in problems if p.level != "error"] + (context["report"].warnings if context["report"] else [])
    stem = job.file_name.rsplit(".", 1)[0] or "import"
    return _xlsx(build_problems_workbook(errors, warnings), f"{stem}-{_('problems')}.xlsx")


def _act(request, job: ImportJob, form, call, done: str, to=None):
    """Run a job page's button: success flashes `done`; a refusal flashes its reasons; both go back
    to the job's page (or `to`)."""
    response = attempt(request, form, call, done=done, to=to or job)
    if response is None:
        flash_errors(request, form)
        return redirect(job)
    return response


@requires("onboarding.import")
@require_POST
def confirm(request, uid):
    job = _job_for(request, uid)
    form = ConfirmForm(request.POST)
    return _act(
        request,
        job,
        form,
        lambda: services.confirm_import_job(actor=request.user, job=job, digest=form.cleaned_data["digest"]),
        _("Import confirmed: the records are being written."),
    )


@requires("onboarding.import")
@require_POST
def discard(request, uid):
    job = _job_for(request, uid)
    return _act(
        request,
        job,
        JobActionForm(request.POST),
        lambda: services.discard_import_job(actor=request.user, job=job),
        _("Discarded: nothing was imported."),
    )


@requires("onboarding.import")
@require_POST
def preview_again(request, uid):
    job = _job_for(request, uid)
    return _act(
        request,
        job,
        JobActionForm(request.POST),
        lambda: services.preview_import_job_again(actor=request.user, job=job),
        _("The file is being checked again against the records as they are now."),
    )


@requires("onboarding.import")
@require_http_methods(["GET", "POST"])
def undo(request, uid):
    job = _job_for(request, uid)
    if job.status != ImportJob.Status.DONE:
        return redirect(job)
    form = JobActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.undo_import_job(actor=request.user, job=job),
            done=lambda done: _("Import undone: %(deleted)s records deleted, %(restored)s records put back.") % done,
            to=job,
        )
        if response is not None:
            return response
    plan = plan_undo(job)
    return render(
        request,
        "onboarding/undo.html",
        {"nav": "onboarding", "job": job, "plan": plan, "form": form},
        status=400 if form.is_bound else 200,
    )
