"""Places pages: create and edit within scope, bad and hostile input, concurrent edits, no N+1."""

import pytest

from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Building, Compound, Neighborhood, Unit
from gongzhi.testing import BuildingFactory, CompoundFactory, UnitFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script>"


def test_office_creates_a_compound_and_it_is_audited(world, client_for):
    client = client_for("office")
    response = client.post(
        "/places/compounds/new/",
        {"neighborhood": world.n2.pk, "code": "sb9", "name": "世博新苑", "address": "世博路1号"},
    )
    compound = Compound.objects.get(code="sb9")
    assert response.status_code == 302 and response["Location"] == compound.get_absolute_url()
    entry = AuditEntry.objects.get(action="places.compound.create", object_id=str(compound.pk))
    assert entry.after["name"] == "世博新苑" and entry.actor == world.users["office"]
    page = client.get(compound.get_absolute_url()).content.decode()
    assert "世博新苑" in page


def test_residents_committee_cannot_create_in_another_neighborhood(world, client_for):
    client = client_for("rc_worker")
    response = client.post("/places/compounds/new/", {"neighborhood": world.n2.pk, "code": "x1", "name": "越权小区"})
    assert response.status_code == 200  # the neighborhood is not a valid choice for them
    assert not Compound.objects.filter(code="x1").exists()


def test_hostile_input_is_shown_as_text(world, client_for):
    client = client_for("office")
    client.post("/places/compounds/new/", {"neighborhood": world.n1.pk, "code": "h1", "name": HOSTILE})
    compound = Compound.objects.get(code="h1")
    page = client.get(compound.get_absolute_url()).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    listing = client.get("/places/").content.decode()
    assert HOSTILE not in listing


