#!/usr/bin/env bash
# Start-to-220 and idle RSS of `./estafeta serve`, without and with the start-up (AOT) cache,
# alternating A B A B on the same build; prints each run and the medians.
#   bench/startup.sh             # 5 runs each
#   RUNS=3 bench/startup.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/bench/lib.sh"
runs=${RUNS:-5}
offset=${PORT_OFFSET:-15000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"

"$here/estafeta" --version >/dev/null # builds the jar when needed, outside the timing

# serve_once AOT: one start on a fresh data dir; prints "ms rss_kib" (time to the first 220 greeting,
# RSS 3 s after it), then stops the server with SIGTERM as Ctrl-C would.
serve_once() {
  local aot=$1 data="$work/data" start pid
  rm -rf "$data"
  start=$(date +%s%N)
  ESTAFETA_AOT=$aot "$here/estafeta" --data "$data" serve --port-offset "$offset" >"$work/server.log" 2>&1 &
  pid=$!
  python3 - "$((offset + 25))" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
while True:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            if s.recv(64).startswith(b"220"):
                break
    except OSError:
        time.sleep(0.005)
PY
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 3
  local rss
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ms $rss"
}

# The cache: one recording start, then one start that assembles it; wait for the assembly.
serve_once 1 >/dev/null
serve_once 1 >/dev/null
for _ in $(seq 600); do ls "$XDG_CACHE_HOME"/estafeta/*.aot >/dev/null 2>&1 && break; sleep 0.5; done
ls "$XDG_CACHE_HOME"/estafeta/*.aot >/dev/null 2>&1 || { echo "bench: no AOT cache assembled" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
: >"$work/off"; : >"$work/on"
for i in $(seq "$runs"); do
  off=$(serve_once 0); on=$(serve_once 1)
  echo "run $i: without cache ${off% *} ms ${off#* } KiB | with cache ${on% *} ms ${on#* } KiB"
  echo "$off" >>"$work/off"; echo "$on" >>"$work/on"
done
m_off=$(cut -d' ' -f1 "$work/off" | median); m_on=$(cut -d' ' -f1 "$work/on" | median)
r_off=$(cut -d' ' -f2 "$work/off" | median); r_on=$(cut -d' ' -f2 "$work/on" | median)
echo "median start-to-220: without ${m_off} ms, with ${m_on} ms (ratio $(awk "BEGIN {printf \"%.2f\", $m_off / $m_on}"))"
echo "median idle RSS:     without $((r_off / 1024)) MiB, with $((r_on / 1024)) MiB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
