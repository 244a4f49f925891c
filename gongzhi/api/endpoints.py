"""The API's endpoints (django-ninja), thin over the same services and scoped reads as the pages:
the token's account acts, with its permissions and scope (gongzhi.core.scope), within the token's
town. Published as OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Status

from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import field_errors
from gongzhi.core import process_cache
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Building, Compound, Unit

from . import errors
from .auth import BearerToken
from .models import ApiToken, Intake
from .schemas import (
    CASE_NUMBER,
    IDEMPOTENCY_KEY_PATTERN,
    CaseFilters,
    CaseIn,
    CaseOut,
    CasePage,
    CategoryOut,
    Error,
    FieldErrors,
    IntakeOut,
)
from .services import KeyReused, accept_call

DESCRIPTION = """The HTTP API of Gongzhi (共治), for the 12345 hotline bridge.

Authenticate with `Authorization: Bearer <token>`; the office creates tokens with
`manage.py create_api_token`. A token acts as one account of one town: it sees and creates cases
where that account may. Errors are JSON (`detail`, and `errors` per field) in the language of
`Accept-Language` (Simplified Chinese by default).

`POST /cases` needs an `Idempotency-Key` header (1–100 visible ASCII characters, e.g. a UUID or
the hotline's call id). The call is checked and taken in at once (202, with a receipt); the case is
made by the platform's worker, usually within a second: ask `GET /intakes/{receipt}` until its
status is `created` (with the case) or `failed` (with the reasons). Retrying a request with the same
key and body answers with the same intake (200, `replayed: true`, header `Idempotent-Replayed:
true`) and never makes a second case; the same key with another body is refused (409)."""

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


def _case_data(case: Case, facts: tuple[str, bool] = ("", False)) -> dict:
    """`facts`: the case's hotline reference, and whether an intake of the calling token made it
    (only then is the resident's tracking link given: it opens the case to whoever holds it)."""
    external_ref, own = facts
    return {
        "number": case.number,
        "uid": case.uid,
        "tracking_url": _absolute(case.tracking_url()) if own else None,
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


def _intake_facts(token: ApiToken, case_ids: list[int]) -> dict[int, tuple[str, bool]]:
    """{case id: (the hotline's reference, made by an intake of this token)} for the cases that
    came in through the API of the token's town (one query)."""
    rows = Intake.objects.filter(token__town_id=token.town_id, case_id__in=case_ids)
    facts: dict[int, tuple[str, bool]] = {}
    for case_id, external_ref, token_id in rows.values_list("case_id", "external_ref", "token_id"):
        ref, own = facts.get(case_id, ("", False))
        facts[case_id] = (ref or external_ref, own or token_id == token.pk)
    return facts


LOOKUP_SECONDS = 60  # the town's compounds and categories, per process (asked on every call)


def _town_codes(town_id: int) -> tuple[dict, dict]:
    """{compound code: Compound (id fields only)}, {category code: (id, retired)} of a town."""

    def load():
        compounds = {
            c.code: c
            for c in Compound.objects.filter(town_id=town_id).only("id", "code", "town_id", "neighborhood_id", "name")
        }
        categories = {
            code: (pk, retired)
            for pk, code, retired in Category.objects.filter(town_id=town_id).values_list("pk", "code", "retired")
        }
        return compounds, categories

    return process_cache.remembered(process_cache.TOWN_CODES, town_id, LOOKUP_SECONDS, load)


def _payload(token: ApiToken, body: CaseIn) -> dict:
    """The call checked as far as it can be without making the case — the compound where the
    token's account may enter cases (else "not found", as on the pages), the category, the
    building and unit, the fields — and turned into ids for the worker."""
    compounds, categories = _town_codes(token.town_id)
    compound = compounds.get(body.compound)
    if compound is None or not get_scope(token.user).area("cases.enter").covers_compound(compound):
        raise errors.NotFound(
            "compound",
            _("No compound with the code “%(code)s” where this token may enter cases.") % {"code": body.compound},
        )
    problems: dict[str, list[str]] = {
        field: [message]
        for field, message in field_errors(
            description=body.description, urgency=body.urgency, reporter_phone=body.reporter_phone
        ).items()
    }
    category = categories.get(body.category)
    if category is None or category[1]:
        problems["category"] = [
            _("No category with the code “%(code)s”; GET /api/v1/categories lists them.") % {"code": body.category}
        ]
    building_id = unit_id = None
    if body.building:
        building_id = (
            Building.objects.filter(compound_id=compound.pk, number=body.building).values_list("pk", flat=True).first()
        )
        if building_id is None:
            problems["building"] = [_("The compound has no building “%(number)s”.") % {"number": body.building}]
    if body.unit and "building" not in problems:
        units = Unit.objects.filter(compound_id=compound.pk, number=body.unit)
        if building_id is not None:
            units = units.filter(building_id=building_id)
        found = list(units.values_list("pk", "building_id")[:2])
        if not found:
            problems["unit"] = [_("The compound has no unit “%(number)s” there.") % {"number": body.unit}]
        elif len(found) > 1:
            problems["unit"] = [
                _("Several buildings have a unit “%(number)s”: give the building.") % {"number": body.unit}
            ]
        else:
            unit_id, building_id = found[0][0], building_id or found[0][1]
    if problems:
        raise ValidationError(problems)
    return {
        "compound": compound.pk,
        "category": category[0],
        "building": building_id,
        "unit": unit_id,
        "location": body.location,
        "urgency": body.urgency,
        "description": body.description,
        "reporter_name": body.reporter_name,
        "reporter_phone": body.reporter_phone,
        "hide_identity": body.hide_identity,
    }


def _intake_data(intake: Intake, replayed: bool) -> dict:
    case = intake.case if intake.case_id else None
    return {
        "receipt": intake.uid,
        "status": intake.status,
        "status_url": _absolute(reverse("api:intake_detail", args=[intake.uid])),
        "external_ref": intake.external_ref,
        "replayed": replayed,
        "case": None
        if case is None
        else {
            "number": case.number,
            "uid": case.uid,
            "tracking_url": _absolute(case.tracking_url()),
            "state": case.state,
            "handler": _named(case.handler),
            "accept_due": case.accept_due,
            "resolve_due": case.resolve_due,
            "due_provisional": case.due_provisional,
        },
        "errors": intake.errors or {},
    }


# --- endpoints -------------------------------------------------------------------------------

UNAUTHORIZED = {401: Error}


@api.post(
    "/cases",
    response={
        202: IntakeOut,
        200: IntakeOut,
        400: FieldErrors,
        **UNAUTHORIZED,
        404: FieldErrors,
        409: Error,
        422: FieldErrors,
    },
    url_name="case_create",
    operation_id="createCase",
    summary="Take in a hotline call; the case follows (idempotent)",
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
        description="1–100 visible ASCII characters; the same key and body are answered with the same intake.",
    ),
):
    """Check and take in a call reported to the hotline: 202 with a receipt (the worker makes the
    case, usually within a second: GET /intakes/{receipt}), or 200 with the intake this
    idempotency key made before (`replayed: true`)."""
    token = _token(request)
    try:
        intake, replayed = accept_call(
            token=token,
            key=idempotency_key,
            fingerprint=payload.fingerprint(),
            payload=_payload(token, payload),
            external_ref=payload.external_ref,
        )
    except KeyReused as exc:
        previous = exc.previous
        what = previous.case.number if previous.case_id else previous.uid
        return Status(
            409,
            {
                "detail": _(
                    "This Idempotency-Key was already used for %(what)s with a different request. "
                    "Send a new key for a new call."
                )
                % {"what": what}
            },
        )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(200 if replayed else 202, _intake_data(intake, replayed))


@api.get(
    "/intakes/{receipt}",
    response={200: IntakeOut, **UNAUTHORIZED, 404: Error},
    url_name="intake_detail",
    operation_id="getIntake",
    summary="A call taken in, and the case it became",
    tags=["cases"],
)
def intake_detail(request: HttpRequest, receipt: str):
    """An intake of this token; 404 for any other."""
    intake = (
        Intake.objects.select_related("case", "case__handler").filter(token=_token(request), uid=receipt[:12]).first()
    )
    if intake is None:
        return Status(404, {"detail": errors.not_found_detail()})
    return _intake_data(intake, False)


@api.get(
    "/cases/{number}",
    response={200: CaseOut, **UNAUTHORIZED, 404: Error},
    url_name="case_detail",
    operation_id="getCase",
    summary="One case, by its number",
    tags=["cases"],
)
def case_detail(request: HttpRequest, number: str):
    """A case of the token's town where its account may see cases; anything else is 404. The
    resident's tracking link only for a case an intake of this token made."""
    token = _token(request)
    case = None
    if CASE_NUMBER.match(number):
        case = _scoped_cases(token).select_related(*CASE_RELATED).filter(number=number).first()
    if case is None:
        return Status(404, {"detail": errors.not_found_detail()})
    return _case_data(case, _intake_facts(token, [case.pk]).get(case.pk, ("", False)))


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
    facts = _intake_facts(token, [c.pk for c in rows]) if rows else {}
    return {
        "count": count,
        "page": page,
        "pages": max(1, -(-count // page_size)),
        "page_size": page_size,
        "items": [_case_data(c, facts.get(c.pk, ("", False))) for c in rows],
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
