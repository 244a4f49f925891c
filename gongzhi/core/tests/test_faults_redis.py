"""Issue 15, fault 3: Redis — the cache, the session store and the job queue of production — stops.
Pages are still served (the cache counts as missed, sessions are read from the database), a
request that starts a job still succeeds (the enqueue after its commit fails, is logged, and the
job waits in the database), and once Redis answers again the periodic sweep queues what waited and
a worker does it. A private redis-server of this test's own, stopped and started again on its port."""

from datetime import timedelta

import pytest
import redis
from django.core.cache import caches
from django.db import transaction
from django.db.models import F

from conftest import run_rq_jobs, start_redis_server
from gongzhi.cases.tests.conftest import categories, report, submit  # noqa: F401 - shared fixtures
from gongzhi.core import registry
from gongzhi.core.management.commands import periodic
from gongzhi.exports.models import ExportJob
from gongzhi.notifications import services
from gongzhi.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


class Redis:
    """A redis-server that can be stopped and started again on the same port."""

    def __init__(self, directory):
        self.directory = directory
        self.process, self.url = start_redis_server(directory)
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def start(self) -> None:
        self.process, _url = start_redis_server(self.directory, port=self.port)

    def db(self, number: int) -> str:
        return self.url.rsplit("/", 1)[0] + f"/{number}"


@pytest.fixture
def production_redis(settings, tmp_path):
    """The cache, the sessions and the queue on one private Redis, as docs/deployment.md sets them."""
    server = Redis(tmp_path)
    settings.CACHES = {
        "default": {
            "BACKEND": "gongzhi.core.cache.TolerantRedisCache",
            "LOCATION": server.db(1),
            "KEY_PREFIX": "gongzhi",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.RQ_QUEUES = {"default": {"URL": server.db(0), "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    caches["default"].clear()
    yield server
    server.stop()


def _queue_length(server: Redis) -> int:
    return redis.Redis.from_url(server.db(0)).llen("rq:queue:default")


def test_pages_jobs_and_sessions_while_redis_is_down(
    production_redis,
    client_for,
    world,
    submit,  # noqa: F811 - the shared fixture
    django_capture_on_commit_callbacks,
    caplog,
):
    submit(description="3号楼水管漏水")
    office = client_for("office")  # signed in: the session is in the database and in Redis
    assert office.get("/").status_code == 200

    production_redis.stop()
    # Pages: served, with the same session (read from the database), the cache counted as missed.
    for path in ("/", "/cases/", "/exports/"):
        assert office.get(path).status_code == 200, path
    ready = client_for(None).get("/readyz")
    assert ready.status_code == 503 and ready.json()["cache"] != "ok" and ready.json()["queue"] != "ok"
    assert client_for(None).get("/healthz").status_code == 200

    # A request that starts a job: it succeeds; the enqueue after the commit failed and was logged.
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post("/exports/start/cases/?box=all")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.QUEUED and job.task_id == ""  # waiting, in the database
    assert "not queued: the queue does not answer" in caplog.text
    # An SMS of a service's transaction: kept, not lost.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.notify(users=[world.users["office"]], text="会议通知", sms_phone="13800000007")
    sms = Notification.objects.get(phone="13800000007")
    assert sms.sms_sent_at is None

    # The periodic sweep while Redis is still down: queues nothing, fails nothing.
    ExportJob.objects.update(updated_at=F("updated_at") - timedelta(minutes=2))
    Notification.objects.update(sms_queued_at=F("sms_queued_at") - timedelta(minutes=11))
    results = periodic.run_steps()
    assert results["exports.requeue"] == 0 and results["notifications.sms_requeue"] == 0

    production_redis.start()
    assert _queue_length(production_redis) == 0  # the jobs of the outage were never in Redis
    unsent = Notification.objects.exclude(phone="").filter(sms_sent_at=None)
    assert unsent.count() == 2  # this SMS and the resident's of the case submitted before (never queued here)
    results = periodic.run_steps()
    assert results["exports.requeue"] == 1 and results["notifications.sms_requeue"] == 2
    assert run_rq_jobs() == 2  # the export, and one batch of the two SMS
    assert unsent.count() == 0
    job.refresh_from_db()
    sms.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.task_id and job.rows_written == 1
    assert sms.sms_sent_at is not None
    # Queued once: the next sweeps queue nothing more.
    ExportJob.objects.update(updated_at=F("updated_at") - timedelta(minutes=2))
    Notification.objects.update(sms_queued_at=F("sms_queued_at") - timedelta(minutes=11))
    results = periodic.run_steps()
    assert results["exports.requeue"] == 0 and results["notifications.sms_requeue"] == 0
    assert office.get("/").status_code == 200


def test_the_requeue_steps_are_periodic_sweeps():
    names = {sweep.name for sweep in registry.sweeps()}
    assert {"exports.requeue", "onboarding.requeue", "notifications.sms_requeue"} <= names
