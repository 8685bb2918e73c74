#!/usr/bin/env bash
# OpenAPI import on a release build (embedded SQLite): time to import each corpus document given
# as an argument, then the server's RSS before and after hostile uploads (50 MB, YAML billion
# laughs, 10,000-level nesting).
#   bench/import.sh path/to/kubernetes-swagger.json [more documents…]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/tollgate
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=18183
( cd "$WORK" && TOLLGATE_LISTEN=127.0.0.1:$PORT TOLLGATE_GATEWAY_LISTEN=127.0.0.1:18184 TOLLGATE_LOG=warn \
  TOLLGATE_ADMIN_EMAIL=admin@bench.local TOLLGATE_ADMIN_PASSWORD='bench admin password' exec "$BIN" ) &
PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -sf $BASE/readyz >/dev/null && break; sleep 0.1; done
J=$WORK/jar
CSRF=$(curl -sf -c "$J" -X POST $BASE/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"email":"admin@bench.local","password":"bench admin password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
ORG=$(curl -sf -b "$J" $BASE/api/v1/me | python3 -c 'import json,sys; print(json.load(sys.stdin)["memberships"][0]["org_id"])')
rss() { grep VmRSS /proc/$PID/status | awk '{print $2 " kB"}'; }
i=0
for doc in "$@"; do
  i=$((i+1))
  ct=application/yaml; [[ $doc == *.json ]] && ct=application/json
  t=$( { /usr/bin/time -f %e curl -s -o /dev/null -w '%{http_code} ' -b "$J" -H "x-csrf-token: $CSRF" -H "content-type: $ct" \
        --data-binary @"$doc" "$BASE/api/v1/orgs/$ORG/apis/import?context=/bench-$i" ; } 2>&1 | tr '\n' ' ')
  echo "import $(basename "$doc") ($(stat -c %s "$doc") bytes): HTTP status and seconds: $t"
done
echo "RSS before hostile uploads: $(rss)"
head -c 52428800 /dev/zero | tr '\0' ' ' > "$WORK/big.json"
python3 - "$WORK" <<'PY'
import sys
w = sys.argv[1]
lol = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\na: &a [" + ",".join(['"lol"'] * 9) + "]\n"
names = "abcdefghi"
for i in range(1, 9):
    lol += f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i-1]}"] * 9) + "]\n"
open(f"{w}/laughs.yaml", "w").write(lol + "paths: {}\n")
open(f"{w}/deep.json", "w").write("[" * 10000 + "]" * 10000)
open(f"{w}/deep.yaml", "w").write("openapi: 3.0.0\nx: " + "[" * 10000 + "]" * 10000 + "\n")
PY
for f in big.json laughs.yaml deep.json deep.yaml; do
  ct=application/yaml; [[ $f == *.json ]] && ct=application/json
  t=$( { /usr/bin/time -f %e curl -s -o /dev/null -w '%{http_code} ' -b "$J" -H "x-csrf-token: $CSRF" -H "content-type: $ct" \
        --data-binary @"$WORK/$f" "$BASE/api/v1/orgs/$ORG/apis/import?context=/hostile" ; } 2>&1 | tr '\n' ' ')
  echo "hostile $f: HTTP status and seconds: $t; RSS now $(rss)"
done
