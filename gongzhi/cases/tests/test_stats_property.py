"""The counters kept by the services equal a rebuild, after any history (issue 9, docs/metrics.md
"The counters behind the three rates").

Every service that changes a case applies the difference of the case's contributions before and
after the change (`stats.track` / `Tracker.commit`, `stats.apply`); `stats.rebuild([town])`
recounts the town from its cases. Hypothesis generates histories in the personas' world: a few
cases (2–5) in 浦江镇's three compounds, of categories handled by different organisations
(property company, residents' committee, owners' committee, or the residents' committee when
the compound has no such organisation), reported by the resident or by a staff member (whose
answer about a case their own organisation handles is recorded, not counted), and many steps:
every action of the case's table (accept, start, explain in time or after the deadline, extend,
escalate, the joint meeting's resolution, return and check, resolve, the reporter's answer, the
callback, closing when unreachable, reject, merge, withdraw), reassigning, co-handlers, the
sweep, and the clock moving by minutes, hours or days (across local midnight, month ends and the
19th). Each example draws the town's assessment window (calendar months or the 19th to the 18th)
and how many extensions it allows. Most steps `advance` an open case by an action its state
allows (so that histories reach feedback, 重办 and the callback); the others take any action on
any case, usually as whoever may take it, sometimes as another persona or on a stale version: a
refused step (ValidationError, PermissionDenied) is part of the history and must leave the
counters as consistent as a taken one.

The property. After every step: the town's `CaseStats` rows (rows whose counters are all 0 left
out) equal a recount of its cases with `stats.contributions` (what `stats.rebuild` would write,
without writing), and `CaseTownStats` is `CaseStats` summed per town and month. After every
example: snapshot, `stats.rebuild([town])`, snapshot again; both tables equal before and after,
and the sum holds on both sides. The check after every step makes a failure name the first step
that broke the counters: the last line of the history Hypothesis prints (`note`: when, the step,
what it did), with the counters that differ, {row: {counter: (kept, recounted)}}.

Reproducible and bounded for CI: `derandomize=True` (the examples are a function of this test's
code; no example database is read or written), a frozen clock, 40 examples (the test itself
about 7 s on SQLite, 12 s on PostgreSQL), and no shrinking: shrinking histories this long takes
Hypothesis its five-minute limit, and the failing step is named anyway. For a deeper local run
set `GONGZHI_PROPERTY_EXAMPLES` (500: about 2 minutes on SQLite); `GONGZHI_PROPERTY_SHRINK=1`
shrinks a failure to a shorter history (minutes).

The database: the `world` fixture is built once per test (pytest-django's transaction); each
example runs inside its own `transaction.atomic()` (a savepoint) and leaves it with a sentinel
exception, so its cases, counters, settings and history roll back, on SQLite as on PostgreSQL.
The services' own transactions nest as savepoints inside it. The per-process settings cache is
cleared around each example (the town's settings change per example and roll back)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st

from gongzhi.cases import services, stats
from gongzhi.cases.models import Case, CaseSettings, CaseStats, CaseTownStats, Urgency
from gongzhi.cases.workflow import TERMINAL, State
from gongzhi.core import process_cache
from gongzhi.orgs.models import Membership, Organization
from gongzhi.places.models import Compound
from gongzhi.testing import MembershipFactory, PersonFactory, login_for

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-10-05 09:00")]

EXAMPLES = int(os.environ.get("GONGZHI_PROPERTY_EXAMPLES") or 40)
PHASES = (Phase.explicit, Phase.generate) + ((Phase.shrink,) if os.environ.get("GONGZHI_PROPERTY_SHRINK") else ())
MAX_CASES = 5
FIRST_DAY = date(2026, 10, 5)  # the frozen day; each example starts 0–60 days later

# Who acts for an organisation of the personas' world (rc2_worker and oc3_member: the `staff` fixture).
ORG_PERSONA = {
    "pc": "property_manager",
    "rc1": "rc_worker",
    "po1": "party_secretary",
    "oc1": "oc_member",
    "rc2": "rc2_worker",
    "oc3": "oc3_member",
    "po2": "cross_appointed",
    "police": "gov_staff",
}
ORGS = ("pc", "rc1", "po1", "oc1", "rc2", "oc3", "police", "po2")
CALLBACK_PERSONAS = ("rc_worker", "party_secretary", "cross_appointed")
OTHER_PERSONAS = (
    "resident",
    "property_manager",
    "rc_worker",
    "party_secretary",
    "oc_member",
    "gov_staff",
    "cross_appointed",
    "outsider",
)
CATEGORIES = ("REPAIR", "SECURITY", "OWNERS", "NEIGHBOURS", "GREENERY")
REPORTERS = ("resident", "resident", "property_manager", "rc_worker", "oc_member")


class _Rollback(Exception):
    """Leaves an example's transaction (it rolls back)."""


