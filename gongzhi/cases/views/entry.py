"""Staff entry of a case (a phone call, a household visit, a walk-in) and household visits
(R-DUTY-2): two-step forms (choose the compound, then fill in), each write one service."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.core.actions import attempt
from gongzhi.core.pages import paginate, posted, timeline_context, town_choice
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Compound

from .. import selectors, services
from ..forms_staff import CaseEntryForm, CompoundChoiceForm, VisitFilterForm, VisitForm
from ..listing import with_related
from ..models import Case, Visit
from .staff import decorate

# --- Staff entry -----------------------------------------------------------------------------


def _compound_step(request, compounds, *, title: str, intro: str, template_name: str, extra: dict | None = None):
    """Step one of a two-step form: choose the compound (GET), so no script is needed."""
    form = CompoundChoiceForm(compounds=compounds)
    return render(
        request,
        template_name,
        {"nav": "cases", "title": title, "intro": intro, "choice_form": form, "step": 1, **(extra or {})},
    )


def _chosen_compound(request, compounds):
    """The compound given by ?compound=<uid> among `compounds`, or the only one there is."""
    uid = request.GET.get("compound")
    if uid:
        return get_object_or_404(compounds, uid=uid)
    only = list(compounds[:2])
    return only[0] if len(only) == 1 else None


def _enter_case(user, form: CaseEntryForm, compound: Compound) -> Case:
    data = form.cleaned_data
    new_visit = None
    if data.get("new_visit"):
        new_visit = services.NewVisit(
            unit=data.get("unit_obj"), household=data.get("visit_household") or "", notes=data.get("visit_notes") or ""
        )
    report = services.Report(
        compound=compound,
        category=data["category"],
        description=data["description"],
        urgency=data["urgency"],
        building=data.get("building_obj"),
        unit=data.get("unit_obj"),
        location=data.get("location") or "",
        reporter_name=data.get("reporter_name") or "",
        reporter_phone=(data.get("reporter_phone") or "").strip(),
        hide_identity=data.get("hide_identity") or False,
    )
    return services.enter_case(
        actor=user,
        report=report,
        channel=data["channel"],
        photos=data.get("photos") or [],
        visit=data.get("visit_obj"),
        new_visit=new_visit,
    )


def _visits_to_choose(user, compound: Compound, preselected: Visit | None) -> list[Visit]:
    """The user's visits of today in the compound (and the visit the entry started from)."""
    today = timezone.localdate()
    visits = list(
        Visit.objects.filter(visitor=user, visited_on=today, compound=compound).select_related("compound", "unit")
    )
    if preselected is not None and preselected.pk not in {v.pk for v in visits}:
        visits.insert(0, preselected)
    return visits


@requires("cases.enter")
def case_new(request):
    user = request.user
    compounds = (
        Compound.objects.for_user(user, "cases.enter").select_related("neighborhood").order_by("town_id", "code")
    )
    compound, preselected = _compound_and_visit(request, compounds)
    title = _("Enter a case")
    if compound is None:
        return _compound_step(
            request,
            compounds,
            title=title,
            intro=_("For a phone call, a household visit or a walk-in. First choose the compound."),
            template_name="cases/staff/case_new.html",
        )
    form = _entry_form(request, compound, preselected)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: _enter_case(user, form, compound),
            done=lambda case: (
                _("Case %(number)s entered and sent to %(org)s.") % {"number": case.number, "org": case.handler}
            ),
            to=lambda case: case,
        )
        if response is not None:
            return response
    return render(
        request,
        "cases/staff/case_new.html",
        {
            "nav": "cases",
            "title": title,
            "step": 2,
            "form": form,
            "compound": compound,
            "several_compounds": compounds.exclude(pk=compound.pk).exists(),
            "action_query": urlencode({"compound": compound.uid}),
        },
    )


def _compound_and_visit(request, compounds) -> tuple[Compound | None, Visit | None]:
    """The compound a case is entered for, and the visit it comes from when the page was opened
    from one (`?visit=<uid>`); else the compound chosen in the first step (None: not yet)."""
    if request.GET.get("visit"):
        visit = get_object_or_404(
            Visit.objects.for_user(request.user, "visits.log").select_related("compound", "unit"),
            uid=request.GET["visit"],
        )
        return get_object_or_404(compounds, pk=visit.compound_id), visit
    return _chosen_compound(request, compounds), None


def _entry_form(request, compound: Compound, preselected: Visit | None) -> CaseEntryForm:
    user = request.user
    visits = _visits_to_choose(user, compound, preselected)
    can_log_visit = Compound.objects.for_user(user, "visits.log").filter(pk=compound.pk).exists()
    initial = {"channel": Case.Channel.PHONE}
    if preselected is not None:
        initial.update(channel=Case.Channel.VISIT, visit=preselected.uid)
    return CaseEntryForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        compound=compound,
        categories=selectors.categories_for(user),
        visits=visits,
        can_log_visit=can_log_visit,
        initial=initial,
    )


