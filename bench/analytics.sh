#!/usr/bin/env bash
# Analytics at scale: a year of usage for 1,000 subscriptions over 100 APIs, seeded with SQL, on
# SQLite and on Postgres. Times the month-per-API analytics requests over HTTP (release build)
# before and after compaction, and prints the storage of usage_rollups (rows by span, table +
# index bytes) before and after.
#
# Shape (deterministic): 100 APIs; subscription i (0…999, one application each) is on API
# ⌊100·(i/1000)²⌋, so API 0 has 100 subscriptions and the last ones 5; every tenth subscription
# is busy (calls in 5% of the year's minutes), the others sparse (0.2%: about 3 minutes a day).
# An active minute has a 2xx row; one in 10 also a 4xx row, one in 50 a 5xx row, one in 100 a
# `limited` row; each row has two 20-bucket latency histograms. About 4 million rows.
#
#   bench/analytics.sh                 both databases (BIN=… to use a binary already built)
#   DBS=sqlite bench/analytics.sh      one of them (sqlite, postgres)
#   PG_URL=postgres://postgres@127.0.0.1:5432 (default); BUSY=26280 SPARSE=1051 active minutes
#   a year for busy and sparse subscriptions; RUNS=5 timed runs per request (median reported).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${BIN:-} ]]; then
  cargo build --release --quiet --bin tollgate
  BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/tollgate
fi
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DBS=${DBS:-sqlite postgres}
BUSY=${BUSY:-26280}
SPARSE=${SPARSE:-1051}
RUNS=${RUNS:-5}
SUBS=${SUBS:-1000}
APIS=${APIS:-100}
YEAR=525600
WORK=$(mktemp -d)
PID=
trap '[[ -n $PID ]] && kill $PID 2>/dev/null; [[ -n ${KEEP:-} ]] || rm -rf "$WORK"' EXIT
PORT=${PORT:-18187}
BASE=http://127.0.0.1:$PORT
J=$WORK/jar
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

