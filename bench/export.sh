#!/usr/bin/env bash
# Billing export of 1,000,000 usage rows (one per subscription per day) from a release build on
# Postgres: seeds 1,000 subscriptions through the API and 1,000 days of rollups for each with SQL,
# then streams the CSV export and reports its time and the server's RSS (sampled every 20 ms)
# next to a 10,000-row export, to show that memory does not grow with the rows.
#   bench/export.sh            (PG_URL=postgres://postgres@127.0.0.1:5432 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=$PWD/target/release/tollgate
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=tg_bench_export
SUBS=${SUBS:-1000}
DAYS=${DAYS:-1000}
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORT=18185
( cd "$WORK" && TOLLGATE_DATABASE_URL="$PG_URL/$DB" TOLLGATE_LISTEN=127.0.0.1:$PORT TOLLGATE_GATEWAY_LISTEN=127.0.0.1:18186 \
  TOLLGATE_LOG=warn TOLLGATE_ADMIN_EMAIL=admin@bench.local TOLLGATE_ADMIN_PASSWORD='bench admin password' exec "$BIN" ) &
PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 100); do curl -sf $BASE/readyz >/dev/null && break; sleep 0.1; done
J=$WORK/jar
CSRF=$(curl -sf -c "$J" -X POST $BASE/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"email":"admin@bench.local","password":"bench admin password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
post() { curl -sf -b "$J" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' -X POST "$BASE$1" -d "$2"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
ORG=$(curl -sf -b "$J" $BASE/api/v1/me | field '["memberships"][0]["org_id"]')
PLAN=$(post "/api/v1/orgs/$ORG/plans" '{"name":"Metered","pricing":{"model":"per_call","price_micros":1000,"included_calls":0},"currency":"USD"}' | field '["id"]')
API=$(post "/api/v1/orgs/$ORG/apis" "{\"name\":\"export\",\"context\":\"export\",\"version\":\"v1\",\"endpoints\":[{\"url\":\"http://127.0.0.1:9\"}],\"plan_ids\":[\"$PLAN\"]}" | field '["id"]')
post "/api/v1/apis/$API/lifecycle" '{"action":"publish"}' >/dev/null
echo "seeding $SUBS subscriptions through the API…"
for i in $(seq 1 "$SUBS"); do
  APP=$(post /api/v1/applications "{\"name\":\"app-$i\"}" | field '["id"]')
  post "/api/v1/applications/$APP/subscriptions" "{\"api_id\":\"$API\",\"plan_id\":\"$PLAN\"}" >/dev/null
done
echo "seeding $DAYS days of usage for each with SQL…"
HIST='{"buckets":[0,0,0,10,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"sum_us":5000}'
psql "$PG_URL/$DB" -q <<SQL
INSERT INTO usage_batches (batch_id, node_id, received_at, row_count) VALUES ('bench-seed', 'bench', 0, 0);
INSERT INTO usage_rollups (id, batch_id, api_id, subscription_id, plan_id, minute, status_class, requests, bytes_in,
                           bytes_out, latency_total, latency_upstream)
SELECT md5(s.id || d::text), 'bench-seed', s.api_id, s.id, s.plan_id, d * 1440 + 600, '2xx', 10, 100, 1000, '$HIST', '$HIST'
  FROM subscriptions s CROSS JOIN generate_series(19000, 19000 + $DAYS - 1) AS d;
ANALYZE usage_rollups;
SQL
FROM=$(python3 -c 'import datetime; print(datetime.date(1970,1,1) + datetime.timedelta(days=19000))')
rss() { awk '/VmRSS/ {print $2}' /proc/$PID/status; }
export_once() { # $1 = last day offset; prints rows, seconds, RSS before and peak (kB)
  local to; to=$(python3 -c "import datetime; print(datetime.date(1970,1,1) + datetime.timedelta(days=19000 + $1))")
  local before; before=$(rss)
  local peak=$before
  curl -sf -b "$J" -o "$WORK/out.csv" -w '%{time_total}' "$BASE/api/v1/exports/usage?format=csv&from=$FROM&to=$to" > "$WORK/t" &
  local curl_pid=$!
  while kill -0 $curl_pid 2>/dev/null; do
    local now; now=$(rss); (( now > peak )) && peak=$now
    sleep 0.02
  done
  wait $curl_pid
  echo "rows=$(( $(wc -l < "$WORK/out.csv") - 1 )) bytes=$(stat -c %s "$WORK/out.csv") seconds=$(cat "$WORK/t") rss_before_kb=$before rss_peak_kb=$peak"
}
echo "10 days:    $(export_once 9)"
echo "$DAYS days: $(export_once $((DAYS - 1)))"
echo "10 days:    $(export_once 9)"
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
