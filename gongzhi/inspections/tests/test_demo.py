"""The inspections' demo story on the small test world: a published checklist, inspections by both
groups, orders in several states, idempotent."""

import pytest

from gongzhi.inspections import demo
from gongzhi.inspections.models import Checklist, Inspection, RectificationOrder

pytestmark = pytest.mark.django_db


def test_the_story_plays_through_the_services_once(world):
    told = demo.play(world.town)
    assert f"{Inspection.objects.count()} inspections of the last quarter" in told
    assert Checklist.objects.get(town=world.town).state == Checklist.State.PUBLISHED
    assert set(Inspection.objects.values_list("group__number", flat=True)) == {1}  # g3 has no one signed up
    assert all(i.score is not None for i in Inspection.objects.all())
    assert f"with {RectificationOrder.objects.count()} rectification orders" in told
    assert demo.play(world.town) == ""