start() { # $1 = database URL, $2… = extra environment
  local url=$1
  shift
  ( cd "$WORK" && exec env TOLLGATE_DATABASE_URL="$url" TOLLGATE_LISTEN=127.0.0.1:$PORT TOLLGATE_GATEWAY_LISTEN=127.0.0.1:$((PORT + 1)) \
    TOLLGATE_LOG=warn,tollgate::control=info TOLLGATE_ADMIN_EMAIL=admin@bench.local \
    TOLLGATE_ADMIN_PASSWORD='bench admin password' TOLLGATE_SECRET_KEY_FILE="$WORK/secret.key" "$@" \
    "$BIN" >>"$WORK/server.log" 2>&1 ) &
  PID=$!
  for _ in $(seq 1 300); do curl -sf $BASE/readyz >/dev/null && break; sleep 0.1; done
  # Sessions live in the database: after a restart the cookie still works (and signing in
  # would wait for the compactor's write lock on SQLite).
  [[ -s $J ]] && return
  CSRF=$(curl -sf -c "$J" -X POST $BASE/api/v1/auth/login -H 'content-type: application/json' \
    -d '{"email":"admin@bench.local","password":"bench admin password"}' | field '["csrf_token"]')
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
post() { curl -sf -b "$J" -H "x-csrf-token: $CSRF" -H 'content-type: application/json' -X POST "$BASE$1" -d "$2"; }
# Compaction off while seeding and measuring "before".
NO_COMPACTION=(TOLLGATE_USAGE_COMPACT_HOURLY_AFTER=100years TOLLGATE_USAGE_COMPACT_DAILY_AFTER=100years)

# The year ends at the start of the current hour; minutes are epoch minutes.
NOW_MIN=$(( $(date +%s) / 60 / 60 * 60 ))
START=$(( NOW_MIN - YEAR ))
iso() { date -u -d "@$(( $1 * 60 ))" +%Y-%m-%dT%H:%M:%SZ; }
MONTH_AGO=$(( NOW_MIN - 30 * 1440 ))
# A calendar month six months back (in the daily zone after compaction).
OLD_MONTH=$(date -u -d "$(date -u +%Y-%m-01) -6 months" +%Y-%m-01)
OLD_FROM=$(( $(date -u -d "$OLD_MONTH" +%s) / 60 ))
OLD_TO=$(( $(date -u -d "$OLD_MONTH +1 month" +%s) / 60 ))

setup() { # objects through the API: org, plan, 100 APIs, 1,000 applications and subscriptions
  ORG=$(curl -sf -b "$J" $BASE/api/v1/me | field '["memberships"][0]["org_id"]')
  PLAN=$(post "/api/v1/orgs/$ORG/plans" '{"name":"Metered","pricing":{"model":"per_call","price_micros":1000,"included_calls":0},"currency":"USD"}' | field '["id"]')
  : >"$WORK/apis"
  for a in $(seq 0 $((APIS - 1))); do
    local id
    id=$(post "/api/v1/orgs/$ORG/apis" "{\"name\":\"api-$a\",\"context\":\"api-$a\",\"version\":\"v1\",\"endpoints\":[{\"url\":\"http://127.0.0.1:9\"}],\"plan_ids\":[\"$PLAN\"]}" | field '["id"]')
    post "/api/v1/apis/$id/lifecycle" '{"action":"publish"}' >/dev/null
    echo "$id" >>"$WORK/apis"
  done
  mapfile -t API_IDS <"$WORK/apis"
  export BASE J CSRF PLAN
  for i in $(seq 0 $((SUBS - 1))); do echo "$i ${API_IDS[$(( i * i * APIS / (SUBS * SUBS) ))]}"; done |
    xargs -P 4 -n 2 sh -c '
      app=$(curl -sf -b "$J" -H "x-csrf-token: $CSRF" -H "content-type: application/json" -X POST "$BASE/api/v1/applications" -d "{\"name\":\"app-$0\"}" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"id\"])")
      curl -sf -b "$J" -H "x-csrf-token: $CSRF" -H "content-type: application/json" -X POST "$BASE/api/v1/applications/$app/subscriptions" -d "{\"api_id\":\"$1\",\"plan_id\":\"$PLAN\"}" >/dev/null'
  BUSIEST=${API_IDS[0]}
  MEDIAN=${API_IDS[$((APIS / 2))]}
}

# The rows, in SQL. $1 = the backend's table-valued series: how `j` runs over 0…k-1 for a row b.
seed_sql() {
  local series=$1
  cat <<SQL
CREATE TABLE bench_subs AS
  SELECT row_number() OVER (ORDER BY s.id) - 1 AS i, s.id AS sub_id, s.api_id AS api_id, s.plan_id AS plan_id
    FROM subscriptions s;
CREATE TABLE bench_classes (class TEXT, m BIGINT, r BIGINT, hist TEXT);
INSERT INTO bench_classes VALUES
  ('2xx', 1, 0, '{"buckets":[0,0,1,3,9,21,30,18,9,4,2,1,0,0,0,0,0,0,0,0],"sum_us":3981233}'),
  ('4xx', 10, 3, '{"buckets":[0,2,5,9,3,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"sum_us":51844}'),
  ('5xx', 50, 7, '{"buckets":[0,0,0,0,0,0,0,0,1,0,0,0,2,0,0,0,0,0,0,0],"sum_us":2900121}'),
  ('limited', 100, 11, '{"buckets":[3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"sum_us":120}');
INSERT INTO usage_batches (batch_id, node_id, received_at, row_count) VALUES ('bench-seed', 'bench', 0, 0);
INSERT INTO usage_rollups (id, batch_id, api_id, subscription_id, plan_id, minute, status_class, requests, bytes_in,
                           bytes_out, latency_total, latency_upstream)
SELECT b.sub_id || '-' || j || '-' || c.class, 'bench-seed', b.api_id, b.sub_id, b.plan_id,
       $START + (j * $YEAR) / b.k + ((b.i * 7919 + j * 104729) % ($YEAR / b.k)), c.class,
       1 + ((j * 31 + b.i) % (CASE WHEN c.class = '2xx' THEN 60 ELSE 5 END)),
       64 * (1 + (j % 7)), 512 * (1 + ((j * 31 + b.i) % 60)), c.hist, c.hist
  FROM (SELECT bench_subs.*, CAST(CASE WHEN i % 10 = 0 THEN $BUSY ELSE $SPARSE END AS BIGINT) AS k FROM bench_subs) b
  $series
  JOIN bench_classes c ON (j + b.i) % c.m = c.r;
DROP TABLE bench_subs;
DROP TABLE bench_classes;
SQL
}

storage() { # rows by span; bytes of the table and its indexes
  case $1 in
    sqlite)
      sqlite3 "$WORK/bench.db" "SELECT 'rows by span: ' || group_concat(span || '=' || n, ' ') FROM (SELECT span, COUNT(*) AS n FROM usage_rollups GROUP BY span ORDER BY span);
        SELECT 'table+indexes (dbstat): ' || SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name WHERE m.tbl_name = 'usage_rollups';
        SELECT 'database file: ' || ((SELECT page_count FROM pragma_page_count) * (SELECT page_size FROM pragma_page_size))
               || ', free pages: ' || (SELECT freelist_count FROM pragma_freelist_count);" ;;
    postgres)
      psql "$PG_URL/tg_bench_analytics" -tAc "SELECT 'rows by span: ' || string_agg(span || '=' || n, ' ' ORDER BY span) FROM (SELECT span, COUNT(*) AS n FROM usage_rollups GROUP BY span) x" \
        -c "SELECT 'pg_total_relation_size: ' || pg_total_relation_size('usage_rollups')" ;;
  esac
}

