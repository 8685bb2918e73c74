//! portal_theme: the one row of the portal's theme (colours, extra CSS, logo), read at every
//! `/theme.css` and written by operators with If-Match and an audit entry.

use super::{AuditEntry, Store, StoreError, StoreResult, audit};

const COLUMNS: &str =
    "light_colors, dark_colors, extra_css, logo_content_type, logo, row_version, updated_at, updated_by";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThemeRow {
    /// JSON object: token name → `#rrggbb`.
    pub light_colors: String,
    pub dark_colors: String,
    pub extra_css: String,
    pub logo_content_type: Option<String>,
    pub logo: Option<Vec<u8>>,
    pub row_version: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// What an operator sets; the whole theme is replaced.
#[derive(Debug, Clone)]
pub struct ThemeFields {
    pub light_colors: String,
    pub dark_colors: String,
    pub extra_css: String,
    /// Content type and bytes.
    pub logo: Option<(&'static str, Vec<u8>)>,
}

impl Store {
    /// The theme (the row exists from the migration on).
    pub async fn find_theme(&self) -> StoreResult<ThemeRow> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM portal_theme WHERE id = 1"));
        sqlx::query_as(sql)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("theme"))
    }

    /// The version of the theme alone, for a cheap revalidation of `/theme.css`.
    pub async fn theme_version(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT row_version FROM portal_theme WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?
            .unwrap_or(0))
    }

    /// Replace the theme; `expected_version` (If-Match) must be the stored one when given.
    pub async fn put_theme(
        &self,
        expected_version: Option<i64>,
        f: &ThemeFields,
        updated_by: &str,
        entry: AuditEntry,
    ) -> StoreResult<ThemeRow> {
        let mut tx = self.begin_write().await?;
        let (logo_type, logo) = match &f.logo {
            Some((t, bytes)) => (Some(*t), Some(bytes.as_slice())),
            None => (None, None),
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE portal_theme SET light_colors = $1, dark_colors = $2, extra_css = $3,
                    logo_content_type = $4, logo = $5, row_version = row_version + 1,
                    updated_at = $6, updated_by = $7
              WHERE id = 1 AND ($8 < 0 OR row_version = $8)
              RETURNING {COLUMNS}"
        ));
        let row: Option<ThemeRow> = sqlx::query_as(sql)
            .bind(&f.light_colors)
            .bind(&f.dark_colors)
            .bind(&f.extra_css)
            .bind(logo_type)
            .bind(logo)
            .bind(self.now_ms())
            .bind(updated_by)
            .bind(expected_version.unwrap_or(-1))
            .fetch_optional(&mut *tx)
            .await?;
        audit::commit_versioned(tx, row, &entry, self.now_ms()).await
    }
}
