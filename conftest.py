"""Test-wide settings and fixtures. Personas and factories live in gongzhi/core/testing.py."""

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from gongzhi.accounts.sms import MemoryBackend

    MemoryBackend.outbox.clear()
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    from gongzhi.core.testing import personas

    return personas()


@pytest.fixture
def client_for(client, world):
    """client_for("office") → a test client signed in as that persona (None: anonymous)."""

    def make(persona):
        from django.test import Client

        c = Client()
        if persona is not None:
            c.force_login(world.users[persona])
        return c

    return make
