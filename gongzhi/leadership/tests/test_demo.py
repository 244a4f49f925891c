"""The leadership group's demo story on the test world, after the evaluation reports' (the office
submits last quarter's report): the group's meeting approves the report, which is then distributed
and read; three decisions at most (the test world has no 社区中心 or 城管所: one, on the urged
record, when there is one); the meeting closed with its minutes; the next meeting six days ahead.
Played once."""

import pytest

from gongzhi.core.models import User
from gongzhi.evaluation_reports import demo as report_demo
from gongzhi.evaluation_reports.models import Report
from gongzhi.leadership import demo
from gongzhi.leadership.models import GroupMeeting
from gongzhi.leadership.workflow import MeetingState

from .factories import units

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-05 10:00")]


def test_the_story_plays_through_the_services_once(world):
    User.objects.filter(username="party_secretary").update(username="secretary")
    User.objects.filter(username="property_manager").update(username="property")
    units(world)
    report_demo.play(world.town)
    told = demo.play(world.town)
    assert told.startswith(
        "Leadership group: 浦江镇“四位一体”社区管理领导小组会议（2026年第3季度） held (2 items; report 浦江镇 2026 Q3"
    )
    assert "Distributed, 7 recipients, 2 read" in told and "the next meeting on 2026-12-11" in told
    held, coming = GroupMeeting.objects.order_by("starts_at")
    assert held.state == MeetingState.CLOSED and held.minutes.startswith("会议听取")
    assert coming.state == MeetingState.SCHEDULED
    report = Report.objects.get()
    assert report.approved_by.username == "leader" and report.approved_at.date().isoformat() == "2026-10-15"
    assert dict(held.attendance.values_list("label", "status")) == {"陈行派出所": "present", "文明办": "present"}
    assert demo.play(world.town) == ""


@pytest.mark.frozen("2026-10-13 10:00")
def test_before_the_meeting_it_is_only_scheduled(world):
    units(world)
    report_demo.play(world.town)  # submitted on 10-12
    told = demo.play(world.town)
    assert "scheduled" in told
    first = GroupMeeting.objects.order_by("starts_at").first()
    assert first.state == MeetingState.SCHEDULED and first.items.count() == 2
