"""The floor of the intake benchmark (bench/intake.sh): the same server answering a view that
performs one plain INSERT, so that the API's cases/second can be given as a ratio of what this
machine, database and server do at best. It exists only under bench.settings.

Like the API's views it reads no session (no sign-in redirect, no CSRF) and answers in JSON, also
a wrong method (405)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from gongzhi.api import errors

from .models import FloorRow


@csrf_exempt
@login_not_required
def floor(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return errors.not_allowed(request.method, ["POST"])
    row = FloorRow.objects.create(body=request.body[:200].decode("utf-8", "replace"), created_at=timezone.now())
    return JsonResponse({"id": row.pk}, status=201)
