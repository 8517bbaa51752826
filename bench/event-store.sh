#!/usr/bin/env bash
# Event store figures (issue 9, acceptance 4): sustained ingest with storage + detection, search latency over a large
# store, disk bytes per event.
#
#   bench/event-store.sh [EVENTS=10000000] [LANE=structured_windows.ndjson] [SENDERS=3] [QUERIES=20]
#   DURATION=300 bench/event-store.sh ...      stops sending after 300 s (or at EVENTS, whichever comes first)
#   LOAD=1 bench/event-store.sh 10000000       fills the store offline instead (see below), then measures search
#   DATA=/tmp/x/data bench/event-store.sh      measures search, verification and disk of an existing data directory
#                                               (e.g. one a LOAD=1 run kept with KEEP=1), stopped server
#   VIGIL_JAR=/path/vigil.jar                   runs that jar instead of ./vigil (e.g. a copy, while you rebuild)
#   RULES=../shared/sigma/rules bench/event-store.sh ...   ingest mode: imports that rule tree (e.g. the SigmaHQ
#                                               corpus) with `vigil rules import` before sending, so detection runs
#                                               the full rule set instead of the starter rules
#
# Ingest mode (default): starts `./vigil server` (starter rules) on a fresh data directory and a free port, creates
# an HTTP source, then SENDERS curl loops POST the lane ($VIGIL_SHARED/bench/lanes, 10,000 events) in chunks of 5,000
# lines until EVENTS events are acknowledged (each acknowledgement means durable: write-ahead log fsynced).
# Load mode (LOAD=1): creates the source on a fresh server, stops it, and stores EVENTS events with
# `vigil events load` (the store's intake path in-process: canonical encoding, write-ahead log with fsync, daily
# partitions, batches sealed into the hash chain; no HTTP, no detection), reading LANES (default: every lane) again
# and again, with receive times spread evenly over the last SPREAD_DAYS (default 10) days; then starts the server.
# Reported:
#   ingest      acknowledged events/s over the load, and events/s detection finished (vigil_ingest_delivered_total);
#               in load mode: events/s stored by `vigil events load`
#   search      median and p95 of QUERIES searches through the HTTP API (size 100, newest first, with total) for
#                 a field query   Image:*\\conhost.exe AND User:*system*
#                 a time range    every event received in one minute (in the middle of the load)
#                 a count         _source:<source> (all events)
#   verify      the integrity verification of the whole store (re-reads every event, checks the hash chain): result
#               and duration
#   disk        index bytes / events, and the write-ahead log left
# The machine (cores, load average before and after) is printed with the figures: the machine is shared, so note
# what else ran. The data directory is deleted at the end unless KEEP=1.
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
if [ -n "${DATA:-}" ]; then # measure an existing store (e.g. a kept LOAD=1 run): search, verify, disk only
  [ -d "$DATA/events" ] || { echo "no event store in $DATA" >&2; exit 2; }
  DATA_DIR=$(cd "$DATA" && pwd) # the real path: the bundled PostgreSQL knows its data directory by it
  KEEP_DATA=1
else
  DATA_DIR=$WORK/data
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
URL="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

if [ -n "${VIGIL_JAR:-}" ]; then
  . .mvn/find-jdk.sh
  VIGIL=("$JAVA_HOME/bin/java" ${VIGIL_JAVA_OPTS:--Xmx4g} -jar "$VIGIL_JAR")
else
  VIGIL=(env VIGIL_JAVA_OPTS="${VIGIL_JAVA_OPTS:--Xmx4g}" ./vigil)
fi
DURATION="${DURATION:-0}"
LOAD="${LOAD:-0}"
SPREAD_DAYS="${SPREAD_DAYS:-10}"
SOURCE=bench-store
SERVER=""

echo "event-store bench $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'):" \
  "$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg) before; JVM ${VIGIL_JAVA_OPTS:--Xmx4g}"

