"""The compound's report page (what the notice-board QR code opens): sign-in first, then the
form; photos checked and stripped of location data; units checked against the building; the
public form's rate limits; nothing saved on any error."""

import io
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image

from gongzhi.cases.models import Case, CasePhoto, CaseSettings
from gongzhi.core import uploads
from gongzhi.core.models import AuditEntry
from gongzhi.core.tests.files import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def url(world):
    return f"/r/{world.c1.uid}/"


@pytest.fixture
def form_data(categories, world):
    return {
        "category": categories["REPAIR"].uid,
        "description": "3号楼水管漏水，楼道积水",
        "urgency": "normal",
        "building": world.unit(world.c1).building.uid,
        "unit_number": "101",
        "location": "",
        "reporter_name": "居民甲",
    }


def test_anonymous_visitor_sees_the_compound_and_is_sent_to_phone_sign_in(client, world, categories, url):
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "新城一村" in html and 'data-testid="verify-phone"' in html
    assert 'name="description"' not in html  # no form before the number is verified
    link = urlparse(page.context["sign_in_url"])
    assert link.path == "/accounts/phone/" and parse_qs(link.query)["next"] == [url]
    # A POST without signing in goes the same way and saves nothing.
    response = client.post(url, {"description": "试图匿名提交问题"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/phone/?next=")
    assert not Case.objects.exists()


def test_unknown_compound_is_404(client_for, world):
    assert client_for("resident").get("/r/nosuchcompound/").status_code == 404


def test_form_lists_the_towns_categories_and_the_compounds_buildings(client_for, world, categories, url):
    from gongzhi.cases.services import settings_for

    parent = categories["REPAIR"]
    child = type(parent).objects.create(
        town=world.town, parent=parent, code="REPAIR_PIPE", name="水管", handler_kind=parent.handler_kind
    )
    type(parent).objects.filter(code="OTHER", town=world.town).update(retired=True)
    settings_for(world.town.pk)
    form = client_for("resident").get(url).context["form"]
    labels = [label for _value, label in form.fields["category"].choices]
    assert "物业维修 / 水管" in labels and "其他" not in labels
    assert labels.index("物业维修") + 1 == labels.index("物业维修 / 水管")
    assert child.uid in [str(value) for value, _label in form.fields["category"].choices]
    assert list(form.fields["building"].queryset) == [world.unit(world.c1).building]
    assert form.initial["reporter_name"] == "居民甲"  # from the resident's person record


def test_resident_reports_with_two_photos_whose_location_data_is_removed(client_for, world, categories, url, form_data):
    client = client_for("resident")
    response = client.post(
        url, {**form_data, "photos": [jpeg_with_gps("a.jpg"), jpeg_with_gps("b.jpg", colour=(10, 90, 200))]}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.tracking_url()
    assert case.channel == Case.Channel.QR and case.reporter_user == world.users["resident"]
    assert case.reporter_phone == "13800000001" and case.reporter_name == "居民甲"
    assert case.unit == world.unit(world.c1) and case.building == world.unit(world.c1).building
    assert case.handler == world.orgs["pc"] and case.submitted_from == "127.0.0.1"
    stored = list(CasePhoto.objects.filter(case=case))
    assert len(stored) == 2
    for photo in stored:
        with photo.image.open("rb") as handle:
            data = handle.read()
        assert b"Exif" not in data and b"GPS" not in data
        assert not Image.open(io.BytesIO(data)).getexif()
    assert AuditEntry.objects.get(action="cases.case.create").after["photos"] == 2
    page = client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert any(case.number in m for m in messages)


def test_location_only_report_without_unit(client_for, categories, url, form_data):
    data = {**form_data, "building": "", "unit_number": "", "location": "东门口"}
    assert client_for("resident").post(url, data).status_code == 302
    case = Case.objects.get()
    assert case.unit is None and case.building is None and case.location == "东门口"


def test_unit_number_without_building_is_found_in_the_compound(client_for, world, categories, url, form_data):
    assert client_for("resident").post(url, {**form_data, "building": ""}).status_code == 302
    assert Case.objects.get().unit == world.unit(world.c1)


def test_unknown_unit_number_is_a_clear_error_and_nothing_is_saved(client_for, categories, url, form_data):
    response = client_for("resident").post(url, {**form_data, "unit_number": "9999"})
    assert response.status_code == 200
    errors = response.context["form"].errors["unit_number"]
    assert "9999" in errors[0] and "1号楼" in errors[0]
    assert not Case.objects.exists()


def test_missing_category_and_short_description_are_field_errors(client_for, categories, url, form_data):
    response = client_for("resident").post(url, {**form_data, "category": "", "description": "漏"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "category" in errors and "description" in errors
    assert not Case.objects.exists()


def test_a_text_file_named_jpg_is_refused_and_nothing_is_saved(client_for, categories, url, form_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("leak.jpg", b"this is not a picture at all", content_type="image/jpeg")
    response = client_for("resident").post(url, {**form_data, "photos": [jpeg_with_gps(), fake]})
    assert response.status_code == 200
    errors = response.context["form"].errors["photos"]
    assert any("leak.jpg" in e for e in errors)
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_an_oversized_photo_is_refused(client_for, categories, url, form_data, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 200)
    response = client_for("resident").post(url, {**form_data, "photos": [jpeg_with_gps("big.jpg")]})
    assert response.status_code == 200
    assert any("big.jpg" in e for e in response.context["form"].errors["photos"])
    assert not Case.objects.exists()


def test_more_than_four_photos_are_refused(client_for, categories, url, form_data):
    five = [jpeg_with_gps(f"p{i}.jpg") for i in range(5)]
    response = client_for("resident").post(url, {**form_data, "photos": five})
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not Case.objects.exists()


def test_rate_limit_per_mobile_number_is_a_form_error(client_for, world, categories, url, form_data):
    CaseSettings.objects.update_or_create(town=world.town, defaults={"reports_per_phone_per_day": 1})
    client = client_for("resident")
    assert client.post(url, form_data).status_code == 302
    response = client.post(url, form_data)
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["rate_phone"]
    assert Case.objects.count() == 1


def test_rate_limit_per_network_address_is_a_form_error(client_for, world, categories, url, form_data):
    from gongzhi.testing import UserFactory

    CaseSettings.objects.update_or_create(town=world.town, defaults={"reports_per_address_per_hour": 1})
    assert client_for("resident").post(url, form_data, REMOTE_ADDR="10.0.0.7").status_code == 302
    from django.test import Client

    neighbour = Client()
    neighbour.force_login(UserFactory(username="13900000077", phone="13900000077"))
    response = neighbour.post(url, form_data, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["rate_address"]
    assert neighbour.post(url, form_data, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_hide_identity_is_stored(client_for, categories, url, form_data):
    client_for("resident").post(url, {**form_data, "hide_identity": "on"})
    assert Case.objects.get().hide_identity is True


def test_a_resident_reports_from_home_with_their_unit_filled_in(world, client_for, categories):
    """Issue 10, finding 3: the home page offers "report a problem" for each confirmed unit; the
    form opens with the building chosen and the unit number filled in, buildings in counting order."""
    from gongzhi.testing import BuildingFactory

    for number in ("10号楼", "2号楼"):
        BuildingFactory(compound=world.c1, number=number)
    unit = world.unit(world.c1)
    client = client_for("resident")
    home = client.get("/").content.decode()
    assert 'data-testid="report-from-home"' in home
    link = f"/r/{world.c1.uid}/?building={unit.building.uid}&amp;unit={unit.number}"
    assert link in home
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{unit.building.uid}" selected>' in page
    assert f'name="unit_number" value="{unit.number}"' in page
    numbers = [n for n in ("1号楼", "2号楼", "10号楼") if f">{n}</option>" in page]
    positions = [page.index(f">{n}</option>") for n in numbers]
    assert positions == sorted(positions) and "10号楼" in numbers and "2号楼" in numbers


def test_home_lists_the_open_notices_of_the_residents_compounds_and_units_in_counting_order(world, client_for):
    """Issue 10, finding 3: open written notices of the resident's compounds on the home page (not
    another compound's, not a draft, not a closed one); the resident's units in counting order."""
    from datetime import timedelta

    from django.utils import timezone

    from gongzhi.notices.services import create_notice, publish_notice
    from gongzhi.orgs.models import Residency
    from gongzhi.testing import BuildingFactory, UnitFactory

    def notice(compound, title, publish=True):
        draft = create_notice(
            actor=world.users["office"],
            neighborhood=compound.neighborhood,
            compounds=[compound],
            title=title,
            body="请提出意见。",
            responsible=world.orgs["rc1"],
            closes_on=timezone.localdate() + timedelta(days=7),
        )
        if publish:
            publish_notice(
                actor=world.users["office"],
                notice=draft,
                closes_on=timezone.localdate() + timedelta(days=7),
                expected_version=draft.version,
            )

    notice(world.c1, "一村停车位调整")
    notice(world.c2, "二村绿化改造")
    notice(world.c1, "一村草稿", publish=False)
    resident = world.people["resident"]
    for number in ("10号楼", "2号楼"):
        unit = UnitFactory(building=BuildingFactory(compound=world.c1, number=number), number="101")
        Residency.objects.create(
            town=world.town, person=resident, unit=unit, relation="owner", status=Residency.Status.VERIFIED
        )
    home = client_for("resident").get("/").content.decode()
    panel = home.split('data-testid="home-notices"')[1]
    assert "一村停车位调整" in panel and "二村绿化改造" not in panel and "一村草稿" not in panel
    buttons = home.split('data-testid="report-from-home"')[1:]
    buildings = [b.split("新城一村 ")[1].split(" ")[0] for b in buttons]
    assert buildings == sorted(buildings, key=lambda n: int(n.rstrip("号楼"))) and "10号楼" in buildings


def test_the_place_does_not_repeat_the_building(world):
    from gongzhi.testing import BuildingFactory

    case = Case(compound=world.c1, building=BuildingFactory(compound=world.c1, number="9号楼"), location="9号楼东侧")
    assert case.place_label == "新城一村 9号楼东侧"
    case.location = "东侧路灯"
    assert case.place_label == "新城一村 9号楼 东侧路灯"
