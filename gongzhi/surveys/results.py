"""The survey's numbers, computed here and only here (definitions: docs/metrics.md, "Satisfaction
surveys"): progress and the response rate, and for each question the satisfaction under the three
definitions (strict top-2, 12345-style, 0–100 index), each with its 95 % Wilson interval on the
design-weighted estimate. The town's chosen definition (SurveySettings.definition) is the headline;
the 12345 style weighs 基本满意 by the town's CaseSettings.basic_satisfied_weight, the same w as the
case callback's 群众满意率. Pages, exports and the PDF call `survey_results`; other apps call
`satisfaction_with` for one party's figure in one compound, and `place_satisfaction` for the four
parties over the compounds of a place (the town at a glance)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from . import sampling
from .models import PARTIES, Definition, Level, Response, SampledUnit, Scale, Survey, SurveySettings
from .workflow import SurveyState

# The definitions in the order they are listed after the town's own.
ORDER = (Definition.STRICT, Definition.R12345, Definition.INDEX)

# The score of each level under the strict definition and the index, in [0, 1] (the index is shown
# ×100); the 12345 style's score of 基本满意 is the town's weight w (`score`).
STRICT = {Level.VERY_SATISFIED: 1.0, Level.SATISFIED: 1.0}
INDEX = {
    Scale.FIVE: {
        Level.VERY_SATISFIED: 1.0, Level.SATISFIED: 0.75, Level.BASIC: 0.5,
        Level.DISSATISFIED: 0.25, Level.VERY_DISSATISFIED: 0.0,
    },
    Scale.THREE: {Level.SATISFIED: 1.0, Level.BASIC: 0.5, Level.DISSATISFIED: 0.0},
}  # fmt: skip


def basic_weight_of(town_id: int) -> Decimal:
    """w, the weight of 基本满意 in the 12345 style: the town's case setting, the one number the
    callback's 群众满意率 and the meeting's 述职 rating use too (read through the cases app's
    30-second per-process memo)."""
    from gongzhi.cases.town_settings import settings_for

    return settings_for(town_id).basic_satisfied_weight


def definition_of(town_id: int) -> str:
    """The town's definition of satisfaction (SurveySettings; the 12345 style by default)."""
    return definitions_of([town_id])[town_id]


def definitions_of(town_ids: Iterable[int]) -> dict[int, str]:
    """`definition_of` for several towns in one query."""
    town_ids = set(town_ids)
    chosen = dict(SurveySettings.objects.filter(town_id__in=town_ids).values_list("town_id", "definition"))
    default = SurveySettings._meta.get_field("definition").default
    return {town_id: chosen.get(town_id, default) for town_id in town_ids}


def definition_label(definition: str, basic_weight: Decimal) -> str:
    """The definition's name with its formula, the weight w written in."""
    if definition == Definition.STRICT:
        return _("Strict (very satisfied + satisfied) ÷ valid")
    if definition == Definition.R12345:
        return _("12345 style (satisfied + %(w)s × basically satisfied) ÷ valid") % {
            "w": format(Decimal(basic_weight).normalize(), "f")
        }
    return _("Satisfaction index (0–100)")


def definition_note(definition: str) -> str:
    """One sentence on what the definition counts (the settings page, the results page)."""
    if definition == Definition.STRICT:
        return _(
            "Only 'very satisfied' and 'satisfied' count; 'basically satisfied' counts as not satisfied. "
            "The usual top-two measure of survey research."
        )
    if definition == Definition.R12345:
        return _(
            "'Basically satisfied' counts with the town's weight of 基本满意 (the same as in the residents' "
            "callback satisfaction rate 群众满意率), the others as in the strict definition."
        )
    return _(
        "The mean score of the answers from 100 (very satisfied) to 0 (very dissatisfied): every level "
        "counts, so a shift between 'dissatisfied' and 'very dissatisfied' shows too."
    )