start_server() {
  VIGIL_BOOTSTRAP_API_TOKEN=$TOKEN "${VIGIL[@]}" server --data-dir "$DATA_DIR" \
    --port "$PORT" --vigil.ingest.syslog.enabled=false >> "$WORK/server.log" 2>&1 &
  SERVER=$!
  local t0=$SECONDS
  for _ in $(seq 1 900); do
    curl -sf -H "$AUTH" "$URL/actuator/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 1
  done
  echo "server up at $URL in $((SECONDS - t0)) s (data: $DATA_DIR)"
}
stop_server() {
  kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""
}
cleanup() {
  [ -n "$SERVER" ] && stop_server
  if [ "${KEEP:-0}" = 1 ] || [ -n "${KEEP_DATA:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
metric() { curl -s -H "$AUTH" "$URL/actuator/prometheus" | awk -v m="$1" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.0f\n", s}'; }
status() { curl -s -H "$AUTH" "$URL/api/v1/events/status"; }

start_server
[ -n "${DATA:-}" ] || curl -sf -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"name\":\"$SOURCE\",\"intake\":\"http\",\"parser\":\"json\"}" "$URL/api/v1/sources" >/dev/null

if [ -n "${DATA:-}" ]; then
  LOAD=1 # what was stored: every lane
  read -r -a LANE_FILES <<< "${LANES:-$(ls "$SHARED"/bench/lanes/*.ndjson | tr '\n' ' ')}"
elif [ "$LOAD" = 1 ]; then
  stop_server
  read -r -a LANE_FILES <<< "${LANES:-$(ls "$SHARED"/bench/lanes/*.ndjson | tr '\n' ' ')}"
  echo "load: $EVENTS events from ${#LANE_FILES[@]} lanes, received over the last $SPREAD_DAYS days"
  NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  T0=$(date +%s.%N)
  "${VIGIL[@]}" events load --data-dir "$DATA_DIR" --source "$SOURCE" --count "$EVENTS" \
    --from "$(date -u -d "$NOW - $SPREAD_DAYS days" +%Y-%m-%dT%H:%M:%SZ)" --to "$NOW" "${LANE_FILES[@]}"
  T1=$(date +%s.%N)
  printf 'load: %d events stored in %.0f s = %.0f events/s (offline, durable, sealed; no detection)\n' \
    "$EVENTS" "$(echo "$T1 - $T0" | bc)" "$(echo "$EVENTS / ($T1 - $T0)" | bc -l)"
  start_server
else
  split -l 5000 -d -a 4 "$LANE_FILE" "$WORK/chunk."
  CHUNKS=("$WORK"/chunk.*)
  PER_SENDER=$(( (EVENTS + SENDERS * 5000 - 1) / (SENDERS * 5000) ))

  send() { # sender number: counts its acknowledged chunks in $WORK/acked.<n>
    local n=0 i=0 code
    while [ "$n" -lt "$PER_SENDER" ]; do
      if [ "$DURATION" -gt 0 ] && [ "$(date +%s)" -ge "$END" ]; then break; fi
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/x-ndjson' \
        --data-binary @"${CHUNKS[$((i % ${#CHUNKS[@]}))]}" "$URL/api/v1/ingest/$SOURCE")
      case $code in
        200) n=$((n + 1)); i=$((i + 1)); echo "$n" > "$WORK/acked.$1" ;;
        429|503) sleep 0.2 ;;
        *) echo "HTTP $code" >&2; sleep 1 ;;
      esac
    done
  }

  if [ -n "${RULES:-}" ]; then
    "${VIGIL[@]}" rules import --url "$URL" --token "$TOKEN" "$RULES" > "$WORK/rules-import.log" 2>&1 ||
      { tail -20 "$WORK/rules-import.log" >&2; exit 1; }
    curl -s -H "$AUTH" "$URL/api/v1/rules/status" | python3 -c '
