"""Security review, issue 11, finding 8: the resident's tracking link opens the case to whoever
holds it, so the API gives it only for a case an intake of the calling token made — not for every
case the token's account may see."""

import pytest

from gongzhi.cases.models import Case

from .conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]

CASES = "/api/v1/cases"


@pytest.fixture
def two_bridges(world, categories, token_for):
    """Two tokens of the same town and account (e.g. the hotline and a second system)."""
    _first, first = token_for("office", name="12345 hotline bridge")
    _second, second = token_for("office", name="another system")
    return ApiClient(first), ApiClient(second)


def test_the_token_whose_intake_made_the_case_gets_its_link(world, two_bridges, call, settings):
    settings.SITE_URL = "https://gongzhi.example.gov.cn/"
    mine, _other = two_bridges
    made = mine.new_case(call(), "call-1")
    case = Case.objects.get(number=made["number"])
    link = f"https://gongzhi.example.gov.cn/t/{case.tracking_token}/"
    assert made["tracking_url"] == link
    assert mine.get(f"{CASES}/{case.number}").json()["tracking_url"] == link
    (listed,) = mine.get(CASES).json()["items"]
    assert listed["tracking_url"] == link


def test_another_token_sees_the_case_but_not_its_link(world, two_bridges, call):
    mine, other = two_bridges
    number = mine.new_case(call(), "call-1")["number"]
    case = Case.objects.get(number=number)
    detail = other.get(f"{CASES}/{number}").json()
    assert detail["number"] == number and detail["external_ref"] == "12345-20261127-0001"
    assert detail["tracking_url"] is None
    (listed,) = other.get(CASES).json()["items"]
    assert listed["tracking_url"] is None
    assert case.tracking_token not in other.get(CASES).content.decode()


def test_no_link_for_a_case_that_did_not_come_through_the_api(world, two_bridges, submit):
    mine, _other = two_bridges
    case = submit()  # a resident's QR report
    detail = mine.get(f"{CASES}/{case.number}").json()
    assert detail["number"] == case.number and detail["tracking_url"] is None
    assert case.tracking_token not in mine.get(CASES).content.decode()


def test_the_schema_says_when_there_is_a_link(world):
    spec = ApiClient().get("/api/v1/openapi.json").json()
    prop = spec["components"]["schemas"]["CaseOut"]["properties"]["tracking_url"]
    assert {"type": "null"} in prop["anyOf"] and "only for a case an intake of this token made" in prop["description"]
