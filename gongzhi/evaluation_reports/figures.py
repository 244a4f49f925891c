"""The figures of an evaluation report, assembled from the period's records for the town and for
each of its neighborhoods (R-MECH-4 item 1). Every figure comes from the one function that defines
it (docs/metrics.md "Evaluation reports"):

- the figures the assessments score — the three rates, joint-meeting compliance, resolutions
  carried out on time, the inspection score, rectifications answered on time and late, survey
  satisfaction per party — from `gongzhi.assessments.sources` for the place (a town or a
  neighborhood as the subject, with no organisation);
- each closed survey's four parties with their 95 % intervals from
  `gongzhi.surveys.results.satisfactions_of`, and the place's figure per party from them by
  `sources.survey_mean` (the rule the assessments use);
- the counts of the period's records (cases submitted from the counters, notices published,
  forums and their opinions, inspections, published assessment results, credit records, warning
  letters by level, awards announced), each a query here, each with the link to its list.

The snapshot is plain JSON, in the site's language (a report is an official document, frozen as
written): `assemble()` returns it and nothing is written here."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.assessments import sources
from gongzhi.assessments.sources import Figure, Period, Subject

SCHEMA = 1
PARTY_KINDS = ("party_org", "residents_committee", "owners_committee", "property_company")


@dataclass(frozen=True)
class Topic:
    """A part of the report: its heading and the figures written around it; `kinds` are the report
    kinds that have it (empty: all)."""

    key: str
    heading: object
    kinds: tuple[str, ...] = ()


TOPICS = (
    Topic("overview", gettext_lazy("Overview")),
    Topic("cases", gettext_lazy("Residents' cases and the three rates")),
    Topic("meetings", gettext_lazy("Joint meetings, resolutions and notices")),
    Topic("inspections", gettext_lazy("Inspections and rectifications")),
    Topic("evaluation", gettext_lazy("Forums and satisfaction surveys")),
    Topic("assessments", gettext_lazy("Assessments, credit files and warning letters")),
    Topic("awards", gettext_lazy("Awards"), ("year", "year_end")),
    Topic("groups", gettext_lazy("The inspection groups' work"), ("year_end",)),
    Topic("next", gettext_lazy("Problems and the next steps")),
)
NEIGHBORHOOD_TOPIC = "neighborhood"
# The topics whose figures a neighborhood's section shows, in this order.
SOURCE_ORDER = ("cases", "meetings", "inspections", "evaluation", "assessments")

# Which source figures each topic shows, for every place.
SOURCE_FIGURES = {
    "cases": ("cases.handling", "cases.effective", "cases.satisfaction"),
    "meetings": ("meetings.compliance", "meetings.resolutions_on_time"),
    "inspections": ("inspections.score", "inspections.rectifications_on_time", "inspections.rectifications_late"),
}


def topics_for(kind: str) -> list[Topic]:
    return [t for t in TOPICS if not t.kinds or kind in t.kinds]


def period_for(kind: str, label: str) -> Period:
    """The report's period: a quarter for the quarterly report, the year otherwise."""
    return sources.period_of("quarter" if kind == "quarter" else "year", label)


def _value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _fig(code: str, label, unit: str, figure: Figure) -> dict:
    return {
        "code": code,
        "label": str(label),
        "unit": unit,
        "value": _value(figure.value),
        "count": figure.count,
        "denominator": figure.denominator,
        "text": str(figure.text),
        "link": figure.link,
        "records": [[str(a), b] for a, b in figure.records],
    }


def _count(code: str, label, n: int, link: str, text: str = "") -> dict:
    return _fig(code, label, "count", Figure(Decimal(n), n, None, text, link))


def _bounds(period: Period):
    return sources._bounds(period)


class _Place:
    """The town or one neighborhood (`neighborhood` None: the town) and its compounds' ids."""

    def __init__(self, town, neighborhood, compound_ids: list[int]):
        self.town, self.neighborhood, self.compound_ids = town, neighborhood, compound_ids
        self.subject = Subject(kind="place", town_id=town.pk, neighborhood=neighborhood)

    @property
    def nb_id(self) -> int | None:
        return None if self.neighborhood is None else self.neighborhood.pk


