"""Last quarter's evaluation report in the demo town, played through the services with the clock set
to each moment: ten days after the quarter the office starts the report (its figures assembled from
the quarter's records), writes the overview, the three rates and the next steps, and submits it to
the leadership group two days later. The group decides on it at its meeting (gongzhi.leadership's
story, which plays next and calls `after_approval`): then its PDF and Word files are made, the
office distributes it to the seed's list, and the party secretary's and the property company's
people confirm reading it — the other recipients have not yet, so the transmittal list shows both.
A moment that has not come yet leaves the rest for the office. Deterministic; skipped when the
town has reports."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from gongzhi.assessments.sources import last_finished
from gongzhi.core.models import User

from . import services
from .models import Delivery, Report

ORDER = 95  # last: the report reads every app's records

TEXTS = {
    "overview": (
        "本季度，镇“四位一体”社区事务管理办公室会同三个检查组，通过听取“四方”负责人汇报、召开座谈会和满意度抽样调查，"
        "对全镇各居民区开展了季度检查评议。总体看，各居民区联席会议制度执行较好，居民诉求处置及时，群众满意度保持稳定。"
    ),
    "cases": (
        "本季度居民诉求的调处率、处置有效率和群众满意率见下表，各居民区按群众满意率排序。"
        "个别居民区按时调处率偏低，主要集中在停车管理和设施报修两类诉求。"
    ),
    "next": (
        "下一步：一是对按时调处率偏低的居民区开展督办；二是推动业委会规范运作；"
        "三是将本季度评估结果作为年度评选“好当家”“好管家”的重要依据。"
    ),
}


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def play(town) -> str:
    if Report.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    if office is None:
        return ""
    quarter = last_finished("quarter", timezone.localdate())
    day = quarter.end + timedelta(days=10)
    if _at(day, 9) > timezone.now():
        return ""
    with _clock(_at(day, 9)):
        report = services.create_report(actor=office, town=town, kind="quarter", period=quarter.label)
        services.assemble(report.pk, report.assembly_requested_at.isoformat())
        for section in report.sections.filter(key__in=list(TEXTS)):
            services.save_section(actor=office, section=section, version=section.version, text=TEXTS[section.key])
    moment = _at(day + timedelta(days=2), 10)
    if moment <= timezone.now():
        report.refresh_from_db()
        with _clock(moment):
            services.submit(actor=office, report=report, version=report.version)
    report.refresh_from_db()
    return f"Evaluation reports: {report} ({report.get_state_display()})."


def after_approval(report: Report) -> str:
    """What follows the group's approval, each at its moment (when it has come): the files made
    five minutes later, the report distributed the next morning, two recipients confirming it the
    morning after."""
    users = {u.username: u for u in User.objects.filter(username__in=["office", "secretary", "property"])}
    office = users.get("office")
    approved = timezone.localtime(report.approved_at)
    steps = (
        (approved + timedelta(minutes=5), lambda r: services.make_files(r.pk) and r),
        (_at(approved.date() + timedelta(days=1), 9), lambda r: services.distribute(actor=office, report=r, version=r.version)),
    )  # fmt: skip
    for moment, step in steps:
        if moment > timezone.now() or office is None:
            break
        report.refresh_from_db()
        with _clock(moment):
            step(report)
    report.refresh_from_db()
    read = 0
    moment = _at(approved.date() + timedelta(days=2), 10)
    if report.distributed_at and moment <= timezone.now():
        for username in ("secretary", "property"):
            user = users.get(username)
            delivery = next((d for d in Delivery.objects.filter(report=report) if services.may_confirm(user, d)), None)
            if user is not None and delivery is not None:
                with _clock(moment):
                    services.confirm_read(actor=user, delivery=delivery)
                read += 1
    return f"{report} ({report.get_state_display()}, {report.deliveries.count()} recipients, {read} read)"
