#!/usr/bin/env bash
# A PROBE for bench/cluster.sh: where the time goes during one imaptest run. Started by imap_run as
#   cluster_probe.sh WORK STORE NODES PG_PORT NODE_PIDS...
# and ended with TERM when imaptest is done; writes WORK/probe-STORE-NODES.txt with the CPU seconds of
# the nodes (and per thread kind: carriers of the virtual threads, JIT compilers, GC, ...), of
# PostgreSQL, of the whole machine, what PostgreSQL's busy backends waited on (sampled every second),
# and pg_stat_statements' top statements. Needs PG_SETTINGS="-c shared_preload_libraries=pg_stat_statements"
# for the statements; PostgreSQL set-ups only.
#   PG_SETTINGS="-c shared_preload_libraries=pg_stat_statements" PROBE=bench/cluster_probe.sh KEEP=1 bench/cluster.sh
work=$1 store=$2 n=$3 port=$4
shift 4
pids=("$@")
[ "$store" = postgresql ] || exit 0
out="$work/probe-$store-$n.txt" samples="$work/probe-$store-$n.samples"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
q() { PGPASSWORD=bench-pw "$pg_bin/psql" -qAt -F' | ' -h 127.0.0.1 -p "$port" -U estafeta -d "bench_$n" -c "$1" 2>&1; }
postmaster=$(head -1 "$work/pg/data/postmaster.pid")

# processes: "name ticks" lines for the nodes, PostgreSQL (postmaster, reaped and live backends), the machine.
processes() {
  local p total=0
  for p in "${pids[@]}"; do echo "node$p $(awk '{print $14 + $15}' "/proc/$p/stat")"; done
  for p in $postmaster $(pgrep -P "$postmaster"); do total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "postgresql $total"
  awk '/^cpu / {print "machine_busy", $2 + $3 + $4 + $7 + $8; print "machine_idle", $5 + $6}' /proc/stat
}
# threads: the nodes' threads' ticks summed by kind (digits dropped from the name), as JSON.
threads() {
  python3 - "${pids[@]}" <<'PY'
import json, os, re, sys
kinds = {}
for pid in sys.argv[1:]:
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        name = re.sub(r"\d+", "N", stat[stat.index("(") + 1:stat.rindex(")")])
        fields = stat[stat.rindex(")") + 2:].split()
        kinds[name] = kinds.get(name, 0) + int(fields[11]) + int(fields[12])
print(json.dumps(kinds))
PY
}

q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
q "SELECT pg_stat_statements_reset()" >/dev/null
processes0=$(processes) threads0=$(threads) t0=$(date +%s.%N)
finish() {
  local processes1 threads1 t1
  processes1=$(processes) threads1=$(threads) t1=$(date +%s.%N)
  {
    echo "== $store, $n node(s): $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", b - a}') s; load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "== CPU seconds"
    join <(sort <<<"$processes0") <(sort <<<"$processes1") | awk -v hz="$(getconf CLK_TCK)" '{printf "%-16s %7.1f\n", $1, ($3 - $2) / hz}'
    echo "== PostgreSQL backends not idle, sampled each second: samples, state, wait"
    sort "$samples" | uniq -c | sort -rn | head -15
    echo "== statements by total time: calls | total ms | mean ms | rows | statement"
    q "SELECT calls, round(total_exec_time::numeric), round(mean_exec_time::numeric, 3), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20"
    echo "== statements by calls: calls | total ms | rows | statement"
    q "SELECT calls, round(total_exec_time::numeric), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements ORDER BY calls DESC LIMIT 20"
    echo "== node threads by kind, CPU seconds (threads that ended meanwhile are missing)"
    python3 -c 'import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for k, v in sorted(b.items(), key=lambda kv: a.get(kv[0], 0) - kv[1])[:8]: print("%-18s %7.1f" % (k, (v - a.get(k, 0)) / int(sys.argv[3])))' \
      "$threads0" "$threads1" "$(getconf CLK_TCK)"
  } >"$out"
  exit 0
}
trap finish TERM
while :; do
  q "SELECT state || ' ' || coalesce(wait_event_type || ' ' || wait_event, 'CPU') FROM pg_stat_activity WHERE datname = 'bench_$n' AND state <> 'idle' AND pid <> pg_backend_pid()" >>"$samples"
  sleep 1 & wait $!
done