import json,sys; s=json.load(sys.stdin)
print("rules: " + ", ".join(f"{k} {v}" for k, v in s.items() if not isinstance(v, (list, dict))))'
  fi
  echo "ingest: lane $LANE, $SENDERS senders, chunks of 5000 lines, until $EVENTS events$([ "$DURATION" -gt 0 ] && echo " or $DURATION s")"
  D0=$(metric vigil_ingest_delivered_total)
  T0=$(date +%s.%N)
  START=$(date +%s)
  END=$(( START + DURATION ))
  PIDS=()
  for s in $(seq 1 "$SENDERS"); do send "$s" & PIDS+=($!); done
  running() { for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
  MID_FROM=""; MID_TO=""
  HALF=$(( SENDERS * PER_SENDER * 5000 / 2 ))
  while running; do
    sleep 5
    if [ "$DURATION" -gt 0 ]; then mid=$(( $(date +%s) - START >= DURATION / 2 )); else
      mid=$(( $(status | python3 -c 'import json,sys; print(json.load(sys.stdin)["lastId"])') >= HALF )); fi
    if [ -z "$MID_FROM" ] && [ "$mid" = 1 ]; then
      MID_FROM=$(date -u +%Y-%m-%dT%H:%M:%SZ); sleep 60; MID_TO=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    fi
  done
  wait "${PIDS[@]}" 2>/dev/null || true
  T1=$(date +%s.%N)
  echo "load average at the end of sending: $(cut -d' ' -f1-3 /proc/loadavg)"
  ACKED=$(( $(cat "$WORK"/acked.* 2>/dev/null | awk '{s += $1} END {print s + 0}') * 5000 ))
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
  curl -s -H "$AUTH" "$URL/api/v1/alerts?size=1" | python3 -c 'import json,sys; print("alerts raised:", json.load(sys.stdin).get("total", "?"))' || true
  sleep 2
fi

if [ "$LOAD" = 1 ]; then
  # one minute of receive time in the middle of what is stored
  edge() { curl -s -H "$AUTH" "$URL/api/v1/events/search?size=1&alerts=false&timeField=received&order=$1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["events"][0]["receivedAt"])'; }
  read -r MID_FROM MID_TO < <(python3 -c '
import sys; from datetime import datetime, timedelta, timezone
a, b = (datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sys.argv[1:3])
m = (a + (b - a) / 2).replace(second=0, microsecond=0)
f = lambda t: t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
print(f(m), f(m + timedelta(minutes=1)))' "$(edge oldest)" "$(edge newest)")
fi

timed() { # name, path: median and p95 of QUERIES calls (after one warm-up)
  local name=$1 path=$2 total
  curl -s -o /dev/null -H "$AUTH" "$URL$path"
  total=$(curl -s -H "$AUTH" "$URL$path" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  for _ in $(seq 1 "$QUERIES"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$URL$path"
  done | sort -n | awk -v n="$name" -v t="$total" '{a[NR]=$1} END {printf "search %-11s %9d hits: median %.0f ms, p95 %.0f ms (%d runs)\n", n, t, a[int((NR+1)/2)]*1000, a[int(NR*0.95+0.5)]*1000, NR}'
}
enc() { python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
echo "search: $(status | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])') events stored; load average $(cut -d' ' -f1-3 /proc/loadavg)"
timed field "/api/v1/events/search?size=100&alerts=false&q=$(enc 'Image:*\\conhost.exe AND User:*system*')"
timed time-range "/api/v1/events/search?size=100&alerts=false&timeField=received&from=$MID_FROM&to=$MID_TO"
timed all "/api/v1/events/search?size=100&alerts=false&q=$(enc "_source:$SOURCE")"

V0=$(date +%s.%N)
curl -s -H "$AUTH" -X POST "$URL/api/v1/events/verifications?wait=true" -H 'Content-Type: application/json' \
  -d '{"trigger":"cli"}' -m 7200 > "$WORK/verify.json" || true
V1=$(date +%s.%N)
python3 -c '
import json,sys
v=json.load(open(sys.argv[1])); t=float(sys.argv[2])
print("verify: %s, %s batches (%s events) re-read in %.0f s, %s problems" % (v.get("status"), v.get("batchesChecked"), v.get("eventsChecked"), t, v.get("problemCount")))
' "$WORK/verify.json" "$(echo "$V1 - $V0" | bc)" || { echo "verify: no answer"; cat "$WORK/verify.json"; }
status | python3 -c '
import json,sys
s=json.load(sys.stdin)
e=s["events"]; b=s["indexBytes"]
print("disk: %d events, %d index bytes = %.1f bytes/event; write-ahead log %d bytes in %d segments; %d partitions" % (e, b, b/max(e,1), s["walBytes"], s["walSegments"], len(s["partitions"])))
'
if [ "$LOAD" = 1 ]; then
  echo "raw lane bytes/event: $(cat "${LANE_FILES[@]}" | wc -c | awk -v n="$(cat "${LANE_FILES[@]}" | wc -l)" '{printf "%.0f", $1 / n}')"
else
  echo "raw lane bytes/event: $(( $(wc -c < "$LANE_FILE") / $(wc -l < "$LANE_FILE") ))"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
