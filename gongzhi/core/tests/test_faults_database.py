"""Issue 15, fault 2: the database stops answering (PostgreSQL restarting). Every request that
needs it then gets a 503 "try again" — the site's page for people, JSON for the API — not a
server error's page; once the database answers again, so does the platform, in the same process.
The restart itself, under load and with gunicorn, is deploy/faults.sh's check."""

import pytest
from django.db import OperationalError
from django.db.backends import utils as db_utils

from gongzhi.api.tests.conftest import ApiClient, call, token_for  # noqa: F401 - shared fixtures
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import categories, report, submit  # noqa: F401 - shared fixtures
from gongzhi.core.errors import database_unavailable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does while PostgreSQL restarts (the driver's error, as Django wraps it)."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    def stop():
        monkeypatch.setattr(db_utils.CursorWrapper, "execute", refuse)
        monkeypatch.setattr(db_utils.CursorWrapper, "executemany", refuse)

    return stop


def test_a_page_is_a_503_in_the_site_s_look_while_the_database_is_down(client_for, database_down):
    office = client_for("office")
    office.raise_request_exception = False
    assert office.get("/").status_code == 200
    database_down()
    response = office.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "The platform is briefly unavailable" in page
    assert "Nothing you sent was half-saved" in page
    assert "gz-navbar" in page and "app.css" in page  # the site's look, without the signed-in bar
    assert "Server error" not in page


def test_the_503_page_is_in_the_user_s_language(client_for, database_down):
    from django.utils import translation

    office = client_for("office")
    office.raise_request_exception = False
    database_down()
    response = office.get("/", headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 503
    with translation.override("zh-hans"):
        title = translation.gettext("The platform is briefly unavailable")
    assert title in response.content.decode()
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_api_answers_a_json_503(token_for, call, database_down):  # noqa: F811 - the shared fixtures
    _token, secret = token_for("office")
    api = ApiClient(secret)
    api.client.raise_request_exception = False
    database_down()
    response = api.post("/api/v1/cases", call(), key="call-during-restart")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The service is briefly unavailable. Nothing was saved; please try again in a moment."
    }


def test_a_write_cut_off_by_the_database_leaves_nothing_half_written(submit, monkeypatch):  # noqa: F811
    """A resident's report whose transaction loses the database after the case row was written
    (at its audit entry): neither the case nor anything of it remains — the service's one
    transaction was rolled back."""
    from gongzhi.core import audit
    from gongzhi.core.models import AuditEntry

    submit()  # the world works
    before = Case.objects.count(), AuditEntry.objects.count()

    def lost(*args, **kwargs):
        assert Case.objects.count() == before[0] + 1  # the case row is written by now
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(audit, "record_many", lost)
    with pytest.raises(OperationalError):
        submit(description="楼道灯不亮")
    assert (Case.objects.count(), AuditEntry.objects.count()) == before


def test_the_platform_answers_again_once_the_database_does(client_for, database_down, monkeypatch):
    office = client_for("office")
    office.raise_request_exception = False
    database_down()
    assert office.get("/").status_code == 503
    monkeypatch.undo()
    assert office.get("/").status_code == 200


def test_another_error_is_still_a_server_error(client_for, monkeypatch):
    from gongzhi.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "items_for", broken)
    office = client_for("office")
    office.raise_request_exception = False
    response = office.get("/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_what_counts_as_the_database_not_answering():
    assert database_unavailable(OperationalError("connection refused"))
    try:
        try:
            raise OperationalError("the database system is shutting down")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)
    assert not database_unavailable(ValueError("a bug"))
    assert not database_unavailable(None)
