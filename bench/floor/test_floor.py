"""The benchmark's floor under bench.settings (moved here from the product's API tests):

.venv/bin/python -m pytest bench --ds=bench.settings -p no:xdist"""

import pytest
from django.test import Client

from .models import FloorRow

pytestmark = pytest.mark.django_db


def test_the_floor_inserts_one_row_per_post():
    client = Client()
    response = client.post("/api/v1/bench/floor", '{"n": 1}', content_type="application/json")
    assert response.status_code == 201
    assert FloorRow.objects.get().body == '{"n": 1}'
    assert response.json() == {"id": FloorRow.objects.get().pk}


def test_the_floor_takes_only_post():
    response = Client().get("/api/v1/bench/floor")
    assert response.status_code == 405 and response.json()["detail"]
    assert not FloorRow.objects.exists()


def test_the_product_addresses_are_all_there():
    assert Client().get("/api/v1/").json()["openapi"] == "/api/v1/openapi.json"
