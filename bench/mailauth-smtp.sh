#!/usr/bin/env bash
# What mail authentication costs per message end to end (issue 12): msg/s and server CPU per message
# for the same load in four set-ups, each on a fresh server and data dir:
#   mx          port 25 from the relay networks: no checks (the baseline)
#   mx-checked  port 25 from outside (smtp.relay_networks empty): SPF, DKIM verification of an
#               RSA-2048 signature made with dkimpy, and DMARC, with a local dnsmasq serving the records
#               (local-ttl 300, so the resolver's cache works as it would in production)
#   submit      port 587 with AUTH PLAIN, the domain has no DKIM key
#   submit-signed  the same with an Ed25519 and an RSA-2048 key (two selectors: a rotation): two signatures
# One Python client (bench/smtp_load.py, SESSIONS threads, persistent sessions) drives all four.
#
# Settings (environment): MESSAGES=3000 SESSIONS=8 SIZE=4096 PORT_OFFSET=14000 MODES="mx mx-checked submit submit-signed"
#   ESTAFETA_JAR  run this jar instead of ./estafeta (which rebuilds when sources change), as in smtp.sh
# Needs dnsmasq, python3-dkim, openssl, sqlite3.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MESSAGES=${MESSAGES:-3000}
SESSIONS=${SESSIONS:-8}
SIZE=${SIZE:-4096}
PORT_OFFSET=${PORT_OFFSET:-14000}
MODES=${MODES:-"mx mx-checked submit submit-signed"}
DOMAIN=bench.test
SENDER_DOMAIN=sender.test

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in dnsmasq openssl sqlite3; do command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }; done
# Debian's python3 has python3-dkim; another python3 first on the PATH (pyenv) may not.
python=/usr/bin/python3
"$python" -c 'import dkim' 2>/dev/null || { echo "bench: python3-dkim is needed" >&2; exit 1; }

work=$(mktemp -d /tmp/estafeta-mailauth-bench.XXXXXX)
server_pid="" dns_pid=""
cleanup() {
  stop_process "$server_pid"
  stop_process "$dns_pid"
  rm -rf "$work"
}
trap cleanup EXIT

# The messages: one from a stranger, signed by its domain with dkimpy; one from our user, unsigned.
openssl genrsa -out "$work/sender.key" 2048 2>/dev/null
sender_p=$(openssl rsa -in "$work/sender.key" -pubout -outform DER 2>/dev/null | base64 -w0)
"$python" - "$work" "$SIZE" "$SENDER_DOMAIN" "$DOMAIN" <<'PY'
import sys, dkim
work, size, sender_domain, domain = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n"
body = line * max(1, size // len(line))
def message(frm):
    return (b"From: <" + frm + b">\r\nTo: <user1@" + domain.encode() + b">\r\nSubject: bench\r\n"
            b"Date: Mon, 30 Nov 2026 12:00:00 +0000\r\nMessage-ID: <bench@" + frm.split(b"@")[1] + b">\r\n\r\n" + body)
m = message(b"news@" + sender_domain.encode())
key = open(work + "/sender.key", "rb").read()
sig = dkim.sign(m, b"bench", sender_domain.encode(), key, include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
open(work + "/signed.eml", "wb").write(sig + m)
open(work + "/submitted.eml", "wb").write(message(b"user1@" + domain.encode()))
PY

# dnsmasq: the stranger's SPF (loopback may send), DKIM key and DMARC p=reject.
dns_port=$((PORT_OFFSET + 53))
split_txt() { echo "$1" | fold -w 250 | sed 's/.*/"&"/' | paste -sd, -; }
cat >"$work/dnsmasq.conf" <<CONF
no-resolv
no-hosts
port=$dns_port
listen-address=127.0.0.1
bind-interfaces
local=/#/
local-ttl=300
user=$(id -un)
pid-file=
txt-record=$SENDER_DOMAIN,"v=spf1 ip4:127.0.0.1 -all"
txt-record=bench._domainkey.$SENDER_DOMAIN,$(split_txt "v=DKIM1; k=rsa; p=$sender_p")
txt-record=_dmarc.$SENDER_DOMAIN,"v=DMARC1; p=reject"
CONF
dnsmasq --keep-in-foreground --conf-file="$work/dnsmasq.conf" --log-facility=- >"$work/dnsmasq.log" 2>&1 &
dns_pid=$!

run_mode() {
  local mode=$1 data="$work/$1" port file sender login="" opts=()
  mkdir -p "$data"
  (estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
  echo bench-pw | (estafeta --data "$data" user add "user1@$DOMAIN" --password-stdin >/dev/null)
  case $mode in
    mx) port=$((25 + PORT_OFFSET)); file=signed.eml; sender="news@$SENDER_DOMAIN" ;;
    mx-checked) port=$((25 + PORT_OFFSET)); file=signed.eml; sender="news@$SENDER_DOMAIN"
      opts=(--set smtp.relay_networks= --set mailauth.check=true) ;;
    submit|submit-signed) port=$((587 + PORT_OFFSET)); file=submitted.eml; sender="user1@$DOMAIN"; login="user1@$DOMAIN" ;;
    *) echo "bench: unknown mode $mode" >&2; exit 1 ;;
  esac
  if [ "$mode" = submit-signed ]; then
    (estafeta --data "$data" dkim generate "$DOMAIN" --algorithm ed25519 --selector e1 >/dev/null)
    (estafeta --data "$data" dkim generate "$DOMAIN" --algorithm rsa --selector r1 >/dev/null)
  fi
  (estafeta --data "$data" serve --port-offset "$PORT_OFFSET" --set dns.servers=127.0.0.1:$dns_port \
    --set limits.connections_per_ip=$((SESSIONS + 10)) --set web.port=$((PORT_OFFSET + 80)) --set web.tls_port=$((PORT_OFFSET + 443)) \
    "${opts[@]}" >"$data/server.log" 2>&1) &
  server_pid=$!
  wait_for_server "$server_pid" "$port" "$data/server.log"
  local ticks_start ticks_end result
  ticks_start=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  result=$("$python" "$here/bench/smtp_load.py" 127.0.0.1 "$port" "$SESSIONS" "$MESSAGES" "$work/$file" "$sender" "user1@$DOMAIN" "$login")
  ticks_end=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  stop_process "$server_pid"; server_pid=""
  local sent seconds stored check
  read -r sent seconds _ <<<"$result"
  stored=$(sqlite3 "$data/estafeta.db" 'select count(*) from messages')
  # Each set-up must do what it claims, or its figure means nothing.
  check=$(grep -c 'dkim=pass' "$data/server.log" || true)
  case $mode in
    mx-checked) (( check > 0 )) || { echo "bench: $mode: no dkim=pass in the log" >&2; exit 1; } ;;
    submit-signed) [ -n "$(find "$data" -path '*blob*' -type f -exec grep -l 's=r1;' {} + 2>/dev/null | head -1)" ] \
      || { echo "bench: $mode: stored messages are not signed" >&2; exit 1; } ;;
  esac
  printf '%-14s %6d msg in %6.2f s = %5.0f msg/s   server CPU %5.2f ms/msg   stored %d\n' "$mode" "$sent" "$seconds" \
    "$(awk -v n="$sent" -v t="$seconds" 'BEGIN {print n / t}')" \
    "$(awk -v t="$((ticks_end - ticks_start))" -v hz="$(getconf CLK_TCK)" -v n="$sent" 'BEGIN {print 1000 * t / hz / n}')" "$stored"
}

echo "bench: $MESSAGES messages of ~$SIZE bytes over $SESSIONS sessions per set-up; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in $MODES; do run_mode "$mode"; done
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
