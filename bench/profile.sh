#!/usr/bin/env bash
# Instructions per request of a `tollgate gateway` node, counted by callgrind: repeatable on a
# noisy machine, unlike seconds. Same setup as bench/gateway.sh (the kit's nginx backend, a node
# with one Tokio worker, API-key auth + subscription + rate limit + metering); the node runs under
# valgrind, is warmed up, its counters are zeroed, wrk sends load for DURATION, and the total is
# divided by the requests the node answered.
#
#   bench/profile.sh                 API key, the kit's 1,000 keys
#   AUTH=jwt bench/profile.sh        JWT access token
#   TOP=40 bench/profile.sh          longer per-function listing (inclusive, sorted)
# Output: bench/results/profile-<timestamp>/ with callgrind.out and the annotated listing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
AUTH=${AUTH:-key}
API_KEYS=${API_KEYS:-1000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
TOP=${TOP:-30}
BASE_PORT=${BASE_PORT:-18080}
NODE_PORT=18090
for tool in valgrind callgrind_control callgrind_annotate nginx wrk sqlite3; do
  command -v $tool >/dev/null || { echo "$tool is needed (valgrind, nginx, wrk, sqlite3 from apt-get)"; exit 1; }
done
# Symbols and line tables for callgrind, built apart from the plain release binary.
export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/prof}
OUT=$ROOT/bench/results/profile-$(date +%Y%m%d-%H%M%S)-$AUTH
mkdir -p "$OUT"
BACKEND=http://127.0.0.1:$BASE_PORT
# shellcheck source=bench/lib/control-plane.sh
source "$ROOT/bench/lib/control-plane.sh"
trap 'kill $CP_PID $NGINX_PID $NODE_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
NGINX_PID= NODE_PID=

# The kit's backend: nginx answering every path with a fixed 60-byte JSON body.
mkdir -p "$WORK/nginx/tmp"
cat >"$WORK/nginx/backend.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/backend.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    server {
        listen 127.0.0.1:$BASE_PORT backlog=4096;
        default_type application/json;
        location / { return 200 '{"status":"ok","service":"bench-backend","items":[1,2,3]}\n'; }
    }
}
EOF
nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/backend.conf" &
NGINX_PID=$!

( cd "$WORK" && exec env TOKIO_WORKER_THREADS=1 TOLLGATE_LOG=warn valgrind --tool=callgrind \
  --callgrind-out-file="$OUT/callgrind.out" "$BIN" gateway --control-plane "$CP" --token "$TOKEN" \
  --listen 127.0.0.1:$NODE_PORT --name profile ) >"$OUT/node.log" 2>&1 &
NODE_PID=$!
URL=http://127.0.0.1:$NODE_PORT/api/hello
for _ in $(seq 1 300); do curl -sf -H "$HEADERS" $URL >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf -H "$HEADERS" $URL >/dev/null || { tail "$OUT/node.log"; echo "node did not answer"; exit 1; }
HDR_ARGS=(-H "$HEADERS")
wrk -t1 -c"$CONNS" -d3s "${HDR_ARGS[@]}" $URL >/dev/null            # warm-up: pools, caches
callgrind_control -z "$NODE_PID" >/dev/null
wrk -t1 -c"$CONNS" -d"$DURATION" "${HDR_ARGS[@]}" $URL | tee "$OUT/wrk.txt"
callgrind_control -d "$NODE_PID" >/dev/null
sleep 1
REQS=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
NON2XX=$(awk '/Non-2xx/ {print $NF}' "$OUT/wrk.txt")
[[ -z $NON2XX ]] || { echo "error: $NON2XX non-2xx answers"; exit 1; }
DUMP=$(ls -t "$OUT"/callgrind.out.* | head -1)
# Per-function instructions per request, self and inclusive, paths shortened.
per_request() {
  callgrind_annotate --auto=no --threshold=100 --inclusive="$1" "$DUMP" 2>/dev/null \
    | sed -E 's#/root/.cargo/registry/src/[^/]+/##; s#/rustc/[0-9a-f]+/library/##; s# \[[^]]*\]$##' \
    | awk -v n="$REQS" 'match($0, /^ *[0-9,]+ +\( *[0-9.]+%\) +/) && $0 !~ /PROGRAM TOTALS|\(99\.|\(100\./ {
        c = $1; gsub(",", "", c); printf "%7d  %s\n", c / n, substr($0, RLENGTH + 1) }' \
    | head -"$TOP"
}
TOTAL=$(callgrind_annotate "$DUMP" 2>/dev/null | awk '/PROGRAM TOTALS/ && !t {gsub(",","",$1); t = $1} END {print t}')
per_request no >"$OUT/self.txt" || true
per_request yes >"$OUT/inclusive.txt" || true
echo "== $REQS requests, $TOTAL instructions: $((TOTAL / REQS)) instructions per request (auth=$AUTH, $API_KEYS keys)"
echo "   per-function listings: $OUT/self.txt, $OUT/inclusive.txt"
