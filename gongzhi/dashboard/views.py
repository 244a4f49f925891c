"""The town at a glance (issue 14 item 8): for the office and the leadership group their town, for
a neighborhood's party secretary their neighborhood (the title names the place) — the three rates
with their trend and the ranking of the places one level down (best and lowest), joint-meeting
compliance, the residents' satisfaction with the four parties from the latest closed surveys, the
lowest recent inspection scores, open and overdue rectification orders, the property companies'
credit, warning letters by level, hotspots and the urged records, each linking to the page with
the records behind it. Each panel is shown only to whoever may read it (its app's `.view`
permission; gongzhi.dashboard.panels)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from gongzhi.core.pages import town_choice
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope

from . import panels


@requires("dashboard.view")
def home(request):
    user, today = request.user, timezone.localdate()
    scope = get_scope(user)
    # A user of several towns (the platform administrator: every town) sees the city's summary —
    # the three rates and the towns' ranking from the counters, the rectification orders, warning
    # letters and urgings counted — and chooses a town for the rest: computing every town's
    # meetings, surveys, credit files and inspections was 35 s for the city.
    choice = town_choice(request, permission="dashboard.view")
    town = choice.chosen
    city = choice.several and town is None
    context = {"nav": "dashboard", "today": today, "choice": choice, "city": city}
    if scope.has("cases.rates"):
        report = panels.rates_report(user, town)
        context["rates"] = panels.rates(report)
        context["rankings"] = panels.rankings(user, report)
        if not city:
            context["hotspots"] = panels.hotspots(user, today, town)
    if scope.has("meetings.view") and not city:
        context["meetings"] = panels.meetings(user, today, town)
    if scope.has("inspections.view"):
        context["rectifications"] = panels.rectifications(user, town)
        if not city:
            context["inspections"] = panels.inspections(user, today, town)
    if scope.has("surveys.view") and not city:
        context["surveys"] = panels.surveys(user, town)
    if scope.has("credit.view") and not city:
        context["credit"] = panels.credit(user, today, town)
    if scope.has("warnings.view"):
        context["letters"] = panels.letters(user, today, town)
    if scope.has("supervision.view"):
        context["urgings"] = panels.urgings(user, town)
    return render(request, "dashboard/home.html", context)
