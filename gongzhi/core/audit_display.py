"""How audit entries read in the UI: a translated label for the action and the changed fields
with their verbose names, related objects by name, choices by label. The log holds no mobile
number (gongzhi.core.audit.protect): a pseudonymised one reads as its masked form, a sensitive
value (party membership) as "changed"."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import registry
from .audit import is_sensitive_tag, shown_without_tag

VERB_LABELS = {
    "create": lambda: _("Created"),
    "update": lambda: _("Edited"),
    "import_create": lambda: _("Created by spreadsheet import"),
    "import_update": lambda: _("Updated by spreadsheet import"),
    "bind": lambda: _("Bound by staff"),
    "claim": lambda: _("Claimed with invite code"),
    "verify": lambda: _("Confirmed"),
    "reject": lambda: _("Rejected"),
    "end": lambda: _("Ended"),
    "register": lambda: _("Registered by mobile number"),
    "link": lambda: _("Linked to account"),
    "retire": lambda: _("Retired"),
    "revoke": lambda: _("Revoked"),
    "restore": lambda: _("Restored"),
    "set": lambda: _("Set"),
    "set_password": lambda: _("Password set by the office"),
    "change_password": lambda: _("Password changed by its owner"),
    "remove": lambda: _("Removed"),
    "confirm_year": lambda: _("Year schedule confirmed"),
    "add_member_unit": lambda: _("Member unit added"),
    "remove_member_unit": lambda: _("Member unit removed"),
    "add_coverage": lambda: _("Coverage added"),
    "remove_coverage": lambda: _("Coverage removed"),
    "invite_code_reset": lambda: _("Invite code renewed"),
    "import": lambda: _("Spreadsheet imported"),
    "view_contact": lambda: _("Mobile number shown in full"),
}


# Verbs whose label depends on what was changed (a rejected case is 不予受理, a rejected claim
# 已驳回), keys recorded that are not fields, choices of those keys, and actions recorded on a parent
# that describe a row of another model: each app registers its own (gongzhi.core.registry.audit_labels).
LABELS = registry.LABELS

# Keys any service may record that are not fields of the object's model, with their labels.
registry.audit_labels(
    verbs=VERB_LABELS,
    extra_fields={
        "reason": lambda: _("Reason"),
        "text": lambda: _("Message"),
        "note": lambda: _("Note"),
        "number": lambda: _("Number"),
        "sha256": lambda: "SHA-256",
        "files": lambda: _("Files"),
        "photos": lambda: _("Photos"),
        "organization": lambda: _("Organisation"),
        "by": lambda: _("By"),
        "unit": lambda: _("Unit"),
        "description": lambda: pgettext("matter", "Description"),
    },
)


def actor_name(label: str) -> str:
    name, found, login = (label or "").rpartition(" (")
    if found and login.endswith(")") and login[:-1].isascii():
        return name
    return label


def model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(action: str) -> str:
    object_type, _sep, verb = action.rpartition(".")
    model = model_for(object_type)
    by_type = LABELS.verbs_by_type.get(object_type, {})
    if verb in by_type:
        verb_label = by_type[verb]()
    else:
        verb_label = LABELS.verbs[verb]() if verb in LABELS.verbs else verb
    if model is None:
        return verb_label
    return f"{model._meta.verbose_name} · {verb_label}"


class Names:
    """The names of the records audit entries point to, read once per model for a whole page of
    entries (`with_changes`): a page of 50 entries reads each related model once, not each
    entry's each field (17 statements with 3 entries, 98 with 30 before)."""

    def __init__(self):
        self.wanted: dict[type, set] = {}
        self.found: dict[type, dict] = {}
        self.tried: dict[type, set] = {}

    def want(self, model, value) -> None:
        ids = value if isinstance(value, list) else [value]
        self.wanted.setdefault(model, set()).update(pk for pk in ids if isinstance(pk, (int, str)))

    def load(self) -> None:
        for model, ids in self.wanted.items():
            known = self.found.setdefault(model, {})
            tried = self.tried.setdefault(model, set())
            missing = [pk for pk in ids if pk not in known and pk not in tried]
            tried.update(ids)
            tried.update(str(pk) for pk in ids)
            if not missing:
                continue
            try:
                rows = model._default_manager.in_bulk(missing)
            except (ValueError, TypeError):  # an id of another type than the key's: named by its number
                rows = {}
            for pk, obj in rows.items():
                known[pk] = obj
                known[str(pk)] = obj
        self.wanted = {}

    def get(self, model, pk):
        if pk not in self.tried.get(model, ()):  # not read beforehand (a single entry): read now
            self.want(model, pk)
            self.load()
        return self.found.get(model, {}).get(pk)

    def name(self, model, pk) -> str:
        obj = self.get(model, pk)
        return str(obj) if obj is not None else f"#{pk}"

    def list_name(self, model, pk) -> str:
        obj = self.get(model, pk)
        if obj is None:
            return f"#{pk}"
        return str(getattr(obj, "name", obj))


