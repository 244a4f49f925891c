# Shared by deploy/smoke.sh and deploy/faults.sh (sourced, not run): results, long commands that a
# signal can interrupt, free ports, stopping what was started, the watchdog. The script sets ROOT,
# PY and TIMEOUT first, and its own `cleanup` calls stop_started and report.
PIDS=()
RESULTS=()
FAILED=0

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
pass() { RESULTS+=("PASS  $1"); log "PASS $1"; }
fail() { RESULTS+=("FAIL  $1"); log "FAIL $1"; FAILED=1; }
note() { RESULTS+=("      $1"); log "  $1"; }
# A long command in the background, waited for: the watchdog's signal interrupts `wait` at once
# (it would wait for a foreground command to end), and cleanup stops the command.
run() { "$@" & CURRENT=$!; wait $CURRENT; local rc=$?; CURRENT=; return $rc; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Every process in PIDS (and the command `run` was waiting for) asked to stop, given up to
# $1 half-seconds, then killed; the watchdog stopped.
stop_started() {
  [ -n "${WATCHDOG:-}" ] && kill "$WATCHDOG" 2>/dev/null
  [ -n "${CURRENT:-}" ] && PIDS+=("$CURRENT")
  local pid alive
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 "${1:-40}"); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
}

# The results, one line each, and the verdict; exits with 0 only when every check passed.
report() {
  echo
  echo "=== $1: $(date -Iseconds) ==="
  printf '%s\n' "${RESULTS[@]}"
  if [ $FAILED = 0 ] && [ ${#RESULTS[@]} -gt 0 ]; then echo "RESULT: PASS${2:+ ($2)}"; else echo "RESULT: FAIL"; FAILED=1; fi
  exit $FAILED
}

# On exit, failure or Ctrl-C: `cleanup`; after TIMEOUT seconds the script stops itself.
arm() {
  exec 3>&1 4>&2  # the script's own output, whatever a step's output was redirected to when a signal came
  trap cleanup EXIT
  trap 'fail "interrupted or timed out"; exit 1' INT TERM
  ( sleep "$TIMEOUT"; kill -TERM $$ ) 2>/dev/null &
  WATCHDOG=$!
}
