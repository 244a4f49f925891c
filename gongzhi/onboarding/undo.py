"""Undoing a confirmed import: the records it created are deleted and the fields it updated put
back, exactly as `ImportedRecord` kept them — but only while nothing depends on the import:

- no record made elsewhere refers to a record it created (a case in a compound it added, a
  membership of a person it added, a unit a later import added to its building …): every relation
  of every installed app pointing at those records is counted, whatever its name;
- no record it created or updated has changed since (by a person, or by a later import that is
  not itself undone): its version and its imported fields are as the import left them.

Otherwise the undo is refused with the reasons in words ("3 cases refer to the compounds created by
this import"). Later imports undone first are no obstacle: each of their updates and its undo
moved the record's version by one, and the values are back as this import left them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from gongzhi.core import audit

from .importer.write import WRITE_ORDER, fields_of
from .models import ImportedRecord, ImportJob

SHOWN_EXAMPLES = 5  # records named per reason


@dataclass
class UndoPlan:
    """What undoing a job would do, or why it cannot."""

    job: ImportJob
    created: dict[type, list[ImportedRecord]] = field(default_factory=lambda: defaultdict(list))
    updated: dict[type, list[ImportedRecord]] = field(default_factory=lambda: defaultdict(list))
    blockers: list[str] = field(default_factory=list)

    @property
    def counts(self) -> list[dict]:
        """Per kind of record (in the order they were written): how many are deleted and put back."""
        rows = []
        for model in WRITE_ORDER:
            deleted, restored = len(self.created.get(model, [])), len(self.updated.get(model, []))
            if deleted or restored:
                rows.append({"label": model._meta.verbose_name_plural, "deleted": deleted, "restored": restored})
        return rows


def plan_undo(job: ImportJob, *, lock: bool = False) -> UndoPlan:
    """What undoing `job` would delete and put back, and what stands in the way (`blockers`)."""
    plan = UndoPlan(job)
    by_label = {m._meta.label_lower: m for m in WRITE_ORDER}
    for record in job.records.order_by("pk"):
        model = by_label[record.model]
        (plan.created if record.change == ImportedRecord.Change.CREATED else plan.updated)[model].append(record)
    plan.blockers.extend(_later_imports(job))
    plan.blockers.extend(_changed_since(job, plan, lock))
    plan.blockers.extend(_references(plan))
    return plan


def _later_imports(job: ImportJob) -> list[str]:
    """Later imports, not undone, that changed records of this one."""
    mine = job.records.filter(model=models.OuterRef("model"), object_id=models.OuterRef("object_id"))
    later = (
        ImportedRecord.objects.exclude(job=job)
        .filter(job__status=ImportJob.Status.DONE, job__town=job.town)
        .annotate(mine=models.Subquery(mine.values("version")[:1]))
        .filter(mine__isnull=False, version__gt=models.F("mine"))
        .values("job")
        .annotate(n=models.Count("pk"))
    )
    reasons = []
    jobs = {j.pk: j for j in ImportJob.objects.filter(pk__in=[row["job"] for row in later])}
    for row in sorted(later, key=lambda r: r["job"]):
        other = jobs[row["job"]]
        reasons.append(
            _(
                "The later import “%(file)s” (%(when)s) changed %(count)s of the records of this import: undo that "
                "import first."
            )
            % {
                "file": other.file_name,
                "when": date_format(localtime(other.created_at), "Y-m-d H:i"),
                "count": row["n"],
            }
        )
    return reasons


def _expected_versions(job: ImportJob, records: list[ImportedRecord]) -> dict[tuple[str, int], int]:
    """The version each record should have now: as the import left it, plus two for every later
    import, since undone, that updated it (its update and the undo each counted one)."""
    left = {(r.model, r.object_id): r.version for r in records}
    expected = dict(left)
    undone = ImportedRecord.objects.filter(
        job__status=ImportJob.Status.UNDONE,
        job__town=job.town,
        change=ImportedRecord.Change.UPDATED,
        model=records[0].model,
        object_id__in=job.records.filter(model=records[0].model).values("object_id"),
    ).values_list("model", "object_id", "version")
    for model, object_id, version in undone:
        key = (model, object_id)
        if key in left and version > left[key]:
            expected[key] += 2
    return expected


def _changed_since(job: ImportJob, plan: UndoPlan, lock: bool) -> list[str]:
    reasons = []
    for model in WRITE_ORDER:
        records = plan.created.get(model, []) + plan.updated.get(model, [])
        if not records:
            continue
        expected = _expected_versions(job, records)
        current = {}
        for chunk in _chunks([r.object_id for r in records]):
            rows = model._base_manager.filter(pk__in=chunk)
            if lock:
                rows = rows.select_for_update(of=("self",))
            current.update((obj.pk, obj) for obj in rows)
        changed = []
        for record in records:
            obj = current.get(record.object_id)
            if obj is None:
                if record.change == ImportedRecord.Change.UPDATED:
                    changed.append(f"#{record.object_id}")
                continue  # a created record deleted since: nothing to delete
            now = audit.json_safe(audit.snapshot(obj, fields_of(obj)))
            if obj.version != expected[(record.model, record.object_id)] or now != record.after:
                changed.append(str(obj))
        if changed:
            reasons.append(
                _(
                    "%(count)s %(things)s of this import were changed or deleted since (%(examples)s): undoing it "
                    "would lose those changes."
                )
                % {"count": len(changed), "things": model._meta.verbose_name_plural, "examples": _examples(changed)}
            )
    return reasons


def _references(plan: UndoPlan) -> list[str]:
    """Records made elsewhere that refer to records this import created, per relation."""
    created_ids = {
        model: plan.job.records.filter(model=model._meta.label_lower, change=ImportedRecord.Change.CREATED).values(
            "object_id"
        )
        for model in plan.created
    }
    counts: dict[tuple[type, type], int] = defaultdict(int)
    examples: dict[tuple[type, type], list[str]] = defaultdict(list)
    for model, ids in created_ids.items():
        for relation in _incoming(model):
            source = relation.related_model
            rows = source._base_manager.filter(**{f"{relation.field.name}__in": ids})
            if source in created_ids:
                rows = rows.exclude(pk__in=created_ids[source])
            # a record this import updated that the undo points elsewhere again
            restored = [r.object_id for r in plan.updated.get(source, []) if relation.field.name in (r.before or {})]
            if restored:
                rows = rows.exclude(pk__in=restored)
            count = rows.distinct().count()
            if count:
                key = (source, model)
                counts[key] += count
                examples[key].extend(str(obj) for obj in rows.distinct()[:SHOWN_EXAMPLES])
    return [
        _("%(count)s %(things)s refer to the %(what)s created by this import (%(examples)s).")
        % {
            "count": count,
            "things": source._meta.verbose_name_plural,
            "what": model._meta.verbose_name_plural,
            "examples": _examples(examples[(source, model)], count),
        }
        for (source, model), count in counts.items()
    ]


def _incoming(model: type[models.Model]) -> list[ForeignObjectRel]:
    """Every relation pointing at `model`, hidden ones (related_name="+") included; a
    many-to-many's automatic table is covered by the many-to-many itself."""
    relations = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.related_model is None:
            continue
        source = relation.related_model
        if isinstance(source, str):
            source = apps.get_model(source)
        if source._meta.auto_created or not relation.field.concrete and not relation.many_to_many:
            continue
        relations.append(relation)
    return relations


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _examples(names: list[str], total: int | None = None) -> str:
    shown = "、".join(names[:SHOWN_EXAMPLES])
    more = (total if total is not None else len(names)) - min(len(names), SHOWN_EXAMPLES)
    return shown + (" …" if more > 0 else "")


