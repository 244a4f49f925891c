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

from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope

from . import panels


@requires("dashboard.view")
def home(request):
    user, today = request.user, timezone.localdate()
    scope = get_scope(user)
    context = {"nav": "dashboard", "today": today}
    if scope.has("cases.rates"):
        report = panels.rates_report(user)
        context["rates"] = panels.rates(report)
        context["rankings"] = panels.rankings(user, report)
        context["hotspots"] = panels.hotspots(user, today)
    if scope.has("meetings.view"):
        context["meetings"] = panels.meetings(user, today)
    if scope.has("inspections.view"):
        context["rectifications"] = panels.rectifications(user)
        context["inspections"] = panels.inspections(user, today)
    if scope.has("surveys.view"):
        context["surveys"] = panels.surveys(user)
    if scope.has("credit.view"):
        context["credit"] = panels.credit(user, today)
    if scope.has("warnings.view"):
        context["letters"] = panels.letters(user, today)
    if scope.has("supervision.view"):
        context["urgings"] = panels.urgings(user)
    return render(request, "dashboard/home.html", context)
