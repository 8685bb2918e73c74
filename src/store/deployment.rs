//! What the gateway snapshot is built from: deployed APIs, live keys and subscriptions, plans,
//! revoked tokens. Read in one transaction so the snapshot is consistent with its revision.

use sqlx::AssertSqlSafe;

use super::apis::API_COLUMNS;
use super::usage::COUNTS_TOWARD_QUOTA;
use super::{ApiRow, Store, StoreResult};
use crate::domain::access_token::REVOKED_TOKEN_GRACE_MS;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeployedResource {
    pub api_id: String,
    pub method: String,
    pub path: String,
    pub auth_required: i64,
}

impl DeployedResource {
    pub fn requires_auth(&self) -> bool {
        self.auth_required != 0
    }
}

/// An API key as gateways see it; `live` is false for one revoked, expired or of a deleted
/// application (only in changes: a complete read holds live keys only).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub id: String,
    pub application_id: String,
    pub key_hash: String,
    pub expires_at: Option<i64>,
    pub live: i64,
}

impl KeyRow {
    pub fn is_live(&self) -> bool {
        self.live != 0
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriptionStateRow {
    pub id: String,
    pub application_id: String,
    pub api_id: String,
    pub plan_id: String,
    pub state: String,
    /// Held by gateways (active, blocked or pending); 0 once ended or rejected (changes only).
    pub live: i64,
}

impl SubscriptionStateRow {
    pub fn is_live(&self) -> bool {
        self.live != 0
    }

    /// The state, read through the domain's type (`None` for a name it does not know).
    pub fn state(&self) -> Option<crate::domain::subscription::SubscriptionState> {
        crate::domain::subscription::SubscriptionState::parse(&self.state)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanLimitRow {
    pub id: String,
    pub rate_limit: Option<String>,
    pub quota: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevokedTokenRow {
    pub jti: String,
    pub expires_at: i64,
}

/// A subscription whose plan has a quota, and its calls so far in the quota's current period
/// (UTC day or month, from `period_start`, epoch ms) as the metered usage has them: where a
/// gateway that starts (or whose Redis lost its counts) takes its quota counter up from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaUsedRow {
    pub subscription_id: String,
    pub period_start: i64,
    pub requests: i64,
}

/// The catalog: deployed APIs with their resources, and every plan's limits.
#[derive(Debug, Clone, Default)]
pub struct CatalogRows {
    pub apis: Vec<ApiRow>,
    pub resources: Vec<DeployedResource>,
    pub plans: Vec<PlanLimitRow>,
}

/// What a snapshot needs at one revision: all of it (`since` = None), or what changed after
/// revision `since` — the catalog only if it changed, and the key, subscription and revoked
/// token rows written since, each in its current state.
#[derive(Debug, Clone, Default)]
pub struct DeploymentRows {
    pub revision: i64,
    pub since: Option<i64>,
    pub catalog: Option<CatalogRows>,
    pub keys: Vec<KeyRow>,
    pub subscriptions: Vec<SubscriptionStateRow>,
    pub revoked_tokens: Vec<RevokedTokenRow>,
    /// Quota use of the live subscriptions (complete reads only).
    pub quota_used: Vec<QuotaUsedRow>,
}

impl Store {
    /// The rows for a snapshot: all of them, or those changed after revision `since`.
    ///
    /// The revision is read first; every row of a revision up to it is committed by then (its
    /// bump held config_state's row lock to commit), so nothing at or below it is missed. A row
    /// changed again later may be read in its newer state: applying a row's current state twice
    /// is harmless, and the next delta carries it again anyway. A `since` above the current
    /// revision or below zero reads everything (`since` in the result says which it was).
    pub async fn deployment_rows(&self, since: Option<i64>) -> StoreResult<DeploymentRows> {
        let now = self.now_ms();
        let mut tx = self.pool.begin().await?;
        let (revision, catalog_revision): (i64, i64) =
            sqlx::query_as("SELECT revision, catalog_revision FROM config_state WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        // A base this store never reached (another database, one restored from an older
        // backup) gets the complete snapshot.
        let since = since.filter(|since| (0..=revision).contains(since));
        let catalog = match since {
            Some(since) if catalog_revision <= since => None,
            _ => Some(catalog_rows(&mut tx).await?),
        };
        // A complete read keeps the live rows; a delta every row written after `since`,
        // found through the change_rev indexes. No ORDER BY: it would make SQLite walk the
        // primary key instead, and applying rows does not depend on their order.
        let live_key = "k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $1) AND a.deleted_at IS NULL";
        let (keys_where, subscriptions_where, tokens_where) = match since {
            Some(_) => (
                "(k.change_rev IS NULL OR k.change_rev > $2)",
                "(change_rev IS NULL OR change_rev > $1)",
                "(change_rev IS NULL OR change_rev > $2)",
            ),
            None => (live_key, LIVE_SUBSCRIPTION, "1 = 1"),
        };
        let keys = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT k.id, k.application_id, k.key_hash, k.expires_at, CASE WHEN {live_key} THEN 1 ELSE 0 END AS live
               FROM api_keys k JOIN applications a ON a.id = k.application_id
              WHERE {keys_where}"
        )))
        .bind(now);
        let subscriptions = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT id, application_id, api_id, plan_id, state, CASE WHEN {LIVE_SUBSCRIPTION} THEN 1 ELSE 0 END AS live
               FROM subscriptions WHERE {subscriptions_where}"
        )));
        let tokens = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > $1 AND {tokens_where}"
        )))
        .bind(now - REVOKED_TOKEN_GRACE_MS);
        let (keys, subscriptions, tokens) = match since {
            Some(since) => (keys.bind(since), subscriptions.bind(since), tokens.bind(since)),
            None => (keys, subscriptions, tokens),
        };
        let keys: Vec<KeyRow> = keys.fetch_all(&mut *tx).await?;
        let subscriptions: Vec<SubscriptionStateRow> = subscriptions.fetch_all(&mut *tx).await?;
        let revoked_tokens: Vec<RevokedTokenRow> = tokens.fetch_all(&mut *tx).await?;
        // A running gateway's counters are ahead of the store's (usage reaches it later): only a
        // complete snapshot, which a gateway loads when it starts, carries what was used.
        let quota_used = match since {
            Some(_) => Vec::new(),
            None => quota_used(&mut tx, now).await?,
        };
        tx.commit().await?;
        Ok(DeploymentRows {
            revision,
            since,
            catalog,
            keys,
            subscriptions,
            revoked_tokens,
            quota_used,
        })
    }
}

