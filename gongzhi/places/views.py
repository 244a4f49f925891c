"""Places pages: thin views — permission, scoped fetch, form, service, message, redirect."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import can, form_page, paginate, posted, timeline_context, town_choice
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope

from . import services
from .forms import BuildingForm, CompoundFilterForm, CompoundForm, NeighborhoodForm, UnitForm
from .models import Building, Compound, Neighborhood, Unit
from .pages import managed_towns
from .selectors import by_number, with_place_totals

# --- Neighborhoods ---------------------------------------------------------------------------


@requires("places.view")
def neighborhood_list(request):
    towns = town_choice(request, permission="places.view")
    neighborhoods = towns.narrow(Neighborhood.objects.for_user(request.user)).select_related("town")
    # paged (a city has 5,000 neighborhoods): the totals are counted for the rows shown only
    page = paginate(request, neighborhoods.order_by("town__code", "code"))
    page.object_list = with_place_totals(
        Neighborhood.objects.filter(pk__in=[n.pk for n in page.object_list]).select_related("town"), "neighborhood"
    ).order_by("town__code", "code")
    return render(
        request,
        "places/neighborhood_list.html",
        {
            "nav": "places",
            "page_obj": page,
            "neighborhoods": page.object_list,
            "towns": towns,
            "can_create": managed_towns(request).exists(),
        },
    )


@requires("places.view")
def neighborhood_detail(request, uid):
    neighborhood = get_object_or_404(Neighborhood.objects.for_user(request.user).select_related("town"), uid=uid)
    compounds = with_place_totals(
        Compound.objects.for_user(request.user).filter(neighborhood=neighborhood), "compound"
    ).order_by("code")
    return render(
        request,
        "places/neighborhood_detail.html",
        {
            "nav": "places",
            "neighborhood": neighborhood,
            "compounds": compounds,
            "can_edit": get_scope(request.user).area("town.manage").covers_town(neighborhood.town_id),
            "can_add_compound": can(request, "places.manage", neighborhood),
            **timeline_context(request, neighborhood),
        },
    )


@requires("town.manage")
def neighborhood_create(request):
    form = NeighborhoodForm(posted(request), towns=managed_towns(request))
    return form_page(
        request,
        form,
        nav="places",
        title=_("New neighborhood"),
        cancel_url="places:neighborhood_list",
        save=lambda: services.create_neighborhood(
            actor=request.user, town=form.cleaned_data["town"], data=form.data_for_service()
        ),
        done=lambda n: _("Neighborhood “%(name)s” created.") % {"name": n.name},
    )


@requires("town.manage")
def neighborhood_edit(request, uid):
    neighborhood = get_object_or_404(Neighborhood.objects.for_user(request.user, "town.manage"), uid=uid)
    form = NeighborhoodForm(posted(request), instance=neighborhood)
    return form_page(
        request,
        form,
        nav="places",
        title=_("Edit neighborhood"),
        object=neighborhood,
        save=lambda: services.update_neighborhood(
            actor=request.user,
            neighborhood=neighborhood,
            data=form.data_for_service(),
            expected_version=form.expected_version,
        ),
        done=lambda n: _("Changes saved."),
    )


# --- Compounds -------------------------------------------------------------------------------


@requires("places.view")
def compound_list(request):
    towns = town_choice(request, permission="places.view")
    neighborhoods = Neighborhood.objects.for_user(request.user).order_by("code")
    form = CompoundFilterForm(request.GET or None, neighborhoods=neighborhoods)
    compounds = towns.narrow(Compound.objects.for_user(request.user)).select_related("neighborhood")
    if form.is_valid():
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            compounds = compounds.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
        if form.cleaned_data["neighborhood"]:
            compounds = compounds.filter(neighborhood=form.cleaned_data["neighborhood"])
        if form.cleaned_data["contract"] == "none":
            # the orgs app's contracts, reached through the relation (places does not import orgs)
            contracts = Compound.contracts.rel.related_model
            current = contracts.objects.active().filter(compound=OuterRef("pk"))
            compounds = compounds.filter(~Exists(current))
    compounds = with_place_totals(compounds, "compound").order_by("neighborhood__code", "code")
    if towns.shown:
        # a user of several towns picks the neighborhood among those of the chosen town (or of the
        # chosen neighborhood's town): a city's 5,000 neighborhoods are not listed on every page;
        # the filter still accepts any neighborhood of the user's (links keep working)
        chosen = form.cleaned_data.get("neighborhood") if form.is_bound else None
        town_id = towns.chosen.pk if towns.chosen else (chosen.town_id if chosen else None)
        form.fields["neighborhood"].queryset = (
            neighborhoods.filter(town_id=town_id) if town_id else neighborhoods.none()
        )
        show_neighborhood = town_id is not None
    else:
        show_neighborhood = neighborhoods.count() > 1
    return render(
        request,
        "places/compound_list.html",
        {
            "nav": "places",
            "form": form,
            "towns": towns,
            "page_obj": paginate(request, compounds),
            "can_create": Neighborhood.objects.for_user(request.user, "places.manage").exists(),
            "show_neighborhood": show_neighborhood,
        },
    )


@requires("places.view")
def compound_detail(request, uid):
    compound = get_object_or_404(
        with_place_totals(Compound.objects.for_user(request.user).select_related("neighborhood", "town"), "compound"),
        uid=uid,
    )
    buildings = by_number(with_place_totals(Building.objects.filter(compound=compound), "building"))
    scope = get_scope(request.user)
    return render(
        request,
        "places/compound_detail.html",
        {
            "nav": "places",
            "compound": compound,
            "buildings": buildings,
            "can_manage": can(request, "places.manage", compound),
            "can_see_invite": scope.has("residents.bind") and can(request, "residents.bind", compound),
            **timeline_context(request, compound),
        },
    )


@requires("places.manage")
def compound_create(request):
    neighborhoods = Neighborhood.objects.for_user(request.user, "places.manage").order_by("code")
    initial = {}
    if request.GET.get("neighborhood"):
        initial["neighborhood"] = neighborhoods.filter(uid=request.GET["neighborhood"]).first()
    form = CompoundForm(posted(request), neighborhoods=neighborhoods, initial=initial)
    return form_page(
        request,
        form,
        nav="places",
        title=_("New compound"),
        cancel_url="places:compound_list",
        save=lambda: services.create_compound(actor=request.user, data=form.data_for_service()),
        done=lambda c: _("Compound “%(name)s” created.") % {"name": c.name},
    )


@requires("places.manage")
def compound_edit(request, uid):
    compound = get_object_or_404(Compound.objects.for_user(request.user, "places.manage"), uid=uid)
    neighborhoods = Neighborhood.objects.for_user(request.user, "places.manage").filter(town_id=compound.town_id)
    form = CompoundForm(posted(request), instance=compound, neighborhoods=neighborhoods)
    return form_page(
        request,
        form,
        nav="places",
        title=_("Edit compound"),
        object=compound,
        save=lambda: services.update_compound(
            actor=request.user, compound=compound, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda c: _("Changes saved."),
    )


@require_POST
@requires("places.manage")
def compound_renew_invite(request, uid):
    compound = get_object_or_404(Compound.objects.for_user(request.user, "places.manage"), uid=uid)
    services.renew_invite_code(actor=request.user, compound=compound)
    messages.success(request, _("A new invite code was issued. The old code no longer works; print a new poster."))
    return redirect("places:compound_detail", uid=uid)


# --- Buildings -------------------------------------------------------------------------------


@requires("places.view")
def building_detail(request, uid):
    building = get_object_or_404(
        with_place_totals(Building.objects.for_user(request.user).select_related("compound"), "building"), uid=uid
    )
    units = by_number(Unit.objects.filter(building=building))
    return render(
        request,
        "places/building_detail.html",
        {
            "nav": "places",
            "building": building,
            "page_obj": paginate(request, units, 100),
            "can_manage": can(request, "places.manage", building),
            **timeline_context(request, building),
        },
    )


@requires("places.manage")
def building_create(request, compound_uid):
    compound = get_object_or_404(Compound.objects.for_user(request.user, "places.manage"), uid=compound_uid)
    form = BuildingForm(posted(request), instance=Building(compound=compound, town_id=compound.town_id))
    return form_page(
        request,
        form,
        nav="places",
        parent=compound,
        title=_("New building in %(compound)s") % {"compound": compound.name},
        save=lambda: services.create_building(actor=request.user, compound=compound, data=form.data_for_service()),
        done=lambda b: _("Building “%(number)s” created.") % {"number": b.number},
    )


@requires("places.manage")
def building_edit(request, uid):
    building = get_object_or_404(
        Building.objects.for_user(request.user, "places.manage").select_related("compound"), uid=uid
    )
    form = BuildingForm(posted(request), instance=building)
    return form_page(
        request,
        form,
        nav="places",
        title=_("Edit building"),
        object=building,
        save=lambda: services.update_building(
            actor=request.user, building=building, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda b: _("Changes saved."),
    )


# --- Units -----------------------------------------------------------------------------------


@requires("places.view")
def unit_detail(request, uid):
    unit = get_object_or_404(Unit.objects.for_user(request.user).select_related("building", "compound"), uid=uid)
    scope = get_scope(request.user)
    return render(
        request,
        "places/unit_detail.html",
        {
            "nav": "places",
            "unit": unit,
            "can_manage": can(request, "places.manage", unit),
            "can_bind": scope.has("residents.bind") and can(request, "residents.bind", unit),
            **timeline_context(request, unit),
        },
    )


@requires("places.manage")
def unit_create(request, building_uid):
    building = get_object_or_404(
        Building.objects.for_user(request.user, "places.manage").select_related("compound"), uid=building_uid
    )
    form = UnitForm(
        posted(request), instance=Unit(building=building, compound_id=building.compound_id, town_id=building.town_id)
    )
    another = "add_another" in request.POST
    return form_page(
        request,
        form,
        nav="places",
        parent=building,
        add_another=True,
        title=_("New unit in %(compound)s %(building)s")
        % {"compound": building.compound.name, "building": building.number},
        save=lambda: services.create_unit(actor=request.user, building=building, data=form.data_for_service()),
        done=lambda u: _("Unit “%(number)s” created.") % {"number": u.number},
        redirect_to=lambda u: reverse("places:unit_create", args=[building.uid]) if another else building,
    )


@requires("places.manage")
def unit_edit(request, uid):
    unit = get_object_or_404(Unit.objects.for_user(request.user, "places.manage").select_related("building"), uid=uid)
    form = UnitForm(posted(request), instance=unit)
    return form_page(
        request,
        form,
        nav="places",
        title=_("Edit unit"),
        object=unit,
        save=lambda: services.update_unit(
            actor=request.user, unit=unit, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda u: _("Changes saved."),
    )
