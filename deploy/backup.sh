#!/usr/bin/env bash
# The nightly backup (docs/deployment.md, "Backups"): the database and the uploaded files, named
# by the day, kept BACKUP_KEEP_DAYS days.
#
#   deploy/backup.sh            from cron, in the application's directory or anywhere
#
# Writes into BACKUP_DIR (default /srv/gongzhi-backups, created mode 700):
#   gongzhi-YYYY-MM-DD.dump              pg_dump -Fc of DATABASE_URL's database
#   gongzhi-YYYY-MM-DD.fingerprint.json  `manage.py fingerprint` of the same instant (the dump's
#                                        snapshot): what deploy/restore_check.sh expects to find
#   gongzhi-YYYY-MM-DD.media.tar.gz      MEDIA_ROOT (uploaded spreadsheets, exports)
#   gongzhi-YYYY-MM-DD.sha256            their checksums (sha256sum -c)
# A second run on the same day replaces that day's files; a run that fails leaves the earlier
# ones untouched (files are written aside and moved into place at the end). Then the backups
# older than BACKUP_KEEP_DAYS days (default 14) are deleted.
#
# Settings come from the platform's own (DATABASE_URL, MEDIA_ROOT: the environment or .env beside
# manage.py; AUDIT_KEY is not backed up). Environment: BACKUP_DIR, BACKUP_KEEP_DAYS,
# BACKUP_TIMEOUT (seconds for each of the dump and the archive, default 3600), PYTHON (default
# .venv/bin/python of the application). Exit status non-zero on any failure.
set -euo pipefail
umask 077

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$APP_DIR"
PYTHON=${PYTHON:-$APP_DIR/.venv/bin/python}
BACKUP_DIR=${BACKUP_DIR:-/srv/gongzhi-backups}
KEEP=${BACKUP_KEEP_DAYS:-14}
TIMEOUT=${BACKUP_TIMEOUT:-3600}
[[ $KEEP =~ ^[0-9]+$ && $KEEP -ge 1 ]] || { echo "BACKUP_KEEP_DAYS must be a whole number of days ≥ 1" >&2; exit 2; }

mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
exec 9>"$BACKUP_DIR/.backup.lock"
flock -n 9 || { echo "another backup is running in $BACKUP_DIR" >&2; exit 1; }

settings=$("$PYTHON" deploy/pg_env.py)   # PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, MEDIA_ROOT
eval "$settings"
day=$(date +%F)
name="gongzhi-$day"
started=$(date +%s)
work=$(mktemp -d "$BACKUP_DIR/.work.XXXXXX")
snap_pid=""
cleanup() {
    [[ -n $snap_pid ]] && kill "$snap_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# One instant for the dump and its fingerprint: a transaction that exports its snapshot stays open
# while pg_dump and `manage.py fingerprint` read that snapshot.
coproc SNAP { exec psql -X -q -A -t -v ON_ERROR_STOP=1; }
snap_pid=$SNAP_PID
printf 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\nSELECT pg_export_snapshot();\n' >&"${SNAP[1]}"
snapshot=""
read -r -t 60 snapshot <&"${SNAP[0]}" || true
[[ $snapshot =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] || { echo "could not export a snapshot of $PGDATABASE" >&2; exit 1; }

timeout "$TIMEOUT" pg_dump --format=custom --snapshot="$snapshot" --file="$work/$name.dump"
timeout "$TIMEOUT" "$PYTHON" manage.py fingerprint --snapshot "$snapshot" >"$work/$name.fingerprint.json"
printf 'COMMIT;\n' >&"${SNAP[1]}"
exec {SNAP[1]}>&-
wait "$snap_pid" || true
snap_pid=""

if [[ -d $MEDIA_ROOT ]]; then
    timeout "$TIMEOUT" tar -C "$MEDIA_ROOT" -czf "$work/$name.media.tar.gz" .
else
    tar -czf "$work/$name.media.tar.gz" --files-from=/dev/null   # no upload yet: an empty archive
fi
(cd "$work" && sha256sum "$name.dump" "$name.fingerprint.json" "$name.media.tar.gz" >"$name.sha256")

for suffix in dump fingerprint.json media.tar.gz sha256; do
    mv -f "$work/$name.$suffix" "$BACKUP_DIR/$name.$suffix"
done

# Retention: the backups of the last KEEP days stay (by the day in their name), older ones go.
cutoff=$(date -d "$day - $KEEP days" +%F)
removed=0
for file in "$BACKUP_DIR"/gongzhi-????-??-??.*; do
    [[ -e $file ]] || continue
    stamp=$(basename "$file")
    stamp=${stamp:8:10}
    if [[ ! $stamp > $cutoff ]]; then
        rm -f -- "$file"
        removed=$((removed + 1))
    fi
done

size=$(du -h "$BACKUP_DIR/$name.dump" | cut -f1)
media=$(du -h "$BACKUP_DIR/$name.media.tar.gz" | cut -f1)
kept=$(ls "$BACKUP_DIR"/gongzhi-????-??-??.dump 2>/dev/null | wc -l)
echo "backup $BACKUP_DIR/$name: database $PGDATABASE $size, media $media, $(($(date +%s) - started)) s;" \
    "$kept backup(s) kept ($KEEP days), $removed old file(s) removed"
