"""Issue 15, fault 4: the intake worker (`manage.py process_intakes`) stopped for an hour while the
hotline bridge kept posting calls — some of them twice with the same Idempotency-Key, as a bridge
retries when it has no answer. When the worker runs again it catches up: every call becomes
exactly one case, each receipt answers `created` with its case's number, and running it again, or
two workers at once, makes no case twice."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from gongzhi.api.models import Intake
from gongzhi.api.services import process_intakes
from gongzhi.cases.models import Case

from .conftest import ApiClient
from .test_concurrency import _shared_memory_sqlite

CASES = "/api/v1/cases"
CALLS = 60  # one a minute for the hour the worker was stopped


def _an_hour_of_calls(clock, api, call) -> dict[str, str]:
    """The hour's calls, one a minute; every fifth posted again (same key, same body) a few seconds
    later, and the first ones once more at the end of the hour. Returns receipt by key."""
    receipts = {}
    for minute in range(CALLS):
        key = f"12345-{minute:04d}"
        body = call(description=f"第{minute}分钟的来电：{minute % 7 + 1}号楼水管漏水", external_ref=key)
        response = api.post(CASES, body, key=key)
        assert response.status_code == 202, response.content
        receipts[key] = response.json()["receipt"]
        if minute % 5 == 0:
            clock.shift(seconds=20)
            again = api.post(CASES, body, key=key)  # the bridge had no answer: it retries
            assert again.status_code == 200 and again.json()["receipt"] == receipts[key]
            assert again.json()["replayed"] is True and again.json()["status"] == "pending"
        clock.shift(minutes=1)
    for minute in range(3):  # retried at the end of the hour, still not taken in
        key = f"12345-{minute:04d}"
        body = call(description=f"第{minute}分钟的来电：{minute % 7 + 1}号楼水管漏水", external_ref=key)
        assert api.post(CASES, body, key=key).json()["receipt"] == receipts[key]
    return receipts


def _check_caught_up(api, receipts: dict[str, str]) -> None:
    assert Case.objects.count() == CALLS and Intake.objects.count() == CALLS
    numbers = set()
    for key, receipt in receipts.items():
        intake = api.get(f"/api/v1/intakes/{receipt}").json()
        assert intake["status"] == "created", (key, intake)
        numbers.add(intake["case"]["number"])
        case = Case.objects.get(number=intake["case"]["number"])
        assert case.description.startswith(f"第{int(key[-4:])}分钟的来电")
    assert len(numbers) == CALLS  # one case per call, none shared
    assert process_intakes() == 0 and Case.objects.count() == CALLS  # a run more makes nothing


@pytest.mark.django_db
@pytest.mark.frozen("2026-11-27 09:00")
def test_the_worker_catches_up_after_an_hour(world, categories, api, call, clock):
    receipts = _an_hour_of_calls(clock, api, call)
    assert Intake.objects.filter(status=Intake.Status.PENDING).count() == CALLS and Case.objects.count() == 0
    # A retry after the worker ran answers with the case made for the first post.
    call_command("process_intakes", "--limit", "25", stdout=io.StringIO())  # in batches of 25 until none is left
    _check_caught_up(api, receipts)
    key = "12345-0007"
    body = call(description="第7分钟的来电：1号楼水管漏水", external_ref=key)
    late = api.post(CASES, body, key=key)
    assert late.status_code == 200 and late.json()["status"] == "created"
    assert Case.objects.count() == CALLS


@pytest.mark.skipif(_shared_memory_sqlite(), reason="needs a database where writers wait for each other")
@pytest.mark.django_db(transaction=True)
@pytest.mark.frozen("2026-11-27 09:00")
def test_two_workers_catching_up_at_once_make_each_case_once(world, categories, token_for, call, clock):
    _token, secret = token_for("office")
    api = ApiClient(secret)
    receipts = _an_hour_of_calls(clock, api, call)
    start = threading.Barrier(2)
    done = []

    def worker():
        try:
            start.wait(timeout=30)
            made = 1
            while made:
                made = process_intakes(limit=10)  # small batches: the two take turns on the backlog
                done.append(made)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert sum(done) == CALLS  # each intake processed by one worker only
    _check_caught_up(api, receipts)


def test_the_intake_worker_carries_on_through_a_database_outage(monkeypatch, caplog):
    """`process_intakes --every` logs a round the database did not answer and tries again next
    round, instead of exiting (without --every the error is raised, as any command's)."""
    from django.db import OperationalError

    from gongzhi.api.management.commands import process_intakes as command

    rounds = []

    def flaky(limit):
        rounds.append(limit)
        if len(rounds) == 1:
            raise OperationalError("the database system is shutting down")
        return 0

    class Stop(Exception):
        pass

    def sleep(seconds):
        if len(rounds) >= 2:
            raise Stop

    monkeypatch.setattr(command, "process_intakes", flaky)
    monkeypatch.setattr(command.time, "sleep", sleep)
    with pytest.raises(Stop):
        call_command("process_intakes", "--every", "1", stdout=io.StringIO())
    assert len(rounds) == 2 and "intakes not processed: the database does not answer" in caplog.text
    rounds.clear()
    with pytest.raises(OperationalError):
        call_command("process_intakes", stdout=io.StringIO())
