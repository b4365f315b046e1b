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
  cat >"$dir/etc/master.cf" <<CONF
127.0.0.1:$smtp_port inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
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
