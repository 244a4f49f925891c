"""Every write of the satisfaction surveys: questionnaires (versioned; a published version is
frozen), surveys (create, draw the sample from the recorded seed, open, close), answers (door to
door and by telephone by a surveyor, or by the resident through the unit's one-time link), and
substitutions by the recorded rule. Whoever is measured cannot move the number: a member of one of
the compound's four parties neither conducts its survey nor records its answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.scope import get_scope
from gongzhi.core.workflow import lock
from gongzhi.orgs.models import Membership, Organization, Residency, ServiceContract
from gongzhi.places.models import Compound, Town, Unit

from . import sampling
from .models import (
    PARTIES,
    AnswerLink,
    Definition,
    Questionnaire,
    Response,
    SampledUnit,
    Scale,
    Survey,
    SurveySettings,
    hash_link_token,
)
from .workflow import SURVEY_WORKFLOW, SurveyAction, SurveyState

QUARTER = re.compile(r"^[0-9]{4}Q[1-4]$")
MAX_SERVICES = 10


# ---------------------------------------------------------------- who may


def measured_by(user, compound: Compound) -> bool:
    """True when the user is a member of one of the compound's four parties (its neighborhood's party
    organisation or residents' committee, its owners' committee, its property company under a
    current contract): the survey measures them, so they do not conduct it."""
    if not getattr(user, "is_authenticated", False):
        return False
    today = timezone.localdate()
    companies = ServiceContract.objects.filter(compound=compound).active(today).values("company_id")
    parties = Organization.objects.filter(
        Q(neighborhood_id=compound.neighborhood_id, kind__in=Organization.NEIGHBORHOOD_KINDS)
        | Q(compound=compound, kind=Organization.Kind.OWNERS_COMMITTEE)
        | Q(pk__in=companies, kind=Organization.Kind.PROPERTY_COMPANY)
    )
    return Membership.objects.filter(person__user=user, organization__in=parties).active().exists()


def may_conduct(user, survey: Survey) -> bool:
    return Survey.objects.for_user(user, "surveys.conduct").filter(pk=survey.pk).exists() and not measured_by(
        user, survey.compound
    )


def may_manage(user, town_id: int) -> bool:
    """The office of the town (or the platform's administrator)."""
    scope = get_scope(user)
    if not scope.has("surveys.manage"):
        return False
    area = scope.area("surveys.manage")
    return area.everything or town_id in area.towns


def _require_conduct(actor, survey: Survey) -> None:
    if not Survey.objects.for_user(actor, "surveys.conduct").filter(pk=survey.pk).exists():
        raise PermissionDenied(
            _("Only the inspection groups covering this compound and the office conduct its survey.")
        )
    if measured_by(actor, survey.compound):
        raise PermissionDenied(
            _("You are a member of one of the four parties this survey measures, so you cannot conduct it.")
        )


def _require_manage(actor, town_id: int) -> None:
    if not may_manage(actor, town_id):
        raise PermissionDenied(_("Only the office manages the town's questionnaires and surveys."))


# ---------------------------------------------------------------- the town's settings


def save_settings(*, actor, town: Town, definition: str, expected_version: int) -> SurveySettings:
    """Choose the town's definition of satisfaction, the headline of every survey figure from now
    on (no stored number changes: the figures are computed when shown). Only the town's office;
    a form opened on an older version of the settings is refused, not saved over."""
    _require_manage(actor, town.pk)
    if definition not in Definition.values:
        raise ValidationError({"definition": _("Choose one of the three definitions.")})
    with transaction.atomic():
        row, _created = SurveySettings.objects.get_or_create(town=town)
        current = lock(row, expected_version=expected_version)
        before = {"definition": current.definition}
        current.definition = definition
        current.version += 1
        current.save(update_fields=["definition", "version", "updated_at"])
        audit.record(
            actor, "surveys.surveysettings.update", current, before=before, after={"definition": definition},
            town_id=town.pk,
        )  # fmt: skip
    return current


# ---------------------------------------------------------------- questionnaires


def _questions(parties, services) -> list[dict]:
    parties = [p for p in PARTIES if p in set(parties or ())]
    names = [s.strip() for s in services or () if s and s.strip()]
    if not parties and not names:
        raise ValidationError({"parties": _("Ask about at least one of the four parties or one service.")})
    if len(names) > MAX_SERVICES:
        raise ValidationError({"services": _("Name at most %(n)d services.") % {"n": MAX_SERVICES}})
    if any(len(n) > 30 for n in names):
        raise ValidationError({"services": _("A service's name is at most 30 characters.")})
    if len(set(names)) != len(names):
        raise ValidationError({"services": _("Name each service once.")})
    return [{"key": p} for p in parties] + [
        {"key": f"service_{i}", "label": name} for i, name in enumerate(names, start=1)
    ]


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give the questionnaire a name of 1 to 100 characters.")})
    return name


def create_questionnaire(*, actor, town: Town, name: str, scale: int, parties, services) -> Questionnaire:
    _require_manage(actor, town.pk)
    name = _check_name(name)
    if scale not in Scale.values:
        raise ValidationError({"scale": _("Choose a 3- or a 5-level scale.")})
    questions = _questions(parties, services)
    with transaction.atomic():
        questionnaire = Questionnaire(town=town, name=name, scale=scale, questions=questions, created_by=actor)
        questionnaire.series = questionnaire.uid
        questionnaire.save()
        audit.record(
            actor,
            "surveys.questionnaire.create",
            questionnaire,
            after={"name": name, "scale": scale, "questions": questions},
        )
    return questionnaire


def update_questionnaire(
    *, actor, questionnaire: Questionnaire, expected_version: int, name: str, scale: int, parties, services
) -> Questionnaire:
    """Change a draft; a published version stays as it is and the change becomes the next version
    (a draft), which surveys use once it is published."""
    _require_manage(actor, questionnaire.town_id)
    name = _check_name(name)
    if scale not in Scale.values:
        raise ValidationError({"scale": _("Choose a 3- or a 5-level scale.")})
    questions = _questions(parties, services)
    with transaction.atomic():
        current = lock(questionnaire, expected_version=expected_version)
        if current.state == Questionnaire.State.DRAFT:
            before = audit.snapshot(current, ["name", "scale", "questions"])
            current.name, current.scale, current.questions = name, scale, questions
            current.version += 1
            current.save(update_fields=["name", "scale", "questions", "version", "updated_at"])
            audit.record(
                actor,
                "surveys.questionnaire.update",
                current,
                before=before,
                after={"name": name, "scale": scale, "questions": questions},
            )
            return current
        if Questionnaire.objects.filter(series=current.series, state=Questionnaire.State.DRAFT).exists():
            raise ValidationError(_("A draft of the next version exists already: change that one."))
        number = (
            Questionnaire.objects.filter(series=current.series).order_by("-number").values_list("number", flat=True)[0]
        )
        draft = Questionnaire.objects.create(
            town_id=current.town_id, series=current.series, number=number + 1, name=name, scale=scale,
            questions=questions, created_by=actor,
        )  # fmt: skip
        audit.record(
            actor, "surveys.questionnaire.new_version", draft,
            after={"from": current.uid, "number": draft.number, "name": name, "scale": scale, "questions": questions},
        )  # fmt: skip
        return draft


def publish_questionnaire(*, actor, questionnaire: Questionnaire, expected_version: int) -> Questionnaire:
    _require_manage(actor, questionnaire.town_id)
    with transaction.atomic():
        current = lock(questionnaire, expected_version=expected_version)
        if current.state != Questionnaire.State.DRAFT:
            raise ValidationError(_("This version is published already; it can no longer change."))
        current.state, current.published_at = Questionnaire.State.PUBLISHED, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "published_at", "version", "updated_at"])
        audit.record(actor, "surveys.questionnaire.publish", current, after={"state": current.state})
    return current


