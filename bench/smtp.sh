#!/usr/bin/env bash
# SMTP delivery benchmark: starts Estafeta on a temporary data dir, sends MESSAGES messages of SIZE
# bytes over SESSIONS parallel SMTP sessions with Postfix's smtp-source to USERS local users, checks
# that every message was stored, and prints messages/second and the server's peak RSS (VmHWM).
#
# Settings (environment): MESSAGES=20000 SESSIONS=20 SIZE=2048 USERS=10 PORT_OFFSET=14000
#   REUSE=1      keep each session open for its next message (smtp-source -d); 0: one connection each
#   KEEP=1       keep the data dir and server log afterwards
#   SIEVE_RULES=N give every user an active Sieve script of N rules that never match (every rule is
#                tested), then one that flags the message $Sieved (counted: proof the script ran),
#                then implicit keep: the cost of filtering (bench/sieve.sh compares)
#   SERVER_OPTS  extra JVM options for the server only (e.g. -XX:StartFlightRecording=filename=/tmp/s.jfr)
#   ESTAFETA_JAR run this jar with a JDK 25 instead of ./estafeta (which rebuilds when sources change):
#                for measuring a fixed build while the tree is being edited
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MESSAGES=${MESSAGES:-20000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-2048}
USERS=${USERS:-10}
PORT_OFFSET=${PORT_OFFSET:-14000}
REUSE=${REUSE:-1}
KEEP=${KEEP:-0}
SIEVE_RULES=${SIEVE_RULES:-0}
DOMAIN=bench.test

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${ESTAFETA_JAR:-}" ]; then
  java_home=${JAVA_HOME:-}
  "${java_home:-/nonexistent}/bin/java" -version 2>&1 | grep -q 'version "25' || java_home=$(ls -d /usr/lib/jvm/*25* | head -1)
  estafeta() { exec "$java_home/bin/java" --enable-native-access=ALL-UNNAMED -jar "$ESTAFETA_JAR" "$@"; }
else
  estafeta() { exec "$here/estafeta" "$@"; }
fi
port=$((25 + PORT_OFFSET))

if (( USERS > SESSIONS )); then USERS=$SESSIONS; fi

smtp_source=$(postfix_tool smtp-source)
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to count stored messages" >&2; exit 1; }

data=$(mktemp -d /tmp/estafeta-bench.XXXXXX)
log="$data/server.log"
server_pid=""
cleanup() {
  stop_process "$server_pid"
  if [ "$KEEP" = 1 ]; then echo "bench: data and log kept in $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT

# Users first (each CLI call is one JVM); this also builds the jar if needed.
(estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
for i in $(seq 1 "$USERS"); do
  echo bench-pw | (estafeta --data "$data" user add "user$i@$DOMAIN" --password-stdin >/dev/null)
done

if (( SIEVE_RULES > 0 )); then
  script="$data/bench.sieve"
  echo 'require ["fileinto", "imap4flags"];' >"$script"
  for r in $(seq 1 "$SIEVE_RULES"); do
    echo "if header :contains [\"subject\", \"from\"] \"nomatch$r\" { fileinto \"Folder$r\"; addflag \"\\\\Flagged\"; }" >>"$script"
  done
  # The last rule always matches, so that the count below proves the script ran for every message.
  echo 'addflag "$Sieved";' >>"$script"
  sqlite3 "$data/estafeta.db" "INSERT INTO sieve_scripts(account_id, name, content, active, updated)
    SELECT id, 'bench', CAST(readfile('$script') AS TEXT), 1, 0 FROM accounts"
fi

# The launcher execs java, so $! is the JVM itself. JDK_JAVA_OPTIONS reaches the server's JVM only.
(JDK_JAVA_OPTIONS="${SERVER_OPTS:-}" estafeta --data "$data" serve --port-offset "$PORT_OFFSET" \
  --set limits.connections_per_ip=$((SESSIONS + 10)) --set limits.connections=$((SESSIONS + 100)) \
  --set web.port=$((PORT_OFFSET + 80)) --set web.tls_port=$((PORT_OFFSET + 443)) \
  >"$log" 2>&1) &
server_pid=$!

wait_for_server "$server_pid" "$port" "$log"

# One smtp-source per user; sessions and messages shared out as evenly as possible.
echo "bench: $MESSAGES messages of $SIZE bytes, $SESSIONS sessions, $USERS users, $SIEVE_RULES Sieve rules, port $port (server pid $server_pid)"
reuse_flag=(); [ "$REUSE" = 1 ] && reuse_flag=(-d)
pids=()
cpu_ticks() { awk '{print $14, $15}' "/proc/$server_pid/stat"; }  # user, system
cpu_start=$(cpu_ticks)
start=$(date +%s.%N)
for i in $(seq 1 "$USERS"); do
  n=$(( MESSAGES / USERS + (i <= MESSAGES % USERS ? 1 : 0) ))
  s=$(( SESSIONS / USERS + (i <= SESSIONS % USERS ? 1 : 0) ))
  "$smtp_source" "${reuse_flag[@]}" -s "$s" -m "$n" -l "$SIZE" -M bench-client.test \
    -f "sender@$DOMAIN" -t "user$i@$DOMAIN" "127.0.0.1:$port" >"$data/source-$i.log" 2>&1 &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
end=$(date +%s.%N)
cpu_end=$(cpu_ticks)

rss_peak=$(awk '/^VmHWM/ {print $2}' /proc/$server_pid/status)
stored=$(sqlite3 "$data/estafeta.db" 'select count(*) from messages')
if (( SIEVE_RULES > 0 )); then
  sieved=$(sqlite3 "$data/estafeta.db" "select count(*) from keywords where keyword = '\$Sieved'")
  (( sieved == stored )) || { echo "bench: the Sieve script ran for $sieved of $stored messages" >&2; failed=$((failed + 1)); }
fi
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
read -r user_start sys_start <<<"$cpu_start"
read -r user_end sys_end <<<"$cpu_end"
hz=$(getconf CLK_TCK)
cpu_user=$(awk -v t="$(( user_end - user_start ))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
cpu_sys=$(awk -v t="$(( sys_end - sys_start ))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
cpu=$(awk -v a="$cpu_user" -v b="$cpu_sys" 'BEGIN {printf "%.1f", a + b}')
cores=$(nproc)
rate=$(awk -v n="$MESSAGES" -v t="$seconds" 'BEGIN {printf "%.0f", n / t}')

if (( failed > 0 )); then
  echo "bench: $failed smtp-source process(es) failed:" >&2
  for i in $(seq 1 "$USERS"); do [ -s "$data/source-$i.log" ] && sed "s/^/  source-$i: /" "$data/source-$i.log" | tail -3 >&2; done
fi
printf 'sent:        %d messages in %s s\n' "$MESSAGES" "$seconds"
printf 'throughput:  %s msg/s\n' "$rate"
printf 'stored:      %d of %d\n' "$stored" "$MESSAGES"
printf 'server CPU:  %s s during the run (user %s, system %s; %s%% of %d cores)\n' "$cpu" "$cpu_user" "$cpu_sys" \
  "$(awk -v c="$cpu" -v t="$seconds" -v n="$cores" 'BEGIN {printf "%.0f", 100 * c / t / n}')" "$cores"
printf 'server RSS:  peak %d MiB (VmHWM), %d MiB idle before the run\n' $((rss_peak / 1024)) $((rss_idle / 1024))

if (( failed > 0 || stored != MESSAGES )); then
  echo "bench: FAILED (stored $stored of $MESSAGES)" >&2
  KEEP=1
  exit 1
fi
