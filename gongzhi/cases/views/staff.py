"""Staff pages of cases: the inbox with its boxes and filters (and the Excel export of a list),
and what a staff member sees of a case in any list (the reporter as the user may see them, the
deadline that matters, the state's badge). The case page and its actions are in case_page.py;
staff entry and household visits in entry.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.pages import paginate
from gongzhi.core.permissions import requires
from gongzhi.core.phones import mask_phone
from gongzhi.core.scope import Scope, get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound

from .. import export, selectors
from ..forms_staff import (
    CaseFilterForm,
)
from ..models import Case, Category
from ..services.access import covers, sees_identity
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


@dataclass(frozen=True)
class Reporter:
    """The reporter as one user may see them: withheld, or the name and the masked number."""

    withheld: bool
    name: str = ""
    phone: str = ""  # masked
    readable: bool = False  # the user may have the full number shown (and that is recorded)


def reporter_of(scope: Scope, case: Case, co_handler_ids) -> Reporter:
    """Always with the number masked: where the user may read it in full, the case page offers
    to show it, and that reading is recorded (cases.services.access.reporter_phone_readable)."""
    if case.hide_identity and not sees_identity(scope, case, co_handler_ids):
        return Reporter(withheld=True)
    return Reporter(
        withheld=False,
        name=case.reporter_name,
        phone=mask_phone(case.reporter_phone),
        readable=bool(case.reporter_phone) and covers(scope.area("people.contact"), case),
    )


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
    rows = list(cases)
    for case in rows:
        co_handlers = [o.pk for o in case.co_handlers.all()]
        case.reporter_shown = reporter_of(scope, case, co_handlers)
        case.due, case.due_label, case.is_overdue = deadline_of(case, today)
        case.badge = STATE_BADGES.get(case.state, "text-bg-secondary")
    return rows


def _listed(cases):
    return cases.select_related("category", "compound", "building", "unit", "handler").prefetch_related("co_handlers")


# --- Inbox -----------------------------------------------------------------------------------


def _boxes(scope: Scope) -> list[str]:
    """The boxes worth a tab for this user: "new" and "mine" need an organisation, "callback"
    the right to call back."""
    shown = []
    for box in selectors.BOXES:
        if box in ("new", "mine") and not scope.organization_ids:
            continue
        if box == "callback" and not scope.has("cases.callback"):
            continue
        shown.append(box)
    return shown


def _work_towns(scope: Scope) -> list[int] | None:
    """The towns where the user works (None: all, for the platform admin)."""
    if scope.is_platform_admin:
        return None
    towns = set(scope.town_ids)
    if scope.organization_ids:
        towns |= set(Organization.objects.filter(pk__in=scope.organization_ids).values_list("town_id", flat=True))
    return sorted(towns)


def _in_towns(queryset, towns):
    return queryset if towns is None else queryset.filter(town_id__in=towns)


def _filter_form(request) -> CaseFilterForm:
    scope = get_scope(request.user)
    towns = _work_towns(scope)
    return CaseFilterForm(
        request.GET or None,
        categories=_in_towns(Category.objects.filter(retired=False), towns).order_by("town_id", "order", "code"),
        compounds=Compound.objects.for_user(request.user, "cases.view").order_by("town_id", "code"),
        organizations=_in_towns(Organization.objects.all(), towns).order_by("town_id", "kind", "name"),
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(request, cases, form: CaseFilterForm):
    if not form.is_bound:
        return cases
    form.is_valid()
    data = form.cleaned_data
    if data.get("q"):
        q = data["q"].strip()
        cases = cases.filter(Q(number__icontains=q) | Q(description__icontains=q) | Q(location__icontains=q))
    if data.get("state"):
        cases = cases.filter(state=data["state"])
    for name in ("category", "compound", "handler"):
        if data.get(name) is not None:
            cases = cases.filter(**{name: data[name]})
    if data.get("overdue"):
        cases = cases.filter(pk__in=selectors.inbox(request.user, "overdue").values("pk"))
    if data.get("submitted_from"):
        cases = cases.filter(submitted_at__gte=_start_of(data["submitted_from"]))
    if data.get("submitted_to"):
        cases = cases.filter(submitted_at__lt=_start_of(data["submitted_to"] + timedelta(days=1)))
    return cases


def _box(request, scope: Scope, counts: dict[str, int]) -> str:
    boxes = _boxes(scope)
    asked = request.GET.get("box")
    if asked in boxes:
        return asked
    return next((box for box in boxes if box != "all" and counts.get(box)), "all")


@requires("cases.view")
def inbox(request):
    scope = get_scope(request.user)
    counts = selectors.box_counts(request.user)
    box = _box(request, scope, counts)
    form = _filter_form(request)
    cases = _filtered(request, selectors.inbox(request.user, box), form).order_by("-submitted_at", "-pk")
    page = paginate(request, _listed(cases))
    page.object_list = decorate(page.object_list, scope)
    query = request.GET.copy()
    query.pop("page", None)
    query["box"] = box
    tabs = []
    for name in _boxes(scope):
        params = request.GET.copy()
        params.pop("page", None)
        params["box"] = name
        tabs.append(
            {"box": name, "label": selectors.BOXES[name], "count": counts.get(name), "query": params.urlencode()}
        )
    return render(
        request,
        "cases/staff/inbox.html",
        {
            "nav": "cases",
            "box": box,
            "box_label": selectors.BOXES[box],
            "tabs": tabs,
            "form": form,
            "page_obj": page,
            "export_query": query.urlencode(),
            "can_enter": scope.has("cases.enter"),
            "can_log_visit": scope.has("visits.log"),
        },
    )


@requires("cases.view")
def export_cases(request):
    """The filtered list of the current box as an Excel workbook: every row, not just a page."""
    scope = get_scope(request.user)
    box = request.GET.get("box") if request.GET.get("box") in _boxes(scope) else "all"
    form = _filter_form(request)
    cases = _listed(_filtered(request, selectors.inbox(request.user, box), form).order_by("-submitted_at", "-pk"))

    def reporter(case):
        return reporter_of(scope, case, [o.pk for o in case.co_handlers.all()])

    name = f"cases-{box}-{timezone.localdate():%Y%m%d}.xlsx"
    return export.workbook_response(cases.iterator(chunk_size=2000), reporter, filename=name)
