//! config_state: the monotonic revision of everything that affects gateway traffic. Every such
//! change bumps it inside its own transaction (ARCHITECTURE.md §6); the row lock serialises
//! concurrent bumps on both backends.

use sqlx::{Any, Transaction};

use super::{Store, StoreResult};
use crate::domain::ids::now_ms;

pub(super) async fn bump(tx: &mut Transaction<'_, Any>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE config_state SET revision = revision + 1, updated_at = $1 WHERE id = 1 RETURNING revision",
    )
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?)
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

    /// The current config revision.
    pub async fn config_revision(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT revision FROM config_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }
}
