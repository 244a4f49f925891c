"""Organisations: the list, an organisation's page (members, coverage), creating and editing."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.pages import form_page, managed, paginate, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.places.pages import managed_towns

from .. import services
from ..forms import (
    OrganizationFilterForm,
    OrganizationForm,
)
from ..models import (
    Duty,
    Membership,
    Organization,
    ServiceContract,
)
from .common import (
    _manages,
    _member_context,
    _ordered_by_kind,
    _place_choices,
    _sorted_memberships,
    _without_town,
)

# --- Organisations ---------------------------------------------------------------------------


@requires("orgs.view")
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    organizations = Organization.objects.for_user(request.user)
    town_count = organizations.values("town_id").distinct().count()
    if form.is_valid():
        if form.cleaned_data["kind"]:
            organizations = organizations.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            organizations = organizations.filter(Q(name__icontains=q) | Q(code__icontains=q))
    current_contracts = (
        ServiceContract.objects.for_user(request.user).active().select_related("compound").order_by("compound__name")
    )
    organizations = (
        _ordered_by_kind(organizations.select_related("town", "neighborhood", "compound__neighborhood"))
        .prefetch_related(Prefetch("contracts", queryset=current_contracts, to_attr="current_contracts"))
        .order_by("town__code", "kind_rank", "name")
    )
    return render(
        request,
        "orgs/organization_list.html",
        {
            "nav": "orgs",
            "form": form,
            "page_obj": paginate(request, organizations),
            "show_town": town_count > 1,
            "can_create": managed_towns(request).exists(),
        },
    )


@requires("orgs.view")
def organization_detail(request, uid):
    organization = get_object_or_404(
        Organization.objects.for_user(request.user).select_related("town", "neighborhood", "compound__neighborhood"),
        uid=uid,
    )
    scope = get_scope(request.user)
    context = {"current_members": None, "past_members": None}
    if scope.has("people.view"):
        memberships = (
            Membership.objects.for_user(request.user).filter(organization=organization).select_related("person")
        )
        context = _member_context(request, _sorted_memberships(memberships), holder=organization)
    duties = Duty.objects.none()
    if organization.kind in Organization.FOUR_PARTIES:
        duties = (
            Duty.objects.for_user(request.user)
            .filter(town_id=organization.town_id, party=organization.kind, retired=False)
            .order_by("order")
        )
    contracts = None
    if organization.kind == Organization.Kind.PROPERTY_COMPANY:
        contracts = ServiceContract.objects.for_user(request.user).filter(company=organization)
    elif organization.kind == Organization.Kind.OWNERS_COMMITTEE:
        contracts = ServiceContract.objects.for_user(request.user).filter(compound_id=organization.compound_id)
    if contracts is not None:
        contracts = contracts.select_related("company", "compound__neighborhood", "manager").order_by("-start")
    place = organization.place
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "nav": "orgs",
            "organization": organization,
            "duties": duties,
            "contracts": contracts,
            "place_visible": place is not None
            and type(place).objects.for_user(request.user).filter(pk=place.pk).exists(),
            "can_edit": _manages(request, organization.town_id),
            "can_see_people": scope.has("people.view"),
            "today": timezone.localdate(),
            **context,
            **timeline_context(request, organization),
        },
    )


@requires("town.manage")
def organization_create(request):
    neighborhoods, compounds = _place_choices(request)
    initial = {"kind": request.GET["kind"]} if request.GET.get("kind") in Organization.Kind.values else {}
    form = OrganizationForm(
        posted(request), towns=managed_towns(request), neighborhoods=neighborhoods, compounds=compounds, initial=initial
    )
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("New organisation"),
        cancel_url="orgs:organization_list",
        save=lambda: services.create_organization(
            actor=request.user, town=form.cleaned_data["town"], data=_without_town(form)
        ),
        done=lambda o: _("Organisation “%(name)s” created.") % {"name": o.name},
    )


@requires("town.manage")
def organization_edit(request, uid):
    organization = get_object_or_404(
        managed(request, Organization.objects.for_user(request.user, "town.manage")), uid=uid
    )
    neighborhoods, compounds = _place_choices(request, organization.town_id)
    form = OrganizationForm(posted(request), instance=organization, neighborhoods=neighborhoods, compounds=compounds)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Edit organisation"),
        object=organization,
        save=lambda: services.update_organization(
            actor=request.user,
            organization=organization,
            data=form.data_for_service(),
            expected_version=form.expected_version,
        ),
        done=lambda o: _("Changes saved."),
    )
