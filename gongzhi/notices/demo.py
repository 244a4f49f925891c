"""The notices app's part of the demo town's story (see gongzhi.demo.stories), told inside the
meetings' story at the moment it happens (gongzhi.meetings.demo.follow_resolution): two days after the
joint meeting of 新城 adopts the façade resolution, a written notice goes to the residents of 新城一村;
the demo resident comments and the owners' committee replies; when the comment period ends the
notice is closed and summarised onto the neighborhood's next meeting.

No ORDER and play: this module only adds to the meetings' story."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gongzhi.meetings import demo as meetings_demo
from gongzhi.notices import services
from gongzhi.places.models import Unit


@meetings_demo.follow_resolution
def notify_residents(story, resolution, chair, moment) -> None:
    compound = resolution.item.compound
    closes_on = timezone.localtime(moment).date() + timedelta(days=7)
    with story.clock(moment):
        notice = services.create_notice(
            actor=chair,
            neighborhood=resolution.item.meeting.neighborhood,
            compounds=[compound],
            title=f"关于{compound.name}外立面粉刷的书面通报",
            body=(
                f"经{resolution.item.meeting.title}表决通过，拟对{compound.name}全部楼栋外立面重新粉刷，"
                "费用拟从专项维修资金列支，具体方案另行表决。请各位业主、居民在意见征询期内提出意见和建议。"
            ),
            responsible=resolution.lead,
            closes_on=closes_on,
            resolution=resolution,
        )
        notice = services.publish_notice(
            actor=chair, notice=notice, closes_on=closes_on, expected_version=notice.version
        )
    resident = story.users.get("13800138000")
    owners = story.users.get("owners")
    if resident is None:
        return
    unit = Unit.objects.filter(compound=compound, residencies__person__user=resident).first()
    if unit is None:
        return
    with story.clock(moment + timedelta(days=1, hours=5)):
        opinion = services.submit_opinion(
            actor=resident, notice=notice, unit=unit, text="希望施工期间做好防护，颜色方案请先公示。"
        )
    if owners is not None:
        with story.clock(moment + timedelta(days=2, hours=2)):
            services.reply_to_opinion(
                actor=owners,
                opinion=opinion,
                text="感谢建议。施工前将公示颜色方案和安全防护措施。",
                expected_version=opinion.version,
            )
    with story.clock(moment + timedelta(days=9)):
        services.sweep_notices()  # closed; summarised onto the next meeting's agenda
