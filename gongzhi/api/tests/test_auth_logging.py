"""Security review, issue 11, finding 11: a credential sent with another scheme than Bearer is a
401 and never reaches the log (django-ninja's HttpBearer wrote the whole header to it)."""

import logging

import pytest

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

URL = "/api/v1/categories"


@pytest.fixture
def every_log_record(caplog, settings):
    """caplog at DEBUG on the root logger and on every logger that does not pass its records up
    (e.g. "gongzhi"), with DEBUG on, where ninja's bearer scheme used to log the header."""
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    closed = []
    for logger in [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]:
        if isinstance(logger, logging.Logger) and not logger.propagate:
            logger.addHandler(caplog.handler)
            closed.append((logger, logger.level))
            logger.setLevel(logging.DEBUG)
    yield caplog
    for logger, level in closed:
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)


def _everything_logged(caplog) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {vars(record)!r}" for record in caplog.records
    )


@pytest.mark.parametrize("shape", ["Token {secret}", "{secret}", "token {secret}", "Bearer\t{secret}"])
def test_a_real_token_with_another_scheme_is_401_and_not_logged(world, categories, token_for, every_log_record, shape):
    _token, secret = token_for("office")
    response = ApiClient().get(URL, Authorization=shape.format(secret=secret))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert secret not in _everything_logged(every_log_record)
    assert secret[4:20] not in _everything_logged(every_log_record)  # not even a part of it


def test_basic_credentials_are_401_and_not_logged(world, categories, every_log_record):
    response = ApiClient().get(URL, Authorization="Basic dXNlcjpwYXNz")  # user:pass
    assert response.status_code == 401
    logged = _everything_logged(every_log_record)
    assert "dXNlcjpwYXNz" not in logged and "user:pass" not in logged and "Basic" not in logged


def test_the_log_is_watched(world, categories, every_log_record):
    """The fixture does see what the API logs (so that the tests above could fail)."""
    logging.getLogger("gongzhi.api").warning("marker %s", "seen")
    logging.getLogger("django").error("marker %s", "seen too")
    logged = _everything_logged(every_log_record)
    assert "marker seen" in logged and "marker seen too" in logged


def test_a_bearer_token_still_works(world, categories, token_for):
    _token, secret = token_for("office")
    assert ApiClient().get(URL, Authorization=f"Bearer {secret}").status_code == 200
    assert ApiClient().get(URL, Authorization=f"bearer {secret}").status_code == 200
