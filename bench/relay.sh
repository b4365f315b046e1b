#!/usr/bin/env bash
# Relay benchmark: starts Postfix's smtp-sink and Estafeta on a temporary data dir, submits MESSAGES
# messages of SIZE bytes with AUTH over SESSIONS parallel submission sessions (Python smtplib, TLS),
# all to rcpt@bench.sink, which queue.transports routes to the sink (no DNS). Waits until the sink has
# taken every message and the queue is empty, and prints submitted and relayed messages/second and the
# server's peak RSS (VmHWM).
#
# Settings (environment): MESSAGES=5000 SESSIONS=10 SIZE=2048 PORT_OFFSET=16000 SINK_PORT=18525
#   TLS=starttls  submission on 587+offset with STARTTLS; implicit: SMTPS on 465+offset
#   CONCURRENCY=20  queue.concurrency (deliveries in progress at once)
#   HOLD=1        pause the sink (SIGSTOP) while submitting, so that the queue fills up, then resume it
#                 and time the drain alone: the relay rate without submission competing for the CPU
#   TIMEOUT=600   seconds to wait for the queue to drain before giving up
#   KEEP=1        keep the data dir, server log and sink counters afterwards
#   SERVER_OPTS   extra JVM options for the server only (e.g. -XX:StartFlightRecording=filename=/tmp/r.jfr)
#   ESTAFETA_JAR  run this jar with a JDK 25 instead of ./estafeta (which rebuilds when sources change)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MESSAGES=${MESSAGES:-5000}
SESSIONS=${SESSIONS:-10}
SIZE=${SIZE:-2048}
PORT_OFFSET=${PORT_OFFSET:-16000}
SINK_PORT=${SINK_PORT:-$((PORT_OFFSET + 2525))}  # 2525 + offset is none of Estafeta's ports, so no other bench collides
TLS=${TLS:-starttls}
CONCURRENCY=${CONCURRENCY:-20}
TIMEOUT=${TIMEOUT:-600}
HOLD=${HOLD:-0}
KEEP=${KEEP:-0}
DOMAIN=bench.test
SINK_DOMAIN=bench.sink
SENDER=sender@$DOMAIN
PASSWORD=relay-pw

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$TLS" in
  starttls) port=$((587 + PORT_OFFSET)) ;;
  implicit) port=$((465 + PORT_OFFSET)) ;;
  *) echo "bench: TLS must be starttls or implicit, was '$TLS'" >&2; exit 1 ;;
esac

smtp_sink=$(postfix_tool smtp-sink)
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to watch the queue" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 is needed to submit the messages" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null; then
  echo "bench: something already listens on 127.0.0.1:$SINK_PORT (set SINK_PORT)" >&2; exit 1
fi

data=$(mktemp -d /tmp/estafeta-relay.XXXXXX)
log="$data/server.log"
sink_out="$data/sink.out"
server_pid=""
sink_pid=""
cleanup() {
  [ -n "$sink_pid" ] && kill -CONT "$sink_pid" 2>/dev/null || true
  stop_process "$server_pid"
  stop_process "$sink_pid"
  if [ "$KEEP" = 1 ]; then echo "bench: data, server.log and sink.out kept in $data" >&2; else rm -rf "$data"; fi
}
trap cleanup EXIT

