#!/usr/bin/env bash
# SMTP delivery benchmark: starts Estafeta on a temporary data dir, sends MESSAGES messages of SIZE
# bytes over SESSIONS parallel SMTP sessions with Postfix's smtp-source to USERS local users, checks
# that every message was stored, and prints messages/second and the server's peak RSS (VmHWM).
# With POSTFIX=1 every run is paired with one against a throwaway Postfix (Debian's, its own
# main.cf/master.cf in a temp dir, a virtual Maildir domain with the same users, no TLS), the two
# alternating, and the medians and their ratio are printed per connection mode.
#
# The per-address connection limit is set well above SESSIONS: with REUSE=0 a closed connection's slot
# is free only once its session has ended on the server, and smtp-source is already reconnecting.
#
# Settings (environment): MESSAGES=20000 SESSIONS=20 SIZE=2048 USERS=10 PORT_OFFSET=14000
#   REUSE=1      keep each session open for its next message (smtp-source -d); 0: one connection
#                each; both: run the two modes one after the other
#   POSTFIX=1    compare with Postfix (needs root: Postfix's daemons run as the postfix user)
#   RUNS=1       runs per server and mode
#   WARMUP=0     messages sent to each fresh server (Estafeta and Postfix alike, same arguments) before
#                the timed ones: the JVM compiles its hot code during the first seconds (with 20,000
#                messages the JIT spends as much CPU as the server), which a long-running server does
#                once; WARMUP=5000 measures what it does afterwards. Both figures mean something: 0 is
#                a cold start, N is a server that has been up for a while
#   KEEP=1       keep the data dirs and server logs afterwards
#   SIEVE_RULES=N give every user an active Sieve script of N rules that never match (every rule is
#                tested), then one that flags the message $Sieved (counted: proof the script ran),
#                then implicit keep: the cost of filtering (bench/sieve.sh compares)
#   SERVER_OPTS  extra JVM options for the server only (e.g. -XX:StartFlightRecording=filename=/tmp/s.jfr)
#   SERVER_ARGS  extra serve options (e.g. --set search.background_index=false)
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
POSTFIX=${POSTFIX:-0}
RUNS=${RUNS:-1}
WARMUP=${WARMUP:-0}
KEEP=${KEEP:-0}
SIEVE_RULES=${SIEVE_RULES:-0}
DOMAIN=bench.test

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port=$((25 + PORT_OFFSET))
postfix_port=$((1025 + PORT_OFFSET))

if (( USERS > SESSIONS )); then USERS=$SESSIONS; fi
case "$REUSE" in 0) modes=(0) ;; 1) modes=(1) ;; both) modes=(1 0) ;; *) echo "bench: REUSE is 0, 1 or both" >&2; exit 2 ;; esac

smtp_source=$(postfix_tool smtp-source)
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to count stored messages" >&2; exit 1; }

