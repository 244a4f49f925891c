"""The places of the three-rates report, named by the `at` parameter, and the user's scope over
them: which counter rows and cases the user counts, the place a value of `at` names (404 outside
the scope), the default place and what the place selector offers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from gongzhi.core.scope import NOTHING, get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound, Neighborhood, Town

from ..models import CaseStats

MODELS = {"town": Town, "neighborhood": Neighborhood, "compound": Compound, "organization": Organization}
ROW_FIELD = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}
CASE_FIELD = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}


def scope_rows_q(user) -> Q:
    """The counter rows the user may count: those of the places where `cases.rates` reaches,
    and those of the organisations the user belongs to (as Case.objects.for_user)."""
    scope = get_scope(user)
    area = scope.area("cases.rates")
    if area.everything:
        return Q()
    q = area.q(town="town", neighborhood="neighborhood", compound="compound")
    if scope.organization_ids:
        q = (Q() if q == NOTHING else q) | Q(organization_id__in=scope.organization_ids)
    return q


def scope_cases_q(user) -> Q:
    """The same as scope_rows_q, on cases (the handling organisation is `handler`)."""
    scope = get_scope(user)
    area = scope.area("cases.rates")
    if area.everything:
        return Q()
    q = area.q(town="town", neighborhood="neighborhood", compound="compound")
    if scope.organization_ids:
        q = (Q() if q == NOTHING else q) | Q(handler_id__in=scope.organization_ids)
    return q


@dataclass(frozen=True)
class Place:
    level: str  # all, town, neighborhood, compound, organization
    at: str
    label: str
    obj: object = None
    within: object = None  # for an organisation: the place it is looked at within
    town_ids: tuple[int, ...] | None = None  # None: every town
    rows_q: Q = field(default_factory=Q)
    cases_q: Q = field(default_factory=Q)
    children: tuple[str, ...] = ()
    trail: tuple[tuple[str, str], ...] = ()  # (label, at) of the places above it, for breadcrumbs

    @property
    def level_label(self) -> str:
        return {
            "all": _("All towns"),
            "town": _("Town"),
            "neighborhood": _("Neighborhood"),
            "compound": _("Compound"),
            "organization": _("Organisation"),
        }[self.level]


def _covers_neighborhood(area, neighborhood: Neighborhood) -> bool:
    return area.everything or neighborhood.town_id in area.towns or neighborhood.pk in area.neighborhoods


def _covers_compound(area, compound: Compound) -> bool:
    return (
        area.everything
        or compound.town_id in area.towns
        or compound.neighborhood_id in area.neighborhoods
        or compound.pk in area.compounds
    )


def reachable_place(area, place) -> bool:
    if isinstance(place, Town):
        return area.covers_town(place.pk)
    if isinstance(place, Neighborhood):
        return _covers_neighborhood(area, place)
    return _covers_compound(area, place)


def _get(model, uid: str, **related):
    obj = model.objects.filter(uid=uid).select_related(*related.get("select", ())).first()
    if obj is None:
        raise Http404
    return obj


def _trail(user, obj) -> tuple[tuple[str, str], ...]:
    """The reachable places above `obj` (every town, its town, its neighborhood), for breadcrumbs."""
    area = get_scope(user).area("cases.rates")
    out = []
    if area.everything or len(area.towns) > 1:
        out.append((_("All towns"), "all"))
    if isinstance(obj, Town):
        return tuple(out)
    town = obj.town
    if area.covers_town(town.pk):
        out.append((town.name, f"town.{town.uid}"))
    if isinstance(obj, Compound) and _covers_neighborhood(area, obj.neighborhood):
        out.append((obj.neighborhood.name, f"neighborhood.{obj.neighborhood.uid}"))
    return tuple(out)


def place_for(user, at: str) -> Place:
    """The place named by `at`, if the user's scope covers it; else Http404."""
    scope = get_scope(user)
    area = scope.area("cases.rates")
    at = (at or "").strip()
    head, _sep, within_at = at.partition("~")
    level, _dot, uid = head.partition(".")
    if level == "all" and not uid and not within_at:
        return _all_towns(area)
    if level not in MODELS or not uid or (within_at and level != "organization"):
        raise Http404
    if level == "town":
        return _town_place(user, area, at, uid)
    if level == "neighborhood":
        return _neighborhood_place(user, area, at, uid)
    if level == "compound":
        return _compound_place(user, area, at, uid)
    return _organization_place(user, scope, area, at, uid, within_at)


