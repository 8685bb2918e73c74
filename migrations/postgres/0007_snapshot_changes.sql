-- Incremental gateway snapshots. Every row that feeds the gateway's credential and
-- subscription indexes carries the config revision that last changed it (change_rev). Writing
-- such a row marks it NULL ("changed, revision not yet assigned": inserts by the column's
-- default, updates by the trigger below), and the revision bump in the same transaction stamps
-- the marked rows with the new revision (src/store/revision.rs). The bump holds config_state's
-- row lock until commit, so revisions are committed in order and a transaction stamps only its
-- own rows (another's marks are not visible to it). A gateway at revision r then needs only the
-- rows whose change_rev is above r, or still NULL.
-- catalog_revision is the last revision that changed APIs, resources, plans or signing keys:
-- a delta carries those whole, and only when they changed since its base.
-- Keep sqlite/0007_snapshot_changes.sql identical in meaning.

ALTER TABLE config_state ADD COLUMN catalog_revision BIGINT NOT NULL DEFAULT 0;
UPDATE config_state SET catalog_revision = revision;

CREATE FUNCTION tollgate_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.change_rev IS NOT DISTINCT FROM OLD.change_rev THEN
        NEW.change_rev := NULL;
    END IF;
    RETURN NEW;
END
$$;

ALTER TABLE api_keys ADD COLUMN change_rev BIGINT;
UPDATE api_keys SET change_rev = 0;
CREATE INDEX api_keys_by_change ON api_keys (change_rev);
CREATE TRIGGER api_keys_mark_changed BEFORE UPDATE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION tollgate_mark_changed();

ALTER TABLE subscriptions ADD COLUMN change_rev BIGINT;
UPDATE subscriptions SET change_rev = 0;
CREATE INDEX subscriptions_by_change ON subscriptions (change_rev);
CREATE TRIGGER subscriptions_mark_changed BEFORE UPDATE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION tollgate_mark_changed();

ALTER TABLE revoked_tokens ADD COLUMN change_rev BIGINT;
UPDATE revoked_tokens SET change_rev = 0;
CREATE INDEX revoked_tokens_by_change ON revoked_tokens (change_rev);
CREATE TRIGGER revoked_tokens_mark_changed BEFORE UPDATE ON revoked_tokens
    FOR EACH ROW EXECUTE FUNCTION tollgate_mark_changed();
