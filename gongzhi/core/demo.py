"""The demo town, built from the seed document (../shared/seed): 浦江镇 with the leadership group
and its 17 member units, the office and its 7, the three inspection groups with the seed's
coverage, neighborhoods and compounds named in the seed plus a few more, buildings and a few
thousand units with plausible areas, property companies with contracts, generated people in
every role, and one login per persona. A second, small town (梅陇镇) holds the "outsider".

Places, organisations, people, memberships, contracts and owners go through the spreadsheet
importer (gongzhi.onboarding.importer.import_data) — the same code path as an office's upload —
so the demo is also a standing test of onboarding. Everything is deterministic (fixed seed) and
idempotent: running it twice changes nothing the second time.

No name of a real official in the seed is used for a demo person."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongzhi.core import audit

DEMO_PASSWORD = "gongzhi-demo"  # noqa: S105 - the published demo password
RESIDENT_PHONE = "13800138000"
SEED = 20260101
TOWN_CODE = "pujiang"
OTHER_TOWN_CODE = "meilong"
REAL_OFFICIALS = {"谈德弟", "钱金华", "施文炯"}  # named in the seed; never reused

LEADERSHIP_MEMBER_UNITS = [
    "居民区党委",
    "组织人事科",
    "文明办",
    "社区中心",
    "综治办",
    "建设办",
    "社事办",
    "信访办",
    "城管所",
    "三产办",
    "区房地局房管办",
    "劳务所",
    "社救所",
    "司法所",
    "陈行派出所",
    "杜行派出所",
    "鲁汇派出所",
]
# The office's member units as the seed names them, and the organisation each stands for
# (派出所: the town's police stations in general, so no single organisation).
OFFICE_MEMBER_UNITS = [
    ("居民区党委", "居民区党委"),
    ("文明办", "文明办"),
    ("综治办", "综治办"),
    ("城管所", "城管所"),
    ("司法所", "司法所"),
    ("派出所", None),
    ("房管办", "区房地局房管办"),
]
INSPECTION_GROUP_REPRESENTATIVES = [
    "居民区党组织代表",
    "居委会代表",
    "房管办代表",
    "业委会代表",
    "物业公司代表",
    "小区管段民警",
    "市民巡访团代表",
    "行风监督员",
]

# neighborhood code, name, [(compound code, name)], covered by inspection group
NEIGHBORHOODS = [
    ("SB", "世博", [("SB01", "世博家园一期"), ("SB02", "世博家园二期"), ("SB03", "世博雅苑")]),
    ("XC", "新城", [("XC01", "新城一村"), ("XC02", "新城二村"), ("XC03", "新城花苑")]),
    ("CH", "陈行", [("CH01", "陈行新村"), ("CH02", "陈行公寓")]),
    ("DH", "杜行", [("DH01", "杜行苑"), ("DH02", "杜行新村")]),
    ("LH", "鲁汇", [("LH01", "鲁汇苑"), ("LH02", "鲁汇新村")]),
    ("JY", "景苑", [("JY01", "景江苑"), ("JY02", "景舒苑"), ("JY03", "景明苑")]),
    ("PJ", "浦锦", [("PJ01", "浦锦苑"), ("PJ02", "浦锦华庭")]),
]
INSPECTION_GROUPS = [
    (1, "第一检查组", {"neighborhoods": ["SB", "XC"]}),
    (2, "第二检查组", {"neighborhoods": ["CH", "DH", "LH"]}),
    (3, "第三检查组", {"compounds": ["JY01", "JY02"]}),
]
PROPERTY_COMPANIES = [
    ("PC01", "江南物业服务有限公司"),
    ("PC02", "申江物业管理有限公司"),
    ("PC03", "恒安物业服务有限公司"),
    ("PC04", "佳园物业管理有限公司"),
    ("PC05", "锦华物业服务有限公司"),
]
NO_OWNERS_COMMITTEE = {"PJ02"}  # newly handed over: no owners' committee elected yet

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "建国",
    "秀英",
    "桂英",
    "志强",
    "丽华",
    "伟",
    "敏",
    "静",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "玉兰",
    "海燕",
    "晓东",
    "文华",
    "国强",
    "春梅",
    "红霞",
    "建华",
    "德明",
    "金凤",
    "立新",
    "卫东",
    "淑芬",
    "永福",
    "雪梅",
    "佳怡",
    "子涵",
    "浩然",
    "欣怡",
    "宇航",
    "思远",
    "晨曦",
]


@dataclass(frozen=True)
class Persona:
    username: str
    role: str
    where: str


PERSONAS = [
    Persona("office", "社区事务管理办公室 主任 (office)", "浦江镇"),
    Persona("leader", "领导小组 组长 (leadership group)", "浦江镇"),
    Persona("inspector", "第一检查组 组员 (inspection group)", "世博、新城"),
    Persona("secretary", "居民区党总支书记 (party secretary)", "新城"),
    Persona("rcworker", "居委会社工 (residents' committee)", "新城"),
    Persona("owners", "业委会主任 (owners' committee)", "新城一村"),
    Persona("property", "小区经理 (property company)", "江南物业: 新城一村 …"),
    Persona("outsider", "梅陇镇办公室 (another town)", "梅陇镇"),
    Persona("admin", "平台管理员 (platform administrator)", "all towns"),
]


def demo_logins() -> list[tuple[str, str, str]]:
    from gongzhi.core.models import User

    existing = set(User.objects.filter(username__in=[p.username for p in PERSONAS]).values_list("username", flat=True))
    return [(p.username, p.role, p.where) for p in PERSONAS if p.username in existing]


class Names:
    """Deterministic Chinese names and mobile numbers, never a real official's name."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.phones = iter(range(13900000001, 13999999999, 7919))

    def name(self) -> str:
        while True:
            candidate = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if candidate not in REAL_OFFICIALS and candidate not in self.used:
                self.used.add(candidate)
                return candidate

    def phone(self) -> str:
        return str(next(self.phones))


