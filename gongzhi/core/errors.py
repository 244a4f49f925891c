"""The page of a server error (`handler500`), and of the one that is not a bug: the database not
answering (PostgreSQL restarting, failing over, refusing connections). Then the answer is 503
"try again in a moment" with `Retry-After`, in the site's look and the user's language, or JSON for
the API, and the error is logged as usual. Nothing was half-written: every write is a service in
one transaction, which the database rolled back (docs/deployment.md, "Faults").

The page is rendered without the request's context processors: they read the database (the
signed-in user, the unread notifications), which is what failed. Persistent connections recover by
themselves: Django closes a connection on which an error occurred at the end of the request and
checks a kept one before using it (`CONN_HEALTH_CHECKS`), so the next request connects afresh —
no gunicorn restart is needed."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) is the database not answering, rather than a bug."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def unavailable_json() -> JsonResponse:
    """The API's answer while the database does not answer (also given by the API's own handler)."""
    response = JsonResponse(
        {"detail": _("The service is briefly unavailable. Nothing was saved; please try again in a moment.")},
        status=503,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: called by Django inside the `except` of the failed request (sys.exc_info())."""
    if database_unavailable(sys.exc_info()[1]):
        if _is_api(request):
            return unavailable_json()
        page = loader.get_template("503.html").render({"platform_name": settings.PLATFORM_NAME})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if _is_api(request):  # an error before the API's own handlers (e.g. in a middleware)
        return JsonResponse(
            {"detail": _("Something went wrong on our side. It has been logged; please try again later.")},
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(loader.get_template("500.html").render(), status=500)
