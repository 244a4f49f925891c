"""The importer (import_data): a valid file creates and updates records in one go, audited per
record; the same file again changes nothing; a file with any error writes nothing and lists every
error by sheet, row and column."""

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.onboarding.importer import ImportInvalid, import_data, validate_data
from gongzhi.orgs.models import Membership, Organization, Person, Residency, ServiceContract
from gongzhi.places.models import Building, Compound, Neighborhood, Unit
from gongzhi.testing import UserFactory

from .conftest import valid_data

pytestmark = pytest.mark.django_db

MODELS = [
    Neighborhood,
    Compound,
    Building,
    Unit,
    Organization,
    Person,
    Membership,
    ServiceContract,
    Residency,
    AuditEntry,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def errors_of(world, data, actor=None):
    with pytest.raises(ImportInvalid) as caught:
        import_data(actor=actor, town=world.town, data=data)
    return caught.value.errors


def located(errors):
    return {(e.sheet, e.row, e.column) for e in errors}


def message_at(errors, sheet, row, column):
    found = [e.message for e in errors if (e.sheet, e.row, e.column) == (sheet, row, column)]
    assert found, f"no error at {sheet} row {row} {column}; errors: {[str(e) for e in errors]}"
    return " ".join(found)


def test_a_valid_file_creates_everything_and_audits_each_record(world):
    office = world.users["office"]
    before = counts()
    report = import_data(actor=office, town=world.town, data=valid_data(world))

    assert {k: (c.created, c.updated, c.unchanged) for k, c in report.sheets.items()} == {
        "neighborhoods": (1, 0, 0),
        "compounds": (2, 0, 0),
        "buildings": (3, 0, 0),
        "units": (4, 0, 0),
        "organizations": (4, 0, 0),
        "people": (2, 0, 0),
        "memberships": (3, 0, 0),
        "contracts": (1, 0, 0),
        "residents": (3, 0, 0),
    }
    assert report.people_created_for_residents == 2
    town = world.town
    hq = Neighborhood.objects.get(town=town, code="hq")
    hq1 = Compound.objects.get(town=town, code="hq1")
    assert hq1.neighborhood == hq and hq1.address == "汇秋路100弄"
    assert Compound.objects.get(town=town, code="xc9").neighborhood == world.n1
    unit = Unit.objects.get(compound=hq1, building__number="1号楼", number="101")
    assert unit.area == Decimal("88.50") and unit.town == town
    assert Building.objects.get(compound=hq1, number="2号楼").floors == 6
    assert Unit.objects.get(compound=world.c2, number="501").building.number == "5号楼"
    rc = Organization.objects.get(town=town, code="hq-rc")
    assert (rc.kind, rc.neighborhood, rc.phone) == (Organization.Kind.RESIDENTS_COMMITTEE, hq, "021-5555")
    assert Organization.objects.get(code="hq1-oc").compound == hq1
    secretary = Person.objects.get(town=town, phone="13911110001")
    assert secretary.is_party_member and secretary.name == "王书记"
    assert Person.objects.get(town=town, phone="13911110002").is_party_member is False
    assert secretary.memberships.count() == 2
    manager_role = Membership.objects.get(person__phone="13911110002")
    assert (manager_role.position, manager_role.start) == (Membership.Position.MEMBER, date(2024, 3, 1))
    contract = ServiceContract.objects.get(compound=hq1)
    assert (contract.company.code, contract.end, contract.manager.phone) == ("pc9", date(2026, 12, 31), "13911110002")
    owner = Residency.objects.get(unit=unit, relation=Residency.Relation.OWNER)
    assert (owner.status, owner.source, owner.decided_by) == ("verified", "import", office)
    assert owner.person.name == "赵业主"
    assert Residency.objects.get(person=secretary).unit == world.unit(world.c1)

    after = counts()
    created = sum(after[m.__name__] - before[m.__name__] for m in MODELS if m is not AuditEntry)
    assert created == 1 + 2 + 3 + 4 + 4 + 4 + 3 + 1 + 3  # 4 people: 2 listed, 2 residents
    entries = AuditEntry.objects.filter(action__contains=".import_")
    assert after["AuditEntry"] - before["AuditEntry"] == created == entries.count()
    assert entries.filter(action="places.unit.import_create").count() == 4
    assert entries.filter(action="orgs.person.import_create").count() == 4
    assert entries.filter(action="orgs.residency.import_create").count() == 3
    assert {e.actor for e in entries} == {office}
    entry = entries.get(action="places.unit.import_create", object_id=str(unit.pk))
    assert entry.after == {"building": unit.building_id, "number": "101", "area": "88.50"}
    assert entry.before is None and entry.town == town


def test_importing_the_same_data_again_changes_nothing(world):
    import_data(actor=None, town=world.town, data=valid_data(world))
    before = counts()
    versions = list(Unit.objects.order_by("pk").values_list("version", flat=True))
    report = import_data(actor=world.users["office"], town=world.town, data=valid_data(world))
    assert all(c.created == 0 and c.updated == 0 for c in report.sheets.values())
    assert report.sheets["units"].unchanged == 4 and report.sheets["residents"].unchanged == 3
    assert not report.changed and report.people_created_for_residents == 0
    assert counts() == before
    assert list(Unit.objects.order_by("pk").values_list("version", flat=True)) == versions


def test_a_changed_area_is_updated_and_audited_with_before_and_after(world):
    data = valid_data(world)
    import_data(actor=None, town=world.town, data=data)
    data["units"][1]["area"] = "91"
    data["people"][1]["name"] = "李大经理"
    report = import_data(actor=world.users["office"], town=world.town, data=data)
    assert (report.sheets["units"].updated, report.sheets["units"].unchanged) == (1, 3)
    assert report.sheets["people"].updated == 1
    unit = Unit.objects.get(compound__code="hq1", number="102")
    assert unit.area == Decimal("91.00") and unit.version == 2
    entry = AuditEntry.objects.get(action="places.unit.import_update")
    assert (entry.before, entry.after, entry.object_id) == ({"area": "90.25"}, {"area": "91.00"}, str(unit.pk))
    assert AuditEntry.objects.get(action="orgs.person.import_update").after == {"name": "李大经理"}


def test_existing_records_are_updated_by_their_keys(world):
    data = {
        "compounds": [{"code": "xc1", "name": "新城一村（北）", "neighborhood": "sb"}],
        "units": [{"compound": "xc1", "building": "1号楼", "number": "101", "area": "60.5"}],
        "organizations": [{"code": "pc", "name": "申江物业有限公司", "kind": "物业服务企业"}],
    }
    report = import_data(actor=world.users["office"], town=world.town, data=data)
    assert {k: c.updated for k, c in report.sheets.items()} == {"compounds": 1, "units": 1, "organizations": 1}
    world.c1.refresh_from_db()
    assert (world.c1.name, world.c1.neighborhood, world.c1.version) == ("新城一村（北）", world.n2, 2)
    update = AuditEntry.objects.get(action="places.compound.import_update")
    assert update.before == {"neighborhood": world.n1.pk, "name": "新城一村"}
    assert update.after == {"neighborhood": world.n2.pk, "name": "新城一村（北）"}


def test_a_column_left_out_keeps_the_field_and_an_empty_cell_clears_it(world):
    import_data(
        actor=None, town=world.town, data={"neighborhoods": [{"code": "hq", "name": "汇秋", "address": "汇秋路1号"}]}
    )
    report = import_data(actor=None, town=world.town, data={"neighborhoods": [{"code": "hq", "name": "汇秋"}]})
    assert report.sheets["neighborhoods"].unchanged == 1
    assert Neighborhood.objects.get(code="hq").address == "汇秋路1号"
    import_data(actor=None, town=world.town, data={"neighborhoods": [{"code": "hq", "name": "汇秋", "address": "  "}]})
    assert Neighborhood.objects.get(code="hq").address == ""


def test_values_are_trimmed_and_excel_floats_read_sensibly(world):
    import_data(
        actor=None,
        town=world.town,
        data={
            "buildings": [{"compound": " xc1 ", "number": 3.0, "floors": 18.0}],
            "units": [
                {"compound": "xc1", "building": "3", "number": 1201.0, "area": 88.55},
                {"compound": "xc1", "building": 3, "number": "  1202\u3000", "area": "1,088.5 ㎡"},
            ],
            "people": [{"name": " 张  三 ", "phone": 13911112222.0, "is_party_member": True}],
        },
    )
    building = Building.objects.get(compound=world.c1, number="3")
    assert building.floors == 18
    assert set(building.units.values_list("number", "area")) == {
        ("1201", Decimal("88.55")),
        ("1202", Decimal("1088.50")),
    }
    assert Person.objects.filter(phone="13911112222", name="张 三", is_party_member=True).exists()


def test_empty_rows_are_skipped(world):
    report = import_data(
        actor=None,
        town=world.town,
        data={"neighborhoods": [{"code": None, "name": " ", "address": None}, {"code": "hq", "name": "汇秋"}, {}]},
    )
    assert report.sheets["neighborhoods"].created == 1


def test_every_kind_of_error_is_listed_with_sheet_row_and_column(world):
    today = timezone.localdate()
    data = {
        "neighborhoods": [
            {"code": "hq", "name": "汇秋"},
            {"code": "hq", "name": "汇秋二"},  # duplicate code: row 3
            {"code": "nw", "name": "新城"},  # a name already used: row 4
            {"code": "n w", "name": "某某"},  # bad code
        ],
        "compounds": [
            {"code": "hq1", "name": "汇秋一村", "neighborhood": "nope"},  # unknown neighborhood
        ],
        "buildings": [{"compound": "xc1", "number": "8号楼", "floors": 0}],
        "units": [
            {"compound": "xc1", "building": "1号楼", "number": "201", "area": "-5"},
            {"compound": "xc1", "building": "1号楼", "number": "202", "area": 0},
            {"compound": "xc1", "building": "1号楼", "number": "203", "area": "八十"},
            {"compound": "xc1", "building": "1号楼", "number": "204", "area": "80.123"},
            {"compound": "ghost", "building": "1号楼", "number": "205", "area": "80"},  # unknown compound: row 6
            {"compound": "xc1", "building": "9号楼", "number": "206", "area": "80"},  # unknown building
            {"compound": "xc1", "building": "1号楼", "number": "201", "area": "80"},  # duplicate of row 2
            {"compound": "xc1", "building": "1号楼", "number": "207", "area": "2000000"},
        ],
        "organizations": [
            {"code": "o1", "name": "某组织", "kind": "居民团体"},  # invalid kind
            {"code": "o2", "name": "汇秋党支部", "kind": "党组织"},  # no neighborhood
            {"code": "o3", "name": "新城第二居委会", "kind": "居委会", "neighborhood": "xc"},  # xc has rc1
            {"code": "o4", "name": "某物业", "kind": "物业服务企业", "compound": "xc1"},  # a place it must not have
        ],
        "people": [
            {"name": "甲", "phone": "1234567"},  # bad phone
            {"name": "乙", "phone": "13911110005", "is_party_member": "也许"},
        ],
        "memberships": [
            {"phone": "13911110005", "organization": "rc1", "title": "委员", "start": "2024-13-45"},  # bad date
            {
                "phone": "13911110005",
                "organization": "rc1",
                "title": "委员",
                "start": "2024-05-01",
                "end": "2024-04-01",
            },  # end before start
            {
                "phone": "13911119999",
                "organization": "nosuch",
                "title": "委员",
                "start": "2024-05-01",
                "position": "首长",
            },  # unknown person, organisation and position
        ],
        "contracts": [
            {"company": "pc", "compound": "sb1", "start": "2020-01-01", "end": "2020-12-31"},
            {"company": "pc", "compound": "sb1", "start": "2020-06-01", "end": "2021-06-30"},  # overlaps row 2
            {"company": "pc", "compound": "xc1", "start": (today - timedelta(days=10)).isoformat()},  # overlaps db
            {"company": "police", "compound": "xc2", "start": "2030-01-01"},  # not a property company
            {"company": "pc", "compound": "xc2", "start": "2030-01-01", "end": "2029-01-01"},  # end before start
        ],
        "residents": [
            {
                "compound": "xc1",
                "building": "1号楼",
                "number": "909",
                "name": "丙",
                "phone": "13911110006",
                "relation": "房客",
            }
        ],
        "bogus": [{"x": 1}],  # unknown sheet
    }
    errors = errors_of(world, data)
    expected = {
        ("居民区", 3, "居民区编码"): "also in row 2",
        ("居民区", 4, "名称"): "same name",
        ("居民区", 5, "居民区编码"): "not a valid code",
        ("小区", 2, "所属居民区编码"): "No neighborhood with code “nope”",
        ("楼栋", 2, "层数"): "from 1 to 200",
        ("房屋", 2, "专有面积（㎡）"): "greater than 0",
        ("房屋", 3, "专有面积（㎡）"): "greater than 0",
        ("房屋", 4, "专有面积（㎡）"): "number of square metres",
        ("房屋", 5, "专有面积（㎡）"): "two decimal places",
        ("房屋", 6, "小区编码"): "No compound with code “ghost”",
        ("房屋", 7, "楼栋号"): "No building “9号楼”",
        ("房屋", 8, "房号"): "also in row 2",
        ("房屋", 9, "专有面积（㎡）"): "less than 1,000,000",
        ("组织", 2, "类型"): "not one of",
        ("组织", 3, "所属居民区编码"): "belongs to a",
        ("组织", 4, "类型"): "there can be only one",
        ("组织", 5, "所属小区编码"): "Leave this empty",
        ("人员", 2, "手机号"): "11-digit",
        ("人员", 3, "是否党员"): "是 or 否",
        ("任职", 2, "任期开始"): "not a date",
        ("任职", 3, "任期结束"): "before it starts",
        ("任职", 4, "手机号"): "No person with mobile number 13911119999",
        ("任职", 4, "组织编码"): "No organisation with code “nosuch”",
        ("任职", 4, "职位"): "not one of",
        ("物业合同", 3, "开始日期"): "overlaps row 2",
        ("物业合同", 4, "开始日期"): "overlaps the recorded contract with 申江物业 (pc)",
        ("物业合同", 5, "物业企业编码"): "not a property company",
        ("物业合同", 6, "结束日期"): "before it starts",
        ("住户", 2, "房号"): "No unit 909",
        ("住户", 2, "关系"): "not one of",
        ("bogus", None, ""): "Unknown sheet",
    }
    for (sheet, row, column), text in expected.items():
        assert text in message_at(errors, sheet, row, column), (sheet, row, column)
    assert located(errors) == set(expected)
    assert "for compound xc1" in message_at(errors, "物业合同", 4, "开始日期")


def test_a_missing_required_column_is_one_error_naming_it(world):
    errors = errors_of(
        world,
        {
            "units": [
                {"compound": "xc1", "number": "301", "area": "80"},
                {"compound": "xc1", "number": "302", "area": "80"},
            ]
        },
    )
    assert [(e.sheet, e.row, e.column) for e in errors] == [("房屋", 1, "楼栋号")]
    assert "楼栋号" in errors[0].message and "missing" in errors[0].message


def test_extra_columns_are_ignored_with_a_warning(world):
    report = import_data(
        actor=None, town=world.town, data={"neighborhoods": [{"code": "hq", "name": "汇秋", "备注": "新建"}]}
    )
    assert report.sheets["neighborhoods"].created == 1
    assert [(w.sheet, w.row, w.column, w.level) for w in report.warnings] == [("居民区", 1, "备注", "warning")]


def test_nothing_is_written_when_one_row_among_many_is_wrong(world):
    data = valid_data(world)
    data["units"] += [{"compound": "hq1", "building": "1号楼", "number": f"3{i:02d}", "area": "70"} for i in range(50)]
    data["units"][30]["area"] = "-1"
    before = counts()
    errors = errors_of(world, data, actor=world.users["office"])
    assert [(e.sheet, e.row, e.column) for e in errors] == [("房屋", 32, "专有面积（㎡）")]
    assert counts() == before


def test_an_empty_file_is_an_error(world):
    errors = errors_of(world, {"units": []})
    assert "no rows" in errors[0].message


def test_only_the_office_of_the_town_may_import(world):
    data = {"neighborhoods": [{"code": "hq", "name": "汇秋"}]}
    for persona in ("rc_worker", "leader", "outsider", "resident"):
        with pytest.raises(PermissionDenied):
            import_data(actor=world.users[persona], town=world.town, data=data)
    assert not Neighborhood.objects.filter(code="hq").exists()
    import_data(actor=world.users["admin"], town=world.town, data=data)
    import_data(actor=world.users["outsider"], town=world.other, data=data)
    assert Neighborhood.objects.filter(code="hq").count() == 2


def test_residents_are_linked_and_never_bound_twice(world):
    account = UserFactory(username="13911110003", phone="13911110003")
    data = valid_data(world)
    import_data(actor=None, town=world.town, data=data)
    owner = Person.objects.get(town=world.town, phone="13911110003")
    assert owner.user == account
    entry = AuditEntry.objects.get(action="orgs.person.import_create", object_id=str(owner.pk))
    assert entry.after["user"] == account.pk
    # The resident persona is already bound to xc1/1号楼/101: the row changes nothing.
    report = import_data(
        actor=None,
        town=world.town,
        data={
            "residents": [
                {
                    "compound": "xc1",
                    "building": "1号楼",
                    "number": "101",
                    "name": "居民甲",
                    "phone": "13800000001",
                    "relation": "业主",
                }
            ]
        },
    )
    assert report.sheets["residents"].unchanged == 1
    assert Residency.objects.filter(person=world.people["resident"]).count() == 1


def test_a_resident_recorded_under_another_name_keeps_it_with_a_warning(world):
    report = import_data(
        actor=None,
        town=world.town,
        data={
            "residents": [
                {
                    "compound": "xc2",
                    "building": "1号楼",
                    "number": "101",
                    "name": "别名",
                    "phone": "13800000001",
                    "relation": "租户",
                }
            ]
        },
    )
    assert report.sheets["residents"].created == 1
    assert "居民甲" in report.warnings[0].message
    world.people["resident"].refresh_from_db()
    assert world.people["resident"].name == "居民甲"


def test_contracts_and_memberships_are_updated_by_their_keys(world):
    data = copy.deepcopy(valid_data(world))
    import_data(actor=None, town=world.town, data=data)
    data["contracts"][0]["end"] = "2027-06-30"
    data["memberships"][1]["end"] = None
    report = import_data(actor=None, town=world.town, data=data)
    assert (report.sheets["contracts"].updated, report.sheets["memberships"].updated) == (1, 1)
    assert ServiceContract.objects.get(compound__code="hq1").end == date(2027, 6, 30)
    assert Membership.objects.get(organization__code="hq-rc").end is None


def test_validate_data_writes_nothing(world):
    before = counts()
    report = validate_data(town=world.town, data=valid_data(world))
    assert report.sheets["units"].created == 4
    assert counts() == before
