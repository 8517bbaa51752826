#!/usr/bin/env bash
# End-to-end HTTP NDJSON throughput of a Vigil server with the full SigmaHQ corpus loaded (issue 5, acceptance 5).
#
#   bench/http-throughput.sh [LANES] [SECONDS] [CLIENTS]
#     LANES    comma-separated files in $VIGIL_SHARED/bench/lanes, measured one after the other on the same server
#              (default structured_windows.ndjson)
#     SECONDS  measurement window after a 10 s warm-up (default 60)
#     CLIENTS  parallel curl senders (default 4)
#
# Starts `./vigil server` on a fresh data directory and free port, imports every SigmaHQ rule folder in
# $VIGIL_SHARED/sigma with `./vigil rules import`, creates an HTTP log source with the lane's logsource, then CLIENTS
# curl loops POST the lane (10,000 events per request) to /api/v1/ingest/bench for the window. "End to end" is what
# the detection engine finished evaluating: the delta of vigil_detection_events_total over the window (intake answers
# 429 when the pipeline is full, so accepted-but-unevaluated events cannot pile up). Bounded: stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${VIGIL_SHARED:-$(cd .. && pwd)/shared}"
LANES="${1:-structured_windows.ndjson}"
SECONDS_WINDOW="${2:-60}"
CLIENTS="${3:-4}"
for LANE in ${LANES//,/ }; do
  [ -f "$SHARED/bench/lanes/$LANE" ] || { echo "no lane $SHARED/bench/lanes/$LANE" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/vigil-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
URL="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

VIGIL_BOOTSTRAP_API_TOKEN=$TOKEN ./vigil server --data-dir "$WORK/data" --port "$PORT" \
  --vigil.ingest.syslog.udp-port=-1 --vigil.ingest.syslog.tcp-port=-1 --vigil.ingest.syslog.tls-port=-1 \
  > "$WORK/server.log" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for _ in $(seq 1 180); do
  curl -sf -H "$AUTH" "$URL/actuator/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 1
done
echo "server up at $URL (log: $WORK/server.log)"

START_IMPORT=$(date +%s.%N)
for dir in rules rules-emerging-threats rules-threat-hunting rules-compliance rules-placeholder; do
  [ -d "$SHARED/sigma/$dir" ] || continue
  VIGIL_SKIP_BUILD=1 ./vigil rules import --url "$URL" --token "$TOKEN" "$SHARED/sigma/$dir" | head -1
done
echo "corpus imported in $(echo "$(date +%s.%N) - $START_IMPORT" | bc) s"
curl -s -H "$AUTH" "$URL/api/v1/rules/status" | python3 -c 'import json,sys; s=json.load(sys.stdin); print("active rules:", s["activeRules"], " correlations:", s["correlations"], " refused:", len(s["refused"]))'

metric() { curl -s -H "$AUTH" "$URL/actuator/prometheus" | awk -v m="$1" 'index($1, m "{") == 1 || $1 == m {s += $2} END {printf "%.0f\n", s}'; }

sender() {
  local until=$1 file=$2 source=$3 ok=0 busy=0
  while [ "$(date +%s)" -lt "$until" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/x-ndjson' \
      --data-binary @"$file" "$URL/api/v1/ingest/$source")
    if [ "$code" = 200 ]; then ok=$((ok+1)); elif [ "$code" = 429 ] || [ "$code" = 503 ]; then busy=$((busy+1)); sleep 0.2; else echo "HTTP $code" >&2; sleep 1; fi
  done
  echo "$ok $busy"
}

for LANE in ${LANES//,/ }; do
  LANE_FILE="$SHARED/bench/lanes/$LANE"
  SOURCE="bench-${LANE%.ndjson}"; SOURCE="${SOURCE//_/-}"
  # The lane's logsource from its first event (product/category/service hint fields).
  read -r PRODUCT CATEGORY SERVICE < <(head -1 "$LANE_FILE" | python3 -c 'import json,sys; e=json.loads(sys.stdin.readline()); print(e.get("product","-"), e.get("category","-"), e.get("service","-"))')
  LS=$(python3 -c "import json; print(json.dumps({k:v for k,v in (('product','$PRODUCT'),('category','$CATEGORY'),('service','$SERVICE')) if v!='-'}))")
  curl -sf -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$SOURCE\",\"intake\":\"http\",\"parser\":\"json\",\"logsource\":$LS}" "$URL/api/v1/sources" >/dev/null
  A0=$(metric vigil_detection_alerts_total); S0=$(metric vigil_detection_suppressed_total)
  END=$(( $(date +%s) + 10 + SECONDS_WINDOW ))
  PIDS=()
  for i in $(seq 1 "$CLIENTS"); do sender "$END" "$LANE_FILE" "$SOURCE" > "$WORK/sender.$i" & PIDS+=($!); done
  sleep 10
  E0=$(metric vigil_detection_events_total); T0=$(date +%s.%N)
  sleep "$SECONDS_WINDOW"
  E1=$(metric vigil_detection_events_total); T1=$(date +%s.%N)
  wait "${PIDS[@]}" 2>/dev/null || true
  OK=0; BUSY=0
  for i in $(seq 1 "$CLIENTS"); do read -r o b < "$WORK/sender.$i"; OK=$((OK+o)); BUSY=$((BUSY+b)); done
  python3 - "$E0" "$E1" "$T0" "$T1" "$OK" "$BUSY" "$LANE" "$CLIENTS" "$LS" <<'PY'
import sys
e0, e1, t0, t1 = map(float, sys.argv[1:5]); ok, busy = int(sys.argv[5]), int(sys.argv[6])
print(f"lane {sys.argv[7]} (logsource {sys.argv[9]}), {sys.argv[8]} clients: {(e1-e0)/(t1-t0):,.0f} events/s "
      f"evaluated end to end over {t1-t0:.0f} s ({int(e1-e0):,} events); requests: {ok} accepted, {busy} answered 429/503")
PY
  echo "  alerts raised: $(( $(metric vigil_detection_alerts_total) - A0 ))  suppressed: $(( $(metric vigil_detection_suppressed_total) - S0 ))"
  # let the pipeline drain before the next lane
  for _ in $(seq 1 120); do
    N0=$(metric vigil_detection_events_total); sleep 2; [ "$(metric vigil_detection_events_total)" = "$N0" ] && break
  done
done
