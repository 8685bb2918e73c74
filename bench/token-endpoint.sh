#!/usr/bin/env bash
# Throughput of POST /oauth2/token (client credentials, Basic auth) on a release build with the
# embedded SQLite default, measured with wrk on loopback; then the cost of one signature.
#   bench/token-endpoint.sh            (DURATION=10s CONNECTIONS=16 THREADS=1 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
ALG=${ALG:-ES256}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
cargo build --release --quiet --example jwt_sign
BIN=target/release/tollgate
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=18181
( cd "$WORK" && TOLLGATE_LISTEN=127.0.0.1:$PORT TOLLGATE_GATEWAY_LISTEN=127.0.0.1:18182 \
  TOLLGATE_ADMIN_EMAIL=admin@bench.local TOLLGATE_ADMIN_PASSWORD='bench admin password' \
  TOLLGATE_OAUTH_SIGNING_ALG=$ALG TOLLGATE_LOG=warn exec "$OLDPWD/$BIN" ) &
PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -sf $BASE/readyz >/dev/null && break; sleep 0.1; done
J=$WORK/jar
curl -sf -X POST $BASE/api/v1/auth/signup -H 'content-type: application/json' \
  -d '{"email":"dev@bench.local","password":"bench dev password","display_name":"Bench"}' >/dev/null
CSRF=$(curl -sf -c "$J" -X POST $BASE/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"email":"dev@bench.local","password":"bench dev password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
APP=$(curl -sf -b "$J" -H "x-csrf-token: $CSRF" -X POST $BASE/api/v1/applications -H 'content-type: application/json' \
  -d '{"name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
read -r CID SECRET < <(curl -sf -b "$J" -H "x-csrf-token: $CSRF" -X POST $BASE/api/v1/applications/$APP/oauth-client \
  -H 'content-type: application/json' -d '{}' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["client_id"], d["client_secret"])')
AUTH=$(printf '%s:%s' "$CID" "$SECRET" | base64 -w0)
cat > "$WORK/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $AUTH"
LUA
curl -sf -X POST $BASE/oauth2/token -H "Authorization: Basic $AUTH" -d grant_type=client_credentials >/dev/null
echo "== POST /oauth2/token ($ALG), wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/token.lua" "$BASE/oauth2/token" | sed -n '1,20p'
echo "== signature cost"
target/release/examples/jwt_sign
