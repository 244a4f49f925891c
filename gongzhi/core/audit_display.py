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


def _display(field, value, name: str = ""):
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
        if isinstance(value, list):  # many-to-many: a list of ids
            names = dict(field.related_model._default_manager.filter(pk__in=value).values_list("pk", "name"))
            return "、".join(str(names.get(pk, f"#{pk}")) for pk in value)
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def changes(entry) -> list[tuple[str, object, object]]:
    model = model_for(LABELS.detail_models.get(entry.action, entry.object_type))
    before = entry.before or {}
    after = entry.after or {}
    rows = []
    coded = LABELS.action_choices.get(entry.action)
    labels = coded() if coded else {}
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
        if field is not None:
            label = str(field.verbose_name)
        else:
            label = str(LABELS.extra_fields[name]()) if name in LABELS.extra_fields else name
        values = [_display(field, side.get(name), name) if name in side else None for side in (before, after)]
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