def score(definition: str, scale: int, level: str, basic_weight: Decimal) -> float:
    """The score of one answer in [0, 1]: strict 1 for the top two levels; 12345 style the same,
    and w for 基本满意; index 1 to 0 in equal steps of the scale."""
    if definition == Definition.INDEX:
        return INDEX[Scale(scale)].get(level, 0.0)
    if definition == Definition.R12345 and level == Level.BASIC:
        return float(basic_weight)
    if definition not in (Definition.STRICT, Definition.R12345):
        raise ValueError(definition)
    return STRICT.get(level, 0.0)


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
    definition: str  # the town's: `headline` is estimates[definition]
    previous: dict[str, Estimate] | None = None

    @property
    def headline(self) -> Estimate:
        return self.estimates[self.definition]

    @property
    def previous_headline(self) -> Estimate | None:
        return self.previous[self.definition] if self.previous else None

    @property
    def others(self) -> list[tuple[str, Estimate, Estimate | None]]:
        """The two other definitions: (definition, estimate, the previous quarter's or None)."""
        return [
            (d, self.estimates[d], self.previous[d] if self.previous else None) for d in ORDER if d != self.definition
        ]


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
    definition: str  # the town's definition (SurveySettings), the headline of every question
    basic_weight: Decimal  # w of the 12345 style (CaseSettings.basic_satisfied_weight)
    questions: list[QuestionResult] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)

    @property
    def definition_label(self) -> str:
        return definition_label(self.definition, self.basic_weight)

    @property
    def definition_heading(self) -> str:
        """The line that names the headline figures: "Satisfaction definition: …"."""
        return _("Satisfaction definition: %(name)s") % {"name": self.definition_label}

    @property
    def other_definitions(self) -> list[tuple[str, str]]:
        """The two other definitions, (key, label), in the order of ORDER."""
        return [(d, definition_label(d, self.basic_weight)) for d in ORDER if d != self.definition]


def question_label(question: dict) -> str:
    from gongzhi.orgs.models import Organization

    if question["key"].startswith("service_"):
        return question.get("label", question["key"])
    return str(Organization.Kind(question["key"]).label)


def estimate(
    levels_by_stratum: dict, frame_sizes: dict, definition: str, scale: int, basic_weight: Decimal
) -> Estimate:
    """The design-weighted satisfaction of one question: each valid answer of building h weighs
    N_h / n_h (households in its frame ÷ valid answers from it); Wilson on Kish's effective n."""
    scores, weights = [], []
    for stratum, levels in levels_by_stratum.items():
        valid = [lv for lv in levels if lv != Level.DONT_KNOW]
        if not valid:
            continue
        weight = frame_sizes[stratum] / len(valid)
        for level in valid:
            scores.append(score(definition, scale, level, basic_weight))
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


def _name(names: dict, question: dict) -> str:
    key = (question["key"], question.get("label", ""))
    if key not in names:
        names[key] = question_label(question)
    return names[key]


def question_results(
    questionnaire,
    responses: list[tuple[int, dict]],
    frame_sizes: dict,
    definition: str,
    basic_weight: Decimal,
    *,
    keys: Iterable[str] | None = None,
    headline_only: bool = False,
    names: dict | None = None,
) -> list[QuestionResult]:
    """Each question's counts and its estimates under the three definitions, from the survey's
    responses as (stratum id, answers) and its frame size per stratum. For callers that show one
    figure of many surveys: `keys`, only these questions; `headline_only`, only the town's
    definition (then `others` is not available); `names`, a dict the questions' translated names
    are kept in from one survey to the next."""
    names = {} if names is None else names
    keys = None if keys is None else set(keys)
    definitions = (definition,) if headline_only else ORDER
    questions = []
    for question in questionnaire.questions:
        if keys is not None and question["key"] not in keys:
            continue
        by_stratum: dict = defaultdict(list)
        for stratum, answers in responses:
            if question["key"] in answers:
                by_stratum[stratum].append(answers[question["key"]])
        levels = [lv for values in by_stratum.values() for lv in values]
        counts = Counter(levels)
        estimates = {d: estimate(by_stratum, frame_sizes, d, questionnaire.scale, basic_weight) for d in definitions}
        questions.append(
            QuestionResult(
                key=question["key"], label=_name(names, question),
                valid=len(levels) - counts[Level.DONT_KNOW], dont_know=counts[Level.DONT_KNOW],
                counts={lv: counts[lv] for lv in questionnaire.levels}, estimates=estimates, definition=definition,
            )
        )  # fmt: skip
    return questions


def survey_results(
    survey: Survey, *, with_previous: bool = True, definition: str | None = None, basic_weight: Decimal | None = None
) -> SurveyResults:
    """Every number of the survey. `definition` and `basic_weight` default to the town's settings
    (SurveySettings.definition, CaseSettings.basic_satisfied_weight); the previous quarter's
    survey is computed under the same two, so the comparison is like for like."""
    definition = definition or definition_of(survey.town_id)
    basic_weight = basic_weight_of(survey.town_id) if basic_weight is None else Decimal(basic_weight)
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
    questions = question_results(questionnaire, responses, frame_sizes, definition, basic_weight)
    if with_previous:
        from .services import previous_quarter

        before = Survey.objects.filter(compound_id=survey.compound_id, quarter=previous_quarter(survey.quarter)).first()
        if before is not None:
            earlier_results = survey_results(
                before, with_previous=False, definition=definition, basic_weight=basic_weight
            )
            earlier = {q.key: q.estimates for q in earlier_results.questions if q.valid}
            for q in questions:
                q.previous = earlier.get(q.key)
    return SurveyResults(
        survey=survey, target=survey.target, answered=answered, approached=approached,
        response_rate=answered / approached if approached else None,
        completion=answered / survey.target if survey.target else None,
        partial=survey.closed_early or survey.state != "closed", weighted=weighted,
        definition=definition, basic_weight=basic_weight, questions=questions, progress=_progress(survey),
    )  # fmt: skip


