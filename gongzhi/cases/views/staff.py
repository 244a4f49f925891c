"""Staff pages of cases: the inbox with its boxes and filters (its Excel export is a background
job: the button starts it, gongzhi.exports), and what a staff member sees of a case in any list
(the deadline that matters, the state's badge; the reporter as the user may see them is in
listing.py, with the list's query). The case page and its actions are in case_page.py; staff entry
and household visits in entry.py."""

from __future__ import annotations

from datetime import date

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.pages import COUNT_LIMIT, PAGE_SIZE, BoundedPaginator
from gongzhi.core.permissions import requires
from gongzhi.core.scope import Scope, get_scope

from .. import listing, selectors
from ..models import Case, Urgency
from ..workflow import State

# --- What a staff member sees of a case ------------------------------------------------------

STATE_BADGES = {
    State.SUBMITTED: "text-bg-primary",
    State.ACCEPTED: "text-bg-info",
    State.IN_PROGRESS: "text-bg-info",
    State.EXPLAINED: "text-bg-warning",
    State.ESCALATED: "text-bg-warning",
    State.RESOLVED: "text-bg-success",
    State.CLOSED: "text-bg-secondary",
    State.REJECTED: "text-bg-light border",
    State.MERGED: "text-bg-light border",
    State.WITHDRAWN: "text-bg-light border",
}
RESOLVE_BY_STATES = (State.ACCEPTED, State.IN_PROGRESS, State.EXPLAINED, State.ESCALATED)


def deadline_of(case: Case, today: date) -> tuple[date | None, str, bool]:
    """The deadline that matters in the case's state, its label, and whether it has passed."""
    if case.state == State.SUBMITTED:
        return case.accept_due, _("accept by"), case.accept_overdue or case.accept_due < today
    if case.state == State.ESCALATED:  # the clock stops while the joint meeting decides
        return case.resolve_due, _("resolve by (paused while awaiting the joint meeting)"), case.resolve_overdue
    if case.state in RESOLVE_BY_STATES:
        return case.resolve_due, _("resolve by"), case.resolve_overdue or case.resolve_due < today
    return None, "", False


def decorate(cases, scope: Scope) -> list[Case]:
    """Give each case of a list what the templates show (no queries: co-handlers prefetched)."""
    today = timezone.localdate()
    # The state's and urgency's names translated once per list, not per row and per use
    # (get_FOO_display hashes every lazy label of the choices at each call: ~0.2 ms a call).
    states = {value: str(label) for value, label in State.choices}
    urgencies = {value: str(label) for value, label in Urgency.choices}
    rows = list(cases)
    for case in rows:
        co_handlers = [o.pk for o in case.co_handlers.all()]
        case.reporter_shown = listing.reporter_of(scope, case, co_handlers)
        case.due, case.due_label, case.is_overdue = deadline_of(case, today)
        case.badge = STATE_BADGES.get(case.state, "text-bg-secondary")
        case.state_label = states.get(case.state, case.state)
        case.urgency_label = urgencies.get(case.urgency, case.urgency)
        case.place_shown = case.place_label
    return rows


# --- Inbox -----------------------------------------------------------------------------------


def _box(request, scope: Scope, counts: dict[str, int]) -> str:
    boxes = listing.boxes(scope)
    asked = request.GET.get("box")
    if asked in boxes:
        return asked
    return next((box for box in boxes if box != "all" and counts.get(box)), "all")


@requires("cases.view")
def inbox(request):
    scope = get_scope(request.user)
    counts = selectors.box_counts(request.user)
    box = _box(request, scope, counts)
    form = listing.filter_form(request.user, request.GET)
    cases = listing.filtered(request.user, selectors.inbox(request.user, box), form)
    paginator = BoundedPaginator(listing.with_related(listing.ordered(cases)), PAGE_SIZE)
    if box in counts and not form.active:
        paginator.count = counts[box]  # the box's tab counted its cases already (the same bound)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = decorate(page.object_list, scope)
    query = request.GET.copy()
    query.pop("page", None)
    query["box"] = box
    tabs = []
    for name in listing.boxes(scope):
        params = request.GET.copy()
        params.pop("page", None)
        params["box"] = name
        tabs.append(
            {
                "box": name,
                "label": selectors.BOXES[name],
                "count": counts.get(name),
                "capped": (counts.get(name) or 0) > COUNT_LIMIT,
                "query": params.urlencode(),
            }
        )
    return render(
        request,
        "cases/staff/inbox.html",
        {
            "nav": "cases",
            "box": box,
            "box_label": selectors.BOXES[box],
            "tabs": tabs,
            "count_limit": f"{COUNT_LIMIT:,}",
            "form": form,
            "page_obj": page,
            "export_query": query.urlencode(),
            "can_enter": scope.has("cases.enter"),
            "can_log_visit": scope.has("visits.log"),
        },
    )