@pytest.mark.parametrize(
    "data, field",
    [
        ({"code": "", "name": "无编码"}, "code"),
        ({"code": "a b", "name": "空格编码"}, "code"),
        ({"code": "ok1", "name": ""}, "name"),
    ],
)
def test_missing_or_bad_fields_get_field_errors(world, client_for, data, field):
    response = client_for("office").post("/places/compounds/new/", {"neighborhood": world.n1.pk, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Compound.objects.filter(name=data["name"] or "none").exists() or data["name"] == ""


def test_duplicate_code_in_town_is_refused(world, client_for):
    response = client_for("office").post(
        "/places/compounds/new/", {"neighborhood": world.n2.pk, "code": "xc1", "name": "重复"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Compound.objects.filter(code="xc1").count() == 1


@pytest.mark.parametrize("area", ["-5", "0", "abc", "1234567.123"])
def test_bad_unit_area_is_refused(world, client_for, area):
    building = world.unit(world.c1).building
    response = client_for("office").post(
        f"/places/buildings/{building.uid}/units/new/", {"number": "909", "area": area}
    )
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Unit.objects.filter(number="909").exists()


def test_unit_create_and_add_another(world, client_for):
    building = world.unit(world.c1).building
    response = client_for("rc_worker").post(
        f"/places/buildings/{building.uid}/units/new/", {"number": "201", "area": "75.5", "add_another": "1"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/units/new/")
    assert Unit.objects.get(building=building, number="201").area == pytest.approx(75.5)


def test_stale_edit_is_refused_and_nothing_is_lost(world, client_for):
    compound = world.c1
    office, rc = client_for("office"), client_for("rc_worker")
    form_version = compound.version
    assert (
        office.post(
            f"/places/compounds/{compound.uid}/edit/",
            {"neighborhood": world.n1.pk, "code": "xc1", "name": "办公室改的名", "version": form_version},
        ).status_code
        == 302
    )
    response = rc.post(
        f"/places/compounds/{compound.uid}/edit/",
        {"neighborhood": world.n1.pk, "code": "xc1", "name": "居委会改的名", "version": form_version},
    )
    assert response.status_code == 200
    compound.refresh_from_db()
    assert compound.name == "办公室改的名" and compound.version == form_version + 1
    errors = " ".join(str(e) for e in response.context["form"].non_field_errors())
    assert errors  # "someone else changed this record"
    assert AuditEntry.objects.filter(action="places.compound.update").count() == 1


def test_saving_without_changes_writes_nothing(world, client_for):
    compound = world.c1
    client_for("office").post(
        f"/places/compounds/{compound.uid}/edit/",
        {
            "neighborhood": world.n1.pk,
            "code": compound.code,
            "name": compound.name,
            "address": compound.address,
            "version": compound.version,
        },
    )
    compound.refresh_from_db()
    assert compound.version == 1
    assert not AuditEntry.objects.filter(action="places.compound.update").exists()


def test_compound_cannot_move_to_another_town(world):
    from django.core.exceptions import ValidationError

    from gongzhi.places import services

    with pytest.raises(ValidationError):
        services.update_compound(actor=None, compound=world.c1, data={"neighborhood": world.n3}, expected_version=1)


def test_renewing_the_invite_code(world, client_for):
    old = world.c1.invite_code
    assert client_for("rc_worker").post(f"/places/compounds/{world.c1.uid}/invite-code/").status_code == 302
    world.c1.refresh_from_db()
    assert world.c1.invite_code != old


def test_compound_list_filters(world, client_for):
    client = client_for("office")
    assert [c.code for c in client.get("/places/?q=新城").context["page_obj"]] == ["xc1", "xc2"]
    no_contract = [c.code for c in client.get("/places/?contract=none").context["page_obj"]]
    assert no_contract == ["xc2"]  # its contract has ended


def test_totals_on_compound_page(world, client_for):
    response = client_for("office").get(world.c1.get_absolute_url())
    compound = response.context["compound"]
    assert (compound.building_count, compound.unit_count, compound.total_area) == (1, 2, pytest.approx(208.5))


@pytest.mark.parametrize("rows", [3, 30])
def test_compound_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        UnitFactory(building=BuildingFactory(compound=CompoundFactory(neighborhood=world.n1)))
    client = client_for("office")
    with django_assert_max_num_queries(12):
        client.get("/places/")


@pytest.mark.parametrize("rows", [3, 30])
def test_neighborhood_and_compound_pages_query_count(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        BuildingFactory(compound=world.c1)
        CompoundFactory(neighborhood=world.n1)
    client = client_for("office")
    with django_assert_max_num_queries(25):
        client.get(world.c1.get_absolute_url())
    with django_assert_max_num_queries(25):
        client.get(world.n1.get_absolute_url())


def test_neighborhood_create_and_edit_by_office(world, client_for):
    client = client_for("office")
    response = client.post("/places/neighborhoods/new/", {"town": world.town.pk, "code": "nw", "name": "新建居民区"})
    assert response.status_code == 302
    neighborhood = Neighborhood.objects.get(code="nw")
    assert neighborhood.town == world.town
    response = client.post(
        f"/places/neighborhoods/{neighborhood.uid}/edit/", {"code": "nw", "name": "新建居民区二", "version": 1}
    )
    assert response.status_code == 302
    neighborhood.refresh_from_db()
    assert neighborhood.name == "新建居民区二"


def test_outsider_cannot_create_in_our_town(world, client_for):
    response = client_for("outsider").post(
        "/places/neighborhoods/new/", {"town": world.town.pk, "code": "zz", "name": "越界"}
    )
    assert response.status_code == 200
    assert not Neighborhood.objects.filter(code="zz").exists()


def test_building_edit(world, client_for):
    building = world.unit(world.c1).building
    response = client_for("office").post(
        f"/places/buildings/{building.uid}/edit/", {"number": "一号楼", "floors": "0", "version": 1}
    )
    assert response.status_code == 200 and "floors" in response.context["form"].errors
    response = client_for("office").post(
        f"/places/buildings/{building.uid}/edit/", {"number": "一号楼", "floors": "6", "version": 1}
    )
    assert response.status_code == 302
    assert Building.objects.get(pk=building.pk).number == "一号楼"
