"""The assessments in the demo town, played through the services with the clock set to each
moment: the town's default schemes; last quarter's property-service assessment of every contract
(figures pulled the day after the quarter, manual indicators scored by the inspection group where
it covers the compound and by the office elsewhere, the drafts shown, the property persona's
company objects to one score and the office changes it, approved and published by the office);
the fourth quarter of last year the same way, without the objection (the awards of last year are
chosen on it); last year's annual assessment of every neighborhood's party organisation and residents' committee
(approved by the leadership group, published). A step whose moment has not come yet (a quarter
ended a few days ago) is left for the office. Deterministic; skipped when the town has cycles."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

from django.utils import timezone

from gongzhi.core.models import User

from . import services, sources
from .models import Assessment, Cycle, Scheme, Score

ORDER = 65  # after the inspections (30), the surveys (40) and the credit files (60): it writes credit records

FACTORS = (Decimal("1.0"), Decimal("0.96"), Decimal("0.9"), Decimal("0.84"), Decimal("0.8"), Decimal("0.92"))
REASONS = (
    "现场检查：整体良好，个别楼道有少量堆物",
    "查阅台账及巡查记录，基本符合要求",
    "居民反映较好，记录完整",
    "抽查发现部分区域未及时处理，已现场指出",
)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _pick(key: str, options):
    digest = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return options[digest % len(options)]


def _score_everything(cycle: Cycle, office, inspector) -> None:
    for score in (
        Score.objects.filter(assessment__cycle=cycle, points__isnull=True)
        .select_related("indicator", "assessment__organization", "assessment__contract", "assessment__compound")
        .order_by("assessment_id", "indicator__position")
    ):
        key = f"{cycle.period}:{score.assessment.subject_name}:{score.indicator.position}"
        points = (Decimal(score.indicator.max_points) * _pick(key, FACTORS)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        reason = _pick(key, REASONS) if score.indicator.rule == "manual" else "本期无平台数据，按现场检查情况评定"
        actor = inspector if inspector is not None and services.may_score(inspector, score.assessment) else office
        services.save_score(actor=actor, score=score, version=score.version, points=points, reason=reason)


def _run(cycle: Cycle, moments: dict, office, approver, objection=None) -> str:
    """Pull, score, show the drafts, (object and decide,) close, approve, publish — each at its
    moment, as long as that moment has come."""
    now = timezone.now()
    if moments["pull"] > now:
        return cycle.state
    with _clock(moments["pull"]):
        cycle = services.pull_figures(actor=office, cycle=cycle, version=cycle.version)
        _score_everything(cycle, office, User.objects.filter(username="inspector").first())
    if moments["drafts"] > now:
        return cycle.state
    with _clock(moments["drafts"]):
        cycle.refresh_from_db()
        cycle = services.show_drafts(actor=office, cycle=cycle, version=cycle.version)
    if objection is not None and moments["drafts"] + timedelta(days=1) <= now:
        objection(cycle, moments["drafts"] + timedelta(days=1))
    closing = _at(cycle.objection_until + timedelta(days=1), 9)
    if closing > now:
        return cycle.state
    with _clock(closing):
        cycle = services.close_objections(actor=office, cycle=cycle, version=cycle.version)
    with _clock(closing + timedelta(hours=2)):
        cycle = services.approve(actor=approver, cycle=cycle, version=cycle.version)
    with _clock(closing + timedelta(hours=4)):
        cycle = services.publish(actor=office, cycle=cycle, version=cycle.version)
    return cycle.state


def play(town) -> str:
    if Cycle.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    leader = User.objects.filter(username="leader").first()
    property_user = User.objects.filter(username="property").first()
    if office is None or leader is None:
        return ""
    today = timezone.localdate()
    with _clock(_at(today, 8)):
        services.seed_default_schemes(actor=office, town=town)
    schemes = {s.subject_kind: s for s in Scheme.objects.filter(town=town, state="in_use")}
    told = []

    quarter = sources.last_finished("quarter", today)
    start = quarter.end + timedelta(days=1)
    if _at(start, 9) > timezone.now():
        return ""  # the first morning after the quarter: nothing to tell yet
    with _clock(_at(start, 9)):
        ps = services.open_cycle(actor=office, scheme=schemes["property_service"], period=quarter.label)

    def objection(cycle, moment):
        if property_user is None:
            return
        mine = Assessment.objects.for_user(property_user, "assessments.object").filter(cycle=cycle).order_by("pk")
        target = mine.first()
        if target is None:
            return
        with _clock(moment):
            target = services.object_to_assessment(
                actor=property_user, assessment=target, version=target.version,
                reason="本季度保洁台账齐全，巡查发现的问题均已当日整改，评分偏低",
            )  # fmt: skip
        cleaning = target.scores.filter(indicator__position=0).select_related("indicator").first()
        with _clock(moment + timedelta(hours=3)):
            services.decide_objection(
                actor=office, assessment=target, version=target.version, reason="复核整改记录属实，保洁项调整为满分",
                score=cleaning, points=cleaning.indicator.max_points,
            )  # fmt: skip

    moments = {"pull": _at(start, 10), "drafts": _at(start + timedelta(days=1), 9)}
    state = _run(ps, moments, office, office, objection)
    told.append(f"{quarter.label} property service ({ps.assessments.count()} contracts, {state})")

    year = sources.last_finished("year", today)
    q4 = sources.period_of("quarter", f"{year.label}Q4")
    if q4.label != quarter.label:
        start = q4.end + timedelta(days=1)
        with _clock(_at(start, 9)):
            cycle = services.open_cycle(actor=office, scheme=schemes["property_service"], period=q4.label)
        moments = {"pull": _at(start, 10), "drafts": _at(start + timedelta(days=1), 9)}
        state = _run(cycle, moments, office, office)
        told.append(f"{q4.label} property service ({cycle.assessments.count()} contracts, {state})")

    start = year.end + timedelta(days=2)
    for kind in ("party_org", "residents_committee") if _at(start, 9) <= timezone.now() else ():
        with _clock(_at(start, 9)):
            cycle = services.open_cycle(actor=office, scheme=schemes[kind], period=year.label)
        state = _run(cycle, {"pull": _at(start, 10), "drafts": _at(start + timedelta(days=1), 9)}, office, leader)
        told.append(f"{year.label} {kind} ({cycle.assessments.count()}, {state})")
    return "Assessments: " + "; ".join(told) + "."
