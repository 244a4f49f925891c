"""The leadership group at work in the demo town, through the services with the clock set to each
moment. The day after the office submits last quarter's evaluation report, it schedules the
group's meeting for three days after the submission and puts on the agenda the report, the oldest
urged record (督办) and the parking problem. At the meeting 14 of the 17 member units are present;
the leader approves the report (its files made, distributed and read: the evaluation reports'
`after_approval`), and the group assigns three decisions — the secretary's party organisation to
correct its neighborhood's late handling, the urged record's organisation to settle it in two
weeks, the city management office with the police to tackle parking — and the office closes the
meeting with its minutes. Twenty days later the party organisation reports its decision carried
out; the group's next meeting, six days from today, has it on the agenda to check, with the urged
records still waiting. A moment that has not come yet leaves the rest. Skipped when the town has
group meetings."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gongzhi.core.models import User
from gongzhi.evaluation_reports import demo as report_demo
from gongzhi.evaluation_reports.models import Report
from gongzhi.evaluation_reports.workflow import ReportState
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import Resolution
from gongzhi.orgs.models import Membership, Organization
from gongzhi.supervision.models import Urging

from . import agenda, services
from .models import GroupMeeting

ORDER = 96  # after the evaluation reports (95): the group decides on the submitted report

_at, _clock = report_demo._at, report_demo._clock
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何"
AWAY = {"劳务所": "excused", "三产办": "excused", "社救所": "absent"}
PARKING = (
    "多个小区反映停车难、乱停车问题突出，消防通道被占用，居民投诉集中。请城管所会同派出所、物业企业研究综合治理方案。"
)
MINUTES = (
    "会议听取了社区事务管理办公室关于本季度“四位一体”社区管理检查评议情况的汇报，审议通过季度评估报告，同意印发。"
    "会议研究了督办事项和小区停车难问题，明确了责任单位和完成时限。会议要求各成员单位按照分工抓好落实，"
    "办公室做好跟踪督办，下次会议听取落实情况。"
)


def _title_of(label: str) -> str:
    for ending, title in (("所", "所长"), ("办", "主任"), ("科", "科长"), ("党委", "书记")):
        if label.endswith(ending):
            return title
    return "主任"


def _org(town, name: str) -> Organization | None:
    return Organization.objects.filter(town=town, name=name).first()


def _member_user(organization: Organization | None):
    if organization is None:
        return None
    membership = (
        Membership.objects.filter(organization=organization, person__user__isnull=False)
        .active()
        .select_related("person__user")
        .first()
    )
    return membership.person.user if membership else None


def play(town) -> str:
    if GroupMeeting.objects.filter(town=town).exists() or services.leadership_group(town) is None:
        return ""
    users = {u.username: u for u in User.objects.filter(username__in=["office", "leader"])}
    office, leader = users.get("office"), users.get("leader")
    if office is None or leader is None:
        return ""
    told = []
    report = Report.objects.filter(town=town, state=ReportState.SUBMITTED).order_by("submitted_at").first()
    if report is not None:
        told.append(_the_meeting_on_the_report(town, report, office, leader))
    coming = _the_next_meeting(town, office)
    if coming:
        told.append(coming)
    return "Leadership group: " + "; ".join(told) + "." if told else ""


def _the_meeting_on_the_report(town, report: Report, office, leader) -> str:
    submitted = timezone.localtime(report.submitted_at).date()
    starts = _at(submitted + timedelta(days=3), 14, 30)
    scheduled_at = _at(submitted + timedelta(days=1), 9)
    if scheduled_at > timezone.now():
        return ""
    with _clock(scheduled_at):
        meeting = services.schedule_meeting(
            actor=office, town=town, title=f"{town.name}“四位一体”社区管理领导小组会议（{report.period[:4]}年第{report.period[5:]}季度）",
            starts_at=starts, place="镇政府三楼第一会议室",
        )  # fmt: skip
        report_item = services.add_item(actor=office, meeting=meeting, source="report", record=report)
        urging = Urging.objects.filter(town=town).waiting().order_by("first_urged_at", "pk").first()
        matter = services.add_item(actor=office, meeting=meeting, source="matter", record=urging) if urging else None
        parking = services.add_item(
            actor=office, meeting=meeting, source="other", title="小区停车难问题综合治理", description=PARKING
        )
    if starts > timezone.now():
        return f"{meeting.title} scheduled"
    day = starts.date()
    with _clock(starts):
        meeting.refresh_from_db()
        meeting = services.hold(actor=office, meeting=meeting, version=meeting.version)
        rows = {}
        for n, row in enumerate(meeting.attendance.all()):
            status = AWAY.get(row.label, "present")
            rows[row.pk] = (
                status,
                f"{SURNAMES[n % len(SURNAMES)]}{_title_of(row.label)}" if status == "present" else "",
            )
        meeting = services.record_attendance(actor=office, meeting=meeting, rows=rows, version=meeting.version)
    with _clock(starts + timedelta(minutes=30)):
        report_item.refresh_from_db()
        services.conclude_item(
            actor=leader, item=report_item, outcome="concluded", version=report_item.version, report_decision="approve",
            conclusion="会议审议通过本季度评估报告，同意印发各成员单位和相关单位。",
        )  # fmt: skip
        party = _secretarys_party(town)
        if party is not None:
            services.adopt_decision(
                actor=office, item=report_item, lead=party, due=day + timedelta(days=30), neighborhood=party.neighborhood,
                text=f"{party.name}牵头，对本居民区按时调处率偏低的问题开展自查整改，一个月内向领导小组报告整改情况。",
            )  # fmt: skip
    with _clock(starts + timedelta(minutes=60)):
        if matter is not None:
            if urging.organizations.exists():
                services.adopt_decision(
                    actor=leader, item=matter, lead=urging.organizations.order_by("pk").first(),
                    due=day + timedelta(days=14), text=f"请责任单位在两周内办结“{urging.title}”，并在平台上报告办理结果。",
                )  # fmt: skip
            matter.refresh_from_db()
            services.conclude_item(
                actor=office, item=matter, outcome="concluded", version=matter.version,
                conclusion="会议要求责任单位限期办结，办公室跟踪督办。",
            )  # fmt: skip
        city, police = _org(town, "城管所"), _org(town, "陈行派出所")
        if city is not None:
            services.adopt_decision(
                actor=leader, item=parking, lead=city, co_organizations=[police] if police else [],
                due=day + timedelta(days=45), text="制定小区停车综合治理方案，清理占用消防通道车辆，45天内完成第一阶段整治。",
            )  # fmt: skip
        parking.refresh_from_db()
        services.conclude_item(
            actor=office, item=parking, outcome="concluded", version=parking.version,
            conclusion="会议同意由城管所牵头、派出所配合，开展停车秩序综合治理。",
        )  # fmt: skip
    with _clock(starts + timedelta(hours=2)):
        meeting.refresh_from_db()
        if not meeting.items.filter(outcome="pending").exists():
            services.close_meeting(actor=office, meeting=meeting, minutes=MINUTES, version=meeting.version)
    report.refresh_from_db()
    distributed = report_demo.after_approval(report) if report.approved_at else ""
    _party_reports_done(town, day)
    return f"{meeting.title} held ({meeting.items.count()} items; report {distributed})"


def _secretarys_party(town) -> Organization | None:
    """The party organisation of the secretary persona (its neighborhood's handling is to improve)."""
    membership = (
        Membership.objects.filter(
            person__user__username="secretary", organization__town=town, organization__kind=Organization.Kind.PARTY_ORG
        )
        .active()
        .select_related("organization__neighborhood")
        .first()
    )
    return membership.organization if membership else None


def _party_reports_done(town, day) -> None:
    """Twenty days after the meeting the party organisation reports its decision carried out."""
    moment = _at(day + timedelta(days=20), 16)
    party = _secretarys_party(town)
    user = User.objects.filter(username="secretary").first()
    if moment > timezone.now() or party is None or user is None:
        return
    resolution = Resolution.objects.filter(town=town, body__isnull=False, lead=party, state="in_progress").first()
    if resolution is not None:
        with _clock(moment):
            meeting_services.report_progress(
                actor=user, resolution=resolution, done=True,
                text="已逐案核查超时诉求，约谈物业负责人，建立周例会跟踪机制，按时调处率已回升，整改情况已形成书面报告。",
            )  # fmt: skip


def _the_next_meeting(town, office) -> str:
    """The group's next meeting, six days from today, its agenda from the suggestions: the
    decisions to check and the urged records still waiting."""
    today = timezone.localdate()
    starts = _at(today + timedelta(days=6), 14, 30)
    meeting = services.schedule_meeting(
        actor=office, town=town, title=f"{town.name}“四位一体”社区管理领导小组会议（{starts:%Y年%m月%d日}）",
        starts_at=starts, place="镇政府三楼第一会议室",
    )  # fmt: skip
    offered = agenda.suggestions(meeting)
    for resolution in offered.follow_ups:
        services.add_item(actor=office, meeting=meeting, source="follow_up", record=resolution)
    for urging in offered.matters[:3]:
        services.add_item(actor=office, meeting=meeting, source="matter", record=urging)
    return f"the next meeting on {starts:%Y-%m-%d} with {meeting.items.count()} items"
