-- Usage compaction: old per-minute rollups are merged into hourly and then daily rows
-- (store/compaction.rs). Keep sqlite/0010_usage_compaction.sql identical in meaning.

-- Minutes a row covers: 1 (as gateways report), 60 or 1440. `minute` is the start of the span,
-- aligned to it (UTC), so a row never crosses an hour or a UTC day boundary.
ALTER TABLE usage_rollups ADD COLUMN span BIGINT NOT NULL DEFAULT 1;
-- The compactor finds its next hour or day with one seek per span, and analytics finds the
-- compacted rows of a range the same way.
CREATE INDEX usage_rollups_by_span ON usage_rollups (span, minute);

-- Compacted rows belong to no gateway batch; they reference this one (the batches they came
-- from stay recorded, so a retried flush of one of them is still ignored).
INSERT INTO usage_batches (batch_id, node_id, received_at, row_count) VALUES ('tollgate:compacted', 'compactor', 0, 0);
