"""Who an award can go to and why not — computed here only (docs/metrics.md, "Awards").

For each candidate of a round, `check(round)` gives:

- the **figure** it is ranked on: a party organisation's or residents' committee's score in the
  year's published annual assessment; a property company's (or a compound manager's) mean of the
  totals of the year's published quarterly property-service assessments of its contracts (of the
  contracts naming the manager), one decimal, half up — with every assessment behind it;
- its **credit** on the reference day — the day eligibility is checked (opened, checked again), as
  a blacklisted company is barred from awards while it is (companies and managers:
  gongzhi.credit's `standing`);
- its **exclusions**, each a rule with the records behind it:
  - `not_assessed`: no published assessment of the year;
  - `failed`: an assessment of the year in a failing band;
  - `below_score`: the figure below the town's minimum for the award;
  - `few_quarters` (standard check): fewer quarters assessed than the town's minimum;
  - `blacklisted`: on the credit blacklist on the reference day;
  - `grade_c`: credit grade C (grade mode); `watch`: on the watch list (demerit-points mode);
  - `below_grade` (standard check, grade mode): a credit grade below the town's minimum;
  - `measures`: a warning letter whose measures take away award eligibility, sent from the first
    day of the year to the reference day, to the organisation (for a manager: to the company,
    about a compound the manager ran).
A candidate with no exclusion is eligible.

`rank(candidates, places, standard)`: within each group, the eligible candidates that count (the
nominated; in a standard check, all) ranked on the figure, best first, equal figures sharing a
rank; proposed: rank ≤ places (all tied at the last place are proposed), or every eligible one in
a standard check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy

from gongzhi.assessments.models import Assessment, SubjectKind
from gongzhi.assessments.scoring import ranks
from gongzhi.assessments.workflow import CycleState
from gongzhi.credit.models import CreditSettings
from gongzhi.credit.scoring import GRADES
from gongzhi.credit.selectors import company_standing, manager_standing
from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.warning_letters.models import Letter, Level, Measure
from gongzhi.warning_letters.workflow import LetterState

from .models import AwardKind, AwardSettings, Group

ONE = Decimal("0.1")


@dataclass
class Check:
    group: str
    organization: Organization | None = None
    person: object | None = None
    company: Organization | None = None
    neighborhood_id: int | None = None
    compound_ids: set = field(default_factory=set)
    figure: Decimal | None = None
    assessed: int = 0
    records: list = field(default_factory=list)
    credit: dict = field(default_factory=dict)  # the standing's fields, rendered by Candidate.credit_text
    credit_score: int | None = None
    exclusions: list = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.exclusions

    def exclude(self, code: str, url: str = "", **params) -> None:
        """Stored as [code, params, url]; the words are put on display (`exclusion_text`), in the
        reader's language."""
        self.exclusions.append([code, {k: str(v) for k, v in params.items()}, url])


EXCLUSION_TEXTS = {
    "not_assessed": gettext_lazy("No published assessment of the year."),
    "not_assessed_annual": gettext_lazy("No published annual assessment of the year."),
    "not_assessed_property": gettext_lazy("No published property-service assessment of the year."),
    "failed": gettext_lazy("Failed the %(period)s assessment (%(total)s, %(band)s)."),
    "below_score": gettext_lazy("The year's assessment figure %(figure)s is below the minimum %(minimum)s."),
    "few_quarters": gettext_lazy("%(n)s quarters assessed in the year; the standard asks for %(minimum)s."),
    "blacklisted": gettext_lazy("On the credit blacklist on the reference day."),
    "grade_c": gettext_lazy("Credit grade C on the reference day."),
    "watch": gettext_lazy("On the credit watch list on the reference day."),
    "below_grade": gettext_lazy("Credit grade %(grade)s is below the standard's %(minimum)s."),
    "measures": gettext_lazy("Warning letter %(number)s: loss of award eligibility."),
}


def exclusion_text(code: str, params: dict) -> str:
    """An exclusion in words (in the active language)."""
    if code == "not_assessed" and params.get("what"):
        code = f"not_assessed_{params['what']}"
    return str(EXCLUSION_TEXTS[code]) % params if params else str(EXCLUSION_TEXTS[code])


