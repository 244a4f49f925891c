"""Joint-meeting compliance per neighborhood and month."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.pages import paginate, town_choice
from gongzhi.core.permissions import requires

from .. import compliance
from ..models import Meeting


@requires("meetings.view")
def compliance_page(request):
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    # A page of neighborhoods at a time, of the chosen town for a user of several (the city's 5,000
    # neighborhoods in one table were 10 MB of HTML, 10 s).
    choice = town_choice(request, permission="meetings.view")
    page_obj = paginate(request, choice.narrow(compliance.neighborhoods_for(request.user)))
    table = compliance.table(page_obj.object_list, year, today)
    urls = _meeting_urls(request, [row.neighborhood.pk for row in table], year)
    for row in table:
        # Each month's mark links to the monthly meeting it counts, when there is one the user may open.
        row.cells = [(period, status, urls.get((row.neighborhood.pk, period))) for period, status in row.months]
    return render(
        request,
        "meetings/compliance.html",
        {
            "nav": "meetings",
            "table": table,
            "page_obj": page_obj,
            "choice": choice,
            "year": year,
            "years": range(today.year, today.year - 4, -1),
        },
    )


def _meeting_urls(request, neighborhood_ids, year: int) -> dict[tuple[int, str], str]:
    """(neighborhood id, "YYYY-MM") → the page of that month's regular meeting (one a month at most),
    among the meetings the user may open."""
    rows = (
        Meeting.objects.for_user(request.user)
        .filter(neighborhood_id__in=neighborhood_ids, kind=Meeting.Kind.REGULAR, period__startswith=f"{year:04d}-")
        .values_list("neighborhood_id", "period", "uid")
    )
    return {(neighborhood, period): reverse("meetings:detail", args=[uid]) for neighborhood, period, uid in rows}
