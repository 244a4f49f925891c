"""The dashboard's panels: each reads its figures through the one function of the app that defines
them (docs/metrics.md) over the records the user may read — the town for the office and the
leadership group, the neighborhood for its party secretary — and says where to drill down. A
panel the user has no right to read is left out. Nothing here computes a rate or a grade."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.urls import reverse
from django.utils.http import urlencode

from gongzhi.cases import reports, selectors
from gongzhi.cases.models import Category
from gongzhi.credit.scoring import GRADES
from gongzhi.credit.selectors import files_for
from gongzhi.inspections.models import Inspection, RectificationOrder
from gongzhi.meetings import compliance
from gongzhi.places.models import Compound
from gongzhi.supervision.models import Urging
from gongzhi.warning_letters.models import LEVEL_ORDER, Letter, Level
from gongzhi.warning_letters.workflow import LetterState

HOTSPOTS = 5
INSPECTION_DAYS = 90  # the lowest inspection scores of this many days
LOWEST = 5


def rates(user) -> dict:
    """The three rates of the widest place the user covers over the last 12 assessment months,
    per month (the rates page's report and chart)."""
    place = reports.place_for(user, reports.default_at(user))
    settings = reports.settings_for(place.town_ids)
    first, last = reports.default_range(settings)
    report = reports.build(user, place, grain="month", first=first, last=last, settings=settings)
    query = urlencode({"at": place.at, "grain": "month"})
    three = report.total.rates
    return {
        "place": place,
        "figures": [
            (str(reports.RATE_LABELS[r.key]), r.percent, r.numerator, r.denominator)
            for r in (three.handling, three.effective, three.satisfaction)
        ],
        "chart": reports.trend_chart(report),
        "definition": report.definition_text,
        "url": f"{reverse('cases:rates')}?{query}",
        "has_data": any(report.total.counts.values()),
    }


def meetings(user, today: date) -> dict:
    rows = compliance.table(compliance.neighborhoods_for(user), today.year, today)
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
    return {"lines": lines, "year": today.year, "url": f"{reverse('meetings:compliance')}?year={today.year}"}


def rectifications(user) -> dict:
    orders = RectificationOrder.objects.for_user(user)
    return {
        "open": orders.open().count(),
        "overdue": orders.overdue().count(),
        "url": reverse("inspections:orders"),
    }


def inspections(user, today: date) -> dict:
    """The lowest-scored inspections submitted in the last INSPECTION_DAYS days (the inspection
    score as the inspections define it), and how many there were."""
    recent = Inspection.objects.for_user(user).filter(
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
        "url": reverse("inspections:home"),
    }


def credit(user, today: date) -> dict:
    files = files_for(user, today, kind="company")
    grades = Counter(f.standing.grade for f in files if f.standing.mode == "grade")
    levels = Counter(f.standing.level for f in files if f.standing.mode == "points")
    return {
        "companies": len(files),
        "grades": [(g, grades[g]) for g in GRADES if grades[g]],
        "levels": [(lv, levels[lv]) for lv in ("normal", "watch", "blacklist") if levels[lv]],
        "blacklisted": sum(f.standing.blacklisted for f in files),
        "url": reverse("credit:home"),
    }


def letters(user, today: date) -> dict:
    rows = Letter.objects.for_user(user).exclude(state__in=[LetterState.DRAFT, LetterState.DISCARDED])
    this_year = Counter(rows.filter(sent_at__year=today.year).values_list("level", flat=True))
    home = reverse("warnings:home")
    return {
        "levels": [(Level(lv).label, this_year[lv], f"{home}?level={lv}") for lv in LEVEL_ORDER],
        "late": rows.past_deadline(today).count(),
        "late_url": f"{home}?overdue=1",
        "year": today.year,
        "url": home,
    }


def hotspots(user, today: date) -> dict:
    spots = selectors.hotspots(user, today)[:HOTSPOTS]
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


def urgings(user) -> dict:
    return {
        "waiting": Urging.objects.for_user(user).waiting().count(),
        "url": reverse("supervision:home") + "?show=urged",
        "overdue_url": reverse("supervision:home"),
    }
