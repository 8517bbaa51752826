#!/usr/bin/env bash
# The event store's crash test (issue 9, acceptance 1):
#
#   scripts/crash-test.sh [CYCLES]      (default 100)
#   MAX_MINUTES=60 scripts/crash-test.sh 100   starts no new cycle after 60 min (the final checks still run)
#
# Builds the server jar and runs CrashRecoveryIT: it starts `vigil.jar server` as a separate process with a fresh
# data directory, lets two clients stream events over the HTTP intake (recording every acknowledged id), kills the
# server with SIGKILL after 1-4 s, restarts it and checks that every acknowledged id is found by search; CYCLES
# times. At the end: zero lost, every acknowledged rule trigger alerted exactly once, and the integrity verification
# of the whole store is clean. `./mvnw verify` (CI) runs the same test with 3 cycles. Keep the data directory for a
# post-mortem with VIGIL_CRASH_KEEP=1. Report: server/target/crash-test-report.txt.
# Restarts dominate the run: the server runs from the extracted jar, with a JDK 25 AOT cache written by one training
# start (about the time of two restarts, then each restart takes about half as long; AOT=false skips it; CI's 3-cycle
# form does not train). See docs/events.md, "Start-up time".
set -euo pipefail
cd "$(dirname "$0")/.."
CYCLES="${1:-100}"
. .mvn/find-jdk.sh
# `verify` packages the jar, skips the unit tests (-Dtest=NONE) and runs only this integration test
./mvnw -B -pl server -am -Dspotless.check.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=CrashRecoveryIT -Dvigil.crash.cycles="$CYCLES" -Dvigil.crash.keep="${VIGIL_CRASH_KEEP:-false}" \
  -Dvigil.crash.max-minutes="${MAX_MINUTES:-0}" -Dvigil.crash.start-timeout="${START_TIMEOUT:-300}" -Dvigil.crash.aot="${AOT:-true}" \
  verify
cat server/target/crash-test-report.txt
