"""POST /api/v1/cases (a call taken in; the worker makes the case), GET /api/v1/intakes/{receipt},
GET /api/v1/cases and GET /api/v1/categories."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.api.models import Intake
from gongzhi.api.services import process_intakes
from gongzhi.cases.models import Case, Category
from gongzhi.testing import BuildingFactory, UnitFactory

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases"


@pytest.mark.frozen("2026-11-27 10:00")  # deadlines in a year with official calendar data: not provisional
def test_a_call_is_taken_in_and_the_worker_makes_the_case(world, categories, api, call, settings):
    settings.SITE_URL = "https://gongzhi.example.gov.cn/"
    response = api.post(CASES, call(), key="call-0001")
    assert response.status_code == 202, response.content
    taken = response.json()
    assert taken["status"] == "pending" and taken["case"] is None and taken["replayed"] is False
    assert taken["status_url"] == f"https://gongzhi.example.gov.cn/api/v1/intakes/{taken['receipt']}"
    assert taken["external_ref"] == "12345-20261127-0001"
    assert not Case.objects.exists()  # not yet: the worker makes it
    assert process_intakes() == 1
    data = api.get(f"/api/v1/intakes/{taken['receipt']}").json()
    case = Case.objects.get()
    assert data["status"] == "created" and data["errors"] == {}
    made = data["case"]
    assert made["number"] == case.number and made["uid"] == case.uid
    assert made["tracking_url"] == f"https://gongzhi.example.gov.cn/t/{case.tracking_token}/"
    assert made["state"] == "submitted"
    assert made["handler"] == {"code": "pc", "name": "申江物业"}
    assert made["accept_due"] == case.accept_due.isoformat()
    assert made["resolve_due"] == case.resolve_due.isoformat()
    assert made["due_provisional"] is False
    assert case.channel == Case.Channel.API
    assert case.entered_by == world.users["office"]
    assert case.compound == world.c1 and case.unit == world.unit(world.c1) and case.building == case.unit.building
    assert case.category.code == "REPAIR" and case.reporter_phone == "13800000001"
    intake = Intake.objects.get()
    assert (intake.key, intake.case, intake.external_ref) == ("call-0001", case, "12345-20261127-0001")
    assert process_intakes() == 0  # idempotent: nothing pending


def test_create_with_a_free_location_and_numbers_as_numbers(world, categories, api, call):
    body = call(building=None, unit=None, location="东门消防通道", category="PARKING", urgency="urgent")
    number = api.new_case(body, "k1")["number"]
    case = Case.objects.get(number=number)
    assert (case.building, case.unit, case.location, case.urgency) == (None, None, "东门消防通道", "urgent")
    # A unit number sent as a JSON number is read as text; the unit alone finds its building.
    number = api.new_case(call(building=None, unit=101), "k2")["number"]
    assert Case.objects.get(number=number).unit == world.unit(world.c1)


def test_a_batch_of_calls_makes_one_case_each(world, categories, api, call):
    receipts = [
        api.post(CASES, call(description=f"第{i}件：楼道灯不亮"), key=f"burst-{i}").json()["receipt"] for i in range(25)
    ]
    assert process_intakes(limit=10) == 10 and process_intakes() == 15
    numbers = [api.get(f"/api/v1/intakes/{r}").json()["case"]["number"] for r in receipts]
    assert len(set(numbers)) == 25 and Case.objects.count() == 25
    assert numbers == sorted(numbers)  # numbered in the order the calls came


def test_same_key_same_body_answers_with_the_same_intake(world, categories, api, call):
    first = api.post(CASES, call(), key="retry-me")
    assert first.status_code == 202
    # The bridge retries: same key, same request (key order and spacing do not matter).
    body = call()
    raw = json.dumps(dict(reversed(list(body.items()))), ensure_ascii=False, indent=2)
    for again in (api.post(CASES, call(), key="retry-me"), api.post(CASES, raw=raw, key="retry-me")):
        assert again.status_code == 200, again.content
        assert again["Idempotent-Replayed"] == "true"
        assert again.json() == {**first.json(), "replayed": True}
    process_intakes()
    after = api.post(CASES, call(), key="retry-me").json()
    assert after["status"] == "created" and after["replayed"] is True
    assert Case.objects.count() == 1 and Intake.objects.count() == 1


def test_same_key_other_body_is_409(world, categories, api, call):
    number = api.new_case(call(), "once")["number"]
    response = api.post(CASES, call(description="另一件事：电梯停运三天了"), key="once")
    assert response.status_code == 409
    assert number in response.json()["detail"]
    assert Case.objects.count() == 1


def test_keys_are_per_token(world, categories, token_for, call):
    _t1, one = token_for("office", name="bridge one")
    _t2, two = token_for("office", name="bridge two")
    a = ApiClient(one).new_case(call(), "same-key")
    b = ApiClient(two).new_case(call(), "same-key")
    assert a["number"] != b["number"]


def test_receipts_are_per_token(world, categories, token_for, api, call):
    receipt = api.post(CASES, call(), key="mine").json()["receipt"]
    _t, other = token_for("office", name="another bridge")
    assert ApiClient(other).get(f"/api/v1/intakes/{receipt}").status_code == 404
    assert api.get("/api/v1/intakes/nope").status_code == 404


def test_a_failed_request_does_not_use_up_its_key(world, categories, api, call):
    assert api.post(CASES, call(description="短"), key="fix-and-retry").status_code == 422
    made = api.new_case(call(), "fix-and-retry")
    assert not Intake.objects.exclude(case__number=made["number"]).exists()


def test_a_call_the_worker_cannot_route_fails_with_the_reason(world, categories, api, call):
    """Routing finds no organisation (a new neighborhood without a residents' committee): the
    call was taken in, the worker could not make the case, and the intake says why."""
    from gongzhi.testing import CompoundFactory, NeighborhoodFactory

    CompoundFactory(neighborhood=NeighborhoodFactory(town=world.town), code="new1")
    body = call(compound="new1", building=None, unit=None, category="SECURITY")
    intake = api.take_in(body, "k")
    assert intake["status"] == "failed" and intake["case"] is None
    assert list(intake["errors"]) == ["__all__"] and intake["errors"]["__all__"][0]
    assert Case.objects.count() == 0
    # Only the failed call is affected: the others of its batch are made.
    api.post(CASES, call(), key="fine")
    api.post(CASES, body, key="k2")
    process_intakes()
    assert Case.objects.count() == 1


def field_errors(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    return body["errors"]


def test_bad_input_gives_field_errors_in_chinese_by_default(world, categories, api):
    errors = field_errors(
        api.post(CASES, {"compound": "", "urgency": "very", "hide_identity": "maybe", "colour": "red"}, key="k")
    )
    assert errors["compound"] == ["这个字段是必填项。"]
    assert errors["category"] == ["这个字段是必填项。"]
    assert errors["description"] == ["这个字段是必填项。"]
    assert errors["urgency"] == ["选择一个有效的选项。 very 不在可用的选项中。"]
    assert "maybe" in errors["hide_identity"][0]
    assert errors["colour"]  # unknown fields are refused, not silently dropped
    assert Case.objects.count() == 0


def test_bad_input_in_english_when_asked(world, categories, api):
    errors = field_errors(api.post(CASES, {"compound": "xc1"}, key="k", **{"Accept-Language": "en"}))
    assert errors["category"] == ["This field is required."]


def test_too_long_values(world, categories, api, call):
    errors = field_errors(api.post(CASES, call(description="漏" * 2001, location="x" * 201), key="k"))
    assert "2000" in errors["description"][0] and "2001" in errors["description"][0]
    assert "200" in errors["location"][0]


def test_idempotency_key_is_required_and_visible(world, categories, api, call):
    assert field_errors(api.post(CASES, call()))["Idempotency-Key"] == ["这个字段是必填项。"]
    for key in ("has space", "x" * 101, "tab\there", "中文键"):
        assert "Idempotency-Key" in field_errors(api.post(CASES, call(), key=key)), key
    assert api.post(CASES, call(), key="x" * 100).status_code == 202
    assert Intake.objects.count() == 1


def test_description_and_phone_are_checked_as_the_service_does(world, categories, api, call):
    errors = field_errors(api.post(CASES, call(description="漏水", reporter_phone="12345"), key="k"))
    assert set(errors) == {"description", "reporter_phone"}
    assert errors["reporter_phone"] == ["请输入11位中国大陆手机号码，例如13812345678。"]
    assert "5" in errors["description"][0]
    errors = field_errors(api.post(CASES, call(description="      ", category=" "), key="k"))
    assert errors["description"] == errors["category"] == ["这个字段是必填项。"]
    assert api.post(CASES, call(reporter_phone=""), key="k").status_code == 202


def test_unknown_category_building_and_unit(world, categories, api, call):
    assert set(field_errors(api.post(CASES, call(category="NOPE"), key="a"))) == {"category"}
    assert set(field_errors(api.post(CASES, call(building="99号楼"), key="b"))) == {"building"}
    assert set(field_errors(api.post(CASES, call(unit="999"), key="c"))) == {"unit"}
    from gongzhi.cases.configuration import update_category

    greenery = Category.objects.get(code="GREENERY", town=world.town)
    update_category(actor=None, category=greenery, data={"retired": True}, expected_version=greenery.version)
    assert set(field_errors(api.post(CASES, call(category="GREENERY"), key="d"))) == {"category"}
    # Two buildings with a unit 101: the unit alone is ambiguous.
    UnitFactory(building=BuildingFactory(compound=world.c1, number="2号楼"), number="101")
    assert set(field_errors(api.post(CASES, call(building=None), key="e"))) == {"unit"}
    assert api.post(CASES, call(building="2号楼"), key="f").status_code == 202
    assert Intake.objects.count() == 1


@pytest.mark.parametrize(
    "raw,status",
    [("{not json", 400), ("[1, 2]", 422), ("", 422), ('"text"', 422), ("null", 422), ('{"compound": {"a": 1}}', 422)],
)
def test_unreadable_bodies_are_json_errors(world, categories, api, raw, status):
    response = api.post(CASES, raw=raw, key="k")
    assert response.status_code == status
    assert response.json()["detail"] and response.json()["errors"]


def test_form_encoded_body_is_refused_as_json(world, categories, api):
    response = api.client.post(CASES, {"compound": "xc1"}, headers={**api.headers, "Idempotency-Key": "k"})
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")


def test_case_detail(world, categories, api, call, submit):
    number = api.new_case(call(), "k")["number"]
    response = api.get(f"{CASES}/{number}")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == number and data["state"] == "submitted" and data["channel"] == "api"
    assert data["compound"] == {"code": "xc1", "name": "新城一村"}
    assert data["category"] == {"code": "REPAIR", "name": "物业维修"}
    assert (data["building"], data["unit"]) == ("1号楼", "101")
    assert data["external_ref"] == "12345-20261127-0001"
    assert "reporter_phone" not in data and "reporter_name" not in data
    # A case from another channel has no hotline reference.
    other = submit()
    assert api.get(f"{CASES}/{other.number}").json()["external_ref"] == ""
    assert api.get(f"{CASES}/9999-9999").status_code == 404


def test_case_detail_follows_the_workflow(world, categories, api, call):
    from gongzhi.cases.services import accept_case

    number = api.new_case(call(), "k")["number"]
    case = Case.objects.get(number=number)
    accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
    data = api.get(f"{CASES}/{number}").json()
    assert data["state"] == "accepted" and data["accepted_at"]


def test_list_paginates_and_filters(world, categories, api, call, submit):
    numbers = [api.new_case(call(external_ref=f"ref-{i}"), f"k{i}")["number"] for i in range(3)]
    submit()  # a resident's case through the QR code: also in scope
    first = api.get(CASES, {"page_size": 2}).json()
    assert (first["count"], first["page"], first["pages"], first["page_size"]) == (4, 1, 2, 2)
    assert [c["number"] for c in first["items"]] == numbers[:2]
    assert [c["external_ref"] for c in first["items"]] == ["ref-0", "ref-1"]
    second = api.get(CASES, {"page_size": 2, "page": 2}).json()
    assert len(second["items"]) == 2 and second["items"][0]["number"] == numbers[2]
    assert api.get(CASES, {"page": 3, "page_size": 2}).json()["items"] == []
    assert api.get(CASES).json()["page_size"] == 50
    assert field_errors(api.get(CASES, {"page_size": 500}))["page_size"]
    assert field_errors(api.get(CASES, {"page": 0}))["page"]
    # Filters: state, and changed since.
    Case.objects.filter(number=numbers[0]).update(state="accepted", updated_at=timezone.now() + timedelta(hours=1))
    accepted = api.get(CASES, {"state": "accepted"}).json()
    assert [c["number"] for c in accepted["items"]] == [numbers[0]]
    later = (timezone.now() + timedelta(minutes=30)).isoformat()
    assert [c["number"] for c in api.get(CASES, {"updated_since": later}).json()["items"]] == [numbers[0]]
    naive = timezone.localtime(timezone.now() + timedelta(minutes=30)).replace(tzinfo=None).isoformat()
    assert api.get(CASES, {"updated_since": naive}).json()["count"] == 1
    assert set(field_errors(api.get(CASES, {"state": "lost", "updated_since": "yesterday"}))) == {
        "state",
        "updated_since",
    }
    assert field_errors(api.get(CASES, {"updated_since": "1700000000"}))["updated_since"] == [
        "输入一个有效的日期/时间。"
    ]
    assert api.get(CASES, {"updated_since": "2026-01-01", "unknown": "ignored"}).json()["count"] == 4


def test_list_query_count_does_not_grow_with_the_page(world, categories, api, call, django_assert_max_num_queries):
    for i in range(5):
        api.post(CASES, call(), key=f"k{i}")
    process_intakes()
    with django_assert_max_num_queries(12) as counted:
        api.get(CASES, {"page_size": 2})
    few = len(counted.captured_queries)
    with django_assert_max_num_queries(few):
        api.get(CASES, {"page_size": 5})


def test_categories(world, categories, api):
    parent = categories["REPAIR"]
    Category.objects.create(town=world.town, parent=parent, code="LIFT", name="电梯", handler_kind=parent.handler_kind)
    Category.objects.filter(town=world.town, code="OTHER").update(retired=True)
    data = api.get("/api/v1/categories").json()
    codes = {c["code"]: c for c in data}
    assert codes["REPAIR"] == {"code": "REPAIR", "name": "物业维修", "parent": None}
    assert codes["LIFT"]["parent"] == "REPAIR"
    assert "OTHER" not in codes
    assert len(data) == 10  # the town's own, not the other town's


def test_wrong_method_and_unknown_address_are_json(world, categories, api):
    response = api.client.delete(CASES, headers=api.headers)
    assert response.status_code == 405 and response.json()["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    for path in ("/api/v1/nothing", "/api/v1/cases/", "/api/v1/docs"):
        response = api.get(path)
        assert response.status_code == 404 and response.json()["detail"], path


def test_control_characters_are_refused_not_a_server_error(world, categories, api, call):
    """PostgreSQL cannot store NUL in text: refused as bad input, on every database."""
    errors = field_errors(api.post(CASES, call(description="漏水\x00漏水漏水", reporter_name="a\x1bb"), key="k"))
    assert set(errors) == {"description", "reporter_name"}
    assert api.post(CASES, call(description="第一行\n第二行\t完"), key="k").status_code == 202
    for number in ("%00", "x%00y", "a" * 30, "2611_0001"):
        response = api.get(f"{CASES}/{number}")
        assert response.status_code == 404 and response.json()["detail"], number


def test_oversized_body_is_413_json(world, categories, api, call, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(CASES, call(description="漏" * 900), key="k")
    assert response.status_code == 413 and response.json()["detail"]
