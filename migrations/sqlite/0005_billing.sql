-- Billing: usage attributed to the plan that admitted it, invoices with frozen lines, invoice
-- numbers per organization, quota notices. Keep postgres/0005_billing.sql identical in meaning.

-- The plan a call was admitted under (NULL for calls without a subscription and for rows
-- written before this migration).
ALTER TABLE usage_rollups ADD COLUMN plan_id TEXT;
CREATE INDEX usage_rollups_by_minute ON usage_rollups (minute);

-- One invoice per seller organization, customer (developer account), billing period and
-- currency. status: draft (follows usage), finalized (immutable, numbered), void.
CREATE TABLE invoices (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    customer_id  TEXT NOT NULL REFERENCES users (id),
    period_start BIGINT NOT NULL,
    period_end   BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'finalized', 'void')),
    number       BIGINT,
    total_minor  BIGINT NOT NULL,
    computed_at  BIGINT NOT NULL,
    finalized_at BIGINT,
    voided_at    BIGINT,
    void_reason  TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (org_id, customer_id, period_start, currency)
);
CREATE UNIQUE INDEX invoices_number ON invoices (org_id, number) WHERE number IS NOT NULL;
CREATE INDEX invoices_by_customer ON invoices (customer_id, period_start);
CREATE INDEX invoices_by_period ON invoices (period_start, id);

CREATE TABLE invoice_lines (
    invoice_id        TEXT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position          BIGINT NOT NULL,
    subscription_id   TEXT NOT NULL,
    api_id            TEXT NOT NULL,
    api_name          TEXT NOT NULL,
    api_version       TEXT NOT NULL,
    application_id    TEXT NOT NULL,
    application_name  TEXT NOT NULL,
    plan_id           TEXT NOT NULL,
    plan_name         TEXT NOT NULL,
    kind              TEXT NOT NULL,
    tier              BIGINT,
    description       TEXT NOT NULL,
    quantity          BIGINT NOT NULL,
    unit_price_micros BIGINT NOT NULL,
    prorated_seconds  BIGINT,
    period_seconds    BIGINT,
    amount_minor      BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

CREATE TABLE invoice_sequences (
    org_id      TEXT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    last_number BIGINT NOT NULL
);

-- quota.reached is announced once per subscription and quota period.
CREATE TABLE quota_notices (
    subscription_id TEXT NOT NULL,
    period_start    BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, period_start)
);
