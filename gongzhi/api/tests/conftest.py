import json

import pytest
from django.test import Client

from gongzhi.cases.tests.conftest import categories, report, submit  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True)
def _fresh_scopes():
    """Accounts' scopes are kept per process for a few seconds; tests reuse account ids."""
    from gongzhi.api.auth import forget_scopes

    forget_scopes()
    yield
    forget_scopes()


@pytest.fixture
def token_for(world):
    """token_for("office") → (ApiToken, secret) acting as that persona in its town."""
    from gongzhi.api.services import create_api_token

    def make(persona="office", town=None, name="12345 hotline bridge"):
        user = world.users[persona]
        town = town or (world.other if persona == "outsider" else world.town)
        return create_api_token(actor=None, town=town, user=user, name=name)

    return make


class ApiClient:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, secret=None, language=None):
        self.client = Client()
        self.headers = {}
        if secret:
            self.headers["Authorization"] = f"Bearer {secret}"
        if language:
            self.headers["Accept-Language"] = language

    def get(self, path, data=None, **headers):
        return self.client.get(path, data or {}, headers={**self.headers, **headers})

    def post(self, path, body=None, key=None, raw=None, content_type="application/json", **headers):
        if key is not None:
            headers["Idempotency-Key"] = key
        payload = raw if raw is not None else json.dumps(body or {}, ensure_ascii=False)
        return self.client.post(path, payload, content_type=content_type, headers={**self.headers, **headers})

    def take_in(self, body, key, expect=202):
        """POST a call, let the worker process the intakes (as `manage.py process_intakes` does),
        and return the intake as GET /intakes/{receipt} then answers."""
        from gongzhi.api.services import process_intakes

        response = self.post("/api/v1/cases", body, key=key)
        assert response.status_code == expect, response.content
        process_intakes()
        intake = self.get(f"/api/v1/intakes/{response.json()['receipt']}")
        assert intake.status_code == 200, intake.content
        return intake.json()

    def new_case(self, body, key):
        """take_in() for a call that must become a case: the case's data."""
        intake = self.take_in(body, key)
        assert intake["status"] == "created", intake
        return intake["case"]


@pytest.fixture
def api(token_for):
    """An ApiClient with a token of the town's office."""
    _token, secret = token_for("office")
    return ApiClient(secret)


@pytest.fixture
def call():
    """A valid body for POST /api/v1/cases: a hotline call about 新城一村 1号楼 101."""

    def make(**overrides):
        body = {
            "compound": "xc1",
            "building": "1号楼",
            "unit": "101",
            "category": "REPAIR",
            "urgency": "normal",
            "description": "3号楼水管漏水，楼道积水",
            "reporter_name": "居民甲",
            "reporter_phone": "13800000001",
            "hide_identity": False,
            "external_ref": "12345-20261127-0001",
        }
        body.update(overrides)
        return body

    return make
