"""Two schedulers starting the periodic command at once (cron on two machines): one runs the
sweeps, the other says it skipped and exits 0 (gongzhi.core.periodic_lock; on PostgreSQL an
advisory lock, on SQLite a file lock — CI runs this file on both)."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from gongzhi.core import periodic_lock
from gongzhi.core.management.commands import periodic
from gongzhi.core.models import PeriodicStep

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_periodic_runs_at_once_do_not_both_run(monkeypatch):
    inside = threading.Event()
    release = threading.Event()
    ran = []

    def held_steps():
        ran.append(threading.current_thread().name)
        inside.set()
        release.wait(timeout=120)  # until the second run has tried; a bound, not a measured time
        return {"steps": "done"}

    monkeypatch.setattr(periodic, "run_steps", held_steps)
    first_output = io.StringIO()

    def first_run():
        try:
            call_command("periodic", stdout=first_output)
        finally:
            connection.close()  # this thread's own connection (its database session)

    first = threading.Thread(target=first_run, name="first")
    first.start()
    try:
        assert inside.wait(timeout=120)
        second_output = io.StringIO()
        call_command("periodic", stdout=second_output)  # returns normally: exit status 0
        assert "periodic: skipped: another periodic run holds the lock" in second_output.getvalue()
    finally:
        release.set()
        first.join(timeout=120)
    assert ran == ["first"]
    assert "periodic: {'steps': 'done'}" in first_output.getvalue()

    # Once the first run has ended the lock is free again.
    third_output = io.StringIO()
    call_command("periodic", stdout=third_output)
    assert "{'steps': 'done'}" in third_output.getvalue() and ran == ["first", "MainThread"]


def test_the_lock_is_released_when_a_step_fails(monkeypatch):
    def failing():
        raise RuntimeError("a sweep failed")

    monkeypatch.setattr(periodic, "run_steps", failing)
    with pytest.raises(RuntimeError):
        call_command("periodic", stdout=io.StringIO())
    with periodic_lock.held() as got:
        assert got


def test_each_step_s_duration_is_kept_for_the_monitoring(monkeypatch):
    from gongzhi.core import registry

    monkeypatch.setattr(registry, "_sweeps", {})
    registry.sweep(1, "first", lambda: 3)
    registry.sweep(2, "second", lambda: {"sent": 0})
    assert periodic.run_once() == {"first": 3, "second": {"sent": 0}}
    steps = {step.name: step for step in PeriodicStep.objects.all()}
    assert set(steps) == {"first", "second"}
    assert all(step.seconds >= 0 and not step.failed for step in steps.values())

    def broken():
        raise ValueError("bad data")

    registry.sweep(3, "third", broken)
    with pytest.raises(ValueError):
        periodic.run_once()
    assert PeriodicStep.objects.get(name="third").failed


def test_on_sqlite_the_lock_is_a_file_beside_the_database_or_the_process_s_own(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/gongzhi/var/gongzhi.sqlite3")
    assert str(periodic_lock.lock_file()) == "/srv/gongzhi/var/gongzhi.sqlite3.periodic.lock"
    monkeypatch.setitem(connection.settings_dict, "NAME", "file:memorydb_default?mode=memory&cache=shared")
    assert periodic_lock.lock_file().name.startswith("gongzhi-periodic-")  # a database in memory is one process's
