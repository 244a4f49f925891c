"""The rankings one level down: their order, and each line's name and links."""

from __future__ import annotations

from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound, Neighborhood

from .compute import Line, Ranking
from .labels import SORT_KEYS
from .places import MODELS, Place


def sort_lines(lines: list[Line], sort: str) -> list[Line]:
    """Sort by name or by a rate or count; `-` in front for descending. A rate with nothing to
    measure ("—") always comes last."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS or key == "name":
        return sorted(lines, key=lambda line: (line.note, line.label), reverse=descending)
    measured = [line for line in lines if line.sort_value(key) is not None]
    unmeasured = [line for line in lines if line.sort_value(key) is None]
    measured.sort(key=lambda line: (line.sort_value(key), line.label), reverse=descending)
    return measured + sorted(unmeasured, key=lambda line: line.label)


def label_lines(user, place: Place, ranking: Ranking, lines: list[Line] | None = None) -> None:
    """Give ranking lines (all, or those of one page) their names and links: a link to the
    place's own page where the user may open it, and the place whose cases the numbers count."""
    lines = ranking.lines if lines is None else lines
    ids = [line.key for line in lines]
    kind = ranking.kind
    model = MODELS[kind]
    fields = ["id", "uid", "name"] + (["kind", "code"] if kind == "organization" else ["code"])
    named = {obj.pk: obj for obj in model.objects.filter(pk__in=ids).only(*fields)}
    area = get_scope(user).area("cases.rates")
    if kind == "compound":
        open_ids = set(Compound.objects.for_user(user, "cases.rates").filter(pk__in=ids).values_list("pk", flat=True))
    elif kind == "neighborhood":
        open_ids = {
            pk
            for pk, town_id in Neighborhood.objects.filter(pk__in=ids).values_list("pk", "town_id")
            if area.everything or town_id in area.towns or pk in area.neighborhoods
        }
    elif kind == "town":
        open_ids = {pk for pk in ids if area.covers_town(pk)}
    else:
        open_ids = set(ids)  # an organisation is opened within the current place
    kinds = {value: str(label) for value, label in Organization.Kind.choices}  # translated once, not per line
    for line in lines:
        obj = named.get(line.key)
        line.label = obj.name if obj is not None else "?"
        if kind == "organization" and obj is not None:
            line.note = kinds.get(obj.kind, obj.kind)
            within = place.at if place.level != "organization" else ""
            line.at = f"organization.{obj.uid}" + (f"~{within}" if within and place.level != "all" else "")
            line.link_at = line.at
        elif obj is not None:
            own_at = f"{kind}.{obj.uid}"
            line.link_at = own_at if line.key in open_ids else ""
            if place.level == "organization":
                # The numbers are this organisation's in that compound.
                line.at = f"organization.{place.obj.uid}~{own_at}"
            else:
                line.at = own_at
