"""The demo town in the database: 浦江镇's places, organisations, people, memberships, contracts and
owners go through the spreadsheet importer (gongzhi.onboarding.importer.import_data, the rows of
gongzhi.demo.rows) — the same code path as an office's upload, so the demo is also a standing test of
onboarding; then, through the orgs services, the leadership group and its 17 member units, the office
and its 7, the three inspection groups with the seed's coverage and their members; one login per
persona (gongzhi.demo.personas) and an account for every other staff member; the default duties; one
exception of the town's own in the working-day calendar, entered by its office. A second, small town
(梅陇镇) holds the "outsider".

Deterministic (fixed seed) and idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.services import create_login
from gongzhi.core import audit
from gongzhi.core import services as core_services
from gongzhi.core.models import CalendarDay, User
from gongzhi.core.workdays import is_working_day
from gongzhi.onboarding.importer import import_data
from gongzhi.orgs import services as org_services
from gongzhi.orgs.models import Body, Membership, Organization, Person
from gongzhi.places import services as place_services
from gongzhi.places.models import Compound, Neighborhood, Town

from .personas import DEMO_PASSWORD, RESIDENT_PHONE
from .rows import (
    INSPECTION_GROUP_REPRESENTATIVES,
    INSPECTION_GROUPS,
    LEADERSHIP_MEMBER_UNITS,
    OFFICE_MEMBER_UNITS,
    SEED,
    Names,
    build_import_data,
)

TOWN_CODE = "pujiang"
OTHER_TOWN_CODE = "meilong"
PERSONA_LOGINS = ("office", "leader", "inspector", "secretary", "rcworker", "owners", "property")

LEADERSHIP_TASKS = (
    "统筹、协调、指导、运作“四位一体”社区管理工作；定期听取社区事务管理办公室的情况汇报；定期召开“四位一体”联席会议，"
    "讨论、协商和协调社区管理中存在的突出问题和矛盾，总结和表彰年度“好当家”、“好管家”。"
)
OFFICE_TASKS = (
    "会同各方共商制定社区管理的综合考评办法、考核标准、考核形式以及评估、奖惩方案；制定居民区业委会季度考核标准和物业服务季度考核标准；"
    "定期召集并听取检查小组成员汇报；半年一次对居民小区进行综合考核；年底向领导小组汇报。"
)
INSPECTION_GROUP_TASKS = (
    "共商制定镇社区居民小区日常检查办法；定期对小区管理工作进行日常检查；检查结果及时向社区事务管理办公室汇报。"
)


def build_town(stdout=None) -> Town:
    """Build (or complete) the demo town and the outsider's town; return the demo town."""
    data, persona_phones = build_import_data(timezone.localdate())
    with transaction.atomic():
        town = Town.objects.filter(code=TOWN_CODE).first() or place_services.create_town(
            actor=None, code=TOWN_CODE, name="浦江镇", district="闵行区"
        )
        report = import_data(actor=None, town=town, data=data)
        if stdout:
            stdout.write(f"浦江镇: {report}")
        _Bodies(town, persona_phones).build()
        _logins(town, persona_phones)
        org_services.install_default_duties(actor=None, town=town)
        _town_calendar(town)
        _other_town()
    return town


