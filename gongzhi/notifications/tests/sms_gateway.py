"""For the fault tests of SMS (test_faults_worker_killed.py): a tiny SMS gateway bridge on
127.0.0.1 that counts what it receives, and an HttpBackend that stops before posting. Not
collected by pytest (no test_ prefix); imported by the rq worker processes those tests start."""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gongzhi.accounts.sms import HttpBackend, Sms

HOLD = "GONGZHI_TEST_SMS_HOLD"  # a file: while it exists the backend waits before posting


class HoldingHttpBackend(HttpBackend):
    """HttpBackend that, while the file named by $GONGZHI_TEST_SMS_HOLD exists, writes
    `<file>.reached` and waits there (until its worker is killed) instead of posting."""

    def send(self, sms: Sms) -> None:
        hold = os.environ.get(HOLD)
        if hold and Path(hold).exists():
            Path(f"{hold}.reached").write_text(sms.key)
            while Path(hold).exists():
                time.sleep(0.05)
        super().send(sms)


class Gateway:
    """A gateway bridge: records each POST (its Idempotency-Key and body) and answers 200 — or,
    with `hold_first`, receives the first one and never answers it (a worker killed while the
    gateway already has the message)."""

    def __init__(self, hold_first: bool = False):
        self.received: list[dict] = []
        self.first_received = threading.Event()
        self.release = threading.Event()
        self.hold_first = hold_first
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append({"key": self.headers.get("Idempotency-Key", ""), **body})
                holding = gateway.hold_first and len(gateway.received) == 1
                gateway.first_received.set()
                if holding:
                    gateway.release.wait(timeout=120)
                    return
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def keys(self) -> set[str]:
        return {request["key"] for request in self.received}
