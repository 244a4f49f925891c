import pytest


@pytest.fixture(autouse=True)
def _english(request):
    """Messages are asserted in the source language (English), whatever the catalogues say; the
    browser tests run in Chinese."""
    if "browser" not in request.keywords:
        request.getfixturevalue("english")
    yield
