"""Last year's awards in the demo town, played through the services with the clock set to each
moment: after last year's annual assessments and fourth quarter are published, the office opens the
好当家 and the 好管家 rounds (every candidate checked); the inspection group nominates the eligible
candidates it covers, the office the best remaining ones up to the places; the office submits, the
leadership group approves and the office announces — which writes the good credit records of the
companies and managers awarded. A moment that has not come yet leaves the rest for the office.
Deterministic; skipped when the town has award rounds."""

from __future__ import annotations

from datetime import date, datetime, time
from unittest import mock

from django.utils import timezone

from gongzhi.core.models import User

from . import services
from .models import AwardKind, Candidate, Round

ORDER = 75  # after the assessments (65) and the warning letters (70): it reads both

REASONS = {
    "party_org": "全年按时召开“四位一体”联席会议，牵头解决小区停车难问题",
    "residents_committee": "居民满意度测评名列前茅，居民议事会议事成效明显",
    "property_company": "全年考核成绩优良，投诉处置及时，居民满意度稳步提升",
    "manager": "扎根小区一线，报修件件有回音，获居民一致好评",
}


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _nominate(round_: Round, office, inspector) -> None:
    places = round_.places or 0
    for group in round_.groups:
        eligible = list(Candidate.objects.filter(round=round_, group=group, eligible=True).order_by("-figure", "pk"))
        taken = 0
        if inspector is not None:
            for c in eligible:
                if taken < places and services.may_nominate(inspector, c):
                    services.nominate(actor=inspector, candidate=c, version=c.version, reason=REASONS[group])
                    taken += 1
                    break
        for c in eligible:
            c.refresh_from_db()
            if taken >= places:
                break
            if not c.nominated:
                services.nominate(actor=office, candidate=c, version=c.version, reason=REASONS[group])
                taken += 1


def _play_round(town, year: int, kind: str, office, leader, inspector) -> str:
    opened = _at(date(year + 1, 1, 20), 9)
    if opened > timezone.now():
        return ""
    with _clock(opened):
        round_ = services.open_round(actor=office, town=town, year=year, kind=kind)
        _nominate(round_, office, inspector)
    round_.refresh_from_db()
    if not round_.candidates.filter(proposed=True).exists():
        return f"{round_} (open, nobody eligible)"
    steps = (
        (_at(date(year + 1, 1, 23), 10), lambda r: services.submit(actor=office, round_=r, version=r.version)),
        (_at(date(year + 1, 1, 28), 15), lambda r: services.approve(actor=leader, round_=r, version=r.version)),
        (
            _at(date(year + 1, 2, 2), 9),
            lambda r: services.announce(
                actor=office,
                round_=r,
                version=r.version,
                text=f"经“四位一体”工作领导小组审定，现将{year}年度评选结果予以公布，希望受表彰的单位和个人再接再厉。",
            ),
        ),
    )
    for moment, step in steps:
        if moment > timezone.now():
            break
        with _clock(moment):
            round_ = step(round_)
    awarded = round_.candidates.filter(awarded=True).count()
    return f"{round_} ({round_.get_state_display()}, {awarded} awarded)"


def play(town) -> str:
    if Round.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    leader = User.objects.filter(username="leader").first()
    inspector = User.objects.filter(username="inspector").first()
    if office is None or leader is None:
        return ""
    year = timezone.localdate().year - 1
    told = [
        line
        for kind in (AwardKind.GOOD_STEWARD, AwardKind.GOOD_MANAGER)
        if (line := _play_round(town, year, kind, office, leader, inspector))
    ]
    return ("Awards: " + "; ".join(told) + ".") if told else ""
