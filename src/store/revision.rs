//! config_state: the monotonic revision of everything that affects gateway traffic. Every such
//! change bumps it inside its own transaction (ARCHITECTURE.md §6); the row lock serialises
//! concurrent bumps on both backends.

use sqlx::{Any, AssertSqlSafe, Transaction};

use super::{Store, StoreResult};

/// The tables whose rows gateways receive one by one (keys, subscriptions, revoked tokens):
/// each row's `change_rev` is the revision that last changed it, NULL until its transaction's
/// bump stamps it (migrations/*/0007_snapshot_changes.sql).
const CHANGE_TRACKED: [&str; 3] = ["api_keys", "subscriptions", "revoked_tokens"];

/// A change to anything a snapshot holds: the next revision, with the catalog (APIs,
/// resources, plans, signing keys) marked changed too. Call it after the transaction's writes.
pub(super) async fn bump(tx: &mut Transaction<'_, Any>, now: i64) -> StoreResult<i64> {
    advance(tx, true, now).await
}

/// A change to keys, subscriptions or revoked tokens only: gateways at an earlier revision get
/// the changed rows and keep their catalog. Call it after the transaction's writes.
pub(super) async fn bump_access(tx: &mut Transaction<'_, Any>, now: i64) -> StoreResult<i64> {
    advance(tx, false, now).await
}

async fn advance(tx: &mut Transaction<'_, Any>, catalog: bool, now: i64) -> StoreResult<i64> {
    let revision: i64 = sqlx::query_scalar(
        "UPDATE config_state SET revision = revision + 1, updated_at = $1,
                catalog_revision = CASE WHEN $2 = 1 THEN revision + 1 ELSE catalog_revision END
          WHERE id = 1 RETURNING revision",
    )
    .bind(now)
    .bind(i64::from(catalog))
    .fetch_one(&mut **tx)
    .await?;
    for table in CHANGE_TRACKED {
        let sql = AssertSqlSafe(format!("UPDATE {table} SET change_rev = $1 WHERE change_rev IS NULL"));
        sqlx::query(sql).bind(revision).execute(&mut **tx).await?;
    }
    Ok(revision)
}

impl Store {
    /// Postgres NOTIFY (other replicas LISTEN for deployed revisions).
    pub async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The access-token issuer recorded for this installation: `proposed` when none was
    /// recorded yet (the first writer wins), else the recorded one.
    pub async fn adopt_issuer(&self, proposed: &str) -> StoreResult<String> {
        sqlx::query("UPDATE config_state SET oauth_issuer = $1 WHERE id = 1 AND oauth_issuer IS NULL")
            .bind(proposed)
            .execute(&self.pool)
            .await?;
        Ok(sqlx::query_scalar("SELECT oauth_issuer FROM config_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }

    /// The current config revision.
    pub async fn config_revision(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT revision FROM config_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }
}
