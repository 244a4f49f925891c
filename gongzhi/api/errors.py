"""Every error of the API is JSON: `{"detail": "...", "errors": {"field": ["..."]}}`, in the
request's language (Accept-Language; Simplified Chinese by default), never an HTML page and never
a 500 for bad input.

Validation messages reuse Django's own wording where it fits ("This field is required.", …), so
they are translated by Django's catalogues; the API's own sentences are in the project's."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext
from ninja.renderers import JSONRenderer

from gongzhi.core.errors import database_unavailable, unavailable_json
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.text import has_control

from .schemas import TEXT_PATTERNS

logger = logging.getLogger("gongzhi.api")

NON_FIELD = "__all__"


def error_body(detail: str, errors: dict[str, list[str]] | None = None) -> dict:
    body: dict = {"detail": str(detail)}
    if errors is not None:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    return body


def json_error(status: int, detail: str, errors: dict[str, list[str]] | None = None, **headers) -> JsonResponse:
    response = JsonResponse(error_body(detail, errors), status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def invalid_detail() -> str:
    return _("The request has errors; see the messages of each field.")


def not_found_detail() -> str:
    return _("Not found, or not in your area.")


# --- pydantic's errors in words people read ---------------------------------------------------


def _field_name(loc: tuple) -> str:
    """("body", "payload", "compound") → "compound"; ("header", "Idempotency-Key") → "Idempotency-Key"."""
    source, *rest = loc or ("body",)
    if source == "body" and rest and rest[0] == "payload":
        rest = rest[1:]
    names = [str(part) for part in rest]
    return ".".join(names) if names else ("body" if source == "body" else NON_FIELD)


def message_for(error: dict) -> str:
    """One pydantic error as a sentence in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    field = error.get("field")
    if kind == "string_pattern_mismatch" and field == "Idempotency-Key":
        return _("Use 1 to 100 visible ASCII characters (letters, digits, punctuation; no spaces), e.g. a UUID.")
    if kind == "string_pattern_mismatch" and field == "reporter_phone":
        return _("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in TEXT_PATTERNS:
        if isinstance(value, str) and has_control(value):
            return _("Remove the control characters (such as NUL) from this text.")
        return _("This field is required.")
    text = value.strip() if isinstance(value, str) else ""  # lengths are checked after stripping
    if kind == "missing" or (kind == "string_too_short" and not text):
        return _("This field is required.")
    if kind == "string_too_short":
        limit = ctx.get("min_length", 0)
        return ngettext(
            "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(text)}
    if kind == "string_too_long":
        limit = ctx.get("max_length", 0)
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(text)}
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {"value": str(value)[:50]}
    if kind in ("bool_parsing", "bool_type"):
        return _("“%(value)s” value must be either True or False.") % {"value": str(value)[:50]}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": ctx.get("le")}
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("Enter a valid date/time.")
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind == "string_control_characters":
        return _("Remove the control characters (such as NUL) from this text.")
    if kind == "extra_forbidden":
        return _("This field is not part of the API; remove it.")
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("Send a JSON object.")
    if kind == "string_type":
        return _("Send this field as a JSON string.")
    return _("Enter a valid value.")


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as UTF-8, not \\uXXXX escapes


class GongzhiAPI(NinjaAPI):
    """NinjaAPI whose validation errors carry translated messages and the field they belong to."""

    def __init__(self, **kwargs):
        super().__init__(renderer=Renderer(), **kwargs)

    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
        errors = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(
                    error["loc"], error["loc"]
                )
                error["field"] = _field_name(loc)
                errors.append({"loc": loc, "field": error["field"], "type": error["type"], "msg": message_for(error)})
        return ValidationError(errors)


def field_errors(errors: list[dict]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for error in errors:
        field = error.get("field") or _field_name(tuple(error.get("loc", ())))
        grouped.setdefault(field, []).append(error.get("msg") or _("Enter a valid value."))
    return grouped


# --- exception handlers ----------------------------------------------------------------------


class NotFound(Exception):
    """A 404 that names the field whose value was not found (e.g. a compound outside the area)."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return json_error(422, invalid_detail(), field_errors(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
            detail = errors.get(NON_FIELD, [invalid_detail()])[0]
        else:
            messages = [str(m) for m in exc.messages]
            errors, detail = {NON_FIELD: messages}, messages[0]
        return json_error(422, detail, errors)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return json_error(
            401, _("Send a valid API token in the header Authorization: Bearer <token>."), WWW_Authenticate="Bearer"
        )

    @api.exception_handler(NotFound)
    def on_field_not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return json_error(404, exc.message, {exc.field: [exc.message]})

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return json_error(404, not_found_detail())

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return json_error(404, not_found_detail())  # nothing outside the area is revealed

    @api.exception_handler(ConcurrentEditError)
    def on_conflict(request: HttpRequest, exc: ConcurrentEditError) -> HttpResponse:
        return json_error(409, str(exc))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return json_error(413, _("The request is too large."))

    @api.exception_handler(SuspiciousOperation)
    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return json_error(400, _("The request could not be read."))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse request body" in exc.message:
            return json_error(400, _("The request body is not valid JSON."), {"body": [_("Send a JSON object.")]})
        if exc.status_code == 429:
            return json_error(429, _("Too many requests; please slow down."))
        return json_error(exc.status_code, exc.message)

    @api.exception_handler(Exception)
    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        if database_unavailable(exc):  # PostgreSQL restarting: a 503 to retry, not a bug
            return unavailable_json()
        return json_error(500, _("Something went wrong on our side. It has been logged; please try again later."))


def not_allowed(method: str, allowed: list[str]) -> JsonResponse:
    detail = _("This address does not take %(method)s requests; use %(allowed)s.") % {
        "method": method,
        "allowed": ", ".join(allowed),
    }
    return json_error(405, detail, Allow=", ".join(allowed))
