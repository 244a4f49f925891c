"""The audit log: every state change, append-only, each entry chained to the previous one by
a SHA-256 hash so that a silent rewrite or removal is detectable (`manage.py verify_audit`).

Services call `record()` (or `record_many()` for bulk work) inside their transaction. The chain
head row is locked while appending, so two writers in one town queue up instead of forking the
chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .models import AuditChain, AuditEntry
from .phones import mask_phone

GENESIS = "0" * 64
PLATFORM_CHAIN = "platform"


def json_safe(value: Any) -> Any:
    """Turn a value into plain JSON data whose round trip through the database is exact."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (Decimal, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [json_safe(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The listed fields of `obj` as JSON data; foreign keys as their ids."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = json_safe(getattr(obj, attname))
    return data


def object_type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def entry_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "prev": entry.prev_hash,
        "at": entry.at.astimezone(UTC).isoformat(),
        "town": entry.town_id,
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
    }


@dataclass(frozen=True)
class Change:
    """One change to be appended: what `record_many` takes."""

    action: str
    obj: models.Model
    before: dict | None = None
    after: dict | None = None
    town_id: int | None = None


def _town_id_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "places.town":
        return obj.pk
    return getattr(obj, "town_id", None)


def _locked_chain(town_id: int | None) -> AuditChain:
    key = f"town:{town_id}" if town_id else PLATFORM_CHAIN
    try:
        return AuditChain.objects.select_for_update().get(key=key)
    except AuditChain.DoesNotExist:
        try:
            with transaction.atomic():
                AuditChain.objects.create(key=key, town_id=town_id)
        except IntegrityError:
            pass  # created meanwhile by a concurrent writer
        return AuditChain.objects.select_for_update().get(key=key)


def _actor_label(actor) -> str:
    """Who acted, as the history shows it. A resident's account is named by its mobile number:
    kept masked here, since the history is read by staff who must not see it in full."""

    if actor is None:
        return "system"
    username = actor.get_username()
    if username.isdigit():
        username = mask_phone(username)
    name = actor.display_name or actor.get_full_name() or username
    return f"{name} ({username})" if name != username else name


def record_many(actor, changes: list[Change]) -> list[AuditEntry]:
    """Append several changes at once (bulk work such as a spreadsheet import)."""
    if not changes:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries must be written inside the service's transaction.")
    by_town: dict[int | None, list[Change]] = {}
    for change in changes:
        town_id = change.town_id if change.town_id is not None else _town_id_of(change.obj)
        by_town.setdefault(town_id, []).append(change)
    written: list[AuditEntry] = []
    now = timezone.now()
    label = _actor_label(actor)
    for town_id in sorted(by_town, key=lambda t: t or 0):
        chain = _locked_chain(town_id)
        entries = []
        seq, prev = chain.last_seq, chain.last_hash
        for change in by_town[town_id]:
            seq += 1
            entry = AuditEntry(
                chain=chain,
                seq=seq,
                town_id=town_id,
                at=now,
                actor=actor,
                actor_label=label,
                action=change.action,
                object_type=object_type_of(change.obj),
                object_id=str(change.obj.pk),
                object_repr=str(change.obj)[:200],
                before=json_safe(change.before),
                after=json_safe(change.after),
                prev_hash=prev,
            )
            entry.hash = entry_hash(hashed_fields(entry))
            prev = entry.hash
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
        AuditChain.objects.filter(pk=chain.pk).update(last_seq=seq, last_hash=prev)
        written.extend(entries)
    return written


def record(
    actor,
    action: str,
    obj: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    town_id: int | None = None,
) -> AuditEntry:
    """Append one change of `obj` made by `actor` (None for the system)."""
    return record_many(actor, [Change(action, obj, before, after, town_id)])[0]


def timeline(obj: models.Model):
    """The audit entries of one object, newest first."""
    return (
        AuditEntry.objects.filter(object_type=object_type_of(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-seq")
    )


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    entry_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"entry #{self.seq}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"chain {self.chain}: {where}: {self.message}"


def verify_chain(chain: AuditChain) -> Iterator[ChainProblem]:
    """Walk one chain; yield the first problem found (there is at most one: after a break the
    rest of the chain cannot be trusted)."""
    expected_seq, prev = 1, GENESIS
    for entry in chain.entries.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            yield ChainProblem(
                chain.key, expected_seq, None, f"missing (the next entry present is #{entry.seq}): removed"
            )
            return
        if entry.prev_hash != prev:
            yield ChainProblem(chain.key, entry.seq, entry.pk, "does not link to the previous entry")
            return
        if entry_hash(hashed_fields(entry)) != entry.hash:
            yield ChainProblem(chain.key, entry.seq, entry.pk, "content does not match its hash: altered")
            return
        prev = entry.hash
        expected_seq += 1
    if chain.last_seq != expected_seq - 1 or chain.last_hash != prev:
        yield ChainProblem(
            chain.key,
            expected_seq,
            None,
            f"the chain head records {chain.last_seq} entries but {expected_seq - 1} are present: removed at the end",
        )


def verify_all() -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    for chain in AuditChain.objects.order_by("key"):
        problems.extend(verify_chain(chain))
    return problems