def partial_label(results: SurveyResults) -> str:
    if results.survey.closed_early:
        return _("Partial results: the survey was closed early, before every sampled household was visited.")
    if results.survey.state != "closed":
        return _("Provisional results: the survey is still open.")
    return ""


@dataclass(frozen=True)
class PartySatisfaction:
    """One party's satisfaction from one closed survey, under the town's definition."""

    survey: Survey
    party_kind: str
    definition: str  # the town's (SurveySettings.definition) when computed
    label: str  # the definition's name with its formula ("12345 style (satisfied + 0.9 × …) ÷ valid")
    valid: int  # n: the valid answers about the party (answers other than "don't know")
    estimate: Estimate  # in [0, 1] (the index is read ×100): value, 95 % Wilson interval, Kish's n_eff
    partial: bool  # the survey was closed early, before every sampled household was visited

    def percent(self) -> tuple[float, float, float]:
        """(value, low, high) ×100, one decimal: a percentage, or the index on its 0–100 scale."""
        return self.estimate.percent()


def satisfaction_with(party_kind: str, compound_id: int, quarter: str) -> PartySatisfaction | None:
    """The residents' satisfaction with one of a compound's four parties in a quarter, as an
    indicator for other apps (the assessments): the estimate under the town's definition from the
    compound's closed survey of that quarter, with n and the 95 % interval.

    `party_kind` is a question key of the questionnaires: an Organization.Kind of the four parties
    (party_org, residents_committee, owners_committee, property_company); `quarter` is "2026Q4".
    A compound has at most one survey a quarter (a database constraint), so "the latest closed
    survey" is that one once it is closed. None when there is no closed survey, when its
    questionnaire does not ask about the party, or when no answer about the party is valid. An
    open survey does not count (its figure still moves); one closed early does, marked `partial`.
    The caller decides who may see the figure: this function does not scope by user."""
    if party_kind not in PARTIES:
        raise ValueError(f"not one of the four parties: {party_kind!r}")
    if not (len(quarter) == 6 and quarter[:4].isdigit() and quarter[4] == "Q" and quarter[5] in "1234"):
        raise ValueError(f"not a quarter like 2026Q4: {quarter!r}")
    survey = (
        Survey.objects.filter(compound_id=compound_id, quarter=quarter, state=SurveyState.CLOSED)
        .select_related("questionnaire")
        .order_by("-closed_at")
        .first()
    )
    if survey is None or not any(q["key"] == party_kind for q in survey.questionnaire.questions):
        return None
    return satisfactions_of(survey).get(party_kind)


def satisfactions_of(survey: Survey) -> dict[str, PartySatisfaction]:
    """Each of the four parties' satisfaction from one survey (its results computed once): the
    parties its questionnaire asks about with at least one valid answer. `satisfaction_with` reads
    one party of a closed survey through it; the evaluation reports read all four."""
    results = survey_results(survey, with_previous=False)
    found = {
        party: _party_figure(survey, results.questions, party, results.definition, results.definition_label)
        for party in PARTIES
    }
    return {party: figure for party, figure in found.items() if figure is not None}


def _party_figure(
    survey: Survey, questions: list[QuestionResult], party_kind: str, definition: str, label: str
) -> PartySatisfaction | None:
    """One party's figure from a closed survey's question results (None: not asked, or no valid
    answer) — what `satisfaction_with` returns for it; `label` names the definition."""
    question = next((q for q in questions if q.key == party_kind), None)
    if question is None or not question.valid:
        return None
    return PartySatisfaction(
        survey=survey, party_kind=party_kind, definition=definition, label=label, valid=question.valid,
        estimate=question.headline, partial=survey.closed_early,
    )  # fmt: skip


