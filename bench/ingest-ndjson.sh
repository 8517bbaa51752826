#!/usr/bin/env bash
# Sustained HTTP NDJSON throughput, end to end (intake → normalize → detection), against a running Vigil server.
#
#   bench/ingest-ndjson.sh URL TOKEN FILE.ndjson [SENDERS=4] [SECONDS=60] [LINES_PER_REQUEST=5000]
#
# Each sender POSTs FILE in chunks of LINES_PER_REQUEST lines to /api/v1/ingest/bench in a loop (curl, keep-alive
# off, bounded by SECONDS); a 429 answer is honoured by waiting its Retry-After. The figure is the number of events
# detection finished (vigil_ingest_delivered_total from /actuator/prometheus) between the end of a 10 s warm-up and
# the end of the run, divided by the elapsed time: what the server sustains, not what the senders offered. Also
# prints the 429 count (the server pushing back) and the per-source counters. Traffic goes only to URL.
set -euo pipefail
url=${1:?URL}; token=${2:?TOKEN}; file=${3:?FILE}
senders=${4:-4}; seconds=${5:-60}; lines=${6:-5000}
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
split -l "$lines" -d -a 4 "$file" "$work/chunk."
chunks=("$work"/chunk.*)
echo "bench: ${#chunks[@]} chunks of up to $lines lines from $file, $senders senders, ${seconds}s"

delivered() {
  curl -sf -H "Authorization: Bearer $token" "$url/actuator/prometheus" \
    | awk '/^vigil_ingest_delivered_total/ {print $2}' | head -n1 | awk '{printf "%d\n", $1}'
}

send() {
  local id=$1 deadline=$2 i=0 code
  while [ "$(date +%s)" -lt "$deadline" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/x-ndjson' --data-binary @"${chunks[$((i % ${#chunks[@]}))]}" \
      "$url/api/v1/ingest/bench")
    case $code in
      200) i=$((i + 1)) ;;
      429) echo 429 >> "$work/throttled.$id"; sleep 1 ;;
      *) echo "sender $id: HTTP $code" >&2; sleep 1 ;;
    esac
  done
}

end=$(( $(date +%s) + seconds + 10 ))
for s in $(seq 1 "$senders"); do send "$s" "$end" & done
sleep 10
d0=$(delivered); t0=$(date +%s.%N)
wait
d1=$(delivered); t1=$(date +%s.%N)
throttled=$(find "$work" -name "throttled.*" -exec cat {} + | wc -l)
awk -v d0="$d0" -v d1="$d1" -v t0="$t0" -v t1="$t1" -v th="$throttled" 'BEGIN {
  printf "bench: %d events delivered to detection in %.1f s = %.0f events/s (429 answers: %d)\n", d1-d0, t1-t0, (d1-d0)/(t1-t0), th }'
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/sources/default-http" | head -c 600; echo