def _all_towns(area) -> Place:
    if not (area.everything or len(area.towns) > 1):
        raise Http404
    towns = None if area.everything else tuple(sorted(area.towns))
    rows_q = Q() if towns is None else Q(town_id__in=towns)
    return Place("all", "all", _("All towns"), town_ids=towns, rows_q=rows_q, cases_q=rows_q, children=("town",))


def _town_place(user, area, at: str, uid: str) -> Place:
    town = _get(Town, uid)
    if not area.covers_town(town.pk):
        raise Http404
    q = Q(town_id=town.pk)
    return Place(
        "town", at, town.name, town, town_ids=(town.pk,), rows_q=q, cases_q=q,
        children=("neighborhood", "organization"), trail=_trail(user, town),
    )  # fmt: skip


def _neighborhood_place(user, area, at: str, uid: str) -> Place:
    neighborhood = _get(Neighborhood, uid, select=("town",))
    if not _covers_neighborhood(area, neighborhood):
        raise Http404
    q = Q(neighborhood_id=neighborhood.pk)
    return Place(
        "neighborhood", at, neighborhood.name, neighborhood, town_ids=(neighborhood.town_id,), rows_q=q,
        cases_q=q, children=("compound", "organization"), trail=_trail(user, neighborhood),
    )  # fmt: skip


def _compound_place(user, area, at: str, uid: str) -> Place:
    compound = _get(Compound, uid, select=("town", "neighborhood"))
    if not _covers_compound(area, compound):
        raise Http404
    q = Q(compound_id=compound.pk)
    return Place(
        "compound", at, compound.name, compound, town_ids=(compound.town_id,), rows_q=q, cases_q=q,
        children=("organization",), trail=_trail(user, compound),
    )  # fmt: skip


def _organization_place(user, scope, area, at: str, uid: str, within_at: str) -> Place:
    """An organisation, or an organisation within a place (`organization.<uid>~<place>`)."""
    organization = _get(Organization, uid, select=("town",))
    rows_q, cases_q = Q(organization_id=organization.pk), Q(handler_id=organization.pk)
    within = None
    if within_at:
        within = _within(within_at)
        within_level = within_at.partition(".")[0]
        rows_q &= Q(**{ROW_FIELD[within_level]: within.pk})
        cases_q &= Q(**{CASE_FIELD[within_level]: within.pk})
    if not _organization_reachable(user, scope, area, organization, within, rows_q):
        raise Http404
    if within is None:
        label, trail = organization.name, _trail(user, organization)
    else:
        label = _("%(org)s in %(place)s") % {"org": organization.name, "place": within.name}
        trail = (*_trail(user, within), (within.name, within_at))
    return Place(
        "organization", at, label, organization, within=within, town_ids=(organization.town_id,),
        rows_q=rows_q, cases_q=cases_q, children=("compound",), trail=trail,
    )  # fmt: skip


def _within(within_at: str):
    """The place an organisation is looked at within (`town.<uid>`, `neighborhood.<uid>`,
    `compound.<uid>`)."""
    within_level, _dot, within_uid = within_at.partition(".")
    if within_level not in ROW_FIELD or not within_uid:
        raise Http404
    related = {"town": (), "neighborhood": ("town",), "compound": ("town", "neighborhood")}[within_level]
    return _get(MODELS[within_level], within_uid, select=related)


