"""The import file's layout: its sheets and their columns, each with the key the importer uses
(`data["units"][i]["area"]`) and the Chinese label the spreadsheet shows (房屋 / 专有面积（㎡）).

The labels are part of the file format, not of the user interface: they stay Chinese whatever
the interface language, so that a file filled in by one office imports everywhere. The help texts
(template comments, the instructions sheet) are interface text and are translated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from gongzhi.orgs.models import Membership, Organization, Residency

TEXT, CODE, INT, AREA, DATE, PHONE, CHOICE, BOOL = "text", "code", "int", "area", "date", "phone", "choice", "bool"

ORGANIZATION_KINDS = [
    (Organization.Kind.PARTY_ORG.value, "党组织"),
    (Organization.Kind.RESIDENTS_COMMITTEE.value, "居委会"),
    (Organization.Kind.OWNERS_COMMITTEE.value, "业委会"),
    (Organization.Kind.PROPERTY_COMPANY.value, "物业服务企业"),
    (Organization.Kind.GOVERNMENT_UNIT.value, "职能部门"),
]
POSITIONS = [
    (Membership.Position.HEAD.value, "负责人"),
    (Membership.Position.DEPUTY.value, "副职"),
    (Membership.Position.MEMBER.value, "成员"),
    (Membership.Position.STAFF.value, "工作人员"),
]
RELATIONS = [
    (Residency.Relation.OWNER.value, "业主"),
    (Residency.Relation.TENANT.value, "租户"),
    (Residency.Relation.FAMILY.value, "家庭成员"),
]
# Other spellings users write for the choices (value → extra accepted labels).
CHOICE_ALIASES = {
    "party_org": ["党委", "党总支", "党支部", "居民区党组织"],
    "residents_committee": ["居民委员会"],
    "owners_committee": ["业主委员会"],
    "property_company": ["物业", "物业公司", "物业企业"],
    "government_unit": ["政府部门", "职能部门/派出所"],
    "head": ["正职", "主任", "书记"],
    "deputy": ["副主任", "副书记"],
    "member": ["委员"],
    "staff": ["职员", "社工"],
    "owner": ["产权人", "房东"],
    "tenant": ["承租人", "租客"],
    "family": ["家属", "同住人"],
}
YES = {"是", "y", "yes", "true", "1", "√", "✓", "党员", "中共党员"}
NO = {"否", "n", "no", "false", "0", "×", "非党员", "群众"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    example: object = None
    width: int = 14

    @property
    def choice_labels(self) -> list[str]:
        return [label for _value, label in self.choices]


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...]
    help: str = ""
    aliases: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


def _code(key, label, help_, example, required=True, aliases=()):
    return Column(key, label, CODE, required, 32, aliases=aliases, help=help_, example=example, width=16)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "neighborhoods",
        "居民区",
        (
            _code(
                "code",
                "居民区编码",
                _(
                    "A short code of your choice, unique in the town (letters, digits, - _ .). "
                    "It identifies the neighborhood when the file is imported again."
                ),
                "NB-EX",
            ),
            Column(
                "name",
                "名称",
                TEXT,
                True,
                100,
                help=_("The neighborhood's name, unique in the town."),
                example="示例居民区",
                width=18,
            ),
            Column(
                "address",
                "办公地址",
                TEXT,
                False,
                200,
                ("地址",),
                help=_("Address of the neighborhood office."),
                example="示例路1号",
                width=24,
            ),
        ),
        ("code",),
        _("Neighborhoods (居民区) of the town."),
    ),
    Sheet(
        "compounds",
        "小区",
        (
            _code("code", "小区编码", _("A short code of your choice, unique in the town."), "CP-EX"),
            Column("name", "名称", TEXT, True, 100, help=_("The compound's name."), example="示例小区", width=18),
            _code(
                "neighborhood",
                "所属居民区编码",
                _("Code of the neighborhood: one already recorded, or one on the 居民区 sheet of this file."),
                "NB-EX",
                aliases=("居民区编码",),
            ),
            Column(
                "address", "地址", TEXT, False, 200, help=_("The compound's address."), example="示例路100弄", width=24
            ),
        ),
        ("code",),
        _("Residential compounds (小区)."),
    ),
    Sheet(
        "buildings",
        "楼栋",
        (
            _code("compound", "小区编码", _("Code of the compound: recorded already or on the 小区 sheet."), "CP-EX"),
            Column(
                "number",
                "楼栋号",
                TEXT,
                True,
                20,
                ("楼号", "幢号", "楼栋"),
                help=_("As written on the building, e.g. 12号楼. Unique within the compound."),
                example="1号楼",
            ),
            Column(
                "floors", "层数", INT, help=_("Number of floors: a whole number from 1 to 200."), example=18, width=8
            ),
        ),
        ("compound", "number"),
        _("Buildings (楼栋) of the compounds."),
    ),
    Sheet(
        "units",
        "房屋",
        (
            _code("compound", "小区编码", _("Code of the compound."), "CP-EX"),
            Column(
                "building",
                "楼栋号",
                TEXT,
                True,
                20,
                ("楼号", "幢号", "楼栋"),
                help=_("Building number: recorded already or on the 楼栋 sheet."),
                example="1号楼",
            ),
            Column(
                "number",
                "房号",
                TEXT,
                True,
                20,
                ("室号", "房屋号", "门牌号"),
                help=_("Unit number, e.g. 1201 or 3单元402. Unique within the building."),
                example="101",
            ),
            Column(
                "area",
                "专有面积（㎡）",
                AREA,
                True,
                aliases=("专有面积", "专有部分面积", "面积", "建筑面积"),
                help=_(
                    "Exclusive floor area in square metres: greater than 0, less than 1,000,000, at most two "
                    "decimal places."
                ),
                example=88.5,
                width=16,
            ),
        ),
        ("compound", "building", "number"),
        _("Units (房屋/户) with their exclusive floor area."),
    ),
    Sheet(
        "organizations",
        "组织",
        (
            _code("code", "组织编码", _("A short code of your choice, unique in the town."), "ORG-EX"),
            Column(
                "name",
                "名称",
                TEXT,
                True,
                100,
                help=_("The organisation's name."),
                example="示例物业服务有限公司",
                width=24,
            ),
            Column(
                "kind",
                "类型",
                CHOICE,
                True,
                choices=tuple(ORGANIZATION_KINDS),
                aliases=("组织类型",),
                help=_("One of: 党组织, 居委会, 业委会, 物业服务企业, 职能部门."),
                example="物业服务企业",
            ),
            _code(
                "neighborhood",
                "所属居民区编码",
                _("Required for 党组织 and 居委会 (one of each per neighborhood); leave empty for the other kinds."),
                None,
                required=False,
            ),
            _code(
                "compound",
                "所属小区编码",
                _("Required for 业委会 (one per compound); leave empty for the other kinds."),
                None,
                required=False,
            ),
            Column(
                "phone",
                "电话",
                TEXT,
                False,
                30,
                ("办公电话", "联系电话"),
                help=_("Office telephone."),
                example="021-12345678",
            ),
            Column("address", "地址", TEXT, False, 200, help=_("Office address."), example="示例路200号", width=24),
        ),
        ("code",),
        _(
            "Organisations: party organisations, residents' committees, owners' committees, property "
            "companies, government units."
        ),
    ),
    Sheet(
        "people",
        "人员",
        (
            Column("name", "姓名", TEXT, True, 50, help=_("Full name."), example="张三", width=10),
            Column(
                "phone",
                "手机号",
                PHONE,
                True,
                aliases=("手机", "手机号码", "联系电话"),
                help=_("11-digit mainland mobile number. It identifies the person in the town."),
                example="19900000000",
            ),
            Column(
                "is_party_member",
                "是否党员",
                BOOL,
                choices=(("1", "是"), ("0", "否")),
                aliases=("党员",),
                help=_("是 or 否 (empty means 否)."),
                example="否",
                width=10,
            ),
        ),
        ("phone",),
        _("People: staff of the four parties and members of bodies."),
    ),
    Sheet(
        "memberships",
        "任职",
        (
            Column(
                "phone",
                "手机号",
                PHONE,
                True,
                aliases=("手机", "手机号码"),
                help=_("Mobile number of the person: recorded already or on the 人员 sheet."),
                example="19900000000",
            ),
            _code(
                "organization",
                "组织编码",
                _("Code of the organisation: recorded already or on the 组织 sheet."),
                "ORG-EX",
            ),
            Column(
                "title",
                "职务",
                TEXT,
                True,
                50,
                help=_("Title as used locally, e.g. 党总支书记, 社工, 小区经理."),
                example="小区经理",
            ),
            Column(
                "position",
                "职位",
                CHOICE,
                choices=tuple(POSITIONS),
                help=_("One of: 负责人, 副职, 成员, 工作人员 (empty means 成员)."),
                example="工作人员",
                width=10,
            ),
            Column(
                "start",
                "任期开始",
                DATE,
                True,
                aliases=("开始日期", "任职开始"),
                help=_("Date, e.g. 2024-01-01."),
                example="2024-01-01",
                width=12,
            ),
            Column(
                "end",
                "任期结束",
                DATE,
                aliases=("结束日期", "任职结束"),
                help=_("Date; empty if the term is open-ended. Not before the start."),
                width=12,
            ),
        ),
        ("phone", "organization", "start"),
        _("Memberships (任职): a person's role in an organisation, for a term. One person may hold several."),
    ),
    Sheet(
        "contracts",
        "物业合同",
        (
            _code(
                "company",
                "物业企业编码",
                _("Code of a property company (类型 物业服务企业)."),
                "ORG-EX",
                aliases=("物业公司编码", "组织编码"),
            ),
            _code("compound", "小区编码", _("Code of the compound served."), "CP-EX"),
            Column(
                "start",
                "开始日期",
                DATE,
                True,
                aliases=("合同开始",),
                help=_("Date, e.g. 2024-01-01."),
                example="2024-01-01",
                width=12,
            ),
            Column(
                "end",
                "结束日期",
                DATE,
                aliases=("合同结束",),
                help=_("Date; empty if open-ended. Contracts of one compound must not overlap."),
                example="2026-12-31",
                width=12,
            ),
            Column(
                "manager",
                "小区经理手机号",
                PHONE,
                aliases=("小区经理手机", "经理手机号"),
                help=_("Mobile number of the compound manager: a person recorded already or on the 人员 sheet."),
                example="19900000000",
                width=16,
            ),
        ),
        ("company", "compound", "start"),
        _("Property-service contracts (物业服务合同)."),
    ),
    Sheet(
        "residents",
        "住户",
        (
            _code("compound", "小区编码", _("Code of the compound."), "CP-EX"),
            Column(
                "building",
                "楼栋号",
                TEXT,
                True,
                20,
                ("楼号", "幢号", "楼栋"),
                help=_("Building number."),
                example="1号楼",
            ),
            Column(
                "number", "房号", TEXT, True, 20, ("室号", "房屋号", "门牌号"), help=_("Unit number."), example="101"
            ),
            Column(
                "name",
                "姓名",
                TEXT,
                True,
                50,
                help=_("Full name. Used when the person is not recorded yet."),
                example="李四",
                width=10,
            ),
            Column(
                "phone",
                "手机号",
                PHONE,
                True,
                aliases=("手机", "手机号码", "联系电话"),
                help=_("11-digit mainland mobile number."),
                example="19900000001",
            ),
            Column(
                "relation",
                "关系",
                CHOICE,
                True,
                choices=tuple(RELATIONS),
                aliases=("与房屋关系", "身份"),
                help=_("One of: 业主, 租户, 家庭成员."),
                example="业主",
                width=10,
            ),
        ),
        ("compound", "building", "number", "phone"),
        _("Residents (住户): owners, tenants and family members of units, recorded as confirmed."),
    ),
)

SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}
INSTRUCTIONS_SHEET = "说明"
IGNORED_SHEETS = {INSTRUCTIONS_SHEET, "填写说明", "instructions"}


def normalise_label(text: str) -> str:
    """Compare headings and sheet names leniently: no spaces or asterisks, half-width brackets,
    m² in any spelling, case-insensitive."""
    text = str(text or "").strip().lower()
    text = text.replace("（", "(").replace("）", ")").replace("m²", "㎡").replace("m2", "㎡").replace("平方米", "㎡")
    text = re.sub(r"[\s*＊:：]", "", text)
    text = text.replace("(必填)", "").replace("(选填)", "").replace("必填", "")
    return text


def _sheet_lookup() -> dict[str, Sheet]:
    lookup = {}
    for sheet in SHEETS:
        for name in (sheet.label, sheet.key, *sheet.aliases):
            lookup[normalise_label(name)] = sheet
    return lookup


def _column_lookup(sheet: Sheet) -> dict[str, Column]:
    lookup = {}
    for column in sheet.columns:
        for name in (column.label, column.key, *column.aliases):
            lookup.setdefault(normalise_label(name), column)
    # Brackets are optional: 专有面积（㎡） also matches 专有面积(m2) and 专有面积.
    for column in sheet.columns:
        bare = re.sub(r"\(.*?\)", "", normalise_label(column.label))
        lookup.setdefault(bare, column)
    return lookup


SHEET_LOOKUP = _sheet_lookup()
COLUMN_LOOKUP = {sheet.key: _column_lookup(sheet) for sheet in SHEETS}


def find_sheet(name: str) -> Sheet | None:
    return SHEET_LOOKUP.get(normalise_label(name))


def find_column(sheet: Sheet, heading: str) -> Column | None:
    return COLUMN_LOOKUP[sheet.key].get(normalise_label(heading))


def is_ignored_sheet(name: str) -> bool:
    return normalise_label(name) in {normalise_label(n) for n in IGNORED_SHEETS}


# --- Example rows ---------------------------------------------------------------------------------
# The template's example rows carry the mark 示例 in a first column headed 示例标记; the importer
# skips every row so marked, and reports how many per sheet. A row identical to the template's
# example in every column is skipped too: templates downloaded before the mark existed had none.
EXAMPLE_KEY = "_example"  # the row's mark, as read (rows passed to the importer directly may set True)
EXAMPLE_HEADING = "示例标记"
EXAMPLE_MARK = "示例"
EXAMPLE_HEADINGS = frozenset(normalise_label(h) for h in (EXAMPLE_HEADING, "示例", "示例行", "样例", "example"))
EXAMPLE_MARKS = frozenset(normalise_label(m) for m in (EXAMPLE_MARK, "例", "样例", "示例行", "example", "sample"))


def is_example_heading(heading) -> bool:
    return normalise_label(heading) in EXAMPLE_HEADINGS


def is_example_mark(value) -> bool:
    """The cell of the 示例标记 column marks the row as an example (True when given directly)."""
    if value is True:
        return True
    return isinstance(value, str) and normalise_label(value) in EXAMPLE_MARKS