timed() { # $1 = label, $2 = path: the first run and the median of $RUNS runs, in ms
  local times=() first t body
  for r in $(seq 0 "$RUNS"); do
    t=$(curl -s -b "$J" -o "$WORK/body" -w '%{http_code} %{time_total}' "$BASE$2")
    [[ ${t%% *} == 200 ]] || { echo "$1: HTTP ${t%% *}: $(head -c 300 "$WORK/body")"; return; }
    if (( r == 0 )); then first=${t#* }; else times+=("${t#* }"); fi
  done
  body=$(python3 -c "import json; b=json.load(open('$WORK/body')); print(sum(s['total_requests'] for s in b['series']) if isinstance(b, dict) else sum(e['requests'] for e in b))")
  python3 - "$1" "$first" "$body" "${times[@]}" <<'PY'
import statistics, sys
label, first, calls, rest = sys.argv[1], float(sys.argv[2]), sys.argv[3], [float(x) for x in sys.argv[4:]]
print(f"  {label:<52} first {first*1000:7.1f} ms  median {statistics.median(rest)*1000:7.1f} ms  ({calls} calls)")
PY
}

queries() {
  local api="/api/v1/analytics/usage?org=$ORG"
  timed "busiest API, last 30 days by hour" "$api&api_id=$BUSIEST&granularity=hour&from=$(iso $MONTH_AGO)&to=$(iso $NOW_MIN)"
  timed "busiest API, last 30 days by day" "$api&api_id=$BUSIEST&granularity=day&from=$(iso $MONTH_AGO)&to=$(iso $NOW_MIN)"
  timed "busiest API, $OLD_MONTH month by day" "$api&api_id=$BUSIEST&granularity=day&from=$(iso $OLD_FROM)&to=$(iso $OLD_TO)"
  timed "busiest API, last 30 days by hour and application" "$api&api_id=$BUSIEST&granularity=hour&group_by=application&from=$(iso $MONTH_AGO)&to=$(iso $NOW_MIN)"
  timed "API $((APIS / 2)) of $APIS, last 30 days by hour" "$api&api_id=$MEDIAN&granularity=hour&from=$(iso $MONTH_AGO)&to=$(iso $NOW_MIN)"
  timed "every API, $OLD_MONTH month by day and API" "$api&granularity=day&group_by=api&from=$(iso $OLD_FROM)&to=$(iso $OLD_TO)"
  timed "top APIs, last 30 days (hour-aligned)" "/api/v1/analytics/top?org=$ORG&dimension=api&limit=100&from=$(iso $MONTH_AGO)&to=$(iso $NOW_MIN)"
}

for db in $DBS; do
  echo "== $db =="
  : >"$WORK/server.log"
  rm -f "$J"
  case $db in
    sqlite) URL="sqlite://$WORK/bench.db"; rm -f "$WORK"/bench.db* ;;
    postgres) URL="$PG_URL/tg_bench_analytics"; psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS tg_bench_analytics" 2>/dev/null ;;
  esac
  start "$URL" "${NO_COMPACTION[@]}"
  echo "creating $APIS APIs and $SUBS subscriptions through the API…"
  setup
  echo "seeding a year of usage with SQL…"
  t0=$(date +%s.%N)
  case $db in
    sqlite) seed_sql "JOIN generate_series(0, b.k - 1) AS g" | sed 's/\bj\b/g.value/g' | sqlite3 -cmd '.timeout 60000' "$WORK/bench.db" ;;
    postgres) seed_sql "CROSS JOIN LATERAL generate_series(0, b.k - 1) AS g(j)" | psql -q "$URL"; psql -q "$URL" -c "VACUUM ANALYZE usage_rollups" ;;
  esac
  echo "  seeded in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
  echo "before compaction:"
  storage "$db" | sed 's/^/  /'
  queries
  stop
  # Default ages (2 days, 35 days): the compactor's first pass runs at start.
  t0=$(date +%s.%N)
  start "$URL"
  for _ in $(seq 1 3600); do grep -q "usage rollups compacted" "$WORK/server.log" && break; sleep 0.5; done
  echo "compaction: $(grep -o 'rows_in.*' "$WORK/server.log" | tail -1) in $(python3 -c "print(round($(date +%s.%N) - $t0, 1))") s"
  case $db in
    postgres) psql -q "$URL" -c "VACUUM ANALYZE usage_rollups" ;;
  esac
  echo "after compaction:"
  storage "$db" | sed 's/^/  /'
  queries
  stop
  case $db in
    sqlite) sqlite3 "$WORK/bench.db" "VACUUM"; echo "  after VACUUM: $(storage sqlite | tail -1)" ;;
    postgres) psql -q "$URL" -c "VACUUM FULL usage_rollups"; echo "  after VACUUM FULL: $(storage postgres | tail -1)"
              psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS tg_bench_analytics" 2>/dev/null ;;
  esac
done
