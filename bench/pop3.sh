#!/usr/bin/env bash
# POP3 benchmark: starts Estafeta on a temporary data dir with USERS users, fills their maildrops
# through SMTP with MESSAGES messages of about SIZE bytes, and has CLIENTS parallel POP3 clients
# (bench/pop3_load.py) do login/LIST/RETR/DELE/QUIT cycles until every maildrop is empty. That is
# repeated (refill untimed, emptying timed) until DURATION seconds of POP3 time have passed, since 1,500
# messages last less than a second at the target rate; a first warm-up round is reported apart. Prints
# messages retrieved and deleted per second and the server's peak RSS (VmHWM); checks that every
# message was retrieved and deleted.
#
# Settings (environment): USERS=100 MESSAGES=1500 SIZE=6000 CLIENTS=10 DURATION=30 PORT_OFFSET=23000
#   SEED_CLIENTS=40 SMTP connections that refill the maildrops between rounds
#   PIPELINE=1   clients send their RETR/DELE/QUIT commands at once (RFC 2449 PIPELINING); 0: one by one
#   KEEP=1       keep the data dir and server log afterwards
#   SERVER_OPTS  extra JVM options for the server only (e.g. -XX:StartFlightRecording=filename=/tmp/p.jfr)
#   ESTAFETA_JAR run this jar with a JDK 25 instead of ./estafeta (which rebuilds when sources change)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

USERS=${USERS:-100}
MESSAGES=${MESSAGES:-1500}
SIZE=${SIZE:-6000}
CLIENTS=${CLIENTS:-10}
SEED_CLIENTS=${SEED_CLIENTS:-40}
DURATION=${DURATION:-30}
PORT_OFFSET=${PORT_OFFSET:-23000}
PIPELINE=${PIPELINE:-0}
KEEP=${KEEP:-0}
DOMAIN=bench.test
PASSWORD=bench-password

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_home=${JAVA_HOME:-}
"${java_home:-/nonexistent}/bin/java" -version 2>&1 | grep -q 'version "25' || java_home=$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)
[ -x "$java_home/bin/java" ] || { echo "bench: no JDK 25 found; set JAVA_HOME" >&2; exit 1; }
jar=${ESTAFETA_JAR:-$here/target/estafeta.jar}
smtp_port=$((25 + PORT_OFFSET))
pop3_port=$((110 + PORT_OFFSET))

command -v python3 >/dev/null || { echo "bench: python3 is needed for the load client" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to check the store afterwards" >&2; exit 1; }
for port in "$smtp_port" "$pop3_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port is already in use (another server?); set PORT_OFFSET" >&2; exit 1
  fi
done

data=$(mktemp -d /tmp/estafeta-pop3-bench.XXXXXX)
log="$data/server.log"
server_pid=""
cleanup() {
  stop_process "$server_pid"
  if [ "$KEEP" = 1 ]; then echo "bench: data and log kept in $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT

# The first CLI call builds the jar if needed; then the users in one JVM (see BenchUsers.java).
(estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$jar" "$here/bench/BenchUsers.java" \
  "$data" "$DOMAIN" "$USERS" "$PASSWORD"
accounts=$(sqlite3 "$data/estafeta.db" 'select count(*) from accounts')
(( accounts == USERS )) || { echo "bench: made $accounts users, expected $USERS" >&2; exit 1; }

# The launcher execs java, so $! is the JVM itself. JDK_JAVA_OPTIONS reaches the server's JVM only.
JDK_JAVA_OPTIONS="${SERVER_OPTS:-}" estafeta --data "$data" serve --port-offset "$PORT_OFFSET" \
  --set limits.connections_per_ip=$((CLIENTS + SEED_CLIENTS + 10)) --set limits.connections=$((CLIENTS + SEED_CLIENTS + 100)) \
  >"$log" 2>&1 &
server_pid=$!

wait_for_server "$server_pid" "$pop3_port" "$log"

echo "bench: $USERS users, $MESSAGES messages of ~$SIZE bytes per round, $CLIENTS POP3 clients," \
  "pipelining $([ "$PIPELINE" = 1 ] && echo on || echo off), ${DURATION} s of POP3 time (server pid $server_pid)"
pipeline_flag=(); [ "$PIPELINE" = 1 ] && pipeline_flag=(--pipeline)
result=$(python3 "$here/bench/pop3_load.py" --pop3-port "$pop3_port" --smtp-port "$smtp_port" --domain "$DOMAIN" \
  --password "$PASSWORD" --users "$USERS" --messages "$MESSAGES" --size "$SIZE" --clients "$CLIENTS" \
  --seed-clients "$SEED_CLIENTS" --seconds "$DURATION" --server-pid "$server_pid" "${pipeline_flag[@]}")
get() { sed -n "s/^$1=//p" <<<"$result"; }

rss_peak=$(awk '/^VmHWM/ {print $2}' /proc/$server_pid/status)
left=$(sqlite3 "$data/estafeta.db" 'select count(*) from messages')

printf 'warm-up:     %d messages in %s s = %s msg/s (cold JIT, an Argon2id check for each first login)\n' \
  "$(get warmup_messages)" "$(get warmup_seconds)" "$(get warmup_rate)"
printf 'retrieved:   %d messages (and deleted), %d sessions, in %s s of POP3 time over %d rounds\n' \
  "$(get messages)" "$(get sessions)" "$(get pop3_seconds)" "$(get rounds)"
printf 'throughput:  %s msg/s retrieved and deleted, %s sessions/s\n' "$(get rate)" "$(get sessions_rate)"
pct() { awk -v c="$1" -v t="$(get pop3_seconds)" -v n="$(nproc)" 'BEGIN {printf "%.0f", 100 * c / t / n}'; }
printf 'CPU:         server %s s, load client %s s during the POP3 rounds (%s%% and %s%% of %d cores)\n' \
  "$(get server_cpu)" "$(get client_cpu)" "$(pct "$(get server_cpu)")" "$(pct "$(get client_cpu)")" "$(nproc)"
printf 'refilling:   %s s through SMTP, not counted\n' "$(get seed_seconds)"
printf 'left:        %d messages in the store (expected 0)\n' "$left"
printf 'server RSS:  peak %d MiB (VmHWM, refilling included), %d MiB idle before the run\n' $((rss_peak / 1024)) $((rss_idle / 1024))
printf 'load:        %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

if (( left != 0 )); then
  echo "bench: FAILED ($left messages were not deleted)" >&2
  KEEP=1
  exit 1
fi
