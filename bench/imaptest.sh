#!/usr/bin/env bash
# imaptest (Dovecot's IMAP conformance and stress tester) against a fresh Estafeta, and optionally
# against Debian's Dovecot set up the same way on loopback for comparison.
#  1. conformance: imaptest's scripted test groups (tests/ of the imaptest snapshot); prints groups
#                  passed and commands failed, and each failure imaptest reports;
#  2. stress:      CLIENTS clients over USERS users for DURATION s (imaptest's default mix of LOGIN,
#                  LIST, STATUS, SELECT, FETCH, STORE, EXPUNGE, APPEND, LOGOUT, with its own model of
#                  every mailbox); prints commands/s and imaptest's "Error:" lines, RUNS times.
# With DOVECOT=1 every stress run is paired with one against Dovecot (alternating) and the ratio of
# the medians printed.
# Exits non-zero when a group fails, a command fails or an error line appears.
#
# Settings (environment): USERS=100 CLIENTS=50 DURATION=30 RUNS=1 PORT_OFFSET=24000 DOVECOT=0
#   SKIP_TESTS=1 / SKIP_STRESS=1  run only one part;  KEEP=1 keep the data dirs and logs
#   IMAPTEST_DIR=/tmp/imaptest  where the shared build script puts imaptest (built when missing)
#   SERVER_OPTS  extra JVM options for the server;  SERVER_ARGS  extra serve options (e.g. --set key=value);  ESTAFETA_JAR  run this jar instead of ./estafeta
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

USERS=${USERS:-100}
CLIENTS=${CLIENTS:-50}
DURATION=${DURATION:-30}
RUNS=${RUNS:-1}
PORT_OFFSET=${PORT_OFFSET:-24000}
DOVECOT=${DOVECOT:-0}
KEEP=${KEEP:-0}
IMAPTEST_DIR=${IMAPTEST_DIR:-/tmp/imaptest}
DOMAIN=bench.test
PASSWORD=bench-pw

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/../shared/tools/imaptest/build.sh"
[ -x "$build" ] || build="$(cd "$here" && git worktree list | awk 'NR==1 {print $1}')/../shared/tools/imaptest/build.sh"
imaptest=$("$build" "$IMAPTEST_DIR" | tail -1)
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to create the users quickly" >&2; exit 1; }

