"""Staff entry of a case (phone, visit, walk-in), household visits (R-DUTY-2), and the case's
photos, served only within the user's scope."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.cases import services
from gongzhi.cases.models import Case, CasePhoto, Visit
from gongzhi.core.uploads import clean_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_private_media(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="leak.png", size=(40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def entry(world, categories, **overrides):
    data = {
        "channel": "phone",
        "category": categories["REPAIR"].uid,
        "urgency": "normal",
        "description": "电话反映：3号楼水管漏水",
        "reporter_name": "李先生",
        "reporter_phone": "13900000002",
        "building": world.unit(world.c1).building.uid,
        "unit_number": "101",
    }
    data.update(overrides)
    return data


def new_url(world, compound=None):
    return f"/cases/new/?compound={(compound or world.c1).uid}"


def test_choose_the_compound_first_when_there_are_several(world, client_for, categories):
    page = client_for("rc_worker").get("/cases/new/").content.decode()
    assert "新城一村" in page and "新城二村" in page and 'name="description"' not in page
    page = client_for("rc_worker").get(new_url(world)).content.decode()
    assert 'name="description"' in page and "1号楼" in page
    # One compound only (the owners' committee): straight to the form.
    assert 'name="description"' in client_for("oc_member").get("/cases/new/").content.decode()


def test_a_compound_outside_the_entry_area_is_404(world, client_for, categories):
    assert client_for("rc_worker").get(new_url(world, world.c3)).status_code == 404
    assert client_for("leader").get("/cases/new/").status_code == 404


def test_phone_entry_creates_the_case_with_photos(world, client_for, categories):
    client = client_for("rc_worker")
    response = client.post(new_url(world), {**entry(world, categories), "photos": [png(), png("b.png")]})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.channel == "phone" and case.entered_by == world.users["rc_worker"]
    assert case.unit == world.unit(world.c1) and case.building == world.unit(world.c1).building
    assert case.reporter_phone == "13900000002" and case.handler == world.orgs["pc"]
    assert case.photos.count() == 2 and case.visit is None


def test_a_bad_photo_is_a_form_error_and_nothing_is_saved(world, client_for, categories):
    bad = SimpleUploadedFile("virus.png", b"MZ not a picture at all", content_type="image/png")
    response = client_for("rc_worker").post(
        new_url(world), {**entry(world, categories, channel="visit", visit="new"), "photos": [png(), bad]}
    )
    assert response.status_code == 200
    assert "is not a picture we can read" in response.content.decode()
    assert not Case.objects.exists() and not Visit.objects.exists() and not CasePhoto.objects.exists()


def test_too_many_photos_are_refused(world, client_for, categories):
    response = client_for("rc_worker").post(
        new_url(world), {**entry(world, categories), "photos": [png(f"{i}.png") for i in range(5)]}
    )
    assert response.status_code == 200 and not Case.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"unit_number": "9999"}, "unit_number"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"description": "漏水"}, "description"),
        ({"category": "nosuchcode12"}, "category"),
        ({"channel": "qr"}, "channel"),
    ],
)
def test_bad_fields_are_reported(world, client_for, categories, overrides, field):
    response = client_for("rc_worker").post(new_url(world), entry(world, categories, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Case.objects.exists()


def test_a_building_of_another_compound_is_not_a_choice(world, client_for, categories):
    other_building = world.unit(world.c2).building
    response = client_for("rc_worker").post(new_url(world), entry(world, categories, building=other_building.uid))
    assert response.status_code == 200 and "building" in response.context["form"].errors


def test_entry_during_a_visit_logs_the_visit_inline(world, client_for, categories):
    response = client_for("rc_worker").post(
        new_url(world),
        entry(world, categories, channel="visit", visit="new", visit_household="王阿姨家", visit_notes="独居老人"),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    visit = Visit.objects.get()
    assert case.channel == "visit" and case.visit == visit
    assert visit.visitor == world.users["rc_worker"] and visit.visited_on == timezone.localdate()
    assert visit.household == "王阿姨家" and visit.unit == world.unit(world.c1)


def test_entry_linked_to_a_visit_logged_today(world, client_for, categories):
    visit = services.log_visit(
        actor=world.users["rc_worker"], compound=world.c1, visited_on=timezone.localdate(), household="3楼张家"
    )
    client = client_for("rc_worker")
    page = client.get(f"/cases/new/?visit={visit.uid}").content.decode()
    assert f'value="{visit.uid}" selected' in page or f'value="{visit.uid}"' in page
    response = client.post(new_url(world), entry(world, categories, channel="visit", visit=visit.uid))
    assert response.status_code == 302
    assert Case.objects.get().visit == visit and Visit.objects.count() == 1


def test_a_visit_channel_needs_a_visit(world, client_for, categories):
    response = client_for("rc_worker").post(new_url(world), entry(world, categories, channel="visit"))
    assert response.status_code == 200 and "visit" in response.context["form"].errors


def test_the_property_company_cannot_log_visits(world, client_for, categories):
    client = client_for("property_manager")
    page = client.get(new_url(world)).content.decode()
    assert 'value="visit"' not in page
    response = client.post(new_url(world), entry(world, categories, channel="visit", visit="new"))
    assert response.status_code == 200 and not Case.objects.exists() and not Visit.objects.exists()
    response = client.post(new_url(world), entry(world, categories, channel="walk_in"))
    assert response.status_code == 302 and Case.objects.get().channel == "walk_in"


# --- Household visits ------------------------------------------------------------------------


def test_log_a_visit_and_report_a_problem_from_it(world, client_for, categories):
    client = client_for("rc_worker")
    assert "新城二村" in client.get("/cases/visits/new/").content.decode()  # step one: the compound
    response = client.post(
        f"/cases/visits/new/?compound={world.c1.uid}",
        {"visited_on": timezone.localdate().isoformat(), "household": "王阿姨家", "notes": "反映楼道灯不亮"},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/visits/{visit.uid}/"
    page = client.get(response["Location"]).content.decode()
    assert "王阿姨家" in page and f"/cases/new/?visit={visit.uid}" in page
    client.post(
        new_url(world), entry(world, categories, channel="visit", visit=visit.uid, description="楼道灯不亮已一周")
    )
    page = client.get(f"/cases/visits/{visit.uid}/").content.decode()
    assert Case.objects.get().number in page


def test_a_visit_in_the_future_or_without_household_is_refused(world, client_for):
    client = client_for("rc_worker")
    url = f"/cases/visits/new/?compound={world.c1.uid}"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(url, {"visited_on": tomorrow, "household": "王家"})
    assert response.status_code == 200 and "visited_on" in response.context["form"].errors
    response = client.post(url, {"visited_on": timezone.localdate().isoformat()})
    assert response.status_code == 200 and "household" in response.context["form"].errors
    assert not Visit.objects.exists()


def test_visit_list_counts_per_worker_and_filters(world, client_for):
    today = timezone.localdate()
    for household in ("一家", "二家"):
        services.log_visit(actor=world.users["rc_worker"], compound=world.c1, visited_on=today, household=household)
    services.log_visit(actor=world.users["party_secretary"], compound=world.c2, visited_on=today, household="三家")
    client = client_for("party_secretary")
    response = client.get("/cases/visits/")
    rows = {(w["visitor__username"], w["n"]) for w in response.context["per_worker"]}
    assert rows == {("rc_worker", 2), ("party_secretary", 1)}
    response = client.get(f"/cases/visits/?compound={world.c2.uid}&month={today:%Y-%m}")
    assert [v.household for v in response.context["page_obj"]] == ["三家"]
    response = client.get("/cases/visits/?month=2001-01")
    assert not response.context["page_obj"].object_list and "No visits match your filters." in response.content.decode()
    # The property company of c1 sees c1's visits, not c2's.
    households = {v.household for v in client_for("property_manager").get("/cases/visits/").context["page_obj"]}
    assert households == {"一家", "二家"}
    assert client_for("resident").get("/cases/visits/").status_code == 404


def test_visit_pages_outside_scope_are_404(world, client_for):
    visit = services.log_visit(actor=world.users["rc_worker"], compound=world.c1, visited_on=timezone.localdate())
    assert client_for("inspector").get(f"/cases/visits/{visit.uid}/").status_code == 404
    assert client_for("outsider").get(f"/cases/visits/{visit.uid}/").status_code == 404
    page = client_for("leader").get(f"/cases/visits/{visit.uid}/").content.decode()
    assert "/cases/new/?visit=" not in page  # the leadership group does not enter cases


# --- Photos ----------------------------------------------------------------------------------


@pytest.fixture
def photo_case(world, submit):
    upload = png()
    case = submit(photos=[clean_photo(upload)])
    return case, case.photos.get()


def test_photos_are_served_privately_in_scope(world, client_for, photo_case):
    case, photo = photo_case
    url = f"/cases/{case.uid}/photos/{photo.uid}/"
    response = client_for("property_manager").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert url in client_for("property_manager").get(case.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["outsider", "inspector", "resident", "gov_staff", None])
def test_photos_outside_scope_are_404(world, client_for, photo_case, persona):
    case, photo = photo_case
    response = client_for(persona).get(f"/cases/{case.uid}/photos/{photo.uid}/")
    assert response.status_code == (302 if persona is None else 404)


def test_a_resident_of_another_case_gets_404(world, client_for, photo_case):
    from gongzhi.testing import UserFactory

    case, photo = photo_case
    neighbour = UserFactory(username="13800000077", phone="13800000077")
    other = services.submit_case(
        actor=None,
        report=services.Report(
            compound=world.c1, category=case.category, description="另一户的诉求", reporter_phone="13800000077"
        ),
        channel="resident",
        reporter_user=neighbour,
    )
    client = client_for(None)
    client.force_login(neighbour)
    assert client.get(f"/cases/{case.uid}/photos/{photo.uid}/").status_code == 404
    assert client.get(f"/cases/{other.uid}/photos/{photo.uid}/").status_code == 404


def test_a_photo_of_another_case_is_not_served_through_this_one(world, client_for, photo_case, submit):
    case, photo = photo_case
    other = submit(description="另一个没有照片的诉求")
    assert client_for("office").get(f"/cases/{other.uid}/photos/{photo.uid}/").status_code == 404


def test_visit_list_of_a_user_of_several_towns_has_a_town_filter(world, client_for):
    """The platform administrator chooses a town (issue 15): the compound filter lists the chosen
    town's compounds (or those of the compound in a link), not every compound of a city."""
    today = timezone.localdate()
    services.log_visit(actor=world.users["rc_worker"], compound=world.c1, visited_on=today, household="一家")
    client = client_for("admin")
    response = client.get("/cases/visits/")
    assert response.context["towns"].waiting
    assert list(response.context["form"].fields["compound"].queryset) == []
    assert [v.household for v in response.context["page_obj"]] == ["一家"]
    assert response.context["page_obj"][0].case_count == 0
    response = client.get(f"/cases/visits/?town={world.town.uid}")
    assert {c.code for c in response.context["form"].fields["compound"].queryset} == {"xc1", "xc2", "sb1"}
    assert [v.household for v in response.context["page_obj"]] == ["一家"]
    response = client.get(f"/cases/visits/?town={world.other.uid}")
    assert not response.context["page_obj"].object_list
    response = client.get(f"/cases/visits/?compound={world.c1.uid}")  # a link: the compound's town's list
    assert {c.code for c in response.context["form"].fields["compound"].queryset} == {"xc1", "xc2", "sb1"}
    assert [v.household for v in response.context["page_obj"]] == ["一家"]
    assert not client_for("party_secretary").get("/cases/visits/").context["towns"].shown
