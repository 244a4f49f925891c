"""What the platform holds about a person: the page "My personal data" and its download
(PIPL right of access; issue 11, finding 4). `collect(user)` gathers it once; the page shows it and
the download writes it as JSON, so the two never disagree.

Each app says what it holds about a user in its own `personal_data.py`, found by name (as the demo
stories and the permission-matrix specs are): `SECTIONS`, a sequence of `Section`, and
`NOT_INCLUDED`, the records that name a user, a person or a mobile number but are not listed, each
with the reason. The accounts app may not import the feature apps (they sit above it), and the
feature apps may import this module. The records of the lower layers (the account, the person,
their posts and their ties to units, the sign-in codes) are listed here.

A section's `collect(user)` returns the records newest first, as plain values: text, numbers,
booleans, dates and aware datetimes (written in the platform's time zone), lists and dicts; a
choice is `{"code": …, "label": …}` (`choice()`), the label in the language of the request."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models import Membership, Person, Residency

from .models import PhoneCode

MODULE = "personal_data"
PAGE_LIMIT = 50  # records of a list shown on the page; the download holds them all


@dataclass(frozen=True)
class Section:
    order: int
    key: str  # the key in the download
    title: Any
    collect: Callable[[Any], list[dict]]
    template: str  # shows `records` on the page
    empty: Any = ""  # what the page says when there is none
    covers: tuple[str, ...] = ()  # "app.model" or "app.model.field" whose records it lists
    single: bool = False  # one record (the account): a dict in the download, not a list
    only_when_held: bool = False  # left off the page while empty (what only staff have)
    note: Any = ""


def choice(obj, field: str) -> dict | None:
    """A choice field's value as its code and its label (None when empty)."""
    code = getattr(obj, field)
    if code in ("", None):
        return None
    return {"code": code, "label": str(getattr(obj, f"get_{field}_display")())}


def unit_label(unit) -> str:
    return f"{unit.compound.name} {unit.building.number} {unit.number}"


def discover() -> tuple[list[Section], dict[str, str]]:
    """Every installed gongzhi app's sections, in page order, and the records they leave out."""
    sections: list[Section] = []
    not_included: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("gongzhi.") or not module_has_submodule(config.module, MODULE):
            continue
        module = import_module(f"{config.name}.{MODULE}")
        sections.extend(getattr(module, "SECTIONS", ()))
        not_included.update(getattr(module, "NOT_INCLUDED", {}))
    keys = [s.key for s in sections]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise RuntimeError(f"personal data sections with the same key: {sorted(duplicates)}")
    return sorted(sections, key=lambda s: (s.order, s.key)), not_included


def sections() -> list[Section]:
    return discover()[0]


def collect(user) -> dict:
    """Everything the platform holds about `user`, by section key (plus when it was gathered)."""
    data: dict[str, Any] = {"generated_at": timezone.localtime().replace(microsecond=0)}
    for section in sections():
        records = list(section.collect(user))
        data[section.key] = (records[0] if records else None) if section.single else records
    return data


def count(data: dict, section: Section) -> int:
    value = data.get(section.key)
    if section.single:
        return int(value is not None)
    return len(value or ())


def for_page(data: dict) -> list[dict]:
    """The sections as the page shows them: the newest PAGE_LIMIT records of each list."""
    shown = []
    for section in sections():
        n = count(data, section)
        if section.only_when_held and not n:
            continue
        value = data[section.key]
        records = ([value] if value else []) if section.single else value[:PAGE_LIMIT]
        shown.append({"section": section, "count": n, "records": records, "more": n - len(records)})
    return shown


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime) and timezone.is_aware(o):
            return timezone.localtime(o).replace(microsecond=0).isoformat()
        return super().default(o)


def to_json(data: dict) -> str:
    return json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=2)


# --- What the accounts (and below them the people and their posts) hold -----------------------


def _account(user) -> list[dict]:
    return [
        {
            "username": user.get_username(),
            "mobile_number": user.phone or "",
            "display_name": user.display_name,
            "name": user.get_full_name(),
            "email": user.email,
            "created_at": user.date_joined,
            "last_sign_in": user.last_login,
            "signs_in_with_password": user.has_usable_password(),
            "active": user.is_active,
        }
    ]


