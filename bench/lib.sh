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

# start_postfix DIR PORT: a throwaway Postfix (Debian's, which bench/smtp.sh compares with) with its
# own main.cf/master.cf under DIR, SMTP on 127.0.0.1:PORT, no TLS, user1..USERS@DOMAIN delivered by
# virtual(8) to Maildirs under DIR/mail; sets postfix_master. Postfix runs its daemons as the postfix
# user, so this needs root. master -d stays in the foreground under setsid, so that stop_postfix
# ends exactly its process group (see src/test/java/org/estafeta/testing/Postfix.java for why).
start_postfix() {
  local dir=$1 smtp_port=$2 i
  mkdir -p "$dir/etc" "$dir/queue" "$dir/data" "$dir/mail"
  chmod 755 "$dir" "$(dirname "$dir")"
  chown postfix "$dir/data"
  chown postfix:postfix "$dir/mail"
  for i in $(seq 1 "$USERS"); do echo "user$i@$DOMAIN user$i/"; done >"$dir/etc/vmailbox"
  cat >"$dir/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $dir
maillog_file = $dir/maillog
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.$DOMAIN
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$dir/etc/vmailbox
virtual_minimum_uid = 1
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
biff = no
smtpd_tls_security_level = none
smtp_tls_security_level = none
CONF
  sed "s/^SMTP_ADDRESS /127.0.0.1:$smtp_port /" "$(dirname "${BASH_SOURCE[0]}")/../src/test/resources/postfix/master.cf" >"$dir/etc/master.cf"
  postfix -c "$dir/etc" check >"$dir/check.out" 2>&1 || { echo "bench: postfix check failed" >&2; cat "$dir/check.out" "$dir/maillog" >&2 2>/dev/null; exit 1; }
  setsid /usr/lib/postfix/sbin/master -c "$dir/etc" -d >"$dir/master.out" 2>&1 &
  postfix_master=$!
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null && return 0
    kill -0 "$postfix_master" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: Postfix did not start" >&2; cat "$dir/master.out" "$dir/maillog" >&2 2>/dev/null; exit 1
}

# stop_postfix DIR: ends the Postfix started by start_postfix (its whole process group).
stop_postfix() {
  [ -n "${postfix_master:-}" ] || return 0
  kill -TERM -- "-$postfix_master" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$postfix_master" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$postfix_master" 2>/dev/null || true
  wait "$postfix_master" 2>/dev/null || true
  postfix_master=""
}

# estafeta ARGS...: execs ./estafeta (which rebuilds the jar when the sources changed) or, with
# ESTAFETA_JAR set, that jar on a JDK 25 (a fixed build while the tree is being edited). It execs, so
# that `(estafeta serve ...) &` leaves the JVM itself in $!. Needs $here (the repository).
estafeta() {
  if [ -n "${ESTAFETA_JAR:-}" ]; then
    [ -n "${bench_java:-}" ] || bench_java=$(. "$here/.mvn/find-jdk.sh" && echo "$JAVA_HOME/bin/java")
    exec "$bench_java" --enable-native-access=ALL-UNNAMED -jar "$ESTAFETA_JAR" "$@"
  fi
  exec "$here/estafeta" "$@"
}

# clone_users_sql USERS DOMAIN: SQL (SQLite and PostgreSQL alike) that makes user2..USERS@DOMAIN as
# copies of user1@DOMAIN (its password hash and SCRAM keys, mailboxes and subscriptions): one CLI call
# per user would cost a JVM start each; without the SCRAM keys each first login would renew them.
clone_users_sql() {
  cat <<SQL
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO accounts(domain_id, address, password_hash, scram_sha256, is_admin, created)
  SELECT a.domain_id, 'user' || n.i || '@$2', a.password_hash, a.scram_sha256, 0, a.created FROM n, accounts a WHERE a.address = 'user1@$2';
INSERT INTO mailboxes(account_id, name, special_use, uidvalidity)
  SELECT a.id, m.name, m.special_use, m.uidvalidity FROM accounts a, mailboxes m
  WHERE a.address != 'user1@$2' AND a.address LIKE '%@$2' AND m.account_id = (SELECT id FROM accounts WHERE address = 'user1@$2');
INSERT INTO subscriptions(account_id, name)
  SELECT a.id, s.name FROM accounts a, subscriptions s
  WHERE a.address != 'user1@$2' AND a.address LIKE '%@$2' AND s.account_id = (SELECT id FROM accounts WHERE address = 'user1@$2');
SQL
}

# imaptest_stress_mbox IMAPTEST_DIR OUT: the messages imaptest's stress run appends, taken from the
# scripted tests' mailboxes (MIME trees, encoded headers, message/rfc822 parts). imaptest's model
# remembers every message by its Message-ID and reports "Header X changed" when two share one; those
# mailboxes reuse <a@b> and <b@b>, so each top-level message gets a Message-ID of its own here.
imaptest_stress_mbox() {
  awk '/^From / {n++; in_header=1; print; next}
       in_header && /^$/ {in_header=0}
       in_header && tolower($0) ~ /^message-id:/ {print "Message-ID: <" n ".stress@bench.test>"; next}
       {print}' "$1"/tests/*.mbox >"$2"
}

# imaptest_commands OUT: the commands an imaptest stress run made (the last line of its totals holds
# the count of each command kind).
imaptest_commands() {
  awk '/^Totals:/ {t=1} t && /^ *[0-9]+( +[0-9]+)+ *$/ {s=0; for (i = 1; i <= NF; i++) s += $i; last=s} END {print last+0}' "$1"
}

# median N...: the middle value (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