work=$(mktemp -d /tmp/estafeta-bench.XXXXXX)
server_pid=""
postfix_dir=""
cleanup() {
  stop_process "$server_pid"
  [ -n "$postfix_dir" ] && stop_postfix "$postfix_dir"
  if [ "$KEEP" = 1 ]; then echo "bench: data and logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# send PORT REUSE LOGDIR: one smtp-source per user, the sessions and messages shared out as evenly as
# possible; sets seconds and source_failed.
send() {
  local to_port=$1 reuse=$2 logs=$3 reuse_flag=() pids=() i n s p start end
  [ "$reuse" = 1 ] && reuse_flag=(-d)
  start=$(date +%s.%N)
  for i in $(seq 1 "$USERS"); do
    n=$(( MESSAGES / USERS + (i <= MESSAGES % USERS ? 1 : 0) ))
    s=$(( SESSIONS / USERS + (i <= SESSIONS % USERS ? 1 : 0) ))
    "$smtp_source" "${reuse_flag[@]}" -s "$s" -m "$n" -l "$SIZE" -M bench-client.test \
      -f "sender@$DOMAIN" -t "user$i@$DOMAIN" "127.0.0.1:$to_port" >"$logs/source-$i.log" 2>&1 &
    pids+=($!)
  done
  source_failed=0
  for p in "${pids[@]}"; do wait "$p" || source_failed=$((source_failed + 1)); done
  end=$(date +%s.%N)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
  if (( source_failed > 0 )); then
    echo "bench: $source_failed smtp-source process(es) failed:" >&2
    for i in $(seq 1 "$USERS"); do [ -s "$logs/source-$i.log" ] && sed "s/^/  source-$i: /" "$logs/source-$i.log" | tail -3 >&2; done
  fi
  return 0
}

# warm_up PORT REUSE LOGDIR: sends WARMUP messages the way send does, untimed.
warm_up() {
  (( WARMUP > 0 )) || return 0
  MESSAGES=$WARMUP send "$@"
  (( source_failed == 0 )) || echo "bench: the warm-up failed" >&2
}

# cpu_seconds PIDS...: user+system CPU seconds used so far by these processes and their reaped children.
cpu_seconds() {
  local hz total=0 pid
  hz=$(getconf CLK_TCK)
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$(( total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat") ))
  done
  awk -v t="$total" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}'
}

failed=0
# estafeta_run REUSE RUN: a fresh server and data dir; sets rate.
estafeta_run() {
  local reuse=$1 run=$2 data="$work/estafeta-$1-$2" i
  mkdir -p "$data"
  # Users first (each CLI call is one JVM); this also builds the jar if needed.
  (estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
  for i in $(seq 1 "$USERS"); do
    echo bench-pw | (estafeta --data "$data" user add "user$i@$DOMAIN" --password-stdin >/dev/null)
  done
  if (( SIEVE_RULES > 0 )); then
    local script="$data/bench.sieve" r
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
    --set limits.connections_per_ip=$((SESSIONS * 5 + 10)) --set limits.connections=$((SESSIONS * 5 + 100)) \
    --set web.port=$((PORT_OFFSET + 80)) --set web.tls_port=$((PORT_OFFSET + 443)) ${SERVER_ARGS:-} \
    >"$data/server.log" 2>&1) &
  server_pid=$!
  wait_for_server "$server_pid" "$port" "$data/server.log"

  local cpu_start cpu_end
  warm_up "$port" "$reuse" "$data"
  cpu_start=$(cpu_seconds "$server_pid")
  send "$port" "$reuse" "$data"
  cpu_end=$(cpu_seconds "$server_pid")
  local rss_peak stored problems=$source_failed
  rss_peak=$(awk '/^VmHWM/ {print $2}' /proc/$server_pid/status)
  stored=$(( $(sqlite3 "$data/estafeta.db" 'select count(*) from messages') - WARMUP ))
  (( stored == MESSAGES )) || problems=$((problems + 1))
  if (( SIEVE_RULES > 0 )); then
    local sieved
    sieved=$(sqlite3 "$data/estafeta.db" "select count(*) from keywords where keyword = '\$Sieved'")
    (( sieved == stored )) || { echo "bench: the Sieve script ran for $sieved of $stored messages" >&2; problems=$((problems + 1)); }
  fi
  stop_process "$server_pid"; server_pid=""
  rate=$(awk -v n="$MESSAGES" -v t="$seconds" 'BEGIN {printf "%.0f", n / t}')
  printf '%-8s %-10s run %d: %6s msg/s (%d in %s s), stored %d, server CPU %.1f s, RSS peak %d MiB (idle %d MiB)\n' \
    estafeta "$(mode_name "$reuse")" "$run" "$rate" "$MESSAGES" "$seconds" "$stored" \
    "$(awk -v a="$cpu_start" -v b="$cpu_end" 'BEGIN {print b - a}')" $((rss_peak / 1024)) $((rss_idle / 1024))
  if (( problems > 0 )); then echo "bench: Estafeta FAILED (stored $stored of $MESSAGES)" >&2; failed=1; KEEP=1; fi
  [ "$KEEP" = 1 ] || rm -rf "$data"
}

# postfix_run REUSE RUN: a fresh throwaway Postfix; the rate counts until smtp-source has its last 250
# (Postfix answers once the message is in its queue, fsynced), and the time until virtual(8) has put
# the last one in a Maildir is printed beside it.
postfix_run() {
  local reuse=$1 run=$2
  postfix_dir="$work/postfix-$1-$2"
  start_postfix "$postfix_dir" "$postfix_port"
  local pids cpu_start cpu_end start_all delivered waited=0
  warm_up "$postfix_port" "$reuse" "$postfix_dir"
  while delivered=$(find "$postfix_dir/mail" -path '*/new/*' -type f | wc -l); (( delivered < WARMUP && waited < 600 )); do
    sleep 0.2; waited=$((waited + 1))
  done
  pids=$(pgrep -d' ' -s "$(ps -o sid= -p "$postfix_master" | tr -d ' ')" || true)
  cpu_start=$(cpu_seconds $pids)
  start_all=$(date +%s.%N)
  send "$postfix_port" "$reuse" "$postfix_dir"
  waited=0
  while delivered=$(( $(find "$postfix_dir/mail" -path '*/new/*' -type f | wc -l) - WARMUP )); (( delivered < MESSAGES && waited < 600 )); do
    sleep 0.2; waited=$((waited + 1))
  done
  local drained
  drained=$(awk -v a="$start_all" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
  pids=$(pgrep -d' ' -s "$(ps -o sid= -p "$postfix_master" | tr -d ' ')" || true)
  cpu_end=$(cpu_seconds $pids)
  stop_postfix "$postfix_dir"; postfix_dir=""
  rate=$(awk -v n="$MESSAGES" -v t="$seconds" 'BEGIN {printf "%.0f", n / t}')
  printf '%-8s %-10s run %d: %6s msg/s (%d in %s s), in Maildirs %d after %s s, Postfix CPU %.1f s\n' \
    postfix "$(mode_name "$reuse")" "$run" "$rate" "$MESSAGES" "$seconds" "$delivered" "$drained" \
    "$(awk -v a="$cpu_start" -v b="$cpu_end" 'BEGIN {print b - a}')"
  if (( source_failed > 0 || delivered != MESSAGES )); then echo "bench: Postfix run incomplete ($delivered of $MESSAGES)" >&2; fi
}

mode_name() { if [ "$1" = 1 ]; then echo reuse; else echo connection; fi; }

echo "bench: $MESSAGES messages (after $WARMUP untimed) of $SIZE bytes, $SESSIONS sessions, $USERS users, $SIEVE_RULES Sieve rules; Estafeta on $port$([ "$POSTFIX" = 1 ] && echo ", Postfix $(postconf -d -h mail_version) on $postfix_port"); load average $(cut -d' ' -f1-3 /proc/loadavg)"
summary=()
for reuse in "${modes[@]}"; do
  estafeta_rates=() postfix_rates=()
  for run in $(seq "$RUNS"); do
    estafeta_run "$reuse" "$run"; estafeta_rates+=("$rate")
    if [ "$POSTFIX" = 1 ]; then postfix_run "$reuse" "$run"; postfix_rates+=("$rate"); fi
  done
  line="median   $(printf '%-10s' "$(mode_name "$reuse")"): Estafeta $(median "${estafeta_rates[@]}") msg/s"
  if [ "$POSTFIX" = 1 ]; then
    e=$(median "${estafeta_rates[@]}") p=$(median "${postfix_rates[@]}")
    line="$line, Postfix $p msg/s, ratio $(awk -v a="$e" -v b="$p" 'BEGIN {printf "%.2f", a / b}')"
  fi
  summary+=("$line")
done
printf '%s\n' "${summary[@]}"
echo "load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
if (( failed )); then echo "bench: FAILED" >&2; exit 1; fi