def _organization_reachable(user, scope, area, organization, within, rows_q: Q) -> bool:
    """Whether the user may see this organisation's rates (in `within`): a member, an
    organisation in the user's scope, or one some of whose counted rows the user counts."""
    has_rows = None

    def rows_seen() -> bool:  # the user counts some rows of this organisation (in this place)
        nonlocal has_rows
        if has_rows is None:
            has_rows = CaseStats.objects.filter(scope_rows_q(user) & rows_q).exists()
        return has_rows

    reachable = (
        organization.pk in scope.organization_ids
        or Organization.objects.for_user(user, "cases.rates").filter(pk=organization.pk).exists()
        or rows_seen()
    )
    if within is not None and not reachable_place(area, within) and not rows_seen():
        reachable = False  # a place outside the scope, where the user counts nothing of this organisation
    return reachable


def default_at(user) -> str:
    """The widest place the user covers: every town, their town, their neighborhood, their
    property company, their compound, their organisation."""
    scope = get_scope(user)
    area = scope.area("cases.rates")
    if area.everything or len(area.towns) > 1:
        return "all"
    if area.towns:
        return f"town.{Town.objects.get(pk=next(iter(area.towns))).uid}"
    if area.neighborhoods:
        return f"neighborhood.{Neighborhood.objects.filter(pk__in=area.neighborhoods).order_by('code')[0].uid}"
    own = list(Organization.objects.filter(pk__in=scope.organization_ids).order_by("kind", "code"))
    companies = [o for o in own if o.kind == Organization.Kind.PROPERTY_COMPANY]
    if companies:
        return f"organization.{companies[0].uid}"
    if area.compounds:
        return f"compound.{Compound.objects.filter(pk__in=area.compounds).order_by('code')[0].uid}"
    if own:
        return f"organization.{own[0].uid}"
    raise Http404


def place_choices(user, place: Place) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the place selector offers: every town covered, the neighborhoods of the current town,
    the compounds of the current neighborhood (and those granted one by one), the user's own
    organisations. Deeper places are reached from the ranking tables."""
    scope = get_scope(user)
    area = scope.area("cases.rates")
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if area.everything or len(area.towns) > 1:
        groups.append((_("City"), [("all", _("All towns"))]))
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    if area.everything or area.towns:
        groups.append((_("Towns"), [(f"town.{t.uid}", t.name) for t in towns.order_by("code").only("uid", "name")]))
    obj = place.within if place.within is not None else place.obj
    town_id = getattr(obj, "town_id", None) or (obj.pk if isinstance(obj, Town) else None)
    nb_q = Q(pk__in=area.neighborhoods) if area.neighborhoods else NOTHING
    if town_id and area.covers_town(town_id):
        nb_q |= Q(town_id=town_id)
    neighborhoods = Neighborhood.objects.filter(nb_q).order_by("town_id", "code").only("uid", "name")
    if nb_q != NOTHING:
        groups.append((_("Neighborhoods"), [(f"neighborhood.{n.uid}", n.name) for n in neighborhoods]))
    neighborhood_id = obj.pk if isinstance(obj, Neighborhood) else getattr(obj, "neighborhood_id", None)
    cp_q = Q(pk__in=area.compounds) if area.compounds else NOTHING
    if isinstance(obj, (Neighborhood, Compound)) and neighborhood_id:
        neighborhood = obj if isinstance(obj, Neighborhood) else obj.neighborhood
        if _covers_neighborhood(area, neighborhood):
            cp_q |= Q(neighborhood_id=neighborhood_id)
    if cp_q != NOTHING:
        compounds = Compound.objects.filter(cp_q).order_by("town_id", "code").only("uid", "name")
        groups.append((_("Compounds"), [(f"compound.{c.uid}", c.name) for c in compounds]))
    if scope.organization_ids:
        own = Organization.objects.filter(pk__in=scope.organization_ids).order_by("kind", "code").only("uid", "name")
        groups.append((_("My organisations"), [(f"organization.{o.uid}", o.name) for o in own]))
    if not any(value == place.at for _label, options in groups for value, _text in options):
        groups.append((place.level_label, [(place.at, place.label)]))
    return groups
