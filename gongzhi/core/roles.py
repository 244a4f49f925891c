"""Roles and the permission strings they carry. A user's roles come from the active memberships
of their Person (orgs.Membership): the kind of organisation or body decides the role, the
organisation's or body's place decides the scope (core.scope). Permissions live here, in code,
so that a review of this one table is a review of who may do what."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Community affairs office")
    LEADERSHIP = "leadership", _("Leadership group")
    INSPECTOR = "inspector", _("Inspection group")
    PARTY_ORG = "party_org", _("Neighborhood party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    GOVERNMENT_UNIT = "government_unit", _("Government unit")
    RESIDENT = "resident", _("Resident")


# What each permission allows; views check them with core.permissions.requires().
PERMISSION_DESCRIPTIONS = {
    "places.view": "see neighborhoods, compounds, buildings and units in scope",
    "places.manage": "create and edit compounds, buildings and units in scope",
    "town.manage": "manage the town: neighborhoods, organisations, bodies, contracts, duty lists",
    "orgs.view": "see organisations, bodies, contracts and duty lists in scope",
    "people.view": "see people and their memberships in scope",
    "people.contact": "see people's mobile numbers unmasked",
    "people.manage": "create and edit people and memberships",
    "residents.bind": "bind residents to units and confirm residents' claims",
    "audit.view": "read the town's audit log",
    "calendar.manage": "edit the working-day calendar",
    "onboarding.import": "import places, organisations and people from a spreadsheet",
}

_STAFF_VIEW = {"places.view", "orgs.view", "people.view"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.OFFICE: frozenset(PERMISSION_DESCRIPTIONS),
    Role.LEADERSHIP: frozenset(_STAFF_VIEW | {"audit.view"}),
    Role.INSPECTOR: frozenset(_STAFF_VIEW),
    Role.PARTY_ORG: frozenset(_STAFF_VIEW | {"people.contact", "residents.bind"}),
    Role.RESIDENTS_COMMITTEE: frozenset(_STAFF_VIEW | {"places.manage", "people.contact", "residents.bind"}),
    Role.OWNERS_COMMITTEE: frozenset(_STAFF_VIEW),
    Role.PROPERTY_COMPANY: frozenset(_STAFF_VIEW),
    Role.GOVERNMENT_UNIT: frozenset({"orgs.view"}),
    Role.RESIDENT: frozenset(),
}

STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})


def permissions_for(roles) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)
