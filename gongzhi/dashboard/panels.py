"""The dashboard's panels: each reads its figures through the one function of the app that defines
them (docs/metrics.md) over the records the user may read — the town for the office and the
leadership group, the neighborhood for its party secretary — and says where to drill down. A
panel the user has no right to read is left out. Nothing here computes a rate or a grade.

What each reads, and how much: the three rates and the rankings one report over the counters
(`cases.reports.build`, one aggregate grouped by month and by the places one level down: it
grows with places × months, never with cases); the hotspots one grouped query over the cases of
the town's hotspot window (an index range); survey satisfaction the closed surveys of one quarter
(`surveys.results.place_satisfaction`, four queries); the other panels count the place's orders,
inspections, letters, urgings and credit files."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.urls import reverse
from django.utils.http import urlencode

from gongzhi.cases import reports, selectors
from gongzhi.cases.models import Category
from gongzhi.cases.rates import EFFECTIVE, HANDLING, SATISFACTION
from gongzhi.credit.scoring import GRADES
from gongzhi.credit.selectors import files_for
from gongzhi.inspections.models import Inspection, RectificationOrder
from gongzhi.meetings import compliance
from gongzhi.places.models import Compound
from gongzhi.supervision.models import Urging
from gongzhi.surveys.models import Definition, Survey
from gongzhi.surveys.results import place_satisfaction
from gongzhi.warning_letters.models import LEVEL_ORDER, Letter, Level
from gongzhi.warning_letters.workflow import LetterState

HOTSPOTS = 5
INSPECTION_DAYS = 90  # the lowest inspection scores of this many days
LOWEST = 5
RANKED = 3  # the best and the lowest places of the ranking shown
# The rates' own names, short enough for a column heading (the full label is its title).
SHORT_RATES = {HANDLING: "调处率", EFFECTIVE: "处置有效率", SATISFACTION: "群众满意率"}


def _in(town, queryset, key: str = "town_id"):
    """`queryset` of the chosen town only (all of it when no town is chosen)."""
    return queryset if town is None else queryset.filter(**{key: town.pk})


def rates_report(user, town=None) -> reports.RatesReport:
    """The rates page's report for the widest place the user covers (or the chosen `town`), the
    last 12 assessment months per month, with the ranking of the places one level down only (the
    neighborhoods of a town, the compounds of a neighborhood, the towns of a city): the report
    behind the rates and the rankings panels."""
    place = reports.place_for(user, f"town.{town.uid}" if town is not None else reports.default_at(user))
    settings = reports.settings_for(place.town_ids)
    first, last = reports.default_range(settings)
    return reports.build(
        user, place, grain="month", first=first, last=last, settings=settings, children=place.children[:1]
    )


def rates_url(at: str) -> str:
    return f"{reverse('cases:rates')}?{urlencode({'at': at, 'grain': 'month'})}"


def rates(report: reports.RatesReport) -> dict:
    """The three rates of the report's place over its months, per month (the rates page's chart)."""
    place = report.place
    three = report.total.rates
    return {
        "place": place,
        "figures": [
            (str(reports.RATE_LABELS[r.key]), r.percent, r.numerator, r.denominator)
            for r in (three.handling, three.effective, three.satisfaction)
        ],
        "chart": reports.trend_chart(report),
        "definition": report.definition_text,
        "url": rates_url(place.at),
        "has_data": any(report.total.counts.values()),
    }


def rankings(user, report: reports.RatesReport) -> dict | None:
    """The places one level down ranked as on the rates page (`cases.reports.rank_lines`: by 调处率,
    ties by the other two rates, the finished months only, a place with too few cases not ranked):
    the RANKED best and the RANKED lowest, each with its three rates and a link to its own rates
    page. None when the place has nothing one level down."""
    if not report.rankings:
        return None
    ranking = report.rankings[0]
    reports.label_lines(user, report.place, ranking)
    ranked = reports.rank_lines(
        ranking.lines, reports.DEFAULT_SORT, report.settings.ranking_min_cases, ranked=not ranking.provisional
    )
    placed = [item for item in ranked if item.rank is not None]
    best = placed[:RANKED]
    lowest = placed[max(RANKED, len(placed) - RANKED) :]

    def row(item) -> dict:
        line = item.line
        return {
            "rank": item.rank,
            "name": line.label,
            "url": rates_url(line.link_at) if line.link_at else "",
            "rates": [getattr(line.rates, key).percent for key in SHORT_RATES],
        }

    gap = len(placed) > len(best) + len(lowest)
    return {
        "title": ranking.title,
        # the table: the best, a gap row (None) when places lie between them, the lowest
        "rows": [row(item) for item in best] + ([None] if gap else []) + [row(item) for item in lowest],
        "ranked": len(placed),
        "unranked": len(ranked) - len(placed),
        "provisional": ranking.provisional,
        "months": report.ranked_text,
        "minimum": report.settings.ranking_min_cases,
        "headings": [(short, str(reports.RATE_LABELS[key])) for key, short in SHORT_RATES.items()],
        "url": rates_url(report.place.at),
    }


def surveys(user, town=None) -> dict:
    """The residents' satisfaction with each of the four parties over the user's surveys, in the
    latest quarter with a closed survey (`surveys.results.place_satisfaction`), each party's lowest
    compound linking to its survey's results."""
    place = place_satisfaction(_in(town, Survey.objects.for_user(user)))
    return {
        "quarter": place.quarter,
        "surveys": place.surveys,
        "partial": place.partial,
        "label": place.label,
        "unit": "" if place.definition == Definition.INDEX else "%",  # the index is a score of 0–100
        "parties": [
            {
                "label": party.label,
                "percent": party.percent,
                "compounds": len(party.figures),
                "lowest": party.lowest.survey.compound.name if party.lowest else "",
                "lowest_percent": party.lowest.percent()[0] if party.lowest else None,
                "lowest_url": reverse("surveys:results", args=[party.lowest.survey.uid]) if party.lowest else "",
            }
            for party in place.parties
        ],
        "url": reverse("surveys:list"),
    }


