"""Satisfaction surveys in the demo town, played through the services with the clock set to each
moment: at the start of the last quarter the office publishes a questionnaire (the four parties and
three services, five levels with "don't know"); for every compound an inspection group covers, the
office creates the quarter's survey (95 %, ±5 %, floor 30, a recorded seed) and the group draws
its sample; over the following weeks the group's surveyor visits the sampled households — most
answer at the door, some by telephone or by their link; some refuse, some cannot be reached and a
few units are vacant, each replaced by the next household of the building's reserve list (a few
stay unanswered when the reserve runs out); at the quarter's end the office closes the survey.
Answers lean a little lower for the property company. Deterministic; skipped when the town has
questionnaires."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.core.models import User
from gongzhi.orgs.models import Body, BodyCoverage, Membership
from gongzhi.places.models import Compound

from . import services
from .models import PARTIES, Level, Questionnaire, SampledUnit, Scale

ORDER = 40  # after the cases (10), the meetings (20) and the inspections (30)
SERVICES = ("保洁", "绿化", "安保")

# The levels answered, by kind of question: weights of very satisfied … very dissatisfied, don't know.
LEVELS = (
    Level.VERY_SATISFIED,
    Level.SATISFIED,
    Level.BASIC,
    Level.DISSATISFIED,
    Level.VERY_DISSATISFIED,
    Level.DONT_KNOW,
)
LEANINGS = {
    "party_org": (25, 40, 20, 4, 1, 10),
    "residents_committee": (30, 40, 18, 5, 1, 6),
    "owners_committee": (15, 35, 25, 8, 2, 15),
    "property_company": (12, 33, 30, 15, 5, 5),
    "service": (15, 38, 30, 11, 3, 3),
}
COMMENTS = (
    "电梯维保要及时。",
    "楼道堆物清理后又有了。",
    "停车位太紧张。",
    "保安夜间巡逻再加强。",
    "垃圾房周边有异味。",
    "",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def last_quarter(today: date) -> tuple[str, date, date]:
    q = (today.month - 1) // 3  # the current quarter, 0-based
    year, q = (today.year - 1, 4) if q == 0 else (today.year, q)
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
    return f"{year}Q{q}", start, end


def covered(group: Body):
    coverage = BodyCoverage.objects.filter(body=group)
    return Compound.objects.filter(
        Q(pk__in=coverage.values("compound")) | Q(neighborhood__in=coverage.values("neighborhood"))
    ).order_by("code")


def _surveyor(group: Body) -> User | None:
    if group.number == 1:
        return User.objects.filter(username="inspector").first()
    membership = (
        Membership.objects.filter(body=group, person__user__isnull=False).active().select_related("person__user")
        .order_by("-position", "pk").first()
    )  # fmt: skip
    return membership.person.user if membership else None


def play(town) -> str:
    if Questionnaire.objects.filter(town=town).exists():
        return ""
    office = User.objects.filter(username="office").first()
    if office is None:
        return ""
    quarter, start, end = last_quarter(timezone.localdate())
    surveys = answers = 0
    with transaction.atomic():
        with _clock(_at(start, 9)):
            draft = services.create_questionnaire(
                actor=office, town=town, name="小区治理满意度测评", scale=Scale.FIVE, parties=PARTIES, services=SERVICES
            )
            questionnaire = services.publish_questionnaire(
                actor=office, questionnaire=draft, expected_version=draft.version
            )
        done: set[int] = set()
        for group in Body.objects.filter(town=town, kind=Body.Kind.INSPECTION_GROUP).order_by("number"):
            surveyor = _surveyor(group) or office
            for compound in covered(group):
                if compound.pk in done:
                    continue
                done.add(compound.pk)
                answers += _survey(office, surveyor, compound, questionnaire, quarter, start, end)
                surveys += 1
    return f"{surveys} satisfaction surveys of {quarter} with {answers} answers played through the services."


def _levels(rng: random.Random, questionnaire) -> dict:
    answers = {}
    for q in questionnaire.questions:
        weights = LEANINGS.get(q["key"], LEANINGS["service"])
        answers[q["key"]] = rng.choices(LEVELS, weights=weights)[0].value
    return answers


def _survey(office, surveyor, compound, questionnaire, quarter, start, end) -> int:
    rng = random.Random(f"demo-survey:{compound.code}")
    with _clock(_at(start + timedelta(days=14), 10)):
        survey = services.create_survey(
            actor=office,
            compound=compound,
            quarter=quarter,
            questionnaire=questionnaire,
            seed=f"{quarter}-{compound.code}",
        )
        if not services.may_conduct(surveyor, survey):
            surveyor = office  # a group member who sits on one of the measured parties does not conduct it
        survey = services.draw_sample(actor=surveyor, survey=survey)
        survey = services.open_survey(actor=office, survey=survey, expected_version=survey.version)
    answered = 0
    day = start + timedelta(days=15)
    queue = list(survey.units.filter(status=SampledUnit.Status.PENDING).select_related("unit", "stratum", "survey"))
    while queue:
        row = queue.pop(0)
        day_moment = _at(
            min(day + timedelta(days=rng.randint(0, 45)), end - timedelta(days=2)),
            rng.randint(9, 19),
            rng.randint(0, 59),
        )
        roll = rng.random()
        with _clock(day_moment):
            if roll < 0.74:
                channel = rng.choices(("door", "telephone", "link"), weights=(60, 25, 15))[0]
                answers = _levels(rng, questionnaire)
                comment = rng.choice(COMMENTS) if rng.random() < 0.2 else ""
                if channel == "link":
                    services.answer_by_link(token=services.link_token(row), answers=answers, comment=comment)
                else:
                    services.record_answer(
                        actor=surveyor, survey=survey, unit=row.unit, channel=channel, answers=answers, comment=comment
                    )
                answered += 1
                continue
            reason = (
                SampledUnit.Reason.REFUSED if roll < 0.86 else SampledUnit.Reason.UNREACHABLE if roll < 0.97
                else SampledUnit.Reason.VACANT
            )  # fmt: skip
            has_reserve = survey.units.filter(stratum_id=row.stratum_id, status=SampledUnit.Status.RESERVE).exists()
            if has_reserve:
                note = "三次上门未遇" if reason == SampledUnit.Reason.UNREACHABLE else ""
                substitute = services.substitute(actor=surveyor, sampled=row, reason=reason, note=note)
                substitute.survey = survey
                queue.append(substitute)
            else:
                services.record_nonresponse(actor=surveyor, sampled=row, reason=reason)
    survey.refresh_from_db()
    with _clock(_at(end, 17)):
        services.close_survey(actor=office, survey=survey, expected_version=survey.version)
    return answered
