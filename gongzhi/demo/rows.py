"""The demo town 浦江镇 as the onboarding importer's rows (gongzhi.onboarding.importer.import_data):
built from the seed document (../shared/seed), the leadership group's 17 member units as
government units, neighborhoods and compounds named in the seed plus a few more, buildings and a
few thousand units with plausible areas, property companies with contracts, owners of about one
unit in five, and generated people in every role. Pure data: deterministic (fixed seed), no
database. No name of a real official in the seed is used for a demo person."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from .personas import RESIDENT_PHONE

SEED = 20260101
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


SHEETS = (
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


def build_import_data(today: date) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """The demo town as importer rows, and the phone number of each persona's person."""
    rows = _Rows(today)
    rows.government_units()
    rows.property_companies()
    compound_codes = []
    for nb_code, nb_name, compounds in NEIGHBORHOODS:
        rows.neighborhood(nb_code, nb_name)
        for cp_code, cp_name in compounds:
            compound_codes.append(cp_code)
            rows.compound(nb_code, cp_code, cp_name)
    rows.contracts(compound_codes)
    rows.demo_resident()
    _dedupe_resident_people(rows.data)
    return rows.data, rows.persona_phones


class _Rows:
    """The sheets filled in the order the random numbers are drawn (keep it: the demo is deterministic)."""

    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(SEED)
        self.names = Names(self.rng)
        self.start = date(today.year - 2, 1, 1)
        self.data: dict[str, list[dict]] = {sheet: [] for sheet in SHEETS}
        self.persona_phones: dict[str, str] = {}

    def person(self, party_member: bool = False) -> str:
        phone = self.names.phone()
        self.data["people"].append({"name": self.names.name(), "phone": phone, "is_party_member": party_member})
        return phone

    def member(self, phone: str, org: str, title: str, position: str = "member") -> None:
        self.data["memberships"].append(
            {"phone": phone, "organization": org, "title": title, "position": position, "start": self.start}
        )

    def government_units(self) -> None:
        for index, name in enumerate(LEADERSHIP_MEMBER_UNITS, start=1):
            self.data["organizations"].append({"code": f"GOV-{index:02d}", "name": name, "kind": "government_unit"})

    def property_companies(self) -> None:
        for code, name in PROPERTY_COMPANIES:
            self.data["organizations"].append({"code": code, "name": name, "kind": "property_company"})
            self.member(self.person(), code, "总经理", "head")

    def neighborhood(self, nb_code: str, nb_name: str) -> None:
        """The neighborhood, its party organisation and residents' committee, and their people."""
        self.data["neighborhoods"].append(
            {"code": nb_code, "name": nb_name, "address": f"浦江镇{nb_name}路{self.rng.randint(1, 999)}号"}
        )
        po, rc = f"{nb_code}-PO", f"{nb_code}-RC"
        self.data["organizations"].append(
            {"code": po, "name": f"{nb_name}居民区党总支", "kind": "party_org", "neighborhood": nb_code}
        )
        self.data["organizations"].append(
            {"code": rc, "name": f"{nb_name}居委会", "kind": "residents_committee", "neighborhood": nb_code}
        )
        secretary = self.person(True)
        self.member(secretary, po, "党总支书记", "head")
        rc_director = self.person(True)
        self.member(rc_director, rc, "居委会主任", "head")
        self.member(rc_director, po, "党总支副书记", "deputy")  # 交叉任职: the usual cross-appointment
        self.member(self.person(True), po, "党总支委员")
        rc_worker = self.person()
        self.member(rc_worker, rc, "社工", "staff")
        self.member(self.person(), rc, "居委会委员")
        if nb_code == "XC":
            self.persona_phones["secretary"], self.persona_phones["rcworker"] = secretary, rc_worker

    def compound(self, nb_code: str, cp_code: str, cp_name: str) -> None:
        """The compound, its buildings and units, its owners' committee and its owners."""
        self.data["compounds"].append(
            {
                "code": cp_code,
                "name": cp_name,
                "neighborhood": nb_code,
                "address": f"浦江镇{cp_name}路{self.rng.randint(1, 999)}弄",
            }
        )
        buildings, units = _units_for_compound(self.rng, cp_code)
        self.data["buildings"].extend(buildings)
        self.data["units"].extend(units)
        if cp_code not in NO_OWNERS_COMMITTEE:
            self.owners_committee(nb_code, cp_code, cp_name)
        # Owners of about one unit in five, recorded from the property register.
        for unit in units:
            if self.rng.random() < 0.2:
                self.data["residents"].append(
                    {
                        **{k: unit[k] for k in ("compound", "building", "number")},
                        "name": self.names.name(),
                        "phone": self.names.phone(),
                        "relation": "owner",
                    }
                )

    def owners_committee(self, nb_code: str, cp_code: str, cp_name: str) -> None:
        oc = f"{cp_code}-OC"
        self.data["organizations"].append(
            {"code": oc, "name": f"{cp_name}业委会", "kind": "owners_committee", "compound": cp_code}
        )
        chair = self.person(self.rng.random() < 0.5)
        self.member(chair, oc, "业委会主任", "head")
        self.member(self.person(), oc, "业委会副主任", "deputy")
        for _ in range(3):
            self.member(self.person(), oc, "业委会委员")
        if cp_code == "XC01":
            self.persona_phones["owners"] = chair
        if cp_code == "XC02":
            self.member(chair, f"{nb_code}-PO", "党总支兼职委员")  # 交叉任职: on the party committee too

    def contracts(self, compound_codes: list[str]) -> None:
        """One property company per compound, in turn, with a compound manager under contract."""
        today = self.today
        for index, cp_code in enumerate(compound_codes):
            company = PROPERTY_COMPANIES[index % len(PROPERTY_COMPANIES)][0]
            manager = self.person()
            self.member(manager, company, "小区经理", "staff")
            contract = {
                "company": company,
                "compound": cp_code,
                "start": self.start,
                "end": date(today.year + 2, 12, 31),
                "manager": manager,
            }
            if cp_code == "DH02":
                contract["end"] = today + timedelta(days=45)  # about to end: the office is warned
            if cp_code == "PJ02":
                contract["start"], contract["end"] = date(today.year - 3, 1, 1), today - timedelta(days=20)  # lapsed
            self.data["contracts"].append(contract)
            if cp_code == "XC01":
                self.persona_phones["property"] = manager

    def demo_resident(self) -> None:
        """The demo resident owns 新城一村 1号楼 101."""
        self.data["people"].append({"name": "陈晓居", "phone": RESIDENT_PHONE, "is_party_member": False})
        self.data["residents"].append(
            {
                "compound": "XC01",
                "building": "1号楼",
                "number": "101",
                "name": "陈晓居",
                "phone": RESIDENT_PHONE,
                "relation": "owner",
            }
        )


def _dedupe_resident_people(data: dict[str, list[dict]]) -> None:
    """Owners are people too: list each owner once on the people sheet."""
    known = {row["phone"] for row in data["people"]}
    for row in data["residents"]:
        if row["phone"] not in known:
            data["people"].append({"name": row["name"], "phone": row["phone"], "is_party_member": False})
            known.add(row["phone"])
