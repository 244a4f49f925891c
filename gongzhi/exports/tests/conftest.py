"""Helpers for the export tests: files go to a temporary directory (the stored ones and the
worker's temporary ones), the messages are the English source, and cases are made with the cases'
own fixtures."""

import tempfile

import pytest

from gongzhi.cases.tests.conftest import categories, report, submit  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def scratch(tmp_path, monkeypatch):
    """The directory of the worker's temporary files (and openpyxl's), to see what is left there."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


@pytest.fixture
def submit_case(request):
    """The cases' `submit` fixture, under a name that does not hide the browser helper `submit`."""
    return request.getfixturevalue("submit")


@pytest.fixture
def start(world):
    """start(persona, **params) → an export of the case list queued for that persona (not run)."""
    from gongzhi.exports import services

    def make(persona="office", language="en", **params):
        return services.start_export(actor=world.users[persona], kind="cases", params=params, language=language)

    return make
