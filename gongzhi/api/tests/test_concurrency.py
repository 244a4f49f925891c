"""Two requests with one idempotency key at the same time are taken in once."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from gongzhi.api.models import Intake
from gongzhi.api.services import process_intakes
from gongzhi.cases.models import Case

from .conftest import ApiClient

CASES = "/api/v1/cases"


@pytest.mark.django_db
def test_the_key_is_unique_per_token(world, categories, token_for, api, call):
    api.post(CASES, call(), key="k")
    first = Intake.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Intake.objects.create(token=first.token, key="k", request_hash="x", payload={})


@pytest.mark.django_db
def test_losing_the_race_answers_with_the_winners_intake(world, categories, api, call, monkeypatch):
    """Two requests with one key: the second insert hits the unique constraint, and that request
    answers with the first one's intake — or 409 when the bodies differ."""
    winner = api.post(CASES, call(), key="race").json()
    response = api.post(CASES, call(), key="race")
    assert response.status_code == 200, response.content
    assert response.json()["receipt"] == winner["receipt"] and response.json()["replayed"] is True
    assert api.post(CASES, call(description="别的事情：路灯不亮了"), key="race").status_code == 409
    process_intakes()
    assert Case.objects.count() == 1


def _shared_memory_sqlite() -> bool:
    """SQLite's in-memory test database answers a second writer "table is locked" at once instead
    of waiting (shared cache); a file database (what the platform runs on) and PostgreSQL wait."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    name = db.get("TEST", {}).get("NAME")
    return db["ENGINE"].endswith("sqlite3") and (not name or name == ":memory:" or "mode=memory" in str(name))


@pytest.mark.skipif(_shared_memory_sqlite(), reason="needs a database where writers wait for each other")
@pytest.mark.django_db(transaction=True)
def test_two_threads_one_key_one_case(world, categories, token_for, call):
    _token, secret = token_for("office")
    barrier = threading.Barrier(2)
    results = []

    def send():
        try:
            barrier.wait(timeout=10)
            response = ApiClient(secret).post(CASES, call(), key="same-call")
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _body in results) == [200, 202], results
    assert len({body["receipt"] for _status, body in results}) == 1
    process_intakes()
    assert Case.objects.count() == 1 and Intake.objects.count() == 1
