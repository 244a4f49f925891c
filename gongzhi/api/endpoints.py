"""The API's endpoints (django-ninja), thin over the same services and scoped reads as the pages:
the token's account acts, with its permissions and scope (gongzhi.core.scope), within the token's
town. Published as OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Status

from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import Report
from gongzhi.places.models import Building, Compound, Unit

from . import errors
from .auth import BearerToken
from .models import ApiToken, IdempotencyKey
from .schemas import (
    CASE_NUMBER,
    IDEMPOTENCY_KEY_PATTERN,
    CaseCreated,
    CaseFilters,
    CaseIn,
    CaseOut,
    CasePage,
    CategoryOut,
    Error,
    FieldErrors,
)
from .services import KeyReused, replay, take_in_case

DESCRIPTION = """The HTTP API of Gongzhi (共治), for the 12345 hotline bridge.

Authenticate with `Authorization: Bearer <token>`; the office creates tokens with
`manage.py create_api_token`. A token acts as one account of one town: it sees and creates cases
where that account may. Errors are JSON (`detail`, and `errors` per field) in the language of
`Accept-Language` (Simplified Chinese by default).

`POST /cases` needs an `Idempotency-Key` header (1–100 visible ASCII characters, e.g. a UUID or
the hotline's call id): retrying a request with the same key and body returns the same case
(status 200, `replayed: true`, header `Idempotent-Replayed: true`) and never creates a second one;
the same key with another body is refused (409)."""

api = errors.GongzhiAPI(
    title="Gongzhi API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,  # the interactive page would load its assets from the internet; the JSON is enough
    auth=BearerToken(),
)
errors.install(api)

# --- helpers ---------------------------------------------------------------------------------


def _token(request: HttpRequest) -> ApiToken:
    return request.auth  # set by BearerToken


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _named(obj) -> dict:
    return {"code": obj.code, "name": obj.name}


def _scoped_cases(token: ApiToken):
    return Case.objects.for_user(token.user, "cases.view").filter(town_id=token.town_id)


def _case_data(case: Case, external_ref: str) -> dict:
    return {
        "number": case.number,
        "uid": case.uid,
        "tracking_url": _absolute(case.tracking_url()),
        "external_ref": external_ref,
        "state": case.state,
        "state_label": case.get_state_display(),
        "compound": _named(case.compound),
        "building": case.building.number if case.building_id else None,
        "unit": case.unit.number if case.unit_id else None,
        "location": case.location,
        "category": _named(case.category),
        "urgency": case.urgency,
        "description": case.description,
        "channel": case.channel,
        "handler": _named(case.handler),
        "submitted_at": case.submitted_at,
        "accept_due": case.accept_due,
        "resolve_due": case.resolve_due,
        "due_provisional": case.due_provisional,
        "accepted_at": case.accepted_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "commitment": case.commitment,
        "committed_date": case.committed_date,
        "resolution": case.resolution,
        "end_reason": case.end_reason,
        "merged_into": case.merged_into.number if case.merged_into_id else None,
        "reopen_count": case.reopen_count,
        "late": case.late,
        "fixed": case.fixed,
        "rating": case.rating,
        "updated_at": case.updated_at,
    }


CASE_RELATED = ("compound", "category", "building", "unit", "handler", "merged_into")


def _external_refs(token: ApiToken, case_ids: list[int]) -> dict[int, str]:
    rows = IdempotencyKey.objects.filter(token__town_id=token.town_id, case_id__in=case_ids).exclude(external_ref="")
    return dict(rows.values_list("case_id", "external_ref"))


def _report(token: ApiToken, payload: CaseIn) -> Report:
    """The places and category the request names, looked up where the token's account may enter
    cases (a compound outside that area is "not found", as on the pages)."""
    compound = (
        Compound.objects.for_user(token.user, "cases.enter")
        .filter(town_id=token.town_id, code=payload.compound)
        .first()
    )
    if compound is None:
        raise errors.NotFound(
            "compound",
            _("No compound with the code “%(code)s” where this token may enter cases.") % {"code": payload.compound},
        )
    problems: dict[str, list[str]] = {}
    category = Category.objects.filter(town_id=token.town_id, code=payload.category).first()
    if category is None:
        problems["category"] = [
            _("No category with the code “%(code)s”; GET /api/v1/categories lists them.") % {"code": payload.category}
        ]
    building = unit = None
    if payload.building:
        building = Building.objects.filter(compound=compound, number=payload.building).first()
        if building is None:
            problems["building"] = [_("The compound has no building “%(number)s”.") % {"number": payload.building}]
    if payload.unit and "building" not in problems:
        units = Unit.objects.filter(compound=compound, number=payload.unit).select_related("building")
        if building is not None:
            units = units.filter(building=building)
        found = list(units[:2])
        if not found:
            problems["unit"] = [_("The compound has no unit “%(number)s” there.") % {"number": payload.unit}]
        elif len(found) > 1:
            problems["unit"] = [
                _("Several buildings have a unit “%(number)s”: give the building.") % {"number": payload.unit}
            ]
        else:
            unit = found[0]
            building = building or unit.building
    if problems:
        raise ValidationError(problems)
    return Report(
        compound=compound,
        category=category,
        description=payload.description,
        urgency=payload.urgency,
        building=building,
        unit=unit,
        location=payload.location,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        hide_identity=payload.hide_identity,
    )


# --- endpoints -------------------------------------------------------------------------------

UNAUTHORIZED = {401: Error}


@api.post(
    "/cases",
    response={
        201: CaseCreated,
        200: CaseCreated,
        400: FieldErrors,
        **UNAUTHORIZED,
        404: FieldErrors,
        409: Error,
        422: FieldErrors,
    },
    url_name="case_create",
    operation_id="createCase",
    summary="Create a case from a hotline call (idempotent)",
    tags=["cases"],
)
def create_case(
    request: HttpRequest,
    response: HttpResponse,
    payload: CaseIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="1–100 visible ASCII characters; the same key and body return the same case.",
    ),
):
    """Take in a case reported to the hotline. Status 201 with the new case, or 200 with the case
    this idempotency key made before (`replayed: true`)."""
    token = _token(request)
    fingerprint = payload.fingerprint()
    try:
        intake = replay(token=token, key=idempotency_key, fingerprint=fingerprint) or take_in_case(
            token=token,
            key=idempotency_key,
            fingerprint=fingerprint,
            report=_report(token, payload),
            external_ref=payload.external_ref,
        )
    except KeyReused as exc:
        return Status(
            409,
            {
                "detail": _(
                    "This Idempotency-Key was already used for case %(number)s with a different request. "
                    "Send a new key for a new case."
                )
                % {"number": exc.previous.case.number}
            },
        )
    case = intake.case
    if intake.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(
        200 if intake.replayed else 201,
        {
            "number": case.number,
            "uid": case.uid,
            "tracking_url": _absolute(case.tracking_url()),
            "state": case.state,
            "handler": _named(case.handler),
            "accept_due": case.accept_due,
            "resolve_due": case.resolve_due,
            "due_provisional": case.due_provisional,
            "external_ref": intake.external_ref,
            "replayed": intake.replayed,
        },
    )


@api.get(
    "/cases/{number}",
    response={200: CaseOut, **UNAUTHORIZED, 404: Error},
    url_name="case_detail",
    operation_id="getCase",
    summary="One case, by its number",
    tags=["cases"],
)
def case_detail(request: HttpRequest, number: str):
    """A case of the token's town where its account may see cases; anything else is 404."""
    token = _token(request)
    case = None
    if CASE_NUMBER.match(number):
        case = _scoped_cases(token).select_related(*CASE_RELATED).filter(number=number).first()
    if case is None:
        return Status(404, {"detail": errors.not_found_detail()})
    return _case_data(case, _external_refs(token, [case.pk]).get(case.pk, ""))


@api.get(
    "/cases",
    response={200: CasePage, **UNAUTHORIZED, 422: FieldErrors},
    url_name="case_list",
    operation_id="listCases",
    summary="Cases in scope, oldest change first, for syncing states",
    tags=["cases"],
)
def case_list(request: HttpRequest, filters: Query[CaseFilters]):
    """Cases of the token's town where its account may see cases, ordered by their last change
    (then by number). To sync, ask again with `updated_since` set to the last `updated_at` you saw."""
    token = _token(request)
    cases = _scoped_cases(token)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.updated_since is not None:
        since = filters.updated_since
        cases = cases.filter(updated_at__gte=timezone.make_aware(since) if timezone.is_naive(since) else since)
    count = cases.count()
    page, page_size = filters.page, filters.page_size
    start = (page - 1) * page_size
    rows = list(cases.select_related(*CASE_RELATED).order_by("updated_at", "pk")[start : start + page_size])
    refs = _external_refs(token, [c.pk for c in rows]) if rows else {}
    return {
        "count": count,
        "page": page,
        "pages": max(1, -(-count // page_size)),
        "page_size": page_size,
        "items": [_case_data(c, refs.get(c.pk, "")) for c in rows],
    }


@api.get(
    "/categories",
    response={200: list[CategoryOut], **UNAUTHORIZED},
    url_name="category_list",
    operation_id="listCategories",
    summary="The town's case categories",
    tags=["categories"],
)
def category_list(request: HttpRequest):
    """The categories a case may be filed under (retired ones are left out)."""
    token = _token(request)
    categories = (
        Category.objects.for_user(token.user, "cases.view")
        .filter(town_id=token.town_id, retired=False)
        .select_related("parent")
    )
    return [{"code": c.code, "name": c.name, "parent": c.parent.code if c.parent_id else None} for c in categories]
