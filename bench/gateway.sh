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
BACKEND=http://127.0.0.1:${BASE_PORT:-18080}
# shellcheck source=bench/lib/control-plane.sh
source "$ROOT/bench/lib/control-plane.sh"
# Propagation: a new key written to the store (as the store's own writes do: a new revision that
# stamps the changed row), deployed by the next control-plane write.
PROP_KEY=bench-key-prop-$RANDOM
PROP_HASH=$(printf %s "$PROP_KEY" | sha256sum | cut -d' ' -f1)
PROP_CMD="sqlite3 -cmd '.timeout 5000' '$WORK/data/tollgate.db' \"INSERT INTO api_keys (id, application_id, name, prefix, key_hash, created_at) VALUES ('prop', '$APP', 'p', 'p', '$PROP_HASH', 0); UPDATE config_state SET revision = revision + 1; UPDATE api_keys SET change_rev = (SELECT revision FROM config_state WHERE id = 1) WHERE change_rev IS NULL;\" && curl -sf -b '$J' -H 'x-csrf-token: $CSRF' -H 'content-type: application/json' -X PATCH '$CP/api/v1/applications/$APP' -d '{\"description\":\"prop\"}' >/dev/null"
# How our node is started. By default here, pinned as the kit pins its servers and in the same
# session as the kit's servers and wrk. GATEWAY_SESSION=own lets the kit start it (GATEWAY_CMD),
# which it does under setsid: a session of its own, and so, where the kernel groups tasks by
# session (sched_autogroup_enabled=1), a scheduling group of its own on the CPU it shares with
# wrk and the backend. That alone adds about 4 us to our unloaded p50 and to no peer's (the same
# binary measured both ways: docs/gateway.md), so it is not the default.
NODE_CMD=(env TOKIO_WORKER_THREADS=1 TOLLGATE_LOG=warn "$BIN" gateway --control-plane "$CP" --token "$TOKEN"
  --listen 127.0.0.1:18090 --name bench)
NODE_PID=
trap 'kill $NODE_PID $CP_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [[ ${GATEWAY_SESSION:-shared} == own ]]; then
  export GATEWAY_CMD="exec ${NODE_CMD[*]}"
else
  PIN_CMD=(); [[ ${PIN:-split} == split ]] && PIN_CMD=(taskset -c "${SERVER_CPUS:-0}")
  t0=$(date +%s%N)
  "${PIN_CMD[@]}" "${NODE_CMD[@]}" >"$WORK/node.log" 2>&1 &
  NODE_PID=$!
  # Ready: its first snapshot loaded (the kit's backend, and so a 200 through it, comes later).
  until [[ $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18090/readyz) == 200 ]]; do
    kill -0 $NODE_PID 2>/dev/null || { tail "$WORK/node.log"; echo "our node stopped"; exit 1; }
    (( $(date +%s%N) - t0 < 60000000000 )) || { echo "our node was not ready within 60 s"; exit 1; }
    sleep 0.005
  done
  STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "== our node (pid $NODE_PID) ready after $STARTUP_MS ms"
  export GATEWAY_PID=$NODE_PID
fi
echo "== our slot: tollgate gateway node, auth=$AUTH, $API_KEYS keys, session=${GATEWAY_SESSION:-shared}"
GATEWAY_URL=http://127.0.0.1:18090/api/hello \
GATEWAY_HEADERS="$HEADERS" \
GATEWAY_NEG_HEADERS='apikey: bench-key-invalid' \
GATEWAY_PROPAGATE_CMD="$PROP_CMD" \
GATEWAY_PROPAGATE_HEADERS="apikey: $PROP_KEY" \
  bash "$KIT/run.sh"
if [[ -n ${STARTUP_MS:-} ]]; then
  printf '\nOur node was started by bench/gateway.sh (session shared with the kit): start to ready (first snapshot loaded) %s ms.\n' \
    "$STARTUP_MS" | tee -a "$RESULTS_DIR/summary.md"
fi
