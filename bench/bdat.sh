#!/usr/bin/env bash
# BDAT (RFC 3030) against DATA: starts Estafeta on a temporary data dir and, for 2 KB and 1 MB messages,
# sends the same number of messages to one account with DATA and with BDAT chunks (bench/bdat_load.py),
# printing messages/second for each. Every message is stored and fsynced before its 250.
#
# Settings (environment): SMALL=2000 LARGE=100 (messages per run) SESSIONS=4 PORT_OFFSET=22000
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SMALL=${SMALL:-2000}
LARGE=${LARGE:-100}
SESSIONS=${SESSIONS:-4}
PORT_OFFSET=${PORT_OFFSET:-22000}
DOMAIN=bench.test
RCPT=user@$DOMAIN
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port=$((25 + PORT_OFFSET))

data=$(mktemp -d /tmp/estafeta-bdat.XXXXXX)
log="$data/server.log"
server_pid=""
cleanup() {
  stop_process "$server_pid"
  rm -rf "$data"
}
trap cleanup EXIT

(estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
echo bench-pw | (estafeta --data "$data" user add "$RCPT" --password-stdin >/dev/null)
(estafeta --data "$data" serve --port-offset "$PORT_OFFSET" --set limits.connections_per_ip=$((SESSIONS + 10)) \
  --set limits.message_size=10000000 --set limits.quota=0 \
  --set web.port=$((PORT_OFFSET + 80)) --set web.tls_port=$((PORT_OFFSET + 443)) >"$log" 2>&1) &
server_pid=$!
wait_for_server "$server_pid" "$port" "$log"

echo "bench: load before: $(uptime)"
for mode in data bdat; do python3 "$here/bench/bdat_load.py" "$port" "$RCPT" "$mode" 2048 "$SMALL" "$SESSIONS"; done
for mode in data bdat; do python3 "$here/bench/bdat_load.py" "$port" "$RCPT" "$mode" 1048576 "$LARGE" "$SESSIONS"; done
echo "bench: load after: $(uptime)"