class _Bodies:
    """The town's leadership group, office and inspection groups with their member units, coverage
    and staff; records the phone of the leader, office and inspector personas in persona_phones."""

    def __init__(self, town: Town, persona_phones: dict[str, str]):
        self.town = town
        self.persona_phones = persona_phones
        self.names = Names(random.Random(SEED + 1))
        self.names.used |= set(Person.objects.filter(town=town).values_list("name", flat=True))
        self.names.phones = iter(range(13700000001, 13799999999, 7919))
        self.start = date(timezone.localdate().year - 2, 1, 1)
        self.orgs = {o.name: o for o in Organization.objects.filter(town=town, kind=Organization.Kind.GOVERNMENT_UNIT)}

    def build(self) -> None:
        leadership = self.body(Body.Kind.LEADERSHIP_GROUP, 1, "“四位一体”社区管理领导小组", tasks=LEADERSHIP_TASKS)
        self.member_units(leadership, [(label, label) for label in LEADERSHIP_MEMBER_UNITS])
        self.staff(leadership, "组长", Membership.Position.HEAD, "leader")
        self.staff(leadership, "副组长", Membership.Position.DEPUTY)

        office = self.body(Body.Kind.OFFICE, 1, "“四位一体”社区事务管理办公室", seat="社区管理中心", tasks=OFFICE_TASKS)
        self.member_units(office, OFFICE_MEMBER_UNITS)
        self.staff(office, "办公室主任", Membership.Position.HEAD, "office")
        self.staff(office, "办公室工作人员", Membership.Position.STAFF)

        for number, name, coverage in INSPECTION_GROUPS:
            self.inspection_group(number, name, coverage)
        self.owner_representatives("PJ02")
        if not Organization.objects.filter(town=self.town, kind=Organization.Kind.DEVELOPER).exists():
            # The developer of 浦锦华庭: it takes part in forums and receives the evaluation reports (seed 七.4).
            org_services.create_organization(
                actor=None,
                town=self.town,
                data={"kind": Organization.Kind.DEVELOPER, "code": "DEV-PJ", "name": "浦锦置业有限公司"},
            )

    def owner_representatives(self, compound_code: str) -> None:
        """浦锦华庭 was handed over recently and has no owners' committee yet: three owner
        representatives sit for its owners in the joint meeting (业委会(业主代表), seed 一)."""
        compound = Compound.objects.get(town=self.town, code=compound_code)
        if Organization.objects.filter(compound=compound, kind=Organization.Kind.OWNERS_COMMITTEE).exists():
            return
        group = org_services.create_organization(
            actor=None,
            town=self.town,
            data={
                "kind": Organization.Kind.OWNERS_COMMITTEE,
                "code": f"{compound_code}-OR",
                "name": f"{compound.name}业主代表",
                "compound": compound,
                "owner_representatives": True,
            },
        )
        for position in [Membership.Position.MEMBER] * 3:  # all three are invited
            data = {"name": self.names.name(), "phone": self.names.phone()}
            person = org_services.create_person(actor=None, town=self.town, data=data)
            org_services.add_membership(
                actor=None,
                person=person,
                data={"organization": group, "title": "业主代表", "position": position, "start": self.start},
            )

    def inspection_group(self, number: int, name: str, coverage: dict[str, list[str]]) -> None:
        group = self.body(Body.Kind.INSPECTION_GROUP, number, name, tasks=INSPECTION_GROUP_TASKS)
        covered = set(group.coverage.values_list("neighborhood__code", "compound__code"))
        for code in coverage.get("neighborhoods", []):
            if (code, None) not in covered:
                org_services.add_body_coverage(
                    actor=None, body=group, neighborhood=Neighborhood.objects.get(town=self.town, code=code)
                )
        for code in coverage.get("compounds", []):
            if (None, code) not in covered:
                org_services.add_body_coverage(
                    actor=None, body=group, compound=Compound.objects.get(town=self.town, code=code)
                )
        self.staff(group, "组长", Membership.Position.HEAD)
        for title in INSPECTION_GROUP_REPRESENTATIVES:
            persona = "inspector" if number == 1 and title == "市民巡访团代表" else None
            self.staff(group, title, Membership.Position.MEMBER, persona)

    def body(self, kind, number, name, seat="", tasks="") -> Body:
        existing = Body.objects.filter(town=self.town, kind=kind, number=number).first()
        return existing or org_services.create_body(
            actor=None, town=self.town, kind=kind, number=number, name=name, seat=seat, tasks=tasks
        )

    def member_units(self, body: Body, units: list[tuple[str, str | None]]) -> None:
        present = set(body.member_units.values_list("label", flat=True))
        for label, org_name in units:
            if label not in present:
                organization = self.orgs.get(org_name) if org_name else None
                org_services.add_body_member_unit(actor=None, body=body, label=label, organization=organization)

    def staff(self, body: Body, title: str, position: str, persona: str | None = None) -> Person:
        existing = Membership.objects.filter(body=body, title=title).select_related("person").first()
        person = existing.person if existing else None
        if person is None:
            data = {"name": self.names.name(), "phone": self.names.phone(), "is_party_member": True}
            person = org_services.create_person(actor=None, town=self.town, data=data)
            org_services.add_membership(
                actor=None,
                person=person,
                data={"body": body, "title": title, "position": position, "start": self.start},
            )
        if persona:
            self.persona_phones[persona] = person.phone
        return person


