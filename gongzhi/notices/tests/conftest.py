import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in the source language (English), whatever the catalogues say."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _run_on_commit(monkeypatch):
    """Notifications and SMS go out after commit; inside a test's transaction, at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
