# Shared by the bench scripts (sourced): stopping processes and waiting for the server.

# stop_process PID: TERM, up to 5 s to go, then KILL.
stop_process() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# wait_for_server PID PORT LOG: returns when PORT accepts connections; exits the script (showing the
# log) if the server dies or never listens. Also checks that PID is the JVM itself (the launcher
# execs java), so that /proc/PID/status gives the server's memory; sets rss_idle (KiB).
wait_for_server() {
  local pid=$1 port=$2 log=$3
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || { echo "bench: server exited; log:" >&2; cat "$log" >&2; exit 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "bench: nothing listens on $port" >&2; cat "$log" >&2; exit 1; }
  [ "$(cat /proc/$pid/comm)" = java ] || { echo "bench: pid $pid is not the JVM" >&2; exit 1; }
  rss_idle=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
}

# postfix_tool NAME: the path of one of Postfix's test tools (smtp-source, smtp-sink), installing
# the postfix package first when it is missing.
postfix_tool() {
  local tool
  tool=$(command -v "$1" || true)
  [ -z "$tool" ] && [ -x "/usr/sbin/$1" ] && tool="/usr/sbin/$1"
  if [ -z "$tool" ]; then
    echo "bench: $1 missing; installing postfix" >&2
    local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y postfix >&2
    tool="/usr/sbin/$1"
  fi
  echo "$tool"
}
