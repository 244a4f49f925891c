"""The figures a formula or deductions indicator can use: code → label, unit and the function
that produces the figure for one subject and one period, with the records behind it.

Each function calls the one function of the app that defines the number (docs/metrics.md) and
never recomputes it: the three rates (`gongzhi.cases.rates.three_rates` over the summed counters),
joint-meeting compliance (`gongzhi.meetings.compliance`), the inspection score (stored on each
inspection by `gongzhi.inspections.scoring`, averaged by `average_score`), survey satisfaction
(`gongzhi.surveys.results.satisfaction_with`), the annual-report rating
(`gongzhi.meetings.report_ratings.rating_of`). Apps above this one register theirs when they start
(`sources.register(Source("warnings.letters", …))`, the warnings app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TWO = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """A quarter ("2026Q3"), a half-year ("2026H1") or a year ("2026")."""

    kind: str
    label: str
    start: date
    end: date

    @property
    def months(self) -> list[date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return out

    @property
    def quarters(self) -> list[str]:
        return sorted({f"{m.year}Q{(m.month - 1) // 3 + 1}" for m in self.months})


def period_of(kind: str, label: str) -> Period:
    """The period named `label` ("2026Q3", "2026H1", "2026") of `kind`; ValueError otherwise."""
    label = (label or "").strip().upper()
    try:
        year = int(label[:4])
    except ValueError:
        raise ValueError(label) from None
    if not 2000 <= year <= 2100:
        raise ValueError(label)
    if kind == "quarter" and len(label) == 6 and label[4] == "Q" and label[5] in "1234":
        first = 3 * (int(label[5]) - 1) + 1
        last = first + 2
    elif kind == "half_year" and len(label) == 6 and label[4] == "H" and label[5] in "12":
        first = 1 if label[5] == "1" else 7
        last = first + 5
    elif kind == "year" and len(label) == 4:
        first, last = 1, 12
    else:
        raise ValueError(label)
    end = (date(year, last, 1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Period(kind, label, date(year, first, 1), end)


def previous_period(period: Period) -> Period:
    day = period.start - timedelta(days=1)
    if period.kind == "quarter":
        return period_of("quarter", f"{day.year}Q{(day.month - 1) // 3 + 1}")
    if period.kind == "half_year":
        return period_of("half_year", f"{day.year}H{1 if day.month <= 6 else 2}")
    return period_of("year", f"{day.year}")


def last_finished(kind: str, today: date) -> Period:
    """The latest period of `kind` that has ended by `today`."""
    current = period_of(kind, _label_containing(kind, today))
    return previous_period(current)


def _label_containing(kind: str, day: date) -> str:
    if kind == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if kind == "half_year":
        return f"{day.year}H{1 if day.month <= 6 else 2}"
    return f"{day.year}"


@dataclass(frozen=True)
class Subject:
    """What is assessed: an organisation (with its contract for property service) or a compound."""

    kind: str
    town_id: int
    organization: Any = None
    contract: Any = None
    compound: Any = None
    neighborhood: Any = None

    @cached_property
    def compounds(self) -> list:
        """The compounds the subject answers for: its own, those of its neighborhood, or — for a
        place with neither (the town, in the evaluation reports) — those of the town. Read once
        per subject: the inspection score and the two rectification figures each ask."""
        from gongzhi.places.models import Compound

        if self.compound is not None:
            return [self.compound]
        if self.neighborhood is None:
            return list(Compound.objects.filter(neighborhood__town_id=self.town_id).order_by("code"))
        return list(Compound.objects.filter(neighborhood=self.neighborhood).order_by("code"))

    @property
    def neighborhoods(self) -> list:
        """Its neighborhood, or every neighborhood of the town for a town-wide place."""
        from gongzhi.places.models import Neighborhood

        if self.neighborhood is not None:
            return [self.neighborhood]
        if self.compound is not None:
            return [self.compound.neighborhood]
        return list(Neighborhood.objects.filter(town_id=self.town_id).order_by("code"))


@dataclass(frozen=True)
class Figure:
    """A figure as pulled: its value (None: nothing to measure), its count and denominator where
    it is a ratio or a count, what it says, a link to the page behind it and the records."""

    value: Decimal | None
    count: int | None = None
    denominator: int | None = None
    text: str = ""
    link: str = ""
    records: list = field(default_factory=list)  # [(label, url), …]


@dataclass(frozen=True)
class Source:
    code: str
    label: Any
    unit: Any  # "%", "points", "events"
    figure: Callable[[Subject, Period], Figure]
    kinds: tuple[str, ...] = ()  # the subject kinds it applies to (empty: every kind)


_sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    _sources[source.code] = source
    return source


def get(code: str) -> Source | None:
    return _sources.get(code)


def all_sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.code)


def label_of(code: str) -> str:
    source = _sources.get(code)
    return str(source.label) if source else code


def _pct(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(TWO, ROUND_HALF_UP)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(period.start, time.min, tz), datetime.combine(period.end + timedelta(days=1), time.min, tz)


# --- The three rates ------------------------------------------------------------------------------


def _three_rates(subject: Subject, period: Period):
    from gongzhi.cases.rates import summed, three_rates
    from gongzhi.cases.reports import settings_for

    q = Q(town_id=subject.town_id, period__gte=period.start, period__lte=period.end)
    if subject.organization is not None:
        q &= Q(organization_id=subject.organization.pk)
    if subject.compound is not None:
        q &= Q(compound_id=subject.compound.pk)
    elif subject.neighborhood is not None and subject.organization is None:
        q &= Q(neighborhood_id=subject.neighborhood.pk)
    sums = summed(q)[0]
    rates = three_rates({k: v or 0 for k, v in sums.items()}, settings_for((subject.town_id,)).definition)
    at = f"organization.{subject.organization.uid}" if subject.organization is not None else ""
    if subject.compound is not None:
        at = f"{at}~compound.{subject.compound.uid}" if at else f"compound.{subject.compound.uid}"
    link = reverse("cases:rates") + f"?at={at}&start={period.start:%Y-%m}&end={period.end:%Y-%m}"
    return rates, link


RATE_TEXTS = {
    "handling": gettext_lazy("%(n)s of %(d)s accepted cases handled in time (definition %(v)s)"),
    "effective": gettext_lazy("%(n)s of %(d)s cases closed with a follow-up confirmed fixed (definition %(v)s)"),
    "satisfaction": gettext_lazy("%(n)s of %(d)s ratings, 基本满意 weighted (definition %(v)s)"),
}


def _rate_source(key: str):
    def figure(subject: Subject, period: Period) -> Figure:
        rates, link = _three_rates(subject, period)
        rate = getattr(rates, key)
        numerator = rate.numerator
        shown = numerator.quantize(Decimal(1)) if numerator == numerator.to_integral() else numerator.normalize()
        text = RATE_TEXTS[key] % {"n": shown, "d": rate.denominator, "v": rates.definition.version}
        return Figure(rate.percent, None, rate.denominator, text, link)

    return figure


register(
    Source(
        "cases.handling",
        gettext_lazy("调处率 (cases handled in time)"),
        "%",
        _rate_source("handling"),
    )
)
register(
    Source(
        "cases.effective",
        gettext_lazy("处置有效率 (cases confirmed fixed)"),
        "%",
        _rate_source("effective"),
    )
)
register(
    Source(
        "cases.satisfaction",
        gettext_lazy("群众满意率 (residents' rating of cases)"),
        "%",
        _rate_source("satisfaction"),
    )
)


# --- Joint-meeting compliance ---------------------------------------------------------------------


def _compliance(subject: Subject, period: Period) -> Figure:
    from gongzhi.meetings import compliance

    neighborhoods = subject.neighborhoods
    if not neighborhoods:
        return Figure(None, text=_("No neighborhood."))
    held = assessed = 0
    missed: list[str] = []
    today = timezone.localdate()
    for year in sorted({m.year for m in period.months}):
        wanted = {f"{m:%Y-%m}" for m in period.months if m.year == year}
        for row in compliance.table(neighborhoods, year, today):
            for month, status in row.months:
                if month not in wanted or status not in ("held", "missed"):
                    continue
                assessed += 1
                if status == "held":
                    held += 1
                else:
                    missed.append(month if len(neighborhoods) == 1 else f"{row.neighborhood.name} {month}")
    rate = compliance.rate(held, assessed)
    value = None if rate is None else Decimal(str(rate * 100)).quantize(TWO, ROUND_HALF_UP)
    text = _("%(held)s of %(assessed)s months with the monthly joint meeting held and minutes approved") % {
        "held": held,
        "assessed": assessed,
    }
    if missed:
        text += " · " + _("missed: %(months)s") % {"months": ", ".join(missed)}
    link = reverse("meetings:compliance") + f"?year={period.end.year}"
    return Figure(value, held, assessed, text, link)


register(
    Source(
        "meetings.compliance",
        gettext_lazy("Joint-meeting compliance (months held ÷ months assessed)"),
        "%",
        _compliance,
        ("party_org", "residents_committee", "compound", "owners_committee"),
    )
)


# --- Inspections ----------------------------------------------------------------------------------


def _inspection_score(subject: Subject, period: Period) -> Figure:
    from gongzhi.inspections.models import Inspection
    from gongzhi.inspections.scoring import average_score

    first, after = _bounds(period)
    rows = list(
        Inspection.objects.filter(compound__in=subject.compounds, submitted_at__gte=first, submitted_at__lt=after)
        .select_related("visit")  # each record links to its visit
        .order_by("submitted_at", "pk")
    )
    value = average_score(r.score for r in rows)
    scored = [r for r in rows if r.score is not None]
    records = [
        (f"{timezone.localtime(r.submitted_at):%Y-%m-%d} · {r.score if r.score is not None else '—'}",
         reverse("inspections:visit", args=[r.visit.uid]))
        for r in rows
    ]  # fmt: skip
    text = _("mean of %(n)s inspection scores") % {"n": len(scored)}
    return Figure(value, len(scored), None, text, reverse("inspections:home"), records)


register(
    Source(
        "inspections.score",
        gettext_lazy("Inspection score (mean of the period's inspections)"),
        "points",
        _inspection_score,
    )
)


def _orders(subject: Subject, period: Period):
    from gongzhi.inspections.models import RectificationOrder

    rows = RectificationOrder.objects.filter(
        compound__in=subject.compounds, due_on__gte=period.start, due_on__lte=period.end
    )
    if subject.organization is not None:
        rows = rows.filter(responsible=subject.organization)
    on_time, late = [], []
    for order in rows.order_by("due_on", "pk"):
        answered = timezone.localtime(order.answered_at).date() if order.answered_at else None
        (on_time if answered is not None and answered <= order.due_on else late).append(order)
    return on_time, late


def _order_records(orders) -> list:
    return [(f"{o.due_on:%Y-%m-%d} · {o.subject[:40]}", reverse("inspections:order", args=[o.uid])) for o in orders]


def _rectification_on_time(subject: Subject, period: Period) -> Figure:
    on_time, late = _orders(subject, period)
    total = len(on_time) + len(late)
    text = _("%(n)s of %(d)s rectification orders due in the period answered by their due date") % {
        "n": len(on_time),
        "d": total,
    }
    return Figure(
        _pct(len(on_time), total), len(on_time), total, text, reverse("inspections:orders") + "?all=1",
        _order_records([*late, *on_time]),
    )  # fmt: skip


def _rectification_late(subject: Subject, period: Period) -> Figure:
    on_time, late = _orders(subject, period)
    text = _("%(n)s rectification orders due in the period not answered by their due date") % {"n": len(late)}
    return Figure(
        Decimal(len(late)), len(late), None, text, reverse("inspections:orders") + "?all=1", _order_records(late)
    )


register(
    Source(
        "inspections.rectifications_on_time",
        gettext_lazy("Rectifications answered on time"),
        "%",
        _rectification_on_time,
    )
)
register(
    Source(
        "inspections.rectifications_late",
        gettext_lazy("Rectification orders answered late or not at all (events)"),
        "events",
        _rectification_late,
    )
)


# --- Survey satisfaction --------------------------------------------------------------------------

PARTY_OF = {
    "property_service": "property_company",
    "owners_committee": "owners_committee",
    "party_org": "party_org",
    "residents_committee": "residents_committee",
    "compound": "property_company",
}


def _survey(subject: Subject, period: Period) -> Figure:
    from gongzhi.surveys.results import satisfaction_with

    party = PARTY_OF[subject.kind]
    found = []
    for compound in subject.compounds:
        for quarter in period.quarters:
            result = satisfaction_with(party, compound.pk, quarter)
            if result is not None:
                found.append((compound, quarter, result))
    return survey_mean(found)


def survey_mean(found: list) -> Figure:
    """The satisfaction figure of a place from the closed surveys found, [(compound, quarter,
    PartySatisfaction)]: the plain mean of their estimates, each survey a record."""
    records = [
        (f"{c.name} {q} · {r.percent()[0]}% (n={r.valid})", reverse("surveys:results", args=[r.survey.uid]))
        for c, q, r in found
    ]
    if not found:
        return Figure(None, 0, None, _("No closed survey in the period."), "", records)
    mean = sum((Decimal(str(r.estimate.value)) for _c, _q, r in found), Decimal(0)) / len(found) * 100
    text = _("%(n)s closed surveys (%(label)s), plain mean") % {"n": len(found), "label": found[0][2].label}
    return Figure(mean.quantize(TWO, ROUND_HALF_UP), len(found), None, text, records[0][1], records)


register(
    Source(
        "surveys.satisfaction",
        gettext_lazy("Residents' satisfaction (sampling survey)"),
        "%",
        _survey,
    )
)


# --- Annual report and resolutions ----------------------------------------------------------------


def _report_rating(subject: Subject, period: Period) -> Figure:
    from gongzhi.meetings.models import AnnualReport
    from gongzhi.meetings.report_ratings import rating_of

    if subject.contract is None:
        return Figure(None, text=_("Only a property-service contract has an annual report."))
    report = (
        AnnualReport.objects.filter(contract=subject.contract, year__lte=period.end.year, submitted_at__isnull=False)
        .order_by("-year")
        .first()
    )
    if report is None:
        return Figure(None, 0, None, _("No annual report submitted."))
    rating = rating_of(report)
    value = None if rating.percent is None else Decimal(rating.percent)
    url = reverse("meetings:annual_report", args=[report.uid])
    text = _("annual report %(year)s: %(n)s ratings") % {"year": report.year, "n": rating.total}
    return Figure(value, rating.total, None, text, url, [(str(report.year), url)])


register(
    Source(
        "meetings.report_rating",
        gettext_lazy("Annual report rating (述职评议满意率)"),
        "%",
        _report_rating,
        ("property_service",),
    )
)


def _resolutions(subject: Subject, period: Period) -> Figure:
    from gongzhi.meetings.models import Resolution
    from gongzhi.meetings.workflow import ResolutionState

    if subject.organization is not None:
        rows = Resolution.objects.carried_out_by([subject.organization.pk], "lead")
    elif subject.compound is None:  # a place: the resolutions of its neighborhoods' meetings
        rows = Resolution.objects.filter(neighborhood__in=subject.neighborhoods)
    else:
        return Figure(None, text=_("Only an organisation carries out resolutions."))
    rows = (
        rows.filter(due__gte=period.start, due__lte=period.end)
        .exclude(state=ResolutionState.SUPERSEDED)
        .order_by("due", "pk")
    )
    on_time, late = [], []
    for r in rows:
        done = timezone.localtime(r.implemented_at).date() if r.implemented_at else None
        (on_time if done is not None and done <= r.due else late).append(r)
    total = len(on_time) + len(late)
    text = _("%(n)s of %(d)s resolutions due in the period carried out by their due date") % {
        "n": len(on_time),
        "d": total,
    }
    records = [
        (f"{r.number} · {r.due:%Y-%m-%d}", reverse("meetings:resolution", args=[r.uid])) for r in [*late, *on_time]
    ]
    return Figure(_pct(len(on_time), total), len(on_time), total, text, reverse("meetings:resolutions"), records)


register(
    Source(
        "meetings.resolutions_on_time",
        gettext_lazy("Resolutions carried out on time"),
        "%",
        _resolutions,
    )
)
