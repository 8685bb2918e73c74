//! What the gateway snapshot is built from: deployed APIs, live keys and subscriptions, plans,
//! revoked tokens. Read in one transaction so the snapshot is consistent with its revision.

use super::{ApiRow, Store, StoreResult};
use crate::domain::ids::now_ms;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeployedResource {
    pub api_id: String,
    pub method: String,
    pub path: String,
    pub auth_required: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveKey {
    pub id: String,
    pub application_id: String,
    pub key_hash: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveSubscription {
    pub id: String,
    pub application_id: String,
    pub api_id: String,
    pub plan_id: String,
    pub state: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanLimitRow {
    pub id: String,
    pub rate_limit: Option<String>,
    pub quota: Option<String>,
}

/// Everything a snapshot needs, at one revision.
#[derive(Debug, Clone, Default)]
pub struct DeploymentRows {
    pub revision: i64,
    pub apis: Vec<ApiRow>,
    pub resources: Vec<DeployedResource>,
    pub keys: Vec<LiveKey>,
    pub subscriptions: Vec<LiveSubscription>,
    pub plans: Vec<PlanLimitRow>,
    pub revoked_jtis: Vec<String>,
}

impl Store {
    pub async fn deployment_rows(&self) -> StoreResult<DeploymentRows> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let revision: i64 = sqlx::query_scalar("SELECT revision FROM config_state WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let apis: Vec<ApiRow> = sqlx::query_as(
            "SELECT id, org_id, name, description, context, version, is_default, state, tags, visibility,
                    visible_roles, endpoints, cors, connect_timeout_ms, response_timeout_ms, require_resubscription,
                    sunset_at, row_version, created_at, updated_at
               FROM apis WHERE state IN ('PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED') ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let resources: Vec<DeployedResource> = sqlx::query_as(
            "SELECT r.api_id, r.method, r.path, r.auth_required FROM api_resources r JOIN apis a ON a.id = r.api_id
              WHERE a.state IN ('PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED') ORDER BY r.api_id, r.position",
        )
        .fetch_all(&mut *tx)
        .await?;
        let keys: Vec<LiveKey> = sqlx::query_as(
            "SELECT k.id, k.application_id, k.key_hash, k.expires_at FROM api_keys k
               JOIN applications a ON a.id = k.application_id
              WHERE k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $1) AND a.deleted_at IS NULL",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let subscriptions: Vec<LiveSubscription> = sqlx::query_as(
            "SELECT id, application_id, api_id, plan_id, state FROM subscriptions
              WHERE state IN ('ACTIVE', 'BLOCKED', 'PENDING')",
        )
        .fetch_all(&mut *tx)
        .await?;
        let plans: Vec<PlanLimitRow> = sqlx::query_as("SELECT id, rate_limit, quota FROM plans")
            .fetch_all(&mut *tx)
            .await?;
        let revoked_jtis: Vec<String> = sqlx::query_scalar("SELECT jti FROM revoked_tokens WHERE expires_at > $1")
            .bind(now - 60_000)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(DeploymentRows {
            revision,
            apis,
            resources,
            keys,
            subscriptions,
            plans,
            revoked_jtis,
        })
    }
}
