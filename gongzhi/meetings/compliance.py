"""Joint-meeting compliance (docs/metrics.md, "Joint-meeting compliance", definition 2026.1): a
neighborhood complies in a month when its regular monthly meeting was held (ended) and minutes of
it were approved. The compliance rate of a period is the compliant months over the months
assessed. A month is assessed once it has ended, and only from the month of the town's first
monthly meeting in the platform (the months before it were not kept here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q

from gongzhi.core.scope import get_scope
from gongzhi.places.models import Compound, Neighborhood

from .models import Meeting, Minutes
from .workflow import MeetingState

DEFINITION_VERSION = "2026.1"


@dataclass
class Row:
    neighborhood: object
    # (period, "held" | "missed" | "open" | "future" | "before"): "before" the town's first meeting here
    months: list[tuple[str, str]] = field(default_factory=list)
    held: int = 0
    assessed: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.held, self.assessed)

    @property
    def percent(self) -> int | None:
        """The rate as a whole percentage, for the page."""
        value = self.rate
        return None if value is None else round(value * 100)


def compliant_periods(neighborhood_ids, year: int) -> set[tuple[int, str]]:
    """(neighborhood id, "YYYY-MM") of the months whose regular meeting was held with minutes approved."""
    approved = Minutes.objects.filter(meeting=OuterRef("pk"), approved_at__isnull=False)
    rows = (
        Meeting.objects.filter(
            neighborhood_id__in=neighborhood_ids,
            kind=Meeting.Kind.REGULAR,
            period__startswith=f"{year:04d}-",
            state=MeetingState.ENDED,
        )
        .filter(Exists(approved))
        .values_list("neighborhood_id", "period")
    )
    return set(rows)


def rate(held: int, assessed: int) -> float | None:
    """The compliance rate: months held ÷ months assessed (None when nothing was assessed)."""
    return held / assessed if assessed else None


def first_periods(town_ids) -> dict[int, str]:
    """town id → the first month ("YYYY-MM") of a monthly meeting recorded in the platform."""
    from django.db.models import Min

    rows = (
        Meeting.objects.filter(town_id__in=town_ids, kind=Meeting.Kind.REGULAR)
        .values("town_id")
        .annotate(first=Min("period"))
    )
    return {row["town_id"]: row["first"] for row in rows}


def table(neighborhoods, year: int, today: date) -> list[Row]:
    neighborhoods = list(neighborhoods)
    done = compliant_periods([n.pk for n in neighborhoods], year)
    starts = first_periods({n.town_id for n in neighborhoods})
    current = f"{today:%Y-%m}"
    out = []
    for neighborhood in neighborhoods:
        row = Row(neighborhood)
        start = starts.get(neighborhood.town_id)
        for month in range(1, 13):
            period = f"{year:04d}-{month:02d}"
            held = (neighborhood.pk, period) in done
            if start is None or period < start:
                status = "before"
            elif period > current:
                status = "future"
            elif period == current:
                status = "open"  # not assessed until the month has ended
            else:
                status = "held" if held else "missed"
            if status in ("held", "missed"):
                row.assessed += 1
                row.held += status == "held"
            row.months.append((period, status))
        out.append(row)
    return out


def missed_last_month(neighborhood_ids, today: date) -> list[int]:
    """The neighborhoods (ids) whose last month's regular meeting was not held with minutes
    approved — in towns that already kept their monthly meetings here by then."""

    first = today.replace(day=1)
    last_month = (
        first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)
    )
    period = f"{last_month:%Y-%m}"
    ids = list(neighborhood_ids)
    towns = dict(Neighborhood.objects.filter(pk__in=ids).values_list("pk", "town_id"))
    starts = first_periods(set(towns.values()))
    assessed = [n for n in ids if starts.get(towns.get(n)) and starts[towns[n]] <= period]
    done = compliant_periods(assessed, last_month.year)
    return [n for n in assessed if (n, period) not in done]


def missed_last_month_count(neighborhoods, today: date) -> int:
    """How many of `neighborhoods` (a queryset) `missed_last_month` would list, counted by the
    database: the towns' first months (one grouped statement) and the neighborhoods without last
    month's held meeting with approved minutes (one count, by the regular meetings' index), so a
    whole city's 5,000 neighborhoods are never read into the process (the home page)."""
    first = today.replace(day=1)
    last_month = (
        first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)
    )
    period = f"{last_month:%Y-%m}"
    started = [town for town, start in first_periods(neighborhoods.values("town_id")).items() if start <= period]
    if not started:
        return 0
    held = Meeting.objects.filter(
        neighborhood_id=OuterRef("pk"), kind=Meeting.Kind.REGULAR, period=period, state=MeetingState.ENDED
    ).filter(Exists(Minutes.objects.filter(meeting=OuterRef("pk"), approved_at__isnull=False)))
    return (
        Neighborhood.objects.filter(pk__in=neighborhoods.values("pk"), town_id__in=started)
        .filter(~Exists(held))
        .count()
    )


def neighborhoods_for(user):
    """The neighborhoods whose compliance the user reads: those of the meetings they may open and
    those of their meetings.view area (ordered by town and code)."""
    area = get_scope(user).area("meetings.view")
    if area.everything:
        viewable = Neighborhood.objects.values("pk")
    else:
        viewable = Neighborhood.objects.filter(
            Q(town_id__in=area.towns)
            | Q(pk__in=area.neighborhoods)
            | Q(pk__in=Compound.objects.filter(pk__in=area.compounds).values("neighborhood_id"))
        ).values("pk")
    meetings = Meeting.objects.for_user(user).values("neighborhood_id")
    return Neighborhood.objects.filter(Q(pk__in=meetings) | Q(pk__in=viewable)).order_by("town_id", "code")
