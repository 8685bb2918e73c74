//! personal_tokens: bearer tokens for automation. Only the SHA-256 is stored; the plaintext is
//! returned once, at creation.

use super::{PageQuery, Store, StoreError, StoreResult};
use crate::domain::ids::new_id;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// `last_used_at` is written at most this often per token, so authenticated reads stay reads.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

impl Store {
    pub async fn insert_token(
        &self,
        user_id: &str,
        name: &str,
        prefix: &str,
        token_hash: &str,
        expires_at: i64,
    ) -> StoreResult<TokenRow> {
        Ok(sqlx::query_as(
            "INSERT INTO personal_tokens (id, user_id, name, prefix, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at",
        )
        .bind(new_id())
        .bind(user_id)
        .bind(name)
        .bind(prefix)
        .bind(token_hash)
        .bind(self.now_ms())
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn list_tokens(&self, user_id: &str, page: &PageQuery) -> StoreResult<Vec<TokenRow>> {
        Ok(sqlx::query_as(
            "SELECT id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at
               FROM personal_tokens WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(user_id)
        .bind(&page.after)
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Revoke one of the user's tokens. Another user's token id is "not found".
    pub async fn revoke_token(&self, user_id: &str, id: &str) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE personal_tokens SET revoked_at = $3
              WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(user_id)
        .bind(self.now_ms())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            // Already revoked is fine (idempotent); someone else's or unknown is not found.
            let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM personal_tokens WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
            if exists == 0 {
                return Err(StoreError::NotFound("token"));
            }
        }
        Ok(())
    }

    /// A live (not revoked, not expired) token of an enabled user, by hash. Touches
    /// `last_used_at` at most once a minute.
    pub async fn find_live_token(&self, token_hash: &str) -> StoreResult<Option<TokenRow>> {
        let now = self.now_ms();
        let row: Option<TokenRow> = sqlx::query_as(
            "SELECT t.id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
               FROM personal_tokens t JOIN users u ON u.id = t.user_id
              WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = &row
            && row.last_used_at.is_none_or(|t| now - t >= LAST_USED_RESOLUTION_MS)
        {
            sqlx::query("UPDATE personal_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(&row.id)
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        Ok(row)
    }
}
