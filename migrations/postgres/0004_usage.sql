-- Metering: usage rollups flushed by gateways in idempotent batches, and the gateway nodes.
-- Keep sqlite/0004_usage.sql identical in meaning.

-- A batch id is recorded once; a retried flush of the same batch is ignored.
CREATE TABLE usage_batches (
    batch_id    TEXT PRIMARY KEY,
    node_id     TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    row_count   BIGINT NOT NULL
);

-- Append-only: one row per (batch, api, subscription, minute, status class). Readers sum.
CREATE TABLE usage_rollups (
    id               TEXT PRIMARY KEY,
    batch_id         TEXT NOT NULL REFERENCES usage_batches (batch_id),
    api_id           TEXT NOT NULL,
    subscription_id  TEXT,
    minute           BIGINT NOT NULL,
    status_class     TEXT NOT NULL,
    requests         BIGINT NOT NULL,
    bytes_in         BIGINT NOT NULL,
    bytes_out        BIGINT NOT NULL,
    latency_total    TEXT NOT NULL,
    latency_upstream TEXT NOT NULL
);
CREATE INDEX usage_rollups_by_subscription ON usage_rollups (subscription_id, minute);
CREATE INDEX usage_rollups_by_api ON usage_rollups (api_id, minute);

CREATE TABLE gateway_nodes (
    node_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    revision   BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);