def _display(field, value, name: str = "", names: Names | None = None):
    if value is None or value == "":
        return None
    if is_sensitive_tag(value):
        return _("(recorded, not shown)")
    if isinstance(value, str):
        value = shown_without_tag(value)
    if field is None:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if name in LABELS.extra_choices and isinstance(value, str):
            return LABELS.extra_choices[name]().get(value, value)
        return value
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else value
    if field.is_relation and field.related_model is not None:
        names = names or Names()
        if isinstance(value, list):  # many-to-many: a list of ids
            return "、".join(names.list_name(field.related_model, pk) for pk in value)
        return names.name(field.related_model, value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _changed_fields(entry):
    """(name, model field or None, before, after) of each key the entry changed."""
    model = model_for(LABELS.detail_models.get(entry.action, entry.object_type))
    before = entry.before or {}
    after = entry.after or {}
    for name in list(dict.fromkeys([*after.keys(), *before.keys()])):
        if name in before and name in after and before[name] == after[name]:
            continue  # recorded by a step that snapshots fields it did not change: "序号: 2 → 2" says nothing
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and not hasattr(field, "verbose_name"):  # a reverse relation: a plain value
                field = None
        yield name, field, before, after


def with_changes(entries) -> list:
    """`entries` as a list, each with `change_rows` (what `changes` returns), the records their
    fields point to read once per model for all of them."""
    entries = list(entries)
    names = Names()
    for entry in entries:
        for _name, field, before, after in _changed_fields(entry):
            if field is not None and field.is_relation and field.related_model is not None:
                for side in (before, after):
                    value = side.get(_name)
                    if value not in (None, "") and not is_sensitive_tag(value):
                        names.want(field.related_model, value)
    names.load()
    for entry in entries:
        entry.change_rows = changes(entry, names)
    return entries


def changes(entry, names: Names | None = None) -> list[tuple[str, object, object]]:
    if names is None and hasattr(entry, "change_rows"):
        return entry.change_rows
    names = names or Names()
    rows = []
    coded = LABELS.action_choices.get(entry.action)
    labels = coded() if coded else {}
    for name, field, before, after in _changed_fields(entry):
        if field is not None:
            label = str(field.verbose_name)
        else:
            label = str(LABELS.extra_fields[name]()) if name in LABELS.extra_fields else name
        values = [_display(field, side.get(name), name, names) if name in side else None for side in (before, after)]
        if labels:
            values = [_coded(value, labels) for value in values]
        rows.append((label, *values))
    return rows


def _coded(value, labels: dict):
    """A recorded code ("present", or "represented (王芳)") read with its label."""
    if not isinstance(value, str):
        return value
    code, _space, rest = value.partition(" ")
    return f"{labels[code]} {rest}".strip() if code in labels else value
