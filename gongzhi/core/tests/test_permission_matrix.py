"""One test walks every URL of the project for every persona and the anonymous visitor, and
checks the status: 200 where the role may look, 302 to sign-in for the anonymous visitor, 404
where the role may not (nothing is revealed), 405 for the wrong method. A URL without an entry
in some app's tests/permission_spec.py fails the test."""

import importlib
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .matrix import ALL

pytestmark = pytest.mark.django_db

IGNORED_NAMESPACES = {"admin"}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            if ns in IGNORED_NAMESPACES:
                continue
            names |= _names(pattern, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def _all_routes(world):
    """Every installed app's `tests/permission_spec.py` (found by name, as the admin finds admin.py)."""
    routes = []
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.permission_spec"
        if config.name.startswith("gongzhi.") and find_spec(f"{config.name}.tests") and find_spec(name):
            routes.extend(importlib.import_module(name).routes(world))
    return routes


def test_every_url_has_an_entry(world):
    covered = {route.name for route in _all_routes(world)}
    missing = _names(get_resolver()) - covered
    assert not missing, f"URLs without a permission-matrix entry: {sorted(missing)}"


def test_every_url_for_every_persona(world):
    from django.urls import reverse

    def signed_in(persona):
        client = Client()
        if persona is not None:
            client.force_login(world.users[persona])
        return client

    failures = []
    clients = {persona: signed_in(persona) for persona in ALL}
    for route in _all_routes(world):
        url = reverse(route.name, args=route.args) + (f"?{route.query}" if route.query else "")
        for persona in ALL:
            expected = route.status_for(persona)
            client = signed_in(persona) if route.fresh_client else clients[persona]
            call = getattr(client, route.method.lower())
            response = call(url, data=route.data or {})
            if response.status_code != expected:
                failures.append(
                    f"{route.method} {url} ({route.name}) as {persona}: {response.status_code}, expected {expected}"
                )
            if persona is None and expected == 302 and response.status_code == 302:
                assert route.anonymous_to in response["Location"], url
            if response.get("Content-Type", "").startswith("text/html"):
                # Words a user should never see: the developers' files and commands.
                html = response.content.decode()
                for word in DEVELOPERS_WORDS:
                    if word in html:
                        failures.append(f"{route.method} {url} as {persona} shows {word!r}")
    assert not failures, "\n".join(failures)


DEVELOPERS_WORDS = ("docs/metrics.md", "docs/", "manage.py", ".py ")
