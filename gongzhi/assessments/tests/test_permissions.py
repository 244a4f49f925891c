"""The assessments' rows of the permission matrix, walked here on their own (the whole matrix is
gongzhi/core/tests/test_permission_matrix.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.core.tests.matrix import ALL

from .permission_spec import routes

pytestmark = pytest.mark.django_db


def test_every_assessments_url_for_every_persona(world):
    failures = []
    clients = {}
    for persona in ALL:
        clients[persona] = Client()
        if persona is not None:
            clients[persona].force_login(world.users[persona])
    for route in routes(world):
        url = reverse(route.name, args=route.args) + (f"?{route.query}" if route.query else "")
        for persona in ALL:
            response = getattr(clients[persona], route.method.lower())(url, data=route.data or {})
            if response.status_code != route.status_for(persona):
                failures.append(f"{route.method} {url} as {persona}: {response.status_code}")
    assert not failures, "\n".join(failures)
