"""The town's rules for its joint meetings and its kinds of major matter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.permissions import ensure_town_manager
from gongzhi.core.records import update_record
from gongzhi.places.models import Town

from ..models import (
    MatterKind,
    MeetingSettings,
)

DEFAULT_MAJOR_KINDS = ("小区改造", "房屋维修", "整治违法建筑", "小区交通整顿")


def settings_for(town_id: int) -> MeetingSettings:
    """The town's meeting rules, created with the defaults (and the default kinds of major
    matter) the first time they are asked for."""
    found = MeetingSettings.objects.filter(town_id=town_id).first()
    if found is not None:
        return found
    with transaction.atomic():
        found, created = MeetingSettings.objects.get_or_create(town_id=town_id)
        if created:
            for order, name in enumerate(DEFAULT_MAJOR_KINDS):
                MatterKind.objects.get_or_create(town_id=town_id, name=name, defaults={"order": order})
    return found


def _check_share(value: str, field: str, errors: dict, *, allow_zero: bool = False) -> None:
    from fractions import Fraction

    try:
        share = Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        errors[field] = _("Write a share such as 1/2 or 2/3.")
        return
    if not (0 <= share <= 1) or (share == 0 and not allow_zero):
        errors[field] = _("The share must be between 0 and 1.")


def update_settings(*, actor, settings: MeetingSettings, changes: dict, expected_version: int) -> MeetingSettings:

    ensure_town_manager(actor, settings.town_id, "meetings.settings")
    errors: dict[str, str] = {}
    for field in ("ordinary_share", "major_share"):
        if field in changes:
            _check_share(changes[field], field, errors)
    if "quorum_share" in changes:
        _check_share(changes["quorum_share"], "quorum_share", errors, allow_zero=True)
    if errors:
        raise ValidationError(errors)
    return update_record(
        settings, actor=actor, action="meetings.settings.update", changes=changes, expected_version=expected_version
    )


def add_matter_kind(*, actor, town: Town, name: str) -> MatterKind:

    ensure_town_manager(actor, town.pk, "meetings.settings")
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ValidationError({"name": _("Name the kind in 1 to 50 characters.")})
    with transaction.atomic():
        if MatterKind.objects.filter(town=town, name=name).exists():
            raise ValidationError({"name": _("This kind already exists.")})
        order = MatterKind.objects.filter(town=town).count()
        kind = MatterKind.objects.create(town=town, name=name, order=order)
        audit.record(actor, "meetings.matterkind.create", kind, after={"name": name}, town_id=town.pk)
    return kind


def set_matter_kind_retired(*, actor, kind: MatterKind, retired: bool) -> MatterKind:

    ensure_town_manager(actor, kind.town_id, "meetings.settings")
    with transaction.atomic():
        if kind.retired != retired:
            MatterKind.objects.filter(pk=kind.pk).update(retired=retired)
            audit.record(
                actor,
                "meetings.matterkind.retire" if retired else "meetings.matterkind.restore",
                kind,
                before={"retired": kind.retired},
                after={"retired": retired},
                town_id=kind.town_id,
            )
            kind.retired = retired
    return kind
