"""A synthetic city for the benchmarks (issue: cases): towns, neighborhoods, compounds with a
building and a few units each, the four parties (a party organisation and a residents' committee
per neighborhood, an owners' committee for most compounds, property companies under contract),
a police station and the office per town, the default case categories and case settings, and
residents' cases spread over the last months with realistic states and dates; then the counters
behind the three rates. Beside the cases, in proportion to the compounds and not to the cases:
inspections, satisfaction surveys and the property companies' assessments (bench/records.py;
`--without-records` leaves them out).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi_bench_1m \\
        .venv/bin/python bench/generate.py --compounds 13000 --cases 1000000 --seed 1

The same seed, sizes and --end date give the same data (codes, names, unguessable codes, dates).
The database must be migrated; one that already has towns is refused unless --append (add a city
beside them; use another seed) or --reset (empty every table first) is given.

History-less data: the generator writes rows directly — PostgreSQL COPY for the cases, multi-row
inserts elsewhere, explicit ids — with no audit entries, no notifications and no case photos or
messages: the cases look as the services would have left them, but their timelines are empty.
The counters (CaseStats) are built by one SQL aggregation that mirrors
gongzhi.cases.stats.contributions(); `--check` compares them with stats.rebuild() (slow: use a
small city)."""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench import records  # noqa: E402
from gongzhi.cases import stats  # noqa: E402
from gongzhi.cases.configuration import DEFAULT_CATEGORIES  # noqa: E402
from gongzhi.cases.models import Case, CaseNumber, CaseSettings, CaseStats, CaseTownStats, Category  # noqa: E402
from gongzhi.core.ids import ALPHABET  # noqa: E402
from gongzhi.core.workdays import WorkingCalendar  # noqa: E402
from gongzhi.orgs.models import Body, Organization, ServiceContract  # noqa: E402
from gongzhi.places.models import Building, Compound, Neighborhood, Town, Unit  # noqa: E402

K = Organization.Kind
DAY = 86400
RATINGS = ("satisfied", "basic", "unsatisfied")
DRAW_CHUNK = 1_000_000  # cases drawn to compounds at a time
PROGRESS_EVERY = 1_000_000  # a line of progress per this many cases (runs of 2M cases or more)

# Shares of the categories among residents' cases (by code), of the channels, and of the outcomes.
CATEGORY_WEIGHTS = {
    "REPAIR": 30,
    "SANITATION": 14,
    "GREENERY": 6,
    "SECURITY": 6,
    "PARKING": 12,
    "BUILDING": 3,
    "NEIGHBOURS": 8,
    "OWNERS": 4,
    "FACILITIES": 10,
    "OTHER": 7,
}
CHANNELS = (("qr", 45), ("phone", 25), ("visit", 10), ("walk_in", 8), ("api", 12))
DESCRIPTIONS = {
    "REPAIR": ("楼道水管漏水，墙面渗水", "电梯经常停运，老人上下楼困难", "屋顶漏雨，楼上单元积水", "单元门门禁损坏"),
    "SANITATION": ("垃圾箱房满溢无人清运", "楼道堆放杂物，有异味", "小区道路积水未清扫"),
    "GREENERY": ("绿化带树木遮挡采光", "草坪被踩踏损毁", "树枝折断存在安全隐患"),
    "SECURITY": ("外来人员随意进出小区", "夜间路灯不亮，存在安全隐患", "监控探头损坏"),
    "PARKING": ("车辆占用消防通道", "非机动车乱停放堵塞通道", "地面车位划线不清引发纠纷"),
    "BUILDING": ("底楼住户违法搭建", "楼顶私自加盖"),
    "NEIGHBOURS": ("楼上住户夜间噪音扰民", "邻居宠物扰民", "空调外机滴水纠纷"),
    "OWNERS": ("业委会未按期公布公共收益", "维修资金使用情况不清楚"),
    "FACILITIES": ("健身器材损坏", "休息座椅破损", "充电桩无法使用"),
    "OTHER": ("咨询居住证办理", "建议增设快递柜"),
}
NAME_PARTS = (
    "春",
    "华",
    "金",
    "锦",
    "绿",
    "新",
    "和",
    "康",
    "安",
    "景",
    "阳",
    "明",
    "瑞",
    "祥",
    "嘉",
    "悦",
    "平",
    "泰",
)
NAME_KINDS = ("苑", "园", "村", "公寓", "花园", "小区", "家园", "新村", "坊", "城")
COMPANY_WORDS = ("申江", "东方", "城建", "绿城", "万科", "长宁", "浦发", "明华", "德润", "安居")


def roll_up(town_ids: Iterable[int]) -> None:
    """Recompute the per-town rows of these towns from their CaseStats rows after the bulk load
    (the product keeps them by delta; only this generator writes CaseStats in bulk)."""
    town_ids = [int(t) for t in town_ids]
    if not town_ids:
        return
    names = CaseStats.COUNTERS
    CaseTownStats.objects.filter(town_id__in=town_ids).delete()
    placeholders = ", ".join(["%s"] * len(town_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CaseTownStats._meta.db_table} (town_id, period, {', '.join(names)}) "  # noqa: S608
            f"SELECT town_id, period, {', '.join(f'SUM({n})' for n in names)} FROM {CaseStats._meta.db_table} "
            f"WHERE town_id IN ({placeholders}) GROUP BY town_id, period",
            town_ids,
        )


