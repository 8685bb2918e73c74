//! audit_log: who changed what, when. Written in the same transaction as the change.

use sqlx::{Any, Transaction};

use super::{PageQuery, Store, StoreError, StoreResult};
use crate::domain::ids::new_id;

/// One change to record. `details` is JSON describing what changed (never secrets).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub org_id: Option<String>,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: String,
    pub org_id: Option<String>,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub details: String,
    pub at: i64,
}

/// Filters for listing; empty strings mean "any".
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub target_type: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
}

pub(super) async fn write(tx: &mut Transaction<'_, Any>, entry: &AuditEntry, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, org_id, actor_id, actor_email, action, target_type, target_id, details, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(entry.org_id.as_deref())
    .bind(entry.actor_id.as_deref())
    .bind(entry.actor_email.as_deref())
    .bind(entry.action)
    .bind(entry.target_type)
    .bind(&entry.target_id)
    .bind(entry.details.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The end of an optimistic update: the row its conditional `UPDATE … RETURNING` gave (none when
/// the expected version did not match: 412), written to the audit log and committed with it.
pub(super) async fn commit_versioned<T>(
    mut tx: Transaction<'static, Any>,
    row: Option<T>,
    entry: &AuditEntry,
    now: i64,
) -> StoreResult<T> {
    let row = row.ok_or(StoreError::PreconditionFailed)?;
    write(&mut tx, entry, now).await?;
    tx.commit().await?;
    Ok(row)
}

impl Store {
    pub async fn list_audit(&self, org_id: &str, filter: &AuditFilter, page: &PageQuery) -> StoreResult<Vec<AuditRow>> {
        // Empty-string and sentinel binds keep one SQL text for "filter or not" on both backends.
        Ok(sqlx::query_as(
            "SELECT id, org_id, actor_id, actor_email, action, target_type, target_id, details, at
               FROM audit_log
              WHERE org_id = $1 AND id > $2
                AND ($3 = '' OR action = $3)
                AND ($4 = '' OR actor_id = $4)
                AND ($5 = '' OR target_type = $5)
                AND at >= $6 AND at < $7
              ORDER BY id LIMIT $8",
        )
        .bind(org_id)
        .bind(&page.after)
        .bind(filter.action.as_deref().unwrap_or(""))
        .bind(filter.actor_id.as_deref().unwrap_or(""))
        .bind(filter.target_type.as_deref().unwrap_or(""))
        .bind(filter.since_ms.unwrap_or(i64::MIN))
        .bind(filter.until_ms.unwrap_or(i64::MAX))
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?)
    }
}