def _units_for_compound(rng: random.Random, compound_code: str) -> tuple[list[dict], list[dict]]:
    buildings, units = [], []
    for b in range(1, rng.randint(6, 11) + 1):
        floors = rng.choice([6, 6, 6, 11, 14, 18])
        per_floor = 2 if floors <= 6 else rng.choice([2, 3, 4])
        base_area = rng.choice([58, 72, 89, 105, 128, 142])
        number = f"{b}号楼"
        buildings.append({"compound": compound_code, "number": number, "floors": floors})
        for floor in range(1, floors + 1):
            for door in range(1, per_floor + 1):
                area = Decimal(base_area + rng.randint(-6, 6)) + Decimal(rng.randint(0, 99)) / 100
                units.append(
                    {"compound": compound_code, "building": number, "number": f"{floor}{door:02d}", "area": area}
                )
    return buildings, units


def build_import_data(today: date) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """The demo town as importer rows, and the phone number of each persona's person."""
    rng = random.Random(SEED)
    names = Names(rng)
    start = date(today.year - 2, 1, 1)
    data: dict[str, list[dict]] = {
        k: []
        for k in (
            "neighborhoods",
            "compounds",
            "buildings",
            "units",
            "organizations",
            "people",
            "memberships",
            "contracts",
            "residents",
        )
    }
    persona_phones: dict[str, str] = {}

    def person(party_member: bool = False, phone: str | None = None) -> str:
        phone = phone or names.phone()
        data["people"].append({"name": names.name(), "phone": phone, "is_party_member": party_member})
        return phone

    def member(phone: str, org: str, title: str, position: str = "member") -> None:
        data["memberships"].append(
            {"phone": phone, "organization": org, "title": title, "position": position, "start": start}
        )

    for name in LEADERSHIP_MEMBER_UNITS:
        data["organizations"].append(
            {"code": f"GOV-{LEADERSHIP_MEMBER_UNITS.index(name) + 1:02d}", "name": name, "kind": "government_unit"}
        )
    for code, name in PROPERTY_COMPANIES:
        data["organizations"].append({"code": code, "name": name, "kind": "property_company"})
        member(person(), code, "总经理", "head")

    compound_codes = []
    for nb_code, nb_name, compounds in NEIGHBORHOODS:
        data["neighborhoods"].append(
            {"code": nb_code, "name": nb_name, "address": f"浦江镇{nb_name}路{rng.randint(1, 999)}号"}
        )
        po, rc = f"{nb_code}-PO", f"{nb_code}-RC"
        data["organizations"].append(
            {"code": po, "name": f"{nb_name}居民区党总支", "kind": "party_org", "neighborhood": nb_code}
        )
        data["organizations"].append(
            {"code": rc, "name": f"{nb_name}居委会", "kind": "residents_committee", "neighborhood": nb_code}
        )
        secretary = person(True)
        member(secretary, po, "党总支书记", "head")
        rc_director = person(True)
        member(rc_director, rc, "居委会主任", "head")
        member(rc_director, po, "党总支副书记", "deputy")  # 交叉任职: the usual cross-appointment
        member(person(True), po, "党总支委员")
        rc_worker = person()
        member(rc_worker, rc, "社工", "staff")
        member(person(), rc, "居委会委员")
        if nb_code == "XC":
            persona_phones["secretary"], persona_phones["rcworker"] = secretary, rc_worker
        for cp_code, cp_name in compounds:
            compound_codes.append(cp_code)
            data["compounds"].append(
                {
                    "code": cp_code,
                    "name": cp_name,
                    "neighborhood": nb_code,
                    "address": f"浦江镇{cp_name}路{rng.randint(1, 999)}弄",
                }
            )
            buildings, units = _units_for_compound(rng, cp_code)
            data["buildings"].extend(buildings)
            data["units"].extend(units)
            if cp_code not in NO_OWNERS_COMMITTEE:
                oc = f"{cp_code}-OC"
                data["organizations"].append(
                    {"code": oc, "name": f"{cp_name}业委会", "kind": "owners_committee", "compound": cp_code}
                )
                chair = person(rng.random() < 0.5)
                member(chair, oc, "业委会主任", "head")
                member(person(), oc, "业委会副主任", "deputy")
                for _ in range(3):
                    member(person(), oc, "业委会委员")
                if cp_code == "XC01":
                    persona_phones["owners"] = chair
                if cp_code == "XC02":
                    member(chair, f"{nb_code}-PO", "党总支兼职委员")  # 交叉任职: on the party committee too
            # Owners of about one unit in five, recorded from the property register.
            for unit in units:
                if rng.random() < 0.2:
                    data["residents"].append(
                        {
                            **{k: unit[k] for k in ("compound", "building", "number")},
                            "name": names.name(),
                            "phone": names.phone(),
                            "relation": "owner",
                        }
                    )

    for index, cp_code in enumerate(compound_codes):
        company = PROPERTY_COMPANIES[index % len(PROPERTY_COMPANIES)][0]
        manager = person()
        member(manager, company, "小区经理", "staff")
        contract = {
            "company": company,
            "compound": cp_code,
            "start": start,
            "end": date(today.year + 2, 12, 31),
            "manager": manager,
        }
        if cp_code == "DH02":
            contract["end"] = today + timedelta(days=45)  # about to end: the office is warned
        if cp_code == "PJ02":
            contract["start"], contract["end"] = date(today.year - 3, 1, 1), today - timedelta(days=20)  # lapsed
        data["contracts"].append(contract)
        if cp_code == "XC01":
            persona_phones["property"] = manager

    # The demo resident owns 新城一村 1号楼 101.
    data["people"].append({"name": "陈晓居", "phone": RESIDENT_PHONE, "is_party_member": False})
    data["residents"].append(
        {
            "compound": "XC01",
            "building": "1号楼",
            "number": "101",
            "name": "陈晓居",
            "phone": RESIDENT_PHONE,
            "relation": "owner",
        }
    )
    return data, persona_phones


