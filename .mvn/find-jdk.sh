# Sourced by ./mvnw, ./estafeta and ./run-tests (POSIX sh): points JAVA_HOME at a JDK 25 or newer
# when the one given (or the machine's default java) is older, so both README commands work on a
# fresh machine whose default Java is 17.
estafeta_is_jdk25() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] &&
    "$1/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'
}
if ! estafeta_is_jdk25 "${JAVA_HOME-}"; then
  case $- in *f*) estafeta_noglob=1; set +f ;; *) estafeta_noglob= ;; esac  # mvnw runs with set -f
  for estafeta_candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*-2[6-9]* \
      /Library/Java/JavaVirtualMachines/*25*/Contents/Home "${HOME-}"/.sdkman/candidates/java/25*; do
    if estafeta_is_jdk25 "$estafeta_candidate"; then JAVA_HOME="$estafeta_candidate"; export JAVA_HOME; break; fi
  done
  if ! estafeta_is_jdk25 "${JAVA_HOME-}" && [ -x /usr/libexec/java_home ]; then
    estafeta_candidate="$(/usr/libexec/java_home -v 25 2>/dev/null || true)"
    if estafeta_is_jdk25 "$estafeta_candidate"; then JAVA_HOME="$estafeta_candidate"; export JAVA_HOME; fi
  fi
  [ -z "$estafeta_noglob" ] || set -f
fi
unset estafeta_candidate estafeta_noglob
