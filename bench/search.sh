#!/usr/bin/env bash
# SEARCH TEXT on a big mailbox, before and after the full-text index: fills one INBOX with MESSAGES
# messages over SMTP (Postfix's smtp-source), then times UID SEARCH TEXT for a word in one message
# three times.
#   INDEX=background (default): the server indexes arriving mail in the background; the script
#     waits until nothing is left to index (and prints how long that took after the last message),
#     then every search is answered from the index.
#   INDEX=first-search: search.background_index=false; the first search reads every message (what
#     every search did before the index) and fills the index; the later ones are answered from it.
#   bench/search.sh                 # 50,000 messages of 2 KB
#   MESSAGES=5000 INDEX=first-search bench/search.sh
#   KEEP=1 keeps the data dir (its path is printed) to look into the index afterwards
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES=${MESSAGES:-50000}
INDEX=${INDEX:-background}
case "$INDEX" in background) background=true ;; first-search) background=false ;; *) echo "INDEX=background|first-search" >&2; exit 2 ;; esac
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to watch the index fill" >&2; exit 1; }
PORT_OFFSET=${PORT_OFFSET:-16000}
smtp_source=$(postfix_tool smtp-source)
data=$(mktemp -d /tmp/estafeta-search.XXXXXX)
server_pid=""
trap 'stop_process "$server_pid"; if [ "${KEEP:-0}" = 1 ]; then echo "data kept in $data"; else rm -rf "$data"; fi' EXIT

echo bench-pw | "$here/estafeta" --data "$data" user add user@bench.test --password-stdin >/dev/null 2>&1 ||
  { "$here/estafeta" --data "$data" domain add bench.test >/dev/null; echo bench-pw | "$here/estafeta" --data "$data" user add user@bench.test --password-stdin >/dev/null; }
ESTAFETA_AOT=0 "$here/estafeta" --data "$data" serve --port-offset "$PORT_OFFSET" --set mailauth.check=false --set search.background_index=$background \
  --set web.port=$((PORT_OFFSET + 80)) --set web.tls_port=$((PORT_OFFSET + 443)) >"$data/server.log" 2>&1 &
server_pid=$!
wait_for_server "$server_pid" $((PORT_OFFSET + 25)) "$data/server.log"

start=$(date +%s)
"$smtp_source" -d -s 10 -m "$((MESSAGES - 1))" -l 2048 -f sender@bench.test -t user@bench.test "127.0.0.1:$((PORT_OFFSET + 25))"
printf 'From: needle@bench.test\r\nSubject: the one\r\n\r\nSomewhere in here is the word zanahoria.\r\n' >"$data/needle.eml"
python3 - "$((PORT_OFFSET + 25))" "$data/needle.eml" <<'PY'
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
    s.sendmail("needle@bench.test", ["user@bench.test"], open(sys.argv[2], "rb").read())
PY
echo "filled: $MESSAGES messages in $(( $(date +%s) - start )) s"
if [ "$background" = true ]; then
  filled=$(date +%s)
  while [ "$(sqlite3 "$data/estafeta.db" 'SELECT count(*) FROM message_text_pending' 2>/dev/null || echo 1)" != 0 ]; do sleep 1; done
  echo "indexed in the background: all of them $(( $(date +%s) - filled )) s after the last message"
  first="from the index"
else
  first="reads every message, fills the index"
fi

python3 - "$((PORT_OFFSET + 143))" "$first" <<'PY'
import imaplib, sys, time
imap = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
imap.login("user@bench.test", "bench-pw")
typ, data = imap.select("INBOX", readonly=True)
print(f"mailbox: {int(data[0])} messages")
for run, what in enumerate([sys.argv[2], "from the index", "from the index"], 1):
    t = time.monotonic()
    typ, found = imap.uid("SEARCH", "TEXT", "zanahoria")
    ms = (time.monotonic() - t) * 1000
    print(f"SEARCH TEXT #{run} ({what}): {ms:.0f} ms, found UIDs {found[0].decode()}")
imap.logout()
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
