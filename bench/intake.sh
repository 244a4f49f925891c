#!/usr/bin/env bash
# Case intake through the API (issue: cases): cases/second through POST /api/v1/cases under
# concurrent load, as a ratio of a floor measured in the same run — the same gunicorn answering
# a view that performs one plain INSERT (/api/v1/bench/floor: the app bench.floor, installed only by
# the bench settings, DJANGO_SETTINGS_MODULE=bench.settings, which every step below runs with).
#
#   bench/intake.sh                  # 20 s per measurement, 2 workers, 4 connections
#   DURATION=30 WORKERS=4 CONNECTIONS=8 bench/intake.sh
#
# Creates the PostgreSQL database gongzhi_bench_intake (dropped at the end, also on failure or
# Ctrl-C), migrates it, loads the demo town, installs the case categories, creates an API token,
# starts gunicorn on 127.0.0.1:$PORT, measures with wrk, prints requests/s and the ratio.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
PORT=${PORT:-8133}
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-4}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
DB=${BENCH_DB:-gongzhi_bench_intake}
export PGHOST PGPORT PGUSER

WORK=$(mktemp -d /tmp/bench-intake.XXXXXX)
GUNICORN_PID=""
PROCESSOR_PID=""

cleanup() {
  status=$?
  trap - EXIT INT TERM
  if [[ -n "$PROCESSOR_PID" ]]; then kill -TERM "$PROCESSOR_PID" 2>/dev/null || true; fi
  if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "intake.sh: $tool is needed" >&2; exit 2; }
done

export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export DEBUG=false
export SECRET_KEY="bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="http://127.0.0.1:$PORT"
export TASKS_BACKEND=django_tasks_db.DatabaseBackend
export LOG_LEVEL=ERROR
export CONN_MAX_AGE=600

if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  echo "intake.sh: something already listens on 127.0.0.1:$PORT; stop it or set PORT" >&2
  exit 2
fi

echo "== $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); database $DB"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
psql -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
"$PY" manage.py migrate --noinput -v0
"$PY" bench/intake_setup.py "$WORK/env"
# shellcheck disable=SC1091
source "$WORK/env"
export INTAKE_TOKEN INTAKE_COMPOUNDS INTAKE_CATEGORIES

echo "== gunicorn on 127.0.0.1:$PORT, $WORKERS workers"
# The product plus the floor (bench.settings, exported above).
PYTHONWARNINGS="ignore:No directory at" "$ROOT/.venv/bin/gunicorn" gongzhi.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers "$WORKERS" --worker-class sync \
  --log-level warning --error-logfile "$WORK/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/" 2>/dev/null && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/"
kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORK/gunicorn.log" >&2; exit 1; }

count() { psql -qtA -d "$DB" -c "$1"; }

measure() {  # name url script → prints requests/s, keeps wrk's report in $WORK/name.txt
  local name=$1 url=$2 script=$3
  # Warm-up: every worker imports, connects and fills its caches before the clock runs.
  wrk -t "$THREADS" -c "$CONNECTIONS" -d 3s -s "$script" "$url" >/dev/null
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -s "$script" "$url" >"$WORK/$name.txt"
  if grep -q "Non-2xx" "$WORK/$name.txt"; then
    echo "intake.sh: $name had error responses:" >&2
    cat "$WORK/$name.txt" >&2
    cat "$WORK/gunicorn.log" >&2
    exit 1
  fi
  awk '/^Requests\/sec:/ {print $2}' "$WORK/$name.txt"
}

echo "== floor: one plain INSERT per request (${DURATION} s, $CONNECTIONS connections)"
FLOOR=$(measure floor "http://127.0.0.1:$PORT/api/v1/bench/floor" bench/floor.lua)
grep -E "Latency|Requests/sec|requests in" "$WORK/floor.txt"
echo "== intake: POST /api/v1/cases (${DURATION} s, $CONNECTIONS connections), the worker making cases beside it"
# The worker that turns intakes into cases runs during the measurement, on the same two cores.
"$PY" manage.py process_intakes --every 0.2 >"$WORK/intakes.log" 2>&1 &
PROCESSOR_PID=$!
wrk -t "$THREADS" -c "$CONNECTIONS" -d 3s -s bench/intake.lua "http://127.0.0.1:$PORT/api/v1/cases" >/dev/null
while [[ $(count "select count(*) from api_intake where status = 'pending'") != 0 ]]; do sleep 0.2; done
BEFORE=$(count "select count(*) from api_intake where status = 'created'")
START=$(date +%s.%N)
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -s bench/intake.lua "http://127.0.0.1:$PORT/api/v1/cases" >"$WORK/intake.txt"
if grep -q "Non-2xx" "$WORK/intake.txt"; then
  echo "intake.sh: intake had error responses:" >&2; cat "$WORK/intake.txt" "$WORK/gunicorn.log" >&2; exit 1
fi
ACCEPTED=$(awk '/^Requests\/sec:/ {print $2}' "$WORK/intake.txt")
grep -E "Latency|Requests/sec|requests in" "$WORK/intake.txt"
# End to end: until the worker has made the case of every call taken in.
for _ in $(seq 1 600); do
  [[ $(count "select count(*) from api_intake where status = 'pending'") == 0 ]] && break
  sleep 0.1
done
END=$(date +%s.%N)
sleep 1  # requests wrk gave up on at the end are still finishing
while [[ $(count "select count(*) from api_intake where status = 'pending'") != 0 ]]; do sleep 0.2; done
kill -TERM "$PROCESSOR_PID" 2>/dev/null || true
AFTER=$(count "select count(*) from api_intake where status = 'created'")
FAILED=$(count "select count(*) from api_intake where status = 'failed'")
INTAKES=$(count "select count(*) from api_intake")
CASES=$(count "select count(*) from cases_case c join api_intake k on k.case_id = c.id")
echo "   calls taken in: $INTAKES, cases made from them: $CASES, failed: $FAILED"
[[ "$CASES" == "$INTAKES" && "$FAILED" == 0 ]] || { echo "intake.sh: not every call became one case" >&2; exit 1; }
MADE=$(awk -v a="$AFTER" -v b="$BEFORE" -v s="$START" -v e="$END" 'BEGIN { printf "%.1f", (a - b) / (e - s) }')
RATIO=$(awk -v a="$MADE" -v b="$FLOOR" 'BEGIN { printf "%.2f", a / b }')
echo
echo "floor  (one INSERT)                          : $FLOOR requests/s"
echo "intake: calls taken in (POST /api/v1/cases)  : $ACCEPTED requests/s"
echo "intake: cases made, end to end               : $MADE cases/s ($((AFTER - BEFORE)) cases)"
echo "ratio (cases made / floor)                   : $RATIO (goal >= 0.5)"
echo "($WORKERS gunicorn workers and one intake worker, $CONNECTIONS connections, ${DURATION} s; load average now $(cut -d' ' -f1-3 /proc/loadavg))"
