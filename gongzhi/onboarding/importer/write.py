"""Writing a checked plan: bulk inserts and updates, model by model in an order where each record
refers only to records written before it, and one audit entry per created or changed record."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass

from django.db import connections, models, router
from django.utils import timezone

from gongzhi.core import audit
from gongzhi.orgs.models import Membership, Organization, Person, Residency, ServiceContract
from gongzhi.places.models import Building, Compound, Neighborhood, Unit

from .plan import Plan, chunks

BATCH = 500

AUDIT_FIELDS = {
    Neighborhood: ["code", "name", "address"],
    Compound: ["neighborhood", "code", "name", "address"],
    Building: ["compound", "number", "floors"],
    Unit: ["building", "number", "area"],
    Organization: ["kind", "code", "name", "neighborhood", "compound", "phone", "address"],
    Person: ["name", "phone", "is_party_member"],
    Membership: ["person", "organization", "position", "title", "start", "end"],
    ServiceContract: ["company", "compound", "start", "end", "manager"],
    Residency: ["person", "unit", "relation", "status", "source"],
}
# The order records are written in: each refers only to records written before it.
WRITE_ORDER = [Neighborhood, Compound, Building, Unit, Organization, Person, Membership, ServiceContract, Residency]


@dataclass(frozen=True)
class Written:
    """One record an import wrote: created, or updated (`before`: the changed fields' previous
    values); `after`: its audited fields as the import left them; `version`: its version then."""

    obj: models.Model
    created: bool
    before: dict | None
    after: dict
    version: int


def fields_of(obj: models.Model) -> list[str]:
    """The fields an import sets (and an undo checks) for a record of this kind."""
    model = type(obj)
    return [*AUDIT_FIELDS[model], "user"] if model is Person else AUDIT_FIELDS[model]


def plan_digest(plan: Plan) -> str:
    """A digest of everything the plan would write: equal digests, equal imports. Records to
    create are compared by their fields (references to records created alongside are None), records
    to update by id, previous and new values."""
    items = []
    for model in WRITE_ORDER:
        label = model._meta.label_lower
        items.extend([label, "c", audit.snapshot(obj, fields_of(obj))] for obj in plan.creates[model])
        items.extend(
            [label, "u", obj.pk, before, audit.snapshot(obj, changed)] for obj, before, changed in plan.updates[model]
        )
    canonical = json.dumps(audit.json_safe(items), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def apply(plan: Plan, actor) -> list[Written]:
    """Write the plan; what was written, record by record."""
    now = timezone.now()
    total = sum(len(plan.creates[m]) + len(plan.updates[m]) for m in WRITE_ORDER)
    done = 0
    changes: list[audit.Change] = []
    written: list[Written] = []
    for model in WRITE_ORDER:
        created = plan.creates[model]
        if model is Residency:
            for residency in created:
                residency.decided_by, residency.decided_at = actor, now
        for batch in chunks(created, BATCH):
            model.objects.bulk_create(batch)
            done += len(batch)
            plan.tick("applying", done, total, force=True)
        updated = plan.updates[model]
        for obj, _before, changed in updated:
            obj.version += 1
            obj.updated_at = now
            _refresh_references(obj, changed)
        for batch in chunks(updated, BATCH):
            _update_rows(model, [(obj, changed) for obj, _before, changed in batch])
            done += len(batch)
            plan.tick("applying", done, total, force=True)
        changes.extend(_audit_changes(model, created, updated))
        written.extend(Written(obj, True, None, audit.snapshot(obj, fields_of(obj)), obj.version) for obj in created)
        written.extend(
            Written(obj, False, before, audit.snapshot(obj, fields_of(obj)), obj.version) for obj, before, _c in updated
        )
    audit.record_many(actor, changes)
    return written


def _refresh_references(obj: models.Model, changed: list[str]) -> None:
    """A reference set to a record created by this import (saved since) takes that record's id."""
    for name in changed:
        field = obj._meta.get_field(name)
        if field.is_relation and field.is_cached(obj):
            related = field.get_cached_value(obj)
            if related is not None and getattr(obj, field.attname) != related.pk:
                setattr(obj, field.attname, related.pk)


def _audit_changes(model: type[models.Model], created: list, updated: list) -> list[audit.Change]:
    label = model._meta.label_lower
    audit_fields = AUDIT_FIELDS[model]
    changes = []
    for obj in created:
        fields_of_obj = [*audit_fields, "user"] if model is Person and obj.user_id else audit_fields
        changes.append(audit.Change(f"{label}.import_create", obj, None, audit.snapshot(obj, fields_of_obj)))
    for obj, before, changed in updated:
        changes.append(audit.Change(f"{label}.import_update", obj, before, audit.snapshot(obj, changed)))
    return changes


def _update_rows(model: type[models.Model], items: list[tuple[models.Model, list[str]]]) -> None:
    """UPDATE … WHERE pk = … for each object, its changed fields plus version and updated_at, as
    one executemany per set of changed fields (QuerySet.bulk_update builds a CASE expression per
    field and row in Python: ten times slower for thousands of rows)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    by_fields: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
    for obj, changed in items:
        by_fields[tuple(sorted(changed))].append(obj)
    for names, objs in by_fields.items():
        fields = [meta.get_field(name) for name in (*names, "version", "updated_at")]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
