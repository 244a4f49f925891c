"""The HTTP side of deploy/faults.sh (issue 15): a counting SMS gateway, a signed-in client, and the
load run while PostgreSQL restarts. Standard library only; run by faults.sh, not by hand:

  faults.py gateway PORT FILE [--hold-first]   an SMS gateway bridge on 127.0.0.1:PORT: each POST
                                               is appended to FILE as a JSON line; with --hold-first
                                               the first is received and never answered
  faults.py load BASE TOKEN SECONDS OUT        signed in as the office (demo password), 4 threads of
                                               pages, API reads and API writes (hotline calls, each
                                               its own Idempotency-Key) for SECONDS; every answer
                                               as a JSON line in OUT
  faults.py analyse OUT DOWN_AT UP_AT          what the load saw before, during and after the outage
  faults.py redis-down BASE TOKEN              pages, sign-in, an export and a call while Redis is down
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSWORD = "gongzhi-demo"  # noqa: S105 - the throw-away database's office account


def gateway(port: int, path: str, hold_first: bool) -> None:
    lock = threading.Lock()
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                count[0] += 1
                first = count[0] == 1
                with open(path, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"key": self.headers.get("Idempotency-Key", ""), **body}) + "\n")
            if hold_first and first:
                time.sleep(3600)  # received, never answered: the worker is killed meanwhile
                return
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


class Client:
    """A browser's session: cookies, the CSRF token, and the office signed in."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None, body=None):
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST" and "csrftoken" in self.cookies():
            headers.setdefault("X-CSRFToken", self.cookies()["csrftoken"])
            headers.setdefault("Referer", self.base + "/")
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)  # noqa: S310 - http://127.0.0.1
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def cookies(self) -> dict:
        return {c.name: c.value for c in self.jar}

    def sign_in(self, username: str = "office") -> bool:
        status, _headers, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            return False
        status, headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        )
        return status == 302 and "sessionid" in self.cookies()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call_body(key: str) -> bytes:
    return json.dumps(
        {
            "compound": "xc1",
            "building": "1号楼",
            "unit": "101",
            "category": "REPAIR",
            "urgency": "normal",
            "description": f"楼道积水（来电 {key}）",
            "reporter_name": "居民甲",
            "reporter_phone": "13800000001",
            "hide_identity": False,
            "external_ref": key,
        },
        ensure_ascii=False,
    ).encode()


def api_headers(token: str, key: str = "") -> dict:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "en"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def classify(kind: str, status: int, body: str) -> str:
    """ok, unavailable (the 503 page or JSON as designed), or other (what must not happen)."""
    if status in (200, 202):
        return "ok"
    if status == 503 and kind == "page" and 'data-testid="unavailable"' in body and "gz-navbar" in body:
        return "unavailable"
    if status == 503 and kind != "page" and '"detail"' in body and "briefly unavailable" in body:
        return "unavailable"
    return "other"


def load(base: str, token: str, seconds: float, out: str) -> None:
    client = Client(base)
    assert client.sign_in(), "the office could not sign in"
    lock = threading.Lock()
    lines = []
    stop = time.time() + seconds

    def worker(n: int) -> None:
        me = Client(base)
        me.jar = client.jar  # the same session
        me.opener = client.opener
        i = 0
        while time.time() < stop:
            i += 1
            kind = ("page", "api-read", "api-write", "page")[(n + i) % 4]
            key = ""
            started = time.time()
            try:
                if kind == "page":
                    status, _h, body = me.request("GET", "/cases/")
                elif kind == "api-read":
                    status, _h, body = me.request("GET", "/api/v1/cases?page_size=5", headers=api_headers(token))
                else:
                    key = f"load-{n}-{i}-{int(started * 1000)}"
                    status, _h, body = me.request(
                        "POST", "/api/v1/cases", headers=api_headers(token, key), body=call_body(key)
                    )
            except OSError as exc:  # no answer at all: must not happen (gunicorn stays up)
                status, body = 0, f"{exc.__class__.__name__}: {exc}"
            line = {
                "t": started,
                "ms": round((time.time() - started) * 1000),
                "kind": kind,
                "status": status,
                "key": key,
            }
            line["outcome"] = classify(kind, status, body)
            if line["outcome"] == "other":
                line["body"] = body[:300]
            with lock:
                lines.append(line)
            time.sleep(0.05)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(out, "w", encoding="utf-8") as f:
        for line in sorted(lines, key=lambda x: x["t"]):
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