def mean(totals: list[Decimal]) -> Decimal | None:
    """The mean of assessment totals, one decimal, half up."""
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(ONE, ROUND_HALF_UP)


def _assessment_link(a: Assessment) -> list:
    label = f"{a.cycle.period} {a.subject_name}: {a.total} · {a.band}"
    return [label, reverse("assessments:assessment", args=[a.uid])]


def _published(town_id: int, kind: str, period_q: dict):
    return Assessment.objects.filter(
        cycle__town_id=town_id, cycle__subject_kind=kind, cycle__state=CycleState.PUBLISHED, **period_q
    ).select_related("cycle", "organization", "compound", "contract")


def _score_assessments(check: Check, assessments: list[Assessment], minimum: int, what: str) -> None:
    check.assessed = len(assessments)
    check.records = [_assessment_link(a) for a in assessments]
    check.figure = mean([a.total for a in assessments if a.total is not None])
    if not assessments:
        check.exclude("not_assessed", what=what)
        return
    for a in assessments:
        if a.fails:
            check.exclude(
                "failed",
                reverse("assessments:assessment", args=[a.uid]),
                period=a.cycle.period,
                total=a.total,
                band=a.band,
            )
    if check.figure is not None and check.figure < minimum:
        check.exclude("below_score", figure=check.figure, minimum=minimum)


def _credit(check: Check, standing, credit_settings, award_settings, standard: bool, file_url: str) -> None:
    check.credit = {
        "mode": standing.mode,
        "score": standing.score,
        "grade": standing.grade,
        "total": standing.total,
        "level": standing.level,
        "blacklisted": standing.blacklisted,
    }
    check.credit_score = standing.score if standing.mode == "grade" else standing.total
    if standing.blacklisted:
        check.exclude("blacklisted", file_url)
    elif standing.mode == "grade" and standing.grade == "C":
        check.exclude("grade_c", file_url)
    elif standing.mode == "points" and standing.level == "watch":
        check.exclude("watch", file_url)
    elif (
        standard
        and standing.mode == "grade"
        and GRADES.index(standing.grade) > GRADES.index(award_settings.excellent_min_grade)
    ):
        check.exclude("below_grade", file_url, grade=standing.grade, minimum=award_settings.excellent_min_grade)


def _eligibility_letters(round_) -> list[Letter]:
    """The measures letters taking away award eligibility sent from the year's first day to the
    reference day (JSON `contains` is not portable to SQLite: the measures are read in Python)."""
    letters = Letter.objects.filter(
        town_id=round_.town_id,
        level=Level.MEASURES,
        sent_at__date__gte=date(round_.year, 1, 1),
        sent_at__date__lte=round_.reference_date,
    ).exclude(state__in=[LetterState.DRAFT, LetterState.DISCARDED])
    return [letter for letter in letters if Measure.ELIGIBILITY in (letter.measures or [])]


def _letters(check: Check, letters: list[Letter]) -> None:
    for letter in letters:
        check.exclude("measures", reverse("warnings:letter", args=[letter.uid]), number=letter.number_label)


def _neighborhood_checks(round_, settings) -> list[Check]:
    kinds = {Group.PARTY_ORG: SubjectKind.PARTY_ORG, Group.RESIDENTS_COMMITTEE: SubjectKind.RESIDENTS_COMMITTEE}
    letters = _eligibility_letters(round_)
    out = []
    for group, subject_kind in kinds.items():
        assessments: dict[int, list] = {}
        for a in _published(round_.town_id, subject_kind, {"cycle__period": str(round_.year)}):
            assessments.setdefault(a.organization_id, []).append(a)
        organizations = Organization.objects.filter(town_id=round_.town_id, kind=group).order_by("code")
        for org in organizations:
            check = Check(group, organization=org, neighborhood_id=org.neighborhood_id)
            _score_assessments(check, assessments.get(org.pk, []), settings.steward_min_score, "annual")
            _letters(check, [x for x in letters if x.addressee_id == org.pk])
            out.append(check)
    return out