@pytest.fixture
def staff(world):
    """Logins for the two organisations of 世博 that have no persona: the residents' committee
    (rc2_worker) and the owners' committee of 世博家园 (oc3_member)."""
    for key, org, position in (
        ("rc2_worker", "rc2", Membership.Position.STAFF),
        ("oc3_member", "oc3", Membership.Position.MEMBER),
    ):
        person = PersonFactory(town=world.town, name=f"{key}人员")
        MembershipFactory(person=person, organization=world.orgs[org], title="工作人员", position=position)
        world.users[key] = login_for(person, key)
    return world.users


# --- Histories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a history; `case` and `other` index the cases submitted so far (modulo their
    number). Shown with the fields that differ from their defaults."""

    do: str
    case: int = 0
    other: int = 0
    org: str = ""
    orgs: tuple[str, ...] = ()
    days: int = 0
    minutes: int = 0
    late: bool = False
    fixed: bool = True
    rating: str = "satisfied"
    category: str = ""
    compound: str = ""
    urgent: bool = False
    reporter: str = ""
    option: int = 0  # advance: which of the actions the case's state allows
    by: str | None = None  # a persona instead of the one whose step it is (usually refused)
    stale: bool = False  # on the version before the current one (refused)

    def __repr__(self) -> str:
        shown = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)[1:] if getattr(self, f.name) != f.default]
        return f"{self.do}({', '.join(shown)})"


@dataclass(frozen=True)
class History:
    start: datetime  # Shanghai time, naive
    start_day: int  # CaseSettings.period_start_day
    max_extensions: int
    first: tuple[Step, ...]  # the cases submitted at the start
    steps: tuple[Step, ...]


case_index = st.integers(0, MAX_CASES - 1)
by = st.sampled_from((None,) * 30 + OTHER_PERSONAS)  # mostly the persona whose step it is
stale = st.integers(0, 11).map(lambda n: n == 11)
fixed = st.booleans().map(lambda b: not b)  # shrinks to "fixed"
rating = st.sampled_from(("satisfied", "basic", "unsatisfied"))
org = st.sampled_from(ORGS)

submission = st.builds(
    Step,
    do=st.just("submit"),
    category=st.sampled_from(CATEGORIES),
    compound=st.sampled_from(("c1", "c2", "c3")),
    urgent=st.booleans(),
    reporter=st.sampled_from(REPORTERS),
)


def on_a_case(do: str, **extra) -> st.SearchStrategy[Step]:
    return st.builds(Step, do=st.just(do), case=case_index, by=by, stale=stale, **extra)


# advance: an action the case's state allows (`Player.NEXT`), by whoever may take it
advance = st.builds(
    Step,
    do=st.just("advance"),
    case=case_index,
    option=st.integers(0, 19),
    days=st.integers(0, 20),
    late=st.booleans(),
    fixed=fixed,
    rating=rating,
    org=org,
)
any_action = st.one_of(
    on_a_case("accept"),
    on_a_case("start"),
    on_a_case("explain", days=st.integers(0, 20), late=st.booleans()),
    on_a_case("extend", days=st.integers(1, 15)),
    on_a_case("escalate"),
    on_a_case("decide", org=org, orgs=st.lists(org, max_size=2, unique=True).map(tuple), days=st.integers(1, 30)),
    on_a_case("return"),
    on_a_case("resolve"),
    on_a_case("resolve_by_meeting", days=st.integers(0, 10)),
    on_a_case("feedback", fixed=fixed, rating=rating),
    on_a_case("callback", fixed=fixed, rating=rating),
    on_a_case("close_unreachable"),
    on_a_case("reassign", org=org),
    on_a_case("co_handlers", orgs=st.lists(org, max_size=2, unique=True).map(tuple)),
)
ending = st.one_of(on_a_case("reject"), on_a_case("merge", other=case_index), on_a_case("withdraw"))
time_passes = st.one_of(
    st.builds(Step, do=st.just("wait"), minutes=st.integers(1, 36 * 60)),
    st.builds(Step, do=st.just("wait"), days=st.integers(1, 12)),
    st.builds(Step, do=st.just("wait"), days=st.integers(1, 40)),
    st.builds(Step, do=st.just("midnight_before"), days=st.sampled_from((1, 19)), minutes=st.integers(1, 180)),
)
# Weighted by repetition (one_of would take a strategy given twice once): mostly cases moving on,
# time passing, any action (often refused).
STEPS = st.sampled_from(
    (advance,) * 8 + (time_passes,) * 3 + (any_action,) * 2 + (ending, st.just(Step("sweep")), submission)
).flatmap(lambda strategy: strategy)


@st.composite
def histories(draw) -> History:
    start = datetime.combine(FIRST_DAY, time(0)) + timedelta(
        days=draw(st.integers(0, 60)), minutes=draw(st.integers(0, 24 * 60 - 1))
    )
    return History(
        start=start,
        start_day=draw(st.sampled_from((1, 19))),
        max_extensions=draw(st.sampled_from((1, 0, 2))),
        first=tuple(draw(st.lists(submission, min_size=2, max_size=3))),
        steps=tuple(draw(st.lists(STEPS, min_size=20, max_size=80))),
    )


# --- Playing a history through the services ----------------------------------------------------


class Player:
    """Takes the steps of a history through the services, as the personas of the world."""

    def __init__(self, world, categories, clock):
        self.world, self.categories, self.clock = world, categories, clock
        self.cases: list[int] = []
        self.reporters: dict[int, str] = {}
        self.resolutions = 0
        self.taken = ""

    # Who acts

    def user(self, persona: str):
        return self.world.users[persona]

    def handling(self, case: Case):
        return self.user(ORG_PERSONA[case.handler.code])

    def routing(self, case: Case):
        return self.user("rc_worker" if case.neighborhood_id == self.world.n1.pk else "cross_appointed")

    def calling_back(self, case: Case):
        """rc_worker or party_secretary (or 世博's party organisation's member), whichever is not
        in the handling or a co-handling organisation and reaches the case."""
        for persona in CALLBACK_PERSONAS:
            if services.callback_refusal(self.user(persona), case) != "role":
                return self.user(persona)
        return self.user(CALLBACK_PERSONAS[0])

    def reporter(self, case: Case):
        return self.user(self.reporters[case.pk])

    def actor(self, step: Step, own):
        return self.user(step.by) if step.by else own

    # The steps

    def run(self, step: Step) -> str:
        """Take one step: what it did, or why it was refused."""
        self.taken = ""  # advance: the action it took
        take = getattr(self, f"do_{step.do}")
        try:
            done = take(step) if step.do in self.WITHOUT_CASE else take(step, self.case(step))
        except (ValidationError, PermissionDenied) as error:
            outcome = f"refused ({type(error).__name__}: {error})"[:200]
        else:
            outcome = "done" if done is not None else "skipped"
        name = f"{step.do} {self.taken}" if self.taken else step.do
        event(f"{name}: {outcome.split(' ')[0]}")
        return f"{self.taken}: {outcome}" if self.taken else outcome

    WITHOUT_CASE = ("submit", "sweep", "wait", "midnight_before", "advance")  # advance: it picks its case

    # What the case's state allows, for `advance`: mostly on towards closing, with a commitment or
    # through the joint meeting now and then (options 0–16), else one of the other actions (17–19).
    NEXT = {
        State.SUBMITTED: (("accept",), ("reject", "merge", "withdraw")),
        State.ACCEPTED: (("start", "resolve", "start", "explain", "escalate"), ("reject", "reassign", "merge")),
        State.IN_PROGRESS: (
            ("resolve", "resolve", "explain", "escalate"),
            ("withdraw", "co_handlers", "reassign", "merge"),
        ),
        State.EXPLAINED: (("resolve", "resolve", "extend"), ("escalate", "withdraw")),
        State.ESCALATED: (("decide", "decide", "resolve_by_meeting", "return"), ("decide",)),
        State.RESOLVED: (("feedback", "callback"), ("close_unreachable",)),
    }

    def do_advance(self, step: Step):
        """The case of this index among the open ones moves on."""
        still_open = set(
            Case.objects.filter(pk__in=self.cases).exclude(state__in=TERMINAL).values_list("pk", flat=True)
        )
        open_cases = [i for i, pk in enumerate(self.cases) if pk in still_open]
        if not open_cases:
            return None  # all finished
        index = open_cases[step.case % len(open_cases)]
        case = self.case(step, index)
        main, others = self.NEXT[case.state]
        do = main[step.option % len(main)] if step.option < 17 else others[step.option % len(others)]
        self.taken = do
        if do in ("callback", "close_unreachable") and step.late and case.callback_due:
            self.to_day(case.callback_due)  # once the callback is due
        into = [i for i in open_cases if i != index] or [index]  # merge: into another open case
        taken = replace(step, do=do, case=index, other=into[step.option % len(into)], orgs=(step.org,))
        return getattr(self, f"do_{do}")(taken, case)

    def to_day(self, day: date) -> None:
        """The clock moves on to `day`, 10:00 (never back)."""
        target = datetime.combine(day, time(10))
        if timezone.make_aware(target) > timezone.now():
            self.clock.move_to(target)

    def case(self, step: Step, index: int | None = None) -> Case:
        """The step's case (or the case of `index`) as it is now."""
        pk = self.cases[(step.case if index is None else index) % len(self.cases)]
        return Case.objects.select_related("handler").get(pk=pk)

    def version(self, step: Step, case: Case) -> int:
        return case.version - 1 if step.stale else case.version

    def today(self) -> date:
        return timezone.localdate()

    def do_submit(self, step: Step):
        if len(self.cases) >= MAX_CASES:
            return None
        category = self.categories[step.category]
        reporter = self.user(step.reporter)
        report = services.Report(
            compound=getattr(self.world, step.compound),
            category=category,
            description=f"第{len(self.cases) + 1}个诉求：{category.name}问题",
            urgency=Urgency.URGENT if step.urgent else Urgency.NORMAL,
            reporter_name=reporter.display_name,
            reporter_phone=reporter.phone,
        )
        if step.reporter == "resident":
            case = services.submit_case(actor=reporter, report=report, channel="qr", reporter_user=reporter)
        else:  # a staff member reports a problem of their own, entered by the office from their call
            case = services.enter_case(actor=self.user("office"), report=report, channel=Case.Channel.PHONE)
        self.cases.append(case.pk)
        self.reporters[case.pk] = step.reporter
        return case

    def do_accept(self, step, case):
        return services.accept_case(
            actor=self.actor(step, self.handling(case)), case=case, expected_version=self.version(step, case)
        )

    def do_start(self, step, case):
        return services.start_case(
            actor=self.actor(step, self.handling(case)), case=case, expected_version=self.version(step, case)
        )

    def do_explain(self, step, case):
        if step.late:  # explain after the deadline has passed
            self.to_day(case.resolve_due + timedelta(days=1))
        return services.explain_case(
            actor=self.actor(step, self.handling(case)),
            case=case,
            explanation="需要订购配件，到货后处理",
            committed_date=self.today() + timedelta(days=step.days),
            expected_version=self.version(step, case),
        )

    def do_extend(self, step, case):
        return services.extend_commitment(
            actor=self.actor(step, self.handling(case)),
            case=case,
            committed_date=max(case.committed_date or self.today(), self.today()) + timedelta(days=step.days),
            reason="配件到货推迟，需要延期",
            expected_version=self.version(step, case),
        )

    def do_escalate(self, step, case):
        return services.escalate_case(
            actor=self.actor(step, self.routing(case)),
            case=case,
            reason="涉及物业、业委会和居委会，需要联席会议",
            expected_version=self.version(step, case),
        )

    def chair(self, step, case):
        return self.actor(
            step, self.user("party_secretary" if case.neighborhood_id == self.world.n1.pk else "cross_appointed")
        )

    def do_decide(self, step, case):
        self.resolutions += 1
        return services.apply_meeting_resolution(
            actor=self.chair(step, case),
            case=case,
            number=f"J2610-{self.resolutions:02d}",
            lead=self.world.orgs[step.org],
            due=self.today() + timedelta(days=step.days),
            co_organizations=[self.world.orgs[o] for o in step.orgs],
        )

    def do_return(self, step, case):
        return services.return_from_meeting(actor=self.chair(step, case), case=case, outcome="会议讨论后未形成决议")

    def do_resolve(self, step, case):
        return services.resolve_case(
            actor=self.actor(step, self.handling(case)),
            case=case,
            resolution="已处理完毕",
            expected_version=self.version(step, case),
        )

    def do_resolve_by_meeting(self, step, case):
        return services.resolve_by_meeting(
            actor=self.chair(step, case),
            case=case,
            number=case.meeting_resolution or "J2610-00",
            note="已核查落实",
            done_on=self.today() - timedelta(days=step.days),
        )

    def do_feedback(self, step, case):
        return services.record_feedback(
            actor=self.actor(step, self.reporter(case)),
            case=case,
            fixed=step.fixed,
            rating=step.rating,
            expected_version=self.version(step, case),
        )

    def do_callback(self, step, case):
        return services.record_feedback(
            actor=self.actor(step, self.calling_back(case)),
            case=case,
            fixed=step.fixed,
            rating=step.rating,
            expected_version=self.version(step, case),
            by_callback=True,
        )

    def do_close_unreachable(self, step, case):
        return services.close_unreachable(
            actor=self.actor(step, self.calling_back(case)),
            case=case,
            note="三次电话未接通",
            expected_version=self.version(step, case),
        )

    def do_reassign(self, step, case):
        return services.reassign_case(
            actor=self.actor(step, self.routing(case)),
            case=case,
            organization=self.world.orgs[step.org],
            reason="由其他单位处理更合适",
            expected_version=self.version(step, case),
        )

    def do_co_handlers(self, step, case):
        return services.set_co_handlers(
            actor=self.actor(step, self.routing(case)),
            case=case,
            organizations=[self.world.orgs[o] for o in step.orgs],
            expected_version=self.version(step, case),
        )

    def do_reject(self, step, case):
        return services.reject_case(
            actor=self.actor(step, self.routing(case)),
            case=case,
            reason="重复提交的无效诉求",
            expected_version=self.version(step, case),
        )

    def do_merge(self, step, case):
        into = self.case(step, step.other)
        return services.merge_case(
            actor=self.actor(step, self.routing(case)),
            case=case,
            into=into,
            reason="与另一诉求重复",
            expected_version=self.version(step, case),
        )

    def do_withdraw(self, step, case):
        return services.withdraw_case(
            actor=self.actor(step, self.reporter(case)),
            case=case,
            expected_version=self.version(step, case),
            reason="已自行解决",
        )

    def do_sweep(self, step):
        return services.sweep(self.today())

    def do_wait(self, step):
        self.clock.shift(days=step.days, minutes=step.minutes)
        return step

    def do_midnight_before(self, step):
        """To `minutes` before the next local midnight that starts day `days` of a month (the 1st:
        a month's end; the 19th: the end of an assessment month that starts on the 19th)."""
        day = self.today() + timedelta(days=1)
        while day.day != step.days:
            day += timedelta(days=1)
        target = datetime.combine(day, time(0)) - timedelta(minutes=step.minutes)
        if timezone.make_aware(target) <= timezone.now():
            return None  # never back in time
        self.clock.move_to(target)
        return step


