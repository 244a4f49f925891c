#!/usr/bin/env bash
# The fault checks of issue 15 (docs/deployment.md, "Faults"), on this machine, with processes of
# its own only: a PRIVATE PostgreSQL cluster (initdb + pg_ctl on a free port in a temporary
# directory — the shared server on 5432 is never touched), a private redis-server, gunicorn (2
# workers), RQ workers, the intake worker and a counting SMS gateway, all on 127.0.0.1 with the
# production settings (DEBUG off, Redis as cache, sessions and queue). The data: the tests' small
# world (gongzhi.testing.personas: 2 towns, 4 compounds, the personas; needs requirements/test.txt)
# with the office's password set, a token for the hotline bridge.
#   1. worker killed      an RQ worker (and its work horse) SIGKILLed while the gateway holds its SMS;
#                         the periodic sweep queues the SMS again; one notification, one message key
#   2. PostgreSQL restart  a load of pages, API reads and hotline calls while PostgreSQL stops and
#                         starts again: 503 pages/JSON during, all ok after, without restarting
#                         gunicorn; calls that got a 503 sent again; nothing half-written
#   3. Redis down          pages, sign-in, an export and a call while Redis is stopped; after it
#                         starts again the sweep queues what waited and the workers do it
# Prints PASS/FAIL per check; exit 0 when all passed. Bounded: FAULTS_TIMEOUT seconds (900); every
# process it started is stopped on exit, failure or Ctrl-C (trap), its temporary directory removed
# (FAULTS_KEEP_LOGS=1 keeps it).
#   deploy/faults.sh
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PY:-$ROOT/.venv/bin/python}
[ -x "$PY" ] || PY=$(command -v python3)
GUNICORN=$(dirname "$PY")/gunicorn
TIMEOUT=${FAULTS_TIMEOUT:-900}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
WORK=$(mktemp -d /tmp/gongzhi-faults.XXXXXX)
chmod 755 "$WORK"
. "$ROOT/deploy/checks.sh"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg() { as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -w -t 60 "$@" >>"$WORK/pg_ctl.log" 2>&1; }
sql() { "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d gongzhi -tAq -c "$1"; }
MANAGE=("$PY" "$ROOT/manage.py")
manage() { "${MANAGE[@]}" "$@"; }  # in the foreground only: in the background "${MANAGE[@]}" (its own pid in PIDS)
descendants() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do echo "$c"; descendants "$c"; done; }

cleanup() {
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  log "stopping what was started"
  stop_started 40
  [ -f "$WORK/pg/postmaster.pid" ] && as_postgres "$PGBIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1
  if [ "${FAULTS_KEEP_LOGS:-}" = "" ]; then rm -rf "$WORK"; else log "logs kept in $WORK"; fi
  report deploy/faults.sh
}
arm

command -v redis-server >/dev/null || { fail "redis-server is missing (apt-get install redis-server)"; exit 1; }
[ -x "$PGBIN/initdb" ] || { fail "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin"; exit 1; }
"$PY" -c "import factory" 2>/dev/null || { fail "factory_boy is missing: pip install -r requirements/test.txt"; exit 1; }

PGPORT=$(free_port); REDIS_PORT=$(free_port); WEB=$(free_port); GATEWAY=$(free_port)
BASE=http://127.0.0.1:$WEB

# --- A private PostgreSQL cluster and Redis -------------------------------------------------
log "work directory $WORK; PostgreSQL on $PGPORT, Redis on $REDIS_PORT, gunicorn on $WEB, SMS gateway on $GATEWAY"
mkdir -p "$WORK/pg" && chown postgres: "$WORK/pg" 2>/dev/null
as_postgres "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { fail "initdb (see $WORK/initdb.log)"; FAULTS_KEEP_LOGS=1; exit 1; }
PGOPTS="-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg -c fsync=off"
pg start -o "$PGOPTS" -l "$WORK/pg/server.log" || { fail "private PostgreSQL did not start"; exit 1; }
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres gongzhi || { fail "createdb"; exit 1; }
start_redis() {
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK" >>"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  for _ in $(seq 1 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
start_redis || { fail "redis-server did not start"; exit 1; }

# --- The settings of production, on the loopback --------------------------------------------
export DEBUG=false
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))'); export SECRET_KEY
AUDIT_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))'); export AUDIT_KEY
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/gongzhi
export CONN_MAX_AGE=60
export CACHE_URL=redis://127.0.0.1:$REDIS_PORT/1
export SESSION_ENGINE=django.contrib.sessions.backends.cached_db
export TASKS_BACKEND=django_tasks_rq.RQBackend
export RQ_URL=redis://127.0.0.1:$REDIS_PORT/0
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export MEDIA_ROOT=$WORK/media
export SMS_BACKEND=gongzhi.accounts.sms.HttpBackend SMS_HTTP_URL=http://127.0.0.1:$GATEWAY/sms SMS_HTTP_TOKEN=faults
export SMS_HTTP_TIMEOUT=120
export SITE_URL=$BASE
export LOG_LEVEL=WARNING
unset PROMETHEUS_MULTIPROC_DIR

