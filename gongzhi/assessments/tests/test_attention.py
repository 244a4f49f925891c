"""Home-page items: the assessor's scores to give, the assessed organisation's draft while it may
object, the office's objections to decide, the leadership group's annual cycles to approve."""

import pytest
from django.utils import timezone

from gongzhi.assessments import attention, services
from gongzhi.assessments.models import Cycle
from gongzhi.core.scope import get_scope

from .factories import drafts_shown, opened, scenario, score_all

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-01-11 10:00")]


def texts(world, persona):
    user = world.users[persona]
    return [item.text for item in attention.items_for(user, get_scope(user), timezone.localdate())]


def test_each_role_sees_what_waits_for_it(world, clock):
    s = scenario(world)
    assert "12 assessment scores to give" in texts(world, "office")  # 2026Q3: c1, c2 × (5 manual + the survey)
    assert texts(world, "rc_worker") == []  # objected already
    assert "1 objection to an assessment to decide" in texts(world, "office")
    oc = opened(world, "owners_committee")
    score_all(world, oc)
    oc = drafts_shown(world, oc)
    assert texts(world, "oc_member") == [
        f"Your draft assessment 2026Q4: you may object until {oc.objection_until.isoformat()}"
    ]
    assert any("assessment score" in t for t in texts(world, "inspector")) is False  # nothing left in 世博
    services.decide_objection(actor=world.users["office"], assessment=s.a_rc1, version=s.a_rc1.version, reason="维持")
    clock.move_to(f"{s.rc.objection_until.isoformat()} 10:00")
    clock.shift(days=1)
    rc = Cycle.objects.get(pk=s.rc.pk)
    services.close_objections(actor=world.users["office"], cycle=rc, version=rc.version)
    assert texts(world, "leader") == ["1 annual assessment cycle to approve"]
    assert not any("approve" in t for t in texts(world, "office"))
