#!/usr/bin/env bash
# Fuzzing: runs each Jazzer target (the @FuzzTest methods) in fuzzing mode for DURATION, one after
# another, and prints the executions per target. A finding (an assertion or an undocumented exception,
# a hang or an out-of-memory) is written by Jazzer as crash-* into the target's committed inputs
# (src/test/resources/<package>/<Test>Inputs/<method>/), so that `./mvnw verify` replays it from then
# on; the generated corpus grows in .cifuzz-corpus/ (not committed). Exits non-zero on any finding.
#
# Settings (environment): DURATION=10m per target (Jazzer's max_duration: 30s, 10m, 1h)
#   RUNS     stop a target after this many executions instead (e.g. RUNS=10000000; DURATION stays the cap)
#   TARGETS  Class#method list (default: all below);  NICE=15  the niceness the fuzzers run at
#   HEAP=1g  each fuzzer's -Xmx (an input that needs more is an out-of-memory finding)
#   CLASSES  a directory holding classes/ and test-classes/ built before (no rebuild: fuzz a snapshot
#            while editing the tree);  LOGS=target/fuzz  where each target's Jazzer output goes
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
. .mvn/find-jdk.sh
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

DURATION=${DURATION:-10m}
NICE=${NICE:-15}
HEAP=${HEAP:-1g}
LOGS=${LOGS:-target/fuzz}
TARGETS=${TARGETS:-"
  org.estafeta.smtp.server.SmtpPathFuzzTest#mailAndRcptArguments
  org.estafeta.smtp.DataReaderFuzzTest#endsOnlyAtCrlfDotCrlf
  org.estafeta.imap.ImapCommandFuzzTest#commands
  org.estafeta.pop3.Pop3ArgsFuzzTest#arguments
  org.estafeta.auth.SaslFuzzTest#exchanges
  org.estafeta.imap.MimeFuzzTest#structureAndEnvelope
  org.estafeta.web.HtmlPolicyFuzzTest#sanitized
  org.estafeta.config.ConfigFuzzTest#load
  org.estafeta.mailauth.MailAuthFuzzTest#strangersInput
  org.estafeta.sieve.SieveFuzzTest#compileAndRun
  org.estafeta.mailfile.MboxFuzzTest#read
  org.estafeta.store.sql.ArrivalSummaryFuzzTest#summaryTextAndDowngrade
"}

mkdir -p target/fuzz "$LOGS"
if [ -z "${CLASSES:-}" ]; then
  ./mvnw -q test-compile dependency:build-classpath -Dmdep.outputFile=target/fuzz/classpath.txt -Dmdep.includeScope=test
  CLASSES=target
fi
classpath="$CLASSES/test-classes:$CLASSES/classes:$(cat target/fuzz/classpath.txt)"

failed=0
printf '%-62s %14s %8s %10s %16s  %s\n' target executions seconds exec/s 'load 1/5/15 min' outcome
for t in $TARGETS; do
  log="$LOGS/${t##*.}.log"
  outcome=ok
  # The harness (the test class and testing.*) is not instrumented: its checks walk every byte of the output,
  # and coverage of them guides nothing. MimeFuzzTest ran 2.2 times faster so. Where the work is a library's
  # (the OWASP sanitizer behind HtmlPolicy), the library is instrumented, or the fuzzer would be blind to it.
  # The statement cache is not: its choices depend on JDBC method names, never on the input, and Jazzer's
  # comparison hooks in its dispatch were a tenth of the IMAP target's time. (Those hooks cost the HTML
  # target two thirds of its time, walking the sanitizer's name tables on each lookup; Jazzer 0.30 applies
  # them wherever it instruments, custom_hook_excludes and disabled_hooks notwithstanding.)
  includes="org.estafeta.**"
  case "$t" in
    *HtmlPolicyFuzzTest*) includes="$includes:org.owasp.html.**" ;;
    *MimeFuzzTest*|*ArrivalSummaryFuzzTest*) includes="$includes:org.apache.james.mime4j.**" ;;  # addresses, encoded words
  esac
  JAZZER_FUZZ=1 nice -n "$NICE" "$java" -Xmx"$HEAP" --enable-native-access=ALL-UNNAMED -cp "$classpath" \
    -Djazzer.instrumentation_includes="$includes" -Djazzer.instrumentation_excludes="${t%%#*}**:org.estafeta.testing.**:org.estafeta.store.sql.StatementCache*" \
    -Djazzer.max_duration="$DURATION" ${RUNS:+-Djazzer.max_executions="$RUNS"} bench/FuzzTarget.java "$t" >"$log" 2>&1 || { outcome="FINDING (see $log)"; failed=1; }
  # libFuzzer's last status line: "#N DONE ..." then "Done N runs in S second(s)".
  runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  if [ -z "$runs" ]; then runs=$(grep -Eo '^#[0-9]+' "$log" | tail -1 | tr -d '#'); secs=?; else secs=$(echo "$runs" | awk '{print $5}'); runs=$(echo "$runs" | awk '{print $2}'); fi
  rate=?; [ "$secs" != "?" ] && [ "$secs" -gt 0 ] && rate=$((runs / secs))
  # The machine's load when the target ended: the figures mean little on a machine shared with other work.
  load=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)
  printf '%-62s %14s %8s %10s %16s  %s\n' "$t" "${runs:-0}" "$secs" "$rate" "$load" "$outcome"
done
exit $failed
