"""The records beside the cases in the synthetic city (bench/generate.py, issue 14 item 8):
inspections with their results, findings and rectification orders; satisfaction surveys with their
frames and answers; the property companies' quarterly assessments. They are made in proportion to
the compounds and the periods, never to the cases, so the pages that read them (the town at a
glance) are measured with a town's worth of them at any number of cases.

Per town: an inspection group covering every neighborhood, the demo's checklist
(`gongzhi.inspections.demo.DEFAULT_CHECKLIST`, published), the default questionnaire (the four
parties and two services, published) and the default property-service scheme
(`gongzhi.assessments.schemes.DEFAULTS`, in use). Per compound: a visit inspected 22, 14, 6 and 1
weeks before the end (the last round in half of the compounds), each item passed or scored as a
compound would be, a failed item a finding with its rectification order to the organisation the
item is routed to (10 working days; most closed, some answered, some overdue); a survey in each of
the last two finished quarters (closed) and, in one compound of three, in the current quarter
(open): every unit sampled — a generated compound has 2–6 units, under the survey's floor of 30 —
about 85 % answering, the others refusing or unreachable. Per contract in force: an assessment in
each of the last two finished quarters (published), manual points as the assessors would give them
and the figures' points from figures drawn near the town's usual.

History-less like the cases: rows go straight into the tables, with no audit entries,
notifications, photos or answer links; a survey's frame order is a shuffle of the generator's own
(every unit is sampled, so no re-draw would pick others). The inspection scores, the assessments'
points, totals, grades and ranks are computed by the apps' own functions
(`inspections.scoring.inspection_score`, `assessments.scoring`) from the rows written."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from gongzhi.assessments import scoring as assessed
from gongzhi.assessments.models import Assessment, Band, Cycle, Indicator, Scheme, Score
from gongzhi.assessments.schemes import DEFAULTS, parse_bands, parse_indicators
from gongzhi.inspections.demo import DEFAULT_CHECKLIST
from gongzhi.inspections.models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Finding,
    Inspection,
    ItemResult,
    RectificationOrder,
    Visit,
)
from gongzhi.inspections.scoring import Answer, inspection_score
from gongzhi.orgs.models import Body, BodyCoverage
from gongzhi.surveys.models import PARTIES, Questionnaire, Response, SampledUnit, Survey

INSPECTION_WEEKS = (22, 14, 6, 1)  # weeks before the end: one round of visits each
RECTIFICATION_DAYS = 10  # working days (InspectionSettings' default)
SURVEYED_QUARTERS = 2  # the last finished quarters with a closed survey in every compound
ASSESSED_QUARTERS = 2  # the last finished quarters with a published assessment per contract
SERVICES = ("保洁", "安保")
LEVELS = (
    ("very_satisfied", 30),
    ("satisfied", 40),
    ("basic", 17),
    ("dissatisfied", 6),
    ("very_dissatisfied", 2),
    ("dont_know", 5),
)
MODELS = [
    Body, BodyCoverage, Checklist, ChecklistSection, ChecklistItem, Visit, Inspection, ItemResult, Finding,
    RectificationOrder, Questionnaire, Survey, SampledUnit, Response, Scheme, Indicator, Band, Cycle, Assessment,
    Score,
]  # fmt: skip


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_before(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_days(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def finished_quarters(today: date, n: int) -> list[tuple[int, int]]:
    """The n quarters before the one containing today, oldest first."""
    out, current = [], quarter_of(today)
    for _ in range(n):
        current = quarter_before(*current)
        out.append(current)
    return out[::-1]


class Records:
    def __init__(self, loader, rng, city, today: date, zone: ZoneInfo, user_id: int, uid, after: Callable):
        self.loader, self.rng, self.city, self.today, self.zone = loader, rng, city, today, zone
        self.user_id, self.uid, self.after = user_id, uid, after
        self.ids = {model: loader.first_id(model) for model in MODELS}
        self.postgres = connection.vendor == "postgresql"

    def next_id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def json(self, value):
        if self.postgres:
            from psycopg.types.json import Jsonb

            return Jsonb(value)
        return json.dumps(value, ensure_ascii=False)

    def pick(self, weighted):
        return self.rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]

    def run(self) -> dict[str, int]:
        self.inspections()
        self.surveys()
        self.assessments()
        made = self.loader.counts
        return {m.__name__: made[m.__name__] for m in MODELS if made[m.__name__]}

    # --- Inspections -----------------------------------------------------------------------

    def inspections(self) -> None:
        loader, rng, uid = self.loader, self.rng, self.uid
        town_of_nb = {c["neighborhood"]: c["town"]["id"] for c in self.city.compounds}
        bodies, coverage, checklists, sections, items = [], [], [], [], []
        groups, town_items = {}, {}
        published = self.at(self.today - timedelta(days=400), 9)
        for town in self.city.towns:
            group = self.next_id(Body)
            bodies.append((group, uid(), town["id"], Body.Kind.INSPECTION_GROUP, "第一检查组", 1))
            groups[town["id"]] = group
            checklist = self.next_id(Checklist)
            checklists.append(
                (checklist, uid(), town["id"], uid(), 1, "小区综合检查表", "published", True, published, self.user_id)
            )
            town_items[town["id"]] = (checklist, [])
            for s_order, (title, rows) in enumerate(DEFAULT_CHECKLIST):
                section = self.next_id(ChecklistSection)
                sections.append((section, checklist, s_order, title))
                for i_order, (text, kind, weight, highest, photo, routed) in enumerate(rows):
                    item = self.next_id(ChecklistItem)
                    max_points = highest if kind == ChecklistItem.Kind.SCORE else 5
                    items.append(
                        (item, uid(), checklist, section, i_order, text, kind, weight, max_points, photo, routed)
                    )
                    town_items[town["id"]][1].append((item, text, kind, weight, max_points, routed))
        for nb_id in self.city.neighborhoods:
            coverage.append((self.next_id(BodyCoverage), groups[town_of_nb[nb_id]], nb_id))
        loader.insert(Body, ["id", "uid", "town_id", "kind", "name", "number"], bodies)
        loader.insert(BodyCoverage, ["id", "body_id", "neighborhood_id"], coverage)
        loader.insert(
            Checklist,
            ["id", "uid", "town_id", "series", "number", "name", "state", "all_compounds", "published_at",
             "published_by_id"],
            checklists,
        )  # fmt: skip
        loader.insert(ChecklistSection, ["id", "checklist_id", "order", "title"], sections)
        loader.insert(
            ChecklistItem,
            ["id", "uid", "checklist_id", "section_id", "order", "text", "kind", "weight", "max_points",
             "photo_required", "responsible_kind"],
            items,
        )  # fmt: skip

        visits, inspections, results, findings, orders = [], [], [], [], []
        for compound in self.city.compounds:
            town_id = compound["town"]["id"]
            checklist, checklist_items = town_items[town_id]
            for weeks in INSPECTION_WEEKS:
                if weeks == INSPECTION_WEEKS[-1] and rng.random() < 0.5:
                    continue
                day = self.today - timedelta(days=7 * weeks - rng.randint(0, 4))
                visit = self.next_id(Visit)
                visits.append(
                    (visit, uid(), town_id, groups[town_id], compound["id"], day, checklist, "done", self.user_id)
                )
                inspection = self.next_id(Inspection)
                submitted = self.at(day, 10, rng.randint(0, 59))
                answers, failed = [], []
                for item, text, kind, weight, max_points, routed in checklist_items:
                    if kind == ChecklistItem.Kind.SCORE:
                        points = self.pick(((5, 45), (4, 30), (3, 15), (2, 7), (1, 3)))
                        outcome = "scored"
                    else:
                        points, outcome = None, ("pass" if rng.random() < 0.9 else "fail")
                        if outcome == "fail":
                            failed.append((item, text, routed))
                    answers.append(Answer(kind, weight, outcome, points, max_points))
                    results.append((self.next_id(ItemResult), inspection, item, outcome, points))
                inspections.append(
                    (inspection, uid(), town_id, visit, groups[town_id], compound["id"], checklist, self.user_id,
                     inspection_score(answers), submitted, f"bench-{inspection}")
                )  # fmt: skip
                for order_in, (item, text, routed) in enumerate(failed):
                    finding = self.next_id(Finding)
                    findings.append((finding, uid(), town_id, inspection, item, f"{text}：未达标", "", order_in))
                    responsible = self.responsible(compound, routed, day)
                    if responsible is not None:
                        orders.append(self.order(finding, text, town_id, groups[town_id], compound, responsible, day))
        loader.insert(
            Visit, ["id", "uid", "town_id", "group_id", "compound_id", "date", "checklist_id", "state", "created_by_id"],
            visits,
        )  # fmt: skip
        loader.insert(
            Inspection,
            ["id", "uid", "town_id", "visit_id", "group_id", "compound_id", "checklist_id", "inspector_id", "score",
             "submitted_at", "submission_key"],
            inspections,
        )  # fmt: skip
        loader.insert(ItemResult, ["id", "inspection_id", "item_id", "outcome", "points"], results)
        loader.insert(
            Finding, ["id", "uid", "town_id", "inspection_id", "item_id", "text", "location", "order"], findings
        )
        loader.insert(
            RectificationOrder,
            ["id", "uid", "town_id", "origin", "finding_id", "subject", "group_id", "compound_id", "responsible_id",
             "state", "issued_at", "issued_by_id", "due_on", "answer", "answered_at", "closed_at", "overdue"],
            orders,
        )  # fmt: skip

    def responsible(self, compound: dict, routed: str, day: date) -> int | None:
        """The organisation a failed item's order goes to (as the services route it: the item's kind
        among the compound's parties); None when the compound has none of that kind."""
        neighborhood = self.city.neighborhoods[compound["neighborhood"]]
        if routed == "property_company":
            until = compound["company_until"]
            in_force = compound["company_since"] <= day and (until is None or until >= day)
            return compound["company"] if in_force else None
        if routed == "owners_committee":
            return compound["owners"]
        if routed == "party_org":
            return neighborhood["party"]
        return neighborhood["committee"]

    def order(self, finding, text, town_id, group, compound, responsible, day: date) -> tuple:
        rng = self.rng
        issued = self.at(day, 11)
        due, _provisional = self.after(day, RECTIFICATION_DAYS)
        answered_at = closed_at = None
        answer = ""
        if due < self.today:
            r = rng.random()
            state = "closed" if r < 0.85 else "answered" if r < 0.92 else "issued"
        else:
            r = rng.random()
            state = "issued" if r < 0.6 else "answered" if r < 0.9 else "closed"
        if state != "issued":
            latest = min(self.today - timedelta(days=1), due + timedelta(days=3))
            answered_day = min(latest, day + timedelta(days=rng.randint(2, 16)))
            answered_day = max(answered_day, day)
            answered_at, answer = self.at(answered_day, 15), "已按要求整改，附整改后照片。"
            if state == "closed":
                closed_at = self.at(min(self.today, answered_day + timedelta(days=2)), 16)
        overdue = (state == "issued" and due < self.today) or (answered_at is not None and answered_at.date() > due)
        return (
            self.next_id(RectificationOrder), self.uid(), town_id, "inspection", finding, f"{text}：未达标", group,
            compound["id"], responsible, state, issued, self.user_id, due, answer, answered_at, closed_at, overdue,
        )  # fmt: skip

    # --- Surveys ---------------------------------------------------------------------------

    def surveys(self) -> None:
        loader, rng, uid = self.loader, self.rng, self.uid
        questions = [{"key": p} for p in PARTIES] + [
            {"key": f"service_{i}", "label": name} for i, name in enumerate(SERVICES, start=1)
        ]
        published = self.at(self.today - timedelta(days=400), 9)
        questionnaires, surveys, sampled, responses = [], [], [], []
        of_town = {}
        for town in self.city.towns:
            q = self.next_id(Questionnaire)
            questionnaires.append(
                (q, uid(), town["id"], uid(), 1, "小区满意度测评", 5, self.json(questions), "published", published,
                 self.user_id)
            )  # fmt: skip
            of_town[town["id"]] = q
        finished = finished_quarters(self.today, SURVEYED_QUARTERS)
        current = quarter_of(self.today)
        for compound in self.city.compounds:
            town_id = compound["town"]["id"]
            rounds = [(quarter, True) for quarter in finished]
            if rng.random() < 1 / 3:
                rounds.append((current, False))
            for (year, quarter), closed in rounds:
                first, last = quarter_days(year, quarter)
                opened_day = first + timedelta(days=14)
                if opened_day >= self.today:
                    continue
                survey = self.next_id(Survey)
                units = list(compound["units"])
                rng.shuffle(units)
                n = len(units)
                closed_at = self.at(min(last, self.today - timedelta(days=1)), 17) if closed else None
                surveys.append(
                    (survey, uid(), town_id, compound["id"], f"{year}Q{quarter}", of_town[town_id], f"bench-{survey}",
                     Decimal("0.950"), Decimal("0.050"), "closed" if closed else "open", "all_units", n, n,
                     self.at(opened_day, 9), self.at(opened_day, 10), closed_at, self.user_id)
                )  # fmt: skip
                for order_in, unit in enumerate(units):
                    row = self.next_id(SampledUnit)
                    r = rng.random()
                    if not closed and r < 0.4:
                        status, reason = "pending", ""
                    elif r < 0.85:
                        status, reason = "answered", ""
                    elif r < 0.93:
                        status, reason = "refused", "refused"
                    else:
                        status, reason = "unreachable", "unreachable"
                    sampled.append((row, uid(), survey, unit, compound["building"], order_in, status, reason))
                    if status == "answered":
                        answers = {p: self.pick(LEVELS) for p in PARTIES}
                        if compound["owners"] is None:
                            answers["owners_committee"] = "dont_know"
                        answers |= {f"service_{i}": self.pick(LEVELS) for i in range(1, len(SERVICES) + 1)}
                        day = opened_day + timedelta(days=rng.randint(0, 20))
                        responses.append(
                            (self.next_id(Response), uid(), survey, row, unit, "door", self.user_id,
                             self.json(answers), self.at(min(day, self.today - timedelta(days=1)), 14))
                        )  # fmt: skip
        loader.insert(
            Questionnaire,
            ["id", "uid", "town_id", "series", "number", "name", "scale", "questions", "state", "published_at",
             "created_by_id"],
            questionnaires,
        )  # fmt: skip
        loader.insert(
            Survey,
            ["id", "uid", "town_id", "compound_id", "quarter", "questionnaire_id", "seed", "confidence", "margin",
             "state", "frame_source", "frame_size", "target", "drawn_at", "opened_at", "closed_at", "created_by_id"],
            surveys,
        )  # fmt: skip
        loader.insert(
            SampledUnit, ["id", "uid", "survey_id", "unit_id", "stratum_id", "order", "status", "reason"], sampled
        )
        loader.insert(
            Response,
            ["id", "uid", "survey_id", "sampled_id", "unit_id", "channel", "surveyor_id", "answers", "created_at"],
            responses,
        )

    # --- Assessments -----------------------------------------------------------------------

    def assessments(self) -> None:
        loader, rng, uid = self.loader, self.rng, self.uid
        period_kind, name, indicator_text, band_text = DEFAULTS["property_service"]
        specs, band_specs = parse_indicators(indicator_text), parse_bands(band_text)
        schemes, indicators, bands, cycles, assessments, scores = [], [], [], [], [], []
        quarters = finished_quarters(self.today, ASSESSED_QUARTERS)
        by_town = defaultdict(list)
        for compound in self.city.compounds:
            by_town[compound["town"]["id"]].append(compound)
        for town in self.city.towns:
            scheme = self.next_id(Scheme)
            schemes.append(
                (scheme, uid(), town["id"], "property_service", period_kind, 1, name, 100, "in_use", self.user_id)
            )
            made = []
            for position, spec in enumerate(specs):
                indicator = self.next_id(Indicator)
                indicators.append(
                    (indicator, scheme, position, spec.section, spec.text, spec.max_points, spec.rule, spec.source,
                     spec.low, spec.high, spec.per_event, spec.cap)
                )  # fmt: skip
                made.append((indicator, spec))
            scheme_bands = []
            for band in band_specs:
                bands.append((self.next_id(Band), scheme, band.label, band.from_score, band.fee_percent, band.fails))
                scheme_bands.append(band)
            for year, quarter in quarters:
                first, last = quarter_days(year, quarter)
                closes = last + timedelta(days=20)
                cycle = self.next_id(Cycle)
                cycles.append(
                    (cycle, uid(), town["id"], scheme, "property_service", f"{year}Q{quarter}", first, last,
                     "published", closes - timedelta(days=5), self.user_id, self.at(last + timedelta(days=3), 9),
                     self.user_id, self.at(closes, 10), self.at(closes, 11))
                )  # fmt: skip
                rows = []
                for compound in by_town[town["id"]]:
                    until = compound["company_until"]
                    if compound["company_since"] > last or (until is not None and until < first):
                        continue
                    points = []
                    for _indicator, spec in made:
                        value = count = None
                        if spec.rule == "formula":
                            value = Decimal(rng.randint(6200, 9900)) / 100
                        elif spec.rule == "deductions":
                            count = self.pick(((0, 70), (1, 20), (2, 7), (3, 3)))
                        manual = (
                            (Decimal(spec.max_points) * Decimal(rng.randint(70, 100)) / 100).quantize(Decimal("0.1"))
                            if spec.rule == "manual"
                            else None
                        )
                        points.append((value, count, manual, assessed.points_for(spec, value, count, manual)))
                    total = assessed.total_of([p for *_rest, p in points], 100)
                    band = assessed.band_for(total, scheme_bands)
                    rows.append((compound, points, total, band))
                ranks = assessed.ranks([total for _c, _p, total, _b in rows])
                for (compound, points, total, band), rank in zip(rows, ranks, strict=True):
                    assessment = self.next_id(Assessment)
                    assessments.append(
                        (assessment, uid(), cycle, compound["company"], compound["contract"], compound["id"],
                         compound["neighborhood"], total, band.label if band else "",
                         band.fee_percent if band else None, bool(band and band.fails), False, rank)
                    )  # fmt: skip
                    pulled = self.at(last + timedelta(days=3), 9)
                    for (indicator, spec), (value, count, manual, got) in zip(made, points, strict=True):
                        reason = "现场检查与台账核对" if manual is not None else ""
                        scores.append(
                            (self.next_id(Score), assessment, indicator, value, count, None, "", "",
                             self.json([]), pulled if spec.rule != "manual" else None, got, reason,
                             self.user_id if manual is not None else None, pulled if manual is not None else None)
                        )  # fmt: skip
        loader.insert(
            Scheme,
            ["id", "uid", "town_id", "subject_kind", "period_kind", "number", "name", "total_weight", "state",
             "created_by_id"],
            schemes,
        )  # fmt: skip
        loader.insert(
            Indicator,
            ["id", "scheme_id", "position", "section", "text", "max_points", "rule", "source", "low", "high",
             "per_event", "cap"],
            indicators,
        )  # fmt: skip
        loader.insert(Band, ["id", "scheme_id", "label", "from_score", "fee_percent", "fails"], bands)
        loader.insert(
            Cycle,
            ["id", "uid", "town_id", "scheme_id", "subject_kind", "period", "start", "end", "state", "objection_until",
             "opened_by_id", "figures_pulled_at", "approved_by_id", "approved_at", "published_at"],
            cycles,
        )  # fmt: skip
        loader.insert(
            Assessment,
            ["id", "uid", "cycle_id", "organization_id", "contract_id", "compound_id", "neighborhood_id", "total",
             "band", "fee_percent", "fails", "failed_twice", "rank"],
            assessments,
        )  # fmt: skip
        loader.insert(
            Score,
            ["id", "assessment_id", "indicator_id", "value", "count", "denominator", "figure_text", "link", "records",
             "pulled_at", "points", "reason", "scored_by_id", "scored_at"],
            scores,
        )  # fmt: skip
