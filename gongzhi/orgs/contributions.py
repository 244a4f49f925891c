"""What the organisations add to the platform (gongzhi.core.registry): home-page items (claims,
contracts, terms, missing organisations), the "My organisations" card, quick links, and how the
history reads changes of a body's member units and coverage."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry
from gongzhi.core.pages import can
from gongzhi.core.scope import get_scope

from . import attention
from .models import Membership, Organization, Residency, ServiceContract


def memberships_panel(request, scope):
    person = getattr(request.user, "person", None)
    # The scope's own reading of them when it made one today (gongzhi.orgs.scope), else a statement.
    memberships = getattr(person, "active_memberships", None)
    if memberships is None:
        memberships = (
            Membership.objects.filter(person=person).active().select_related("organization", "body")
            if person
            else Membership.objects.none()
        )
    return {"memberships": memberships, "is_platform_admin": scope.is_platform_admin}


def _sees_orgs(request, scope):
    return scope.has("orgs.view")


registry.attention(20, attention.residency_items)
registry.attention(30, attention.contract_items)
registry.attention(40, attention.town_items)
registry.home_panel(
    10, "orgs.memberships", template="orgs/home_panel_memberships.html", context=memberships_panel, column="side"
)
registry.quick_link(20, "orgs:organization_list", icon="bi-diagram-3", label=_("Organisations"), visible=_sees_orgs)
registry.quick_link(
    21,
    "orgs:body_list",
    icon="bi-people",
    label=_("Leadership group, office and inspection groups"),
    visible=_sees_orgs,
)
registry.quick_link(
    22, "orgs:duty_list", icon="bi-list-check", label=_("Duty lists of the four parties"), visible=_sees_orgs
)
registry.quick_link(
    30, "orgs:residency_claims", icon="bi-person-check", label=_("Residents' claims"),
    visible=lambda request, scope: scope.has("residents.bind"),
)  # fmt: skip
registry.audit_labels(
    detail_models={
        "orgs.body.add_member_unit": "orgs.bodymemberunit",
        "orgs.body.remove_member_unit": "orgs.bodymemberunit",
        "orgs.body.add_coverage": "orgs.bodycoverage",
        "orgs.body.remove_coverage": "orgs.bodycoverage",
    }
)


def compound_section(request, compound):
    user = request.user
    return {
        "contracts": ServiceContract.objects.for_user(user, "orgs.view")
        .filter(compound=compound)
        .select_related("company", "manager"),
        "organizations": Organization.objects.for_user(user, "orgs.view").filter(
            Q(compound=compound) | Q(neighborhood_id=compound.neighborhood_id)
        ),
    }


def compound_claims_section(request, compound):
    if not get_scope(request.user).has("residents.bind"):
        return None
    claims = Residency.objects.for_user(request.user, "residents.bind").filter(
        unit__compound=compound, status=Residency.Status.CLAIMED
    )
    return {"pending_claims": claims.count()}


def neighborhood_section(request, neighborhood):
    return {"organizations": Organization.objects.for_user(request.user, "orgs.view").filter(neighborhood=neighborhood)}


registry.page_section(
    "places.compound", 10, "orgs.compound", template="orgs/section_compound.html", context=compound_section
)
registry.page_section(
    "places.compound_invite", 10, "orgs.compound_claims", template="orgs/section_compound_claims.html",
    context=compound_claims_section,
)  # fmt: skip
registry.page_section(
    "places.neighborhood", 10, "orgs.neighborhood", template="orgs/section_neighborhood.html",
    context=neighborhood_section,
)  # fmt: skip


def unit_section(request, unit):
    residencies = (
        Residency.objects.for_user(request.user)
        .filter(unit=unit)
        .select_related("person")
        .order_by("status", "relation")
    )
    scope = get_scope(request.user)
    can_bind = scope.has("residents.bind") and can(request, "residents.bind", unit)
    return {
        "unit": unit,
        "residencies": residencies,
        "can_bind": can_bind,
    }


registry.page_section("places.unit", 10, "orgs.unit", template="orgs/section_unit.html", context=unit_section)
registry.nav_item(50, "orgs:organization_list", label=_("Organisations"), active=("orgs",), permission="orgs.view")
registry.nav_item(51, "orgs:person_list", label=_("People"), active=("people",), permission="people.view")
