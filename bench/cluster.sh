#!/usr/bin/env bash
# Cluster benchmark: the cost of PostgreSQL and of more nodes, on one machine. Each set-up is a fresh
# store behind a throwaway HAProxy (TCP mode, send-proxy-v2, health checks, round robin, as in
# docs/cluster.md): 1 node on SQLite, then 1, 2 and 3 nodes on one throwaway PostgreSQL (initdb in
# the work dir, fsync on). For each it prints
#   SMTP:     msg/s, and the median and 99th percentile time from MAIL FROM to the 250 after the dot
#             (bench/smtp_load.py, SESSIONS persistent sessions through HAProxy), every message
#             counted in the store;
#   imaptest: commands/s of Dovecot's imaptest stress mix (CLIENTS clients over USERS users for
#             DURATION s) through HAProxy, and its "Error:" lines (there must be none).
# On a 2-core machine more nodes cannot be faster: the point is the overhead of PostgreSQL and that
# nothing collapses or goes wrong when the work is spread over several nodes.
#
# Settings (environment): NODES="1 2 3" (PostgreSQL set-ups)  SQLITE=1 (the 1-node SQLite reference)
#   MESSAGES=5000 SESSIONS=20 SIZE=2048 (SMTP)   USERS=50 CLIENTS=30 DURATION=20 (imaptest)
#   WARMUP=0  seconds of imaptest on other users before the measured run (JIT, pools, caches warm)
#   SKIP_IMAP=1 / SKIP_SMTP=1   PORT_OFFSET=26000   KEEP=1 keep the work dir (logs, data)
#   ESTAFETA_JAR  a fixed build instead of ./estafeta;  IMAPTEST_DIR=/tmp/imaptest (built when missing)
#   PG_SETTINGS   more postgres options, e.g. "-c shared_preload_libraries=pg_stat_statements"
#   PROBE         a command run in the background during each imaptest run, with the arguments
#                 WORK STORE NODES PG_PORT and the node pids, told to stop (TERM) when imaptest is
#                 done: bench/cluster_probe.sh
# Needs root (PostgreSQL runs as the postgres user), haproxy, postgresql, python3, sqlite3.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES=${NODES:-"1 2 3"}
SQLITE=${SQLITE:-1}
MESSAGES=${MESSAGES:-5000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-2048}
USERS=${USERS:-50}
CLIENTS=${CLIENTS:-30}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-0}
PORT_OFFSET=${PORT_OFFSET:-26000}
KEEP=${KEEP:-0}
IMAPTEST_DIR=${IMAPTEST_DIR:-/tmp/imaptest}
DOMAIN=bench.test
WARM_DOMAIN=warm.bench.test
PASSWORD=bench-pw

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in haproxy sqlite3 runuser; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || { echo "bench: postgresql is needed (apt-get install postgresql)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (PostgreSQL runs as the postgres user)" >&2; exit 1; }
python=/usr/bin/python3
if [ "${SKIP_IMAP:-0}" != 1 ]; then
  build="$here/../shared/tools/imaptest/build.sh"
  [ -x "$build" ] || build="$(cd "$here" && git worktree list | awk 'NR==1 {print $1}')/../shared/tools/imaptest/build.sh"
  imaptest=$("$build" "$IMAPTEST_DIR" | tail -1)
fi