# --- The property --------------------------------------------------------------------------------

ROW = ("town_id", "neighborhood_id", "compound_id", "organization_id", "period")


def counters(model, keys: tuple[str, ...], town_id: int) -> dict[tuple, tuple[int, ...]]:
    """{key: counters} of the town's rows, rows whose counters are all 0 left out."""
    rows = model.objects.filter(town_id=town_id).values_list(*keys, *CaseStats.COUNTERS)
    return {tuple(r[: len(keys)]): tuple(r[len(keys) :]) for r in rows if any(r[len(keys) :])}


def per_town(rows: dict[tuple, tuple[int, ...]]) -> dict[tuple, tuple[int, ...]]:
    """CaseStats rows summed per (town, month), as CaseTownStats keeps them."""
    sums: dict[tuple, Counter] = {}
    for (town_id, _nb, _compound, _org, period), values in rows.items():
        sums.setdefault((town_id, period), Counter()).update(dict(zip(CaseStats.COUNTERS, values, strict=True)))
    out = {key: tuple(total[n] for n in CaseStats.COUNTERS) for key, total in sums.items()}
    return {key: values for key, values in out.items() if any(values)}


def differences(kept: dict, expected: dict) -> dict:
    """{row: {counter: (kept, expected)}} where they differ; a row named by its compound's and its
    organisation's codes and its month (CaseTownStats: the month)."""
    zero = (0,) * len(CaseStats.COUNTERS)
    out = {}
    for key in sorted(set(kept) | set(expected), key=str):
        a, b = kept.get(key, zero), expected.get(key, zero)
        if a != b:
            out[name_of(key)] = {n: (x, y) for n, x, y in zip(CaseStats.COUNTERS, a, b, strict=True) if x != y}
    return out