def _year_contracts(round_):
    first, last = date(round_.year, 1, 1), date(round_.year, 12, 31)
    return (
        ServiceContract.objects.filter(town_id=round_.town_id, start__lte=last)
        .exclude(end__lt=first)
        .select_related("company", "manager")
        .order_by("start", "pk")
    )


def _of_contracts(check: Check, contracts: list, by_contract: dict, minimum: int) -> list[Assessment]:
    """A company's or manager's figure and exclusions from the assessments of its contracts."""
    check.compound_ids = {c.compound_id for c in contracts}
    assessments = sorted(
        (a for c in contracts for a in by_contract.get(c.pk, [])), key=lambda a: (a.cycle.period, a.pk)
    )
    _score_assessments(check, assessments, minimum, "property")
    return assessments


def _company_checks(round_, settings, *, managers: bool, standard: bool) -> list[Check]:
    credit_settings = CreditSettings.for_town(round_.town_id)
    letters = _eligibility_letters(round_)
    contracts = list(_year_contracts(round_))
    by_contract: dict[int, list] = {}
    for a in _published(round_.town_id, SubjectKind.PROPERTY_SERVICE, {"cycle__period__startswith": f"{round_.year}Q"}):
        by_contract.setdefault(a.contract_id, []).append(a)
    minimum = settings.excellent_min_score if standard else settings.manager_min_score
    out = []
    companies: dict[int, list] = {}
    for contract in contracts:
        companies.setdefault(contract.company_id, []).append(contract)
    for company_contracts in companies.values():
        company = company_contracts[0].company
        check = Check(Group.PROPERTY_COMPANY, organization=company)
        assessments = _of_contracts(check, company_contracts, by_contract, minimum)
        if standard:
            quarters = len({a.cycle.period for a in assessments})
            if assessments and quarters < settings.excellent_min_quarters:
                check.exclude("few_quarters", n=quarters, minimum=settings.excellent_min_quarters)
        _credit(
            check,
            company_standing(company, round_.reference_date),
            credit_settings,
            settings,
            standard,
            reverse("credit:company", args=[company.uid]),
        )
        _letters(check, [x for x in letters if x.addressee_id == company.pk])
        out.append(check)
    if not managers:
        return sorted(out, key=lambda c: c.organization.code)
    people: dict[int, list] = {}
    for contract in contracts:
        if contract.manager_id:
            people.setdefault(contract.manager_id, []).append(contract)
    for person_contracts in people.values():
        person = person_contracts[0].manager
        check = Check(Group.MANAGER, person=person, company=person_contracts[-1].company)
        _of_contracts(check, person_contracts, by_contract, minimum)
        _credit(
            check,
            manager_standing(person, round_.reference_date),
            credit_settings,
            settings,
            False,
            reverse("credit:manager", args=[person.uid]),
        )
        _letters(
            check,
            [
                x
                for x in letters
                if x.addressee_id in {c.company_id for c in person_contracts} and x.compound_id in check.compound_ids
            ],
        )
        out.append(check)
    order = {Group.PROPERTY_COMPANY: 0, Group.MANAGER: 1}
    return sorted(out, key=lambda c: (order[c.group], c.organization.code if c.organization else c.person.name))


def check(round_) -> list[Check]:
    """Every candidate of `round_` with its figure, credit and exclusions (see the docstring)."""
    settings = AwardSettings.for_town(round_.town_id)
    if round_.kind == AwardKind.GOOD_STEWARD:
        return _neighborhood_checks(round_, settings)
    if round_.kind == AwardKind.GOOD_MANAGER:
        return _company_checks(round_, settings, managers=True, standard=False)
    return _company_checks(round_, settings, managers=False, standard=True)


def rank(candidates, places: int | None, standard: bool) -> None:
    """Set `rank` and `proposed` on candidates (model rows or alike), group by group."""
    groups: dict[str, list] = {}
    for c in candidates:
        c.rank, c.proposed = None, False
        if c.eligible and (standard or c.nominated):
            groups.setdefault(c.group, []).append(c)
    for rows in groups.values():
        for c, r in zip(rows, ranks([c.figure for c in rows]), strict=True):
            c.rank = r
            c.proposed = r is not None and (standard or places is None or r <= places)