def apply_undo(plan: UndoPlan, actor) -> dict[str, int]:
    """Put back what the import updated, then delete what it created (records referring to others
    first). Call inside a transaction, after plan_undo(…, lock=True) found no blockers."""
    changes: list[audit.Change] = []
    restored = deleted = 0
    for model in reversed(WRITE_ORDER):
        records = plan.updated.get(model, [])
        if not records:
            continue
        current = {}
        for chunk in _chunks([r.object_id for r in records]):
            current.update(model._base_manager.in_bulk(chunk))
        for record in reversed(records):
            obj = current[record.object_id]
            names = list(record.before)
            was = audit.snapshot(obj, names)
            for name, value in record.before.items():
                _set(obj, name, value)
            obj.version += 1
            obj.save(update_fields=[*names, "version", "updated_at"])
            changes.append(
                audit.Change(f"{model._meta.label_lower}.import_restore", obj, was, audit.snapshot(obj, names))
            )
            restored += 1
    audit.record_many(actor, changes)
    for model in reversed(WRITE_ORDER):
        records = plan.created.get(model, [])
        if not records:
            continue
        for chunk in _chunks([r.object_id for r in records]):
            objs = list(model._base_manager.filter(pk__in=chunk).order_by("pk"))
            # recorded before the delete: an entry names its record, which may name records deleted next
            audit.record_many(
                actor,
                [
                    audit.Change(
                        f"{model._meta.label_lower}.import_delete", obj, audit.snapshot(obj, fields_of(obj)), None
                    )
                    for obj in objs
                ],
            )
            model._base_manager.filter(pk__in=chunk).delete()
            deleted += len(objs)
    return {"deleted": deleted, "restored": restored}


def _set(obj: models.Model, name: str, value) -> None:
    """Set a field from its JSON snapshot (audit.snapshot: references as ids)."""
    f = obj._meta.get_field(name)
    if f.is_relation:
        setattr(obj, f.attname, value)
    else:
        setattr(obj, f.attname, f.to_python(value))
