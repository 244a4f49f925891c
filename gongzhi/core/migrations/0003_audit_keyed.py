"""The audit log is sealed with a key kept outside the database and keeps no mobile number nor
party membership (issue 11, findings 4 and 7).

Existing entries are first checked against their old (unkeyed SHA-256) chain — a broken chain
stops the migration, naming where, rather than being re-sealed as if intact — then rewritten once:
numbers pseudonymised, party membership tagged, and each entry sealed with the key. On PostgreSQL a
trigger then refuses UPDATE and DELETE of entries.

The rules are copied here as they stand at this migration (a migration must not change when the
code does later)."""

import hashlib
import hmac
import json
import re
from datetime import UTC

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
SENSITIVE_KEYS = {"is_party_member"}


def _key(purpose):
    return hmac.new(settings.AUDIT_KEY.encode(), purpose.encode(), hashlib.sha256).digest()


def _tag(purpose, value):
    return hmac.new(_key(purpose), value.encode("utf-8"), hashlib.sha256).hexdigest()[:6]


def _pseudonym(phone):
    return f"{phone[:3]}****{phone[-4:]}~{_tag('phone', phone)}"


def _protect(value, object_key):
    if isinstance(value, str):
        return PHONE.sub(lambda m: _pseudonym(m.group(0)), value)
    if isinstance(value, dict):
        return {
            k: f"*~{_tag('sensitive', f'{object_key}:{k}:{v}')}"
            if k in SENSITIVE_KEYS and v is not None
            else _protect(v, object_key)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_protect(v, object_key) for v in value]
    return value


def _fields(entry):
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


def _canonical(fields):
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def reseal(apps, schema_editor):
    AuditChain = apps.get_model("core", "AuditChain")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for chain in AuditChain.objects.order_by("pk"):
        reseal_chain(AuditChain, AuditEntry, chain)


def reseal_chain(AuditChain, AuditEntry, chain):  # noqa: N803 - the historical models
    chain_key = _key("chain")
    old_prev, new_prev, expected = GENESIS, GENESIS, 1
    batch = []
    for entry in AuditEntry.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        if (
            entry.seq != expected
            or entry.prev_hash != old_prev
            or hashlib.sha256(_canonical(_fields(entry))).hexdigest() != entry.hash
        ):
            raise RuntimeError(
                f"Audit chain {chain.key} is broken at entry #{expected}: run `manage.py verify_audit` "
                "with the previous release and resolve it before this migration re-seals the log."
            )
        old_prev = entry.hash
        object_key = f"{entry.object_type}:{entry.object_id}"
        entry.object_repr = PHONE.sub(lambda m: _pseudonym(m.group(0)), entry.object_repr)[:200]
        entry.before = _protect(entry.before, object_key)
        entry.after = _protect(entry.after, object_key)
        entry.prev_hash = new_prev
        entry.hash = hmac.new(chain_key, _canonical(_fields(entry)), hashlib.sha256).hexdigest()
        new_prev = entry.hash
        expected += 1
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.bulk_update(batch, ["object_repr", "before", "after", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEntry.objects.bulk_update(batch, ["object_repr", "before", "after", "prev_hash", "hash"])
    if chain.last_seq != expected - 1 or chain.last_hash != old_prev:
        raise RuntimeError(
            f"Audit chain {chain.key}: its head records {chain.last_seq} entries but {expected - 1} are present."
        )
    AuditChain.objects.filter(pk=chain.pk).update(last_hash=new_prev)


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION gongzhi_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION gongzhi_audit_append_only();
"""
NOT_APPEND_ONLY = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS gongzhi_audit_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def not_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NOT_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_town_exceptions")]

    operations = [
        migrations.RunPython(reseal, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(append_only, not_append_only),
    ]
