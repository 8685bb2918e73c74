//! organizations

use super::{AuditEntry, PageQuery, Store, StoreResult, audit, on_unique, plans};
use crate::domain::ids::new_id;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub is_operator: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl OrgRow {
    /// The operator organization (its admins run the installation).
    pub fn operator(&self) -> bool {
        self.is_operator != 0
    }
}

impl Store {
    pub async fn insert_org(
        &self,
        slug: &str,
        name: &str,
        operator: bool,
        audit_entry: Option<AuditEntry>,
    ) -> StoreResult<OrgRow> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let row: OrgRow = sqlx::query_as(
            "INSERT INTO organizations (id, slug, name, is_operator, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)
             RETURNING id, slug, name, is_operator, created_at, updated_at",
        )
        .bind(new_id())
        .bind(slug)
        .bind(name)
        .bind(i64::from(operator))
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(on_unique(format!("an organization with slug {slug:?} already exists")))?;
        plans::seed_defaults(&mut tx, &row.id, now).await?;
        if let Some(mut entry) = audit_entry {
            entry.org_id = Some(row.id.clone());
            entry.target_id = row.id.clone();
            audit::write(&mut tx, &entry, now).await?;
        }
        tx.commit().await?;
        Ok(row)
    }

    pub async fn find_org(&self, id: &str) -> StoreResult<Option<OrgRow>> {
        Ok(sqlx::query_as(
            "SELECT id, slug, name, is_operator, created_at, updated_at FROM organizations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn find_org_by_slug(&self, slug: &str) -> StoreResult<Option<OrgRow>> {
        Ok(sqlx::query_as(
            "SELECT id, slug, name, is_operator, created_at, updated_at FROM organizations WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// All organizations (operators), in id order.
    pub async fn list_orgs(&self, page: &PageQuery) -> StoreResult<Vec<OrgRow>> {
        Ok(sqlx::query_as(
            "SELECT id, slug, name, is_operator, created_at, updated_at FROM organizations
              WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(&page.after)
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?)
    }

    /// The organizations a user belongs to, in id order.
    pub async fn list_orgs_of_user(&self, user_id: &str, page: &PageQuery) -> StoreResult<Vec<OrgRow>> {
        Ok(sqlx::query_as(
            "SELECT o.id, o.slug, o.name, o.is_operator, o.created_at, o.updated_at
               FROM organizations o JOIN memberships m ON m.org_id = o.id
              WHERE m.user_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3",
        )
        .bind(user_id)
        .bind(&page.after)
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Whether the installation has no user at all (first start).
    pub async fn is_empty(&self) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }
}
