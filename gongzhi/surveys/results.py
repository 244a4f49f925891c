"""The survey's numbers, computed here and only here (definitions: docs/metrics.md, "Satisfaction
surveys"): progress and the response rate, and for each question the satisfaction under the three
definitions (strict top-2, 12345-style, 0–100 index), each with its 95 % Wilson interval on the
design-weighted estimate. Pages, exports and the PDF call `survey_results`."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import sampling
from .models import Level, Response, SampledUnit, Scale, Survey

DEFINITIONS = {
    "strict": gettext_lazy("Strict (very satisfied + satisfied) ÷ valid"),
    "r12345": gettext_lazy("12345 style (satisfied + 0.9 × basically satisfied) ÷ valid"),
    "index": gettext_lazy("Satisfaction index (0–100)"),
}
BASIC_WEIGHT = 0.9

# The score of each level under each definition, in [0, 1] (the index is shown ×100).
SCORES = {
    "strict": {Level.VERY_SATISFIED: 1.0, Level.SATISFIED: 1.0},
    "r12345": {Level.VERY_SATISFIED: 1.0, Level.SATISFIED: 1.0, Level.BASIC: BASIC_WEIGHT},
}
INDEX = {
    Scale.FIVE: {
        Level.VERY_SATISFIED: 1.0, Level.SATISFIED: 0.75, Level.BASIC: 0.5,
        Level.DISSATISFIED: 0.25, Level.VERY_DISSATISFIED: 0.0,
    },
    Scale.THREE: {Level.SATISFIED: 1.0, Level.BASIC: 0.5, Level.DISSATISFIED: 0.0},
}  # fmt: skip


def score(definition: str, scale: int, level: str) -> float:
    if definition == "index":
        return INDEX[Scale(scale)].get(level, 0.0)
    return SCORES[definition].get(level, 0.0)


@dataclass(frozen=True)
class Estimate:
    value: float  # in [0, 1]
    low: float
    high: float
    n_eff: float

    def percent(self) -> tuple[float, float, float]:
        return (round(self.value * 100, 1), round(self.low * 100, 1), round(self.high * 100, 1))


@dataclass
class QuestionResult:
    key: str
    label: str
    valid: int
    dont_know: int
    counts: dict[str, int]
    estimates: dict[str, Estimate]
    previous: dict[str, Estimate] | None = None


@dataclass
class Progress:
    stratum: str
    frame: int
    target: int
    answered: int
    pending: int
    refused: int
    unreachable: int
    replaced: int
    substitutes: int


@dataclass
class SurveyResults:
    survey: Survey
    target: int
    answered: int
    approached: int  # eligible households approached: answered, refused, unreachable (vacant units excluded)
    response_rate: float | None  # answered ÷ approached
    completion: float | None  # answered ÷ sample size
    partial: bool  # closed early, or still open
    weighted: bool  # strata answered in unequal proportions: design weights applied
    questions: list[QuestionResult] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)


def question_label(question: dict) -> str:
    from gongzhi.orgs.models import Organization

    if question["key"].startswith("service_"):
        return question.get("label", question["key"])
    return str(Organization.Kind(question["key"]).label)


def estimate(levels_by_stratum: dict, frame_sizes: dict, definition: str, scale: int) -> Estimate:
    """The design-weighted satisfaction of one question: each valid answer of building h weighs
    N_h / n_h (households in its frame ÷ valid answers from it); Wilson on Kish's effective n."""
    scores, weights = [], []
    for stratum, levels in levels_by_stratum.items():
        valid = [lv for lv in levels if lv != Level.DONT_KNOW]
        if not valid:
            continue
        weight = frame_sizes[stratum] / len(valid)
        for level in valid:
            scores.append(score(definition, scale, level))
            weights.append(weight)
    mean, low, high, n_eff = sampling.wilson_weighted(scores, weights)
    return Estimate(mean, low, high, n_eff)


def _progress(survey: Survey) -> list[Progress]:
    rows = SampledUnit.objects.filter(survey=survey).values_list("stratum__number", "status", "substitute_for_id")
    by: dict = defaultdict(Counter)
    for stratum, status, substitute_for in rows:
        by[stratum]["frame"] += 1
        by[stratum][status] += 1
        if substitute_for:
            by[stratum]["substitutes"] += 1
    S = SampledUnit.Status
    result = []
    for stratum in sorted(by):
        c = by[stratum]
        target = c[S.PENDING] + c[S.ANSWERED] + c[S.REFUSED] + c[S.UNREACHABLE] + c[S.REPLACED] - c["substitutes"]
        result.append(
            Progress(stratum, c["frame"], target, c[S.ANSWERED], c[S.PENDING], c[S.REFUSED], c[S.UNREACHABLE],
                     c[S.REPLACED], c["substitutes"])
        )  # fmt: skip
    return result


def survey_results(survey: Survey, *, with_previous: bool = True) -> SurveyResults:
    questionnaire = survey.questionnaire
    responses = list(Response.objects.filter(survey=survey).values_list("sampled__stratum_id", "answers"))
    frame_sizes = Counter(SampledUnit.objects.filter(survey=survey).values_list("stratum_id", flat=True))
    statuses = list(SampledUnit.objects.filter(survey=survey).values_list("stratum_id", "status", "reason"))
    S = SampledUnit.Status
    answered = sum(1 for _s, status, _r in statuses if status == S.ANSWERED)
    approached = answered + sum(
        1
        for _s, status, reason in statuses
        if status in (S.REFUSED, S.UNREACHABLE, S.REPLACED) and reason != SampledUnit.Reason.VACANT
    )
    answered_by = Counter(stratum for stratum, _a in responses)
    ratios = {frame_sizes[s] / answered_by[s] for s in answered_by}
    weighted = len(ratios) > 1 and max(ratios) / min(ratios) > 1.0001
    questions = []
    for question in questionnaire.questions:
        by_stratum: dict = defaultdict(list)
        for stratum, answers in responses:
            if question["key"] in answers:
                by_stratum[stratum].append(answers[question["key"]])
        levels = [lv for values in by_stratum.values() for lv in values]
        counts = Counter(levels)
        estimates = {d: estimate(by_stratum, frame_sizes, d, questionnaire.scale) for d in DEFINITIONS}
        questions.append(
            QuestionResult(
                key=question["key"], label=question_label(question),
                valid=len(levels) - counts[Level.DONT_KNOW], dont_know=counts[Level.DONT_KNOW],
                counts={lv: counts[lv] for lv in questionnaire.levels}, estimates=estimates,
            )
        )  # fmt: skip
    if with_previous:
        from .services import previous_quarter

        before = Survey.objects.filter(compound_id=survey.compound_id, quarter=previous_quarter(survey.quarter)).first()
        if before is not None:
            earlier = {q.key: q.estimates for q in survey_results(before, with_previous=False).questions}
            for q in questions:
                q.previous = earlier.get(q.key)
    return SurveyResults(
        survey=survey, target=survey.target, answered=answered, approached=approached,
        response_rate=answered / approached if approached else None,
        completion=answered / survey.target if survey.target else None,
        partial=survey.closed_early or survey.state != "closed", weighted=weighted,
        questions=questions, progress=_progress(survey),
    )  # fmt: skip


def partial_label(results: SurveyResults) -> str:
    if results.survey.closed_early:
        return _("Partial results: the survey was closed early, before every sampled household was visited.")
    if results.survey.state != "closed":
        return _("Provisional results: the survey is still open.")
    return ""