def name_of(key: tuple) -> str:
    if len(key) == 2:
        return f"town {key[1]:%Y-%m}"
    _town, _nb, compound_id, organization_id, period = key
    compound = Compound.objects.get(pk=compound_id).code
    return f"{compound}/{Organization.objects.get(pk=organization_id).code} {period:%Y-%m}"


def agree(kept: dict, expected: dict, what: str) -> None:
    diff = differences(kept, expected)
    assert not diff, f"{what}: {diff}"


def recount(town_id: int) -> dict[tuple, tuple[int, ...]]:
    """The town's CaseStats rows as `stats.rebuild` would write them (the same `contributions`),
    without writing: the check after every step."""
    start_day = stats.start_day_of(town_id)
    total: Counter = Counter()
    for case in Case.objects.filter(town_id=town_id):
        total.update(stats.contributions(case, start_day))
    rows: dict[tuple, Counter] = {}
    for (key, name), value in total.items():
        rows.setdefault(key, Counter())[name] += value
    out = {key: tuple(values[n] for n in CaseStats.COUNTERS) for key, values in rows.items()}
    return {key: values for key, values in out.items() if any(values)}


def live_counters(town_id: int) -> tuple[dict, dict]:
    """The town's CaseStats and CaseTownStats rows; CaseTownStats must be CaseStats summed."""
    rows = counters(CaseStats, ROW, town_id)
    town_rows = counters(CaseTownStats, ("town_id", "period"), town_id)
    agree(town_rows, per_town(rows), "CaseTownStats is not CaseStats summed per town and month")
    return rows, town_rows


