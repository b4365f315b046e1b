#!/usr/bin/env bash
# DKIM signing and verification cost per message (msg/s, one thread). Needs ./mvnw test-compile first.
set -euo pipefail
cd "$(dirname "$0")/.."
. ./.mvn/find-jdk.sh
./mvnw -q -o dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench-cp.txt)"
out=target/bench-mailauth
mkdir -p "$out"
"$JAVA_HOME/bin/javac" -d "$out" -cp "$cp" bench/mailauth/org/estafeta/mailauth/MailAuthBench.java
nice -n 10 "$JAVA_HOME/bin/java" -cp "$out:$cp" org.estafeta.mailauth.MailAuthBench "${1:-5}"
