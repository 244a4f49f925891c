"""Mainland mobile numbers: the one pattern, normalising what people type, the model and form
validator, and masking for those who may not see a number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")

phone_validator = RegexValidator(
    PHONE_RE.pattern, gettext_lazy("Enter an 11-digit mainland mobile number, e.g. 13812345678.")
)


def normalise_phone(raw: str) -> str:
    """Accept 138 1234 5678, 138-1234-5678 or +86 13812345678; return 13812345678 or raise."""
    phone = re.sub(r"[\s-]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    if not PHONE_RE.match(phone):
        raise ValidationError(_("Enter an 11-digit mainland mobile number, e.g. 13812345678."), code="phone")
    return phone


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; anything shorter than 7 characters is hidden entirely."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"