# ---------------------------------------------------------------- surveys


def previous_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[5])
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def create_survey(
    *,
    actor,
    compound: Compound,
    quarter: str,
    questionnaire: Questionnaire,
    confidence: Decimal = Decimal("0.95"),
    margin: Decimal = Decimal("0.05"),
    floor: int = 30,
    seed: str | None = None,
) -> Survey:
    _require_manage(actor, compound.town_id)
    errors = {}
    quarter = (quarter or "").strip().upper()
    if not QUARTER.match(quarter):
        errors["quarter"] = _("Write the quarter as year and quarter, for example 2026Q4.")
    if questionnaire.town_id != compound.town_id or questionnaire.state != Questionnaire.State.PUBLISHED:
        errors["questionnaire"] = _("Choose a published questionnaire of this town.")
    if not Decimal("0.8") <= Decimal(confidence) <= Decimal("0.99"):
        errors["confidence"] = _("The confidence level is between 80 % and 99 %.")
    if not Decimal("0.01") <= Decimal(margin) <= Decimal("0.2"):
        errors["margin"] = _("The margin of error is between 1 % and 20 %.")
    if not 1 <= int(floor) <= 1000:
        errors["floor"] = _("The minimum sample is between 1 and 1,000 units.")
    seed = (seed or "").strip() or f"{quarter}-{secrets.token_hex(4)}"
    if len(seed) > 40:
        errors["seed"] = _("The seed is at most 40 characters.")
    if errors:
        raise ValidationError(errors)
    if Survey.objects.filter(compound=compound, quarter=quarter).exists():
        raise ValidationError({"quarter": _("This compound has a survey for this quarter already.")})
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                town_id=compound.town_id, compound=compound, quarter=quarter, questionnaire=questionnaire,
                confidence=confidence, margin=margin, floor=floor, seed=seed, created_by=actor,
            )  # fmt: skip
            audit.record(
                actor, "surveys.survey.create", survey,
                after={"compound": compound.pk, "quarter": quarter, "questionnaire": questionnaire.pk,
                       "confidence": confidence, "margin": margin, "floor": floor, "seed": seed},
            )  # fmt: skip
    except IntegrityError as exc:
        raise ValidationError({"quarter": _("This compound has a survey for this quarter already.")}) from exc
    return survey


