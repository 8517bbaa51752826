#!/usr/bin/env bash
# Event store figures (issue 9, acceptance 4): sustained ingest with storage + detection, search latency over a large
# store, disk bytes per event.
#
#   bench/event-store.sh [EVENTS=10000000] [LANE=structured_windows.ndjson] [SENDERS=3] [QUERIES=20]
#
# Starts `./vigil server` (starter rules) on a fresh data directory and a free port, creates an HTTP source, then
# SENDERS curl loops POST the lane ($VIGIL_SHARED/bench/lanes, 10,000 events) in chunks of 5,000 lines until EVENTS
# events are acknowledged (each acknowledgement means durable: write-ahead log fsynced). Reported:
#   ingest      acknowledged events/s over the load, and events/s detection finished (vigil_ingest_delivered_total)
#   search      median and p95 of QUERIES searches (size 100, newest first, with total) for
#                 a field query   Image:*\\cmd.exe AND User:*system*
#                 a time range    every event received in one minute in the middle of the load (timeField=received)
#                 a count         _source:<source> (all events)
#   disk        index bytes / events, and the write-ahead log left
# The data directory is deleted at the end unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${VIGIL_SHARED:-$(cd .. && pwd)/shared}"
EVENTS="${1:-10000000}"
LANE="${2:-structured_windows.ndjson}"
SENDERS="${3:-3}"
QUERIES="${4:-20}"
LANE_FILE="$SHARED/bench/lanes/$LANE"
[ -f "$LANE_FILE" ] || { echo "no lane $LANE_FILE" >&2; exit 2; }

WORK=$(mktemp -d /tmp/vigil-store-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
URL="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

VIGIL_BOOTSTRAP_API_TOKEN=$TOKEN VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:--Xmx4g}" ./vigil server --data-dir "$WORK/data" \
  --port "$PORT" --vigil.ingest.syslog.enabled=false > "$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  curl -sf -H "$AUTH" "$URL/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 1
done
echo "server up at $URL (data: $WORK/data)"
SOURCE=bench-store
curl -sf -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"name\":\"$SOURCE\",\"intake\":\"http\",\"parser\":\"json\"}" "$URL/api/v1/sources" >/dev/null
split -l 5000 -d -a 4 "$LANE_FILE" "$WORK/chunk."
CHUNKS=("$WORK"/chunk.*)
PER_SENDER=$(( (EVENTS + SENDERS * 5000 - 1) / (SENDERS * 5000) ))

metric() { curl -s -H "$AUTH" "$URL/actuator/prometheus" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.0f\n", s}'; }
status() { curl -s -H "$AUTH" "$URL/api/v1/events/status"; }

send() {
  local n=0 i=0 code
  while [ "$n" -lt "$PER_SENDER" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/x-ndjson' \
      --data-binary @"${CHUNKS[$((i % ${#CHUNKS[@]}))]}" "$URL/api/v1/ingest/$SOURCE")
    case $code in
      200) n=$((n + 1)); i=$((i + 1)) ;;
      429|503) sleep 0.2 ;;
      *) echo "HTTP $code" >&2; sleep 1 ;;
    esac
  done
}

D0=$(metric vigil_ingest_delivered_total)
T0=$(date +%s.%N)
PIDS=()
for s in $(seq 1 "$SENDERS"); do send & PIDS+=($!); done
running() { for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
MID_FROM=""; MID_TO=""
HALF=$(( SENDERS * PER_SENDER * 5000 / 2 ))
while running; do
  sleep 5
  if [ -z "$MID_FROM" ] && [ "$(status | python3 -c 'import json,sys; print(json.load(sys.stdin)["lastId"])')" -ge "$HALF" ]; then
    MID_FROM=$(date -u +%Y-%m-%dT%H:%M:%SZ); sleep 60; MID_TO=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  fi
done
wait "${PIDS[@]}" 2>/dev/null || true
T1=$(date +%s.%N)
ACKED=$(( SENDERS * PER_SENDER * 5000 ))
# detection and indexing finish what is queued
for _ in $(seq 1 600); do
  S=$(status)
  read -r LAST IDX EVAL < <(echo "$S" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["lastId"], s["indexedThrough"], s["evaluatedThrough"])')
  [ "$IDX" -ge "$LAST" ] && [ "$EVAL" -ge "$LAST" ] && break
  sleep 1
done
T2=$(date +%s.%N)
D1=$(metric vigil_ingest_delivered_total)
printf 'ingest: %d events acknowledged in %.0f s = %.0f events/s (durable); detection finished %d events in %.0f s = %.0f events/s\n' \
  "$ACKED" "$(echo "$T1 - $T0" | bc)" "$(echo "$ACKED / ($T1 - $T0)" | bc -l)" \
  "$((D1 - D0))" "$(echo "$T2 - $T0" | bc)" "$(echo "($D1 - $D0) / ($T2 - $T0)" | bc -l)"
sleep 2

timed() { # name, path: median and p95 of QUERIES calls (after one warm-up)
  local name=$1 path=$2 total
  curl -s -o /dev/null -H "$AUTH" "$URL$path"
  total=$(curl -s -H "$AUTH" "$URL$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  for _ in $(seq 1 "$QUERIES"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$URL$path"
  done | sort -n | awk -v n="$name" -v t="$total" '{a[NR]=$1} END {printf "search %-11s %9d hits: median %.0f ms, p95 %.0f ms (%d runs)\n", n, t, a[int((NR+1)/2)]*1000, a[int(NR*0.95+0.5)]*1000, NR}'
}
enc() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
timed field "/api/v1/events/search?size=100&alerts=false&q=$(enc 'Image:*\\cmd.exe AND User:*system*')"
timed time-range "/api/v1/events/search?size=100&alerts=false&timeField=received&from=$MID_FROM&to=$MID_TO"
timed all "/api/v1/events/search?size=100&alerts=false&q=$(enc "_source:$SOURCE")"

curl -s -H "$AUTH" -X POST "$URL/api/v1/events/verifications" -H 'Content-Type: application/json' -d '{}' >/dev/null || true
status | python3 -c '
import json,sys
s=json.load(sys.stdin)
e=s["events"]; b=s["indexBytes"]
print("disk: %d events, %d index bytes = %.1f bytes/event; write-ahead log %d bytes in %d segments; %d partitions" % (e, b, b/max(e,1), s["walBytes"], s["walSegments"], len(s["partitions"])))
'
echo "raw lane bytes/event: $(( $(wc -c < "$LANE_FILE") / $(wc -l < "$LANE_FILE") ))"
