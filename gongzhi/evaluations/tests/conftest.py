import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are asserted in the source language (English), whatever the catalogues say."""
    yield
