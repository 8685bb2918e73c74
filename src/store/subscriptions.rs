//! subscriptions and subscription_periods: which application may call which API on which
//! plan, and — for billing — which plan it was on when.

use sqlx::{Any, AssertSqlSafe, Transaction};

use super::{AuditEntry, PageQuery, Store, StoreError, StoreResult, audit, revision};
use crate::domain::ids::{new_id, to_datetime};
use crate::domain::webhook::{SUBSCRIPTION_CHANGED, SUBSCRIPTION_CREATED, SUBSCRIPTION_ENDED};

/// Subscription states as stored: the names of `domain::subscription::SubscriptionState`.
pub mod state {
    use crate::domain::subscription::SubscriptionState;

    pub const PENDING: &str = SubscriptionState::Pending.as_str();
    pub const ACTIVE: &str = SubscriptionState::Active.as_str();
    pub const BLOCKED: &str = SubscriptionState::Blocked.as_str();
    pub const REJECTED: &str = SubscriptionState::Rejected.as_str();
    pub const ENDED: &str = SubscriptionState::Ended.as_str();
}

/// A subscription with what authorization and display need from its application and API.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriptionRow {
    pub id: String,
    pub application_id: String,
    pub api_id: String,
    pub plan_id: String,
    pub pending_plan_id: Option<String>,
    pub state: String,
    pub reason: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub ended_at: Option<i64>,
    pub owner_id: String,
    pub application_name: String,
    pub org_id: String,
    pub api_name: String,
    pub api_context: String,
    pub api_version: String,
}

const SELECT: &str = "SELECT s.id, s.application_id, s.api_id, s.plan_id, s.pending_plan_id, s.state, s.reason,
        s.created_at, s.updated_at, s.ended_at, a.owner_id, a.name AS application_name, p.org_id,
        p.name AS api_name, p.context AS api_context, p.version AS api_version
   FROM subscriptions s JOIN applications a ON a.id = s.application_id JOIN apis p ON p.id = s.api_id";

