"""The rankings one level down: their order and rank numbers, the kinds of organisation ranked
apart, and each line's name and links."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound, Neighborhood

from ..rates import COMPOSITE, EFFECTIVE, HANDLING, SATISFACTION
from .compute import Line, Ranking
from .labels import RATE_SORTS, SORT_KEYS
from .places import MODELS, Place

DEFAULT_SORT = f"-{HANDLING}"
# The rates that break a tie of the rate ranked by, in this order (docs/metrics.md).
TIE_BREAKERS = {
    HANDLING: (EFFECTIVE, SATISFACTION),
    EFFECTIVE: (HANDLING, SATISFACTION),
    SATISFACTION: (HANDLING, EFFECTIVE),
    COMPOSITE: (HANDLING, EFFECTIVE, SATISFACTION),
}


@dataclass(frozen=True)
class Ranked:
    line: Line
    rank: int | None  # None: not ranked (too few cases, or no finished month)


def _rank_key(line: Line, rate: str) -> tuple:
    """Higher is better; a rate with nothing to measure sorts below every measured one."""
    return tuple(
        (-1 if value is None else value)
        for value in (line.sort_value(rate), *(line.sort_value(r) for r in TIE_BREAKERS[rate]))
    )


def rank_lines(lines: list[Line], sort: str, minimum: int, *, ranked: bool = True) -> list[Ranked]:
    """The lines in the order of `sort` (a key of SORT_KEYS, `-` in front for descending), each
    with its rank: by the sorted rate when sorting by a rate, else by 调处率; best first, ties of
    the rate and its tie-breakers sharing a rank (1, 2, 2, 4). A line with fewer than `minimum`
    cases behind that rate is not ranked ("too few to rank"); sorted by a rate, it comes after
    the ranked lines. `ranked=False` (a range with no finished month): no line is ranked."""
    if sort.lstrip("-") not in SORT_KEYS:
        sort = DEFAULT_SORT
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    rate = key if key in RATE_SORTS else HANDLING
    eligible = [
        line for line in lines if ranked and line.sort_value(rate) is not None and line.cases_behind(rate) >= minimum
    ]
    eligible.sort(key=lambda line: line.label)
    eligible.sort(key=lambda line: _rank_key(line, rate), reverse=True)
    ranks: dict[int, int] = {}
    previous = None
    for position, line in enumerate(eligible, start=1):
        value = _rank_key(line, rate)
        if value != previous:
            rank, previous = position, value
        ranks[id(line)] = rank
    if key in RATE_SORTS:
        if not descending:
            eligible.sort(key=lambda line: (_rank_key(line, rate), line.label))
        ordered = eligible + sort_lines([line for line in lines if id(line) not in ranks], sort)
    else:
        ordered = sort_lines(lines, sort)
    return [Ranked(line, ranks.get(id(line))) for line in ordered]


def kinds_of(lines: list[Line]) -> list[tuple[str, int]]:
    """The kinds of organisation among ranking lines (after `label_lines`), with their number of
    lines: most lines first, then in the order of Organization.Kind."""
    order = {value: i for i, (value, _label) in enumerate(Organization.Kind.choices)}
    counts = Counter(line.kind for line in lines)
    return sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order)), item[0]))


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
            line.kind = obj.kind
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
