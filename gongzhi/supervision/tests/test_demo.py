"""督办's demo story on the test world: the leader urges the overdue order, the office the overdue
case; played once."""

import pytest

from gongzhi.supervision import demo
from gongzhi.supervision.models import Urging

from .factories import START, Overdue

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(START)]


def test_the_story_urges_an_order_and_a_case_once(world, clock):
    overdue = Overdue(world, clock)
    assert demo.play(world.town) == "督办: 2 overdue records urged."
    urged = {(u.kind, u.object_id, u.urged_by.username) for u in Urging.objects.all()}
    assert urged == {("order", overdue.order.pk, "leader"), ("case", overdue.case.pk, "office")}
    assert demo.play(world.town) == ""
