//! plans and api_plans: an organization's business plans and the APIs that offer them.

use crate::domain::plan::PlanState;
use sqlx::{Any, Transaction};

use super::{AuditEntry, PageQuery, Store, StoreError, StoreResult, audit, on_unique, revision};
use crate::domain::ids::new_id;
use crate::domain::plan::{Pricing, Quota, RateLimit, default_plans};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub rate_limit: Option<String>,
    pub quota: Option<String>,
    pub pricing: String,
    pub currency: String,
    pub requires_approval: i64,
    pub state: String,
    pub row_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A plan's mutable fields, typed.
#[derive(Debug, Clone)]
pub struct PlanFields {
    pub name: String,
    pub description: String,
    pub rate_limit: Option<RateLimit>,
    pub quota: Option<Quota>,
    pub pricing: Pricing,
    pub currency: String,
    pub requires_approval: bool,
    pub deprecated: bool,
}

impl PlanRow {
    /// New subscriptions wait for a publisher's approval.
    pub fn approval_required(&self) -> bool {
        self.requires_approval != 0
    }

    pub fn fields(&self) -> StoreResult<PlanFields> {
        fn json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
            serde_json::from_str(s).map_err(|e| StoreError::Other(anyhow::anyhow!("corrupt plan JSON: {e}")))
        }
        Ok(PlanFields {
            name: self.name.clone(),
            description: self.description.clone(),
            rate_limit: self.rate_limit.as_deref().map(json).transpose()?,
            quota: self.quota.as_deref().map(json).transpose()?,
            pricing: json(&self.pricing)?,
            currency: self.currency.clone(),
            requires_approval: self.requires_approval != 0,
            deprecated: self.is_deprecated(),
        })
    }

    /// The state, read through the domain's type (a name it does not know reads as deprecated:
    /// such a plan takes no new subscriptions).
    pub fn state(&self) -> PlanState {
        PlanState::parse(&self.state).unwrap_or(PlanState::Deprecated)
    }

    /// A deprecated plan takes no new subscriptions; existing ones go on.
    pub fn is_deprecated(&self) -> bool {
        !self.state().takes_new_subscriptions()
    }
}

const SELECT: &str = "SELECT id, org_id, name, description, rate_limit, quota, pricing, currency, requires_approval,
        state, row_version, created_at, updated_at FROM plans";

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub(super) async fn insert(
    tx: &mut Transaction<'_, Any>,
    org_id: &str,
    f: &PlanFields,
    now: i64,
) -> StoreResult<PlanRow> {
    sqlx::query_as(
        "INSERT INTO plans (id, org_id, name, description, rate_limit, quota, pricing, currency, requires_approval,
                            state, row_version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
         RETURNING id, org_id, name, description, rate_limit, quota, pricing, currency, requires_approval,
                   state, row_version, created_at, updated_at",
    )
    .bind(new_id())
    .bind(org_id)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.rate_limit.as_ref().map(to_json))
    .bind(f.quota.as_ref().map(to_json))
    .bind(to_json(&f.pricing))
    .bind(&f.currency)
    .bind(i64::from(f.requires_approval))
    .bind(PlanState::from_deprecated(f.deprecated).as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(on_unique(format!(
        "a plan named {:?} already exists in this organization",
        f.name
    )))
}