def uid_from(rng: random.Random, length: int = 12) -> str:
    """An unguessable-looking code like core.ids.new_uid, but drawn from the seeded generator."""
    return "".join(rng.choices(ALPHABET, k=length))


class Loader:
    """Rows into tables with explicit ids: binary COPY on PostgreSQL, executemany elsewhere. Columns not
    given get the field's constant default ('' for text, the model's default, `now` for
    auto_now fields)."""

    def __init__(self, now: datetime):
        self.now = now
        self.vendor = connection.vendor
        self.counts: Counter = Counter()

    def first_id(self, model) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {model._meta.db_table}")  # noqa: S608
            return (cursor.fetchone()[0] or 0) + 1

    def _fill(self, model, columns: list[str]) -> tuple[list[str], tuple]:
        given = set(columns)
        names, extra = [], []
        for f in model._meta.concrete_fields:
            if f.attname in given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            elif f.has_default() and callable(f.default):
                raise ValueError(f"{model.__name__}.{f.name} needs an explicit value (its default is random)")
            else:
                value = f.get_default()
            names.append(f.attname)
            extra.append(value)
        return names, tuple(extra)

    def insert(self, model, columns: list[str], rows) -> int:
        """Insert `rows` (tuples in the order of `columns`, which include "id")."""
        extra_names, extra = self._fill(model, columns)
        names = [model._meta.get_field(c).column if c != "id" else "id" for c in columns]
        names += [model._meta.get_field(c).column for c in extra_names]
        table = model._meta.db_table
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        n = 0
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT attname, atttypid::int FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [table],
                )
                oids = dict(cursor.fetchall())
                with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types([oids[name] for name in names])
                    for row in rows:
                        copy.write_row(row + extra)
                        n += 1
            else:
                marks = ", ".join(["%s"] * len(names))
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
                batch = []
                for row in rows:
                    batch.append(tuple(_sqlite_value(v) for v in row + extra))
                    n += 1
                    if len(batch) >= 5000:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
        self.counts[model.__name__] += n
        return n

    def reset_sequences(self, models) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


