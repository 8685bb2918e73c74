//! users and memberships

use super::{AuditEntry, PageQuery, Store, StoreError, StoreResult, audit, on_unique};
use crate::domain::account::Role;
use crate::domain::ids::new_id;
use crate::domain::policy::Membership;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub disabled: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl UserRow {
    pub fn is_disabled(&self) -> bool {
        self.disabled != 0
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    org_id: String,
    slug: String,
    name: String,
    role: String,
    is_operator: i64,
}

/// A new user to create, optionally with a first membership.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub membership: Option<(&'a str, Role)>,
}

impl Store {
    /// Create a user (and its first membership) in one transaction.
    pub async fn insert_user(&self, user: NewUser<'_>, audit_entry: Option<AuditEntry>) -> StoreResult<UserRow> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let row: UserRow = sqlx::query_as(
            "INSERT INTO users (id, email, display_name, password_hash, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 0, $5, $5)
             RETURNING id, email, display_name, password_hash, disabled, created_at, updated_at",
        )
        .bind(new_id())
        .bind(user.email)
        .bind(user.display_name)
        .bind(user.password_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(on_unique("an account with this email already exists"))?;
        if let Some((org_id, role)) = user.membership {
            sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                .bind(org_id)
                .bind(&row.id)
                .bind(role.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(mut entry) = audit_entry {
            entry.target_id = row.id.clone();
            audit::write(&mut tx, &entry, now).await?;
        }
        tx.commit().await?;
        Ok(row)
    }

    pub async fn find_user(&self, id: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, email, display_name, password_hash, disabled, created_at, updated_at FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn find_user_by_email(&self, email: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(
            "SELECT id, email, display_name, password_hash, disabled, created_at, updated_at FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Set a new password hash and end every session and token of the user: whoever knew the
    /// old password may have made them.
    pub async fn update_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> StoreResult<()> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE personal_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every membership of a user, with its organization.
    pub async fn memberships_of(&self, user_id: &str) -> StoreResult<Vec<Membership>> {
        let rows: Vec<MembershipRow> = sqlx::query_as(
            "SELECT o.id AS org_id, o.slug, o.name, m.role, o.is_operator
               FROM memberships m JOIN organizations o ON o.id = m.org_id
              WHERE m.user_id = $1 ORDER BY o.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let role = Role::parse(&r.role)
                    .ok_or_else(|| StoreError::Other(anyhow::anyhow!("unknown role {:?} in memberships", r.role)))?;
                Ok(Membership {
                    org_id: r.org_id,
                    org_slug: r.slug,
                    org_name: r.name,
                    role,
                    operator: r.is_operator != 0,
                })
            })
            .collect()
    }

    pub async fn list_members(&self, org_id: &str, page: &PageQuery) -> StoreResult<Vec<MemberRow>> {
        Ok(sqlx::query_as(
            "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at
               FROM memberships m JOIN users u ON u.id = m.user_id
              WHERE m.org_id = $1 AND u.id > $2 ORDER BY u.id LIMIT $3",
        )
        .bind(org_id)
        .bind(&page.after)
        .bind(page.fetch_limit())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn find_member(&self, org_id: &str, user_id: &str) -> StoreResult<Option<MemberRow>> {
        Ok(sqlx::query_as(
            "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at
               FROM memberships m JOIN users u ON u.id = m.user_id
              WHERE m.org_id = $1 AND m.user_id = $2",
        )
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Add a member, or change its role when it is one already.
    /// Refuses to demote the organization's last admin.
    pub async fn put_membership(&self, org_id: &str, user_id: &str, role: Role, entry: AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if role != Role::Admin {
            let current: Option<String> =
                sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                    .bind(org_id)
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if current.as_deref() == Some(Role::Admin.as_str()) && count_admins(&mut tx, org_id).await? <= 1 {
                return Err(StoreError::Conflict(
                    "cannot demote the organization's last admin; make someone else admin first".into(),
                ));
            }
        }
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(org_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(self.now_ms())
        .execute(&mut *tx)
        .await?;
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remove a member. Refuses to remove the organization's last admin.
    pub async fn delete_membership(&self, org_id: &str, user_id: &str, entry: AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(role) = role else {
            return Err(StoreError::NotFound("member"));
        };
        if role == Role::Admin.as_str() && count_admins(&mut tx, org_id).await? <= 1 {
            return Err(StoreError::Conflict(
                "cannot remove the organization's last admin; make someone else admin first".into(),
            ));
        }
        sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn count_admins(tx: &mut sqlx::Transaction<'_, sqlx::Any>, org_id: &str) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'")
            .bind(org_id)
            .fetch_one(&mut **tx)
            .await?,
    )
}
