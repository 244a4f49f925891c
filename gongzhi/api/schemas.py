"""What the API takes and returns (pydantic, through django-ninja; published as OpenAPI)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from gongzhi.cases.models import Urgency
from gongzhi.cases.workflow import State
from gongzhi.core.text import BIDI_CLASS, CONTROL_CLASS, CONTROL_RE, strip_bidi

UrgencyCode = Literal[tuple(Urgency.values)]  # type: ignore[valid-type]
StateCode = Literal[tuple(State.values)]  # type: ignore[valid-type]
CONTROL = CONTROL_RE  # C0 controls and DEL, without tab and line breaks (gongzhi.core.text)
# Free text, as the OpenAPI schema states it: no control characters but tab and line breaks.
TEXT_PATTERN = rf"^[^{CONTROL_CLASS}]*$"
# The same, with at least one character that is not a space or a bidirectional control.
REQUIRED_TEXT_PATTERN = rf"^[^{CONTROL_CLASS}]*[^\s{CONTROL_CLASS}{BIDI_CLASS}][^{CONTROL_CLASS}]*$"
TEXT_PATTERNS = (TEXT_PATTERN, REQUIRED_TEXT_PATTERN)
# The free-text fields of CaseIn: their bidirectional controls are removed before they are checked.
FREE_TEXT = ("building", "unit", "location", "category", "description", "reporter_name", "external_ref")
CASE_NUMBER = re.compile(r"^[0-9A-Za-z-]{1,20}$")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # as gongzhi.places.models.code_validator
PHONE_PATTERN = r"^(1[3-9][0-9]{9})?$"  # as gongzhi.core.phones.PHONE_RE, or empty
# 1-100 visible ASCII characters (no spaces, no control characters): a UUID, or the hotline's own id.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,100}$"


class CaseIn(Schema):
    """A case taken by the hotline, as the bridge sends it.

    Free text (building, unit, location, category, description, reporter_name, external_ref):
    control characters other than tab and line breaks are refused (each field's `pattern`);
    bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are removed and
    leading and trailing spaces trimmed, and the lengths count what remains."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)

    compound: str = Field(
        min_length=1,
        max_length=32,
        pattern=CODE_PATTERN,
        description="The compound's code (小区编码).",
        examples=["xc1"],
    )
    building: str | None = Field(
        None,
        max_length=20,
        pattern=TEXT_PATTERN,
        description="Building number as recorded, e.g. 3号楼 (optional).",
        examples=["1号楼"],
    )
    unit: str | None = Field(
        None, max_length=20, pattern=TEXT_PATTERN, description="Unit number, e.g. 101 (optional).", examples=["101"]
    )
    location: str = Field(
        "", max_length=200, pattern=TEXT_PATTERN, description="Where exactly, if not a unit.", examples=["东门"]
    )
    category: str = Field(
        min_length=1,
        max_length=32,
        pattern=REQUIRED_TEXT_PATTERN,
        description="A category code from GET /categories.",
        examples=["REPAIR"],
    )
    urgency: UrgencyCode = Field("normal", description="urgent or normal.")  # type: ignore[valid-type]
    description: str = Field(
        min_length=5,
        max_length=2000,
        pattern=REQUIRED_TEXT_PATTERN,
        description="What the caller reported (5 to 2000 characters).",
    )
    reporter_name: str = Field("", max_length=50, pattern=TEXT_PATTERN)
    reporter_phone: str = Field(
        "", max_length=11, pattern=PHONE_PATTERN, description="11-digit mainland mobile number, or empty."
    )
    hide_identity: bool = Field(False, description="Keep the caller's name and number from the handler.")
    external_ref: str = Field(
        "", max_length=100, pattern=TEXT_PATTERN, description="The hotline's own reference (工单号), stored."
    )

    @field_validator(*FREE_TEXT, mode="before")
    @classmethod
    def _without_bidi_controls(cls, value):
        """Bidirectional controls reorder what people see (`RTL\u202etxt.exe` reads "RTLexe.txt"):
        removed before anything else is checked, so lengths count the text that is stored."""
        return strip_bidi(value) if isinstance(value, str) else value

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value):
        """Text the database can store and people can read: no NUL or other control characters
        (line breaks and tabs are fine). The patterns say so already; this holds for every field."""
        if isinstance(value, str) and CONTROL.search(value):
            raise PydanticCustomError("string_control_characters", "Text contains control characters")
        return value

    def fingerprint(self) -> str:
        """SHA-256 of the request as understood (key order and spacing do not matter)."""
        canonical = json.dumps(self.model_dump(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Named(Schema):
    code: str
    name: str


class CaseCreated(Schema):
    """The case an intake became."""

    number: str = Field(description="The case number people quote, e.g. 2611-0042.")
    uid: str
    tracking_url: str = Field(description="The resident's tracking link (absolute).")
    state: StateCode  # type: ignore[valid-type]
    handler: Named = Field(description="The organisation handling the case.")
    accept_due: date
    resolve_due: date
    due_provisional: bool = Field(description="True when a deadline falls in a year without an official calendar.")


IntakeStatus = Literal["pending", "created", "failed"]


class IntakeOut(Schema):
    """The answer to POST /cases and GET /intakes/{receipt}: the call as taken in, and the case it
    became once the worker has made it (usually within a second)."""

    receipt: str = Field(description="Ask GET /api/v1/intakes/{receipt} until the status is no longer pending.")
    status: IntakeStatus  # type: ignore[valid-type]
    status_url: str
    external_ref: str
    replayed: bool = Field(description="True when this idempotency key had already been used with this request.")
    case: CaseCreated | None = Field(description="The case, once created.")
    errors: dict[str, list[str]] = Field(description="Why the call was not taken in (status failed), by field.")


class CaseOut(Schema):
    """A case as the hotline may see it: its state and what the resident's tracking page shows."""

    number: str
    uid: str
    tracking_url: str | None = Field(
        description="The resident's tracking link (absolute), only for a case an intake of this token made: "
        "it opens the case to whoever holds it. Null for every other case."
    )
    external_ref: str
    state: StateCode  # type: ignore[valid-type]
    state_label: str
    compound: Named
    building: str | None
    unit: str | None
    location: str
    category: Named
    urgency: UrgencyCode  # type: ignore[valid-type]
    description: str
    channel: str
    handler: Named
    submitted_at: datetime
    accept_due: date
    resolve_due: date
    due_provisional: bool
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    commitment: str
    committed_date: date | None
    resolution: str
    end_reason: str
    merged_into: str | None
    reopen_count: int
    late: bool
    fixed: bool | None
    rating: str
    updated_at: datetime


ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class CaseFilters(Schema):
    state: StateCode | None = Field(None, description="Only cases in this state.")  # type: ignore[valid-type]
    updated_since: datetime | None = Field(
        None, description="Only cases changed at or after this time (ISO 8601; without a zone: Beijing time)."
    )
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("updated_since", mode="before")
    @classmethod
    def _iso_only(cls, value):
        """ISO 8601 text only: pydantic would also read a bare number as a Unix time."""
        if value is not None and not (isinstance(value, str) and ISO_DATETIME.match(value)):
            raise PydanticCustomError("datetime_parsing", "Input should be an ISO 8601 date and time")
        return value


class CasePage(Schema):
    count: int = Field(description="Cases matching the filters.")
    page: int
    pages: int
    page_size: int
    items: list[CaseOut]


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None = Field(description="The parent category's code, for a sub-category.")


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per field, in the request's language."
    )


class Error(Schema):
    detail: str
