//! sessions: portal logins. Only the SHA-256 of the session token is stored.

use super::{Store, StoreResult};
use crate::domain::ids::new_id;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub csrf_token: &'a str,
    pub user_id: &'a str,
    pub expires_at: i64,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

impl Store {
    pub async fn insert_session(&self, s: NewSession<'_>) -> StoreResult<SessionRow> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, csrf_token, user_id, created_at, expires_at, client_ip, user_agent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(s.token_hash)
        .bind(s.csrf_token)
        .bind(s.user_id)
        .bind(self.now_ms())
        .bind(s.expires_at)
        .bind(s.client_ip)
        .bind(s.user_agent)
        .execute(&self.pool)
        .await?;
        Ok(SessionRow {
            id,
            user_id: s.user_id.to_owned(),
            csrf_token: s.csrf_token.to_owned(),
            expires_at: s.expires_at,
        })
    }

    /// A live session of an enabled user, by token hash.
    pub async fn find_session(&self, token_hash: &str) -> StoreResult<Option<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.user_id, s.csrf_token, s.expires_at
               FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(self.now_ms())
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn delete_session(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Housekeeping: drop expired sessions. Returns how many were removed.
    pub async fn delete_expired_sessions(&self) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
