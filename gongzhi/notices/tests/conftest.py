import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in the source language (English), whatever the catalogues say."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