def _dedupe_resident_people(data: dict[str, list[dict]]) -> None:
    """Owners are people too: list each owner once on the people sheet."""
    known = {row["phone"] for row in data["people"]}
    for row in data["residents"]:
        if row["phone"] not in known:
            data["people"].append({"name": row["name"], "phone": row["phone"], "is_party_member": False})
            known.add(row["phone"])


def seed(stdout=None) -> None:
    from gongzhi.onboarding.importer import import_data
    from gongzhi.places.models import Town

    today = timezone.localdate()
    data, persona_phones = build_import_data(today)
    _dedupe_resident_people(data)
    from gongzhi.places.services import create_town

    with transaction.atomic():
        town = Town.objects.filter(code=TOWN_CODE).first() or create_town(
            actor=None, code=TOWN_CODE, name="浦江镇", district="闵行区"
        )
        report = import_data(actor=None, town=town, data=data)
        if stdout:
            stdout.write(f"浦江镇: {report}")
        _bodies(town, persona_phones)
        _logins(town, persona_phones)
        _duties(town)
        _other_town()
    from gongzhi.cases.demo import seed_cases

    count = seed_cases(town)
    if stdout and count:
        stdout.write(f"浦江镇: {count} cases of the last five months played through the services.")
    from gongzhi.meetings.demo import seed_meetings

    count = seed_meetings(town)
    if stdout and count:
        stdout.write(f"浦江镇: {count} joint meetings of the last months played through the services.")