# The confirmed residents stand for the occupied homes only when they cover most of the compound:
# a register that covers a fifth of it is the households that registered, not a frame.
FRAME_MIN_COVERAGE = 0.8


def frame_of(compound: Compound) -> tuple[str, dict]:
    """The sampling frame (docs/metrics.md): the compound's units with a confirmed resident, by
    building, when they are at least FRAME_MIN_COVERAGE of its units; otherwise all its units (the
    page says so; a vacant unit met on the doorstep is replaced and not counted as eligible).
    {building: [unit, ...]}."""
    units = Unit.objects.filter(compound=compound).select_related("building")
    occupied = units.filter(residencies__status=Residency.Status.VERIFIED).distinct()
    source = Survey.FrameSource.RESIDENCY
    if occupied.count() < FRAME_MIN_COVERAGE * units.count():
        occupied, source = units, Survey.FrameSource.ALL_UNITS
    frame: dict = defaultdict(list)
    for unit in occupied:
        frame[unit.building].append(unit)
    return source, dict(frame)


def link_token(sampled: SampledUnit) -> str:
    """The unit's one-time link token: 128 bits derived from the secret key and the row's code, so
    the list can be printed again; the database keeps only its hash."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"gongzhi.surveys.link:{sampled.uid}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def _give_link(sampled: SampledUnit) -> None:
    AnswerLink.objects.get_or_create(sampled=sampled, defaults={"token_hash": hash_link_token(link_token(sampled))})


def draw_sample(*, actor, survey: Survey) -> Survey:
    """Record the frame in each building's seed order and mark the first units of each building as
    the sample. Idempotent: a survey drawn already keeps its rows (the same seed draws the same units)."""
    _require_conduct(actor, survey)
    with transaction.atomic():
        current = lock(survey, check_version=False)
        if current.drawn:
            return current
        if not SURVEY_WORKFLOW.allows(SurveyAction.DRAW, current.state):
            raise ValidationError(_("The sample is drawn before the survey opens."))
        source, frame = frame_of(current.compound)
        by_key = {building.uid: building for building in frame}
        ids = {building.uid: [u.uid for u in units] for building, units in frame.items()}
        units = {u.uid: u for us in frame.values() for u in us}
        population = sum(len(v) for v in ids.values())
        n = sampling.sample_size(
            population, confidence=float(current.confidence), margin=float(current.margin), floor=current.floor
        )
        allocation = sampling.allocate({key: len(v) for key, v in ids.items()}, n)
        rows = []
        for key, unit_ids in ids.items():
            order = sampling.shuffled(unit_ids, seed=current.seed, stratum=key)
            for position, uid in enumerate(order):
                status = SampledUnit.Status.PENDING if position < allocation[key] else SampledUnit.Status.RESERVE
                rows.append(
                    SampledUnit(survey=current, unit=units[uid], stratum=by_key[key], order=position, status=status)
                )
        SampledUnit.objects.bulk_create(rows, batch_size=1000)
        pending = SampledUnit.objects.filter(survey=current, status=SampledUnit.Status.PENDING)
        AnswerLink.objects.bulk_create(
            [AnswerLink(sampled=s, token_hash=hash_link_token(link_token(s))) for s in pending], batch_size=1000
        )
        current.frame_source, current.frame_size, current.target = source, population, n
        current.drawn_at = timezone.now()
        current.version += 1
        current.save(update_fields=["frame_source", "frame_size", "target", "drawn_at", "version", "updated_at"])
        audit.record(
            actor, "surveys.survey.draw", current,
            after={"seed": current.seed, "frame": source, "frame_size": population, "sample_size": n,
                   "allocation": {by_key[k].number: v for k, v in allocation.items()}},
        )  # fmt: skip
    return current


def open_survey(*, actor, survey: Survey, expected_version: int) -> Survey:
    _require_manage(actor, survey.town_id)
    with transaction.atomic():
        current = lock(survey, expected_version=expected_version)
        if not SURVEY_WORKFLOW.allows(SurveyAction.OPEN, current.state):
            raise ValidationError(_("This survey is open or closed already."))
        if not current.drawn or current.target == 0:
            raise ValidationError(_("Draw the sample before opening the survey."))
        current.state, current.opened_at = SurveyState.OPEN, timezone.now()
        current.version += 1
        current.save(update_fields=["state", "opened_at", "version", "updated_at"])
        audit.record(actor, "surveys.survey.open", current, before={"state": "draft"}, after={"state": current.state})
    return current


def close_survey(*, actor, survey: Survey, expected_version: int) -> Survey:
    """Close the survey. With units still to visit it is closed early: its results are partial and
    say so."""
    _require_manage(actor, survey.town_id)
    with transaction.atomic():
        current = lock(survey, expected_version=expected_version)
        if not SURVEY_WORKFLOW.allows(SurveyAction.CLOSE, current.state):
            raise ValidationError(_("Only an open survey can be closed."))
        pending = current.units.filter(status=SampledUnit.Status.PENDING).count()
        current.state, current.closed_at, current.closed_early = SurveyState.CLOSED, timezone.now(), pending > 0
        current.version += 1
        current.save(update_fields=["state", "closed_at", "closed_early", "version", "updated_at"])
        audit.record(
            actor, "surveys.survey.close", current,
            before={"state": "open"}, after={"state": current.state, "closed_early": current.closed_early, "pending": pending},
        )  # fmt: skip
    return current


# ---------------------------------------------------------------- answers


def clean_answers(questionnaire: Questionnaire, answers: dict) -> dict:
    """Every question answered with a level of the questionnaire's scale ("don't know" included)."""
    levels = set(questionnaire.levels)
    cleaned, missing = {}, []
    for question in questionnaire.questions:
        value = (answers or {}).get(question["key"])
        if value not in levels:
            missing.append(question["key"])
        else:
            cleaned[question["key"]] = str(value)
    if missing:
        raise ValidationError(_("Answer every question (choose “Don't know” where you cannot say)."), code="incomplete")
    return cleaned


