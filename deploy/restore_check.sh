#!/usr/bin/env bash
# Check that a backup restores (docs/deployment.md, "Backups"): restore the dump into a NEW
# database on this machine's PostgreSQL, then
#   - `manage.py migrate --check`: the restored schema is the one this code expects;
#   - `manage.py verify_audit`: every audit chain is intact (AUDIT_KEY as in production), and with
#     --expect, holds the chain heads kept outside the database before the backup was taken;
#   - `manage.py fingerprint` of the restored copy equals the one taken with the dump, from the
#     dump's own snapshot: every town's three rates for the last 12 months, each town's
#     joint-meeting compliance table this year, every table's rows, the audit chains' heads
#     (with --live: equals the source database's now, for a database nobody writes to);
#   - the checksums of the backup's files, and the uploaded files' archive reads to its end.
# Prints a short report; exits 1 on any failure or difference (2 on wrong usage). The restored
# database is dropped at the end, whatever happened; every step is bounded in time
# (RESTORE_CHECK_TIMEOUT seconds in all, default 3600).
#
#   deploy/restore_check.sh [--live] [--expect HEADS] [--tamper FILE.sql] [BACKUP]
#
# BACKUP: a .dump file, or a backup's name or day (gongzhi-2026-05-02, 2026-05-02); default the
# newest in BACKUP_DIR (default /srv/gongzhi-backups). --tamper runs FILE.sql (as RESTORE_PGUSER)
# in the restored copy before the checks: a drill that proves the check fails when it should.
#
# It only connects to 127.0.0.1: the restore goes to RESTORE_PGHOST (127.0.0.1, localhost or ::1;
# default 127.0.0.1) : RESTORE_PGPORT (5432) as RESTORE_PGUSER (postgres; RESTORE_PGPASSWORD if
# needed), a role that may create databases; --live reads DATABASE_URL's database, which must be
# on this machine too. PYTHON defaults to the application's .venv/bin/python.
set -euo pipefail
umask 077

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$APP_DIR"
PYTHON=${PYTHON:-$APP_DIR/.venv/bin/python}
BACKUP_DIR=${BACKUP_DIR:-/srv/gongzhi-backups}
TIMEOUT=${RESTORE_CHECK_TIMEOUT:-3600}
R_HOST=${RESTORE_PGHOST:-127.0.0.1}
R_PORT=${RESTORE_PGPORT:-5432}
R_USER=${RESTORE_PGUSER:-postgres}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
live=0
expect=()
tamper=""
backup=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --live) live=1 ;;
        --tamper) [[ $# -ge 2 ]] || usage; tamper=$2; shift ;;
        --expect) [[ $# -ge 2 && -f $2 ]] || usage; expect+=(--expect "$(realpath "$2")"); shift ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) [[ -z $backup ]] || usage; backup=$1 ;;
    esac
    shift
done

local_host() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
local_host "$R_HOST" || { echo "RESTORE_PGHOST=$R_HOST: a restore check only touches this machine (127.0.0.1)" >&2; exit 2; }

# The backup's files.
if [[ -z $backup ]]; then
    backup=$(ls "$BACKUP_DIR"/gongzhi-????-??-??.dump 2>/dev/null | sort | tail -n 1 || true)
    [[ -n $backup ]] || { echo "no backup in $BACKUP_DIR" >&2; exit 2; }
elif [[ $backup =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
    backup="$BACKUP_DIR/gongzhi-$backup.dump"
elif [[ $backup != *.dump ]]; then
    [[ $backup == */* ]] || backup="$BACKUP_DIR/$backup"
    backup="$backup.dump"
fi
[[ -f $backup ]] || { echo "$backup: no such backup" >&2; exit 2; }
[[ -z $tamper || -f $tamper ]] || { echo "$tamper: no such file" >&2; exit 2; }
if [[ $live == 1 ]]; then
    settings=$("$PYTHON" deploy/pg_env.py)   # the source database (PGHOST, PGDATABASE…), as the platform's settings
    eval "$settings"
    local_host "${PGHOST:-127.0.0.1}" || { echo "--live: DATABASE_URL's host $PGHOST is not this machine" >&2; exit 2; }
fi
base=${backup%.dump}
dir=$(dirname "$backup")
name=$(basename "$base")

started=$(date +%s)
deadline=$((started + TIMEOUT))
left() { local n=$((deadline - $(date +%s))); echo $((n > 1 ? n : 1)); }
failures=0
report=()
line() {  # a step's line of the report: name, ok / FAIL / note, what was found
    report+=("$(printf '  %-16s %-4s %s' "$1" "$2" "$3")")
    if [[ $2 == FAIL ]]; then failures=$((failures + 1)); fi
}
why() {  # why a step failed: its exit status 124 is the time limit, else the start of its output
    if [[ $1 == 124 ]]; then echo "out of time (RESTORE_CHECK_TIMEOUT=$TIMEOUT s)"; else head -c 300 "$2" | tr '\n' ' '; fi
}
step=""   # the step running: named in the report if something unforeseen stops the check there
done_=0
print_report() {
    echo "restore check of $backup ($(date '+%F %T'))"
    printf '%s\n' "${report[@]}"
    if [[ $failures -eq 0 ]]; then
        echo "RESULT: PASS in $(($(date +%s) - started)) s"
    else
        echo "RESULT: FAIL ($failures check(s)) in $(($(date +%s) - started)) s"
    fi
}

work=$(mktemp -d)
restored="gongzhi_restore_check_$(date +%Y%m%d%H%M%S)_$$"
export RESTORE_PASSWORD=${RESTORE_PGPASSWORD:-}
admin() { PGPASSWORD=$RESTORE_PASSWORD timeout "$(left)" psql -X -q -v ON_ERROR_STOP=1 \
    -h "$R_HOST" -p "$R_PORT" -U "$R_USER" "$@"; }
created=0
finish() {
    local status=$?
    if [[ $done_ == 0 ]]; then   # stopped before the end: say where, and fail
        line "${step:-check}" FAIL "stopped (exit status $status$([[ $status == 124 ]] && echo ", out of time"))"
        print_report
        status=1
    fi
    if [[ $created == 1 ]]; then
        if PGPASSWORD=$RESTORE_PASSWORD timeout 120 psql -X -q -h "$R_HOST" -p "$R_PORT" -U "$R_USER" -d postgres \
            -c "DROP DATABASE IF EXISTS \"$restored\" WITH (FORCE)"; then
            echo "restored database $restored dropped"
        else
            echo "could not drop the restored database $restored: drop it by hand" >&2
            status=1
        fi
    fi
    rm -rf "$work"
    exit "$status"
}
trap finish EXIT
trap 'exit 1' INT TERM

# 1. The backup's files are those written (checksums), and the uploads' archive reads to its end.
step=checksums
if [[ -f $base.sha256 ]]; then
    if (cd "$dir" && timeout "$(left)" sha256sum --quiet -c "$name.sha256") >"$work/sha" 2>&1; then
        line checksums ok "$(wc -l <"$base.sha256") file(s) as written"
    else
        line checksums FAIL "$(why $? "$work/sha")"
    fi
else
    line checksums FAIL "no $name.sha256"
fi
step=media
if [[ ! -f $base.media.tar.gz ]]; then
    line media FAIL "no $name.media.tar.gz"
elif timeout "$(left)" tar -tzf "$base.media.tar.gz" >"$work/media" 2>"$work/tar"; then
    line media ok "$(grep -vc '/$' "$work/media" || true) file(s) in $name.media.tar.gz"
else
    line media FAIL "$(why $? "$work/tar")"
fi

# 2. Restore into a new database.
step=restore
admin -d postgres -c "CREATE DATABASE \"$restored\""
created=1
t0=$(date +%s)
if PGPASSWORD=$RESTORE_PASSWORD timeout "$(left)" pg_restore --exit-on-error --no-owner --no-privileges \
    -h "$R_HOST" -p "$R_PORT" -U "$R_USER" -d "$restored" "$backup" 2>"$work/restore"; then
    line restore ok "$(du -h "$backup" | cut -f1) into $restored in $(($(date +%s) - t0)) s"
    restored_ok=1
else
    line restore FAIL "$(why $? "$work/restore")"
    restored_ok=0
fi
if [[ $restored_ok == 1 && -n $tamper ]]; then
    step=drill
    admin -d "$restored" -f "$tamper" >/dev/null
    line drill note "ran $(basename "$tamper") in the restored copy: the checks below must fail"
fi

# The platform's commands on the restored copy (the platform's settings otherwise).
restored_url=$("$PYTHON" -c 'import sys, urllib.parse as u; user, password, host, port, db = sys.argv[1:]
auth = u.quote(user, safe="") + (":" + u.quote(password, safe="") if password else "")
host = "[" + host + "]" if ":" in host else host
print(f"postgres://{auth}@{host}:{port}/{db}")' \
    "$R_USER" "$RESTORE_PASSWORD" "$R_HOST" "$R_PORT" "$restored")
on_restored() { DATABASE_URL=$restored_url timeout "$(left)" "$PYTHON" manage.py "$@"; }

if [[ $restored_ok == 1 ]]; then
    # 3. The schema is the code's.
    step="migrate --check"
    if on_restored migrate --check >"$work/migrate" 2>&1; then
        line "migrate --check" ok "no migration missing"
    else
        line "migrate --check" FAIL "$(why $? "$work/migrate")"
    fi

    # 4. The audit log is intact.
    step=verify_audit
    if on_restored verify_audit "${expect[@]}" >"$work/audit" 2>&1; then
        line verify_audit ok "$(tail -n 1 "$work/audit")"
    else
        status=$?
        grep BROKEN "$work/audit" >"$work/broken" || cp "$work/audit" "$work/broken"
        line verify_audit FAIL "$(why $status "$work/broken")"
    fi

    # 5. The same figures: those taken with the dump (or the source database's now, --live).
    step=figures
    expected="$base.fingerprint.json"
    against="the fingerprint taken with the dump"
    if [[ $live == 1 ]]; then
        expected="$work/source.json"
        against="the source database $PGDATABASE now"
        timeout "$(left)" "$PYTHON" manage.py fingerprint >"$expected"
    fi
    if [[ ! -f $expected ]]; then
        line figures FAIL "no $name.fingerprint.json (--live compares with the source database)"
    else
        today=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["today"])' "$expected")
        on_restored fingerprint --today "$today" >"$work/restored.json"
        if diff -u "$expected" "$work/restored.json" >"$work/diff"; then
            line figures ok "$(grep -c '^"' "$expected") figures equal to $against (for $today)"
        else
            changed=$(grep -c '^-"' "$work/diff" || true)
            line figures FAIL "$changed figure(s) differ from $against (for $today); - expected, + restored:"
            while IFS= read -r difference; do
                report+=("      $difference")
            done < <(grep '^[-+]"' "$work/diff" | head -n 20)
        fi
    fi
else
    line checks FAIL "not run: nothing restored"
fi

step=""
done_=1
print_report
[[ $failures -eq 0 ]]