work=$(mktemp -d /tmp/estafeta-imaptest.XXXXXX)
server_pid=""
dovecot_pid=""
cleanup() {
  stop_process "$server_pid"
  stop_process "$dovecot_pid"
  if [ "$KEEP" = 1 ]; then echo "bench: data and logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
imaptest_stress_mbox "$IMAPTEST_DIR" "$work/stress.mbox"

# start_estafeta: a fresh data dir with user1..USERS, one through the CLI, the others cloned in SQL.
start_estafeta() {
  local data="$work/estafeta"
  rm -rf "$data"
  mkdir -p "$data"
  (estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
  echo "$PASSWORD" | (estafeta --data "$data" user add "user1@$DOMAIN" --password-stdin >/dev/null)
  clone_users_sql "$USERS" "$DOMAIN" | sqlite3 "$data/estafeta.db"
  local limit=$((CLIENTS + 100))
  (JDK_JAVA_OPTIONS="${SERVER_OPTS:-}" estafeta --data "$data" serve --port-offset "$PORT_OFFSET" \
    --set web.port=$((PORT_OFFSET + 80)) --set web.tls_port=$((PORT_OFFSET + 443)) \
    --set smtp.relay_networks=127.0.0.0/8 \
    --set limits.connections_per_ip=$limit --set limits.connections=$limit ${SERVER_ARGS:-} >"$work/estafeta.log" 2>&1) &
  server_pid=$!
  wait_for_server "$server_pid" $((143 + PORT_OFFSET)) "$work/estafeta.log"
}

# start_dovecot: Debian's Dovecot on 127.0.0.1:(1143 + PORT_OFFSET), any user@DOMAIN with PASSWORD,
# Maildir under the work dir; installed when missing.
start_dovecot() {
  if ! command -v dovecot >/dev/null || [ ! -x /usr/lib/dovecot/imap ]; then
    echo "bench: installing dovecot-imapd" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
  fi
  local d="$work/dovecot"
  rm -rf "$d"
  mkdir -p "$d/run" "$d/mail"
  # mktemp made the work dir 0700; Dovecot's mail processes run as the dovecot user.
  chmod 755 "$work" "$d"
  chown dovecot:dovecot "$d/mail"
  cat >"$d/dovecot.conf" <<CONF
base_dir = $d/run
state_dir = $d/run
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:$d/mail/%u
passdb {
  driver = static
  args = password=$PASSWORD
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=$d/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $((1143 + PORT_OFFSET))
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  inet_listener http {
    port = 0
  }
}
CONF
  dovecot -F -c "$d/dovecot.conf" >"$d/stdout.log" 2>&1 &
  dovecot_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$((1143 + PORT_OFFSET))") 2>/dev/null && return 0; sleep 0.1; done
  echo "bench: Dovecot did not start" >&2; cat "$d/stdout.log" "$d/dovecot.log" >&2; exit 1
}

failed=0
# conformance PORT NAME: the scripted groups; sets groups_line and failed_line.
conformance() {
  local port=$1 name=$2 out="$work/conformance-$2.out"
  (cd "$IMAPTEST_DIR" && nice -n 10 "$imaptest" host=127.0.0.1 port="$port" user="user1@$DOMAIN" pass="$PASSWORD" \
    test="$IMAPTEST_DIR/tests") >"$out" 2>&1 || true
  local groups base ext
  groups=$(grep -E '^[0-9]+ test groups:' "$out" || echo "no summary")
  base=$(grep -E '^base protocol:' "$out" || true)
  ext=$(grep -E '^extensions:' "$out" || true)
  local total failed_groups skipped
  read -r total failed_groups skipped < <(sed -E 's/^([0-9]+) test groups: ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/' <<<"$groups")
  local cmd_failed cmd_total
  cmd_failed=$(( $(sed -E 's#.*: ([0-9]+)/([0-9]+).*#\1#' <<<"$base") + $(sed -E 's#.*: ([0-9]+)/([0-9]+).*#\1#' <<<"$ext") ))
  cmd_total=$(( $(sed -E 's#.*: ([0-9]+)/([0-9]+).*#\2#' <<<"$base") + $(sed -E 's#.*: ([0-9]+)/([0-9]+).*#\2#' <<<"$ext") ))
  local run=$((total - skipped))
  printf '%-9s conformance: %d/%d groups passed (%d skipped for capabilities), %d/%d commands failed\n' \
    "$name" $((run - failed_groups)) "$run" "$skipped" "$cmd_failed" "$cmd_total"
  if [ "$failed_groups" != 0 ] || [ "$cmd_failed" != 0 ]; then
    grep -E '^\*\*\* Test |^ - |^Error' "$out" | head -200 | sed 's/^/    /'
    if [ "$name" = estafeta ]; then failed=1; fi
  fi
}

# stress PORT NAME: one stress run; prints commands/s and error lines, sets last_rate.
stress() {
  local port=$1 name=$2 run=$3 out="$work/stress-$2-$3.out"
  nice -n 10 "$imaptest" host=127.0.0.1 port="$port" user="user%d@$DOMAIN" pass="$PASSWORD" users="$USERS" \
    clients="$CLIENTS" secs="$DURATION" mbox="$work/stress.mbox" >"$out" 2>&1 || true
  local total errors
  total=$(imaptest_commands "$out")
  errors=$(grep -c '^Error' "$out" || true)
  last_rate=$((total / DURATION))
  printf '%-9s stress run %d: %d clients, %d users, %d s: %d commands, %d commands/s, %d error lines\n' \
    "$name" "$run" "$CLIENTS" "$USERS" "$DURATION" "$total" "$last_rate" "$errors"
  if [ "$errors" != 0 ]; then
    grep '^Error' "$out" | sort | uniq -c | sort -rn | head -20 | sed 's/^/    /'
    # The next run starts a fresh server over the same log file: keep this one's.
    if [ "$name" = estafeta ]; then failed=1; cp "$work/estafeta.log" "$work/estafeta-run$run.log"; fi
  fi
}

imap_port=$((143 + PORT_OFFSET))
dovecot_port=$((1143 + PORT_OFFSET))
if [ "${SKIP_TESTS:-0}" != 1 ]; then
  start_estafeta
  echo "bench: Estafeta IMAP on $imap_port (server pid $server_pid), imaptest $imaptest"
  conformance "$imap_port" estafeta
  stop_process "$server_pid"; server_pid=""
  if [ "$DOVECOT" = 1 ]; then
    start_dovecot
    echo "bench: Dovecot $(dovecot --version | cut -d' ' -f1) IMAP on $dovecot_port"
    conformance "$dovecot_port" dovecot
    stop_process "$dovecot_pid"; dovecot_pid=""
  fi
fi
if [ "${SKIP_STRESS:-0}" != 1 ]; then
  # Runs alternate (Estafeta, Dovecot, Estafeta, ...) so that whatever else the machine does
  # weighs on both alike; each run starts a fresh server on empty mailboxes, as imaptest's model
  # expects. The ratio is of the medians.
  estafeta_rates=() dovecot_rates=()
  for run in $(seq "$RUNS"); do
    start_estafeta
    stress "$imap_port" estafeta "$run"
    estafeta_rates+=("$last_rate")
    stop_process "$server_pid"; server_pid=""
    if [ "$DOVECOT" = 1 ]; then
      start_dovecot
      stress "$dovecot_port" dovecot "$run"
      dovecot_rates+=("$last_rate")
      stop_process "$dovecot_pid"; dovecot_pid=""
    fi
  done
  estafeta_rate=$(median "${estafeta_rates[@]}")
  printf 'median:   Estafeta %d commands/s (load average now %s)\n' "$estafeta_rate" "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$DOVECOT" = 1 ]; then
    dovecot_rate=$(median "${dovecot_rates[@]}")
    printf 'median:   Dovecot %d commands/s\n' "$dovecot_rate"
    if [ "$dovecot_rate" -gt 0 ] && [ "$estafeta_rate" -gt 0 ]; then
      printf 'ratio:    Estafeta %d commands/s / Dovecot %d commands/s = %s\n' "$estafeta_rate" "$dovecot_rate" \
        "$(awk -v a="$estafeta_rate" -v b="$dovecot_rate" 'BEGIN {printf "%.2f", a / b}')"
    fi
  fi
fi
if (( failed )); then KEEP=1; echo "bench: FAILED" >&2; exit 1; fi