@dataclass(frozen=True)
class PartyInPlace:
    """One party's satisfaction over the compounds of a place in one quarter: the plain mean of
    the compounds' figures (`satisfaction_with`, each from the compound's closed survey), with the
    figures it is the mean of, lowest first."""

    party_kind: str
    figures: tuple[PartySatisfaction, ...]
    comparable: bool = True  # False when the towns' definitions differ: no mean is taken

    @property
    def label(self) -> str:
        from gongzhi.orgs.models import Organization

        return str(Organization.Kind(self.party_kind).label)

    @property
    def value(self) -> float | None:
        """The plain mean of the compounds' estimates in [0, 1]; None without a figure, or when the
        figures are under different definitions."""
        if not self.figures or not self.comparable:
            return None
        return sum(f.estimate.value for f in self.figures) / len(self.figures)

    @property
    def percent(self) -> float | None:
        """The mean ×100, one decimal (a percentage, or the index on its 0–100 scale)."""
        value = self.value
        return None if value is None else round(value * 100, 1)

    @property
    def lowest(self) -> PartySatisfaction | None:
        return self.figures[0] if self.figures else None


@dataclass(frozen=True)
class PlaceSatisfaction:
    """The four parties' satisfaction over the compounds of a place in its latest quarter with a
    closed survey (`place_satisfaction`)."""

    quarter: str | None  # None: no closed survey in the place yet
    parties: list[PartyInPlace]
    surveys: int  # the closed surveys of the quarter
    partial: int  # of which closed early
    definition: str  # the towns' definition ("strict", "r12345", "index"); "" when they differ
    label: str  # the definition's name with its formula; "" when the towns' definitions differ


def place_satisfaction(surveys: QuerySet, quarter: str | None = None) -> PlaceSatisfaction:
    """The residents' satisfaction with each of the four parties over a place: among `surveys`
    (the caller's, scoped: e.g. `Survey.objects.for_user(user)`), the closed ones of `quarter`
    (default: the latest quarter in which one of them is closed); per party the plain mean of
    the compounds' figures, each exactly `satisfaction_with(party, compound, quarter)` (the
    town's definition, "don't know" left out, compounds whose survey has no valid answer about
    the party left out). Under one definition only: when the towns' definitions differ, no mean
    is taken (`label` is "", each party's `value` None) and the figures stay listed.

    Four queries however many surveys: the surveys, their responses, their frame sizes per
    building and the towns' definitions (docs/metrics.md, "Satisfaction surveys")."""
    closed = surveys.filter(state=SurveyState.CLOSED)
    if quarter is None:
        quarter = closed.order_by().aggregate(latest=Max("quarter"))["latest"]
    chosen = list(closed.filter(quarter=quarter).select_related("questionnaire", "compound")) if quarter else []
    ids = [survey.pk for survey in chosen]
    responses: dict[int, list] = defaultdict(list)
    for survey_id, stratum, answers in Response.objects.filter(survey_id__in=ids).values_list(
        "survey_id", "sampled__stratum_id", "answers"
    ):
        responses[survey_id].append((stratum, answers))
    frames: dict[int, Counter] = defaultdict(Counter)
    for survey_id, stratum, n in (
        SampledUnit.objects.filter(survey_id__in=ids)
        .values_list("survey_id", "stratum_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        frames[survey_id][stratum] = n
    definitions = definitions_of({survey.town_id for survey in chosen})
    weights = {town_id: basic_weight_of(town_id) for town_id in definitions}
    labels = {town_id: definition_label(definitions[town_id], weights[town_id]) for town_id in definitions}
    names: dict = {}
    figures: dict[str, list[PartySatisfaction]] = {party: [] for party in PARTIES}
    for survey in chosen:
        definition, weight = definitions[survey.town_id], weights[survey.town_id]
        questions = question_results(
            survey.questionnaire, responses[survey.pk], frames[survey.pk], definition, weight,
            keys=PARTIES, headline_only=True, names=names,
        )  # fmt: skip
        for party in PARTIES:
            figure = _party_figure(survey, questions, party, definition, labels[survey.town_id])
            if figure is not None:
                figures[party].append(figure)
    used = {(definitions[town_id], weights[town_id]) for town_id in definitions}
    comparable = len(used) <= 1
    parties = [
        PartyInPlace(
            party,
            tuple(sorted(found, key=lambda f: (f.estimate.value, f.survey.compound.name))),
            comparable,
        )
        for party, found in figures.items()
    ]
    definition, weight = next(iter(used)) if len(used) == 1 else ("", None)
    return PlaceSatisfaction(
        quarter=quarter, parties=parties, surveys=len(chosen),
        partial=sum(1 for survey in chosen if survey.closed_early), definition=definition,
        label=definition_label(definition, weight) if definition else "",
    )  # fmt: skip