def _bodies(town, persona_phones: dict[str, str]) -> None:
    from gongzhi.orgs import services
    from gongzhi.orgs.models import Body, Membership, Organization, Person
    from gongzhi.places.models import Compound, Neighborhood

    rng = random.Random(SEED + 1)
    names = Names(rng)
    names.used |= set(Person.objects.filter(town=town).values_list("name", flat=True))
    names.phones = iter(range(13700000001, 13799999999, 7919))
    start = date(timezone.localdate().year - 2, 1, 1)
    orgs = {o.name: o for o in Organization.objects.filter(town=town, kind=Organization.Kind.GOVERNMENT_UNIT)}

    def body(kind, number, name, seat="", tasks=""):
        existing = Body.objects.filter(town=town, kind=kind, number=number).first()
        return existing or services.create_body(
            actor=None, town=town, kind=kind, number=number, name=name, seat=seat, tasks=tasks
        )

    def member_units(body_obj, units):
        present = set(body_obj.member_units.values_list("label", flat=True))
        for label, org_name in units:
            if label not in present:
                services.add_body_member_unit(
                    actor=None, body=body_obj, label=label, organization=orgs.get(org_name) if org_name else None
                )

    def staff(body_obj, title, position, key=None):
        existing = Membership.objects.filter(body=body_obj, title=title).select_related("person").first()
        person = existing.person if existing else None
        if person is None:
            person = services.create_person(
                actor=None, town=town, data={"name": names.name(), "phone": names.phone(), "is_party_member": True}
            )
            services.add_membership(
                actor=None, person=person, data={"body": body_obj, "title": title, "position": position, "start": start}
            )
        if key:
            persona_phones[key] = person.phone
        return person

    leadership = body(
        Body.Kind.LEADERSHIP_GROUP,
        1,
        "“四位一体”社区管理领导小组",
        tasks=(
            "统筹、协调、指导、运作“四位一体”社区管理工作；定期听取社区事务管理办公室的情况汇报；定期召开“四位一体”联席会议，"
            "讨论、协商和协调社区管理中存在的突出问题和矛盾，总结和表彰年度“好当家”、“好管家”。"
        ),
    )
    member_units(leadership, [(label, label) for label in LEADERSHIP_MEMBER_UNITS])
    staff(leadership, "组长", Membership.Position.HEAD, "leader")
    staff(leadership, "副组长", Membership.Position.DEPUTY)

    office = body(
        Body.Kind.OFFICE,
        1,
        "“四位一体”社区事务管理办公室",
        seat="社区管理中心",
        tasks=(
            "会同各方共商制定社区管理的综合考评办法、考核标准、考核形式以及评估、奖惩方案；制定居民区业委会季度考核标准和物业服务季度考核标准；"
            "定期召集并听取检查小组成员汇报；半年一次对居民小区进行综合考核；年底向领导小组汇报。"
        ),
    )
    member_units(office, OFFICE_MEMBER_UNITS)
    staff(office, "办公室主任", Membership.Position.HEAD, "office")
    staff(office, "办公室工作人员", Membership.Position.STAFF)

    for number, name, coverage in INSPECTION_GROUPS:
        group = body(
            Body.Kind.INSPECTION_GROUP,
            number,
            name,
            tasks=(
                "共商制定镇社区居民小区日常检查办法；定期对小区管理工作进行日常检查；检查结果及时向社区事务管理办公室汇报。"
            ),
        )
        covered = set(group.coverage.values_list("neighborhood__code", "compound__code"))
        for code in coverage.get("neighborhoods", []):
            if (code, None) not in covered:
                services.add_body_coverage(
                    actor=None, body=group, neighborhood=Neighborhood.objects.get(town=town, code=code)
                )
        for code in coverage.get("compounds", []):
            if (None, code) not in covered:
                services.add_body_coverage(actor=None, body=group, compound=Compound.objects.get(town=town, code=code))
        staff(group, "组长", Membership.Position.HEAD)
        for title in INSPECTION_GROUP_REPRESENTATIVES:
            staff(
                group,
                title,
                Membership.Position.MEMBER,
                "inspector" if number == 1 and title == "市民巡访团代表" else None,
            )


def _logins(town, persona_phones: dict[str, str]) -> None:
    from gongzhi.accounts.services import create_login
    from gongzhi.core.models import User
    from gongzhi.orgs.models import Person

    password = make_password(DEMO_PASSWORD)
    for key in ("office", "leader", "inspector", "secretary", "rcworker", "owners", "property"):
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


def _duties(town) -> None:
    from gongzhi.orgs.services import install_default_duties

    install_default_duties(actor=None, town=town)


def _other_town() -> None:
    from gongzhi.accounts.services import create_login
    from gongzhi.core.models import User
    from gongzhi.orgs import services as org_services
    from gongzhi.orgs.models import Body
    from gongzhi.places import services as place_services
    from gongzhi.places.models import Town

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
