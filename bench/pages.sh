#!/usr/bin/env bash
# Staff pages at city scale (issue 15): every list page and home page, signed in, on PostgreSQL with
# the synthetic city of bench/rates.py (gongzhi_bench_100k and gongzhi_bench_1m: 217 towns, 13,000
# compounds, 100,000 / 1,000,000 cases), as a member of the first town's office and as a platform
# administrator (who sees every town), with /healthz on the same server in the same run as the
# reference.
#
#   bench/pages.sh                         # both databases, every page, 5 s of wrk per page and role
#   DURATION=5 CONNECTIONS=16 bench/pages.sh
#   DBS=gongzhi_bench_1m PAGES="/ /cases/" bench/pages.sh
#
# The databases must exist (make them with `.venv/bin/python bench/rates.py`; they are reused, never
# dropped). Per database: sign-in sessions are made for the two users (bench/pages_setup.py),
# gunicorn starts on 127.0.0.1:$PORT (2 sync workers, DEBUG off, bench/pages_settings.py: the
# product's settings without the static manifest), then per page and role: the first request after
# the start (cold: curl's total time), two more requests to warm up, $DURATION s of wrk at $CONNECTIONS
# connections (requests/s, p99). A page whose first request took more than $SLOW s is not loaded
# with wrk (16 connections on a 20-second page would keep the server busy for minutes): its row says
# "skipped". gunicorn is stopped on exit, failure or Ctrl-C. The table (bench/pages_table.py) gives
# each page's throughput as a ratio of /healthz's and its 1M/100k ratio.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
[[ -x "$PY" ]] || PY=/work/main/.venv/bin/python
GUNICORN="$(dirname "$PY")/gunicorn"
PORT=${PORT:-8135}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
DURATION=${DURATION:-5}
SLOW=${SLOW:-5}
SERVER=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
DBS=${DBS:-"gongzhi_bench_100k gongzhi_bench_1m"}
PAGES=${PAGES:-"/ /cases/ /cases/?box=all /cases/visits/ /rates/ /rates/hotspots/ /rates/proposals/
  /places/ /places/neighborhoods/ /orgs/ /orgs/bodies/ /orgs/people/ /orgs/contracts/ /orgs/duties/
  /orgs/residents/claims/ /meetings/ /meetings/resolutions/ /meetings/compliance/ /meetings/annual-reports/
  /notices/ /inspections/ /inspections/orders/ /inspections/checklists/ /inspections/report/ /surveys/
  /surveys/questionnaires/ /evaluations/ /credit/ /assessments/ /assessments/schemes/ /warnings/
  /warnings/templates/ /awards/ /supervision/ /dashboard/ /reports/ /reports/received/ /leadership/
  /notifications/ /exports/ /calendar/ /audit/"}
OUT=${OUT:-/tmp/bench-pages-$(date +%Y%m%d-%H%M%S).tsv}

WORK=$(mktemp -d /tmp/bench-pages.XXXXXX)
GUNICORN_PID=""

stop_server() {
  if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}

cleanup() {
  status=$?
  trap - EXIT INT TERM
  stop_server
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "pages.sh: $tool is needed" >&2; exit 2; }
done
if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
  echo "pages.sh: something already listens on 127.0.0.1:$PORT; stop it or set PORT" >&2
  exit 2
fi

export DJANGO_SETTINGS_MODULE=bench.pages_settings
export DEBUG=false
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export AUDIT_KEY="bench-only-audit-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SMS_BACKEND=gongzhi.accounts.sms.HttpBackend SMS_HTTP_URL=http://127.0.0.1:9/ SMS_HTTP_TOKEN=bench  # never called
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="http://127.0.0.1:$PORT"
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export LOG_LEVEL=ERROR
export CONN_MAX_AGE=600

printf 'db\trole\tpage\tstatus\tfirst_s\trps\tp99_ms\tnote\n' >"$OUT"
echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); ${DURATION} s of wrk at $CONNECTIONS connections per page; results in $OUT"

p99_ms() {  # wrk's --latency report → the 99 % latency in ms
  awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)}
       else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.0f", v}' "$1"
}

drain() {  # wait until the requests wrk left queued in the server have been answered
  for _ in 1 2 3; do curl -s -o /dev/null --max-time 120 "http://127.0.0.1:$PORT/healthz" || true; done
}

measure() {  # db role cookie page
  local db=$1 role=$2 cookie=$3 page=$4 url="http://127.0.0.1:$PORT$4" got status first rps p99 note=""
  got=$(curl -s -o "$WORK/body.html" -w '%{http_code} %{time_total}' --max-time 120 -H "Cookie: $cookie" "$url" || echo "000 120")
  status=${got% *}
  first=${got#* }
  rps="" p99=""
  if [[ $status != 200 ]]; then
    note="status $status"
  elif awk -v f="$first" -v s="$SLOW" 'BEGIN { exit !(f > s) }'; then
    note="skipped (first request over ${SLOW} s)"
  else
    # Warm-up: two requests one after the other (each worker has then answered the page, likely).
    # wrk itself would leave up to $CONNECTIONS requests queued in the server when it stops.
    for _ in 1 2; do curl -s -o /dev/null --max-time 60 -H "Cookie: $cookie" "$url" || true; done
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency -H "Cookie: $cookie" "$url" >"$WORK/wrk.txt"
    drain
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk.txt")
    p99=$(p99_ms "$WORK/wrk.txt")
    if grep -q "Non-2xx" "$WORK/wrk.txt"; then note="$(grep Non-2xx "$WORK/wrk.txt" | xargs)"; fi
    if grep -q "Socket errors" "$WORK/wrk.txt"; then note="$note $(grep 'Socket errors' "$WORK/wrk.txt" | xargs)"; fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$role" "$page" "$status" "$first" "$rps" "$p99" "$note" >>"$OUT"
  printf '   %-8s %-30s %s  first %6.3f s  %8s req/s  p99 %6s ms  %s\n' "$role" "$page" "$status" "$first" "${rps:--}" "${p99:--}" "$note"
}

for db in $DBS; do
  export DATABASE_URL="$SERVER/$db"
  echo "== $db: sessions, gunicorn on 127.0.0.1:$PORT ($WORKERS workers); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$PY" bench/pages_setup.py >"$WORK/env"
  # shellcheck disable=SC1091
  source "$WORK/env"
  PYTHONWARNINGS="ignore:No directory at" "$GUNICORN" gongzhi.wsgi:application \
    --bind "127.0.0.1:$PORT" --workers "$WORKERS" --worker-class sync --timeout 120 \
    --log-level warning --error-logfile "$WORK/gunicorn.log" &
  GUNICORN_PID=$!
  for _ in $(seq 1 150); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }
    sleep 0.2
  done
  # Both workers up before the first measured request (a worker's own start is not the page's cost).
  for _ in 1 2 3 4; do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz"; done
  measure "$db" - "" /healthz
  for role in office admin; do
    if [[ $role == office ]]; then cookie="$COOKIE_NAME=$OFFICE_COOKIE"; else cookie="$COOKIE_NAME=$ADMIN_COOKIE"; fi
    for page in $PAGES; do measure "$db" "$role" "$cookie" "$page"; done
  done
  measure "$db" - "" /healthz
  stop_server
done
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" bench/pages_table.py "$OUT"
