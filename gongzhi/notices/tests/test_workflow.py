"""Every action of the notice's table (gongzhi.notices.workflow) against every state: an allowed
action leads where the table says; a forbidden one is refused (or, for the sweeps, leaves the
notice as it was)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.meetings.services import schedule_meeting
from gongzhi.notices import services
from gongzhi.notices.models import Notice, Opinion
from gongzhi.notices.workflow import NOTICE_WORKFLOW, NoticeAction, NoticeState

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(world):
    return services.create_notice(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        compounds=[world.c1],
        title="停车位调整通报",
        body="拟调整地面停车位，请提出意见。",
        responsible=world.orgs["oc1"],
        closes_on=timezone.localdate() + timedelta(days=7),
    )


def _in_state(notice, state):
    closes = timezone.now() + timedelta(days=3)
    Notice.objects.filter(pk=notice.pk).update(state=state, closes_at=closes, published_at=timezone.now())
    notice.refresh_from_db()
    return notice


def _act(action, notice, world):
    if action == NoticeAction.EDIT:
        return services.update_notice(
            actor=world.users["party_secretary"],
            notice=notice,
            compounds=[world.c1, world.c2],
            title="停车位调整通报（修改）",
            body=notice.body,
            responsible=world.orgs["oc1"],
            closes_on=timezone.localdate() + timedelta(days=7),
            expected_version=notice.version,
        )
    if action == NoticeAction.PUBLISH:
        return services.publish_notice(
            actor=world.users["party_secretary"],
            notice=notice,
            closes_on=timezone.localdate() + timedelta(days=5),
            expected_version=notice.version,
        )
    if action == NoticeAction.COMMENT:
        return services.submit_opinion(
            actor=world.users["resident"], notice=notice, unit=world.unit(world.c1), text="同意"
        )
    if action == NoticeAction.REPLY:
        opinion = Opinion.objects.create(
            notice=notice,
            author=world.users["resident"],
            unit=world.unit(world.c1),
            text="意见",
            created_at=timezone.now(),
        )
        return services.reply_to_opinion(
            actor=world.users["oc_member"], opinion=opinion, text="收到", expected_version=1
        )
    if action == NoticeAction.CLOSE:
        return services.sweep_notices(now=timezone.now() + timedelta(days=4))
    meeting = schedule_meeting(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        title="下次联席会议",
        starts_at=timezone.now() + timedelta(days=2),
    )
    return meeting


SWEEPS = (NoticeAction.CLOSE, NoticeAction.SUMMARISE)  # periodic work: a notice not due is left alone


@pytest.mark.parametrize("state", list(NoticeState))
@pytest.mark.parametrize("action", list(NoticeAction))
def test_notice_transitions(action, state, notice, world):
    notice = _in_state(notice, state)
    expected = NOTICE_WORKFLOW.target(action, state)
    if expected is None and action not in SWEEPS:
        with pytest.raises(ValidationError):
            _act(action, notice, world)
    else:
        _act(action, notice, world)
    assert Notice.objects.get(pk=notice.pk).state == (expected or state)