def check_step(town_id: int) -> None:
    rows, _town_rows = live_counters(town_id)
    agree(rows, recount(town_id), "CaseStats (kept, recounted) differ")


def check_rebuild(town_id: int) -> None:
    rows, town_rows = live_counters(town_id)
    stats.rebuild([town_id])
    rebuilt, rebuilt_town = live_counters(town_id)
    agree(rows, rebuilt, "CaseStats (kept, rebuilt) differ")
    agree(town_rows, rebuilt_town, "CaseTownStats (kept, rebuilt) differ")


def play(history: History, world, categories, clock) -> None:
    clock.move_to(history.start)
    CaseSettings.objects.update_or_create(
        town=world.town, defaults={"period_start_day": history.start_day, "max_extensions": history.max_extensions}
    )
    process_cache._store.clear()  # the settings just written, not a memo of another example's
    player = Player(world, categories, clock)
    for step in history.first:
        player.do_submit(step)
    check_step(world.town.pk)
    for step in history.steps:
        outcome = player.run(step)
        note(f"{timezone.localtime():%Y-%m-%d %H:%M} {step!r}: {outcome}")
        check_step(world.town.pk)
    check_rebuild(world.town.pk)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
def test_delta_counters_equal_a_rebuild_after_any_history(world, staff, categories, clock, history):
    process_cache._store.clear()
    try:
        with transaction.atomic():
            play(history, world, categories, clock)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        process_cache._store.clear()
    assert not Case.objects.filter(town=world.town).exists()  # the example left nothing behind
