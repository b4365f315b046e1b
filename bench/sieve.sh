#!/usr/bin/env bash
# What Sieve costs end to end: bench/smtp.sh without scripts and with a 50-rule script per user
# (no rule matches, so every rule is tested), alternating A B A B; prints each run, the medians and
# the ratio. Settings: RUNS=3 RULES=50, and every bench/smtp.sh setting (MESSAGES=5000 by default here).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS=${RUNS:-3}
RULES=${RULES:-50}
export MESSAGES=${MESSAGES:-5000}

rate() { SIEVE_RULES=$1 "$here/smtp.sh" | awk '/^throughput:/ {print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
without=(); with=()
for i in $(seq "$RUNS"); do
  a=$(rate 0); b=$(rate "$RULES")
  [ -n "$a" ] && [ -n "$b" ] || { echo "bench: a run failed" >&2; exit 1; }
  echo "run $i: without Sieve $a msg/s, with $RULES rules $b msg/s"
  without+=("$a"); with+=("$b")
done
m_without=$(printf '%s\n' "${without[@]}" | median)
m_with=$(printf '%s\n' "${with[@]}" | median)
echo "median: without $m_without msg/s, with $RULES rules $m_with msg/s ($(awk "BEGIN {printf \"%.1f\", 100 * (1 - $m_with / $m_without)}")% slower)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