def _logins(town: Town, persona_phones: dict[str, str]) -> None:
    password = make_password(DEMO_PASSWORD)
    for key in PERSONA_LOGINS:
        person = Person.objects.get(town=town, phone=persona_phones[key])
        if person.user_id is None and not User.objects.filter(username=key).exists():
            create_login(actor=None, person=person, username=key, password_hash=password)
    # Every other member of an organisation or body gets an account too (they sign in with their
    # mobile number and a one-time code; the demo history acts through these accounts).
    staff = Person.objects.filter(town=town, user__isnull=True, memberships__isnull=False).distinct()
    for person in staff:
        if person.phone and not User.objects.filter(username=person.phone).exists():
            create_login(actor=None, person=person, username=person.phone)
    resident = Person.objects.get(town=town, phone=RESIDENT_PHONE)
    if resident.user_id is None and not User.objects.filter(username=RESIDENT_PHONE).exists():
        create_login(actor=None, person=resident, username=RESIDENT_PHONE)
    if not User.objects.filter(username="admin").exists():
        admin = User.objects.create(
            username="admin", password=password, is_superuser=True, is_staff=True, display_name="平台管理员"
        )
        audit.record(None, "core.user.create", admin, after={"username": "admin", "is_superuser": True})


def typhoon_day(today: date) -> date:
    """A weekday of the last typhoon season (the first national working day from 10 September of
    the latest September that has passed), when Shanghai's flood-control headquarters ordered work
    stopped under a red typhoon warning and the town's offices closed."""
    year = today.year if today >= date(today.year, 9, 20) else today.year - 1
    day = date(year, 9, 10)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _town_calendar(town: Town) -> None:
    """The town's own exception in its working-day calendar, entered by the office (it applies in
    this town only; deadlines counted over it there move by a day). National days are the platform
    administrator's: the demo enters none (the built-in schedule is the national one)."""
    if CalendarDay.objects.filter(town=town).exists():
        return
    day = typhoon_day(timezone.localdate())
    core_services.set_calendar_days(
        actor=User.objects.get(username="office"),
        town=town,
        start=day,
        end=day,
        kind=CalendarDay.Kind.HOLIDAY,
        name="台风停工",
    )


def _other_town() -> None:
    """梅陇镇: one neighborhood, one compound of twelve units, an office with its head (the outsider)."""
    town = Town.objects.filter(code=OTHER_TOWN_CODE).first() or place_services.create_town(
        actor=None, code=OTHER_TOWN_CODE, name="梅陇镇", district="闵行区"
    )
    if Body.objects.filter(town=town).exists():
        return
    neighborhood = place_services.create_neighborhood(actor=None, town=town, data={"code": "ML", "name": "梅陇"})
    compound = place_services.create_compound(
        actor=None, data={"neighborhood": neighborhood, "code": "ML01", "name": "梅陇新苑"}
    )
    building = place_services.create_building(actor=None, compound=compound, data={"number": "1号楼", "floors": 6})
    for floor in range(1, 7):
        for door in (1, 2):
            place_services.create_unit(
                actor=None, building=building, data={"number": f"{floor}{door:02d}", "area": Decimal("76.50")}
            )
    office = org_services.create_body(
        actor=None, town=town, kind=Body.Kind.OFFICE, number=1, name="梅陇镇社区事务管理办公室"
    )
    person = org_services.create_person(actor=None, town=town, data={"name": "范远航", "phone": "13600000001"})
    org_services.add_membership(
        actor=None,
        person=person,
        data={
            "body": office,
            "title": "办公室主任",
            "position": "head",
            "start": date(timezone.localdate().year - 1, 1, 1),
        },
    )
    org_services.install_default_duties(actor=None, town=town)
    if not User.objects.filter(username="outsider").exists():
        create_login(actor=None, person=person, username="outsider", password_hash=make_password(DEMO_PASSWORD))
