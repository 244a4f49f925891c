"""Issue 15, fault 1: an RQ worker killed (SIGKILL) in the middle of a job that sends an SMS.

What RQ 3.0 does with it, by itself: the job stays in the queue's StartedJobRegistry until its
heartbeat expires (the job monitoring interval + 60 s), then a live worker's maintenance moves it
to the FailedJobRegistry as abandoned — it is not run again (django-tasks-rq enqueues without
retries). The platform does not rely on it: the notification row is the record, and the periodic
sweep (`delivery.requeue_unsent`) queues an SMS again that is neither sent nor refused ten minutes
after it was queued. Its side effects happen once: one notification row (written by the service's
transaction, before any job), one SMS — the row is locked while it is sent and marked sent in the
same transaction; a worker killed after the gateway took the message and before that commit makes
the retry post it again with the same Idempotency-Key (the second test).

Real worker processes (`manage.py rqworker`) against a private redis-server, a gateway on
127.0.0.1 counting what it receives; the worker shares the test database, so these run on
PostgreSQL (CI's second run), not on SQLite's in-memory test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from gongzhi.notifications import delivery, services
from gongzhi.notifications.models import Notification

from .sms_gateway import HOLD, Gateway

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker processes share the test database: PostgreSQL only"
    ),
]

BOUND = 120  # seconds any step may take on a busy machine: a bound, not a measured time


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(redis_url: str, gateway: Gateway, hold: Path | None) -> subprocess.Popen:
    """`manage.py rqworker --burst default` in its own process group, as production runs it."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TASKS_", "RQ_", "SMS_"))}
    env = {
        **inherited,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "RQ_URL": redis_url,
        "SMS_BACKEND": "gongzhi.notifications.tests.sms_gateway.HoldingHttpBackend",
        "SMS_HTTP_URL": gateway.url,
        "SMS_HTTP_TOKEN": "test",
        "SMS_HTTP_TIMEOUT": str(BOUND),
        HOLD: str(hold or ""),
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "rqworker", "--burst", "default"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"waited {BOUND} s for {what}"
        time.sleep(0.05)


def _descendants(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children] + [d for c in children for d in _descendants(int(c))]


def _kill(worker: subprocess.Popen) -> None:
    """SIGKILL to the worker and its work horse at once (the horse runs in a session of its own,
    and would finish the job if only the worker died)."""
    horses = _descendants(worker.pid)
    assert horses, "the worker had no work horse"
    for pid in [worker.pid, *horses]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=BOUND)
    for pid in horses:
        _wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists() or _zombie(pid), f"process {pid} to end")


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _finish(worker: subprocess.Popen) -> None:
    _, errors = worker.communicate(timeout=BOUND)
    assert worker.returncode == 0, errors.decode()[-2000:]


def _notify(world) -> Notification:
    with transaction.atomic():
        services.notify(users=[world.users["office"]], text="您的诉求已受理", url="/t/abc", sms_phone="13800000009")
    return Notification.objects.get(phone="13800000009")


def _rq_registries():
    import django_rq
    from django_tasks_rq import Job
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    queue = django_rq.get_queue("default", job_class=Job)
    started = StartedJobRegistry(queue=queue, job_class=Job)
    failed = FailedJobRegistry(queue=queue, job_class=Job)
    return queue, started, failed


def _as_if_minutes_passed(minutes: int) -> None:
    """The row's queueing time moved back: the sweep's grace has passed (the worker processes run
    on the machine's clock, so the test's clock is not frozen)."""
    from datetime import timedelta

    from django.db.models import F

    Notification.objects.exclude(phone="").update(sms_queued_at=F("sms_queued_at") - timedelta(minutes=minutes))


def test_a_worker_killed_before_the_gateway_got_the_sms_then_one_sms_is_sent(world, rq_worker, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    with Gateway() as gateway:
        sms = _notify(world)
        assert Notification.objects.filter(text="您的诉求已受理").count() == 2  # in the platform, and the SMS

        worker = _worker(rq_worker.redis_url, gateway, hold)
        _wait_for(Path(f"{hold}.reached").exists, "the worker to reach the SMS")
        _kill(worker)
        hold.unlink()

        # What RQ does with the job of a killed worker: started, then (heartbeat expired) failed, not retried.
        queue, started, failed = _rq_registries()
        assert len(queue) == 0 and started.get_job_ids(cleanup=False) != []
        started.cleanup(timestamp=time.time() + 3600)  # a live worker's maintenance, after the expiry
        assert started.get_job_ids() == [] and len(failed) == 1 and len(queue) == 0

        sms.refresh_from_db()
        assert sms.sms_sent_at is None and sms.sms_error == "" and gateway.received == []
        assert delivery.requeue_unsent() == 0  # not before ten minutes: its job may be waiting still
        _as_if_minutes_passed(11)
        assert delivery.requeue_unsent() == 1 and len(queue) == 1

        _finish(_worker(rq_worker.redis_url, gateway, None))
        sms.refresh_from_db()
        assert sms.sms_sent_at is not None
        assert len(gateway.received) == 1 and gateway.received[0]["phone"] == "13800000009"

        # Sent: the sweep queues nothing more, and a job delivered once more sends nothing.
        _as_if_minutes_passed(11)
        assert delivery.requeue_unsent() == 0
        from gongzhi.notifications.tasks import deliver_sms_batch

        deliver_sms_batch.enqueue([sms.pk])
        _finish(_worker(rq_worker.redis_url, gateway, None))
        assert len(gateway.received) == 1
    assert Notification.objects.filter(text="您的诉求已受理").count() == 2


def test_a_worker_killed_after_the_gateway_got_the_sms_retries_it_with_the_same_key(world, rq_worker):
    with Gateway(hold_first=True) as gateway:
        sms = _notify(world)
        worker = _worker(rq_worker.redis_url, gateway, None)
        _wait_for(gateway.first_received.is_set, "the gateway to receive the SMS")
        _kill(worker)  # before the gateway answered: the row is not marked sent

        sms.refresh_from_db()
        assert sms.sms_sent_at is None and sms.sms_error == ""
        _as_if_minutes_passed(11)
        assert delivery.requeue_unsent() == 1
        _finish(_worker(rq_worker.redis_url, gateway, None))
        sms.refresh_from_db()
        assert sms.sms_sent_at is not None
        # Posted twice, as one message: the same Idempotency-Key, which the gateway sends once.
        assert len(gateway.received) == 2 and gateway.keys == {sms.sms_key}
    assert Notification.objects.filter(text="您的诉求已受理").count() == 2
