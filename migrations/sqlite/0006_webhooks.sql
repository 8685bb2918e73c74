-- Webhooks for billing events: endpoints per organization, events written in the same
-- transaction as the change they describe (outbox), and one delivery per (event, endpoint)
-- with its attempts. Keep postgres/0006_webhooks.sql identical in meaning.

CREATE TABLE webhook_endpoints (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url               TEXT NOT NULL,
    description       TEXT NOT NULL,
    -- JSON array of event type names, e.g. ["invoice.finalized", "subscription.created"].
    event_types       TEXT NOT NULL,
    enabled           INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    -- The signing secret, AES-256-GCM sealed with `secret_key` and bound to this row's id.
    secret_sealed     BLOB NOT NULL,
    -- First characters of the secret (whsec_ + 4), safe to show.
    secret_prefix     TEXT NOT NULL,
    secret_rotated_at BIGINT,
    row_version       BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (org_id, id);

-- body: the exact JSON document POSTed ({id, type, created_at, org_id, data}).
CREATE TABLE webhook_events (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_type TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX webhook_events_by_org ON webhook_events (org_id, id);

-- state: pending, succeeded, failed. While pending, next_attempt_at is when the next attempt
-- is due; while an attempt runs it is the end of the sender's lease (claim_token names the
-- sender), so a crashed sender's delivery becomes due again.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT,
    claim_token     TEXT,
    last_status     BIGINT,
    last_error      TEXT,
    resent_from     TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    completed_at    BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

-- One row per HTTP attempt: the delivery log.
CREATE TABLE webhook_attempts (
    id          TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    status      BIGINT,
    error       TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, attempt);