def _already_answered() -> ValidationError:
    return ValidationError(
        _("This household has answered this survey already; a second answer is not taken."), code="duplicate"
    )


def _has_answer(survey: Survey, unit_id: int) -> bool:
    return Response.objects.filter(survey=survey, unit_id=unit_id).exists()


def _record(*, actor, sampled: SampledUnit, channel: str, answers: dict, comment: str) -> Response:
    """Write the answer of a locked, pending sampled unit (inside the caller's transaction)."""
    survey = sampled.survey
    if survey.state != SurveyState.OPEN:
        raise ValidationError(_("This survey is closed: answers are no longer taken."), code="closed")
    if sampled.status == SampledUnit.Status.ANSWERED or _has_answer(survey, sampled.unit_id):
        raise _already_answered()
    if sampled.status != SampledUnit.Status.PENDING:
        raise ValidationError(_("This household is not in the survey's sample."), code="not_sampled")
    cleaned = clean_answers(survey.questionnaire, answers)
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError(_("The comment is at most 2,000 characters."))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, sampled=sampled, unit_id=sampled.unit_id, channel=channel,
                surveyor=actor if channel != Response.Channel.LINK else None, answers=cleaned, comment=comment,
            )  # fmt: skip
    except IntegrityError as exc:  # a concurrent submit of the same household won
        raise _already_answered() from exc
    sampled.status = SampledUnit.Status.ANSWERED
    sampled.version += 1
    sampled.save(update_fields=["status", "version"])
    audit.record(
        actor if channel != Response.Channel.LINK else None, "surveys.response.create", response,
        after={"unit": sampled.unit_id, "building": str(sampled.stratum), "channel": channel},
        town_id=survey.town_id,
    )  # fmt: skip
    return response


def _locked_sampled(pk: int) -> SampledUnit:
    return lock(SampledUnit, pk, check_version=False, related=("survey", "survey__questionnaire", "unit", "stratum"))


