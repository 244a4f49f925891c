#!/usr/bin/env bash
# Brings the production layout of docs/deployment.md up on this machine, on 127.0.0.1 only, checks
# it through nginx, and takes it all down again (also on failure or Ctrl-C):
#   a fresh PostgreSQL database (gongzhi_smoke_<pid>, dropped at the end), a private Redis on a free
#   port (cache, sessions, job queue), the demo town, two gunicorn instances, two RQ workers, nginx
#   in front (not a daemon, its config and logs in a temporary directory).
# Then: /healthz and /readyz, the office's sign-in and pages, an export written by an RQ worker,
# both gunicorn instances answering, /metrics from 127.0.0.1, two periodic runs at once (one skips).
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres), Debian's redis-server and nginx (installed
# with apt-get when missing). Bounded: it stops itself after SMOKE_TIMEOUT seconds (default 1500).
#   deploy/smoke.sh            (from the repository, after `make run` or `pip install -r requirements/base.txt`)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=$(command -v python3)
GUNICORN=$(dirname "$PY")/gunicorn
PG=${SMOKE_PG:-postgres://postgres@127.0.0.1:5432}
DB=gongzhi_smoke_$$
WORK=$(mktemp -d /tmp/gongzhi-smoke.XXXXXX)
TIMEOUT=${SMOKE_TIMEOUT:-1500}
. "$ROOT/deploy/checks.sh"

cleanup() {
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  log "stopping what was started"
  stop_started 60
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 && log "dropped database $DB"
  if [ "${SMOKE_KEEP_LOGS:-}" = "" ]; then rm -rf "$WORK"; else log "logs kept in $WORK"; fi
  report deploy/smoke.sh "${#RESULTS[@]} checks"
}
arm

# --- What is needed -------------------------------------------------------------------------
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx"; apt-get install -y -q nginx >/dev/null || { fail "nginx could not be installed"; exit 1; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if ! command -v redis-server >/dev/null; then
  log "installing redis-server"; apt-get install -y -q redis-server >/dev/null || { fail "redis-server could not be installed"; exit 1; }
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { fail "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }

REDIS_PORT=$(free_port); WEB1=$(free_port); WEB2=$(free_port)
NGINX_PORT=${SMOKE_PORT:-8080}
"$PY" -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$NGINX_PORT))" 2>/dev/null || NGINX_PORT=$(free_port)
BASE=http://127.0.0.1:$NGINX_PORT

# --- The settings of production (on plain HTTP on the loopback) ------------------------------
export DEBUG=false
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))'); export SECRET_KEY
AUDIT_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))'); export AUDIT_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=$PG/$DB
export CACHE_URL=redis://127.0.0.1:$REDIS_PORT/1
export SESSION_ENGINE=django.contrib.sessions.backends.cached_db
export TASKS_BACKEND=django_tasks_rq.RQBackend
export RQ_URL=redis://127.0.0.1:$REDIS_PORT/0
export TRUSTED_PROXIES=1
export LOG_FORMAT=json
export LOG_LEVEL=INFO
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export MEDIA_ROOT=$WORK/media
export SMS_BACKEND=gongzhi.accounts.sms.HttpBackend SMS_HTTP_URL=http://127.0.0.1:9/sms SMS_HTTP_TOKEN=smoke
export ALLOW_DEMO=true   # the demo town's known passwords, for this throw-away database only
export SITE_URL=$BASE
unset PROMETHEUS_MULTIPROC_DIR
MANAGE=("$PY" "$ROOT/manage.py")

log "work directory $WORK; nginx on $NGINX_PORT, gunicorn on $WEB1 and $WEB2, Redis on $REDIS_PORT, database $DB"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
psql "$PG/postgres" -q -c "CREATE DATABASE $DB" >/dev/null || { fail "could not create database $DB"; exit 1; }
log "migrate, collectstatic, seed the demo town"
run "${MANAGE[@]}" migrate --noinput -v0 >"$WORK/migrate.log" 2>&1 || { fail "migrate (see $WORK/migrate.log)"; SMOKE_KEEP_LOGS=1; exit 1; }
run "${MANAGE[@]}" collectstatic --noinput -v0 >"$WORK/collectstatic.log" 2>&1 || { fail "collectstatic"; SMOKE_KEEP_LOGS=1; exit 1; }
run "${MANAGE[@]}" seed_demo >"$WORK/seed.log" 2>&1 || { fail "seed_demo (see $WORK/seed.log)"; SMOKE_KEEP_LOGS=1; exit 1; }
pass "fresh database $DB migrated and the demo town seeded (DEBUG off)"

# --- The processes --------------------------------------------------------------------------
for port in "$WEB1" "$WEB2"; do
  PROMETHEUS_MULTIPROC_DIR=$WORK/metrics-$port GUNICORN_WORKERS=2 \
    "$GUNICORN" --config deploy/gunicorn.conf.py --bind "127.0.0.1:$port" >"$WORK/web-$port.log" 2>&1 &
  PIDS+=($!)
