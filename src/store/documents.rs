//! documents: per-API documentation — inline markdown, a link, or an uploaded file.

use sqlx::{Any, Transaction};

use super::{AuditEntry, Store, StoreError, StoreResult, audit};
use crate::domain::ids::new_id;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub api_id: String,
    pub position: i64,
    pub title: String,
    pub doc_type: String,
    pub visibility: String,
    pub source: String,
    pub inline_content: Option<String>,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub file_size: Option<i64>,
    pub row_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A document's mutable fields.
#[derive(Debug, Clone)]
pub struct DocumentFields {
    pub title: String,
    pub doc_type: String,
    pub visibility: String,
    pub source: String,
    pub inline_content: Option<String>,
    pub url: Option<String>,
    pub position: Option<i64>,
}

/// An uploaded file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentFile {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub file_body: Option<Vec<u8>>,
}

const COLUMNS: &str = "id, api_id, position, title, doc_type, visibility, source, inline_content, url, file_name,
    content_type, file_size, row_version, created_at, updated_at";

pub(super) async fn copy_all(tx: &mut Transaction<'_, Any>, from_api: &str, to_api: &str, now: i64) -> StoreResult<()> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM documents WHERE api_id = $1 ORDER BY position, id")
        .bind(from_api)
        .fetch_all(&mut **tx)
        .await?;
    for id in ids {
        sqlx::query(
            "INSERT INTO documents (id, api_id, position, title, doc_type, visibility, source, inline_content, url,
                                    file_name, content_type, file_body, file_size, row_version, created_at, updated_at)
             SELECT $1, $2, position, title, doc_type, visibility, source, inline_content, url, file_name,
                    content_type, file_body, file_size, 1, $3, $3
               FROM documents WHERE id = $4",
        )
        .bind(new_id())
        .bind(to_api)
        .bind(now)
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    pub async fn insert_document(
        &self,
        api_id: &str,
        f: &DocumentFields,
        entry: AuditEntry,
    ) -> StoreResult<DocumentRow> {
        let mut tx = self.begin_write().await?;
        let position = match f.position {
            Some(p) => p,
            None => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM documents WHERE api_id = $1",
                )
                .bind(api_id)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        let now = self.now_ms();
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO documents (id, api_id, position, title, doc_type, visibility, source, inline_content, url,
                                    row_version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING {COLUMNS}"
        ));
        let row: DocumentRow = sqlx::query_as(sql)
            .bind(new_id())
            .bind(api_id)
            .bind(position)
            .bind(&f.title)
            .bind(&f.doc_type)
            .bind(&f.visibility)
            .bind(&f.source)
            .bind(f.inline_content.as_deref())
            .bind(f.url.as_deref())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        let mut entry = entry;
        entry.target_id = row.id.clone();
        audit::write(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn find_document(&self, api_id: &str, id: &str) -> StoreResult<Option<DocumentRow>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM documents WHERE api_id = $1 AND id = $2"));
        Ok(sqlx::query_as(sql)
            .bind(api_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// All documents of an API, in their order.
    pub async fn list_documents(&self, api_id: &str) -> StoreResult<Vec<DocumentRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents WHERE api_id = $1 ORDER BY position, id"
        ));
        Ok(sqlx::query_as(sql).bind(api_id).fetch_all(&self.pool).await?)
    }

    pub async fn update_document(
        &self,
        api_id: &str,
        id: &str,
        expected_version: Option<i64>,
        f: &DocumentFields,
        entry: AuditEntry,
    ) -> StoreResult<DocumentRow> {
        let mut tx = self.begin_write().await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE documents SET title = $3, doc_type = $4, visibility = $5, source = $6, inline_content = $7,
                    url = $8, position = COALESCE($9, position), row_version = row_version + 1, updated_at = $10,
                    file_name = CASE WHEN $6 = 'file' THEN file_name ELSE NULL END,
                    content_type = CASE WHEN $6 = 'file' THEN content_type ELSE NULL END,
                    file_body = CASE WHEN $6 = 'file' THEN file_body ELSE NULL END,
                    file_size = CASE WHEN $6 = 'file' THEN file_size ELSE NULL END
              WHERE api_id = $1 AND id = $2 AND ($11 < 0 OR row_version = $11)
              RETURNING {COLUMNS}"
        ));
        let row: Option<DocumentRow> = sqlx::query_as(sql)
            .bind(api_id)
            .bind(id)
            .bind(&f.title)
            .bind(&f.doc_type)
            .bind(&f.visibility)
            .bind(&f.source)
            .bind(f.inline_content.as_deref())
            .bind(f.url.as_deref())
            .bind(f.position)
            .bind(self.now_ms())
            .bind(expected_version.unwrap_or(-1))
            .fetch_optional(&mut *tx)
            .await?;
        audit::commit_versioned(tx, row, &entry, self.now_ms()).await
    }

    /// Store an uploaded file as the document's content (the document becomes a file document).
    pub async fn put_document_file(
        &self,
        api_id: &str,
        id: &str,
        file_name: &str,
        content_type: &str,
        body: &[u8],
        entry: AuditEntry,
    ) -> StoreResult<DocumentRow> {
        let mut tx = self.begin_write().await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE documents SET source = 'file', inline_content = NULL, url = NULL, file_name = $3,
                    content_type = $4, file_body = $5, file_size = $6, row_version = row_version + 1, updated_at = $7
              WHERE api_id = $1 AND id = $2
              RETURNING {COLUMNS}"
        ));
        let row: Option<DocumentRow> = sqlx::query_as(sql)
            .bind(api_id)
            .bind(id)
            .bind(file_name)
            .bind(content_type)
            .bind(body)
            .bind(body.len() as i64)
            .bind(self.now_ms())
            .fetch_optional(&mut *tx)
            .await?;
        let row = row.ok_or(StoreError::NotFound("document"))?;
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn find_document_file(&self, api_id: &str, id: &str) -> StoreResult<Option<DocumentFile>> {
        Ok(sqlx::query_as(
            "SELECT file_name, content_type, file_body FROM documents WHERE api_id = $1 AND id = $2 AND source = 'file'",
        )
        .bind(api_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn delete_document(&self, api_id: &str, id: &str, entry: AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM documents WHERE api_id = $1 AND id = $2")
            .bind(api_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("document"));
        }
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }
}