work=$(mktemp -d /tmp/estafeta-cluster.XXXXXX)
chmod 755 "$work"
node_pids=()
haproxy_pid=""
pg_data="$work/pg/data"
pg_port=$((5432 + PORT_OFFSET))
lb_smtp=$((25 + PORT_OFFSET))
lb_imap=$((143 + PORT_OFFSET))
cleanup() {
  local pid
  for pid in "${node_pids[@]}"; do stop_process "$pid"; done
  stop_process "$haproxy_pid"
  [ -f "$pg_data/postmaster.pid" ] && runuser -u postgres -- "$pg_bin/pg_ctl" stop -w -m fast -D "$pg_data" >/dev/null 2>&1
  if [ "$KEEP" = 1 ]; then echo "bench: work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A throwaway PostgreSQL: superuser estafeta (password PASSWORD), TCP on loopback, socket in the work dir.
start_postgresql() {
  mkdir -p "$work/pg"
  echo "$PASSWORD" >"$work/pg/pwfile"
  chown -R postgres "$work/pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -U estafeta --pwfile="$work/pg/pwfile" -A scram-sha-256 >"$work/pg/initdb.log"
  runuser -u postgres -- "$pg_bin/pg_ctl" start -w -D "$pg_data" -l "$work/pg/server.log" \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_SETTINGS:-}" >/dev/null
}
psql_as_owner() { PGPASSWORD=$PASSWORD PGOPTIONS="-c client_min_messages=warning" "$pg_bin/psql" -qAt -h 127.0.0.1 -p "$pg_port" -U estafeta -v ON_ERROR_STOP=1 "$@"; }

# haproxy_start NODES: HAProxy in front of nodes 1..NODES for SMTP and IMAP, the checks of docs/cluster.md.
haproxy_start() {
  local n=$1 k cfg="$work/haproxy.cfg"
  {
    printf 'global\n    log stdout format raw local0\ndefaults\n    mode tcp\n    timeout connect 5s\n    timeout client 5m\n    timeout server 5m\n'
    printf '    default-server inter 2s fall 3 rise 2\n'
    printf 'frontend smtp\n    bind 127.0.0.1:%d\n    default_backend smtp\nbackend smtp\n    option smtpchk EHLO haproxy.check\n' "$lb_smtp"
    for k in $(seq "$n"); do printf '    server node%d 127.0.0.1:%d check send-proxy-v2\n' "$k" $((25 + PORT_OFFSET + 1000 * k)); done
    printf 'frontend imap\n    bind 127.0.0.1:%d\n    default_backend imap\nbackend imap\n    option tcp-check\n' "$lb_imap"
    printf '    tcp-check expect string "* OK"\n    tcp-check send "a LOGOUT\\r\\n"\n    tcp-check expect string "a OK"\n'
    for k in $(seq "$n"); do printf '    server node%d 127.0.0.1:%d check send-proxy-v2\n' "$k" $((143 + PORT_OFFSET + 1000 * k)); done
  } >"$cfg"
  haproxy -f "$cfg" -db >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$lb_smtp") 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: haproxy did not start" >&2; cat "$work/haproxy.log" >&2; exit 1
}

# setup STORE NODES [WARM]: a fresh store (sqlite, or a new PostgreSQL database) with user1..USERS
# (and, with WARM, as many users in WARM_DOMAIN for the warm-up), NODES nodes on it (node k on port
# offset PORT_OFFSET + 1000 k), HAProxy in front; sets store_args.
setup() {
  local store=$1 n=$2 k data
  store_args=()
  if [ "$store" = postgresql ]; then
    local db="bench_$n"
    psql_as_owner -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    store_args=(--set "store.url=postgresql://estafeta:$PASSWORD@127.0.0.1:$pg_port/$db" --set store.pool_size=20)
  fi
  rm -rf "$work/node"*
  mkdir -m 700 "$work/node1"
  local domain
  for domain in "$DOMAIN" ${3:+"$WARM_DOMAIN"}; do
    (estafeta --data "$work/node1" "${store_args[@]}" domain add "$domain" >/dev/null)
    echo "$PASSWORD" | (estafeta --data "$work/node1" "${store_args[@]}" user add "user1@$domain" --password-stdin >/dev/null)
    if [ "$store" = postgresql ]; then clone_users_sql "$USERS" "$domain" | psql_as_owner -d "bench_$n" >/dev/null
    else clone_users_sql "$USERS" "$domain" | sqlite3 "$work/node1/estafeta.db"; fi
  done
  local limit=$((SESSIONS + CLIENTS + 100))
  node_pids=()
  for k in $(seq "$n"); do
    data="$work/node$k"
    mkdir -p -m 700 "$data"
    (estafeta --data "$data" "${store_args[@]}" serve --port-offset $((PORT_OFFSET + 1000 * k)) \
      --set net.proxy_from=127.0.0.1/32 --set ports.managesieve=-1 \
      --set web.port=$((PORT_OFFSET + 1000 * k + 80)) --set web.tls_port=$((PORT_OFFSET + 1000 * k + 443)) \
      --set limits.connections_per_ip=$limit --set limits.connections=$limit >"$data/server.log" 2>&1) &
    node_pids+=($!)
  done
  for k in $(seq "$n"); do wait_for_server "${node_pids[$((k - 1))]}" $((25 + PORT_OFFSET + 1000 * k)) "$work/node$k/server.log"; done
  haproxy_start "$n"
}

