//! applications, api_keys and oauth_clients: what a developer owns.

use super::{AuditEntry, PageQuery, Store, StoreError, StoreResult, audit, on_unique, revision};
use crate::domain::ids::new_id;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub description: String,
    pub callback_url: Option<String>,
    pub token_lifetime_secs: i64,
    pub row_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct ApplicationFields {
    pub name: String,
    pub description: String,
    pub callback_url: Option<String>,
    pub token_lifetime_secs: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub application_id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub rotated_to: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OAuthClientRow {
    pub client_id: String,
    pub application_id: String,
    pub secret_hash: String,
    pub secret_prefix: String,
    pub scopes: String,
    pub created_at: i64,
    pub rotated_at: Option<i64>,
}

/// A new secret to store: its display prefix and SHA-256.
pub struct NewSecret<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub expires_at: Option<i64>,
}

const APP_COLUMNS: &str =
    "id, owner_id, name, description, callback_url, token_lifetime_secs, row_version, created_at, updated_at";
const KEY_COLUMNS: &str = "id, application_id, name, prefix, created_at, expires_at, revoked_at, rotated_to";

async fn insert_key(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    application_id: &str,
    key: &NewSecret<'_>,
    now: i64,
) -> StoreResult<ApiKeyRow> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO api_keys (id, application_id, name, prefix, key_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {KEY_COLUMNS}"
    ));
    Ok(sqlx::query_as(sql)
        .bind(new_id())
        .bind(application_id)
        .bind(key.name)
        .bind(key.prefix)
        .bind(key.hash)
        .bind(now)
        .bind(key.expires_at)
        .fetch_one(&mut **tx)
        .await?)
}

fn name_taken(name: &str) -> String {
    format!("you already have an application named {name:?}")
}

