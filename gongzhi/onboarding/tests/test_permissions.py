"""The onboarding part of the permission matrix, walked on its own (the project-wide walk in
core/tests/test_permission_matrix.py covers it too): only the offices import, and a job of
another town is not found."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.core.tests.matrix import ALL

from . import permission_spec

pytestmark = pytest.mark.django_db


def test_onboarding_routes_for_every_persona(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clients = {}
    for persona in ALL:
        clients[persona] = Client()
        if persona is not None:
            clients[persona].force_login(world.users[persona])
    failures = []
    for route in permission_spec.routes(world):
        url = reverse(route.name, args=route.args)
        for persona in ALL:
            response = getattr(clients[persona], route.method.lower())(url, data=route.data or {})
            if response.status_code != route.status_for(persona):
                failures.append(
                    f"{route.method} {url} as {persona}: {response.status_code}, expected {route.status_for(persona)}"
                )
    assert not failures, "\n".join(failures)
