#!/usr/bin/env bash
# Page latency: time from an event arriving at intake to the first notification delivered to a local webhook
# receiver (through detection, alert, paging and the delivery worker), p50/p99 over N trials (default 100).
# Usage: bench/page-latency.sh [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
./mvnw -B -q -pl server -am test -Dtest=PageLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvigil.bench.trials="${1:-100}" -Dspotless.check.skip=true
cat server/target/page-latency.txt
