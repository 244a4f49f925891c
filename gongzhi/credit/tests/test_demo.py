"""The credit files' demo story on the small test world (the property persona's login is named as
in the demo town): records by rule and by hand, one objection waiting, one correction asked,
deterministic and played once."""

import pytest

from gongzhi.core.models import User
from gongzhi.credit import demo
from gongzhi.credit.models import CreditRecord
from gongzhi.credit.workflow import RecordState
from gongzhi.inspections.models import RectificationOrder
from gongzhi.inspections.tests.factories import inspected_with_order

from .factories import name_manager

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def test_the_story_plays_through_the_services_once(world):
    name_manager(world)
    User.objects.filter(username="property_manager").update(username="property")
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    told = demo.play(world.town)
    assert told == "6 credit records (one objection waiting, one correction asked) played through the services."
    assert CreditRecord.objects.filter(category="inspections.overdue").count() == 1
    states = sorted(CreditRecord.objects.values_list("state", flat=True))
    assert states == sorted([RecordState.ACTIVE] * 4 + [RecordState.OBJECTED, RecordState.CORRECTION_ASKED])
    manager_record = CreditRecord.objects.get(manager__isnull=False)
    assert manager_record.manager == world.people["property_manager"] and manager_record.kind == "good"
    assert demo.play(world.town) == ""