# smtp-sink -c writes "sess=S quit=Q mesg=M" followed by \r each time a session ends, QUIT is
# executed or a message's final "." is received (written straight to the file, not buffered).
# mesg counts messages the sink accepted (one per transaction, whatever the number of recipients):
# the last mesg= value is the number of messages relayed. Counting dump files (-d) would add a file
# write per message to the sink and slow it down.
sink_user=(); [ "$(id -u)" -eq 0 ] && sink_user=(-u root)
"$smtp_sink" -c "${sink_user[@]}" "127.0.0.1:$SINK_PORT" 1000 >"$sink_out" 2>&1 &
sink_pid=$!
sink_count() { tr '\r' '\n' <"$sink_out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2 | grep . || echo 0; }

# Domain and user first (each CLI call is one JVM); this also builds the jar if needed.
(estafeta --data "$data" domain add "$DOMAIN" >/dev/null)
echo "$PASSWORD" | (estafeta --data "$data" user add "$SENDER" --password-stdin >/dev/null)

for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null && break; sleep 0.1; done
kill -0 "$sink_pid" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$SINK_PORT") 2>/dev/null \
  || { echo "bench: smtp-sink does not listen on $SINK_PORT:" >&2; cat "$sink_out" >&2; exit 1; }
sink_before=$(sink_count)  # the probe connections above count as sessions, never as messages

# The launcher execs java, so $! is the JVM itself. JDK_JAVA_OPTIONS reaches the server's JVM only.
(JDK_JAVA_OPTIONS="${SERVER_OPTS:-}" estafeta --data "$data" serve --port-offset "$PORT_OFFSET" \
  --set "queue.transports=$SINK_DOMAIN=127.0.0.1:$SINK_PORT" --set queue.poll_interval=1s \
  --set "queue.concurrency=$CONCURRENCY" \
  --set limits.connections_per_ip=$((SESSIONS + CONCURRENCY + 10)) --set limits.connections=$((SESSIONS + 100)) \
  >"$log" 2>&1) &
server_pid=$!

wait_for_server "$server_pid" "$port" "$log"

echo "bench: $MESSAGES messages of $SIZE bytes, $SESSIONS sessions ($TLS, port $port) -> smtp-sink 127.0.0.1:$SINK_PORT," \
  "queue.concurrency=$CONCURRENCY (server pid $server_pid; load average $(cut -d' ' -f1-3 /proc/loadavg))"

# One connection per session: TLS, AUTH PLAIN, then its share of the messages one transaction after
# another; a session that breaks reconnects and goes on. Prints "ok N failed F" on stdout.
submit() {
  python3 - "$port" "$TLS" "$SESSIONS" "$MESSAGES" "$SIZE" "$SENDER" "$PASSWORD" "rcpt@$SINK_DOMAIN" <<'PY'
import base64, smtplib, ssl, sys, threading
port, tls, sessions, messages, size = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
sender, password, rcpt = sys.argv[6], sys.argv[7], sys.argv[8]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # the server's certificate is a fresh self-signed one
auth = "PLAIN " + base64.b64encode(f"\0{sender}\0{password}".encode()).decode()
line = "x" * 76 + "\r\n"

def message(w, i):
    head = (f"From: <{sender}>\r\nTo: <{rcpt}>\r\nSubject: relay bench {w}.{i}\r\n"
            f"Message-ID: <{w}.{i}@bench.test>\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\n\r\n")
    body = line * max(0, (size - len(head)) // len(line))
    return head + body

def connect():
    if tls == "implicit":
        s = smtplib.SMTP_SSL("127.0.0.1", port, local_hostname="bench-client.test", context=ctx, timeout=120)
    else:
        s = smtplib.SMTP("127.0.0.1", port, local_hostname="bench-client.test", timeout=120)
        s.starttls(context=ctx)
    s.ehlo()
    code, reply = s.docmd("AUTH", auth)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)
    return s

ok = [0] * sessions
failed = [0] * sessions
errors = []

def worker(w, n):
    s = None
    for i in range(n):
        try:
            if s is None:
                s = connect()
            s.sendmail(sender, [rcpt], message(w, i))
            ok[w] += 1
        except Exception as e:
            failed[w] += 1
            if len(errors) < 5:
                errors.append(f"session {w} message {i}: {e!r}")
            try:
                s.close()
            except Exception:
                pass
            s = None
    if s is not None:
        try:
            s.quit()
        except Exception:
            pass

threads = [threading.Thread(target=worker, args=(w, messages // sessions + (w < messages % sessions))) for w in range(sessions)]
for t in threads: t.start()
for t in threads: t.join()
for e in errors: print("bench: " + e, file=sys.stderr)
print("ok", sum(ok), "failed", sum(failed))
PY
}

cpu_ticks() { awk '{print $14, $15}' "/proc/$server_pid/stat"; }  # user, system
# HOLD: the kernel still accepts the queue runner's connections (backlog), but no greeting comes
# until SIGCONT, so the first queue.concurrency deliveries wait and the rest stays queued.
[ "$HOLD" = 1 ] && kill -STOP "$sink_pid"
cpu_start=$(cpu_ticks)
start=$(date +%s.%N)
submit_result=$(submit) || { echo "bench: the submitting script failed" >&2; KEEP=1; exit 1; }
submitted_at=$(date +%s.%N)
if [ "$HOLD" = 1 ]; then
  queued_at_release=$(sqlite3 -cmd '.timeout 5000' "$data/estafeta.db" \
    "select count(*) from queue_recipients where status = 'queued'")
  submitted_at=$(date +%s.%N)
  kill -CONT "$sink_pid"
fi
read -r _ submitted_ok _ submit_failed <<<"$submit_result"
sink_at_submitted=$(( $(sink_count) - sink_before ))

# Until the sink has every message and no recipient is waiting (queued) or waiting for its bounce
# (failed). The queue is only asked once the sink count is reached, so that polling costs little.
deadline=$(awk -v s="$start" -v t="$TIMEOUT" 'BEGIN {printf "%d", s + t}')
queue_left() { sqlite3 -cmd '.timeout 5000' "$data/estafeta.db" \
  "select count(*) from queue_recipients where status in ('queued','failed')"; }
left=-1
while :; do
  relayed=$(( $(sink_count) - sink_before ))
  if (( relayed >= submitted_ok )); then
    left=$(queue_left)
    (( left == 0 )) && break
  fi
  if (( $(date +%s) >= deadline )); then
    left=$(queue_left)
    echo "bench: gave up after ${TIMEOUT}s: sink has $relayed, $left recipient(s) still queued" >&2
    break
  fi
  sleep 0.05
done
end=$(date +%s.%N)
cpu_end=$(cpu_ticks)
rss_peak=$(awk '/^VmHWM/ {print $2}' /proc/$server_pid/status)
sleep 0.5  # anything arriving late (duplicates) still shows in the final count
relayed=$(( $(sink_count) - sink_before ))
sent_log=$(grep -c 'status=sent' "$log" || true)
deferred_log=$(grep -c 'status=deferred' "$log" || true)

secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN {printf "%.0f", (t > 0 ? n / t : 0)}'; }
submit_secs=$(secs "$start" "$submitted_at")
total_secs=$(secs "$start" "$end")
drain_secs=$(secs "$submitted_at" "$end")
read -r user_start sys_start <<<"$cpu_start"
read -r user_end sys_end <<<"$cpu_end"
hz=$(getconf CLK_TCK)
cpu_user=$(awk -v t="$(( user_end - user_start ))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
cpu_sys=$(awk -v t="$(( sys_end - sys_start ))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}')
cpu=$(awk -v a="$cpu_user" -v b="$cpu_sys" 'BEGIN {printf "%.1f", a + b}')
cores=$(nproc)

printf 'submitted:   %d of %d messages in %s s: %s msg/s (%d failed; sink had %d by then)\n' "$submitted_ok" "$MESSAGES" \
  "$submit_secs" "$(rate "$submitted_ok" "$submit_secs")" "$submit_failed" "$sink_at_submitted"
printf 'relayed:     %d in %s s from the first submission: %s msg/s end to end (queue drained %s s after the last submission)\n' \
  "$relayed" "$total_secs" "$(rate "$relayed" "$total_secs")" "$drain_secs"
if [ "$HOLD" = 1 ]; then
  printf 'drain:       %d in %s s after the sink was resumed with %d queued: %s msg/s relayed\n' "$relayed" "$drain_secs" \
    "$queued_at_release" "$(rate "$relayed" "$drain_secs")"
fi
printf 'sink:        %d of %d received; server log: %d sent, %d deferred; queue left: %d\n' "$relayed" "$MESSAGES" \
  "$sent_log" "$deferred_log" "$left"
printf 'server CPU:  %s s during the run (user %s, system %s; %s%% of %d cores)\n' "$cpu" "$cpu_user" "$cpu_sys" \
  "$(awk -v c="$cpu" -v t="$total_secs" -v n="$cores" 'BEGIN {printf "%.0f", 100 * c / t / n}')" "$cores"
printf 'server RSS:  peak %d MiB (VmHWM), %d MiB idle before the run\n' $((rss_peak / 1024)) $((rss_idle / 1024))
printf 'load:        %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

if (( submit_failed > 0 || submitted_ok != MESSAGES || relayed != MESSAGES || left != 0 )); then
  echo "bench: FAILED (submitted $submitted_ok, sink received $relayed of $MESSAGES, $left still queued)" >&2
  KEEP=1
  exit 1
fi