done
for n in 1 2; do
  "${MANAGE[@]}" rqworker --with-scheduler --name "smoke-$$-$n" default >"$WORK/rqworker-$n.log" 2>&1 &
  PIDS+=($!)
done
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<NGINX
# The locations of deploy/nginx/gongzhi.conf, on 127.0.0.1 without TLS.
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    upstream gongzhi {
        server 127.0.0.1:$WEB1 max_fails=3 fail_timeout=10s;
        server 127.0.0.1:$WEB2 max_fails=3 fail_timeout=10s;
        keepalive 16;
    }
    map \$http_x_request_id \$gongzhi_request_id {
        default \$http_x_request_id;
        ""      \$request_id;
    }
    log_format gongzhi '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                       '\$request_time s upstream=\$upstream_addr rid=\$gongzhi_request_id';
    access_log $WORK/nginx/logs/access.log gongzhi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_max_body_size 25m;
        location /static/ { alias $ROOT/staticfiles/; expires 30d; access_log off; }
        location = /metrics {
            allow 127.0.0.1;
            deny all;
            proxy_pass http://gongzhi;
            include $ROOT/deploy/nginx/proxy-headers.conf;
        }
        location / {
            proxy_pass http://gongzhi;
            include $ROOT/deploy/nginx/proxy-headers.conf;
        }
    }
}
NGINX
"$NGINX" -t -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx-test.log" 2>&1 || { fail "nginx configuration: $(tail -1 "$WORK/nginx-test.log")"; exit 1; }
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)

# Wait (bounded) for both instances through their own ports.
for port in "$WEB1" "$WEB2"; do
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.5; done
done
for _ in $(seq 1 60); do curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break; sleep 0.5; done

# --- Checks through nginx -------------------------------------------------------------------
code=$(curl -s -o "$WORK/healthz.json" -w '%{http_code}' "$BASE/healthz")
[ "$code" = 200 ] && pass "/healthz 200 $(cat "$WORK/healthz.json")" || fail "/healthz answered $code"
code=$(curl -s -o "$WORK/readyz.json" -w '%{http_code}' "$BASE/readyz")
if [ "$code" = 200 ] && grep -q '"queue_backend": "rq"' "$WORK/readyz.json"; then
  pass "/readyz 200 $(cat "$WORK/readyz.json")"
else fail "/readyz answered $code $(cat "$WORK/readyz.json" 2>/dev/null)"; fi

rid=$(curl -s -D - -o /dev/null -H 'X-Request-ID: smoke-request-0001' "$BASE/healthz" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-request-id"{print $2}')
[ "$rid" = smoke-request-0001 ] && pass "X-Request-ID passed through nginx to the application and back" || fail "X-Request-ID came back as '$rid'"

JAR=$WORK/cookies
curl -s -c "$JAR" -b "$JAR" -o "$WORK/login.html" "$BASE/accounts/login/"
csrf=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//; s/"$//')
code=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' \
  --data-urlencode "csrfmiddlewaretoken=$csrf" --data-urlencode username=office --data-urlencode password=gongzhi-demo \
  -H "Referer: $BASE/accounts/login/" "$BASE/accounts/login/")
case "$code" in 302*) pass "signed in as office (session in Redis and the database: cached_db)";; *) fail "sign-in as office answered $code";; esac
pages_ok=1
for page in / /cases/ "/cases/?box=all" /places/ /orgs/ /meetings/ /rates/ /exports/; do
  c=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "$BASE$page")
  [ "$c" = 200 ] || { pages_ok=0; fail "$page answered $c to office"; }
done
[ $pages_ok = 1 ] && pass "office's pages 200: / /cases/ /cases/?box=all /places/ /orgs/ /meetings/ /rates/ /exports/"
asset=$(grep -o "/static/[^\"]*\.css" "$WORK/login.html" | head -1)
c=$(curl -s -o /dev/null -w "%{http_code}" "$BASE$asset")
[ "$c" = 200 ] && pass "static file $asset served by nginx" || fail "a static file answered $c"

# The jobs the demo town queued while it was seeded (its SMS, reports…) are worked off first by the
# two RQ workers (bounded); then an export of the case list, written by an RQ worker.
drain_start=$(date +%s)
waiting=$(curl -s "$BASE/readyz" | "$PY" -c 'import json,sys; print(sum(json.load(sys.stdin)["queue_depth"].values()))' 2>/dev/null)
for _ in $(seq 1 900); do
  left=$(curl -s "$BASE/readyz" | "$PY" -c 'import json,sys; print(sum(json.load(sys.stdin)["queue_depth"].values()))' 2>/dev/null)
  [ "$left" = 0 ] && break
  sleep 1
done
[ "$left" = 0 ] && pass "the two RQ workers worked off the $waiting jobs the seeding queued in $(( $(date +%s) - drain_start )) s" \
  || fail "jobs still waiting after 900 s: $left of $waiting"
csrf=$(grep -o 'csrftoken[[:space:]]*[^[:space:]]*$' "$JAR" | awk '{print $2}')
location=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{redirect_url}' -X POST \
  -H "X-CSRFToken: $csrf" -H "Referer: $BASE/cases/" "$BASE/exports/start/cases/?box=all")
