"""Export pages: starting an export (from a list page's button), the job page, which follows the
background work by polling its status part (htmx, no inline script) and then offers the file,
the download, starting a failed export again, and "My exports". Only the owner of an export sees
it or its file; for everyone else it does not exist (404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.pages import paginate, serve_private_file

from . import services
from .models import ExportJob


def _job_for(request, uid) -> ExportJob:
    return get_object_or_404(ExportJob.objects.for_user(request.user), uid=uid)


def _job_context(job: ExportJob) -> dict:
    return {
        "job": job,
        "poll": not job.is_finished,
        "waiting_for_worker": job.waiting_for_worker,
        "retention_days": settings.RETENTION_EXPORTS_DAYS,
    }


@require_POST
def start(request, kind):
    """Start exporting the list `kind` with the filters of the page's query string (the button's
    form posts to this address followed by the list's query)."""
    try:
        job = services.start_export(actor=request.user, kind=kind, params=request.GET, language=request.LANGUAGE_CODE)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("exports:list")
    return redirect(job)


@require_GET
def job_list(request):
    jobs = ExportJob.objects.for_user(request.user)
    return render(
        request,
        "exports/list.html",
        {"nav": "exports", "page_obj": paginate(request, jobs), "retention_days": settings.RETENTION_EXPORTS_DAYS},
    )


@require_GET
def job(request, uid):
    job = _job_for(request, uid)
    return render(request, "exports/job.html", {"nav": "exports", **_job_context(job)})


@require_GET
@never_cache
def job_status(request, uid):
    job = _job_for(request, uid)
    return render(request, "exports/_job_status.html", _job_context(job))


@require_GET
def download(request, uid):
    job = _job_for(request, uid)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404
    response = serve_private_file(job.file, job.file_name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def retry(request, uid):
    job = _job_for(request, uid)
    try:
        services.retry_export(actor=request.user, job=job)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    return redirect(job)