teardown() {
  local pid
  for pid in "${node_pids[@]}"; do stop_process "$pid"; done
  node_pids=()
  stop_process "$haproxy_pid"; haproxy_pid=""
}

stored_messages() {
  if [ "$1" = postgresql ]; then psql_as_owner -d "bench_$2" -c 'SELECT count(*) FROM messages'
  else sqlite3 "$work/node1/estafeta.db" 'SELECT count(*) FROM messages'; fi
}

# cpu_seconds PIDS...: user+system CPU seconds of these processes and their reaped children.
cpu_seconds() {
  local hz total=0 pid
  hz=$(getconf CLK_TCK)
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}'
}
# idle_seconds: the machine's idle (and I/O wait) time so far, all cores summed.
idle_seconds() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%.1f", ($5 + $6) / hz}' /proc/stat; }
# PostgreSQL's CPU: the postmaster (with the backends that ended) and its live backends.
postgres_cpu() { if [ -n "${postgres_pid:-}" ]; then cpu_seconds "$postgres_pid" $(pgrep -P "$postgres_pid"); else echo 0; fi; }

failed=0
# smtp_run STORE NODES: prints one line; the messages must all be in the store.
smtp_run() {
  local store=$1 n=$2 message="$work/message.eml" result sent seconds p50 p99 stored cpu0 cpu1 pg0 pg1
  { printf 'From: sender@%s\r\nTo: user1@%s\r\nSubject: cluster bench\r\n\r\n' "$DOMAIN" "$DOMAIN"
    head -c "$SIZE" /dev/zero | tr '\0' 'x' | fold -w 76 | sed 's/$/\r/'; } >"$message"
  cpu0=$(cpu_seconds "${node_pids[@]}") pg0=$(postgres_cpu)
  result=$("$python" "$here/bench/smtp_load.py" 127.0.0.1 "$lb_smtp" "$SESSIONS" "$MESSAGES" "$message" "sender@$DOMAIN" "user1@$DOMAIN") \
    || { echo "bench: SMTP load failed ($store, $n nodes)" >&2; failed=1; }
  cpu1=$(cpu_seconds "${node_pids[@]}") pg1=$(postgres_cpu)
  read -r sent seconds p50 p99 <<<"$result"
  stored=$(stored_messages "$store" "$n")
  (( stored == MESSAGES )) || { echo "bench: $store/$n: stored $stored of $MESSAGES" >&2; failed=1; }
  printf '%-10s %d node(s)  SMTP: %5.0f msg/s  250 after %5.1f ms median, %6.1f ms p99   (%d sent in %s s, %d stored; CPU: nodes %s s, PostgreSQL %s s)\n' \
    "$store" "$n" "$(awk -v a="$sent" -v b="$seconds" 'BEGIN {print a / b}')" "$p50" "$p99" "$sent" "$seconds" "$stored" \
    "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {printf "%.1f", b - a}')" "$(awk -v a="$pg0" -v b="$pg1" 'BEGIN {printf "%.1f", b - a}')"
}

