"""督办: the overdue records of each kind, urging one (notified, on the record's own timeline,
listed until it moves), urging again, and every refusal said in words with nothing written."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core import audit
from gongzhi.notifications.models import Notification
from gongzhi.notifications.services import users_of
from gongzhi.supervision import kinds, services
from gongzhi.supervision.models import Urging
from gongzhi.warning_letters import services as letter_services
from gongzhi.warning_letters.tests.factories import photo, sent

from .factories import START, Overdue

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(START)]


@pytest.fixture
def overdue(world, clock):
    return Overdue(world, clock)


def test_each_kind_finds_its_overdue_records_by_its_own_rule(world, overdue):
    today = date(2026, 12, 7)
    found = {code: list(spec.overdue_in([world.town.pk], today)) for code, spec in kinds.KINDS.items()}
    assert found == {"case": [overdue.case], "order": [overdue.order], "resolution": [], "letter": [overdue.letter]}
    assert not any(spec.overdue_in([world.other.pk], today).exists() for spec in kinds.KINDS.values())


def test_the_leader_urges_an_order_its_organisation_is_told_and_its_history_says_so(world, overdue):
    leader = world.users["leader"]
    order = overdue.order
    responsible_users = users_of([order.responsible_id])
    assert responsible_users  # someone to tell
    before = Notification.objects.count()
    urging = services.urge(actor=leader, kind="order", obj=order, note="请于本周内完成整改并上传照片")
    assert (urging.kind, urging.object_uid, urging.times, urging.waiting) == ("order", order.uid, 1, True)
    assert list(urging.organizations.all()) == [order.responsible]
    assert urging.url == f"/inspections/orders/{order.uid}/"
    told = Notification.objects.order_by("pk")[before:]
    assert {n.user_id for n in told} == set(responsible_users)
    assert all("请于本周内完成整改并上传照片" in n.text and n.url == urging.url for n in told)
    # on the order's own timeline, with who and what
    entry = next(e for e in audit.timeline(order) if e.action == "inspections.rectificationorder.urge")
    assert entry.actor_id == leader.pk and entry.after["note"] == "请于本周内完成整改并上传照片"
    # urged again: one urging, counted, told again
    again = services.urge(actor=world.users["office"], kind="order", obj=order, note="再次督办")
    assert (again.pk, again.times, again.note, again.urged_by) == (urging.pk, 2, "再次督办", world.users["office"])
    assert Urging.objects.count() == 1


def test_refusals(world, overdue, clock):
    with pytest.raises(PermissionDenied):  # the inspection group does not urge
        services.urge(actor=world.users["inspector"], kind="case", obj=overdue.case, note="请尽快处理")
    with pytest.raises(PermissionDenied):  # another town's office
        services.urge(actor=world.users["outsider"], kind="case", obj=overdue.case, note="请尽快处理")
    with pytest.raises(ValidationError, match="Say what you ask"):
        services.urge(actor=world.users["leader"], kind="case", obj=overdue.case, note="  ")
    fresh = sent(world, "pc")  # sent today: not past its deadline
    with pytest.raises(ValidationError, match="is not overdue"):
        services.urge(actor=world.users["leader"], kind="letter", obj=fresh, note="请尽快整改")
    assert not Urging.objects.exists()


def test_an_urged_letter_moves_when_it_is_answered(world, overdue):
    letter = overdue.letter
    urging = services.urge(actor=world.users["leader"], kind="letter", obj=letter, note="请按期答复整改情况")
    assert services.mark_moved() == 0  # still past its deadline
    manager = world.users["property_manager"]
    letter = letter_services.acknowledge(actor=manager, letter=letter, version=letter.version)
    letter_services.answer(
        actor=manager, letter=letter, version=letter.version, text="已清理消防通道", evidence=[photo()]
    )
    assert services.mark_moved() == 1
    urging.refresh_from_db()
    assert not urging.waiting and urging.moved_to == "Answered, to verify"
    assert services.mark_moved() == 0  # once
    # a moved urging does not stop a new one when the record is overdue again later
    assert Urging.objects.waiting().count() == 0