def _people(user) -> list[dict]:
    return [
        {
            "code": p.uid,
            "town": p.town.name,
            "name": p.name,
            "mobile_number": p.phone,
            "party_member": p.is_party_member,
            "recorded_at": p.created_at,
            "updated_at": p.updated_at,
        }
        for p in Person.objects.filter(user=user).select_related("town").order_by("-created_at")
    ]


def _residencies(user) -> list[dict]:
    rows = (
        Residency.objects.filter(person__user=user)
        .select_related("unit__compound", "unit__building", "town")
        .order_by("-created_at", "-pk")
    )
    return [
        {
            "code": r.uid,
            "town": r.town.name,
            "unit": unit_label(r.unit),
            "relation": choice(r, "relation"),
            "status": choice(r, "status"),
            "source": choice(r, "source"),
            "recorded_at": r.created_at,
            "decided_at": r.decided_at,
        }
        for r in rows
    ]


def _memberships(user) -> list[dict]:
    rows = (
        Membership.objects.filter(person__user=user)
        .select_related("organization", "body", "town")
        .order_by("-start", "-pk")
    )
    return [
        {
            "town": m.town.name,
            "organization": str(m.holder),
            "position": choice(m, "position"),
            "title": m.title,
            "start": m.start,
            "end": m.end,
        }
        for m in rows
    ]


def _sign_in_codes(user) -> list[dict]:
    """When codes were sent to the account's number and whether they were used; never the code
    (only its keyed hash is stored)."""
    if not user.phone:
        return []
    return [
        {
            "sent_at": c.created_at,
            "expires_at": c.expires_at,
            "used": c.used_at is not None,
            "used_at": c.used_at,
            "wrong_attempts": c.attempts,
            "requested_from": c.address or "",
        }
        for c in PhoneCode.objects.filter(phone=user.phone).order_by("-created_at", "-pk")
    ]


SECTIONS = (
    Section(
        10,
        "account",
        _("Account"),
        _account,
        "accounts/personal_data/account.html",
        covers=("core.user.phone",),
        single=True,
    ),
    Section(
        20,
        "people",
        _("Person records"),
        _people,
        "accounts/personal_data/people.html",
        empty=_("No person record is linked to your account."),
        covers=("orgs.person.user", "orgs.person.phone"),
        note=_(
            "A town's office may keep other records of your mobile number that are not linked to your account: "
            "to see or correct them, ask your residents' committee or the town's office."
        ),
    ),
    Section(
        30,
        "residencies",
        _("Ties to units"),
        _residencies,
        "accounts/personal_data/residencies.html",
        empty=_("You are not recorded at any unit."),
        covers=("orgs.residency.person",),
    ),
    Section(
        35,
        "memberships",
        _("Posts in organisations and bodies"),
        _memberships,
        "accounts/personal_data/memberships.html",
        covers=("orgs.membership.person",),
        only_when_held=True,
    ),
    Section(
        90,
        "sign_in_codes",
        _("Sign-in codes"),
        _sign_in_codes,
        "accounts/personal_data/sign_in_codes.html",
        empty=_("No sign-in code was sent to your mobile number."),
        covers=("accounts.phonecode.phone",),
        note=_("The codes themselves are not kept, only a check value that cannot be turned back into the code."),
    ),
)

# The records of the lower layers (core, places, orgs) that name a user, a person or a mobile
# number and are not listed, with the reason (a test checks that every such field is one or the other).
NOT_INCLUDED = {
    "core.auditentry.actor": (
        "The platform's record of changes, not data about the person: the page says that changes to their "
        "records are kept in the audit log with their number masked."
    ),
    "core.calendaryear.confirmed_by": "Work record: the administrator who confirmed a year's working days.",
    "orgs.organization.phone": "An organisation's office telephone, not a person's.",
    "orgs.servicecontract.manager": "Work record: the compound manager named in a property service contract.",
    "orgs.residency.decided_by": "The staff member who confirmed or rejected a claim; the decision is listed.",
}
