#!/usr/bin/env bash
# Our gateway side by side with the shared bench kit (direct, nginx as proxy and as API gateway,
# Traefik) in one run. Our slot is a `tollgate gateway` data-plane node (one Tokio worker)
# following a release control plane, with API-key auth + subscription check + a rate limit that
# never rejects + metering, exactly like the kit's nginx gateway.
#
#   bench/gateway.sh                     API keys (the kit's 1,000 keys)
#   AUTH=jwt bench/gateway.sh            OAuth2 JWT access token instead of an API key
#   API_KEYS=100000 bench/gateway.sh     100,000 keys in the snapshot
# Kit settings pass through (ROUNDS, DURATION, TARGETS…). KIT defaults to ../shared/bench (or
# ../../shared/bench from a worktree under scratch/). The binary is built in CARGO_TARGET_DIR if set.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [[ -z ${KIT:-} ]]; then
  KIT=$ROOT/../shared/bench
  [[ -x $KIT/run.sh ]] || KIT=$ROOT/../../shared/bench
fi
AUTH=${AUTH:-key}
export API_KEYS=${API_KEYS:-1000}
export RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)-$AUTH-$API_KEYS}
[[ -x $KIT/run.sh ]] || { echo "bench kit not found at $KIT (set KIT=…)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
bash "$KIT/install.sh" >/dev/null
cargo build --release --quiet --bin tollgate
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/tollgate
WORK=$(mktemp -d)
CP_PORT=18281
trap 'kill $CP_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
BACKEND=http://127.0.0.1:${BASE_PORT:-18080}
( cd "$WORK" && TOLLGATE_LISTEN=127.0.0.1:$CP_PORT TOLLGATE_GATEWAY_LISTEN=127.0.0.1:18282 TOLLGATE_LOG=warn \
  TOLLGATE_ADMIN_EMAIL=admin@bench.local TOLLGATE_ADMIN_PASSWORD='bench admin password' exec "$BIN" ) &
CP_PID=$!
CP=http://127.0.0.1:$CP_PORT
for _ in $(seq 1 100); do curl -sf $CP/readyz >/dev/null && break; sleep 0.1; done
J=$WORK/jar
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
CSRF=$(curl -sf -c "$J" -X POST $CP/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"email":"admin@bench.local","password":"bench admin password"}' | json '["csrf_token"]')
api() { local m=$1 p=$2; shift 2; curl -sf -b "$J" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' -X "$m" "$CP$p" "$@"; }
ORG=$(api GET /api/v1/me | json '["memberships"][0]["org_id"]')
TOKEN=$(api POST /api/v1/me/tokens -d '{"name":"bench node"}' | json '["secret"]')
PLAN=$(api POST /api/v1/orgs/$ORG/plans -d '{"name":"Bench","rate_limit":{"requests":1000000,"period":"second","burst":100000}}' | json '["id"]')
API=$(api POST /api/v1/orgs/$ORG/apis -d "{\"name\":\"Bench\",\"context\":\"/api\",\"version\":\"v1\",\"endpoints\":[{\"url\":\"$BACKEND\"}],\"plan_ids\":[\"$PLAN\"],\"resources\":[{\"method\":\"GET\",\"path\":\"/*\"}]}" | json '["id"]')
api POST /api/v1/apis/$API/lifecycle -d '{"action":"publish"}' >/dev/null
APP=$(api POST /api/v1/applications -d '{"name":"bench"}' | json '["id"]')
api POST /api/v1/applications/$APP/subscriptions -d "{\"api_id\":\"$API\",\"plan_id\":\"$PLAN\"}" >/dev/null
# The kit's keys (bench-key-0000 …) are stored the way ours are: SHA-256 only.
python3 - "$WORK/keys.sql" "$APP" "$API_KEYS" <<'PY'
import hashlib, sys, uuid, time
path, app, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
now = int(time.time() * 1000)
with open(path, "w") as f:
    f.write("BEGIN;\n")
    for i in range(n):
        k = "bench-key-%04d" % i
        h = hashlib.sha256(k.encode()).hexdigest()
        f.write(f"INSERT INTO api_keys (id, application_id, name, prefix, key_hash, created_at) VALUES ('{uuid.uuid4()}', '{app}', 'bench', 'bench-k', '{h}', {now});\n")
    f.write("UPDATE config_state SET revision = revision + 1;\nCOMMIT;\n")
PY
sqlite3 -cmd ".timeout 5000" "$WORK/data/tollgate.db" < "$WORK/keys.sql"
api PATCH /api/v1/applications/$APP -d '{"description":"keys loaded"}' >/dev/null   # deploys the new revision
if [[ $AUTH == jwt ]]; then
  read -r CID SECRET < <(api POST /api/v1/applications/$APP/oauth-client -d '{}' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["client_id"], d["client_secret"])')
  JWT=$(curl -sf -u "$CID:$SECRET" -d grant_type=client_credentials $CP/oauth2/token | json '["access_token"]')
  HEADERS="Authorization: Bearer $JWT"
else
  HEADERS="apikey: bench-key-0999"
fi
# Propagation: a new key written to the store, deployed by the next control-plane write.
PROP_KEY=bench-key-prop-$RANDOM
PROP_HASH=$(printf %s "$PROP_KEY" | sha256sum | cut -d' ' -f1)
PROP_CMD="sqlite3 -cmd '.timeout 5000' '$WORK/data/tollgate.db' \"INSERT INTO api_keys (id, application_id, name, prefix, key_hash, created_at) VALUES ('prop', '$APP', 'p', 'p', '$PROP_HASH', 0); UPDATE config_state SET revision = revision + 1;\" && curl -sf -b '$J' -H 'x-csrf-token: $CSRF' -H 'content-type: application/json' -X PATCH '$CP/api/v1/applications/$APP' -d '{\"description\":\"prop\"}' >/dev/null"
echo "== our slot: tollgate gateway node, auth=$AUTH, $API_KEYS keys"
GATEWAY_URL=http://127.0.0.1:18090/api/hello \
GATEWAY_HEADERS="$HEADERS" \
GATEWAY_NEG_HEADERS='apikey: bench-key-invalid' \
GATEWAY_PROPAGATE_CMD="$PROP_CMD" \
GATEWAY_PROPAGATE_HEADERS="apikey: $PROP_KEY" \
GATEWAY_CMD="exec env TOKIO_WORKER_THREADS=1 TOLLGATE_LOG=warn $BIN gateway --control-plane $CP --token $TOKEN --listen 127.0.0.1:18090 --name bench" \
  bash "$KIT/run.sh"
