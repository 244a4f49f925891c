"""The audit log's seal and what it keeps of people (issue 11, findings 4 and 7): entries sealed
with a key kept outside the database, heads kept elsewhere catching a removed tail or chain, the
append-only trigger on PostgreSQL, and no mobile number nor party membership in the log."""

import hashlib
import importlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from gongzhi.core import audit
from gongzhi.core.audit_display import changes
from gongzhi.core.models import AuditChain, AuditEntry
from gongzhi.orgs import services as org_services
from gongzhi.places import services
from gongzhi.testing import PersonFactory, UserFactory, tampering_with_the_audit_log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def history(world):
    office = world.users["office"]
    compound = services.create_compound(actor=office, data={"neighborhood": world.n1, "code": "s1", "name": "封存小区"})
    for name in ("封存小区一", "封存小区二", "封存小区三"):
        compound.refresh_from_db()
        services.update_compound(
            actor=office, compound=compound, data={"name": name}, expected_version=compound.version
        )
    return AuditChain.objects.get(key=f"town:{compound.town_id}")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue() + str(exc)
    return 0, out.getvalue()


def keep_heads(tmp_path):
    path = tmp_path / "heads.txt"
    path.write_text(audit.heads_text(), encoding="utf-8")
    return str(path)


def test_a_rewrite_resealed_without_the_key_is_detected(history):
    """An intruder with the database but not AUDIT_KEY rewrites an entry and re-hashes it and
    every later entry as the old unkeyed chain did: the keyed check still fails."""
    entries = list(history.entries.order_by("seq"))
    target = entries[1]
    with tampering_with_the_audit_log():
        prev = target.prev_hash
        for entry in entries[1:]:
            if entry.pk == target.pk:
                entry.after = {"name": "篡改"}
            entry.prev_hash = prev
            canonical = json.dumps(
                audit.hashed_fields(entry), sort_keys=True, ensure_ascii=False, separators=(",", ":")
            )
            entry.hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            prev = entry.hash
            AuditEntry.objects.filter(pk=entry.pk).update(after=entry.after, prev_hash=entry.prev_hash, hash=entry.hash)
        AuditChain.objects.filter(pk=history.pk).update(last_hash=prev)
    code, output = run()
    assert code == 1 and f"#{target.seq}" in output and "altered" in output


def test_kept_heads_catch_a_removed_tail_with_the_head_rewritten(history, tmp_path):
    kept = keep_heads(tmp_path)
    assert run("--expect", kept)[0] == 0
    last = history.entries.order_by("-seq").first()
    previous = history.entries.get(seq=last.seq - 1)
    with tampering_with_the_audit_log(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last.pk])  # noqa: S608
    AuditChain.objects.filter(pk=history.pk).update(last_seq=previous.seq, last_hash=previous.hash)
    assert run()[0] == 0  # the chain alone looks whole …
    code, output = run("--expect", kept)  # … the kept head does not
    assert code == 1 and history.key in output and f"#{last.seq}" in output and "removed" in output