# --- Household visits (R-DUTY-2) -------------------------------------------------------------


def _month_bounds(first: date) -> tuple[date, date]:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following


@requires("cases.view")
def visit_list(request):
    user = request.user
    towns = town_choice(request, permission="cases.view")
    compounds = Compound.objects.for_user(user, "cases.view").order_by("town_id", "code")
    form = VisitFilterForm(request.GET or None, compounds=compounds)
    visits = towns.narrow(Visit.objects.for_user(user))
    month = None
    if form.is_bound:
        form.is_valid()
        if form.cleaned_data.get("compound") is not None:
            visits = visits.filter(compound=form.cleaned_data["compound"])
        month = form.cleaned_data.get("month")
    if towns.shown:
        # a user of several towns picks the compound among those of the chosen town (or of the
        # chosen compound's town), not among a city's 13,000; the filter still takes any of theirs
        chosen = form.cleaned_data.get("compound") if form.is_bound else None
        town_id = towns.chosen.pk if towns.chosen else (chosen.town_id if chosen else None)
        form.fields["compound"].queryset = compounds.filter(town_id=town_id) if town_id else compounds.none()
    counted_month = month or timezone.localdate().replace(day=1)
    start, end = _month_bounds(counted_month)
    per_worker = (
        visits.filter(visited_on__gte=start, visited_on__lt=end)
        .values("visitor__display_name", "visitor__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "visitor__username")
    )
    if month is not None:
        visits = visits.filter(visited_on__gte=start, visited_on__lt=end)
    cases_of_visit = Case.objects.filter(visit=OuterRef("pk")).order_by().values("visit").annotate(n=Count("pk"))
    listed = (
        visits.select_related("compound", "unit__building", "visitor")
        .annotate(case_count=Coalesce(Subquery(cases_of_visit.values("n")[:1]), 0))
        .order_by("-visited_on", "-created_at")
    )
    return render(
        request,
        "cases/staff/visit_list.html",
        {
            "nav": "cases",
            "form": form,
            "page_obj": paginate(request, listed),
            "per_worker": list(per_worker),
            "counted_month": counted_month,
            "towns": towns,
            "filtered": form.is_bound and (request.GET.get("compound") or request.GET.get("month") or towns.chosen),
            "can_log": get_scope(user).has("visits.log"),
        },
    )


@requires("visits.log")
def visit_new(request):
    user = request.user
    compounds = Compound.objects.for_user(user, "visits.log").select_related("neighborhood").order_by("town_id", "code")
    compound = _chosen_compound(request, compounds)
    title = _("Log a household visit")
    if compound is None:
        return _compound_step(
            request,
            compounds,
            title=title,
            intro=_("Household visits (走家串户) are counted per worker. First choose the compound."),
            template_name="cases/staff/visit_new.html",
        )
    form = VisitForm(posted(request), compound=compound)
    if request.method == "POST":
        response = attempt(
            request,
            form,
            lambda: services.log_visit(
                actor=user,
                compound=compound,
                visited_on=form.cleaned_data["visited_on"],
                unit=form.cleaned_data.get("unit_obj"),
                household=form.cleaned_data.get("household") or "",
                notes=form.cleaned_data.get("notes") or "",
            ),
            done=_("Visit logged. Report any problem raised during it from this page."),
            to=lambda visit: reverse("cases:visit_detail", kwargs={"uid": visit.uid}),
        )
        if response is not None:
            return response
    return render(
        request,
        "cases/staff/visit_new.html",
        {
            "nav": "cases",
            "title": title,
            "step": 2,
            "form": form,
            "compound": compound,
            "several_compounds": compounds.exclude(pk=compound.pk).exists(),
            "action_query": urlencode({"compound": compound.uid}),
        },
    )


@requires("cases.view")
def visit_detail(request, uid):
    user = request.user
    visit = get_object_or_404(
        Visit.objects.for_user(user).select_related("compound", "neighborhood", "unit__building", "visitor"), uid=uid
    )
    cases = with_related(Case.objects.for_user(user).filter(visit=visit).order_by("-submitted_at", "-pk"))
    may_report = (
        Compound.objects.for_user(user, "cases.enter").filter(pk=visit.compound_id).exists()
        and Visit.objects.for_user(user, "visits.log").filter(pk=visit.pk).exists()
    )
    return render(
        request,
        "cases/staff/visit_detail.html",
        {
            "nav": "cases",
            "visit": visit,
            "cases": decorate(cases, get_scope(user)),
            "report_url": f"{reverse('cases:case_new')}?{urlencode({'visit': visit.uid})}" if may_report else "",
            **timeline_context(request, visit),
        },
    )