log "migrate and the small world"
run "${MANAGE[@]}" migrate --noinput -v0 >"$WORK/migrate.log" 2>&1 || { fail "migrate (see $WORK/migrate.log)"; FAULTS_KEEP_LOGS=1; exit 1; }
run "${MANAGE[@]}" collectstatic --noinput -v0 >"$WORK/collectstatic.log" 2>&1 || { fail "collectstatic"; FAULTS_KEEP_LOGS=1; exit 1; }
TOKEN=$(manage shell -c "
from django.db import transaction
from gongzhi.testing import personas
from gongzhi.cases.configuration import install_default_categories
from gongzhi.api.services import create_api_token
with transaction.atomic():
    world = personas()
    install_default_categories(actor=None, town=world.town)
    office = world.users['office']
    office.set_password('gongzhi-demo'); office.save(update_fields=['password'])
    _token, secret = create_api_token(actor=None, town=world.town, user=office, name='faults bridge')
print(secret)
" 2>"$WORK/world.log" | tail -n1)
[ -n "$TOKEN" ] || { fail "the small world (see $WORK/world.log)"; FAULTS_KEEP_LOGS=1; exit 1; }
pass "private PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') and Redis started, migrated, the small world made"

GUNICORN_WORKERS=2 "$GUNICORN" --config deploy/gunicorn.conf.py --bind "127.0.0.1:$WEB" >"$WORK/web.log" 2>&1 &
PIDS+=($!)
"${MANAGE[@]}" process_intakes --every 1 >"$WORK/intakes.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/healthz" >/dev/null || { fail "gunicorn did not answer"; FAULTS_KEEP_LOGS=1; exit 1; }

# --- 1. An RQ worker killed in the middle of sending an SMS ---------------------------------
log "check 1: a worker killed mid-job"
"$PY" deploy/faults.py gateway "$GATEWAY" "$WORK/sms.jsonl" --hold-first &
PIDS+=($!)
"${MANAGE[@]}" rqworker --name "faults-$$-a" default >"$WORK/rqworker-a.log" 2>&1 &
WORKER_A=$!; PIDS+=("$WORKER_A")
manage shell -c "
from django.db import transaction
from gongzhi.core.models import User
from gongzhi.notifications.services import notify
with transaction.atomic():
    notify(users=[User.objects.get(username='office')], text='故障演练：您的诉求已受理', url='/', sms_phone='13800000009')
" >"$WORK/notify.log" 2>&1
for _ in $(seq 1 240); do [ -s "$WORK/sms.jsonl" ] && break; sleep 0.5; done
if [ ! -s "$WORK/sms.jsonl" ]; then
  fail "1. worker killed: the worker never reached the gateway"
else
  HORSES=$(descendants "$WORKER_A" | tr "\n" " ")
  kill -KILL "$WORKER_A" $HORSES 2>/dev/null
  log "  SIGKILL to worker $WORKER_A and its work horse(s) $HORSES while the gateway held the SMS"
  sleep 1
  STARTED=$(redis-cli -p "$REDIS_PORT" -n 0 zcard rq:wip:default)
  SENT=$(sql "select count(*) from notifications_notification where phone='13800000009' and sms_sent_at is not null")
  # What the sweep waits for (10 minutes after the SMS was queued), passed at once in the database.
  sql "update notifications_notification set sms_queued_at = sms_queued_at - interval '11 minutes' where phone <> ''"
  "${MANAGE[@]}" rqworker --name "faults-$$-b" default >"$WORK/rqworker-b.log" 2>&1 &
  PIDS+=($!)
  run "${MANAGE[@]}" periodic >"$WORK/periodic-1.log" 2>&1
  for _ in $(seq 1 240); do
    [ "$(sql "select count(*) from notifications_notification where phone='13800000009' and sms_sent_at is not null")" = 1 ] && break
    sleep 0.5
  done
  POSTS=$(wc -l <"$WORK/sms.jsonl")
  KEYS=$("$PY" -c "import json,sys; print(len({json.loads(l)['key'] for l in open(sys.argv[1])}))" "$WORK/sms.jsonl")
  ROWS=$(sql "select count(*) from notifications_notification where text='故障演练：您的诉求已受理'")
  DONE=$(sql "select count(*) from notifications_notification where phone='13800000009' and sms_sent_at is not null")
  note "after the kill: job left in rq's StartedJobRegistry: $STARTED, SMS marked sent: $SENT; sweep: $(tail -c 300 "$WORK/periodic-1.log" | grep -o "'notifications.sms_requeue': [0-9]*")"
  note "gateway received $POSTS post(s) with $KEYS distinct Idempotency-Key(s); notification rows $ROWS (in-app + SMS); SMS marked sent: $DONE"
  if [ "$STARTED" = 1 ] && [ "$SENT" = 0 ] && [ "$DONE" = 1 ] && [ "$KEYS" = 1 ] && [ "$POSTS" = 2 ] && [ "$ROWS" = 2 ]; then
    pass "1. worker killed mid-job: retried by the sweep, one notification, one message (the same key on both posts)"
  else
    fail "1. worker killed mid-job"
  fi
fi

# --- 2. PostgreSQL restarted during a load --------------------------------------------------
log "check 2: PostgreSQL stopped and started again under load"
CASES_BEFORE=$(sql "select count(*) from cases_case")
"$PY" deploy/faults.py load "$BASE" "$TOKEN" 40 "$WORK/load.jsonl" >"$WORK/load.log" 2>&1 &
LOAD=$!; PIDS+=("$LOAD")
sleep 10
DOWN_AT=$(date +%s.%N)
pg stop -m fast
log "  PostgreSQL stopped"
sleep 8
UP_AT=$(date +%s.%N)
pg start -o "$PGOPTS" -l "$WORK/pg/server.log"
log "  PostgreSQL started again"
wait "$LOAD"
if [ ! -s "$WORK/load.jsonl" ]; then
  fail "2. PostgreSQL restart: the load wrote nothing (see $WORK/load.log)"; cat "$WORK/load.log"
else
  SUMMARY=$("$PY" deploy/faults.py analyse "$WORK/load.jsonl" "$DOWN_AT" "$UP_AT"); RC=$?
  note "$SUMMARY"
  "$PY" deploy/faults.py retry "$BASE" "$TOKEN" "$WORK/load.jsonl" >"$WORK/retry.log" 2>&1; RETRY=$?
  note "$(cat "$WORK/retry.log")"
  sleep 3  # the intake worker (every second) makes the cases
  for _ in $(seq 1 60); do [ "$(sql "select count(*) from api_intake where status='pending'")" = 0 ] && break; sleep 1; done
  INTAKES=$(sql "select count(*) from api_intake")
  KEYS=$(sql "select count(distinct key) from api_intake")
  UNMADE=$(sql "select count(*) from api_intake where status <> 'created' or case_id is null")
  CASES=$(sql "select count(*) from cases_case")
  NO_AUDIT=$(sql "select count(*) from cases_case c where not exists (select 1 from core_auditentry a where a.action = 'cases.case.create' and a.object_id = c.id::text)")
  VERIFY=$(manage verify_audit 2>&1 | tail -n1)
  manage fingerprint >"$WORK/fingerprint-before" 2>/dev/null
  manage rebuild_case_stats >/dev/null 2>&1
  manage fingerprint >"$WORK/fingerprint-after" 2>/dev/null
  if diff -q "$WORK/fingerprint-before" "$WORK/fingerprint-after" >/dev/null; then COUNTERS="equal"; else COUNTERS="DIFFERENT"; fi
  note "intakes $INTAKES for $KEYS keys, not made into a case: $UNMADE; cases $CASES_BEFORE -> $CASES, without their audit entry: $NO_AUDIT; verify_audit: $VERIFY; counters vs a rebuild: $COUNTERS"
  GUNICORN_ALIVE=$(kill -0 "${PIDS[0]}" 2>/dev/null && echo yes || echo no)
  note "gunicorn not restarted: $GUNICORN_ALIVE (master pid unchanged)"
  if [ $RC = 0 ] && [ $RETRY = 0 ] && [ "$INTAKES" = "$KEYS" ] && [ "$UNMADE" = 0 ] && [ "$NO_AUDIT" = 0 ] \
     && [ "$COUNTERS" = equal ] && [[ "$VERIFY" == *intact* ]] && [ "$GUNICORN_ALIVE" = yes ]; then
    pass "2. PostgreSQL restarted under load: 503 page/JSON during, every request ok after, nothing half-written"
  else
    fail "2. PostgreSQL restarted under load"
  fi
fi

# --- 3. Redis down ---------------------------------------------------------------------------
log "check 3: Redis stopped"
kill -TERM "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null
"$PY" deploy/faults.py redis-down "$BASE" "$TOKEN" >"$WORK/redis-down.log" 2>&1; DOWN_RC=$?
sed 's/^/  /' "$WORK/redis-down.log"
manage shell -c "
from django.db import transaction
from gongzhi.core.models import User
from gongzhi.notifications.services import notify
with transaction.atomic():
    notify(users=[User.objects.get(username='office')], text='故障演练：Redis 停止时的短信', url='/', sms_phone='13800000008')
print('notified')
" >"$WORK/notify-3.log" 2>&1 || DOWN_RC=1
grep -q "^notified" "$WORK/notify-3.log" || DOWN_RC=1
SMS_WAITING=$(sql "select count(*) from notifications_notification where phone='13800000008' and sms_sent_at is null")
sleep 3  # time for a worker that would exit on the lost connection to do so
EXPORT_STATE=$(sql "select state || ' task_id=' || (task_id <> '')::text from exports_exportjob order by id desc limit 1")
WORKERS_ALIVE=$(for pid in "${PIDS[@]}"; do ps -o args= -p "$pid" 2>/dev/null; done | grep -c "rqworker")
note "while Redis was down: the export $EXPORT_STATE; an SMS notified, waiting: $SMS_WAITING ($(grep -c "not queued" "$WORK/notify-3.log") 'not queued' warning); RQ workers still running: $WORKERS_ALIVE"
start_redis || { fail "3. Redis did not start again"; exit 1; }
if [ "$WORKERS_ALIVE" = 0 ]; then  # systemd's Restart=always does this in production
  "${MANAGE[@]}" rqworker --name "faults-$$-c" default >"$WORK/rqworker-c.log" 2>&1 &
  PIDS+=($!)
  note "no RQ worker had survived Redis's stop: one started again (systemd restarts them: Restart=always)"
fi
sql "update exports_exportjob set updated_at = updated_at - interval '2 minutes' where task_id = ''"
sql "update notifications_notification set sms_queued_at = sms_queued_at - interval '11 minutes' where sms_sent_at is null and phone <> ''"
run "${MANAGE[@]}" periodic >"$WORK/periodic-3.log" 2>&1
REQUEUED=$(grep -o "'exports.requeue': [0-9]*\|'notifications.sms_requeue': [0-9]*" "$WORK/periodic-3.log" | tr '\n' ' ')
for _ in $(seq 1 120); do [ "$(sql "select state from exports_exportjob order by id desc limit 1")" = done ] && break; sleep 0.5; done
EXPORT_AFTER=$(sql "select state || ', ' || rows_written || ' rows' from exports_exportjob order by id desc limit 1")
for _ in $(seq 1 120); do [ "$(sql "select count(*) from notifications_notification where phone='13800000008' and sms_sent_at is not null")" = 1 ] && break; sleep 0.5; done
UNSENT=$(sql "select count(*) from notifications_notification where phone <> '' and sms_sent_at is null and sms_error = ''")
PAGE=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")
note "after Redis started again: sweep $REQUEUED; export $EXPORT_AFTER; SMS still unsent: $UNSENT; /readyz $PAGE"
if [ $DOWN_RC = 0 ] && [ "$SMS_WAITING" = 1 ] && [[ "$EXPORT_STATE" == "queued task_id=false" ]] && [[ "$EXPORT_AFTER" == done* ]] && [ "$UNSENT" = 0 ] && [ "$PAGE" = 200 ]; then
  pass "3. Redis down: pages and sign-in served, the export and the SMS waited and were done once Redis was back"
else
  fail "3. Redis down"
fi
