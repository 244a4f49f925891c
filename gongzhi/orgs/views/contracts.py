"""Property service contracts: the list, a contract's page, creating and editing."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.pages import form_page, managed, paginate, posted, timeline_context
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.orgs.attention import CONTRACT_WARNING_DAYS
from gongzhi.places.models import Compound
from gongzhi.places.pages import managed_towns

from .. import services
from ..forms import (
    ContractFilterForm,
    ContractForm,
)
from ..models import (
    Membership,
    Organization,
    Person,
    ServiceContract,
)
from .common import (
    _manages,
    _place_choices,
    _visible_ids,
)

# --- Service contracts -----------------------------------------------------------------------


@requires("orgs.view")
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    contracts = ServiceContract.objects.for_user(request.user)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            contracts = contracts.filter(Q(company__name__icontains=data["q"]) | Q(compound__name__icontains=data["q"]))
        if data["status"] == "current":
            contracts = contracts.active(today)
        elif data["status"] == "ended":
            contracts = contracts.filter(end__lt=today)
        if data["ending"] == "soon":
            contracts = contracts.filter(end__gte=today, end__lte=today + timedelta(days=CONTRACT_WARNING_DAYS))
    contracts = contracts.select_related("company", "compound__neighborhood", "manager").order_by(
        "compound__neighborhood__code", "compound__code", "-start"
    )
    return render(
        request,
        "orgs/contract_list.html",
        {
            "nav": "orgs",
            "form": form,
            "page_obj": paginate(request, contracts),
            "today": today,
            "soon": today + timedelta(days=CONTRACT_WARNING_DAYS),
            "can_create": managed_towns(request).exists(),
            "filtered": bool(request.GET.get("q") or request.GET.get("status") or request.GET.get("ending")),
        },
    )


@requires("orgs.view")
def contract_detail(request, uid):
    contract = get_object_or_404(
        ServiceContract.objects.for_user(request.user).select_related(
            "company", "compound__neighborhood", "manager", "town"
        ),
        uid=uid,
    )
    others = (
        ServiceContract.objects.for_user(request.user)
        .filter(compound_id=contract.compound_id)
        .exclude(pk=contract.pk)
        .select_related("company")
        .order_by("-start")
    )
    scope = get_scope(request.user)
    return render(
        request,
        "orgs/contract_detail.html",
        {
            "nav": "orgs",
            "contract": contract,
            "others": others,
            "today": timezone.localdate(),
            "can_edit": _manages(request, contract.town_id),
            "compound_visible": bool(_visible_ids(request, Compound, [contract.compound_id])),
            "manager_visible": contract.manager_id is not None
            and scope.has("people.view")
            and Person.objects.for_user(request.user).filter(pk=contract.manager_id).exists(),
            **timeline_context(request, contract),
        },
    )


def _contract_choices(request, town_id=None, current_manager_id=None):
    companies = managed(request, Organization.objects.filter(kind=Organization.Kind.PROPERTY_COMPANY))
    _neighborhoods, compounds = _place_choices(request, town_id)
    staff = Membership.objects.filter(organization__kind=Organization.Kind.PROPERTY_COMPANY)
    managers = managed(request, Person.objects.all()).filter(
        Q(Exists(staff.filter(person=OuterRef("pk")))) | Q(pk=current_manager_id)
    )
    if town_id is not None:
        companies, managers = companies.filter(town_id=town_id), managers.filter(town_id=town_id)
    return companies.order_by("name"), compounds, managers.order_by("name")


@requires("town.manage")
def contract_create(request):
    companies, compounds, managers = _contract_choices(request)
    initial = {}
    if request.GET.get("compound"):
        initial["compound"] = compounds.filter(uid=request.GET["compound"]).first()
    if request.GET.get("company"):
        initial["company"] = companies.filter(uid=request.GET["company"]).first()
    form = ContractForm(posted(request), companies=companies, compounds=compounds, managers=managers, initial=initial)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("New property service contract"),
        cancel_url="orgs:contract_list",
        save=lambda: services.create_contract(
            actor=request.user, town=form.cleaned_data["compound"].town, data=form.data_for_service()
        ),
        done=lambda c: _("Contract recorded: %(contract)s.") % {"contract": c},
    )


@requires("town.manage")
def contract_edit(request, uid):
    contract = get_object_or_404(
        managed(request, ServiceContract.objects.for_user(request.user, "town.manage")), uid=uid
    )
    companies, compounds, managers = _contract_choices(request, contract.town_id, contract.manager_id)
    form = ContractForm(posted(request), instance=contract, companies=companies, compounds=compounds, managers=managers)
    return form_page(
        request,
        form,
        nav="orgs",
        title=_("Edit property service contract"),
        object=contract,
        save=lambda: services.update_contract(
            actor=request.user, contract=contract, data=form.data_for_service(), expected_version=form.expected_version
        ),
        done=lambda c: _("Changes saved."),
    )
