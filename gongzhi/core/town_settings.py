"""Saving a town's settings row — one row per town and app, read as unsaved defaults until the
office first saves (`Model.for_town`). The apps' `save_settings` services share these mechanics:
the office's right over the town, the values merged over the current ones, the app's own check,
the version the form was opened on (a first save needs none; later ones are refused, not saved
over, when someone saved in between), one audit entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models, transaction

from . import audit
from .permissions import ensure_town_manager
from .workflow import lock


def save_town_settings(
    model: type[models.Model],
    *,
    actor,
    town,
    permission: str,
    fields: Iterable[str],
    values: dict,
    version: int | None,
    check: Callable[[dict], None],
) -> models.Model:
    """Save `values` (any of `fields`) as the town's settings; `check(merged)` validates — and may
    normalise — the whole set before anything is written. Audited as `<app>.<model>.update`."""
    ensure_town_manager(actor, town.pk, permission)
    fields = list(fields)
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown {model._meta.label} fields: {sorted(unknown)}")
    current = model.for_town(town.pk)
    merged = {name: values.get(name, getattr(current, name)) for name in fields}
    check(merged)
    with transaction.atomic():
        existing = model._default_manager.filter(town=town).first()
        if existing is None:
            row, before = model(town=town), None
        else:
            row = lock(existing, expected_version=version)
            before = {name: getattr(row, name) for name in fields}
            row.version += 1
        for name, value in merged.items():
            setattr(row, name, value)
        row.save()
        action = f"{model._meta.app_label}.{model._meta.model_name}.update"
        audit.record(actor, action, row, before=before, after=merged, town_id=town.pk)
    return row
