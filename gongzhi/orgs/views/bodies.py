"""Bodies (leadership group, office, inspection groups): the list, a body's page, editing, member units and coverage."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import form_page, managed, paginate, posted, timeline_context, town_choice
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.models import Compound, Neighborhood, Town

from .. import coverage, services
from ..forms import (
    BodyForm,
    CoverageForm,
    InspectionOverlapForm,
    MemberUnitForm,
)
from ..models import (
    Body,
    BodyCoverage,
    BodyMemberUnit,
    Membership,
    Organization,
)
from .common import (
    _again_or,
    _manages,
    _member_context,
    _ordered_by_kind,
    _place_choices,
    _sorted_memberships,
    _visible_ids,
)

# --- Bodies ----------------------------------------------------------------------------------


@requires("orgs.view")
def body_list(request):
    scope = get_scope(request.user)
    towns = town_choice(request, permission="orgs.view")
    bodies = (
        towns.narrow(Body.objects.for_user(request.user))
        .select_related("town")
        .annotate(
            member_unit_count=Count("member_units", distinct=True),
        )
        .prefetch_related(
            # the places' names only (str() of a coverage): their whole rows were most of the page's time
            Prefetch(
                "coverage",
                queryset=BodyCoverage.objects.select_related("neighborhood", "compound").only(
                    "body_id", "neighborhood__name", "compound__name"
                ),
            )
        )
    )
    if scope.has("people.view"):
        leaders = (
            Membership.objects.active()
            .filter(position__in=[Membership.Position.HEAD, Membership.Position.DEPUTY])
            .select_related("person")
            .order_by("position", "start")
        )
        bodies = bodies.prefetch_related(Prefetch("memberships", queryset=leaders, to_attr="leaders"))
    bodies = _ordered_by_kind(bodies, kinds=Body.Kind).order_by("town__code", "kind_rank", "number")
    page = paginate(request, bodies)
    return render(
        request,
        "orgs/body_list.html",
        {
            "nav": "orgs",
            "page_obj": page,
            "bodies": page.object_list,
            "towns": towns,
            "can_see_people": scope.has("people.view"),
            "show_town": towns.waiting,
            "coverage": coverage.town_coverage(_coverage_towns(request, scope, towns)),
            "perms_town_manage": scope.has("town.manage"),
        },
    )


def _coverage_towns(request, scope, towns):
    """The towns whose whole coverage the user may read: those where they see every body — for a
    user of several towns, the chosen one only (none before a choice: a city's coverage is
    13,000 compounds, read with their groups)."""
    area = scope.area("orgs.view")
    shown = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    if towns.shown:
        shown = shown.filter(pk=towns.chosen.pk) if towns.chosen else shown.none()
    return shown.order_by("code")


@requires("town.manage")
def inspection_overlap_rule(request, uid):
    town = get_object_or_404(managed(request, Town.objects.all().annotate(town_id=F("pk"))), uid=uid)
    form = InspectionOverlapForm(posted(request), instance=town)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Rules of %(town)s") % {"town": town.name},
        save=lambda: services.set_town_rules(
            actor=request.user,
            town=town,
            allowed=form.cleaned_data["inspection_groups_may_overlap"],
            staff_second_factor=form.cleaned_data["staff_second_factor"],
            expected_version=form.expected_version,
        ),
        done=lambda t: _("Changes saved."),
        redirect_to=lambda t: reverse("orgs:body_list") + "#coverage",
    )


def _managed_body(request, uid):
    return get_object_or_404(managed(request, Body.objects.for_user(request.user, "town.manage")), uid=uid)


@requires("orgs.view")
def body_detail(request, uid):
    body = get_object_or_404(Body.objects.for_user(request.user).select_related("town"), uid=uid)
    scope = get_scope(request.user)
    context = {"current_members": None, "past_members": None}
    if scope.has("people.view"):
        memberships = Membership.objects.for_user(request.user).filter(body=body).select_related("person")
        context = _member_context(request, _sorted_memberships(memberships), holder=body)
    member_units = list(body.member_units.select_related("organization"))
    visible_orgs = _visible_ids(request, Organization, [u.organization_id for u in member_units])
    for unit in member_units:
        unit.organization_visible = unit.organization_id in visible_orgs
    coverage = list(body.coverage.select_related("neighborhood", "compound__neighborhood"))
    visible_nbs = _visible_ids(request, Neighborhood, [c.neighborhood_id for c in coverage])
    visible_cps = _visible_ids(request, Compound, [c.compound_id for c in coverage])
    for row in coverage:
        row.place_visible = row.neighborhood_id in visible_nbs or row.compound_id in visible_cps
    return render(
        request,
        "orgs/body_detail.html",
        {
            "nav": "orgs",
            "body": body,
            "member_units": member_units,
            "coverage": coverage,
            "is_inspection_group": body.kind == Body.Kind.INSPECTION_GROUP,
            "can_edit": _manages(request, body.town_id),
            "can_see_people": scope.has("people.view"),
            "today": timezone.localdate(),
            **context,
            **timeline_context(request, body),
        },
    )


@requires("town.manage")
def body_edit(request, uid):
    body = _managed_body(request, uid)
    form = BodyForm(posted(request), instance=body)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Edit %(body)s") % {"body": body.name},
        object=body,
        save=lambda: services.update_body(
            actor=request.user, body=body, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda b: _("Changes saved."),
    )


@requires("town.manage")
def body_member_unit_add(request, uid):
    body = _managed_body(request, uid)
    organizations = _ordered_by_kind(Organization.objects.filter(town_id=body.town_id)).order_by("kind_rank", "name")
    form = MemberUnitForm(posted(request), organizations=organizations)
    return form_page(
        request,
        form,
        nav="orgs",
        parent=body,
        add_another=True,
        title=_("Add a member unit to %(body)s") % {"body": body.name},
        save=lambda: services.add_body_member_unit(
            actor=request.user,
            body=body,
            label=form.cleaned_data["label"],
            organization=form.cleaned_data["organization"],
        ),
        done=lambda unit: _("Member unit “%(label)s” added.") % {"label": unit.label},
        redirect_to=lambda unit: _again_or(request, "orgs:body_member_unit_add", body),
    )


@require_POST
@requires("town.manage")
def body_member_unit_remove(request, uid, pk):
    body = _managed_body(request, uid)
    member_unit = get_object_or_404(BodyMemberUnit, body=body, pk=pk)
    services.remove_body_member_unit(actor=request.user, member_unit=member_unit)
    messages.success(request, _("Member unit “%(label)s” removed.") % {"label": member_unit.label})
    return redirect("orgs:body_detail", uid=uid)


@requires("town.manage")
def body_coverage_add(request, uid):
    body = _managed_body(request, uid)
    if body.kind != Body.Kind.INSPECTION_GROUP:
        messages.error(request, _("Only inspection groups have coverage."))
        return redirect("orgs:body_detail", uid=uid)
    neighborhoods, compounds = _place_choices(request, body.town_id)
    form = CoverageForm(posted(request), neighborhoods=neighborhoods, compounds=compounds)
    return form_page(
        request,
        form,
        nav="orgs",
        parent=body,
        add_another=True,
        title=_("Add coverage to %(body)s") % {"body": body.name},
        intro=_("The group inspects the places it covers; its members see them."),
        save=lambda: services.add_body_coverage(
            actor=request.user,
            body=body,
            neighborhood=form.cleaned_data["neighborhood"],
            compound=form.cleaned_data["compound"],
        ),
        done=lambda row: _("%(place)s added to the group's coverage.") % {"place": row},
        redirect_to=lambda row: _again_or(request, "orgs:body_coverage_add", body),
    )


@require_POST
@requires("town.manage")
def body_coverage_remove(request, uid, pk):
    body = _managed_body(request, uid)
    row = get_object_or_404(BodyCoverage.objects.select_related("neighborhood", "compound"), body=body, pk=pk)
    services.remove_body_coverage(actor=request.user, coverage=row)
    messages.success(request, _("%(place)s removed from the group's coverage.") % {"place": row})
    return redirect("orgs:body_detail", uid=uid)
