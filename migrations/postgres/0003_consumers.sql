-- Developer side: applications, subscriptions, API keys, OAuth clients, signing keys, revoked
-- tokens. Keep sqlite/0003_consumers.sql identical in meaning.

CREATE TABLE applications (
    id                  TEXT PRIMARY KEY,
    owner_id            TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    description         TEXT NOT NULL,
    callback_url        TEXT,
    token_lifetime_secs BIGINT NOT NULL,
    row_version         BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    -- Applications are soft-deleted: their subscriptions' usage still feeds invoices.
    deleted_at          BIGINT
);
CREATE UNIQUE INDEX applications_unique_name ON applications (owner_id, name) WHERE deleted_at IS NULL;

-- state: PENDING (awaiting approval), ACTIVE, BLOCKED, REJECTED, ENDED.
CREATE TABLE subscriptions (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    api_id          TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    plan_id         TEXT NOT NULL REFERENCES plans (id),
    pending_plan_id TEXT REFERENCES plans (id),
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    ended_at        BIGINT
);
CREATE UNIQUE INDEX subscriptions_one_live_per_app_api ON subscriptions (application_id, api_id) WHERE state <> 'ENDED' AND state <> 'REJECTED';
CREATE INDEX subscriptions_by_api ON subscriptions (api_id, state);
CREATE INDEX subscriptions_by_plan ON subscriptions (plan_id);

-- What billing needs: every plan a subscription was on, and when (one row per stretch).
CREATE TABLE subscription_periods (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    plan_id         TEXT NOT NULL REFERENCES plans (id),
    started_at      BIGINT NOT NULL,
    ended_at        BIGINT
);
CREATE INDEX subscription_periods_by_subscription ON subscription_periods (subscription_id, started_at);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    prefix         TEXT NOT NULL,
    key_hash       TEXT NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT,
    revoked_at     BIGINT,
    rotated_to     TEXT
);
CREATE INDEX api_keys_by_application ON api_keys (application_id, id);

CREATE TABLE oauth_clients (
    client_id      TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    secret_hash    TEXT NOT NULL,
    secret_prefix  TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    rotated_at     BIGINT
);

CREATE TABLE signing_keys (
    kid           TEXT PRIMARY KEY,
    alg           TEXT NOT NULL,
    private_key   BYTEA NOT NULL,
    public_jwk    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    retired_at    BIGINT,
    publish_until BIGINT
);

CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens (expires_at);
