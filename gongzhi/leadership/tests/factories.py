"""The leadership group's meetings on the shared `world` (town 浦江镇; its leadership group 领导小组
with the leader persona as its head), the clock frozen on 2026-10-15: two member units — 陈行派出所
(the police organisation, whose staff is the gov_staff persona) and 文明办 (no organisation)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from gongzhi.leadership import services
from gongzhi.leadership.models import GroupMeeting
from gongzhi.orgs import services as org_services

TODAY = "2026-10-15 10:00"


def at(text: str):
    return timezone.make_aware(datetime.fromisoformat(text))


def units(world) -> None:
    group = world.bodies["leadership"]
    if not group.member_units.exists():
        org_services.add_body_member_unit(actor=None, body=group, label="陈行派出所", organization=world.orgs["police"])
        org_services.add_body_member_unit(actor=None, body=group, label="文明办")


def scheduled(world, when: str = "2026-10-15 14:00", title: str = "领导小组2026年第3次会议") -> GroupMeeting:
    units(world)
    return services.schedule_meeting(
        actor=world.users["office"], town=world.town, title=title, starts_at=at(when), place="镇政府第一会议室"
    )


def held(world, meeting: GroupMeeting, actor="office") -> GroupMeeting:
    """The meeting with one other matter on its agenda, begun."""
    if not meeting.items.exists():
        services.add_item(actor=world.users[actor], meeting=meeting, source="other", title="停车难问题")
    meeting.refresh_from_db()
    return services.hold(actor=world.users[actor], meeting=meeting, version=meeting.version)