/// API states a gateway serves (CREATED and RETIRED are not deployed).
const DEPLOYED_STATES: &str = "('PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED')";

/// Subscriptions a gateway holds: the active ones, and those it answers 403 for.
const LIVE_SUBSCRIPTION: &str = "state IN ('ACTIVE', 'BLOCKED', 'PENDING')";

/// Every live subscription's use of its plan's quota in the current period. One pass over the
/// month's rollups: a day's count is the part from today's start.
async fn quota_used(tx: &mut sqlx::Transaction<'_, sqlx::Any>, now: i64) -> StoreResult<Vec<QuotaUsedRow>> {
    use crate::domain::plan::{Quota, QuotaPeriod};
    let (day, month) = (
        QuotaPeriod::Day.start_containing(now),
        QuotaPeriod::Month.start_containing(now),
    );
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT s.id, pl.quota,
                CAST(COALESCE(SUM(CASE WHEN r.minute >= $2 THEN r.requests ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(r.requests), 0) AS BIGINT)
           FROM subscriptions s
           JOIN plans pl ON pl.id = s.plan_id
           JOIN usage_rollups r ON r.subscription_id = s.id
          WHERE pl.quota IS NOT NULL AND s.{LIVE_SUBSCRIPTION} AND r.minute >= $1 AND r.{COUNTS_TOWARD_QUOTA}
          GROUP BY s.id, pl.quota"
    )))
    .bind(month.div_euclid(60_000))
    .bind(day.div_euclid(60_000))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(subscription_id, quota, today, this_month)| {
            let quota: Quota = serde_json::from_str(&quota).ok()?;
            let (period_start, requests) = match quota.period {
                QuotaPeriod::Day => (day, today),
                QuotaPeriod::Month => (month, this_month),
            };
            Some(QuotaUsedRow {
                subscription_id,
                period_start,
                requests,
            })
        })
        .collect())
}

async fn catalog_rows(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> StoreResult<CatalogRows> {
    let apis: Vec<ApiRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT {API_COLUMNS} FROM apis WHERE state IN {DEPLOYED_STATES} ORDER BY id"
    )))
    .fetch_all(&mut **tx)
    .await?;
    let resources: Vec<DeployedResource> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT r.api_id, r.method, r.path, r.auth_required FROM api_resources r JOIN apis a ON a.id = r.api_id
          WHERE a.state IN {DEPLOYED_STATES} ORDER BY r.api_id, r.position"
    )))
    .fetch_all(&mut **tx)
    .await?;
    let plans: Vec<PlanLimitRow> = sqlx::query_as("SELECT id, rate_limit, quota FROM plans ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    Ok(CatalogRows { apis, resources, plans })
}
