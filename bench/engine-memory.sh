#!/bin/sh
# Constant-memory check of the detection engine: scans LANE repeated COPIES times (default structured_windows x 100
# = 1,000,000 events) with `vigil scan` against the SigmaHQ rules/ corpus in a 256 MB heap, logging every GC, then
# prints the live heap after GC in the middle and at the end of the run. Loading the corpus takes the first third or so
# of the GCs (the heap climbs to its working size there), so the middle third and the last third are both the scan:
# memory that grew with the events scanned would show as a higher last-third figure (or an OutOfMemoryError).
#   bench/engine-memory.sh [LANE] [COPIES] [RULES]
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${VIGIL_SHARED:-$HERE/../shared}
LANE=${1:-structured_windows}
COPIES=${2:-100}
RULES=${3:-$SHARED/sigma/rules}
GC=$(mktemp /tmp/vigil-gc.XXXXXX)
i=0
(while [ "$i" -lt "$COPIES" ]; do cat "$SHARED/bench/lanes/$LANE.ndjson"; i=$((i + 1)); done) |
  VIGIL_JAVA_OPTS="-Xmx256m -Xlog:gc:file=$GC" "$HERE/vigil" scan --rules "$RULES" --format jsonl - >/dev/null
# G1 lines look like: [12.3s][info][gc] GC(41) Pause Young (Normal) (G1 Evacuation Pause) 60M->12M(256M) 2.1ms
awk '/Pause/ && match($0, /->[0-9]+M/) {
       n++; v[n] = substr($0, RSTART + 2, RLENGTH - 3) + 0; if (v[n] > max) max = v[n] }
     END {
       if (n == 0) { print "no GC logged"; exit }
       k = int(n / 3); if (k < 1) k = 1
       for (i = k + 1; i <= 2 * k; i++) if (v[i] > a) a = v[i]
       for (i = n - k + 1; i <= n; i++) if (v[i] > b) b = v[i]
       printf "GCs: %d  heap after GC, max of the middle third: %d MB, max of the last third: %d MB, max overall: %d MB (-Xmx256m)\n", n, a, b, max
     }' "$GC"
echo "GC log: $GC"
