"""The three-rates report (R-MECH-1): what the rates page and its Excel export show for one place
and one range of assessment months — the rates per period, the rates of the places and
organisations one level down, and the definition that produced them.

Every number comes from the counters (gongzhi.cases.stats, one row per handling organisation ×
compound × assessment month) through `rates.summed` and `rates.three_rates`; nothing here scans
cases. A quarter or a year is the sum of the months it contains. The cases behind a number are
found by `selectors.behind` over the same place and the same months (`drill_q`).

A place is named by one query parameter, `at`: `all` (every town the user covers),
`town.<uid>`, `neighborhood.<uid>`, `compound.<uid>`, `organization.<uid>`, or an organisation
within a place, `organization.<uid>~neighborhood.<uid>`. A place outside the user's scope is
not found (404)."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.scope import NOTHING, get_scope
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound, Neighborhood, Town

from . import stats
from .models import CaseSettings, CaseStats, CaseTownStats
from .rates import DEFINITION_VERSION, EFFECTIVE, HANDLING, SATISFACTION, Definition, ThreeRates, summed, three_rates
from .selectors import behind

DEFAULT_WEIGHT = CaseSettings._meta.get_field("basic_satisfied_weight").default
MAX_MONTHS = 120
GRAINS = {
    "month": gettext_lazy("Assessment month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}
RATE_LABELS = {
    HANDLING: gettext_lazy("Handling rate (调处率)"),
    EFFECTIVE: gettext_lazy("Effective-disposal rate (处置有效率)"),
    SATISFACTION: gettext_lazy("Satisfaction rate (群众满意率)"),
}
COUNTER_LABELS = {
    "submitted": gettext_lazy("submitted"),
    "accepted": gettext_lazy("accepted"),
    "handled_in_time": gettext_lazy("handled within the deadline"),
    "overdue": gettext_lazy("missed a deadline"),
    "reopened": gettext_lazy("reopened"),
    "closed_valid": gettext_lazy("closed with a valid follow-up"),
    "confirmed_fixed": gettext_lazy("confirmed fixed"),
    "rated_satisfied": gettext_lazy("rated Satisfied"),
    "rated_basic": gettext_lazy("rated Basically satisfied"),
    "rated_unsatisfied": gettext_lazy("rated Unsatisfied"),
    "rated": gettext_lazy("valid ratings"),
}
DRILL_COUNTERS = (*CaseStats.COUNTERS, "rated")
KIND_LABELS = {
    "town": gettext_lazy("Towns"),
    "neighborhood": gettext_lazy("Neighborhoods"),
    "compound": gettext_lazy("Compounds"),
    "organization": gettext_lazy("Organisations"),
}
SORT_KEYS = ("name", HANDLING, EFFECTIVE, SATISFACTION, "overdue", "reopened")
MODELS = {"town": Town, "neighborhood": Neighborhood, "compound": Compound, "organization": Organization}
ROW_FIELD = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}
CASE_FIELD = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}


# --- Months ----------------------------------------------------------------------------------


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_text(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(text: str) -> date | None:
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None
    except (ValueError, AttributeError):
        return None


def snap(first: date, last: date, grain: str) -> tuple[date, date]:
    """Widen a range of months to whole quarters or years."""
    if grain == "quarter":
        return date(first.year, (first.month - 1) // 3 * 3 + 1, 1), date(last.year, (last.month - 1) // 3 * 3 + 3, 1)
    if grain == "year":
        return date(first.year, 1, 1), date(last.year, 12, 1)
    return first, last


def bucket_of(month: date, grain: str) -> tuple[date, date, str]:
    """The period a month belongs to: its first and last month and its label."""
    if grain == "quarter":
        q = (month.month - 1) // 3
        return (
            date(month.year, q * 3 + 1, 1),
            date(month.year, q * 3 + 3, 1),
            _("%(year)s Q%(quarter)s") % {"year": month.year, "quarter": q + 1},
        )
    if grain == "year":
        return date(month.year, 1, 1), date(month.year, 12, 1), str(month.year)
    return month, month, month_text(month)


# --- Places and scope ------------------------------------------------------------------------


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
        if not (area.everything or len(area.towns) > 1):
            raise Http404
        towns = None if area.everything else tuple(sorted(area.towns))
        rows_q = Q() if towns is None else Q(town_id__in=towns)
        return Place("all", "all", _("All towns"), town_ids=towns, rows_q=rows_q, cases_q=rows_q, children=("town",))
    if level not in MODELS or not uid or (within_at and level != "organization"):
        raise Http404
    if level == "town":
        town = _get(Town, uid)
        if not area.covers_town(town.pk):
            raise Http404
        q = Q(town_id=town.pk)
        return Place(
            "town", at, town.name, town, town_ids=(town.pk,), rows_q=q, cases_q=q,
            children=("neighborhood", "organization"), trail=_trail(user, town),
        )  # fmt: skip
    if level == "neighborhood":
        neighborhood = _get(Neighborhood, uid, select=("town",))
        if not _covers_neighborhood(area, neighborhood):
            raise Http404
        q = Q(neighborhood_id=neighborhood.pk)
        return Place(
            "neighborhood", at, neighborhood.name, neighborhood, town_ids=(neighborhood.town_id,), rows_q=q,
            cases_q=q, children=("compound", "organization"), trail=_trail(user, neighborhood),
        )  # fmt: skip
    if level == "compound":
        compound = _get(Compound, uid, select=("town", "neighborhood"))
        if not _covers_compound(area, compound):
            raise Http404
        q = Q(compound_id=compound.pk)
        return Place(
            "compound", at, compound.name, compound, town_ids=(compound.town_id,), rows_q=q, cases_q=q,
            children=("organization",), trail=_trail(user, compound),
        )  # fmt: skip
    organization = _get(Organization, uid, select=("town",))
    rows_q, cases_q = Q(organization_id=organization.pk), Q(handler_id=organization.pk)
    within = None
    if within_at:
        within_level, _dot, within_uid = within_at.partition(".")
        if within_level not in ROW_FIELD or not within_uid:
            raise Http404
        related = {"town": (), "neighborhood": ("town",), "compound": ("town", "neighborhood")}[within_level]
        within = _get(MODELS[within_level], within_uid, select=related)
        rows_q &= Q(**{ROW_FIELD[within_level]: within.pk})
        cases_q &= Q(**{CASE_FIELD[within_level]: within.pk})
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
    if not reachable:
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


# --- Definitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    definition: Definition
    mixed: bool  # the towns use different weights or windows
    start_day_groups: tuple[tuple[int, Q], ...]  # (assessment-month start day, the towns using it)

    @property
    def start_day(self) -> int:
        return self.definition.period_start_day


def settings_for(town_ids: tuple[int, ...] | None) -> Settings:
    """The definition the rates of these towns (None: every town) are produced with, from the
    towns' case settings (the model's defaults for a town without settings)."""
    rows = CaseSettings.objects.all() if town_ids is None else CaseSettings.objects.filter(town_id__in=town_ids)
    pairs = list(rows.values_list("town_id", "period_start_day", "basic_satisfied_weight"))
    towns_with = {t for t, _sd, _w in pairs}
    lacking = Town.objects.exclude(pk__in=towns_with).exists() if town_ids is None else bool(set(town_ids) - towns_with)
    variants = {(sd, Decimal(w)) for _t, sd, w in pairs}
    if lacking or not variants:
        variants.add((1, Decimal(DEFAULT_WEIGHT)))
    special: dict[int, list[int]] = defaultdict(list)
    for town_id, start_day, _w in pairs:
        if start_day != 1:
            special[start_day].append(town_id)
    if special:
        others = [t for ids in special.values() for t in ids]
        groups = ((1, ~Q(town_id__in=others)), *((sd, Q(town_id__in=ids)) for sd, ids in sorted(special.items())))
    else:
        groups = ((1, Q()),)
    if len(variants) == 1:
        start_day, weight = next(iter(variants))
        return Settings(Definition(DEFINITION_VERSION, weight, start_day), False, groups)
    return Settings(Definition(DEFINITION_VERSION, Decimal(DEFAULT_WEIGHT), 1), True, groups)


def drill_q(settings: Settings, counter: str, first: date, last: date) -> Q:
    """The cases behind `counter` in the assessment months `first` to `last`: each town's own
    window turns the months into days (selectors.behind mirrors stats.contributions)."""
    parts = []
    for start_day, towns in settings.start_day_groups:
        day_first = stats.period_range(first, start_day)[0]
        day_last = stats.period_range(last, start_day)[1]
        parts.append(towns & behind(counter, day_first, day_last))
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


# --- The report ------------------------------------------------------------------------------


@dataclass
class Line:
    """One row of a table: a period or a place, its counters and its rates."""

    key: object
    label: str
    first: date
    last: date
    counts: dict[str, int]
    rates: ThreeRates
    at: str = ""  # the place of the numbers (drill-down)
    link_at: str = ""  # the place's own rates page ("" when the user cannot open it)
    note: str = ""
    current: bool = False

    def sort_value(self, key: str):
        if key in (HANDLING, EFFECTIVE, SATISFACTION):
            return getattr(self.rates, key).value
        return self.counts[key]


@dataclass
class Ranking:
    kind: str
    lines: list[Line]

    @property
    def title(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class RatesReport:
    place: Place
    settings: Settings
    grain: str
    first: date
    last: date
    total: Line
    periods: list[Line]
    rankings: list[Ranking]

    @property
    def definition_text(self) -> str:
        return self.settings.definition.describe()

    @property
    def range_text(self) -> str:
        return f"{month_text(self.first)} – {month_text(self.last)}"


def _zero() -> dict[str, int]:
    return dict.fromkeys(CaseStats.COUNTERS, 0)


def _add(into: dict[str, int], row: dict) -> None:
    for name in CaseStats.COUNTERS:
        into[name] += row[name] or 0


def default_range(settings: Settings, today: date | None = None) -> tuple[date, date]:
    """The last 12 assessment months, ending with the current one."""
    today = today or timezone.localdate()
    last = stats.period_of(today, settings.start_day)
    return add_months(last, -11), last


def _towns_only(user, place: Place) -> bool:
    """Whether the page needs whole towns only (the city page of a user whose rates right covers
    whole towns): then the per-town rollup answers it, one row per town and month."""
    if place.children != ("town",):
        return False
    scope = get_scope(user)
    area = scope.area("cases.rates")
    return area.everything or (not area.neighborhoods and not area.compounds and not scope.organization_ids)


def build(user, place: Place, *, grain: str, first: date, last: date, settings: Settings | None = None) -> RatesReport:
    """The rates of `place` over the months `first`..`last` (month-first days), per period of
    `grain`, and the rankings one level down, from one aggregate query over the counters."""
    settings = settings or settings_for(place.town_ids)
    definition = settings.definition
    first, last = snap(first, last, grain)
    keys = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}
    group = ("period", *(keys.get(kind, "organization_id") for kind in place.children))
    rows = summed(
        scope_rows_q(user) & place.rows_q & Q(period__gte=first, period__lte=last),
        group_by=group,
        model=CaseTownStats if _towns_only(user, place) else CaseStats,
    )

    current_month = stats.period_of(timezone.localdate(), settings.start_day)
    buckets: dict[date, Line] = {}
    month = first
    while month <= last:
        b_first, b_last, label = bucket_of(month, grain)
        if b_first not in buckets:
            buckets[b_first] = Line(b_first, label, b_first, b_last, _zero(), None, at=place.at)
            buckets[b_first].current = b_first <= current_month <= b_last
        month = add_months(month, 1)
    total = _zero()
    by_child: dict[str, dict[int, dict[str, int]]] = {kind: defaultdict(_zero) for kind in place.children}
    for row in rows:
        bucket = buckets[bucket_of(row["period"], grain)[0]]
        _add(bucket.counts, row)
        _add(total, row)
        for kind in place.children:
            _add(by_child[kind][row[keys.get(kind, "organization_id")]], row)
    periods = list(buckets.values())
    for line in periods:
        line.rates = three_rates(line.counts, definition)
    total_line = Line("total", _("Whole range"), first, last, total, three_rates(total, definition), at=place.at)
    rankings = [
        Ranking(
            kind,
            [
                Line(pk, "", first, last, counts, three_rates(counts, definition), at=place.at)
                for pk, counts in by_child[kind].items()
            ],
        )
        for kind in place.children
    ]
    return RatesReport(place, settings, grain, first, last, total_line, periods, rankings)


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


# --- Excel -----------------------------------------------------------------------------------


def _rate_cells(rates: ThreeRates) -> list:
    out = []
    for rate in rates.rates:
        out += [
            float(rate.value) if rate.value is not None else "—",
            float(rate.numerator),
            rate.denominator,
        ]
    return out


def _count_cells(counts: dict[str, int]) -> list[int]:
    return [counts[name] for name in CaseStats.COUNTERS]


def _headings() -> list[str]:
    out = []
    for key in (HANDLING, EFFECTIVE, SATISFACTION):
        out += [str(RATE_LABELS[key]), _("numerator"), _("denominator")]
    return out + [str(COUNTER_LABELS[name]) for name in CaseStats.COUNTERS]


def workbook(report: RatesReport) -> bytes:
    """The report as an .xlsx: the periods × rates with raw counts, and the ranking; each
    sheet starts with the place, the range and the definition."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    title = _("Three rates: %(place)s, %(range)s") % {"place": report.place.label, "range": report.range_text}
    definition = report.definition_text
    if report.settings.mixed:
        definition += " " + _("The towns use different settings; these sums weigh 基本满意 by the default.")

    def header(sheet, first_column: list[str]):
        sheet.append([title])
        sheet.append([definition])
        sheet.append([])
        sheet.append([*first_column, *_headings()])

    def row(sheet, leading: list, line: Line):
        cells = []
        for i, value in enumerate(_rate_cells(line.rates)):
            cell = WriteOnlyCell(sheet, value=value)
            if i % 3 == 0 and not isinstance(value, str):
                cell.number_format = "0.0%"
            cells.append(cell)
        sheet.append([*leading, *cells, *_count_cells(line.counts)])

    sheet = book.create_sheet(_("Rates by period"))
    header(sheet, [str(GRAINS[report.grain]), _("first month"), _("last month")])
    for line in [*report.periods, report.total]:
        row(sheet, [line.label, month_text(line.first), month_text(line.last)], line)
    sheet = book.create_sheet(_("Ranking"))
    header(sheet, [_("kind"), _("name"), _("type")])
    for ranking in report.rankings:
        for line in sort_lines(ranking.lines, "name"):
            row(sheet, [str(ranking.title), line.label, line.note], line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