class _Records:
    """The period's records this module counts itself, read once for the town and every
    neighborhood (a query per place and count was 9 queries a place: 360 for a town of 39
    neighborhoods); each count of a place is then taken from them as its own query would have:
    the town's — every row of the town — or a neighborhood's — its rows by neighborhood or by its
    compounds."""

    def __init__(self, town, period: Period):
        from gongzhi.cases.rates import summed
        from gongzhi.credit.models import CreditRecord
        from gongzhi.evaluations.models import Forum, ForumOpinion
        from gongzhi.inspections.models import Inspection
        from gongzhi.notices.models import Notice
        from gongzhi.warning_letters.models import Letter

        first, after = _bounds(period)
        in_town = Q(town_id=town.pk)
        self.cases = summed(in_town & Q(period__gte=period.start, period__lte=period.end), ("neighborhood_id",))
        self.notices = list(
            Notice.objects.filter(in_town, published_at__gte=first, published_at__lt=after).values_list(
                "neighborhood_id", flat=True
            )
        )
        self.inspections = list(
            Inspection.objects.filter(
                compound__neighborhood__town_id=town.pk, submitted_at__gte=first, submitted_at__lt=after
            ).values_list("compound_id", flat=True)
        )
        self.forums = list(
            Forum.objects.filter(in_town, held_on__gte=period.start, held_on__lte=period.end).order_by("held_on", "pk")
        )
        self.opinions = list(
            ForumOpinion.objects.filter(forum__in=[f.pk for f in self.forums]).values_list(
                "forum_id", "rectification_id"
            )
        )
        self.credit = list(
            CreditRecord.objects.filter(in_town, recorded_at__gte=first, recorded_at__lt=after).values_list(
                "compound_id", "kind"
            )
        )
        self.letters = list(
            Letter.objects.filter(in_town, sent_at__gte=first, sent_at__lt=after).values_list(
                "neighborhood_id", "level"
            )
        )


def _source_figures(place: _Place, period: Period, topic: str) -> list[dict]:
    out = []
    for code in SOURCE_FIGURES.get(topic, ()):
        source = sources.get(code)
        out.append(_fig(code, source.label, source.unit, source.figure(place.subject, period)))
    return out


def _cases_counts(place: _Place, period: Period, records: _Records) -> list[dict]:
    rows = [r for r in records.cases if place.neighborhood is None or r["neighborhood_id"] == place.nb_id]
    submitted = sum(r["submitted"] or 0 for r in rows)
    accepted = sum(r["accepted"] or 0 for r in rows)
    at = f"neighborhood.{place.neighborhood.uid}" if place.neighborhood else f"town.{place.town.uid}"
    link = reverse("cases:rates") + f"?at={at}&start={period.start:%Y-%m}&end={period.end:%Y-%m}"
    return [
        _count("cases.submitted", _("Cases submitted"), submitted, link),
        _count("cases.accepted", _("Cases accepted"), accepted, link),
    ]


def _notices(place: _Place, records: _Records) -> dict:
    n = sum(1 for nb in records.notices if place.neighborhood is None or nb == place.nb_id)
    return _count("notices.published", _("Notices published for comment"), n, reverse("notices:list"))


def _inspections_count(place: _Place, records: _Records) -> dict:
    mine = set(place.compound_ids)
    n = sum(1 for compound in records.inspections if compound in mine)
    return _count("inspections.count", _("Inspections submitted"), n, reverse("inspections:home"))


def _forums(place: _Place, records: _Records) -> list[dict]:
    forums = [f for f in records.forums if place.neighborhood is None or f.neighborhood_id == place.nb_id]
    held = {f.pk for f in forums}
    opinions = [rectification for forum, rectification in records.opinions if forum in held]
    forum_fig = _count("evaluations.forums", _("Forums held"), len(forums), reverse("evaluations:list"))
    forum_fig["records"] = [
        [f"{f.held_on:%Y-%m-%d} · {f.place}", reverse("evaluations:forum", args=[f.uid])] for f in forums
    ]
    return [
        forum_fig,
        _count("evaluations.opinions", _("Opinions heard at forums"), len(opinions), reverse("evaluations:list")),
        _count(
            "evaluations.orders",
            _("Opinions made into rectification orders"),
            sum(1 for rectification in opinions if rectification is not None),
            reverse("inspections:orders") + "?all=1",
        ),
    ]


def surveys_in(town, period: Period) -> list[dict]:
    """Every closed survey of the town's compounds in the period's quarters, with each party's
    satisfaction and interval (one computation of each survey's results)."""
    from gongzhi.surveys.models import Survey
    from gongzhi.surveys.results import satisfactions_of
    from gongzhi.surveys.workflow import SurveyState

    rows = []
    surveys = (
        Survey.objects.filter(town=town, quarter__in=period.quarters, state=SurveyState.CLOSED)
        .select_related("compound", "questionnaire")
        .order_by("compound__code", "quarter")
    )
    for survey in surveys:
        rows.append({"survey": survey, "parties": satisfactions_of(survey)})
    return rows


