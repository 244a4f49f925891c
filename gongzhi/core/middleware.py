"""Content-Security-Policy: scripts, styles, images and connections only from this site.
Templates carry no inline scripts, so an injected <script> can never run (defence in depth
behind the templates' auto-escaping). And the platform's own "not found" page under DEBUG too."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from . import logs

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline style attributes are allowed (Bootstrap's progress bars and ECharts use them);
        # scripts are not.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# No camera, microphone, location or payment for any page (photos are chosen with a file input).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class ContentSecurityPolicyMiddleware:
    """The security headers of every response: the Content-Security-Policy, the Permissions-Policy,
    and for a signed-in user's pages `Cache-Control: no-store` (shared office computers must not
    keep them in the browser's cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(f"/{settings.ADMIN_PATH}"):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response


class NotFoundPageMiddleware:
    """Under DEBUG (the default of `make run`) Django answers a missing page with its English
    technical page; users of the demo see the platform's own page in their language instead, as
    in production. `FRIENDLY_404=false` gives developers Django's page back."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.active = settings.DEBUG and getattr(settings, "FRIENDLY_404", True)

    def __call__(self, request):
        response = self.get_response(request)
        if self.active and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return render(request, "404.html", status=404)  # no address matched
        return response

    def process_exception(self, request, exception):
        if self.active and isinstance(exception, Http404):
            return render(request, "404.html", status=404)  # a view found nothing (or nothing in scope)
        return None


class RequestIdMiddleware:
    """Each request's id: the proxy's `X-Request-ID` when it sent a valid one (nginx's
    $request_id), otherwise a new one. It is on the response (`X-Request-ID`) and on every log line
    written while the request runs (gongzhi.core.logs), so one request can be followed from nginx's
    access log through the application's lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = logs.accepted(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        logs.bind(request_id)  # cleared when the request is finished (gongzhi.core.logs)
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request_id
        return response
