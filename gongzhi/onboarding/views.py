"""Import pages: the upload page (explanation, template, form, recent imports) and the job page,
which follows the background import by polling its status partial (htmx, no inline script)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Town

from . import services
from .forms import UploadForm
from .models import ImportJob
from .problems import ImportReport, Problem, WorkbookRefused
from .schema import SHEETS
from .workbook import MAX_ROWS, XLSX_CONTENT_TYPE, build_problems_workbook, build_template, max_upload_bytes

RECENT_JOBS = 20
SHOWN_PROBLEMS = 1000
WORKER_GRACE = timedelta(seconds=5)  # a job still waiting after this long: say the worker may be down


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
                    "“%(name)s” was uploaded. It is checked and imported in the background; this "
                    "page shows how far it has got."
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


def _job_context(job: ImportJob) -> dict:
    report = ImportReport.from_json(job.report) if job.status == ImportJob.Status.DONE else None
    problems = [Problem.from_dict(p) for p in job.errors]
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level != "error"] + (report.warnings if report else [])
    counts = []
    if report:  # in the template's order (a JSON object keeps no order in PostgreSQL)
        for sheet in SHEETS:
            c = report.sheets.get(sheet.key)
            if c is not None:
                counts.append(
                    {
                        "label": sheet.label,
                        "help": sheet.help,
                        "created": c.created,
                        "updated": c.updated,
                        "unchanged": c.unchanged,
                    }
                )
    return {
        "job": job,
        "report": report,
        "counts": counts,
        "errors": errors[:SHOWN_PROBLEMS],
        "more_errors": max(0, len(errors) - SHOWN_PROBLEMS),
        "error_total": len(errors),
        "warnings": warnings[:SHOWN_PROBLEMS],
        "warning_total": len(warnings),
        "poll": not job.is_finished,
        "waiting_for_worker": job.status == ImportJob.Status.PENDING and timezone.now() - job.created_at > WORKER_GRACE,
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
