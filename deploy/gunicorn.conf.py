"""gunicorn's settings for one web instance of Gongzhi (docs/deployment.md): run two or more
instances, each on its own port, behind nginx (deploy/nginx/gongzhi.conf).

    gunicorn gongzhi.wsgi --config deploy/gunicorn.conf.py --bind 127.0.0.1:8001

Environment: GUNICORN_WORKERS (default 2 × cores + 1), GUNICORN_TIMEOUT (60 s), and
PROMETHEUS_MULTIPROC_DIR — a directory of this instance's own, emptied at start — so that /metrics
counts the requests of every worker of the instance (django-prometheus's multi-process mode)."""

import multiprocessing
import os
import shutil
from pathlib import Path

wsgi_app = "gongzhi.wsgi:application"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to the upstream open (keepalive in its upstream block)
max_requests = 2000  # a worker is replaced after this many requests (a slow leak stays small)
max_requests_jitter = 200
accesslog = "-"
# The request id nginx sent (and the application echoed) on every access line.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
forwarded_allow_ips = "127.0.0.1,::1"


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:  # the counters of an earlier run of this instance are not this run's
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
