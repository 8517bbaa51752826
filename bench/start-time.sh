#!/usr/bin/env bash
# Start-up time of `./vigil demo` without and with the JDK AOT cache (see README, "Running the server"):
#
#   bench/start-time.sh [RUNS]       (default 3 per form)
#
# Wall time from launching `./vigil demo --port 0` until it prints "server up" (the Spring context is refreshed and
# Tomcat listens), on one throwaway data directory that a first, unmeasured start initialises. After each measured
# start the server is stopped with SIGTERM (its shutdown stops the bundled PostgreSQL). The AOT form first creates
# the cache when it is missing or stale (not measured; its time is printed). Prints the wall time and the JVM's CPU
# time (user + system, from /proc) at that moment: on a shared machine the CPU time is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-start.XXXXXX")
pid=
trap 'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$work"' EXIT

# start ./vigil demo, wait for "server up", append "WALL_MS/CPU_MS" to $work/times, stop it
start_once() {
  local log="$work/run.log" t0 t1 cpu
  : >"$log"
  t0=$(date +%s%N)
  ./vigil demo --port 0 --data-dir "$work/data" >"$log" 2>&1 &
  pid=$!
  until grep -q 'server up in' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "start-time: ./vigil exited before it was up; log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  # utime + stime of the JVM (./vigil execs java, so $pid is the JVM), clock ticks -> ms
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat")
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
  grep -h 'AOT cache not used' "$log" >&2 || true
  echo "$(((t1 - t0) / 1000000))/$cpu" >>"$work/times"
}

export VIGIL_SKIP_BUILD=1
[ -f server/target/vigil.jar ] || { echo "build first: ./vigil --version" >&2; exit 1; }
echo "start-time: initialising the data directory (not measured) ..." >&2
VIGIL_AOT=off start_once
for form in off on; do
  if [ "$form" = on ]; then
    echo "start-time: AOT cache (created now when missing: the next start's extra time) ..." >&2
    t0=$(date +%s)
    VIGIL_AOT=on start_once
    echo "start-time: first start with cache creation: $(($(date +%s) - t0)) s" >&2
  fi
  : >"$work/times"
  for _ in $(seq "$RUNS"); do VIGIL_AOT=$form start_once; done
  printf 'AOT %-3s  ready after (wall ms/JVM CPU ms): %s   (load average %s)\n' "$form" "$(tr '\n' ' ' <"$work/times")" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
done
