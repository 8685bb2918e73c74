-- Publisher: APIs, resources, lifecycle history, documents, business plans, the config revision
-- the gateway follows. Keep postgres/0002_publisher.sql identical in meaning.

-- One row: the monotonic revision of everything that affects traffic (ARCHITECTURE.md §6).
CREATE TABLE config_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    revision   BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO config_state (id, revision, updated_at) VALUES (1, 0, 0);

ALTER TABLE organizations ADD COLUMN plans_seeded INTEGER NOT NULL DEFAULT 0;

CREATE TABLE apis (
    id                     TEXT PRIMARY KEY,
    org_id                 TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    description            TEXT NOT NULL,
    context                TEXT NOT NULL,
    version                TEXT NOT NULL,
    is_default             INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    state                  TEXT NOT NULL,
    tags                   TEXT NOT NULL,
    visibility             TEXT NOT NULL,
    visible_roles          TEXT NOT NULL,
    endpoints              TEXT NOT NULL,
    cors                   TEXT NOT NULL,
    connect_timeout_ms     BIGINT NOT NULL,
    response_timeout_ms    BIGINT NOT NULL,
    require_resubscription INTEGER NOT NULL DEFAULT 0 CHECK (require_resubscription IN (0, 1)),
    sunset_at              BIGINT,
    search_text            TEXT NOT NULL,
    row_version            BIGINT NOT NULL,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    UNIQUE (context, version)
);
CREATE UNIQUE INDEX apis_one_default_per_context ON apis (context) WHERE is_default = 1;
CREATE INDEX apis_by_org ON apis (org_id, id);

-- The OpenAPI document an API was imported from, as uploaded.
CREATE TABLE api_specs (
    api_id       TEXT PRIMARY KEY REFERENCES apis (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    body         BLOB NOT NULL,
    imported_at  BIGINT NOT NULL
);

CREATE TABLE api_resources (
    id            TEXT PRIMARY KEY,
    api_id        TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    position      BIGINT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    auth_required INTEGER NOT NULL CHECK (auth_required IN (0, 1)),
    operation_id  TEXT,
    summary       TEXT,
    UNIQUE (api_id, method, path)
);
CREATE INDEX api_resources_by_api ON api_resources (api_id, position);

CREATE TABLE lifecycle_events (
    id          TEXT PRIMARY KEY,
    api_id      TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor_id    TEXT,
    actor_email TEXT,
    reason      TEXT NOT NULL,
    options     TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX lifecycle_events_by_api ON lifecycle_events (api_id, id);

CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    api_id         TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    position       BIGINT NOT NULL,
    title          TEXT NOT NULL,
    doc_type       TEXT NOT NULL,
    visibility     TEXT NOT NULL,
    source         TEXT NOT NULL,
    inline_content TEXT,
    url            TEXT,
    file_name      TEXT,
    content_type   TEXT,
    file_body      BLOB,
    file_size      BIGINT,
    row_version    BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX documents_by_api ON documents (api_id, position, id);

CREATE TABLE plans (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    description       TEXT NOT NULL,
    rate_limit        TEXT,
    quota             TEXT,
    pricing           TEXT NOT NULL,
    currency          TEXT NOT NULL,
    requires_approval INTEGER NOT NULL CHECK (requires_approval IN (0, 1)),
    state             TEXT NOT NULL,
    row_version       BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE api_plans (
    api_id  TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    PRIMARY KEY (api_id, plan_id)
);
CREATE INDEX api_plans_by_plan ON api_plans (plan_id);
