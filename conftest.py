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

    from gongzhi.core import process_cache

    cache.clear()
    process_cache._store.clear()  # per-process memos must not carry one test's data into the next
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


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the whole session (Playwright's sync API)."""
    import os

    from playwright.sync_api import sync_playwright

    from gongzhi.browser_testing import launch

    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    from gongzhi.browser_testing import PHONE

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    from gongzhi.browser_testing import DESKTOP

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()