/// Give an organization WSO2's default plans, once.
pub(super) async fn seed_defaults(tx: &mut Transaction<'_, Any>, org_id: &str, now: i64) -> StoreResult<()> {
    for plan in default_plans() {
        let fields = PlanFields {
            name: plan.name.into(),
            description: plan.description.into(),
            rate_limit: plan.rate,
            quota: None,
            pricing: Pricing::Free {},
            currency: "USD".into(),
            requires_approval: false,
            deprecated: false,
        };
        insert(tx, org_id, &fields, now).await?;
    }
    sqlx::query("UPDATE organizations SET plans_seeded = 1 WHERE id = $1")
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Seed default plans for organizations that never had them (those created before plans
    /// existed). New organizations get them when they are created.
    pub async fn seed_missing_default_plans(&self) -> StoreResult<()> {
        let orgs: Vec<String> = sqlx::query_scalar("SELECT id FROM organizations WHERE plans_seeded = 0")
            .fetch_all(&self.pool)
            .await?;
        for org_id in orgs {
            let mut tx = self.begin_write().await?;
            let still: i64 = sqlx::query_scalar("SELECT plans_seeded FROM organizations WHERE id = $1")
                .bind(&org_id)
                .fetch_one(&mut *tx)
                .await?;
            if still == 0 {
                seed_defaults(&mut tx, &org_id, self.now_ms()).await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    pub async fn insert_plan(&self, org_id: &str, f: &PlanFields, entry: AuditEntry) -> StoreResult<PlanRow> {
        let mut tx = self.begin_write().await?;
        let row = insert(&mut tx, org_id, f, self.now_ms()).await?;
        let mut entry = entry;
        entry.target_id = row.id.clone();
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn find_plan(&self, id: &str) -> StoreResult<Option<PlanRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn list_plans(&self, org_id: &str, page: &PageQuery) -> StoreResult<Vec<PlanRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3"));
        Ok(sqlx::query_as(sql)
            .bind(org_id)
            .bind(&page.after)
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    /// The plans an API offers, in id order.
    pub async fn plans_of_api(&self, api_id: &str) -> StoreResult<Vec<PlanRow>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE id IN (SELECT plan_id FROM api_plans WHERE api_id = $1) ORDER BY id"
        ));
        Ok(sqlx::query_as(sql).bind(api_id).fetch_all(&self.pool).await?)
    }

    /// Replace a plan's fields when its version still is `expected_version` (if given).
    pub async fn update_plan(
        &self,
        id: &str,
        expected_version: Option<i64>,
        f: &PlanFields,
        entry: AuditEntry,
    ) -> StoreResult<PlanRow> {
        let mut tx = self.begin_write().await?;
        // Invoices are computed from a plan's pricing: once a subscription has been on the plan,
        // its price and currency are history and stay fixed (publish a new plan instead).
        let stored: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT pricing, currency,
                    CAST((SELECT COUNT(*) FROM subscription_periods WHERE plan_id = $1) AS BIGINT)
               FROM plans WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((pricing, currency, used)) = stored {
            let same_price = serde_json::from_str::<Pricing>(&pricing).ok().as_ref() == Some(&f.pricing);
            if used > 0 && (!same_price || currency != f.currency) {
                return Err(StoreError::Conflict(
                    "the plan's pricing and currency are fixed once a subscription has used it; \
                     create a new plan and move the subscriptions to it"
                        .into(),
                ));
            }
        }
        let row: Option<PlanRow> = sqlx::query_as(
            "UPDATE plans SET name = $2, description = $3, rate_limit = $4, quota = $5, pricing = $6, currency = $7,
                    requires_approval = $8, state = $9, row_version = row_version + 1, updated_at = $10
              WHERE id = $1 AND ($11 < 0 OR row_version = $11)
              RETURNING id, org_id, name, description, rate_limit, quota, pricing, currency, requires_approval,
                        state, row_version, created_at, updated_at",
        )
        .bind(id)
        .bind(&f.name)
        .bind(&f.description)
        .bind(f.rate_limit.as_ref().map(to_json))
        .bind(f.quota.as_ref().map(to_json))
        .bind(to_json(&f.pricing))
        .bind(&f.currency)
        .bind(i64::from(f.requires_approval))
        .bind(PlanState::from_deprecated(f.deprecated).as_str())
        .bind(self.now_ms())
        .bind(expected_version.unwrap_or(-1))
        .fetch_optional(&mut *tx)
        .await
        .map_err(on_unique(format!(
            "a plan named {:?} already exists in this organization",
            f.name
        )))?;
        let row = row.ok_or(StoreError::PreconditionFailed)?;
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        let revision = revision::bump(&mut tx, self.now_ms()).await?;
        tx.commit().await?;
        self.announce(revision);
        Ok(row)
    }

    /// Delete a plan no API offers (and, later, no subscription uses).
    pub async fn delete_plan(&self, id: &str, entry: AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let offered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_plans WHERE plan_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if offered > 0 {
            return Err(StoreError::Conflict(format!(
                "the plan is offered by {offered} API(s); remove it from them or deprecate it instead"
            )));
        }
        let subscribed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM subscriptions WHERE (plan_id = $1 OR pending_plan_id = $1) AND state <> 'ENDED'",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if subscribed > 0 {
            return Err(StoreError::Conflict(format!(
                "{subscribed} subscription(s) use the plan; deprecate it instead"
            )));
        }
        sqlx::query("DELETE FROM plans WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }
}
