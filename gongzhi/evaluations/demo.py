"""The quarterly inspection-evaluation of the demo town, played through the services with the clock
set to each moment: in the last month of the last quarter the office opens the quarter's
evaluation, reports due ten working days later; every party with a login reports in time — except
the property company serving the last neighborhood, whose report is overdue (the quarter is still
open, so the office's home page and the neighborhood's page show it); in every neighborhood a forum
is held (the inspection group records it where it covers the neighborhood, the office elsewhere)
with participants of the seed's five categories and realistic opinions, some asking for action;
the group sends one about the property company as a rectification order, answered and closed.
Deterministic; skipped when the town has an evaluation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.utils import timezone

from gongzhi.core import workdays
from gongzhi.core.models import User
from gongzhi.inspections.demo import photo
from gongzhi.inspections.services import answer_order, close_order
from gongzhi.orgs.models import Membership, Organization
from gongzhi.orgs.pickers import serving

from . import services
from .models import NeighborhoodEvaluation, ParticipantCategory, QuarterlyEvaluation

ORDER = 50  # after the surveys (40): the quarter's survey shows on the neighborhood's page

REPORTS = {
    Organization.Kind.PARTY_ORG: "本季度召开党组织扩大会议{n}次，牵头协调居民区重大事项；组织党员志愿者参与楼道清理和夜间巡逻。",
    Organization.Kind.RESIDENTS_COMMITTEE: "本季度共受理居民诉求{n}0余件，上门走访居民{n}00户；按时召开联席会议，决议事项均已落实或在推进中。",
    Organization.Kind.OWNERS_COMMITTEE: "本季度召开业委会会议{n}次，审核维修资金使用两项；监督物业服务合同履行，对保洁质量提出整改意见。",
    Organization.Kind.PROPERTY_COMPANY: "本季度完成电梯年检、消防设施检测；处理报修{n}0余件，及时率95%；下季度计划更换部分楼道照明。",
}
PARTICIPANTS = (
    (ParticipantCategory.RC_CADRE, ("王芳", "刘敏")),
    (ParticipantCategory.OWNER_REP, ("李强", "赵丽", "孙建国")),
    (ParticipantCategory.PROPERTY_REP, ("张伟",)),
    (ParticipantCategory.DEVELOPER_REP, ("周磊",)),
    (ParticipantCategory.CONGRESS_DELEGATE, ("陈静", "吴涛", "郑秀英")),
)
# (text, kind of organisation concerned, asks for action)
OPINIONS = (
    ("地下车库照明不足，晚上出入不安全，希望尽快更换灯具。", Organization.Kind.PROPERTY_COMPANY, True),
    ("垃圾箱房周边异味较重，清运不及时。", Organization.Kind.PROPERTY_COMPANY, True),
    ("居委会组织的老年人助餐活动很受欢迎，希望继续。", Organization.Kind.RESIDENTS_COMMITTEE, False),
    ("业委会公示维修资金使用情况不够及时，请按季度公示。", Organization.Kind.OWNERS_COMMITTEE, True),
    ("党员志愿者楼道巡查效果明显，群租现象有所减少。", Organization.Kind.PARTY_ORG, False),
)


def _at(day: date, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _last_quarter(today: date) -> tuple[int, int, date]:
    """(year, quarter, its last month's first day) of the quarter before today's."""
    quarter = (today.month - 1) // 3 + 1
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return year, quarter, date(year, quarter * 3, 1)


def _member_user(organization) -> User | None:
    membership = (
        Membership.objects.filter(organization=organization, person__user__isnull=False)
        .active()
        .select_related("person__user")
        .order_by("-position", "pk")
        .first()
    )
    return membership.person.user if membership else None


def play(town) -> str:
    if QuarterlyEvaluation.objects.filter(town=town).exists():
        return ""
    users = {u.username: u for u in User.objects.filter(username__in=["office", "inspector"])}
    office = users.get("office")
    if office is None:
        return ""
    year, quarter, month = _last_quarter(timezone.localdate())
    opened = workdays.add_working_days(month, 5, town.pk)
    due = workdays.add_working_days(opened, 10, town.pk)
    reports = forums = 0
    with transaction.atomic():
        with _clock(_at(opened, 9)):
            evaluation = services.open_quarter(actor=office, town=town, year=year, quarter=quarter, reports_due=due)
        parts = list(NeighborhoodEvaluation.objects.filter(evaluation=evaluation).select_related("neighborhood"))
        late = None
        if parts:
            late = services.parties_of(parts[-1]).filter(kind=Organization.Kind.PROPERTY_COMPANY).first()
        reported: set[int] = set()
        for index, part in enumerate(parts):
            for n, org in enumerate(services.parties_of(part), start=2):
                member = _member_user(org)
                if org.pk in reported or org == late or member is None:
                    continue
                with _clock(_at(workdays.add_working_days(opened, 2 + (index + n) % 7, town.pk), 15)):
                    services.submit_report(
                        actor=member, part=part, organization=org, text=REPORTS[org.kind].format(n=n)
                    )
                reported.add(org.pk)
                reports += 1
            forums += _forum(part, users, opened + timedelta(days=14 + index))
    return (
        f"the {year} Q{quarter} inspection-evaluation: {reports} reports (one overdue), "
        f"{forums} forums with their opinions."
    )


def _forum(part, users, held_on: date) -> int:
    inspector = users.get("inspector")
    recorder = users["office"]
    if (
        inspector
        and NeighborhoodEvaluation.objects.for_user(inspector, "evaluations.forum").filter(pk=part.pk).exists()
    ):
        recorder = inspector
    concerned = {o.kind: o for o in services.opinion_organizations(part).order_by("pk")}
    with _clock(_at(held_on, 14)):
        forum = services.record_forum(
            actor=recorder,
            part=part,
            held_on=held_on,
            place=f"{part.neighborhood.name}居委会会议室",
            participants=[(name, category, None) for category, names in PARTICIPANTS for name in names],
        )
    opinions = []
    with _clock(_at(held_on, 17)):
        for text, kind, asks in OPINIONS:
            org = concerned.get(kind)
            if org is not None:
                opinions.append(
                    services.add_opinion(actor=recorder, forum=forum, text=text, organization=org, asks_for_action=asks)
                )
    if recorder is inspector:
        _follow_up(recorder, [o for o in opinions if o.asks_for_action], held_on)
    return 1


def _follow_up(inspector, opinions, held_on: date) -> None:
    """The group sends the first opinion about the property company as a rectification order the
    next working day, for a compound the company serves; the company answers within a week and the
    group's re-check closes it (when those days have passed)."""
    today = timezone.localdate()
    for opinion in opinions:
        if opinion.organization.kind != Organization.Kind.PROPERTY_COMPANY:
            continue
        compound = next(
            (
                c
                for c in services.follow_up_compounds(inspector, opinion)
                if serving(c.town_id, [c.pk]).filter(pk=opinion.organization_id).exists()
            ),
            None,
        )
        answerer = _member_user(opinion.organization)
        if compound is None or answerer is None:
            continue
        sent = workdays.add_working_days(held_on, 1, opinion.town_id)
        with _clock(_at(sent, 10)):
            order = services.follow_up_opinion(
                actor=inspector, opinion=opinion, compound=compound, expected_version=opinion.version
            ).rectification
        answered, checked = sent + timedelta(days=6), sent + timedelta(days=8)
        if checked >= today:
            return
        with _clock(_at(answered, 15)):
            order = answer_order(
                actor=answerer, order=order, version=order.version, text="已更换车库灯具。", photos=[photo("after.jpg")]
            )
        with _clock(_at(checked, 10)):
            close_order(actor=inspector, order=order, version=order.version, note="复查：车库照明正常。")
        return