def analyse(out: str, down_at: float, up_at: float) -> int:
    lines = [json.loads(x) for x in open(out, encoding="utf-8")]
    before = [x for x in lines if x["t"] + x["ms"] / 1000 < down_at]  # answered before the stop
    after_up = [x for x in lines if x["t"] >= up_at]
    unavailable = [x for x in lines if x["outcome"] == "unavailable"]
    other = [x for x in lines if x["outcome"] == "other"]
    last_failure = max((x["t"] + x["ms"] / 1000 for x in lines if x["outcome"] != "ok"), default=up_at)
    recovered_after = max(0.0, last_failure - up_at)
    settled = [x for x in after_up if x["t"] > last_failure]
    by_kind = {}
    for x in unavailable:
        by_kind[x["kind"]] = by_kind.get(x["kind"], 0) + 1
    print(
        f"requests {len(lines)}: answered before the stop {len(before)} "
        f"({sum(x['outcome'] == 'ok' for x in before)} ok); 503 as designed {len(unavailable)} {by_kind}; "
        f"anything else {len(other)}; PostgreSQL down {up_at - down_at:.1f} s; last failure "
        f"{recovered_after:.1f} s after it was started again; after that {len(settled)} requests, "
        f"{sum(x['outcome'] == 'ok' for x in settled)} ok"
    )
    for x in other[:5]:
        print("  unexpected:", json.dumps(x, ensure_ascii=False))
    writes_failed = [x["key"] for x in lines if x["kind"] == "api-write" and x["outcome"] != "ok"]
    with open(out + ".retry", "w") as f:
        f.write("\n".join(writes_failed))
    ok = (
        not other
        and unavailable
        and settled
        and all(x["outcome"] == "ok" for x in settled)
        and all(x["outcome"] == "ok" for x in before)
    )
    return 0 if ok else 1


def retry_writes(base: str, token: str, out: str) -> int:
    """Send again, with the same keys, the calls that got a 503: each is taken in now (202) or was
    taken in already (200, replayed) — never a second intake."""
    client = Client(base)
    keys = [k for k in open(out + ".retry").read().split("\n") if k]
    answers = {}
    for key in keys:
        status, _h, body = client.request("POST", "/api/v1/cases", headers=api_headers(token, key), body=call_body(key))
        answers[status] = answers.get(status, 0) + 1
        replay_status, _h, _b = client.request(
            "POST", "/api/v1/cases", headers=api_headers(token, key), body=call_body(key)
        )
        if status not in (200, 202) or replay_status != 200:
            print(f"  call {key}: {status} then {replay_status}")
            return 1
    print(f"calls that got a 503, sent again with their keys: {len(keys)} — {answers} (202 new, 200 already taken in)")
    return 0


def redis_down(base: str, token: str) -> int:
    client = Client(base)
    failures = []
    if not client.sign_in():
        failures.append("sign-in")
    for path in ("/", "/cases/", "/exports/"):
        status, _h, _b = client.request("GET", path)
        if status != 200:
            failures.append(f"GET {path} {status}")
    status, headers, _b = client.request("POST", "/exports/start/cases/?box=all")
    if status != 302:
        failures.append(f"export start {status}")
    export = headers.get("Location", "")
    key = f"redis-down-{int(time.time())}"
    status, _h, _b = client.request("POST", "/api/v1/cases", headers=api_headers(token, key), body=call_body(key))
    if status != 202:
        failures.append(f"API call {status}")
    status, _h, body = client.request("GET", "/readyz")
    print(f"while Redis is down: /readyz {status} {body}")
    if status != 503:
        failures.append(f"readyz {status}")
    print("failures:", failures or "none")
    print(f"export {export}")
    return 1 if failures else 0


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "gateway":
        gateway(int(args[0]), args[1], "--hold-first" in args)
    elif command == "load":
        load(args[0], args[1], float(args[2]), args[3])
    elif command == "analyse":
        sys.exit(analyse(args[0], float(args[1]), float(args[2])))
    elif command == "retry":
        sys.exit(retry_writes(args[0], args[1], args[2]))
    elif command == "redis-down":
        sys.exit(redis_down(args[0], args[1]))
    else:
        sys.exit(f"unknown command {command}")
