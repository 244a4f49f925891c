"""The audit log: every state change, append-only, each entry chained to the previous one by
an HMAC-SHA256 keyed with `settings.AUDIT_KEY` (kept outside the database), so that a silent
rewrite or removal is detectable (`manage.py verify_audit`), and a rewrite cannot be re-sealed
by whoever can only write to the database. The chains' heads, kept elsewhere
(`verify_audit --heads`, the audit log page's download), reveal a removed tail or chain
(`verify_audit --expect`). On PostgreSQL a trigger refuses UPDATE and DELETE of entries.

What the log keeps of people is limited to what it needs (PIPL): a mobile number anywhere in an
entry is stored as its masked form with a keyed tag (`138****5678~a1b2c3`: the same number gives
the same tag, so a change is visible and whoever holds the key can check a number, yet the log
holds no number), and party membership only as a per-person keyed tag.

Services call `record()` (or `record_many()` for bulk work) inside their transaction. The chain
head row is locked while appending, so two writers in one town queue up instead of forking the
chain."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
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


def _key(purpose: str) -> bytes:
    """A key for one purpose, derived from AUDIT_KEY (the chain's seal, the tags of numbers)."""
    return hmac.new(settings.AUDIT_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


def entry_hash(fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(_key("chain"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


# A mainland mobile number standing alone (not part of a longer run of digits).
_PHONE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Recorded keys whose values are sensitive personal information: kept as a per-object keyed tag.
SENSITIVE_KEYS = frozenset({"is_party_member"})
TAG_SEPARATOR = "~"
_PHONE_TAGGED = re.compile(r"(1[3-9]\d\*{4}\d{4})" + TAG_SEPARATOR + r"[0-9a-f]{6}")


def _tag(purpose: str, value: str) -> str:
    return hmac.new(_key(purpose), value.encode("utf-8"), hashlib.sha256).hexdigest()[:6]


def phone_pseudonym(phone: str) -> str:
    """13812345678 → 138****5678~<6 hex>: masked, with a keyed tag telling numbers apart."""
    return f"{mask_phone(phone)}{TAG_SEPARATOR}{_tag('phone', phone)}"


def without_numbers(text: str) -> str:
    return _PHONE_IN_TEXT.sub(lambda m: phone_pseudonym(m.group(0)), text)


def protect(value: Any, object_key: str = "") -> Any:
    """What the log keeps of recorded data: every mobile number pseudonymised, sensitive keys as
    tags bound to the object (so two people's tags cannot be compared)."""
    if isinstance(value, str):
        return without_numbers(value)
    if isinstance(value, dict):
        return {
            k: f"*{TAG_SEPARATOR}{_tag('sensitive', f'{object_key}:{k}:{v}')}"
            if k in SENSITIVE_KEYS and v is not None
            else protect(v, object_key)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [protect(v, object_key) for v in value]
    return value


def is_sensitive_tag(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(f"*{TAG_SEPARATOR}")


def shown_without_tag(value: str) -> str:
    """A pseudonymised number as people read it: the masked part only."""
    return _PHONE_TAGGED.sub(lambda m: m.group(1), value)


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
    name = _PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), actor.display_name or actor.get_full_name() or username)
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
            object_key = f"{object_type_of(change.obj)}:{change.obj.pk}"
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
                object_repr=without_numbers(str(change.obj))[:200],
                before=protect(json_safe(change.before), object_key),
                after=protect(json_safe(change.after), object_key),
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


@dataclass(frozen=True)
class Head:
    """A chain's head as kept outside the database: its key, length and last hash."""

    chain: str
    seq: int
    hash: str

    def line(self) -> str:
        return f"{self.chain}\t{self.seq}\t{self.hash}"


def heads(chains=None) -> list[Head]:
    chains = AuditChain.objects.order_by("key") if chains is None else chains
    return [Head(c.key, c.last_seq, c.last_hash) for c in chains]


def parse_heads(text: str) -> list[Head]:
    """Read heads written by `heads_text` (lines `key<TAB>seq<TAB>hash`; `#` starts a comment)."""
    parsed = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit() or not re.fullmatch(r"[0-9a-f]{64}", parts[2]):
            raise ValueError(f"line {number}: expected 'chain length hash', got {raw!r}")
        parsed.append(Head(parts[0], int(parts[1]), parts[2]))
    return parsed


def heads_text(chains=None) -> str:
    at = timezone.localtime().isoformat(timespec="seconds")
    lines = [f"# Gongzhi audit chain heads, {at}: chain, entries, last hash (verify_audit --expect)"]
    lines += [head.line() for head in heads(chains)]
    return "\n".join(lines) + "\n"


def verify_expected(expected: Iterable[Head]) -> list[ChainProblem]:
    """Check heads kept elsewhere against the database: each chain must still exist and hold the
    same entry at the same place (a chain only grows). This catches what the chain alone cannot:
    a removed tail with the head row rewritten, or a whole chain removed."""
    problems = []
    for head in expected:
        chain = AuditChain.objects.filter(key=head.chain).first()
        if chain is None:
            problems.append(ChainProblem(head.chain, head.seq, None, "the chain is missing: removed"))
            continue
        if head.seq == 0:
            continue
        entry = chain.entries.filter(seq=head.seq).first()
        if entry is None:
            problems.append(
                ChainProblem(
                    head.chain, head.seq, None, f"the entry of the kept head is missing (now {chain.last_seq}): removed"
                )
            )
        elif entry.hash != head.hash:
            problems.append(ChainProblem(head.chain, head.seq, entry.pk, "differs from the kept head: rewritten"))
    return problems


def verify_all() -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    for chain in AuditChain.objects.order_by("key"):
        problems.extend(verify_chain(chain))
    return problems
