"""The published OpenAPI document and the API root."""

import pytest

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_openapi_json_is_published_and_lists_the_endpoints(world):
    response = ApiClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Gongzhi API"
    paths = spec["paths"]
    assert set(paths) >= {"/api/v1/cases", "/api/v1/cases/{number}", "/api/v1/intakes/{receipt}", "/api/v1/categories"}
    assert set(paths["/api/v1/cases"]) == {"get", "post"}
    create = paths["/api/v1/cases"]["post"]
    assert {"200", "202", "401", "404", "409", "422"} <= set(create["responses"])
    headers = [p for p in create["parameters"] if p["in"] == "header"]
    assert headers and headers[0]["name"] == "Idempotency-Key" and headers[0]["required"] is True
    assert {p["name"] for p in paths["/api/v1/cases"]["get"]["parameters"]} >= {"state", "updated_since", "page"}
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert "CaseIn" in spec["components"]["schemas"]
    assert "/api/v1/bench/floor" not in paths


def test_openapi_json_is_a_valid_document(world):
    """Structurally valid OpenAPI 3.1 (openapi-spec-validator, a test requirement)."""
    import openapi_spec_validator as validator

    validator.validate(ApiClient().get("/api/v1/openapi.json").json())


def test_no_interactive_docs_page(world):
    """It would load its scripts from a CDN; the JSON is what the bridge's developers need."""
    response = ApiClient().get("/api/v1/docs")
    assert response.status_code == 404 and response.json()["detail"]


def test_root_points_to_the_document(world):
    assert ApiClient().get("/api/v1/").json()["openapi"] == "/api/v1/openapi.json"


def test_the_benchmark_floor_is_not_in_the_product(world):
    """It lives in bench/ (bench.settings); here its address is a JSON 404 like any unknown one."""
    from django.apps import apps

    assert not apps.is_installed("bench.floor")
    for method in ("get", "post"):
        response = getattr(ApiClient().client, method)("/api/v1/bench/floor")
        assert response.status_code == 404 and response.json()["detail"]