async fn open_period(tx: &mut Transaction<'_, Any>, subscription_id: &str, plan_id: &str, at: i64) -> StoreResult<()> {
    sqlx::query("INSERT INTO subscription_periods (id, subscription_id, plan_id, started_at) VALUES ($1, $2, $3, $4)")
        .bind(new_id())
        .bind(subscription_id)
        .bind(plan_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn close_period(tx: &mut Transaction<'_, Any>, subscription_id: &str, at: i64) -> StoreResult<()> {
    sqlx::query("UPDATE subscription_periods SET ended_at = $2 WHERE subscription_id = $1 AND ended_at IS NULL")
        .bind(subscription_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a webhook event says beyond the subscription's current row.
#[derive(Default)]
struct Change<'a> {
    previous_state: Option<&'a str>,
    previous_plan_id: Option<&'a str>,
    reason: &'a str,
    carried_over_from: Option<&'a str>,
}

/// Record a `subscription.*` webhook event for the API's organization, in the transaction of
/// the change (see `store::webhooks::enqueue`).
async fn emit(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    event_type: &str,
    change: Change<'_>,
    at: i64,
) -> StoreResult<()> {
    let sql = AssertSqlSafe(format!("{SELECT} WHERE s.id = $1"));
    let s: SubscriptionRow = sqlx::query_as(sql).bind(id).fetch_one(&mut **tx).await?;
    let mut data = serde_json::json!({
        "subscription_id": s.id, "application_id": s.application_id,
        "api_id": s.api_id, "api_name": s.api_name, "api_version": s.api_version, "api_context": s.api_context,
        "plan_id": s.plan_id, "state": s.state, "at": to_datetime(at),
    });
    let extra = [
        ("previous_state", change.previous_state),
        ("previous_plan_id", change.previous_plan_id),
        ("reason", Some(change.reason).filter(|r| !r.is_empty())),
        ("carried_over_from", change.carried_over_from),
    ];
    for (key, value) in extra {
        if let Some(value) = value {
            data[key] = value.into();
        }
    }
    super::webhooks::enqueue(tx, &s.org_id, event_type, &data, at).await
}

/// End every live subscription whose `column` equals `value` (an application or an API).
pub(super) async fn end_where(
    tx: &mut Transaction<'_, Any>,
    column: &'static str,
    value: &str,
    at: i64,
) -> StoreResult<u64> {
    debug_assert!(matches!(column, "application_id" | "api_id"));
    let sql = AssertSqlSafe(format!(
        "SELECT id, state FROM subscriptions WHERE {column} = $1 AND state <> 'ENDED' AND state <> 'REJECTED' ORDER BY id"
    ));
    let ending: Vec<(String, String)> = sqlx::query_as(sql).bind(value).fetch_all(&mut **tx).await?;
    let sql = AssertSqlSafe(format!(
        "UPDATE subscription_periods SET ended_at = $2
          WHERE ended_at IS NULL AND subscription_id IN (SELECT id FROM subscriptions WHERE {column} = $1)"
    ));
    sqlx::query(sql).bind(value).bind(at).execute(&mut **tx).await?;
    let sql = AssertSqlSafe(format!(
        "UPDATE subscriptions SET state = 'ENDED', ended_at = $2, updated_at = $2
          WHERE {column} = $1 AND state <> 'ENDED' AND state <> 'REJECTED'"
    ));
    let ended = sqlx::query(sql)
        .bind(value)
        .bind(at)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let reason = match column {
        "application_id" => "application deleted",
        _ => "API retired",
    };
    for (id, previous) in &ending {
        let change = Change {
            previous_state: Some(previous),
            reason,
            ..Change::default()
        };
        emit(tx, id, SUBSCRIPTION_ENDED, change, at).await?;
    }
    Ok(ended)
}

/// Carry the live subscriptions of a context's other versions over to `api_id` (publishing a
/// new version without "require re-subscription").
pub(super) async fn carry_over(tx: &mut Transaction<'_, Any>, api_id: &str, context: &str, at: i64) -> StoreResult<()> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT s.application_id, s.plan_id, s.state, s.id FROM subscriptions s JOIN apis p ON p.id = s.api_id
          WHERE p.context = $1 AND s.api_id <> $2 AND s.state IN ('ACTIVE', 'BLOCKED')
            AND s.plan_id IN (SELECT plan_id FROM api_plans WHERE api_id = $2)
            AND NOT EXISTS (SELECT 1 FROM subscriptions t WHERE t.api_id = $2 AND t.application_id = s.application_id
                              AND t.state <> 'ENDED' AND t.state <> 'REJECTED')
          ORDER BY s.id",
    )
    .bind(context)
    .bind(api_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut seen = std::collections::HashSet::new();
    for (application_id, plan_id, state, from) in rows {
        if !seen.insert(application_id.clone()) {
            continue;
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO subscriptions (id, application_id, api_id, plan_id, state, reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'carried over from an earlier version', $6, $6)",
        )
        .bind(&id)
        .bind(&application_id)
        .bind(api_id)
        .bind(&plan_id)
        .bind(&state)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        open_period(tx, &id, &plan_id, at).await?;
        let change = Change {
            reason: "carried over from an earlier version",
            carried_over_from: Some(&from),
            ..Change::default()
        };
        emit(tx, &id, SUBSCRIPTION_CREATED, change, at).await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct SubscriptionFilter {
    pub state: Option<String>,
    pub api_id: Option<String>,
}

impl Store {
    /// Subscribe; `state` is ACTIVE or PENDING (plans that need approval).
    pub async fn insert_subscription(
        &self,
        application_id: &str,
        api_id: &str,
        plan_id: &str,
        state: &str,
        entry: AuditEntry,
    ) -> StoreResult<SubscriptionRow> {
        let now = self.now_ms();
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO subscriptions (id, application_id, api_id, plan_id, state, reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, '', $6, $6)",
        )
        .bind(&id)
        .bind(application_id)
        .bind(api_id)
        .bind(plan_id)
        .bind(state)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(super::on_unique("the application is already subscribed to this API"))?;
        if state == state::ACTIVE {
            open_period(&mut tx, &id, plan_id, now).await?;
        }
        emit(&mut tx, &id, SUBSCRIPTION_CREATED, Change::default(), now).await?;
        let mut entry = entry;
        entry.target_id = id.clone();
        audit::write(&mut tx, &entry, now).await?;
        let revision = revision::bump_access(&mut tx, now).await?;
        tx.commit().await?;
        self.announce(revision);
        self.find_subscription(&id)
            .await?
            .ok_or(StoreError::NotFound("subscription"))
    }

    pub async fn find_subscription(&self, id: &str) -> StoreResult<Option<SubscriptionRow>> {
        let sql = AssertSqlSafe(format!("{SELECT} WHERE s.id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn list_subscriptions_of_application(
        &self,
        application_id: &str,
        include_ended: bool,
        page: &PageQuery,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        let sql = AssertSqlSafe(format!(
            "{SELECT} WHERE s.application_id = $1 AND s.id > $2 AND ($3 = 1 OR s.state <> 'ENDED')
              ORDER BY s.id LIMIT $4"
        ));
        Ok(sqlx::query_as(sql)
            .bind(application_id)
            .bind(&page.after)
            .bind(i64::from(include_ended))
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Subscriptions to an organization's APIs (the publisher's view).
    pub async fn list_subscriptions_of_org(
        &self,
        org_id: &str,
        filter: &SubscriptionFilter,
        page: &PageQuery,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        let sql = AssertSqlSafe(format!(
            "{SELECT} WHERE p.org_id = $1 AND s.id > $2 AND ($3 = '' OR s.state = $3) AND ($4 = '' OR s.api_id = $4)
              ORDER BY s.id LIMIT $5"
        ));
        Ok(sqlx::query_as(sql)
            .bind(org_id)
            .bind(&page.after)
            .bind(filter.state.as_deref().unwrap_or(""))
            .bind(filter.api_id.as_deref().unwrap_or(""))
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    /// Move a subscription from one of `from` to `to` (with a reason), applying a pending plan
    /// change on approval.
    pub async fn set_subscription_state(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        reason: &str,
        entry: AuditEntry,
    ) -> StoreResult<SubscriptionRow> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let current: Option<(String, String, Option<String>)> =
            sqlx::query_as("SELECT state, plan_id, pending_plan_id FROM subscriptions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((state_now, plan_id, pending)) = current else {
            return Err(StoreError::NotFound("subscription"));
        };
        if !from.contains(&state_now.as_str()) {
            return Err(StoreError::Conflict(format!(
                "the subscription is {state_now}; this needs it to be {}",
                from.join(" or ")
            )));
        }
        let new_plan = match (to, &pending) {
            (state::ACTIVE, Some(p)) => p.clone(),
            _ => plan_id.clone(),
        };
        let ended = (to == state::ENDED || to == state::REJECTED).then_some(now);
        sqlx::query(
            "UPDATE subscriptions SET state = $2, reason = $3, plan_id = $4,
                    pending_plan_id = CASE WHEN $2 = 'ACTIVE' OR $2 = 'ENDED' OR $2 = 'REJECTED' THEN NULL ELSE pending_plan_id END,
                    updated_at = $5, ended_at = $6
              WHERE id = $1",
        )
        .bind(id)
        .bind(to)
        .bind(reason)
        .bind(&new_plan)
        .bind(now)
        .bind(ended)
        .execute(&mut *tx)
        .await?;
        // Billing periods: a subscription is billable from approval until it ends; blocking does
        // not stop the period (the plan's fee still runs), a plan change starts a new one.
        if state_now == state::PENDING && to == state::ACTIVE {
            open_period(&mut tx, id, &new_plan, now).await?;
        } else if to == state::ENDED {
            close_period(&mut tx, id, now).await?;
        } else if to == state::ACTIVE && new_plan != plan_id {
            close_period(&mut tx, id, now).await?;
            open_period(&mut tx, id, &new_plan, now).await?;
        }
        let ends = to == state::ENDED || to == state::REJECTED;
        let change = Change {
            previous_state: Some(&state_now),
            previous_plan_id: (new_plan != plan_id).then_some(plan_id.as_str()),
            reason,
            ..Change::default()
        };
        let event = if ends { SUBSCRIPTION_ENDED } else { SUBSCRIPTION_CHANGED };
        emit(&mut tx, id, event, change, now).await?;
        audit::write(&mut tx, &entry, now).await?;
        let revision = revision::bump_access(&mut tx, now).await?;
        tx.commit().await?;
        self.announce(revision);
        self.find_subscription(id)
            .await?
            .ok_or(StoreError::NotFound("subscription"))
    }

    /// Change plan now (`pending = false`) or request the change for approval.
    pub async fn change_subscription_plan(
        &self,
        id: &str,
        plan_id: &str,
        pending: bool,
        entry: AuditEntry,
    ) -> StoreResult<SubscriptionRow> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let current: Option<(String, String)> =
            sqlx::query_as("SELECT state, plan_id FROM subscriptions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (state_now, plan_before) = current.unzip();
        match state_now.as_deref() {
            None => return Err(StoreError::NotFound("subscription")),
            Some(state::ACTIVE) | Some(state::BLOCKED) => {}
            Some(state::PENDING) if !pending => {}
            Some(other) => {
                return Err(StoreError::Conflict(format!(
                    "a {other} subscription cannot change plan"
                )));
            }
        }
        if pending {
            sqlx::query("UPDATE subscriptions SET pending_plan_id = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(plan_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE subscriptions SET plan_id = $2, pending_plan_id = NULL, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(plan_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if state_now.as_deref() != Some(state::PENDING) {
                close_period(&mut tx, id, now).await?;
                open_period(&mut tx, id, plan_id, now).await?;
            }
            // A change waiting for approval is announced when it is approved.
            let change = Change {
                previous_plan_id: plan_before.as_deref(),
                ..Change::default()
            };
            emit(&mut tx, id, SUBSCRIPTION_CHANGED, change, now).await?;
        }
        audit::write(&mut tx, &entry, now).await?;
        let revision = revision::bump_access(&mut tx, now).await?;
        tx.commit().await?;
        self.announce(revision);
        self.find_subscription(id)
            .await?
            .ok_or(StoreError::NotFound("subscription"))
    }
}
