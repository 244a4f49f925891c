"""/api/v1/: the API's endpoints (gongzhi.api.endpoints), its OpenAPI document and a JSON 404 for
every other address below /api/v1/.

The API authenticates by token, not by session: its views are exempt from the sign-in redirect
and from CSRF (no cookie is read), and every answer is JSON — also a wrong method (405)."""

from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, path, reverse

from . import errors
from .endpoints import api

app_name = "api"


def _api_view(view):
    """Exempt from the sign-in redirect and CSRF; a bare 405 from ninja becomes a JSON one."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = [m.strip() for m in response.get("Allow", "").split(",") if m.strip()]
            return errors.not_allowed(request.method, allowed)
        return response

    wrapped.csrf_exempt = True
    wrapped.login_required = False
    return wrapped


def root(request: HttpRequest, **kwargs) -> JsonResponse:
    return JsonResponse({"name": api.title, "version": api.version, "openapi": reverse("api:openapi-json")})


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return errors.json_error(404, errors.not_found_detail())


def _patterns():
    patterns, _app, _namespace = api.urls
    out = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            pattern = path("", root, name="api-root")  # ninja's own root is an HTML 404
        pattern.callback = _api_view(pattern.callback)
        out.append(pattern)
    return out


urlpatterns = [
    *_patterns(),
    path("<path:rest>", _api_view(not_found), name="not_found"),
]