def test_kept_heads_catch_a_whole_chain_removed(history, tmp_path):
    kept = keep_heads(tmp_path)
    with tampering_with_the_audit_log(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE chain_id = %s", [history.pk])  # noqa: S608
        cursor.execute(f"DELETE FROM {AuditChain._meta.db_table} WHERE id = %s", [history.pk])  # noqa: S608
    assert run()[0] == 0
    code, output = run("--expect", kept)
    assert code == 1 and f"{history.key}" in output and "chain is missing" in output


def test_kept_heads_still_match_after_more_is_recorded(history, tmp_path, world):
    kept = keep_heads(tmp_path)
    services.create_compound(actor=world.users["office"], data={"neighborhood": world.n1, "code": "s2", "name": "后来"})
    code, output = run("--expect", kept, "--heads")
    assert code == 0 and "kept head(s) match" in output
    assert f"{history.key}\t{history.entries.count()}\t" in output


def test_the_printed_heads_are_the_next_runs_kept_heads(history, tmp_path, world):
    """The nightly cron (docs/deployment.md): `verify_audit --expect latest.txt --heads > new.txt`,
    then new.txt becomes latest.txt — what --heads prints is read back by --expect."""
    code, printed = run("--heads")
    assert code == 0 and printed.rstrip().endswith("entries.")
    kept = tmp_path / "latest.txt"
    kept.write_text(printed, encoding="utf-8")
    services.create_compound(actor=world.users["office"], data={"neighborhood": world.n1, "code": "s3", "name": "次日"})
    code, printed = run("--expect", str(kept), "--heads")
    assert code == 0 and "kept head(s) match" in printed
    kept.write_text(printed, encoding="utf-8")
    assert run("--expect", str(kept))[0] == 0


def test_a_malformed_heads_file_is_refused_in_words(tmp_path, history):
    bad = tmp_path / "bad.txt"
    bad.write_text("town:1 7 not-a-hash\n", encoding="utf-8")
    code, output = run("--expect", str(bad))
    assert code == 2 and "line 1" in output
    assert run("--expect", str(tmp_path / "absent.txt"))[0] == 2


def test_the_office_downloads_its_towns_heads_only(client, world, history):
    services.create_neighborhood(actor=world.users["outsider"], town=world.other, data={"code": "o9", "name": "外镇"})
    client.force_login(world.users["office"])
    response = client.get("/audit/heads/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    heads = audit.parse_heads(response.content.decode())
    assert [h.chain for h in heads] == [f"town:{world.town.pk}"]
    assert heads[0].seq == history.last_seq
    client.force_login(world.users["rc_worker"])
    assert client.get("/audit/heads/").status_code in (302, 403, 404)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (SQLite is for development)")
def test_postgresql_itself_refuses_to_change_or_delete_an_entry(history):
    entry = history.entries.first()
    for statement in (
        f"UPDATE {AuditEntry._meta.db_table} SET action = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, action=entry.action).exists()


# --- What the log keeps of people ---------------------------------------------------------------


def test_the_log_keeps_no_mobile_number_nor_party_membership(world):
    office = world.users["office"]
    person = PersonFactory(town=world.town, name="陈静", phone="13911112222")
    org_services.update_person(
        actor=office,
        person=person,
        data={"phone": "13933334444", "is_party_member": True},
        expected_version=person.version,
    )
    entry = AuditEntry.objects.filter(action="orgs.person.update", object_id=str(person.pk)).latest("seq")
    stored = json.dumps([entry.before, entry.after, entry.object_repr], ensure_ascii=False)
    assert "13911112222" not in stored and "13933334444" not in stored
    assert entry.before["phone"] == audit.phone_pseudonym("13911112222")
    assert entry.before["phone"].startswith("139****2222~") and entry.after["phone"].startswith("139****4444~")
    assert entry.before["is_party_member"] != entry.after["is_party_member"]  # a change is still visible …
    assert "True" not in stored and "true" not in stored  # … its value is not
    shown = {label: (before, after) for label, before, after in changes(entry)}
    assert ("139****2222", "139****4444") in shown.values()
    assert any(after == "(recorded, not shown)" for _before, after in shown.values())


def test_numbers_in_text_and_a_residents_account_name_are_pseudonymised(world):
    resident = UserFactory(username="13955556666", phone="13955556666")
    with transaction.atomic():
        entry = audit.record(
            world.users["office"], "places.compound.update", resident, after={"note": "请回电13955556666，或 021-5812"}
        )
    assert "13955556666" not in entry.object_repr + json.dumps(entry.after)
    assert entry.after["note"] == f"请回电{audit.phone_pseudonym('13955556666')}，或 021-5812"
    assert changes(entry)[0][2] == "请回电139****6666，或 021-5812"


def test_the_same_number_gets_the_same_tag_and_another_number_another():
    assert audit.phone_pseudonym("13812345678") == audit.phone_pseudonym("13812345678")
    assert audit.phone_pseudonym("13812345678") != audit.phone_pseudonym("13899995678")


def test_the_tag_depends_on_the_key(settings):
    before = audit.phone_pseudonym("13812345678")
    settings.AUDIT_KEY = "another-key-" + "x" * 40
    assert audit.phone_pseudonym("13812345678") != before


# --- The migration that sealed the existing log --------------------------------------------------


def _old_style_entry(chain, seq, prev, **content):
    entry = AuditEntry(chain=chain, seq=seq, town_id=chain.town_id, actor_label="system", prev_hash=prev, **content)
    fields = audit.hashed_fields(entry)
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    entry.hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    entry.save()
    return entry


def test_the_migration_reseals_an_old_log_and_removes_its_numbers(world):
    from django.utils import timezone

    reseal_chain = importlib.import_module("gongzhi.core.migrations.0003_audit_keyed").reseal_chain
    chain = AuditChain.objects.create(key="town:old", town=world.other)
    now = timezone.now()
    first = _old_style_entry(
        chain,
        1,
        audit.GENESIS,
        at=now,
        action="orgs.person.update",
        object_type="orgs.person",
        object_id="9",
        object_repr="王五",
        before={"phone": "13700001111"},
        after={"phone": "13700002222", "is_party_member": True},
    )
    second = _old_style_entry(
        chain,
        2,
        first.hash,
        at=now,
        action="core.user.update",
        object_type="core.user",
        object_id="3",
        object_repr="13700002222",
        before=None,
        after={"username": "13700002222"},
    )
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=2, last_hash=second.hash)
    assert list(audit.verify_chain(AuditChain.objects.get(pk=chain.pk)))  # the old seal no longer verifies …
    with tampering_with_the_audit_log():
        reseal_chain(AuditChain, AuditEntry, AuditChain.objects.get(pk=chain.pk))
    assert not list(audit.verify_chain(AuditChain.objects.get(pk=chain.pk)))  # … the new one does
    stored = json.dumps(list(chain.entries.values("object_repr", "before", "after")), ensure_ascii=False)
    assert "13700001111" not in stored and "13700002222" not in stored and "true" not in stored


def test_the_migration_refuses_to_reseal_a_broken_old_log(world):
    from django.utils import timezone

    reseal_chain = importlib.import_module("gongzhi.core.migrations.0003_audit_keyed").reseal_chain
    chain = AuditChain.objects.create(key="town:old", town=world.other)
    entry = _old_style_entry(
        chain,
        1,
        audit.GENESIS,
        at=timezone.now(),
        action="places.town.update",
        object_type="places.town",
        object_id="1",
        object_repr="x",
        before=None,
        after={"name": "原"},
    )
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=1, last_hash=entry.hash)
    with tampering_with_the_audit_log():
        AuditEntry.objects.filter(pk=entry.pk).update(after={"name": "改"})
        with pytest.raises(RuntimeError, match="broken at entry #1"):
            reseal_chain(AuditChain, AuditEntry, AuditChain.objects.get(pk=chain.pk))
