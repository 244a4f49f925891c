"""The audit chain (DESIGN.md convention 9): written by services, append-only, and any altered
or removed entry is detected by `manage.py verify_audit`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gongzhi.core import audit
from gongzhi.core.models import AuditChain, AuditEntry
from gongzhi.places import services
from gongzhi.testing import tampering_with_the_audit_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    office = world.users["office"]
    compound = services.create_compound(
        actor=office, data={"neighborhood": world.n1, "code": "new1", "name": "新建小区"}
    )
    services.update_compound(actor=office, compound=compound, data={"name": "新建小区（改）"}, expected_version=1)
    building = services.create_building(actor=office, compound=compound, data={"number": "9号楼"})
    services.create_unit(actor=office, building=building, data={"number": "901", "area": "99.00"})
    return compound


def verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, err.getvalue()
    return 0, out.getvalue()


def test_services_write_a_chained_entry_per_change(history):
    entries = list(AuditEntry.objects.filter(action__startswith="places.").order_by("seq"))
    assert [e.action for e in entries] == [
        "places.compound.create",
        "places.compound.update",
        "places.building.create",
        "places.unit.create",
    ]
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.hash
    update = entries[1]
    assert update.before == {"name": "新建小区"} and update.after == {"name": "新建小区（改）"}
    assert update.actor.username == "office"


def test_intact_chain_verifies(history):
    code, output = verify()
    assert code == 0, output
    assert "intact" in output


def test_altered_entry_is_detected(history):
    entry = AuditEntry.objects.get(action="places.compound.update")
    with tampering_with_the_audit_log():
        AuditEntry.objects.filter(pk=entry.pk).update(after={"name": "篡改"})  # a silent rewrite in the database
    code, output = verify()
    assert code == 1
    assert f"#{entry.seq}" in output and f"id {entry.pk}" in output and "altered" in output


def test_deleted_entry_is_detected(history):
    entry = AuditEntry.objects.get(action="places.building.create")
    with tampering_with_the_audit_log(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])  # noqa: S608
    code, output = verify()
    assert code == 1
    assert f"#{entry.seq}" in output and "removed" in output


def test_deleted_last_entry_is_detected(history):
    last = AuditEntry.objects.order_by("-chain_id", "-seq").filter(chain__key=f"town:{history.town_id}").first()
    with tampering_with_the_audit_log(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [last.pk])  # noqa: S608
    code, output = verify()
    assert code == 1 and "removed at the end" in output


def test_entries_cannot_be_changed_or_deleted_through_the_orm(history):
    entry = AuditEntry.objects.first()
    entry.action = "x"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    from gongzhi.testing import TownFactory

    town = TownFactory()
    with pytest.raises(RuntimeError):
        audit.record(None, "places.town.update", town)


def test_chains_are_per_town(world):
    from gongzhi.places import services as ps

    with transaction.atomic():
        ps.create_neighborhood(actor=world.users["outsider"], town=world.other, data={"code": "o2", "name": "另一"})
        ps.create_neighborhood(actor=world.users["office"], town=world.town, data={"code": "t2", "name": "本镇新"})
    keys = set(AuditChain.objects.values_list("key", flat=True))
    assert {f"town:{world.town.pk}", f"town:{world.other.pk}"} <= keys


def test_timeline_reads_in_the_users_language(world):
    from django.utils import translation

    from gongzhi.core.audit_display import action_label, changes
    from gongzhi.orgs import services as org_services

    with transaction.atomic():
        org_services.add_body_member_unit(
            actor=world.users["office"],
            body=world.bodies["leadership"],
            label="文明办",
            organization=world.orgs["police"],
        )
    entry = AuditEntry.objects.get(action="orgs.body.add_member_unit")
    with translation.override("zh-hans"):
        assert action_label(entry.action) == "机构 · 添加成员单位"
        assert ("成员单位", None, "文明办") in changes(entry)
        assert ("组织", None, "陈行派出所") in changes(entry)


def test_timeline_shows_values_named_like_reverse_relations(world):
    from gongzhi.core.audit_display import changes

    with transaction.atomic():
        entry = audit.record(None, "places.compound.update", world.c1, after={"buildings": 3})
    assert changes(entry) == [("buildings", None, 3)]


def test_a_residents_number_is_masked_in_the_history(world):
    from gongzhi.testing import UserFactory

    resident = UserFactory(username="13912345678", phone="13912345678")
    with transaction.atomic():
        entry = audit.record(resident, "places.compound.update", world.c1, after={"name": "x"})
    assert entry.actor_label == "139****5678"
    with transaction.atomic():
        staff = audit.record(world.users["office"], "places.compound.update", world.c1, after={"name": "y"})
    assert staff.actor_label == "office人员 (office)"


def test_every_recorded_verb_has_a_label():
    """Each action code services write reads as words in the history, never as a raw code."""
    import re
    from pathlib import Path

    from django.apps import apps

    from gongzhi.core.audit_display import LABELS

    root = Path(__file__).resolve().parents[2]
    labels = "|".join(c.label for c in apps.get_app_configs() if c.name.startswith("gongzhi."))
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "personal_data.py":
            continue  # personal_data.py names fields ("cases.case.reporter_phone"), not actions
        codes |= set(re.findall(rf'"((?:{labels})\.[a-z_]+\.[a-z_]+)"', path.read_text()))
    from gongzhi.cases.workflow import Action

    codes |= {f"cases.case.{a.value}" for a in Action}
    from gongzhi.meetings.workflow import ItemAction, ResolutionAction

    codes |= {f"meetings.item.{a}" for a in ("conclude", "carry_over", "withdraw")}
    codes |= {f"meetings.resolution.{a.value}" for a in ResolutionAction if a != ResolutionAction.REPORT_CONTRARY}
    assert ItemAction.CARRY_OVER.value == "carry_over"
    assert len(codes) > 30, codes  # the search found the services' action codes
    missing = sorted(
        c
        for c in codes
        if c.rpartition(".")[2] not in LABELS.verbs
        and c.rpartition(".")[2] not in LABELS.verbs_by_type.get(c.rpartition(".")[0], {})
    )
    assert not missing, missing
