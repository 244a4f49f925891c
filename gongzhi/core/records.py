"""The mechanics every create and edit service shares: validate, write, audit — and refuse to
overwrite a record that someone else changed since the form was opened (optimistic locking on
`version`). Domain services (`create_compound`, `update_person` …) call these after their own
checks, inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit


class ConcurrentEditError(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "Someone else changed this record while you were editing it. Your changes were not "
                "saved: reload the page to see the current version, then make your changes again."
            ),
            code="concurrent_edit",
        )


def validate(obj: models.Model, exclude: Iterable[str] = ()) -> None:
    """Field validation, uniqueness and database constraints, as translated ValidationErrors."""
    obj.full_clean(exclude=list(exclude), validate_unique=True, validate_constraints=True)


def create_record(obj: models.Model, *, actor, action: str, fields: Iterable[str]) -> models.Model:
    """Validate and save a new record, and audit the listed fields as its initial state."""
    fields = list(fields)
    with transaction.atomic():
        validate(obj)
        obj.save()
        audit.record(actor, action, obj, after=audit.snapshot(obj, fields))
    return obj


def update_record(obj: models.Model, *, actor, action: str, changes: dict, expected_version: int) -> models.Model:
    """Apply `changes` to `obj` if nobody changed it since `expected_version`; audit what changed.
    A submission that changes nothing writes nothing."""
    with transaction.atomic():
        model = type(obj)
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        if current.version != expected_version:
            raise ConcurrentEditError()
        changed = {
            name: value
            for name, value in changes.items()
            if audit.json_safe(getattr(current, _attname(current, name))) != audit.json_safe(_raw(value))
        }
        if not changed:
            return current
        before = audit.snapshot(current, changed)
        for name, value in changed.items():
            setattr(current, name, value)
        validate(current)
        current.version = expected_version + 1
        current.updated_at = timezone.now()
        updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
            **{_attname(current, name): getattr(current, _attname(current, name)) for name in changed}
            | {
                "version": F("version") + 1,
                "updated_at": current.updated_at,
            }
        )
        if updated != 1:
            raise ConcurrentEditError()
        audit.record(actor, action, current, before=before, after=audit.snapshot(current, changed))
    return current


def _attname(obj: models.Model, name: str) -> str:
    return obj._meta.get_field(name).attname


def _raw(value):
    return value.pk if isinstance(value, models.Model) else value
