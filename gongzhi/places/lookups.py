"""The place look-ups the kernel's scope needs (installed by PlacesConfig.ready)."""

from .models import Compound, Neighborhood


def neighborhoods_of_compounds(compound_ids):
    return Compound.objects.filter(pk__in=compound_ids).values_list("neighborhood_id", flat=True)


def towns_of(neighborhood_ids, compound_ids) -> set[int]:
    towns: set[int] = set()
    if neighborhood_ids:
        towns |= set(Neighborhood.objects.filter(pk__in=neighborhood_ids).values_list("town_id", flat=True))
    if compound_ids:
        towns |= set(Compound.objects.filter(pk__in=compound_ids).values_list("town_id", flat=True))
    return towns