def _survey_table(place: _Place, found: list[dict]) -> tuple[list[dict], list[dict]]:
    mine = [row for row in found if row["survey"].compound_id in set(place.compound_ids)]
    table = []
    for row in mine:
        survey = row["survey"]
        parties = {}
        for kind in PARTY_KINDS:
            result = row["parties"].get(kind)
            if result is not None:
                value, low, high = result.percent()
                parties[kind] = {"value": value, "low": low, "high": high, "n": result.valid}
        table.append({
            "compound": survey.compound.name,
            "quarter": survey.quarter,
            "partial": survey.closed_early,
            "link": reverse("surveys:results", args=[survey.uid]),
            "parties": parties,
        })  # fmt: skip
    means = []
    for kind in PARTY_KINDS:
        picked = [
            (row["survey"].compound, row["survey"].quarter, row["parties"][kind])
            for row in mine
            if kind in row["parties"]
        ]
        label = _("Satisfaction: %(party)s") % {"party": PARTY_LABELS[kind]}
        means.append(_fig(f"surveys.satisfaction.{kind}", label, "%", sources.survey_mean(picked)))
    return table, means


PARTY_LABELS = {
    "party_org": gettext_lazy("Party organisation"),
    "residents_committee": gettext_lazy("Residents' committee"),
    "owners_committee": gettext_lazy("Owners' committee"),
    "property_company": gettext_lazy("Property company"),
}


def _assessments(place: _Place, period: Period) -> list[dict]:
    from gongzhi.assessments.models import Assessment
    from gongzhi.assessments.workflow import CycleState

    rows = (
        Assessment.objects.filter(
            cycle__town=place.town,
            cycle__state=CycleState.PUBLISHED,
            cycle__start__gte=period.start,
            cycle__end__lte=period.end,
        )
        .select_related("cycle", "organization", "compound", "contract__company", "contract__compound")
        .order_by("cycle__subject_kind", "cycle__period", "rank", "pk")
    )
    if place.neighborhood is not None:
        rows = rows.filter(neighborhood=place.neighborhood)
    return [
        {
            "subject": a.subject_name,
            "kind": a.cycle.get_subject_kind_display(),
            "period": a.cycle.period,
            "total": _value(a.total),
            "band": a.band,
            "rank": a.rank,
            "fails": a.fails,
            "link": reverse("assessments:assessment", args=[a.uid]),
        }
        for a in rows
    ]


def _credit(place: _Place, records: _Records) -> list[dict]:
    from gongzhi.credit.models import CreditRecord

    mine = set(place.compound_ids)
    kinds = Counter(kind for compound, kind in records.credit if place.neighborhood is None or compound in mine)
    link = reverse("credit:home")
    return [_count(f"credit.{kind}", label, kinds[kind], link) for kind, label in CreditRecord.Kind.choices]


def _letters(place: _Place, records: _Records) -> list[dict]:
    from gongzhi.warning_letters.models import LEVEL_ORDER, Level

    levels = Counter(level for nb, level in records.letters if place.neighborhood is None or nb == place.nb_id)
    home = reverse("warnings:home")
    return [_count(f"warnings.{lv}", Level(lv).label, levels[lv], f"{home}?level={lv}") for lv in LEVEL_ORDER]


def _awards(place: _Place, period: Period) -> list[dict]:
    from gongzhi.awards.models import Candidate
    from gongzhi.awards.workflow import RoundState

    rows = (
        Candidate.objects.filter(
            round__town=place.town,
            round__state=RoundState.ANNOUNCED,
            round__year__gte=period.start.year,
            round__year__lte=period.end.year,
            awarded=True,
        )
        .select_related("round", "organization", "person", "company")
        .order_by("round__year", "round__kind", "rank", "pk")
    )
    if place.neighborhood is not None:
        rows = rows.filter(neighborhood_id=place.neighborhood.pk)
    return [
        {"award": str(c.round.title), "year": c.round.year, "name": c.name,
         "link": reverse("awards:candidate", args=[c.uid])}
        for c in rows
    ]  # fmt: skip


