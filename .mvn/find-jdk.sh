# Sourced (POSIX sh) by ./mvnw, ./vigil and .ci/run: make JAVA_HOME point at a JDK >= 21.
# Keeps the caller's JAVA_HOME / PATH java when it is new enough; otherwise picks the newest JDK >= 21
# found in the usual install locations. Prints nothing unless it fails. Sets VIGIL_JAVA_MAJOR to the chosen JDK's
# feature version (e.g. 25).
vigil_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | sed 's/^1\.//'
}
vigil_find_jdk() {
  vigil_min=21
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    vigil_m=$(vigil_java_major "$JAVA_HOME/bin/java")
    if [ -n "$vigil_m" ] && [ "$vigil_m" -ge "$vigil_min" ] 2>/dev/null; then VIGIL_JAVA_MAJOR=$vigil_m; return 0; fi
  elif [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null 2>&1; then
    vigil_m=$(vigil_java_major java)
    if [ -n "$vigil_m" ] && [ "$vigil_m" -ge "$vigil_min" ] 2>/dev/null; then
      # callers run "$JAVA_HOME/bin/java": point JAVA_HOME at the PATH java's installation
      vigil_h=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -n 1)
      if [ -n "$vigil_h" ] && [ -x "$vigil_h/bin/java" ]; then
        JAVA_HOME="$vigil_h"; export JAVA_HOME
        VIGIL_JAVA_MAJOR=$vigil_m
        return 0
      fi
    fi
  fi
  vigil_best=""; vigil_best_m=0
  for vigil_d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /usr/local/*jdk* \
                 "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$vigil_d/bin/java" ] && [ -x "$vigil_d/bin/javac" ] || continue
    vigil_m=$(vigil_java_major "$vigil_d/bin/java")
    if [ -n "$vigil_m" ] && [ "$vigil_m" -ge "$vigil_min" ] 2>/dev/null && [ "$vigil_m" -gt "$vigil_best_m" ]; then
      vigil_best="$vigil_d"; vigil_best_m="$vigil_m"
    fi
  done
  if [ -z "$vigil_best" ]; then
    echo "Vigil needs a JDK >= $vigil_min; none found (set JAVA_HOME)." >&2
    return 1
  fi
  JAVA_HOME="$vigil_best"; export JAVA_HOME
  VIGIL_JAVA_MAJOR=$vigil_best_m
}
case $- in *f*) vigil_noglob=1 ;; *) vigil_noglob= ;; esac
set +f
vigil_find_jdk || exit 1
if [ -n "$vigil_noglob" ]; then set -f; fi
