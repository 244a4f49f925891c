"""The staff's case list as a query: the inbox's boxes and filters, and what a staff member sees of
a case's reporter. The inbox page (views/staff.py) and the list's Excel export (export.py, a
background job of gongzhi.exports) both build their rows here, so the file holds exactly the rows
the page lists — for the user as they are when the rows are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.core.phones import mask_phone
from gongzhi.core.scope import Scope, get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound, Town

from . import selectors
from .forms_staff import CaseFilterForm
from .models import Case, Category
from .services.access import covers, sees_identity

# The query keys of a list: its box and its filters.
KEYS = ("box", *CaseFilterForm.FILTERS)


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


def with_related(cases: QuerySet) -> QuerySet:
    """What a list row shows of each case, read with it (no query per row)."""
    return cases.select_related("category", "compound", "building", "unit", "handler").prefetch_related("co_handlers")


def boxes(scope: Scope) -> list[str]:
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


def _in_towns(queryset, towns, key: str = "town_id"):
    return queryset if towns is None else queryset.filter(**{f"{key}__in": towns})


def filter_form(user, data: Mapping | None) -> CaseFilterForm:
    """The list's filter form, bound to `data` (a query string's values) when there is any; its
    choices are those of the user's towns. A user of several towns (the platform administrator:
    every town) has a town filter, and the page lists the categories, compounds and organisations
    of the chosen town only — of the town of the chosen compound or organisation when no town is
    chosen; none before a choice (a city's 13,000 compounds and 22,000 organisations made a page of
    2.5 MB, 20 s to render)."""
    towns = _work_towns(get_scope(user))
    several = towns is None or len(towns) > 1
    form = CaseFilterForm(
        data or None,
        categories=_in_towns(Category.objects.filter(retired=False), towns).order_by("town_id", "order", "code"),
        compounds=Compound.objects.for_user(user, "cases.view").order_by("town_id", "code"),
        organizations=_in_towns(Organization.objects.all(), towns).order_by("town_id", "kind", "name"),
        towns=_in_towns(Town.objects.all(), towns, key="pk").order_by("code") if several else None,
    )
    if several:
        form.show_town(_chosen_town(form, data or {}))
    return form


def _chosen_town(form: CaseFilterForm, data: Mapping) -> int | None:
    """The town whose lists the form shows: the chosen town, else that of the chosen compound,
    organisation or category (looked up among the form's own choices: nothing outside the scope)."""
    for name in ("town", *CaseFilterForm.TOWN_LISTS):
        value = data.get(name)
        if not value:
            continue
        field = form.fields[name]
        found = field.queryset.filter(uid=value).values_list("pk" if name == "town" else "town_id", flat=True).first()
        if found:
            return found
    return None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(user, cases: QuerySet, form: CaseFilterForm) -> QuerySet:
    """`cases` narrowed by the form's valid filters (an invalid one is ignored, and the page says so)."""
    if not form.is_bound:
        return cases
    form.is_valid()
    data = form.cleaned_data
    if data.get("q"):
        q = data["q"].strip()
        cases = cases.filter(Q(number__icontains=q) | Q(description__icontains=q) | Q(location__icontains=q))
    if data.get("town") is not None:
        cases = cases.filter(town=data["town"])
    if data.get("state"):
        cases = cases.filter(state=data["state"])
    for name in ("category", "compound", "handler"):
        if data.get(name) is not None:
            cases = cases.filter(**{name: data[name]})
    if data.get("overdue"):
        cases = cases.filter(pk__in=selectors.inbox(user, "overdue").values("pk"))
    if data.get("submitted_from"):
        cases = cases.filter(submitted_at__gte=_start_of(data["submitted_from"]))
    if data.get("submitted_to"):
        cases = cases.filter(submitted_at__lt=_start_of(data["submitted_to"] + timedelta(days=1)))
    return cases


def ordered(cases: QuerySet) -> QuerySet:
    return cases.order_by("-submitted_at", "-pk")


def box_of(user, params: Mapping) -> str:
    """The box named in `params`, or "all" when the user has no such box."""
    return params["box"] if params.get("box") in boxes(get_scope(user)) else "all"


def listed(user, params: Mapping) -> tuple[str, QuerySet]:
    """The box named in `params` (or "all" when the user has no such box) and its cases for
    `user`, narrowed by the filters in `params`, newest first, with what a row shows."""
    box = box_of(user, params)
    filters = {key: params[key] for key in CaseFilterForm.FILTERS if params.get(key) not in (None, "")}
    cases = filtered(user, selectors.inbox(user, box), filter_form(user, filters))
    return box, with_related(ordered(cases))
