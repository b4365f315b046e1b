#!/usr/bin/env bash
# IMAP benchmark: starts Estafeta on a temporary data dir with USERS users, then
#  1. mix:  CLIENTS concurrent clients run IMAP sessions for DURATION s (LOGIN, LIST, STATUS, SELECT,
#           FETCH flags/envelopes and full bodies, STORE, APPEND, EXPUNGE, LOGOUT), each checking every
#           answer against the INBOX model it keeps; prints commands/s and errors;
#  2. idle: IDLE_CONNECTIONS sessions IDLE on one INBOX, one message arrives by SMTP; prints how long
#           until the last session saw it, and the server's RSS holding them.
# Prints the server's peak RSS (VmHWM). Exits non-zero on any error.
#
# Settings (environment): USERS=100 CLIENTS=50 DURATION=30 IDLE_CONNECTIONS=10000 PORT_OFFSET=15000
#   SKIP_IDLE=1 / SKIP_MIX=1  run only one part;  KEEP=1 keep the data dir and server log
#   SERVER_OPTS  extra JVM options for the server;  ESTAFETA_JAR  run this jar instead of ./estafeta
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

USERS=${USERS:-100}
CLIENTS=${CLIENTS:-50}
DURATION=${DURATION:-30}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
PORT_OFFSET=${PORT_OFFSET:-15000}
KEEP=${KEEP:-0}
DOMAIN=bench.test
PASSWORD=bench-pw

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_home=${JAVA_HOME:-}
"${java_home:-/nonexistent}/bin/java" -version 2>&1 | grep -q 'version "25' || java_home=$(ls -d /usr/lib/jvm/*25* | head -1)
imap_port=$((143 + PORT_OFFSET))
smtp_port=$((25 + PORT_OFFSET))
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to create the users quickly" >&2; exit 1; }

data=$(mktemp -d /tmp/estafeta-imap-bench.XXXXXX)
log="$data/server.log"
server_pid=""
cleanup() {
  stop_process "$server_pid"
  if [ "$KEEP" = 1 ]; then echo "bench: data and log kept in $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT

# One user through the CLI (this also builds the jar), the others cloned from it in SQL: a JVM per
# user would take minutes. Same password hash and SCRAM keys, same default mailboxes.
(estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
echo "$PASSWORD" | (estafeta --data "$data" user add "user1@$DOMAIN" --password-stdin >/dev/null)
clone_users_sql "$USERS" "$DOMAIN" | sqlite3 "$data/estafeta.db"

limit=$((IDLE_CONNECTIONS + CLIENTS + 100))
(JDK_JAVA_OPTIONS="${SERVER_OPTS:-}" estafeta --data "$data" serve --port-offset "$PORT_OFFSET" \
  --set limits.connections_per_ip=$limit --set limits.connections=$limit >"$log" 2>&1) &
server_pid=$!
wait_for_server "$server_pid" "$imap_port" "$log"

load() { "$java_home/bin/java" -Xss512k "$here/bench/ImapLoad.java" "$@"; }
failed=0
if [ "${SKIP_MIX:-0}" != 1 ]; then
  echo "bench: mix of $CLIENTS clients over $USERS users for $DURATION s, IMAP port $imap_port (server pid $server_pid)"
  out=$(load mix "$imap_port" "$USERS" "$CLIENTS" "$DURATION" "$DOMAIN" "$PASSWORD") || failed=1
  echo "$out"
  grep -q '^errors: *0$' <<<"$out" || failed=1
  printf 'server RSS:  %d MiB after the mix, peak %d MiB\n' $(( $(awk '/^VmRSS/ {print $2}' /proc/$server_pid/status) / 1024 )) \
    $(( $(awk '/^VmHWM/ {print $2}' /proc/$server_pid/status) / 1024 ))
fi
if [ "${SKIP_IDLE:-0}" != 1 ]; then
  echo "bench: $IDLE_CONNECTIONS connections IDLE on one INBOX"
  ulimit -n $((IDLE_CONNECTIONS + 1000)) 2>/dev/null || true
  load idle "$imap_port" "$smtp_port" "$IDLE_CONNECTIONS" "user1@$DOMAIN" "$PASSWORD" >"$data/idle.out" 2>&1 &
  load_pid=$!
  rss_held=0
  while kill -0 "$load_pid" 2>/dev/null; do
    grep -q 'delivering one message' "$data/idle.out" 2>/dev/null && [ "$rss_held" = 0 ] && \
      rss_held=$(awk '/^VmRSS/ {print $2}' /proc/$server_pid/status)
    sleep 0.2
  done
  wait "$load_pid" || failed=1
  grep -v '^idle: [0-9]* connections idling' "$data/idle.out"
  grep -q '^errors: *0$' "$data/idle.out" || failed=1
  printf 'server RSS:  %d MiB holding %d idle connections\n' $((rss_held / 1024)) "$IDLE_CONNECTIONS"
fi
printf 'server RSS:  peak %d MiB (VmHWM), %d MiB before the runs\n' \
  $(( $(awk '/^VmHWM/ {print $2}' /proc/$server_pid/status) / 1024 )) $((rss_idle / 1024))
if (( failed )); then KEEP=1; echo "bench: FAILED" >&2; exit 1; fi