# imap_run STORE NODES: imaptest's stress mix through HAProxy on fresh mailboxes.
imap_run() {
  local store=$1 n=$2 out="$work/imaptest-$1-$2.out" total errors cpu0 cpu1 pg0 pg1 idle0 idle1 probe_pid=""
  # Other users, so that the measured run still starts from empty mailboxes (imaptest's model wants them).
  if (( WARMUP > 0 )); then
    nice -n 10 "$imaptest" host=127.0.0.1 port="$lb_imap" user="user%d@$WARM_DOMAIN" pass="$PASSWORD" users="$USERS" \
      clients="$CLIENTS" secs="$WARMUP" mbox="$work/stress.mbox" >"$work/warmup-$1-$2.out" 2>&1 || true
  fi
  cpu0=$(cpu_seconds "${node_pids[@]}") pg0=$(postgres_cpu) idle0=$(idle_seconds)
  if [ -n "${PROBE:-}" ]; then $PROBE "$work" "$store" "$n" "$pg_port" "${node_pids[@]}" & probe_pid=$!; fi
  nice -n 10 "$imaptest" host=127.0.0.1 port="$lb_imap" user="user%d@$DOMAIN" pass="$PASSWORD" users="$USERS" \
    clients="$CLIENTS" secs="$DURATION" mbox="$work/stress.mbox" >"$out" 2>&1 &
  wait $! || true
  cpu1=$(cpu_seconds "${node_pids[@]}") pg1=$(postgres_cpu) idle1=$(idle_seconds)
  # The probe writes its report when told to stop: wait for it (psql is slow on a loaded machine).
  if [ -n "$probe_pid" ]; then kill "$probe_pid"; wait "$probe_pid" || true; fi
  total=$(imaptest_commands "$out")
  errors=$(grep -c '^Error' "$out" || true)
  printf '%-10s %d node(s)  IMAP: %5d commands/s  (%d commands in %d s, %d clients, %d users, %d error lines; CPU per command: nodes %s ms, PostgreSQL %s ms; idle %s%% of the cores; load %s)\n' \
    "$store" "$n" $((total / DURATION)) "$total" "$DURATION" "$CLIENTS" "$USERS" "$errors" \
    "$(awk -v a="$cpu0" -v b="$cpu1" -v t="$total" 'BEGIN {printf "%.2f", (b - a) * 1000 / (t ? t : 1)}')" \
    "$(awk -v a="$pg0" -v b="$pg1" -v t="$total" 'BEGIN {printf "%.2f", (b - a) * 1000 / (t ? t : 1)}')" \
    "$(awk -v a="$idle0" -v b="$idle1" -v d="$DURATION" -v c="$(nproc)" 'BEGIN {printf "%.0f", (b - a) * 100 / (d * c)}')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$errors" != 0 ]; then grep '^Error' "$out" | sort | uniq -c | sort -rn | head -10 | sed 's/^/    /'; failed=1; fi
}

# run STORE NODES: one set-up for SMTP (fresh store), one for imaptest (fresh store: its model expects
# empty mailboxes).
run() {
  if [ "${SKIP_SMTP:-0}" != 1 ]; then setup "$@"; smtp_run "$@"; teardown; fi
  if [ "${SKIP_IMAP:-0}" != 1 ]; then if (( WARMUP > 0 )); then setup "$@" warm; else setup "$@"; fi; imap_run "$@"; teardown; fi
}

[ "${SKIP_IMAP:-0}" = 1 ] || imaptest_stress_mbox "$IMAPTEST_DIR" "$work/stress.mbox"
echo "bench: cluster on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(haproxy -v | head -1 | cut -d' ' -f1-3); PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}')"
[ "$SQLITE" = 1 ] && run sqlite 1
if [ -n "$NODES" ]; then
  start_postgresql
  postgres_pid=$(head -1 "$pg_data/postmaster.pid")
  for n in $NODES; do run postgresql "$n"; done
fi
echo "bench: load average now $(cut -d' ' -f1-3 /proc/loadavg)"
if (( failed )); then KEEP=1; echo "bench: FAILED" >&2; exit 1; fi