def _groups(town, period: Period) -> list[dict]:
    """What each inspection group did in the period: inspections submitted, rectification orders
    issued (the year-end report hears the groups, R-ORG-2)."""
    from gongzhi.inspections.models import Inspection, RectificationOrder
    from gongzhi.orgs.models import Body

    first, after = _bounds(period)
    out = []
    for body in Body.objects.filter(town=town, kind=Body.Kind.INSPECTION_GROUP).order_by("number"):
        inspections = Inspection.objects.filter(group=body, submitted_at__gte=first, submitted_at__lt=after)
        orders = RectificationOrder.objects.filter(group=body, issued_at__gte=first, issued_at__lt=after)
        out.append({
            "name": body.name,
            "inspections": inspections.count(),
            "orders": orders.count(),
            "link": reverse("orgs:body_detail", args=[body.uid]),
        })  # fmt: skip
    return out


def _place_part(place: _Place, period: Period, kind: str, surveys: list[dict], records: _Records) -> dict:
    figures: dict[str, list[dict]] = defaultdict(list)
    figures["cases"] = _cases_counts(place, period, records) + _source_figures(place, period, "cases")
    figures["meetings"] = _source_figures(place, period, "meetings") + [_notices(place, records)]
    figures["inspections"] = [_inspections_count(place, records)] + _source_figures(place, period, "inspections")
    survey_table, means = _survey_table(place, surveys)
    figures["evaluation"] = _forums(place, records) + means
    figures["assessments"] = _credit(place, records) + _letters(place, records)
    if place.neighborhood is not None:  # its surveys and assessments are rows of the town's tables
        return {"figures": dict(figures), "tables": {}}
    tables = {"surveys": survey_table, "assessments": _assessments(place, period)}
    if kind != "quarter":
        tables["awards"] = _awards(place, period)
    return {"figures": dict(figures), "tables": tables}


def assemble(town, kind: str, label: str, progress=None) -> dict:
    """The report's snapshot: the town's figures, then each neighborhood's. `progress(done, total)`
    is called after each place (the job shows it)."""
    from gongzhi.places.models import Compound, Neighborhood

    period = period_for(kind, label)
    neighborhoods = list(Neighborhood.objects.filter(town=town).order_by("code"))
    compounds = defaultdict(list)  # the compounds of each neighborhood (one query, not one a place)
    for compound_id, nb_id in Compound.objects.filter(neighborhood__town=town).values_list("pk", "neighborhood_id"):
        compounds[nb_id].append(compound_id)
    with translation.override(settings.LANGUAGE_CODE):
        surveys = surveys_in(town, period)
        records = _Records(town, period)
        everywhere = [pk for ids in compounds.values() for pk in ids]
        town_part = _place_part(_Place(town, None, everywhere), period, kind, surveys, records)
        if kind == "year_end":
            town_part["tables"]["groups"] = _groups(town, period)
        total = len(neighborhoods) + 1
        if progress:
            progress(1, total)
        parts = []
        for index, nb in enumerate(neighborhoods, start=2):
            part = _place_part(_Place(town, nb, compounds[nb.pk]), period, kind, surveys, records)
            part.update({"id": nb.pk, "uid": nb.uid, "code": nb.code, "name": nb.name})
            parts.append(part)
            if progress:
                progress(index, total)
        labels = [result.label for row in surveys for result in row["parties"].values()]
    return {
        "schema": SCHEMA,
        "kind": kind,
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "assembled_at": timezone.now().isoformat(),
        "survey_definition": labels[0] if labels else "",
        "town": {"id": town.pk, "uid": town.uid, "name": town.name, **town_part},
        "neighborhoods": parts,
    }


def figure(part: dict, code: str) -> dict | None:
    """One figure of a place's part of a snapshot, by code."""
    for rows in part.get("figures", {}).values():
        for row in rows:
            if row["code"] == code:
                return row
    return None


def ranking(snapshot: dict) -> list[dict]:
    """The neighborhoods with their three rates and compliance, as the snapshot has them, best
    satisfaction first (no figure last) — the report's ranking table and chart."""
    rows = []
    for part in snapshot.get("neighborhoods", []):
        row = {"name": part["name"], "uid": part["uid"]}
        for code in ("cases.handling", "cases.effective", "cases.satisfaction", "meetings.compliance"):
            fig = figure(part, code)
            row[code.split(".")[1]] = fig["value"] if fig else None
        rows.append(row)

    def key(row):
        value = row["satisfaction"]
        return (value is None, -Decimal(value) if value is not None else 0, row["name"])

    rows.sort(key=key)
    return rows