class BulkLoad:
    """On PostgreSQL, a big table's secondary indexes and its unique and foreign-key constraints
    are dropped while it is loaded and made again afterwards, in the same transaction (the
    PostgreSQL manual's advice for populating a database): one sort per index and one join per
    foreign key instead of a million index insertions and trigger calls. The definitions are read
    from the catalogue, so the table ends exactly as the migrations made it."""

    def __init__(self, model, say):
        self.table = model._meta.db_table
        self.say = say
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            # Check the rows inserted so far now: a table with pending checks cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
                [self.table],
            )
            every = cursor.fetchall()
            self.constraints = [(name, kind, sql) for name, kind, sql in every if kind in ("u", "f")]
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s",
                [self.table],
            )
            owned = {name for name, _kind, _sql in every}
            self.indexes = [(name, sql) for name, sql in cursor.fetchall() if name not in owned]
            for name, _kind, _sql in self.constraints:
                cursor.execute(f"ALTER TABLE {self.table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            for name, _sql in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None or connection.vendor != "postgresql":
            return False
        started = time.monotonic()
        with connection.cursor() as cursor:
            for _name, sql in self.indexes:
                cursor.execute(sql)
            for kind in ("u", "f"):
                for name, k, sql in self.constraints:
                    if k == kind:
                        cursor.execute(
                            f"ALTER TABLE {self.table} ADD CONSTRAINT {connection.ops.quote_name(name)} {sql}"
                        )
        self.say(
            f"  {self.table}: {len(self.indexes)} indexes and {len(self.constraints)} constraints made again "
            f"in {time.monotonic() - started:.1f} s"
        )
        return False


def _sqlite_value(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


# --- Places and organisations ----------------------------------------------------------------


class City:
    """What the cases need to know about the places: per compound its town, neighborhood, units,
    owners' committee and current property company; per neighborhood its committees; per town its
    categories and police station."""

    def __init__(self):
        self.towns: list[dict] = []
        self.compounds: list[dict] = []
        self.neighborhoods: dict[int, dict] = {}


def build_city(loader: Loader, rng: random.Random, args, seed: int, today: date) -> City:
    city = City()
    towns = args.towns or max(1, round(args.compounds / 60))
    per_town = [args.compounds // towns + (1 if i < args.compounds % towns else 0) for i in range(towns)]
    ids = {m: loader.first_id(m) for m in (Town, Neighborhood, Compound, Building, Unit, Organization)}
    ids |= {m: loader.first_id(m) for m in (ServiceContract, Body, Category, CaseSettings)}
    town_rows, nb_rows, cp_rows, bd_rows, unit_rows, org_rows, contract_rows, body_rows = [], [], [], [], [], [], [], []
    cat_rows, settings_rows = [], []

    def next_id(model):
        value = ids[model]
        ids[model] += 1
        return value

    for t, n_compounds in enumerate(per_town):
        town_id = next_id(Town)
        code = f"s{seed}t{t + 1:03d}"
        town_rows.append((town_id, uid_from(rng), code, f"合成{t + 1}镇", "合成区"))
        town = {"id": town_id, "code": code, "categories": {}, "police": None}
        city.towns.append(town)
        settings_rows.append((next_id(CaseSettings), town_id))
        for kind, name in ((Body.Kind.OFFICE, "社区事务管理办公室"), (Body.Kind.LEADERSHIP_GROUP, "领导小组")):
            body_rows.append((next_id(Body), uid_from(rng), town_id, kind, name, 1))
        police = next_id(Organization)
        org_rows.append(
            (police, uid_from(rng), town_id, K.GOVERNMENT_UNIT, f"{code}-police", f"合成{t + 1}派出所", None, None)
        )
        town["police"] = police
        for order, (cat_code, cat_name, kind, accept, resolve, urgent) in enumerate(DEFAULT_CATEGORIES, start=1):
            cat_id = next_id(Category)
            cat_rows.append((cat_id, uid_from(rng), town_id, cat_code, cat_name, kind, accept, resolve, urgent, order))
            town["categories"][cat_code] = {
                "id": cat_id,
                "kind": kind,
                "accept": accept,
                "resolve": resolve,
                "urgent": urgent,
            }
        companies = []
        for c in range(max(2, n_compounds // 8)):
            company = next_id(Organization)
            word = COMPANY_WORDS[c % len(COMPANY_WORDS)]
            org_rows.append(
                (
                    company,
                    uid_from(rng),
                    town_id,
                    K.PROPERTY_COMPANY,
                    f"{code}-pc{c + 1}",
                    f"{word}物业{t + 1}-{c + 1}",
                    None,
                    None,
                )
            )
            companies.append(company)
        left, nb_index = n_compounds, 0
        while left > 0:
            size = min(left, rng.choice((1, 2, 2, 3, 3, 4)))
            left -= size
            nb_index += 1
            nb_id = next_id(Neighborhood)
            nb_code = f"{code}-n{nb_index:03d}"
            nb_rows.append(
                (
                    nb_id,
                    uid_from(rng),
                    town_id,
                    nb_code,
                    f"{rng.choice(NAME_PARTS)}{rng.choice(NAME_PARTS)}居民区{nb_index}",
                )
            )
            party, committee = next_id(Organization), next_id(Organization)
            org_rows.append(
                (party, uid_from(rng), town_id, K.PARTY_ORG, f"{nb_code}-po", f"居民区{nb_index}党总支", nb_id, None)
            )
            org_rows.append(
                (
                    committee,
                    uid_from(rng),
                    town_id,
                    K.RESIDENTS_COMMITTEE,
                    f"{nb_code}-rc",
                    f"居民区{nb_index}居委会",
                    nb_id,
                    None,
                )
            )
            city.neighborhoods[nb_id] = {"party": party, "committee": committee}
            for _ in range(size):
                cp_id = next_id(Compound)
                cp_code = f"{code}-c{len(city.compounds) + 1:05d}"
                name = f"{rng.choice(NAME_PARTS)}{rng.choice(NAME_PARTS)}{rng.choice(NAME_KINDS)}"
                cp_rows.append(
                    (
                        cp_id,
                        uid_from(rng),
                        town_id,
                        nb_id,
                        cp_code,
                        name,
                        f"合成路{len(city.compounds) + 1}弄",
                        uid_from(rng, 8).upper(),
                    )
                )
                building = next_id(Building)
                bd_rows.append((building, uid_from(rng), town_id, cp_id, "1号楼", 6))
                units = []
                for number in ("101", "102", "201", "202", "301", "302")[: rng.randint(2, 6)]:
                    unit = next_id(Unit)
                    unit_rows.append(
                        (unit, uid_from(rng), town_id, cp_id, building, number, Decimal(rng.randint(4500, 14000)) / 100)
                    )
                    units.append(unit)
                owners = None
                if rng.random() < 0.8:
                    owners = next_id(Organization)
                    org_rows.append(
                        (
                            owners,
                            uid_from(rng),
                            town_id,
                            K.OWNERS_COMMITTEE,
                            f"{cp_code}-oc",
                            f"{name}业委会",
                            None,
                            cp_id,
                        )
                    )
                company = rng.choice(companies)
                current = rng.random() < 0.95
                start = today - timedelta(days=rng.randint(800, 3000))
                end = None if current else today - timedelta(days=rng.randint(30, 700))
                contract = next_id(ServiceContract)
                contract_rows.append((contract, uid_from(rng), town_id, company, cp_id, start, end))
                city.compounds.append(
                    {
                        "id": cp_id,
                        "town": town,
                        "neighborhood": nb_id,
                        "building": building,
                        "units": units,
                        "owners": owners,
                        "company": company,
                        "contract": contract,
                        "company_since": start,
                        "company_until": end,
                    }
                )
    loader.insert(Town, ["id", "uid", "code", "name", "district"], town_rows)
    loader.insert(Neighborhood, ["id", "uid", "town_id", "code", "name"], nb_rows)
    loader.insert(
        Compound, ["id", "uid", "town_id", "neighborhood_id", "code", "name", "address", "invite_code"], cp_rows
    )
    loader.insert(Building, ["id", "uid", "town_id", "compound_id", "number", "floors"], bd_rows)
    loader.insert(Unit, ["id", "uid", "town_id", "compound_id", "building_id", "number", "area"], unit_rows)
    loader.insert(
        Organization, ["id", "uid", "town_id", "kind", "code", "name", "neighborhood_id", "compound_id"], org_rows
    )
    loader.insert(ServiceContract, ["id", "uid", "town_id", "company_id", "compound_id", "start", "end"], contract_rows)
    loader.insert(Body, ["id", "uid", "town_id", "kind", "name", "number"], body_rows)
    loader.insert(
        Category,
        [
            "id",
            "uid",
            "town_id",
            "code",
            "name",
            "handler_kind",
            "accept_days",
            "resolve_days",
            "urgent_resolve_days",
            "order",
        ],
        cat_rows,
    )
    loader.insert(CaseSettings, ["id", "town_id"], settings_rows)
    return city


# --- Cases -----------------------------------------------------------------------------------

CASE_COLUMNS = [
    "id", "uid", "town_id", "neighborhood_id", "compound_id", "building_id", "unit_id", "location", "category_id",
    "urgency", "description", "channel", "number", "tracking_token", "reporter_name", "reporter_phone",
    "hide_identity", "handler_id", "state", "submitted_at", "accept_due", "resolve_due", "due_provisional",
    "accepted_at", "resolved_at", "closed_at", "commitment", "committed_date", "escalated_at", "escalation_reason",
    "resolution", "end_reason", "merged_into_id", "reopen_count", "accept_overdue", "resolve_overdue", "late",
    "callback_due", "callback_notified", "fixed", "rating", "feedback_comment", "feedback_at", "feedback_source",
    "handled_in_time", "followup_valid", "version", "updated_at",
]  # fmt: skip


class Deadlines:
    """N working days after a day (core.workdays), computed once per (day, N). The national
    schedule: the synthetic towns have no exceptions of their own."""

    def __init__(self, first: date, last: date):
        self.calendar = WorkingCalendar(first - timedelta(days=5), last + timedelta(days=200))
        self.cache: dict[tuple[date, int], tuple[date, bool]] = {}

    def after(self, day: date, n: int) -> tuple[date, bool]:
        key = (day, n)
        if key not in self.cache:
            deadline = self.calendar.add_working_days(day, n)
            self.cache[key] = (deadline.date, deadline.provisional)
        return self.cache[key]


class CaseMaker:
    """One case's life, drawn from shares that look like a city's: most accepted within the
    working day and resolved in time, most residents answering and satisfied, some late, some
    reopened, some rejected, merged or withdrawn; recent cases still open."""

    def __init__(self, rng: random.Random, now_ts: int, zone: ZoneInfo, deadlines: Deadlines, neighborhoods: dict):
        self.rng = rng
        self.cityn = neighborhoods
        self.now_ts = now_ts
        self.zone = zone
        self.deadlines = deadlines
        self.offset = int(datetime.fromtimestamp(now_ts, UTC).astimezone(zone).utcoffset().total_seconds())
        self.today = self.day(now_ts)
        self.channels = [c for c, _w in CHANNELS]
        self.channel_cum = list(accumulate(w for _c, w in CHANNELS))

    def ri(self, a: int, b: int) -> int:
        """A whole number from a to b (faster than Random.randint; the same for the same seed)."""
        return a + int(self.rng.random() * (b - a + 1))

    def pick(self, items, cum):
        return items[bisect_right(cum, self.rng.random() * cum[-1])]

    def day(self, ts: int) -> date:
        return date.fromordinal(719163 + (ts + self.offset) // DAY)  # 719163: ordinal of 1970-01-01

    def end_of(self, day: date) -> int:
        """The last second of a local day."""
        return (day.toordinal() - 719163 + 1) * DAY - self.offset - 1

    @staticmethod
    def dt(ts: int | None) -> datetime | None:
        return None if ts is None else datetime.fromtimestamp(ts, UTC)

    def handler_for(self, compound: dict, category: dict, sub_day: date) -> int:
        kind = category["kind"]
        committee = self.cityn[compound["neighborhood"]]["committee"]
        if kind == K.PROPERTY_COMPANY:
            until = compound["company_until"]
            if compound["company_since"] <= sub_day and (until is None or until >= sub_day):
                return compound["company"]
            return committee
        if kind == K.OWNERS_COMMITTEE:
            return compound["owners"] or committee
        if kind == K.PARTY_ORG:
            return self.cityn[compound["neighborhood"]]["party"]
        return committee

    def make(self, case_id: int, sub_ts: int, compound: dict, code: str, number: str, previous: int | None):
        rng, ri = self.rng, self.ri
        town = compound["town"]
        category = town["categories"][code]
        sub_day = self.day(sub_ts)
        urgent = rng.random() < 0.08
        accept_due, p1 = self.deadlines.after(sub_day, category["accept"])
        resolve_days = category["urgent"] if urgent else category["resolve"]
        resolve_due, p2 = self.deadlines.after(sub_day, resolve_days)
        handler = self.handler_for(compound, category, sub_day)
        if code == "SECURITY" and rng.random() < 0.2:
            handler = town["police"]
        c = {
            "state": "submitted", "accepted_at": None, "resolved_at": None, "closed_at": None, "commitment": "",
            "committed_date": None, "escalated_at": None, "escalation_reason": "", "resolution": "", "end_reason": "",
            "merged_into_id": None, "reopen_count": 0, "accept_overdue": False, "resolve_overdue": False, "late": False,
            "callback_due": None, "callback_notified": False, "fixed": None, "rating": "", "feedback_comment": "",
            "feedback_at": None, "feedback_source": "", "handled_in_time": None, "followup_valid": False, "version": 1,
        }  # fmt: skip
        last_ts = sub_ts
        now = self.now_ts

        def step(ts):
            nonlocal last_ts
            last_ts = max(last_ts, ts)
            c["version"] += 1

        r = rng.random()
        if r < 0.05:  # withdrawn, rejected or merged soon after submission
            end_ts = sub_ts + ri(1800, 2 * DAY)
            if end_ts < now:
                if r < 0.015:
                    c["state"] = "withdrawn"
                elif r < 0.04 or previous is None:
                    c["state"], c["end_reason"] = "rejected", "不属于受理范围"
                else:
                    c["state"], c["merged_into_id"], c["end_reason"] = "merged", previous, "重复诉求，合并办理"
                c["closed_at"] = end_ts
                step(end_ts)
        else:
            if rng.random() < 0.9:
                accept_ts = sub_ts + ri(600, 20 * 3600)
            else:
                accept_ts = self.end_of(accept_due) + ri(3600, 3 * DAY)
            if accept_ts >= now:
                if accept_due < self.today:
                    c["accept_overdue"] = c["late"] = True
            else:
                c["state"], c["accepted_at"] = "accepted", accept_ts
                step(accept_ts)
                if self.day(accept_ts) > accept_due:
                    c["accept_overdue"] = c["late"] = True
                self._handle(c, rng, accept_ts, resolve_due, resolve_days, step)
        c["due_provisional"] = p1 or p2
        c["accept_due"] = accept_due
        c.setdefault("resolve_due", resolve_due)
        for name in ("accepted_at", "resolved_at", "closed_at", "escalated_at", "feedback_at"):
            c[name] = self.dt(c[name])
        units = compound["units"]
        unit = units[int(rng.random() * len(units))] if rng.random() < 0.7 else None
        texts = DESCRIPTIONS[code]
        description = texts[int(rng.random() * len(texts))]
        return (
            case_id, uid_from(rng), town["id"], compound["neighborhood"], compound["id"],
            compound["building"] if unit else None, unit, "" if unit else "小区公共区域", category["id"],
            "urgent" if urgent else "normal", description, self.pick(self.channels, self.channel_cum),
            number, f"{rng.getrandbits(128):032x}", f"居民{ri(1, 9999):04d}",
            f"13{ri(0, 999999999):09d}", rng.random() < 0.05, handler, c["state"], self.dt(sub_ts),
            c["accept_due"], c["resolve_due"], c["due_provisional"], c["accepted_at"], c["resolved_at"],
            c["closed_at"], c["commitment"], c["committed_date"], c["escalated_at"], c["escalation_reason"],
            c["resolution"], c["end_reason"], c["merged_into_id"], c["reopen_count"], c["accept_overdue"],
            c["resolve_overdue"], c["late"], c["callback_due"], c["callback_notified"], c["fixed"], c["rating"],
            c["feedback_comment"], c["feedback_at"], c["feedback_source"], c["handled_in_time"],
            c["followup_valid"], c["version"], self.dt(last_ts),
        )  # fmt: skip

    def _handle(self, c, rng, accept_ts, resolve_due, resolve_days, step):
        """From acceptance: work, perhaps an explanation or the joint meeting, resolution,
        the resident's answer (perhaps a reopening and a second round)."""
        ri = self.ri
        now = self.now_ts
        start_ts = accept_ts + ri(600, DAY)
        if start_ts < now:
            c["state"] = "in_progress"
            step(start_ts)
        escalated = False
        path = rng.random()
        if path < 0.05:  # explained, with a commitment that becomes the deadline
            explain_ts = accept_ts + ri(3600, 2 * DAY)
            if explain_ts < now:
                c["state"], c["commitment"] = "explained", "需协调施工队，承诺限期完成"
                resolve_due = max(resolve_due, self.day(explain_ts)) + timedelta(days=ri(5, 30))
                c["committed_date"] = resolve_due
                c["resolve_overdue"] = False
                step(explain_ts)
        elif path < 0.07:  # several organisations: the joint meeting
            escalate_ts = accept_ts + ri(DAY, 5 * DAY)
            if escalate_ts < now:
                c["state"], c["escalated_at"] = "escalated", escalate_ts
                c["escalation_reason"] = "涉及物业、业委会和派出所，提请联席会议"
                escalated = True
                step(escalate_ts)
        c["resolve_due"] = resolve_due
        for round_ in (1, 2):
            due_end = self.end_of(resolve_due)
            if escalated:
                resolve_ts = accept_ts + ri(10 * DAY, 40 * DAY)
            elif rng.random() < 0.85:
                resolve_ts = min(due_end, accept_ts + ri(3600, max(7200, due_end - accept_ts)))
            else:
                resolve_ts = due_end + ri(3600, 20 * DAY)
            if resolve_ts >= now:
                if resolve_due < self.today and c["state"] in ("accepted", "in_progress", "explained"):
                    c["resolve_overdue"] = c["late"] = True
                return
            resolve_day = self.day(resolve_ts)
            in_time = resolve_day <= resolve_due
            c.update(state="resolved", resolved_at=resolve_ts, resolution="已处理完毕", handled_in_time=in_time)
            c["resolve_overdue"] = c["resolve_overdue"] or not in_time
            c["late"] = c["late"] or not in_time
            callback_due, _p = self.deadlines.after(resolve_day, 3)
            c["callback_due"], c["callback_notified"], c["fixed"] = callback_due, False, None
            step(resolve_ts)
            answer = rng.random()
            if answer < 0.65:
                feedback_ts, source = resolve_ts + ri(3600, 3 * DAY), "resident"
            elif answer < 0.9:
                feedback_ts, source = self.end_of(callback_due) + ri(3600, 2 * DAY), "callback"
            else:  # the callback could not reach the resident
                close_ts = self.end_of(callback_due) + ri(3600, 3 * DAY)
                if close_ts >= now:
                    c["callback_notified"] = callback_due <= self.today
                    return
                c.update(state="closed", closed_at=close_ts, followup_valid=False, end_reason="多次电话未接通")
                c["callback_notified"] = True
                step(close_ts)
                return
            if feedback_ts >= now:
                c["callback_notified"] = callback_due <= self.today
                return
            if source == "callback":
                c["callback_notified"] = True
            fixed = round_ == 2 or rng.random() < (0.93 if in_time else 0.8)
            if fixed:
                rating = self.pick(RATINGS, (78, 96, 100) if round_ == 1 else (50, 85, 100))
            else:
                rating = self.pick(RATINGS, (5, 30, 100))
            c.update(rating=rating, feedback_at=feedback_ts, feedback_source=source)
            c["feedback_comment"] = "" if rng.random() < 0.8 else "希望以后及时处理"
            step(feedback_ts)
            if fixed:
                c.update(state="closed", fixed=True, closed_at=feedback_ts, followup_valid=True)
                return
            # Not fixed: reopened (重办) with a new deadline, and a second round.
            feedback_day = self.day(feedback_ts)
            resolve_due, _p = self.deadlines.after(feedback_day, resolve_days)
            c.update(state="in_progress", fixed=False, reopen_count=c["reopen_count"] + 1, resolved_at=None)
            c.update(handled_in_time=None, resolve_due=resolve_due, resolve_overdue=False, callback_due=None)
            accept_ts = feedback_ts
            escalated = False


def generate_cases(
    loader: Loader, rng: random.Random, city: City, args, now_ts: int, zone: ZoneInfo, say=print
) -> tuple[int, dict]:
    span_days = round(args.months * 30.44)
    today = datetime.fromtimestamp(now_ts, UTC).astimezone(zone).date()
    deadlines = Deadlines(today - timedelta(days=span_days), today)
    maker = CaseMaker(rng, now_ts, zone, deadlines, city.neighborhoods)
    # Cases per compound: some compounds report far more than others.
    weights = [min(rng.paretovariate(1.6), 30.0) for _ in city.compounds]
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    # Drawn in chunks (10M cases: one list of 10M ints would be ~400 MB); choices() takes one
    # random() per draw, so the chunks give the same compounds as one call, for the same seed.
    per_compound: Counter = Counter()
    left = args.cases
    while left > 0:
        k = min(left, DRAW_CHUNK)
        per_compound.update(rng.choices(range(len(city.compounds)), cum_weights=cum, k=k))
        left -= k
    codes = list(CATEGORY_WEIGHTS)
    code_cum = list(accumulate(CATEGORY_WEIGHTS.values()))
    hours = list(range(24))
    hour_cum = list(accumulate([1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 8, 9, 10, 10, 9, 8, 8, 7, 5, 3, 2, 1]))
    pick, ri = maker.pick, maker.ri
    start_ts = now_ts - span_days * DAY
    next_id = first_id = loader.first_id(Case)
    numbers: dict[tuple[int, str], int] = {}

    by_town: dict[int, list[int]] = defaultdict(list)
    for index, compound in enumerate(city.compounds):
        by_town[compound["town"]["id"]].append(index)

    made_started, reported = time.monotonic(), 0

    def rows():
        # One town's cases at a time in memory (its drafts, sorted by time); the COPY streams them.
        nonlocal next_id, reported
        for town in city.towns:
            done = next_id - first_id
            if args.cases >= 2 * PROGRESS_EVERY and done // PROGRESS_EVERY > reported:
                reported = done // PROGRESS_EVERY
                say(f"  {done:,} of {args.cases:,} cases written ({time.monotonic() - made_started:.0f} s)")
            drafts = []
            for index in by_town[town["id"]]:
                for _ in range(per_compound.get(index, 0)):
                    day = ri(0, span_days - 1)
                    second = pick(hours, hour_cum) * 3600 + ri(0, 3599)
                    drafts.append((start_ts + day * DAY + second, index, pick(codes, code_cum)))
            drafts.sort()
            previous_of: dict[int, int] = {}
            for ts, index, code in drafts:
                local = maker.day(ts)
                month = f"{local.year % 100:02d}{local.month:02d}"
                key = (town["id"], month)
                numbers[key] = numbers.get(key, 0) + 1
                case_id = next_id
                next_id += 1
                yield maker.make(
                    case_id, ts, city.compounds[index], code, f"{month}-{numbers[key]:04d}", previous_of.get(index)
                )
                previous_of[index] = case_id

    with BulkLoad(Case, say):
        count = loader.insert(Case, CASE_COLUMNS, rows())
    number_id = loader.first_id(CaseNumber)
    loader.insert(
        CaseNumber,
        ["id", "town_id", "month", "last"],
        [(number_id + i, town_id, month, last) for i, ((town_id, month), last) in enumerate(sorted(numbers.items()))],
    )
    return count, numbers


def generate_records(loader: Loader, city: City, args, end: date, zone: ZoneInfo) -> dict[str, int]:
    """Inspections, surveys and assessments in proportion to the compounds (bench/records.py),
    drawn from their own generator so that the cases are the same with or without them."""
    from gongzhi.core.models import User

    user, _created = User.objects.get_or_create(
        username=f"bench-generator-s{args.seed}", defaults={"display_name": "合成数据"}
    )
    deadlines = Deadlines(end - timedelta(days=400), end)
    rng = random.Random(f"{args.seed}:records")
    return records.Records(loader, rng, city, end, zone, user.pk, lambda: uid_from(rng), deadlines.after).run()


# --- Counters --------------------------------------------------------------------------------


def _period_sql(column: str, vendor: str, offset_hours: int) -> str:
    """The assessment month (its first day) of a timestamp column, as stats.period_of(local date)."""
    if vendor == "postgresql":
        local = f"(({column}) AT TIME ZONE %(tz)s)::date"
        return (
            f"(CASE WHEN sd > 1 AND EXTRACT(DAY FROM {local}) >= sd "
            f"THEN (date_trunc('month', {local}) + interval '1 month')::date "
            f"ELSE date_trunc('month', {local})::date END)"
        )
    local = f"date({column}, '{offset_hours:+d} hours')"
    return (
        f"(CASE WHEN sd > 1 AND CAST(strftime('%d', {local}) AS INTEGER) >= sd "
        f"THEN date({local}, 'start of month', '+1 month') ELSE date({local}, 'start of month') END)"
    )


def _offsets(zone: ZoneInfo, now_ts: int) -> set[int]:
    return {
        int(datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset().total_seconds())
        for ts in range(now_ts - 800 * DAY, now_ts + DAY, 15 * DAY)
    }


def build_counters(town_ids: list[int], zone: ZoneInfo, now_ts: int, say=print) -> int:
    """The counters of these towns from their cases, in one INSERT … SELECT that mirrors
    stats.contributions(): each case adds to the assessment month of each event it had."""
    if connection.vendor != "postgresql" and len(_offsets(zone, now_ts)) != 1:
        return stats.rebuild(town_ids)  # SQLite and a zone with daylight saving: let Python count
    sql, params = counters_sql(town_ids, zone, now_ts)
    with transaction.atomic():
        CaseStats.objects.filter(town_id__in=town_ids).delete()
        with BulkLoad(CaseStats, say), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The grouping of 10M cases' events (~3 each) in memory rather than in batches on disk.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(sql, params)
            count = cursor.rowcount
        roll_up(town_ids)
        return count


def counters_sql(town_ids: list[int], zone: ZoneInfo, now_ts: int) -> tuple[str, dict | None]:
    vendor = connection.vendor
    offset_hours = next(iter(_offsets(zone, now_ts))) // 3600
    names = CaseStats.COUNTERS

    def branch(moment: str, where: str, values: dict[str, str]) -> str:
        cols = ", ".join(f"{values.get(n, '0')} AS {n}" for n in names)
        return (
            f"SELECT c.town_id, c.neighborhood_id, c.compound_id, c.handler_id, "  # noqa: S608 - names, integers
            f"{_period_sql(moment, vendor, offset_hours)} AS period, {cols} "
            f"FROM {Case._meta.db_table} c LEFT JOIN (SELECT town_id AS s_town, period_start_day AS sd "
            f"FROM {CaseSettings._meta.db_table}) s ON s.s_town = c.town_id "
            f"WHERE c.town_id IN ({', '.join(str(int(t)) for t in town_ids)}) AND {where}"
        )

    true = "TRUE" if vendor == "postgresql" else "1"
    branches = [
        branch(
            "c.submitted_at",
            "1 = 1",
            {"submitted": "1", "overdue": f"CASE WHEN c.accepted_at IS NULL AND c.late = {true} THEN 1 ELSE 0 END"},
        ),
        branch(
            "c.accepted_at",
            "c.accepted_at IS NOT NULL",
            {
                "accepted": "1",
                "handled_in_time": f"CASE WHEN c.handled_in_time = {true} THEN 1 ELSE 0 END",
                "overdue": f"CASE WHEN c.late = {true} THEN 1 ELSE 0 END",
                "reopened": "CASE WHEN c.reopen_count > 0 THEN 1 ELSE 0 END",
            },
        ),
        branch(
            "c.closed_at",
            f"c.closed_at IS NOT NULL AND c.followup_valid = {true}",
            {
                "closed_valid": "1",
                "confirmed_fixed": f"CASE WHEN c.fixed = {true} AND c.reopen_count = 0 THEN 1 ELSE 0 END",
                "confirmed_fixed_reopened": f"CASE WHEN c.fixed = {true} AND c.reopen_count > 0 THEN 1 ELSE 0 END",
            },
        ),
        branch(
            "c.closed_at",
            f"c.closed_at IS NOT NULL AND c.followup_valid = {'FALSE' if vendor == 'postgresql' else '0'} "
            "AND c.state = 'closed' AND c.fixed IS NULL",
            {"closed_unreachable": "1"},
        ),
        branch(
            "c.feedback_at",
            "c.feedback_at IS NOT NULL AND (c.feedback_not_counted <> '' OR c.rating <> '')",
            {
                "answer_not_counted": "CASE WHEN c.feedback_not_counted <> '' THEN 1 ELSE 0 END",
                "rated_satisfied": "CASE WHEN c.feedback_not_counted = '' AND c.rating = 'satisfied' THEN 1 ELSE 0 END",
                "rated_basic": "CASE WHEN c.feedback_not_counted = '' AND c.rating = 'basic' THEN 1 ELSE 0 END",
                "rated_unsatisfied": "CASE WHEN c.feedback_not_counted = '' AND c.rating = 'unsatisfied' "
                "THEN 1 ELSE 0 END",
            },
        ),
    ]
    union = " UNION ALL ".join(branches)
    sums = ", ".join(f"SUM({n})" for n in names)
    table = CaseStats._meta.db_table
    sql = (
        f"INSERT INTO {table} (town_id, neighborhood_id, compound_id, organization_id, period, {', '.join(names)}) "  # noqa: S608
        f"SELECT town_id, neighborhood_id, compound_id, handler_id, period, {sums} FROM ("
        f"SELECT town_id, neighborhood_id, compound_id, handler_id, period, {', '.join(names)} FROM ({union}) e"
        f") x GROUP BY town_id, neighborhood_id, compound_id, handler_id, period"
    )
    # A town without settings counts calendar months (start day 1).
    sql = sql.replace("sd > 1", "COALESCE(sd, 1) > 1").replace(">= sd", ">= COALESCE(sd, 1)")
    return sql, ({"tz": settings.TIME_ZONE} if vendor == "postgresql" else None)


def counters_of(town_ids: list[int]) -> dict:
    rows = CaseStats.objects.filter(town_id__in=town_ids)
    return {
        (r.organization_id, r.compound_id, r.period): tuple(getattr(r, n) for n in CaseStats.COUNTERS)
        for r in rows
        if any(getattr(r, n) for n in CaseStats.COUNTERS)
    }


# --- Main ------------------------------------------------------------------------------------


def reset() -> None:
    """Empty every table (manage.py flush)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may stand in TRUNCATE's way
    call_command("flush", interactive=False, verbosity=0)


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compounds", type=int, default=13000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--towns", type=int, default=0, help="default: one town per 60 compounds")
    parser.add_argument("--months", type=int, default=18, help="cases spread over this many months (default 18)")
    parser.add_argument("--end", type=date.fromisoformat, default=None, help="the day the data end (default: today)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--append", action="store_true", help="add a city beside the towns already there")
    group.add_argument("--reset", action="store_true", help="empty every table of the database first")
    parser.add_argument("--check", action="store_true", help="compare the counters with stats.rebuild() (slow)")
    parser.add_argument(
        "--without-records", action="store_true", help="no inspections, surveys or assessments (bench/records.py)"
    )
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))

    def refuse(text: str) -> int:
        print(text, file=sys.stderr)
        return 2

    if args.compounds < 1 or args.cases < 0 or args.months < 1:
        return refuse("--compounds must be at least 1, --cases at least 0, --months at least 1.")
    if Town.objects.exists() and not (args.append or args.reset):
        return refuse(
            "The database already has towns: give --append to add a city beside them, or --reset to empty it first."
        )
    if args.append and Town.objects.filter(code__startswith=f"s{args.seed}t").exists():
        return refuse(f"Towns of seed {args.seed} are already there: use another --seed with --append.")
    timings = {}
    started = time.monotonic()

    def timed(label, func, *a):
        t0 = time.monotonic()
        result = func(*a)
        timings[label] = time.monotonic() - t0
        say(f"{label:<34} {timings[label]:8.1f} s")
        return result

    if args.reset:
        timed("reset (flush)", reset)
    zone = ZoneInfo(settings.TIME_ZONE)
    end = args.end or datetime.now(zone).date()
    now_ts = int(datetime(end.year, end.month, end.day, tzinfo=zone).timestamp())
    now = datetime.fromtimestamp(now_ts, UTC)
    rng = random.Random(args.seed)
    loader = Loader(now)
    say(
        f"Generating {args.compounds} compounds and {args.cases} cases (seed {args.seed}, "
        f"{args.months} months up to {end}) into {connection.vendor} {connection.settings_dict['NAME']}"
    )
    commit_started = None
    with transaction.atomic():
        city = timed("places and organisations", build_city, loader, rng, args, args.seed, end)
        count, _numbers = timed("cases", generate_cases, loader, rng, city, args, now_ts, zone, say)
        if not args.without_records:
            timed("inspections, surveys, assessments", generate_records, loader, city, args, end, zone)
        if connection.vendor == "postgresql":
            models = [Town, Neighborhood, Compound, Building, Unit, Organization, ServiceContract, Body]
            models += [Category, CaseSettings, Case, CaseNumber, *records.MODELS]
            timed("sequences", loader.reset_sequences, models)
        commit_started = time.monotonic()
    say(f"{'commit (deferred checks)':<34} {time.monotonic() - commit_started:8.1f} s")
    town_ids = [t["id"] for t in city.towns]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            timed("analyze", cursor.execute, "ANALYZE")
    rows = timed("counters (SQL aggregation)", build_counters, town_ids, zone, now_ts, say)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            timed("analyze the counters", cursor.execute, f"ANALYZE {CaseStats._meta.db_table}")
    say(
        f"{len(city.towns)} towns, {len(city.neighborhoods)} neighborhoods, {len(city.compounds)} compounds, "
        f"{loader.counts['Unit']} units, {loader.counts['Organization']} organisations, {count} cases, "
        f"{rows} counter rows in {time.monotonic() - started:.1f} s"
    )
    if not args.without_records:
        c = loader.counts
        say(
            f"beside them: {c['Inspection']} inspections ({c['ItemResult']} item results, {c['RectificationOrder']} "
            f"orders), {c['Survey']} surveys ({c['Response']} answers), {c['Assessment']} assessments "
            f"({c['Score']} scores)"
        )
    if args.check:
        built = counters_of(town_ids)
        timed("check: stats.rebuild()", stats.rebuild, town_ids)
        rebuilt = counters_of(town_ids)
        if built != rebuilt:
            differ = [k for k in set(built) | set(rebuilt) if built.get(k) != rebuilt.get(k)]
            say(f"CHECK FAILED: {len(differ)} counter rows differ, e.g. {differ[:3]}")
            return 1
        say(f"check: the SQL aggregation equals stats.rebuild() ({len(built)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
