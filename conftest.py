"""Test-wide settings and fixtures. Personas and factories live in gongzhi/testing.py.

The clock: a test whose meaning depends on the date says when it runs, `@pytest.mark.frozen("2026-11-27
10:00")` (Shanghai time, standing still), and moves with the `clock` fixture; CI also runs the suite with
the machine's clock at a few awkward instants (`.ci/run`). The working-day calendar: a test that needs
a year without official data says so with `without_calendar_data(2027)`, whatever the package ships.
After commit: `django_capture_on_commit_callbacks(execute=True)` runs what a block queued for after
commit; `rolled_back` checks that a block whose transaction rolls back sends nothing."""

import os
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        'frozen(when): the clock stands still at `when`, Shanghai time ("2026-11-27 10:00"; a date means 10:00)',
    )


def shanghai(when) -> datetime:
    """An instant from "2026-11-27 10:00", "2026-11-27" (10:00), a date or a datetime; naive means Shanghai."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when) if len(when) > 10 else date.fromisoformat(when)
    if not isinstance(when, datetime):
        when = datetime.combine(when, time(10, 0))
    return when if when.tzinfo else when.replace(tzinfo=SHANGHAI)


class Clock:
    """The test's clock, standing still (time-machine) until moved: `clock.move_to("2026-12-29 09:00")`,
    `clock.shift(days=3)`; `clock.today` is the date in Shanghai."""

    def __init__(self, when):
        self._travel = time_machine.travel(shanghai(when), tick=False)
        self._traveller = self._travel.start()

    def move_to(self, when) -> None:
        self._traveller.move_to(shanghai(when))

    def shift(self, **delta) -> None:
        self._traveller.shift(timedelta(**delta))

    @property
    def today(self) -> date:
        return datetime.now(SHANGHAI).date()

    def stop(self) -> None:
        self._travel.stop()


@pytest.fixture
def clock(request):
    """The clock, frozen at the test's `frozen` mark (or where it stands when the test starts)."""
    marker = request.node.get_closest_marker("frozen")
    frozen = Clock(marker.args[0] if marker else datetime.now(UTC))
    yield frozen
    frozen.stop()


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    """Freezes the clock for a test (or module: `pytestmark`) marked `frozen`, before any other fixture."""
    if request.node.get_closest_marker("frozen"):
        request.getfixturevalue("clock")


@pytest.fixture
def without_calendar_data(monkeypatch):
    """without_calendar_data(2027, …): the holiday package has no data for those years (as for every year
    after its last release): weekends alone count, deadlines there are provisional."""
    from gongzhi.core import process_cache, workdays

    def remove(*years):
        # every module reads the set through gongzhi.core.workdays (none imports the name itself)
        monkeypatch.setattr(workdays, "PACKAGE_YEARS", workdays.PACKAGE_YEARS - frozenset(years))
        process_cache._store.clear()

    return remove


class _RolledBack(Exception):
    pass


@pytest.fixture
def rolled_back(django_capture_on_commit_callbacks):
    """`with rolled_back(): …` runs the block in a transaction that then rolls back (as when a later step
    of the same request fails) and checks that nothing it queued for after commit survives: no
    notification, SMS, e-mail or task goes out."""
    from django.db import transaction

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks() as callbacks:
            try:
                with transaction.atomic():
                    yield
                    raise _RolledBack
            except _RolledBack:
                pass
        assert callbacks == [], f"{len(callbacks)} after-commit callbacks survived the rollback"

    return run


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from gongzhi.accounts.sms import MemoryBackend

    MemoryBackend.outbox.clear()
    from django.core.cache import cache

    from gongzhi.core import process_cache

    cache.clear()
    process_cache._store.clear()  # per-process memos must not carry one test's data into the next
    yield


@pytest.fixture
def world(db):
    from gongzhi.testing import personas

    return personas()


@pytest.fixture
def english(settings):
    """Messages in the English source language (the default is zh-hans), for tests that assert
    them; the apps' conftests and some modules switch it on for all their tests."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client, world):
    """client_for("office") → a test client signed in as that persona (None: anonymous)."""

    def make(persona):
        from django.test import Client

        c = Client()
        if persona is not None:
            c.force_login(world.users[persona])
        return c

    return make


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the whole session (Playwright's sync API)."""
    import os

    from playwright.sync_api import sync_playwright

    from gongzhi.browser_testing import launch

    # Playwright's sync API runs an event loop in this thread; the tests still use the ORM here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def accessibility(request, monkeypatch):
    """In a test that uses the browser: axe-core checks every page it loads (WCAG 2.0/2.1 A and AA),
    just before the test next acts on a page, and at its end; a violation fails the test with the
    URL, the rules and the failing elements (gongzhi.browser_testing.AccessibilityChecker)."""
    if "browser" not in request.fixturenames:
        yield None
        return
    from gongzhi.browser_testing import AccessibilityChecker

    checker = AccessibilityChecker()
    checker.install(monkeypatch)
    yield checker
    checker.check_pending()  # pages of contexts the test left open


@pytest.fixture
def phone_page(browser, accessibility):
    from gongzhi.browser_testing import PHONE

    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()  # checks the last page first


@pytest.fixture
def desktop_page(browser, accessibility):
    from gongzhi.browser_testing import DESKTOP

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()  # checks the last page first


def start_redis_server(directory, port: int | None = None):
    """A private Redis server (Debian's redis-server, installed by .ci/ensure-system-packages) on
    127.0.0.1 (a free port unless given), nothing saved, answering: returns (process, url)."""
    import shutil
    import socket
    import subprocess
    import time

    import redis

    server = shutil.which("redis-server")
    assert server, "redis-server is missing: run .ci/ensure-system-packages (Debian package redis-server)"
    if port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    # Under .ci/run's clock days the tests run inside libfaketime (LD_PRELOAD); redis-server does
    # not start inside it ("unexpected recursive calls to clock_gettime"), and it keeps no dates
    # the tests look at, so it runs on the machine's own clock.
    environment = {
        name: value for name, value in os.environ.items() if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }
    process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
        [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        env=environment,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):  # up to 10 s for it to answer
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("redis-server did not start")
    return process, url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private Redis server for this test process, on a free port of 127.0.0.1, nothing saved;
    stopped at the end."""
    process, url = start_redis_server(tmp_path_factory.mktemp("redis"))
    yield url
    process.terminate()
    process.wait(timeout=30)


def run_rq_jobs() -> int:
    """Run every job waiting in the default RQ queue in this process, as an `rqworker` would (rq's
    SimpleWorker, in burst mode); how many were waiting. Without the worker's command channel
    (Redis pub/sub, for `rq` commands sent to a running worker): a burst run needs none, and its
    thread's timed wait never ends under libfaketime (.ci/run's clock days), which hung the run."""
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        def subscribe(self):
            pass

        def unsubscribe(self):
            pass

    queue = django_rq.get_queue("default", job_class=Job)
    waiting = len(queue)
    BurstWorker([queue], connection=queue.connection, job_class=Job).work(burst=True, with_scheduler=False)
    return waiting


@pytest.fixture
def rq_worker(settings, redis_url):
    """The job queue on Redis as in production (TASKS_BACKEND=django_tasks_rq.RQBackend) for one
    test: returns `work()`, which runs every waiting job in this process, as an `rqworker` would
    (rq's SimpleWorker, in burst mode), and returns how many it ran."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

    def work() -> int:
        return run_rq_jobs()

    work.redis_url = redis_url  # for tests that start `manage.py rqworker` processes of their own
    return work