def record_answer(*, actor, survey: Survey, unit: Unit, channel: str, answers: dict, comment: str = "") -> Response:
    """A surveyor records a household's answers door to door or by telephone."""
    if channel not in (Response.Channel.DOOR, Response.Channel.TELEPHONE):
        raise ValidationError(_("A surveyor records answers door to door or by telephone."))
    _require_conduct(actor, survey)
    sampled = SampledUnit.objects.filter(survey=survey, unit=unit).first()
    if sampled is None:
        raise ValidationError(_("This household is not in the survey's sample."), code="not_sampled")
    with transaction.atomic():
        return _record(
            actor=actor, sampled=_locked_sampled(sampled.pk), channel=channel, answers=answers, comment=comment
        )


def sampled_for_token(token: str) -> SampledUnit | None:
    link = (
        AnswerLink.objects.filter(token_hash=hash_link_token(token or ""))
        .select_related(
            "sampled__survey__questionnaire", "sampled__survey__compound", "sampled__unit", "sampled__stratum"
        )
        .first()
    )
    return link.sampled if link else None


def answer_by_link(*, token: str, answers: dict, comment: str = "") -> Response:
    """The resident answers through the unit's one-time link; a used link is refused."""
    with transaction.atomic():
        link = AnswerLink.objects.select_for_update().filter(token_hash=hash_link_token(token or "")).first()
        if link is None:
            raise ValidationError(_("This link is not valid. Check that it was copied in full."), code="invalid")
        if link.used_at is not None:
            raise ValidationError(_("This link has been used already: each household answers once."), code="used")
        sampled = _locked_sampled(link.sampled_id)
        response = _record(actor=None, sampled=sampled, channel=Response.Channel.LINK, answers=answers, comment=comment)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return response


def record_nonresponse(*, actor, sampled: SampledUnit, reason: str, note: str = "") -> SampledUnit:
    """A sampled household refused or could not be reached, and is not replaced."""
    return _close_unit(actor=actor, sampled=sampled, reason=reason, note=note, substitute=False)


def substitute(*, actor, sampled: SampledUnit, reason: str, note: str = "") -> SampledUnit:
    """Replace a household that refused, could not be reached or is vacant by the recorded rule: the
    next unit of the same building's reserve list in the seed's order. Returns the substitute."""
    return _close_unit(actor=actor, sampled=sampled, reason=reason, note=note, substitute=True)


def _close_unit(*, actor, sampled: SampledUnit, reason: str, note: str, substitute: bool) -> SampledUnit:
    if reason not in SampledUnit.Reason.values:
        raise ValidationError({"reason": _("Choose why this household did not answer.")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("The note is at most 200 characters.")})
    _require_conduct(actor, sampled.survey)
    with transaction.atomic():
        current = _locked_sampled(sampled.pk)
        action = SurveyAction.SUBSTITUTE if substitute else SurveyAction.ANSWER
        if not SURVEY_WORKFLOW.allows(action, current.survey.state):
            raise ValidationError(_("This survey is not open."), code="closed")
        allowed = (SampledUnit.Status.PENDING, SampledUnit.Status.REFUSED, SampledUnit.Status.UNREACHABLE)
        if current.status not in allowed or (not substitute and current.status != SampledUnit.Status.PENDING):
            raise ValidationError(_("Only a household still to visit, or one that did not answer, can be replaced."))
        replacement = None
        if substitute:
            replacement = (
                SampledUnit.objects.select_for_update()
                .filter(survey_id=current.survey_id, stratum_id=current.stratum_id, status=SampledUnit.Status.RESERVE)
                .order_by("order")
                .first()
            )
            if replacement is None:
                raise ValidationError(_("This building's reserve list is used up: no household is left to substitute."))
        before = {"status": current.status}
        if substitute:
            current.status = SampledUnit.Status.REPLACED
        else:
            current.status = (
                SampledUnit.Status.REFUSED if reason == SampledUnit.Reason.REFUSED else SampledUnit.Status.UNREACHABLE
            )
        current.reason, current.note = reason, note
        current.version += 1
        current.save(update_fields=["status", "reason", "note", "version"])
        after = {"status": current.status, "reason": reason, "note": note, "unit": current.unit_id}
        if replacement is not None:
            replacement.status, replacement.substitute_for = SampledUnit.Status.PENDING, current
            replacement.version += 1
            replacement.save(update_fields=["status", "substitute_for", "version"])
            _give_link(replacement)
            after |= {"substitute": f"{replacement.stratum} {replacement.unit}", "substitute_order": replacement.order}
        audit.record(
            actor, "surveys.sampledunit.substitute" if substitute else "surveys.sampledunit.nonresponse",
            current, before=before, after=after, town_id=current.survey.town_id,
        )  # fmt: skip
    return replacement or current
