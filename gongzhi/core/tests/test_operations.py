"""Running beyond one machine: readiness (/readyz) with each part failing, the metrics (/metrics)
and who may read them, request ids on responses and log lines, JSON logs, the Redis cache that
counts a Redis outage as misses, and the choice of the job queue's backend."""

import io
import json
import logging

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from gongzhi.core import logs, readiness

pytestmark = pytest.mark.django_db


# --- /readyz ------------------------------------------------------------------------------------


def test_readyz_checks_the_database_the_cache_and_the_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["cache"], body["queue"]) == ("ok", "ok", "ok")


def test_readyz_names_a_failing_cache(client, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)  # a cache that keeps nothing
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["cache"] == "the cache did not keep a value"
    assert body["database"] == "ok" and body["queue"] == "ok"


def test_readyz_names_a_cache_that_raises(client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("refused")

    monkeypatch.setattr(cache, "set", down)
    body = client.get("/readyz").json()
    assert body["cache"] == "ConnectionError"


def test_readyz_names_a_failing_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["database"] == "RuntimeError"


def test_readyz_names_a_failing_queue(client, monkeypatch):
    def unreachable():
        raise ConnectionRefusedError("no Redis")

    monkeypatch.setattr(readiness, "queue_depth", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["queue"] == "ConnectionRefusedError"


def test_the_database_queue_counts_the_jobs_waiting(settings):
    from gongzhi.cases.tasks import rebuild_stats

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert readiness.backend_kind() == "database"
    assert readiness.queue_depth() == {"default": 0}
    rebuild_stats.enqueue(1)
    rebuild_stats.enqueue(2)
    assert readiness.queue_depth() == {"default": 2}


# --- /metrics -----------------------------------------------------------------------------------


def test_metrics_answer_the_monitoring_on_this_machine(client, world):
    from gongzhi.core.management.commands.periodic import run_once

    run_once()
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in text  # the middleware's
    assert "django_http_requests_latency_seconds_by_view_method" in text
    assert "gongzhi_queue_up 1.0" in text
    assert "gongzhi_intake_backlog 0.0" in text
    assert 'gongzhi_periodic_step_seconds{step="cases"}' in text
    assert 'gongzhi_periodic_step_failed{step="cases"} 0.0' in text


def test_metrics_are_refused_to_other_addresses_whoever_is_signed_in(client_for):
    office = client_for("admin")
    assert office.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_metrics_behind_the_proxy_read_the_client_the_proxy_saw(settings):
    settings.TRUSTED_PROXIES = 1
    client = Client(REMOTE_ADDR="127.0.0.1")
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_metrics_answer_a_bearer_of_the_token_from_anywhere(settings):
    settings.METRICS_TOKEN = "a-long-private-scrape-token"  # noqa: S105 - a test value
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-private-scrape-token").status_code == 200


# --- Request ids and logs ------------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self, formatter=None):
        super().__init__()
        self.addFilter(logs.RequestIdFilter())
        self.records = []
        self.text = io.StringIO()
        if formatter:
            self.setFormatter(formatter)

    def emit(self, record):
        self.records.append(record)
        self.text.write(self.format(record) + "\n")


@pytest.fixture
def request_log():
    def attach(formatter=None):
        handler = _Lines(formatter)
        logger = logging.getLogger("django.request")
        logger.addHandler(handler)
        attached.append(handler)
        return handler

    attached = []
    yield attach
    for handler in attached:
        logging.getLogger("django.request").removeHandler(handler)


def test_a_request_takes_the_proxys_id_onto_the_response_and_its_log_lines(client, request_log):
    lines = request_log()
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="3f2a9c0d1e4b5a6978877665544332211")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "3f2a9c0d1e4b5a6978877665544332211"
    assert [r.request_id for r in lines.records] == ["3f2a9c0d1e4b5a6978877665544332211"]
    assert logs.current_request_id() == "-"  # cleared once the request is finished


def test_a_request_without_an_id_or_with_a_bad_one_gets_a_new_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_json_log_lines_carry_the_request_id(client, request_log):
    lines = request_log(logs.JsonFormatter())
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")
    entry = json.loads(lines.text.getvalue().splitlines()[0])
    assert entry["request_id"] == "req-42"
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert entry["message"] == "Not Found: /no-such-page/"
    assert entry["status_code"] == 404


def test_the_log_format_is_chosen_by_the_setting():
    from django.conf import settings

    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT
    assert settings.LOGGING["formatters"]["json"]["()"] == "gongzhi.core.logs.JsonFormatter"


# --- The cache on Redis and the queue on RQ, chosen by settings ---------------------------------


def test_a_redis_that_does_not_answer_is_a_cache_miss():
    from gongzhi.core.cache import TolerantRedisCache

    # Port 9 (discard) on this machine: nothing listens, the connection is refused at once.
    down = TolerantRedisCache(
        "redis://127.0.0.1:9/1", {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )
    assert down.get("k") is None and down.get("k", "fallback") == "fallback"
    down.set("k", 1)
    assert down.add("k", 1) is False
    assert down.get_many(["a", "b"]) == {}
    assert down.has_key("k") is False
    with pytest.raises(ValueError):
        down.incr("k")  # as for a missing key: the throttle then starts its count afresh


OURS = ("CACHE_URL", "SESSION_ENGINE", "TASKS_BACKEND", "RQ_URL", "LOG_FORMAT")


def _settings_in_a_fresh_process(env: dict, expression: str) -> str:
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = f"import django; django.setup(); from django.conf import settings; print(({expression}))"
    inherited = {key: value for key, value in os.environ.items() if key not in OURS}
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", code],
        env={**inherited, "DJANGO_SETTINGS_MODULE": "gongzhi.settings", "DEBUG": "true", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_production_settings_put_the_cache_sessions_and_queue_on_redis():
    env = {
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "TASKS_BACKEND": "django_tasks_rq.RQBackend",
        "RQ_URL": "redis://127.0.0.1:6379/2",
        "LOG_FORMAT": "json",
    }
    expression = (
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], settings.SESSION_ENGINE, "
        "settings.TASKS['default']['BACKEND'], settings.RQ_QUEUES['default']['URL'], "
        "'django_rq' in settings.INSTALLED_APPS, settings.LOGGING['handlers']['console']['formatter']"
    )
    assert _settings_in_a_fresh_process(env, expression) == str(
        (
            "gongzhi.core.cache.TolerantRedisCache",
            "redis://127.0.0.1:6379/1",
            "django.contrib.sessions.backends.cached_db",
            "django_tasks_rq.RQBackend",
            "redis://127.0.0.1:6379/2",
            True,
            "json",
        )
    )


def test_the_embedded_defaults_need_no_redis():
    expression = (
        "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, settings.TASKS['default']['BACKEND'], "
        "'django_rq' in settings.INSTALLED_APPS, settings.LOG_FORMAT"
    )
    assert _settings_in_a_fresh_process({}, expression) == str(
        (
            "django.core.cache.backends.locmem.LocMemCache",
            "django.contrib.sessions.backends.db",
            "django_tasks_db.DatabaseBackend",
            False,
            "plain",
        )
    )
