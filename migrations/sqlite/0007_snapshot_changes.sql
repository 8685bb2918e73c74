-- Incremental gateway snapshots. Every row that feeds the gateway's credential and
-- subscription indexes carries the config revision that last changed it (change_rev). Writing
-- such a row marks it NULL ("changed, revision not yet assigned": inserts by the column's
-- default, updates by the triggers below), and the revision bump in the same transaction
-- stamps the marked rows with the new revision (src/store/revision.rs). A gateway at revision r
-- then needs only the rows whose change_rev is above r, or still NULL.
-- catalog_revision is the last revision that changed APIs, resources, plans or signing keys:
-- a delta carries those whole, and only when they changed since its base.
-- Keep postgres/0007_snapshot_changes.sql identical in meaning.

ALTER TABLE config_state ADD COLUMN catalog_revision BIGINT NOT NULL DEFAULT 0;
UPDATE config_state SET catalog_revision = revision;

ALTER TABLE api_keys ADD COLUMN change_rev BIGINT;
UPDATE api_keys SET change_rev = 0;
CREATE INDEX api_keys_by_change ON api_keys (change_rev);
CREATE TRIGGER api_keys_mark_changed AFTER UPDATE ON api_keys
    WHEN NEW.change_rev IS OLD.change_rev AND NEW.change_rev IS NOT NULL
BEGIN
    UPDATE api_keys SET change_rev = NULL WHERE rowid = NEW.rowid;
END;

ALTER TABLE subscriptions ADD COLUMN change_rev BIGINT;
UPDATE subscriptions SET change_rev = 0;
CREATE INDEX subscriptions_by_change ON subscriptions (change_rev);
CREATE TRIGGER subscriptions_mark_changed AFTER UPDATE ON subscriptions
    WHEN NEW.change_rev IS OLD.change_rev AND NEW.change_rev IS NOT NULL
BEGIN
    UPDATE subscriptions SET change_rev = NULL WHERE rowid = NEW.rowid;
END;

ALTER TABLE revoked_tokens ADD COLUMN change_rev BIGINT;
UPDATE revoked_tokens SET change_rev = 0;
CREATE INDEX revoked_tokens_by_change ON revoked_tokens (change_rev);
CREATE TRIGGER revoked_tokens_mark_changed AFTER UPDATE ON revoked_tokens
    WHEN NEW.change_rev IS OLD.change_rev AND NEW.change_rev IS NOT NULL
BEGIN
    UPDATE revoked_tokens SET change_rev = NULL WHERE rowid = NEW.rowid;
END;
