"""The three rates (R-MECH-1) and hotspots (seed 四㈢.3): the rates page with its trend, table and
rankings, the cases behind each number, the Excel export; the hotspots of the user's area, their
proposal to the joint meeting, and the stored proposals. Every number comes from
gongzhi.cases.reports (counters through rates.summed / rates.three_rates), never from counting
cases here."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.pages import COUNT_LIMIT, paginate, town_choice
from gongzhi.core.permissions import requires
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import xlsx_response
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Compound

from .. import reports, selectors, services
from ..forms_rates import DrillForm, ProposeForm, RatesForm
from ..models import AgendaProposal, Case, CaseSettings, CaseStats, CaseTownStats, Category
from ..rates import COMPOSITE, EVERY_CONFIRMED, SATISFACTION, Definition, Rate, period_q, summed
from ..reports import COUNTER_LABELS, RATE_LABELS, SORT_KEYS, Line, month_text

RANKING_PAGE = 50
EXCLUSIONS_SHOWN = 50
# The counters of each rate's drill-down: a list behind 调处率 shows each case's commitment; a
# list behind 处置有效率 or 群众满意率 is followed by the cases those months left out, and why.
HANDLING_COUNTERS = ("accepted", "handled_in_time", "overdue", "reopened")
FOLLOW_UP_COUNTERS = (
    "closed_valid",
    "confirmed_fixed",
    "confirmed_fixed_reopened",
    "confirmed_any",
    "rated",
    "rated_satisfied",
    "rated_basic",
    "rated_unsatisfied",
)
EXCLUDED = ("closed_unreachable", "answer_not_counted")


# --- The rates page --------------------------------------------------------------------------


def _drill_url(at: str, counter: str, first: date, last: date, base: str = "") -> str:
    """The cases behind one count. `at` holds only letters, digits, '.' and '~' (nothing to
    escape); the page builds hundreds of these, so without urlencode."""
    base = base or reverse("cases:rates_cases")
    return f"{base}?at={at}&counter={counter}&start={month_text(first)}&end={month_text(last)}"


def _percent_text(rate: Rate) -> str:
    return "—" if rate.percent is None else f"{rate.percent}%"


class Displayer:
    """Lines ready for the template: each rate as a percentage with the raw counts beside it
    (the counters the town's definition makes it of), each count linking to the cases behind it,
    and the small figures of what the rate leaves out; the composite index where the town shows
    it. Labels are translated once per page."""

    def __init__(self, definition: Definition):
        self.weight = definition.basic_weight
        self.parts = reports.rate_parts(definition)
        self.composite = definition.composite_weights is not None
        self.base = reverse("cases:rates_cases")
        self.counter_labels = {key: str(label) for key, label in COUNTER_LABELS.items()}
        self.escaped = {key: escape(label) for key, label in self.counter_labels.items()}
        self.short = {key: escape(label) for key, label in reports.SHORT_LABELS.items()}
        self.rate_labels = {key: str(label) for key, label in RATE_LABELS.items()}
        self.nothing = escape(_("Nothing to measure: the denominator is 0."))
        self.no_composite = escape(_("Shown only when all three rates have cases."))

    def _link(self, count: dict) -> str:
        return f'<a href="{escape(count["url"])}" title="{self.escaped[count["counter"]]}">{count["text"]}</a>'

    def cell(self, rate: dict) -> str:
        """A table cell: the percentage, below it the raw counts, each a link, and the figures
        of what the rate leaves out (those that are not 0). Built here, not in the template: a
        ranking has hundreds of them. Every piece is escaped."""
        muted, title = ("", "") if rate["measured"] else (" text-muted", f' title="{self.nothing}"')
        parts = f" + {rate['weight']}×".join(self._link(p) for p in rate["parts"])
        extras = " · ".join(
            f"{self.short[extra['counter']]} {self._link(extra)}" for extra in rate["extras"] if extra["value"]
        )
        return mark_safe(  # noqa: S308 - built from escaped labels, URLs and numbers
            f'<span class="fw-semibold{muted}"{title}>{rate["text"]}</span>'
            f'<div class="small text-nowrap gz-raw">{parts} / {self._link(rate["denominator"])}</div>'
            + (f'<div class="small text-nowrap text-muted gz-extra">{extras}</div>' if extras else "")
        )

    def count(self, line: Line, counter: str) -> dict:
        value = reports.count_of(line.counts, counter)
        return {
            "value": value,
            "text": str(value),  # shown as is: hundreds of numbers, no localisation needed
            "url": _drill_url(line.at, counter, line.first, line.last, self.base),
            "label": self.counter_labels[counter],
            "counter": counter,
        }

    def composite_of(self, line: Line) -> dict | None:
        if not self.composite:
            return None
        value = line.rates.composite_percent
        text = "—" if value is None else str(value)
        cell = (
            f'<span class="fw-semibold">{text}</span>'
            if value is not None
            else f'<span class="fw-semibold text-muted" title="{self.no_composite}">—</span>'
        )
        return {"value": value, "text": text, "cell": mark_safe(cell)}  # noqa: S308 - a number or a dash

    def __call__(self, line: Line) -> dict:
        rates = []
        for rate in line.rates.rates:
            parts, denominator = self.parts[rate.key]
            shown = {
                "key": rate.key,
                "label": self.rate_labels[rate.key],
                "text": _percent_text(rate),
                "measured": rate.denominator > 0,
                "parts": [self.count(line, c) for c in parts],
                "denominator": self.count(line, denominator),
                "extras": [self.count(line, c) for c in reports.EXTRAS.get(rate.key, ())],
                "weight": self.weight if rate.key == SATISFACTION else None,
            }
            shown["cell"] = self.cell(shown)
            rates.append(shown)
        return {
            "line": line,
            "rates": rates,
            "composite": self.composite_of(line),
            "overdue": self.count(line, "overdue"),
            "reopened": self.count(line, "reopened"),
            "submitted": self.count(line, "submitted"),
        }


def _query_url(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return f"?{params.urlencode()}"


def _sort_links(request, param: str, page_param: str, current: str) -> dict:
    """A link per column that sorts by it: best (or most) first, then the other way round."""
    links = {}
    for key in SORT_KEYS:
        active = current.lstrip("-") == key
        if active:
            new = key if current.startswith("-") else f"-{key}"
        else:
            new = key if key == "name" else f"-{key}"
        links[key] = {
            "url": _query_url(request, **{param: new, page_param: None}),
            "active": active,
            "descending": current.startswith("-"),
        }
    return links


def _choices(request) -> tuple[RatesForm, reports.Place, reports.Settings, str, date, date]:
    """The page's place, granularity and range from the query (defaults: the widest place the
    user covers, per assessment month, the last 12 months)."""
    form = RatesForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    at = data.get("at") or request.GET.get("at") or reports.default_at(request.user)
    place = reports.place_for(request.user, at)
    settings = reports.settings_for(place.town_ids)
    grain = data.get("grain") or "month"
    first, last = data.get("start"), data.get("end")
    if first is None and last is None:
        first, last = reports.default_range(settings)
    elif first is None:
        first = reports.add_months(last, -11)
    elif last is None:
        last = reports.add_months(first, 11)
    return form, place, settings, grain, first, last


@requires("cases.rates")
def rates(request):
    form, place, settings, grain, first, last = _choices(request)
    report = reports.build(request.user, place, grain=grain, first=first, last=last, settings=settings)
    display = Displayer(settings.definition)
    rankings = _ranking_tables(request, report, display)
    chart = reports.trend_chart(report)
    link = {"at": place.at, "grain": grain, "start": month_text(report.first), "end": month_text(report.last)}
    keep = {name: request.GET.get(name, "") for name in ("sort", "osort", "kind", "okind")}
    return render(
        request,
        "cases/rates/rates.html",
        {
            "nav": "rates",
            "tab": "rates",
            "form": form,
            "report": report,
            "place": place,
            "choices": reports.place_choices(request.user, place),
            "grain": grain,
            "grain_label": reports.GRAINS[grain],
            "grains": list(reports.GRAINS.items()),
            "start_text": month_text(report.first),
            "end_text": month_text(report.last),
            "total": display(report.total),
            "periods": [display(line) for line in report.periods],
            "rankings": rankings,
            "chart": chart,
            "composite": report.shows_composite,
            "effective_every": settings.definition.effective == EVERY_CONFIRMED,
            "composite_label": str(RATE_LABELS[COMPOSITE]),
            "export_url": f"{reverse('cases:rates_export')}?{urlencode(link)}",
            "self_query": urlencode({"grain": grain, "start": link["start"], "end": link["end"]}),
            "keep": [(name, value) for name, value in keep.items() if value],
            "has_data": any(report.total.counts.values()),
        },
    )


def _ranking_tables(request, report: reports.RatesReport, display: Displayer) -> list[dict]:
    """The rankings one level down, each named, sorted, ranked and paginated by its own query
    parameters (the first ranking by `sort`/`page`/`kind`, the second by `osort`/`opage`/`okind`).
    Organisations are ranked one kind at a time (the kind with most lines by default)."""
    place = report.place
    minimum = report.settings.ranking_min_cases
    rankings = []
    for index, ranking in enumerate(report.rankings):
        sort_param, page_param, kind_param = ("sort", "page", "kind") if index == 0 else ("osort", "opage", "okind")
        sort = request.GET.get(sort_param) or reports.DEFAULT_SORT
        if sort.lstrip("-") not in SORT_KEYS or (sort.lstrip("-") == COMPOSITE and not report.shows_composite):
            sort = reports.DEFAULT_SORT
        reports.label_lines(request.user, place, ranking)
        lines, kinds, kind = ranking.lines, [], ""
        if ranking.kind == "organization":
            found = reports.kinds_of(ranking.lines)
            kind = request.GET.get(kind_param) or ""
            if kind not in {k for k, _n in found}:
                kind = found[0][0] if found else ""
            lines = [line for line in ranking.lines if line.kind == kind]
            labels = dict(Organization.Kind.choices)
            kinds = [
                {
                    "kind": k,
                    "label": labels.get(k, k),
                    "count": n,
                    "active": k == kind,
                    "url": _query_url(request, **{kind_param: k, page_param: None}),
                }
                for k, n in found
            ]
        ranked = reports.rank_lines(lines, sort, minimum, ranked=not ranking.provisional)
        page = Paginator(ranked, RANKING_PAGE).get_page(request.GET.get(page_param))
        rankings.append(
            {
                "title": ranking.title,
                "kind": ranking.kind,
                "kinds": kinds,
                "org_kind": kind,
                "provisional": ranking.provisional,
                "page": page,
                "rows": [{**display(item.line), "rank": item.rank} for item in page.object_list],
                "sorts": _sort_links(request, sort_param, page_param, sort),
                "sort": sort,
                "previous": _query_url(request, **{page_param: page.previous_page_number()})
                if page.has_previous()
                else "",
                "next": _query_url(request, **{page_param: page.next_page_number()}) if page.has_next() else "",
                "count": len(ranking.lines),
                "shown": len(lines),
            }
        )
    return rankings


@requires("cases.rates")
def rates_export(request):
    _form, place, settings, grain, first, last = _choices(request)
    report = reports.build(request.user, place, grain=grain, first=first, last=last, settings=settings)
    for ranking in report.rankings:
        reports.label_lines(request.user, place, ranking)
    name = f"rates-{place.level}-{month_text(report.first)}-{month_text(report.last)}.xlsx"
    return xlsx_response(reports.workbook(report), filename=name)


@requires("cases.rates")
def rates_cases(request):
    """The cases behind one number of the rates page: the same place, the same months, the same
    definition as the counter (selectors.behind). Behind 调处率, each case's commitment; behind
    处置有效率 and 群众满意率, also the cases those months left out, and why (a separate list with
    its own count: the first list still has as many cases as the number it was opened from)."""
    form = DrillForm(request.GET)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    place = reports.place_for(request.user, data["at"])
    settings = reports.settings_for(place.town_ids)
    counter, first, last = data["counter"], data["start"], data["end"]
    scoped = Case.objects.for_user(request.user, "cases.rates").filter(
        reports.scope_cases_q(request.user) & place.cases_q
    )
    cases = (
        scoped.filter(reports.drill_q(settings, counter, first, last))
        .select_related("compound", "category", "handler")
        .order_by("-submitted_at", "-pk")
    )
    # The counters of the place (whole towns: the per-town rollup, one row per town and month).
    model = CaseTownStats if reports.towns_only(request.user, place) else CaseStats
    sums = summed(reports.scope_rows_q(request.user) & place.rows_q & period_q(first, last), model=model)[0]
    sums = {name: value or 0 for name, value in sums.items()}
    counted = reports.count_of(sums, counter)
    page_obj = paginate(request, cases)
    back = {"at": place.at, "start": month_text(first), "end": month_text(last)}
    return render(
        request,
        "cases/rates/cases.html",
        {
            "nav": "rates",
            "tab": "rates",
            "place": place,
            "counter": counter,
            "counter_label": COUNTER_LABELS[counter],
            "first": first,
            "last": last,
            "range_text": month_text(first) if first == last else f"{month_text(first)} – {month_text(last)}",
            "page_obj": page_obj,
            "counted": counted,
            "date_field": _event_field(counter),
            "show_commitment": counter in HANDLING_COUNTERS,
            "excluded": _excluded(scoped, place, settings, first, last, sums)
            if counter in FOLLOW_UP_COUNTERS
            else None,
            "definition_text": settings.definition.describe(),
            "back_url": f"{reverse('cases:rates')}?{urlencode(back)}",
        },
    )


def _excluded(scoped, place, settings, first: date, last: date, sums: dict[str, int]) -> dict:
    """The cases of these months that 处置有效率 and 群众满意率 leave out, each with its reason:
    closed without a valid follow-up (the resident could not be reached), and answers not
    counted (from the handling organisation's own people). Their counts — the counters, which
    the lists behind the links match case for case, not a count of the cases (at city level
    seconds per count) —, the first cases, how many in all (at most COUNT_LIMIT counted, as the
    lists do), and links to the full lists."""
    conditions = {counter: reports.drill_q(settings, counter, first, last) for counter in EXCLUDED}
    groups = [
        {
            "counter": counter,
            "label": COUNTER_LABELS[counter],
            "count": sums[counter],
            "url": _drill_url(place.at, counter, first, last),
        }
        for counter in conditions
    ]
    either = conditions["closed_unreachable"] | conditions["answer_not_counted"]
    flags = {f"is_{c}": ExpressionWrapper(q, output_field=BooleanField()) for c, q in conditions.items()}
    rows = list(
        scoped.filter(either)
        .annotate(**flags)
        .select_related("compound", "handler")
        .order_by("-submitted_at", "-pk")[:EXCLUSIONS_SHOWN]
    )
    unreachable = str(COUNTER_LABELS["closed_unreachable"])
    for case in rows:
        case.exclusion_reasons = [unreachable] if case.is_closed_unreachable else []
        if case.is_answer_not_counted:
            case.exclusion_reasons.append(case.get_feedback_not_counted_display())
    total = scoped.filter(either).order_by()[: COUNT_LIMIT + 1].count()
    total_text = str(total) if total <= COUNT_LIMIT else _("more than %(n)s") % {"n": f"{COUNT_LIMIT:,}"}
    return {"groups": groups, "rows": rows, "total": total, "total_text": total_text, "more": total > len(rows)}


def _event_field(counter: str) -> str:
    if counter in ("accepted", "handled_in_time", "reopened", "overdue"):
        return "accepted_at"
    if counter in ("closed_valid", "closed_unreachable") or counter.startswith("confirmed"):
        return "closed_at"
    if counter.startswith("rated") or counter == "answer_not_counted":
        return "feedback_at"
    return "submitted_at"


# --- Hotspots --------------------------------------------------------------------------------


def _rules(user, town=None) -> list[dict]:
    """The hotspot rule(s) of the towns the user works in (each town's case settings), or of
    `town` (the one chosen by a user of several towns)."""
    scope = get_scope(user)
    rows = CaseSettings.objects.all() if scope.area("cases.rates").everything else None
    if rows is None:
        rows = CaseSettings.objects.filter(town_id__in=scope.town_ids)
    if town is not None:
        rows = rows.filter(town_id=town.pk)
    rules = sorted(set(rows.values_list("hotspot_min_cases", "hotspot_days")))
    if not rules:
        model = CaseSettings._meta
        rules = [(model.get_field("hotspot_min_cases").default, model.get_field("hotspot_days").default)]
    return [{"n": n, "days": days} for n, days in rules]


def _proposals_for(spots) -> dict[tuple[int, int], AgendaProposal]:
    """The proposal already made for each hotspot (same compound and category, a window that
    reaches into the hotspot's: services.propose_hotspot refuses a second one)."""
    if not spots:
        return {}
    found = {}
    proposals = (
        AgendaProposal.objects.filter(
            compound_id__in={s.compound_id for s in spots}, category_id__in={s.category_id for s in spots}
        )
        .select_related("proposed_by")
        .order_by("-proposed_at")
    )
    earliest = {(s.compound_id, s.category_id): s.first for s in spots}
    for proposal in proposals:
        key = (proposal.compound_id, proposal.category_id)
        if key in earliest and proposal.window_end >= earliest[key] and key not in found:
            found[key] = proposal
    return found


@requires("cases.rates")
def hotspots(request):
    # A user of several towns (the platform administrator: a city's 13,000 compounds, thousands
    # of hotspots a month) sees the hotspots of the town they choose.
    towns = town_choice(request, permission="cases.rates")
    if towns.waiting:
        spots = []
    else:
        spots = selectors.hotspots(request.user, towns={towns.chosen.pk} if towns.chosen else None)
    compounds = {
        c.pk: c
        for c in Compound.objects.filter(pk__in={s.compound_id for s in spots}).select_related("neighborhood", "town")
    }
    categories = {c.pk: c for c in Category.objects.filter(pk__in={s.category_id for s in spots})}
    proposals = _proposals_for(spots)
    can_route = get_scope(request.user).has("cases.route")
    routable = (
        set(
            Compound.objects.for_user(request.user, "cases.route").filter(pk__in=compounds).values_list("pk", flat=True)
        )
        if can_route
        else set()
    )
    groups: dict[int, dict] = {}
    for spot in spots:
        compound = compounds[spot.compound_id]
        category = categories[spot.category_id]
        group = groups.setdefault(compound.neighborhood_id, {"neighborhood": compound.neighborhood, "spots": []})
        group["spots"].append(
            {
                "spot": spot,
                "compound": compound,
                "category": category,
                "days": (spot.last - spot.first).days + 1,
                "proposal": proposals.get((spot.compound_id, spot.category_id)),
                "can_propose": spot.compound_id in routable,
                "cases_url": reverse("cases:hotspot_cases", args=[compound.uid, category.uid]),
                "propose_url": reverse("cases:hotspot_propose", args=[compound.uid, category.uid]),
            }
        )
    ordered = sorted(groups.values(), key=lambda g: (g["neighborhood"].town_id, g["neighborhood"].code))
    for group in ordered:
        group["spots"].sort(key=lambda s: (-s["spot"].count, s["compound"].code, s["category"].order))
    return render(
        request,
        "cases/rates/hotspots.html",
        {
            "nav": "rates",
            "tab": "hotspots",
            "groups": ordered,
            "towns": towns,
            "rules": _rules(request.user, towns.chosen),
            "form": ProposeForm(),
            "count": len(spots),
        },
    )


def _spot_for(request, compound: Compound, category: Category) -> tuple[selectors.Hotspot, bool]:
    """The hotspot of this compound and category today; if it no longer is one, the window the
    town's rule looks at (and False)."""
    for spot in selectors.hotspots(request.user, towns={compound.town_id}):
        if spot.compound_id == compound.pk and spot.category_id == category.pk:
            return spot, True
    settings = CaseSettings.objects.filter(town_id=compound.town_id).first() or CaseSettings(town_id=compound.town_id)
    today = timezone.localdate()
    since = today - timedelta(days=settings.hotspot_days)
    return selectors.Hotspot(compound.pk, category.pk, 0, since + timedelta(days=1), today), False


@requires("cases.rates")
def hotspot_cases(request, compound_uid, category_uid):
    compound = get_object_or_404(
        Compound.objects.for_user(request.user, "cases.rates").select_related("neighborhood"), uid=compound_uid
    )
    category = get_object_or_404(Category, town_id=compound.town_id, uid=category_uid)
    spot, current = _spot_for(request, compound, category)
    cases = selectors.hotspot_cases(request.user, spot).select_related("handler").order_by("-submitted_at", "-pk")
    settings = CaseSettings.objects.filter(town_id=compound.town_id).first() or CaseSettings(town_id=compound.town_id)
    return render(
        request,
        "cases/rates/hotspot_cases.html",
        {
            "nav": "rates",
            "tab": "hotspots",
            "compound": compound,
            "category": category,
            "spot": spot,
            "current": current,
            "rule": {"n": settings.hotspot_min_cases, "days": settings.hotspot_days},
            "page_obj": paginate(request, cases),
        },
    )


@require_POST
@requires("cases.route")
def hotspot_propose(request, compound_uid, category_uid):
    compound = get_object_or_404(Compound.objects.for_user(request.user, "cases.route"), uid=compound_uid)
    category = get_object_or_404(Category, town_id=compound.town_id, uid=category_uid)
    form = ProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("cases:hotspots")
    spot, current = _spot_for(request, compound, category)
    if not current:
        messages.error(
            request,
            _("%(compound)s · %(category)s is no longer a hotspot: nothing was proposed.")
            % {"compound": compound.name, "category": category.name},
        )
        return redirect("cases:hotspots")
    try:
        proposal = services.propose_hotspot(
            actor=request.user,
            compound=compound,
            category=category,
            cases=list(selectors.hotspot_cases(request.user, spot)),
            window_start=spot.first,
            window_end=spot.last,
            note=form.cleaned_data["note"],
        )
    except PermissionDenied as denied:
        raise Http404 from denied
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:hotspots")
    messages.success(
        request,
        _("%(compound)s · %(category)s (%(n)s cases) is proposed for the joint meeting.")
        % {"compound": compound.name, "category": category.name, "n": proposal.case_count},
    )
    return redirect("cases:hotspots")


@requires("cases.rates")
def proposals(request):
    rows = (
        AgendaProposal.objects.for_user(request.user, "cases.rates")
        .select_related("compound", "category", "neighborhood", "proposed_by")
        .prefetch_related(Prefetch("cases", queryset=Case.objects.only("id", "uid", "number").order_by("number")))
    )
    return render(
        request,
        "cases/rates/proposals.html",
        {"nav": "rates", "tab": "proposals", "page_obj": paginate(request, rows)},
    )