def meetings(user, today: date, town=None) -> dict:
    rows = compliance.table(_in(town, compliance.neighborhoods_for(user)), today.year, today)
    lines = [
        {
            "name": row.neighborhood.name,
            "held": row.held,
            "assessed": row.assessed,
            "percent": row.percent,  # the compliance page's figure
        }
        for row in rows
    ]
    # the least compliant first: they are the ones to look at
    lines.sort(key=lambda x: (x["percent"] is None, x["percent"] if x["percent"] is not None else 0, x["name"]))
    url = f"{reverse('meetings:compliance')}?year={today.year}" + (f"&town={town.uid}" if town is not None else "")
    return {"lines": lines, "year": today.year, "url": url}


def rectifications(user, town=None) -> dict:
    orders = _in(town, RectificationOrder.objects.for_user(user))
    return {
        "open": orders.open().count(),
        "overdue": orders.overdue().count(),
        "url": reverse("inspections:orders"),
    }


def inspections(user, today: date, town=None) -> dict:
    """The lowest-scored inspections submitted in the last INSPECTION_DAYS days (the inspection
    score as the inspections define it), and how many there were."""
    recent = _in(town, Inspection.objects.for_user(user)).filter(
        submitted_at__date__gte=today - timedelta(days=INSPECTION_DAYS), score__isnull=False
    )
    lowest = recent.select_related("compound", "visit").order_by("score", "-submitted_at")[:LOWEST]
    return {
        "count": recent.count(),
        "days": INSPECTION_DAYS,
        "lowest": [
            {
                "compound": i.compound.name,
                "day": i.submitted_at,
                "score": i.score,
                "url": reverse("inspections:visit", args=[i.visit.uid]),
            }
            for i in lowest
        ],
        "url": reverse("inspections:home") + (f"?town={town.uid}" if town is not None else ""),
    }


def credit(user, today: date, town=None) -> dict:
    files = files_for(user, today, kind="company", town_id=town.pk if town is not None else None)
    grades = Counter(f.standing.grade for f in files if f.standing.mode == "grade")
    levels = Counter(f.standing.level for f in files if f.standing.mode == "points")
    return {
        "companies": len(files),
        "grades": [(g, grades[g]) for g in GRADES if grades[g]],
        "levels": [(lv, levels[lv]) for lv in ("normal", "watch", "blacklist") if levels[lv]],
        "blacklisted": sum(f.standing.blacklisted for f in files),
        "url": reverse("credit:home"),
    }


def letters(user, today: date, town=None) -> dict:
    rows = _in(town, Letter.objects.for_user(user)).exclude(state__in=[LetterState.DRAFT, LetterState.DISCARDED])
    this_year = Counter(rows.filter(sent_at__year=today.year).values_list("level", flat=True))
    home = reverse("warnings:home")
    return {
        "levels": [(Level(lv).label, this_year[lv], f"{home}?level={lv}") for lv in LEVEL_ORDER],
        "late": rows.past_deadline(today).count(),
        "late_url": f"{home}?overdue=1",
        "year": today.year,
        "url": home,
    }


def hotspots(user, today: date, town=None) -> dict:
    spots = selectors.hotspots(user, today, towns=[town.pk] if town is not None else None)[:HOTSPOTS]
    compounds = Compound.objects.in_bulk([s.compound_id for s in spots])
    categories = Category.objects.in_bulk([s.category_id for s in spots])
    return {
        "spots": [
            {
                "compound": compounds[s.compound_id].name,
                "category": categories[s.category_id].name,
                "count": s.count,
                "url": reverse(
                    "cases:hotspot_cases", args=[compounds[s.compound_id].uid, categories[s.category_id].uid]
                ),
            }
            for s in spots
        ],
        "url": reverse("cases:hotspots"),
    }


def urgings(user, town=None) -> dict:
    return {
        "waiting": _in(town, Urging.objects.for_user(user)).waiting().count(),
        "url": reverse("supervision:home") + "?show=urged" + (f"&town={town.uid}" if town is not None else ""),
        "overdue_url": reverse("supervision:home") + (f"?town={town.uid}" if town is not None else ""),
    }