impl Store {
    pub async fn insert_application(&self, owner_id: &str, f: &ApplicationFields) -> StoreResult<ApplicationRow> {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO applications (id, owner_id, name, description, callback_url, token_lifetime_secs,
                                       row_version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING {APP_COLUMNS}"
        ));
        sqlx::query_as(sql)
            .bind(new_id())
            .bind(owner_id)
            .bind(&f.name)
            .bind(&f.description)
            .bind(f.callback_url.as_deref())
            .bind(f.token_lifetime_secs)
            .bind(self.now_ms())
            .fetch_one(&self.pool)
            .await
            .map_err(on_unique(name_taken(&f.name)))
    }

    /// A live (not deleted) application.
    pub async fn find_application(&self, id: &str) -> StoreResult<Option<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {APP_COLUMNS} FROM applications WHERE id = $1 AND deleted_at IS NULL"
        ));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn list_applications(&self, owner_id: &str, page: &PageQuery) -> StoreResult<Vec<ApplicationRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {APP_COLUMNS} FROM applications WHERE owner_id = $1 AND deleted_at IS NULL AND id > $2
              ORDER BY id LIMIT $3"
        ));
        Ok(sqlx::query_as(sql)
            .bind(owner_id)
            .bind(&page.after)
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn update_application(
        &self,
        id: &str,
        expected_version: Option<i64>,
        f: &ApplicationFields,
    ) -> StoreResult<ApplicationRow> {
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE applications SET name = $2, description = $3, callback_url = $4, token_lifetime_secs = $5,
                    row_version = row_version + 1, updated_at = $6
              WHERE id = $1 AND deleted_at IS NULL AND ($7 < 0 OR row_version = $7)
              RETURNING {APP_COLUMNS}"
        ));
        let row: Option<ApplicationRow> = sqlx::query_as(sql)
            .bind(id)
            .bind(&f.name)
            .bind(&f.description)
            .bind(f.callback_url.as_deref())
            .bind(f.token_lifetime_secs)
            .bind(self.now_ms())
            .bind(expected_version.unwrap_or(-1))
            .fetch_optional(&self.pool)
            .await
            .map_err(on_unique(name_taken(&f.name)))?;
        row.ok_or(StoreError::PreconditionFailed)
    }

    /// Soft-delete an application: its keys are revoked, its OAuth client removed and its
    /// subscriptions ended (their usage history stays for invoices).
    pub async fn delete_application(&self, id: &str) -> StoreResult<()> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE applications SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("application"));
        }
        sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE application_id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM oauth_clients WHERE application_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        super::subscriptions::end_where(&mut tx, "application_id", id, now).await?;
        let revision = revision::bump_access(&mut tx, now).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(())
    }

    // ---- API keys ----------------------------------------------------------------------------

    pub async fn insert_api_key(&self, application_id: &str, key: NewSecret<'_>) -> StoreResult<ApiKeyRow> {
        let mut tx = self.begin_write().await?;
        let row = insert_key(&mut tx, application_id, &key, self.now_ms()).await?;
        let revision = revision::bump_access(&mut tx, self.now_ms()).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(row)
    }

    pub async fn list_api_keys(&self, application_id: &str, page: &PageQuery) -> StoreResult<Vec<ApiKeyRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE application_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ));
        Ok(sqlx::query_as(sql)
            .bind(application_id)
            .bind(&page.after)
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn find_api_key(&self, application_id: &str, id: &str) -> StoreResult<Option<ApiKeyRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE application_id = $1 AND id = $2"
        ));
        Ok(sqlx::query_as(sql)
            .bind(application_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Revoke a key at once (idempotent).
    pub async fn revoke_api_key(&self, application_id: &str, id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE api_keys SET revoked_at = $3 WHERE application_id = $1 AND id = $2 AND revoked_at IS NULL")
            .bind(application_id)
            .bind(id)
            .bind(self.now_ms())
            .execute(&mut *tx)
            .await?;
        let revision = revision::bump_access(&mut tx, self.now_ms()).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(())
    }

    /// Issue `new` in place of key `id`, which stays valid until `old_valid_until`.
    pub async fn rotate_api_key(
        &self,
        application_id: &str,
        id: &str,
        new: NewSecret<'_>,
        old_valid_until: i64,
    ) -> StoreResult<ApiKeyRow> {
        let mut tx = self.begin_write().await?;
        let row = insert_key(&mut tx, application_id, &new, self.now_ms()).await?;
        let done = sqlx::query(
            "UPDATE api_keys SET rotated_to = $3,
                    expires_at = CASE WHEN expires_at IS NULL OR expires_at > $4 THEN $4 ELSE expires_at END
              WHERE application_id = $1 AND id = $2 AND revoked_at IS NULL AND rotated_to IS NULL",
        )
        .bind(application_id)
        .bind(id)
        .bind(&row.id)
        .bind(old_valid_until)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "only a live key that was not rotated already can be rotated".into(),
            ));
        }
        let revision = revision::bump_access(&mut tx, self.now_ms()).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(row)
    }

    // ---- OAuth clients -----------------------------------------------------------------------

    pub async fn find_oauth_client_of(&self, application_id: &str) -> StoreResult<Option<OAuthClientRow>> {
        Ok(sqlx::query_as(
            "SELECT client_id, application_id, secret_hash, secret_prefix, scopes, created_at, rotated_at
               FROM oauth_clients WHERE application_id = $1",
        )
        .bind(application_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A client and its (live) application, for client authentication.
    pub async fn find_oauth_client(&self, client_id: &str) -> StoreResult<Option<(OAuthClientRow, ApplicationRow)>> {
        let Some(client): Option<OAuthClientRow> = sqlx::query_as(
            "SELECT client_id, application_id, secret_hash, secret_prefix, scopes, created_at, rotated_at
               FROM oauth_clients WHERE client_id = $1",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(self
            .find_application(&client.application_id)
            .await?
            .map(|app| (client, app)))
    }

    pub async fn insert_oauth_client(
        &self,
        application_id: &str,
        client_id: &str,
        secret: NewSecret<'_>,
        scopes: &[String],
        entry: Option<AuditEntry>,
    ) -> StoreResult<OAuthClientRow> {
        let mut tx = self.begin_write().await?;
        let row: OAuthClientRow = sqlx::query_as(
            "INSERT INTO oauth_clients (client_id, application_id, secret_hash, secret_prefix, scopes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING client_id, application_id, secret_hash, secret_prefix, scopes, created_at, rotated_at",
        )
        .bind(client_id)
        .bind(application_id)
        .bind(secret.hash)
        .bind(secret.prefix)
        .bind(serde_json::to_string(scopes).unwrap_or_else(|_| "[]".into()))
        .bind(self.now_ms())
        .fetch_one(&mut *tx)
        .await
        .map_err(on_unique(
            "the application already has an OAuth client; rotate its secret instead",
        ))?;
        if let Some(entry) = entry {
            audit::write(&mut tx, &entry, self.now_ms()).await?;
        }
        tx.commit().await?;
        Ok(row)
    }

    /// Replace the client's secret (the old one stops working at once) and/or its scopes.
    pub async fn update_oauth_client(
        &self,
        application_id: &str,
        secret: Option<NewSecret<'_>>,
        scopes: Option<&[String]>,
    ) -> StoreResult<OAuthClientRow> {
        let row: Option<OAuthClientRow> = sqlx::query_as(
            "UPDATE oauth_clients
                SET secret_hash = COALESCE($2, secret_hash), secret_prefix = COALESCE($3, secret_prefix),
                    scopes = COALESCE($4, scopes),
                    rotated_at = CASE WHEN $2 IS NULL THEN rotated_at ELSE $5 END
              WHERE application_id = $1
              RETURNING client_id, application_id, secret_hash, secret_prefix, scopes, created_at, rotated_at",
        )
        .bind(application_id)
        .bind(secret.as_ref().map(|s| s.hash))
        .bind(secret.as_ref().map(|s| s.prefix))
        .bind(scopes.map(|s| serde_json::to_string(s).unwrap_or_else(|_| "[]".into())))
        .bind(self.now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.ok_or(StoreError::NotFound("OAuth client"))
    }

    pub async fn delete_oauth_client(&self, application_id: &str) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM oauth_clients WHERE application_id = $1")
            .bind(application_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("OAuth client"));
        }
        Ok(())
    }
}
