"""Every write to places (R-ORG-4): named services with an actor, in a transaction, audited."""

from __future__ import annotations

from django.db import transaction

from gongzhi.core import audit, process_cache
from gongzhi.core.ids import new_invite_code
from gongzhi.core.permissions import ensure_allowed, ensure_town_manager
from gongzhi.core.records import create_record, update_record

from .models import Building, Compound, Neighborhood, Town, Unit

NEIGHBORHOOD_FIELDS = ["code", "name", "address"]
COMPOUND_FIELDS = ["neighborhood", "code", "name", "address"]
BUILDING_FIELDS = ["number", "floors"]
UNIT_FIELDS = ["number", "area"]


def create_town(*, actor, code: str, name: str, district: str = "") -> Town:
    town = Town(code=code, name=name, district=district)
    return create_record(town, actor=actor, action="places.town.create", fields=["code", "name", "district"])


def create_neighborhood(*, actor, town: Town, data: dict) -> Neighborhood:
    ensure_town_manager(actor, town.pk)
    neighborhood = Neighborhood(town=town, **{k: data[k] for k in NEIGHBORHOOD_FIELDS if k in data})
    return create_record(neighborhood, actor=actor, action="places.neighborhood.create", fields=NEIGHBORHOOD_FIELDS)


def update_neighborhood(*, actor, neighborhood: Neighborhood, data: dict, expected_version: int) -> Neighborhood:
    ensure_town_manager(actor, neighborhood.town_id)
    changes = {k: data[k] for k in NEIGHBORHOOD_FIELDS if k in data}
    return update_record(
        neighborhood,
        actor=actor,
        action="places.neighborhood.update",
        changes=changes,
        expected_version=expected_version,
    )


def create_compound(*, actor, data: dict) -> Compound:
    neighborhood: Neighborhood = data["neighborhood"]
    ensure_allowed(actor, "places.manage", neighborhood)
    compound = Compound(town_id=neighborhood.town_id, **{k: data[k] for k in COMPOUND_FIELDS if k in data})
    process_cache.forget_soon(process_cache.TOWN_CODES)
    return create_record(compound, actor=actor, action="places.compound.create", fields=COMPOUND_FIELDS)


def update_compound(*, actor, compound: Compound, data: dict, expected_version: int) -> Compound:
    ensure_allowed(actor, "places.manage", compound)
    changes = {k: data[k] for k in COMPOUND_FIELDS if k in data}
    if "neighborhood" in changes:
        new_neighborhood = changes["neighborhood"]
        if new_neighborhood.town_id != compound.town_id:
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({"neighborhood": _("A compound cannot move to another town.")})
        if new_neighborhood.pk != compound.neighborhood_id:
            ensure_allowed(actor, "places.manage", new_neighborhood)
    process_cache.forget_soon(process_cache.TOWN_CODES)
    return update_record(
        compound, actor=actor, action="places.compound.update", changes=changes, expected_version=expected_version
    )


def renew_invite_code(*, actor, compound: Compound) -> Compound:
    """Replace the compound's invite code (e.g. after a poster was misused); the old code stops working."""
    ensure_allowed(actor, "places.manage", compound)
    with transaction.atomic():
        compound = Compound.objects.select_for_update().get(pk=compound.pk)
        old = compound.invite_code
        compound.invite_code = new_invite_code()
        compound.save(update_fields=["invite_code", "updated_at"])
        audit.record(
            actor,
            "places.compound.invite_code_reset",
            compound,
            before={"invite_code": old},
            after={"invite_code": compound.invite_code},
        )
    return compound


def create_building(*, actor, compound: Compound, data: dict) -> Building:
    ensure_allowed(actor, "places.manage", compound)
    building = Building(
        town_id=compound.town_id, compound=compound, **{k: data[k] for k in BUILDING_FIELDS if k in data}
    )
    return create_record(building, actor=actor, action="places.building.create", fields=["compound", *BUILDING_FIELDS])


def update_building(*, actor, building: Building, data: dict, expected_version: int) -> Building:
    ensure_allowed(actor, "places.manage", building)
    changes = {k: data[k] for k in BUILDING_FIELDS if k in data}
    return update_record(
        building, actor=actor, action="places.building.update", changes=changes, expected_version=expected_version
    )


def create_unit(*, actor, building: Building, data: dict) -> Unit:
    ensure_allowed(actor, "places.manage", building)
    unit = Unit(
        town_id=building.town_id,
        compound_id=building.compound_id,
        building=building,
        **{k: data[k] for k in UNIT_FIELDS if k in data},
    )
    return create_record(unit, actor=actor, action="places.unit.create", fields=["building", *UNIT_FIELDS])


def update_unit(*, actor, unit: Unit, data: dict, expected_version: int) -> Unit:
    ensure_allowed(actor, "places.manage", unit)
    changes = {k: data[k] for k in UNIT_FIELDS if k in data}
    return update_record(
        unit, actor=actor, action="places.unit.update", changes=changes, expected_version=expected_version
    )
