"""The floor of the intake benchmark (bench/intake.sh): the same server answering a view that
performs one plain INSERT, so that the API's cases/second can be given as a ratio of what this
machine, database and server do at best. Off unless BENCHMARK_ENDPOINTS is true (the benchmark
script sets it in the server's environment only); otherwise the address is a 404 like any other."""

from __future__ import annotations

import environ
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from . import errors
from .models import FloorRow


def enabled() -> bool:
    value = getattr(settings, "BENCHMARK_ENDPOINTS", None)
    if value is None:
        value = environ.Env().bool("BENCHMARK_ENDPOINTS", default=False)
    return bool(value)


def floor(request: HttpRequest) -> JsonResponse:
    if not enabled():
        return errors.json_error(404, errors.not_found_detail())
    if request.method != "POST":
        return errors.not_allowed(request.method, ["POST"])
    row = FloorRow.objects.create(body=request.body[:200].decode("utf-8", "replace"), created_at=timezone.now())
    return JsonResponse({"id": row.pk}, status=201)
