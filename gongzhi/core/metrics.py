"""Prometheus metrics at /metrics: the requests and their latency (django-prometheus's
middleware; with several gunicorn workers, its multi-process mode through PROMETHEUS_MULTIPROC_DIR,
deploy/gunicorn.conf.py), and gauges the platform computes when scraped: jobs waiting in the queue,
the gauges the apps register (gongzhi.core.registry.gauge: the hotline calls not yet made into
cases) and how long each step of the last periodic run took (gongzhi.core.models.PeriodicStep).

Only the monitoring reads it: clients at METRICS_ALLOWED_ADDRESSES (as gongzhi.core.client reads
the address) or a request with `Authorization: Bearer <METRICS_TOKEN>`."""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from . import readiness, registry
from .client import client_address


def allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    return client_address(request) in settings.METRICS_ALLOWED_ADDRESSES


class PlatformCollector:
    """The platform's own gauges, read afresh at each scrape."""

    def collect(self):
        from .models import PeriodicStep

        up = GaugeMetricFamily("gongzhi_queue_up", "1 when the job queue answers, 0 otherwise")
        waiting = GaugeMetricFamily("gongzhi_queue_jobs_waiting", "Jobs waiting in the queue", labels=["queue"])
        failure, depth = readiness.check_queue()
        up.add_metric([], 0 if failure else 1)
        for name, count in depth.items():
            waiting.add_metric([name], count)
        yield up
        yield waiting
        for gauge in registry.gauges():
            family = GaugeMetricFamily(gauge.name, gauge.help)
            family.add_metric([], gauge.value())
            yield family
        seconds = GaugeMetricFamily(
            "gongzhi_periodic_step_seconds", "How long the step took in the last periodic run", labels=["step"]
        )
        started = GaugeMetricFamily(
            "gongzhi_periodic_step_started_timestamp_seconds", "When the last run of the step started", labels=["step"]
        )
        failed = GaugeMetricFamily(
            "gongzhi_periodic_step_failed", "1 when the step's last run raised an error", labels=["step"]
        )
        for step in PeriodicStep.objects.all():
            seconds.add_metric([step.name], step.seconds)
            started.add_metric([step.name], step.started_at.timestamp())
            failed.add_metric([step.name], 1 if step.failed else 0)
        yield seconds
        yield started
        yield failed


def exposition() -> bytes:
    """The text format of every metric: this process's (or every worker's of this gunicorn
    instance, in multi-process mode) and the platform's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        MultiProcessCollector(base)
    else:
        base = REGISTRY
    platform = CollectorRegistry(auto_describe=False)
    platform.register(PlatformCollector())
    return generate_latest(base) + generate_latest(platform)
