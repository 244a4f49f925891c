"""Two requests with one idempotency key at the same time make one case."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from gongzhi.api import endpoints
from gongzhi.api.models import IdempotencyKey
from gongzhi.cases.models import Case

from .conftest import ApiClient

CASES = "/api/v1/cases"


@pytest.mark.django_db
def test_the_key_is_unique_per_token(world, categories, token_for, api, call):
    api.post(CASES, call(), key="k")
    first = IdempotencyKey.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(token=first.token, key="k", request_hash="x", case=first.case)


@pytest.mark.django_db
def test_losing_the_race_returns_the_winners_case(world, categories, api, call, monkeypatch):
    """The second request checked before the first had committed, so it goes on to create a case;
    its key insert fails, its transaction (case included) is rolled back and it answers with the
    first request's case."""
    winner = api.post(CASES, call(), key="race").json()
    monkeypatch.setattr(endpoints, "replay", lambda **kwargs: None)  # "not yet committed" when it looked
    response = api.post(CASES, call(), key="race")
    assert response.status_code == 200, response.content
    assert response.json()["number"] == winner["number"] and response.json()["replayed"] is True
    assert Case.objects.count() == 1
    # And when the bodies differ, the loser gets the 409.
    assert api.post(CASES, call(description="别的事情：路灯不亮了"), key="race").status_code == 409
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
    assert sorted(status for status, _body in results) == [200, 201], results
    assert len({body["number"] for _status, body in results}) == 1
    assert Case.objects.count() == 1 and IdempotencyKey.objects.count() == 1