job=${location#"$BASE"}
done_export=0
if [[ "$job" == /exports/* ]]; then
  for _ in $(seq 1 120); do
    if curl -s -b "$JAR" "$BASE${job}status/" | grep -q "${job}download/"; then done_export=1; break; fi
    sleep 1
  done
fi
if [ $done_export = 1 ]; then
  size=$(curl -s -b "$JAR" -o "$WORK/export.xlsx" -w '%{size_download}' "$BASE${job}download/")
  worker=$(grep -l "run_export" "$WORK"/rqworker-*.log 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
  if [ -n "$worker" ] && head -c 2 "$WORK/export.xlsx" | grep -q PK; then
    pass "export of all cases written by an RQ worker ($worker) and downloaded ($size bytes)"
  else fail "export done but not found in an RQ worker's log or not a workbook"; fi
else fail "export ($job) not done within 120 s"; fi

# Both gunicorn instances answer through nginx.
for _ in $(seq 1 20); do
  curl -s -D - -o /dev/null "$BASE/healthz" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-upstream"{print $2}'
done | sort | uniq -c >"$WORK/upstreams.txt"
if grep -q "127.0.0.1:$WEB1" "$WORK/upstreams.txt" && grep -q "127.0.0.1:$WEB2" "$WORK/upstreams.txt"; then
  pass "both gunicorn instances served: $(tr -s ' ' <"$WORK/upstreams.txt" | tr '\n' ';')"
else fail "not both instances served: $(cat "$WORK/upstreams.txt")"; fi

# /metrics from 127.0.0.1 through nginx (TRUSTED_PROXIES=1: the client nginx saw).
code=$(curl -s -o "$WORK/metrics.txt" -w '%{http_code}' "$BASE/metrics")
if [ "$code" = 200 ] && grep -q '^gongzhi_queue_up 1.0' "$WORK/metrics.txt" \
  && grep -q '^django_http_requests_total_by_method_total{method="GET"}' "$WORK/metrics.txt" \
  && grep -q '^gongzhi_intake_backlog ' "$WORK/metrics.txt"; then
  pass "/metrics 200 from 127.0.0.1: $(grep -E '^(gongzhi_queue_jobs_waiting|gongzhi_intake_backlog|django_http_requests_total_by_method_total)' "$WORK/metrics.txt" | tr '\n' ';')"
else fail "/metrics answered $code"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.9' "http://127.0.0.1:$WEB1/metrics")
[ "$code" = 404 ] && pass "/metrics refused to another client address (404)" || fail "/metrics to another address answered $code"

# Two periodic runs at once: the first keeps the lock a minute after its sweep (a second process takes
# seconds just to start on a busy machine); the second, started meanwhile, must skip and exit 0.
"${MANAGE[@]}" periodic --hold-lock 60 >"$WORK/periodic-1.log" 2>&1 &
first=$!
PIDS+=("$first")
for _ in $(seq 1 240); do grep -q "periodic:" "$WORK/periodic-1.log" && break; kill -0 $first 2>/dev/null || break; sleep 0.5; done
run "${MANAGE[@]}" periodic >"$WORK/periodic-2.log" 2>&1
second_rc=$?
wait $first
first_rc=$?
if [ $first_rc = 0 ] && [ $second_rc = 0 ] && grep -q "skipped: another periodic run holds the lock" "$WORK/periodic-2.log" \
  && ! grep -q "skipped" "$WORK/periodic-1.log"; then
  pass "two periodic runs at once: one ran, the other exited 0 with 'skipped: another periodic run holds the lock'"
else fail "periodic runs: first rc=$first_rc second rc=$second_rc: $(tail -c 300 "$WORK/periodic-2.log")"; fi
code=$(curl -s -o "$WORK/metrics2.txt" -w '%{http_code}' "$BASE/metrics")
grep -q '^gongzhi_periodic_step_seconds{step="cases"}' "$WORK/metrics2.txt" \
  && pass "sweep durations in /metrics: $(grep -c '^gongzhi_periodic_step_seconds' "$WORK/metrics2.txt") steps" \
  || fail "no sweep durations in /metrics"

# JSON log lines carry the request id: a page that does not exist is logged ("Not Found") by the
# instance that answered, with the id nginx passed on; gunicorn's access line has it too.
curl -s -o /dev/null -H 'X-Request-ID: smoke-missing-0001' "$BASE/no-such-page/"
sleep 1
line=$(grep -h '"request_id": "smoke-missing-0001"' "$WORK"/web-*.log | head -1)
if [ -n "$line" ] && printf '%s' "$line" | "$PY" -c 'import json,sys; e=json.load(sys.stdin); assert e["message"].startswith("Not Found")' \
  && grep -q 'rid=smoke-missing-0001' "$WORK"/web-*.log; then
  pass "JSON log line with the request id: $line"
else fail "no JSON log line with the request id smoke-missing-0001"; fi
exit 0
