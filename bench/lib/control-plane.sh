# Sourced by bench/gateway.sh and bench/profile.sh: builds the release binary (or takes BIN=… as
# built, e.g. an older commit's for a before/after comparison), starts a control
# plane on embedded SQLite in $WORK, and sets up what our gateway slot serves: a plan whose rate
# limit never rejects, an API at /api/v1 (default version) on $BACKEND, an application subscribed
# to it, $API_KEYS keys (bench-key-0000 …, stored SHA-256 only) and, with AUTH=jwt, an access token.
# Leaves: BIN, WORK, CP, CP_PID, TOKEN (operator PAT for a node), APP, J, CSRF, api(), HEADERS.
# Needs: ROOT, AUTH, API_KEYS, BACKEND.
if [[ -z ${BIN:-} ]]; then
  cargo build --release --quiet --bin tollgate
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/tollgate
fi
WORK=$(mktemp -d)
CP_PORT=18281
trap 'kill $CP_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
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
    # A new revision, with the rows stamped as the store's own writes do (src/store/revision.rs).
    f.write("UPDATE config_state SET revision = revision + 1;\n")
    f.write("UPDATE api_keys SET change_rev = (SELECT revision FROM config_state WHERE id = 1) WHERE change_rev IS NULL;\n")
    f.write("COMMIT;\n")
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
