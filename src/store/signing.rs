//! signing_keys and revoked_tokens: the key manager's state. Private keys arrive here already
//! encrypted (see `oauth::crypto`).

use super::{Store, StoreResult, revision};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    pub alg: String,
    pub private_key: Vec<u8>,
    pub public_jwk: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
    pub publish_until: Option<i64>,
}

pub struct NewSigningKey<'a> {
    pub kid: &'a str,
    pub alg: &'a str,
    pub sealed_private_key: &'a [u8],
    pub public_jwk: &'a str,
}

impl Store {
    /// Keys whose public half must still be published: the active one first, then retired keys
    /// that may have signed tokens not yet expired.
    pub async fn publishable_signing_keys(&self) -> StoreResult<Vec<SigningKeyRow>> {
        Ok(sqlx::query_as(
            "SELECT kid, alg, private_key, public_jwk, created_at, retired_at, publish_until FROM signing_keys
              WHERE retired_at IS NULL OR publish_until > $1
              ORDER BY CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, created_at DESC",
        )
        .bind(self.now_ms())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Retire the active key (still published until `old_publish_until`) and make `new` active,
    /// in one transaction. With no active key this simply inserts `new`.
    pub async fn rotate_signing_key(&self, new: NewSigningKey<'_>, old_publish_until: i64) -> StoreResult<()> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE signing_keys SET retired_at = $1, publish_until = $2 WHERE retired_at IS NULL")
            .bind(now)
            .bind(old_publish_until)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, alg, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(new.kid)
        .bind(new.alg)
        .bind(new.sealed_private_key)
        .bind(new.public_jwk)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let revision = revision::bump(&mut tx, now).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(())
    }

    /// Record a revoked access token (idempotent) so introspection and the gateway refuse it.
    pub async fn revoke_access_token(&self, jti: &str, client_id: &str, expires_at: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT INTO revoked_tokens (jti, client_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(client_id)
        .bind(expires_at)
        .bind(self.now_ms())
        .execute(&mut *tx)
        .await?;
        let revision = if done.rows_affected() > 0 {
            Some(revision::bump_access(&mut tx, self.now_ms()).await?)
        } else {
            None
        };
        tx.commit().await?;
        if let Some(revision) = revision {
            self.announce(revision);
        }
        Ok(())
    }

    pub async fn is_token_revoked(&self, jti: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM revoked_tokens WHERE jti = $1")
            .bind(jti)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}
