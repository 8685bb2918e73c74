//! invoices, invoice_lines, invoice_sequences: what customers owe, computed from the
//! subscriptions' plan history (subscription_periods) and metered usage (usage_rollups).
//!
//! Draft invoices are recomputed from those facts when the biller refreshes them (every
//! `billing_check_interval`), so they follow usage as it arrives; finalizing recomputes once
//! more, freezes the lines and takes the organization's next invoice number, all in one
//! transaction.

use std::collections::BTreeMap;

use sqlx::{Any, Transaction};

use super::{AuditEntry, Store, StoreError, StoreResult, audit};
use crate::domain::billing::InvoiceStatus;
use crate::domain::ids::new_id;
use crate::domain::plan::Pricing;
use crate::domain::pricing::{self, Charge};

/// Calls billed: answered by the backend with 2xx or 3xx. Errors, and calls refused by the
/// gateway (authentication, rate limit, quota), are not billed.
pub const BILLABLE_CLASSES: &str = "('2xx', '3xx')";

/// Whose invoices: one seller organization, one customer, or both.
#[derive(Debug, Clone, Default)]
pub struct InvoiceScope {
    pub org_id: Option<String>,
    pub customer_id: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    pub id: String,
    pub org_id: String,
    pub customer_id: String,
    pub customer_email: String,
    pub period_start: i64,
    pub period_end: i64,
    pub currency: String,
    pub status: String,
    pub number: Option<i64>,
    pub total_minor: i64,
    pub computed_at: i64,
    pub finalized_at: Option<i64>,
    pub voided_at: Option<i64>,
    pub void_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

// The same type is read from the database and written in the API (schema `InvoiceLine`);
// `amount` is filled in by the API from the invoice's currency.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"position": 2, "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "api_name": "Petstore", "api_version": "v1", "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60", "application_name": "Mobile app", "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61", "plan_name": "Gold", "kind": "usage", "tier": null, "description": "1003 calls above 1000 included", "quantity": 1003, "unit_price_micros": 2500, "prorated_seconds": null, "period_seconds": null, "amount_minor": 251, "amount": "2.51"}))]
#[schema(as = InvoiceLine)]
pub struct InvoiceLineRow {
    #[serde(skip)]
    pub invoice_id: String,
    pub position: i64,
    pub subscription_id: String,
    pub api_id: String,
    pub api_name: String,
    pub api_version: String,
    pub application_id: String,
    pub application_name: String,
    pub plan_id: String,
    pub plan_name: String,
    /// `fee` (the plan's fee, prorated), `usage` (calls above the included ones) or `tier`
    /// (calls in one graduated tier).
    #[schema(example = "usage")]
    pub kind: String,
    /// Tier number (from 1) for `tier` lines.
    pub tier: Option<i64>,
    pub description: String,
    pub quantity: i64,
    /// Price per unit in millionths of the currency unit.
    pub unit_price_micros: i64,
    /// For fee lines: seconds on the plan within the period, and the period's length.
    pub prorated_seconds: Option<i64>,
    pub period_seconds: Option<i64>,
    /// `round_half_even(quantity × unit_price × prorated/period)` in minor units.
    pub amount_minor: i64,
    /// The amount as a decimal string.
    #[sqlx(default)]
    pub amount: String,
}

const SELECT_INVOICE: &str = "SELECT i.id, i.org_id, i.customer_id, u.email AS customer_email, i.period_start,
        i.period_end, i.currency, i.status, i.number, i.total_minor, i.computed_at, i.finalized_at, i.voided_at,
        i.void_reason, i.created_at, i.updated_at
   FROM invoices i JOIN users u ON u.id = i.customer_id";

const SELECT_LINE: &str = "SELECT invoice_id, position, subscription_id, api_id, api_name, api_version,
        application_id, application_name, plan_id, plan_name, kind, tier, description, quantity,
        unit_price_micros, prorated_seconds, period_seconds, amount_minor FROM invoice_lines";

/// What one subscription did on one plan within the period.
#[derive(Debug, Clone)]
struct PlanUse {
    org_id: String,
    customer_id: String,
    subscription_id: String,
    api_id: String,
    api_name: String,
    api_version: String,
    application_id: String,
    application_name: String,
    plan_id: String,
    plan_name: String,
    pricing: String,
    currency: String,
    first_start: i64,
    seconds: i64,
    calls: u64,
}

/// One invoice as computed now.
#[derive(Debug, Clone)]
struct Computed {
    org_id: String,
    customer_id: String,
    currency: String,
    lines: Vec<InvoiceLineRow>,
    total_minor: i64,
}

type StretchRow = (
    String, // subscription
    String, // plan
    i64,    // started_at
    Option<i64>,
    String, // api
    String,
    String,
    String, // org
    String, // application
    String,
    String, // owner
    String, // plan name
    String, // pricing
    String, // currency
);

impl PlanUse {
    /// A plan use with no seconds or calls counted yet.
    fn from_row(row: StretchRow) -> PlanUse {
        let (
            sub,
            plan,
            from,
            _,
            api,
            api_name,
            api_version,
            org_id,
            app,
            app_name,
            owner,
            plan_name,
            pricing,
            currency,
        ) = row;
        PlanUse {
            org_id,
            customer_id: owner,
            subscription_id: sub,
            api_id: api,
            api_name,
            api_version,
            application_id: app,
            application_name: app_name,
            plan_id: plan,
            plan_name,
            pricing,
            currency,
            first_start: from,
            seconds: 0,
            calls: 0,
        }
    }
}

const SCOPE_FILTER: &str = "($3 = '' OR p.org_id = $3) AND ($4 = '' OR a.owner_id = $4)";

async fn compute(
    conn: &mut sqlx::AnyConnection,
    period: (i64, i64),
    scope: &InvoiceScope,
) -> StoreResult<Vec<Computed>> {
    let (start, end) = period;
    let org = scope.org_id.as_deref().unwrap_or("");
    let customer = scope.customer_id.as_deref().unwrap_or("");
    let stretches: Vec<StretchRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT sp.subscription_id, sp.plan_id, sp.started_at, sp.ended_at, s.api_id, p.name, p.version, p.org_id,
                s.application_id, a.name, a.owner_id, pl.name, pl.pricing, pl.currency
           FROM subscription_periods sp
           JOIN subscriptions s ON s.id = sp.subscription_id
           JOIN applications a ON a.id = s.application_id
           JOIN apis p ON p.id = s.api_id
           JOIN plans pl ON pl.id = sp.plan_id
          WHERE sp.started_at < $1 AND (sp.ended_at IS NULL OR sp.ended_at > $2) AND {SCOPE_FILTER}
          ORDER BY sp.started_at, sp.id"
    )))
    .bind(end)
    .bind(start)
    .bind(org)
    .bind(customer)
    .fetch_all(&mut *conn)
    .await?;

    let mut uses: BTreeMap<(String, String), PlanUse> = BTreeMap::new();
    for row in stretches {
        let seconds = crate::domain::billing::seconds_within(row.2, row.3, start, end);
        let entry = uses
            .entry((row.0.clone(), row.1.clone()))
            .or_insert_with(|| PlanUse::from_row(row));
        entry.seconds += seconds;
    }

    // Billable calls per subscription and plan. Rows from before plans were metered (plan_id
    // NULL) count towards the subscription's current plan.
    let calls: Vec<(String, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT r.subscription_id, COALESCE(r.plan_id, s.plan_id), CAST(SUM(r.requests) AS BIGINT)
           FROM usage_rollups r
           JOIN subscriptions s ON s.id = r.subscription_id
           JOIN applications a ON a.id = s.application_id
           JOIN apis p ON p.id = s.api_id
          WHERE r.minute >= $1 AND r.minute < $2 AND r.status_class IN {BILLABLE_CLASSES} AND {SCOPE_FILTER}
          GROUP BY r.subscription_id, COALESCE(r.plan_id, s.plan_id)"
    )))
    .bind(start.div_euclid(60_000))
    .bind(end.div_euclid(60_000))
    .bind(org)
    .bind(customer)
    .fetch_all(&mut *conn)
    .await?;
    for (sub, plan, n) in calls {
        let n = u64::try_from(n).unwrap_or(0);
        if let Some(u) = uses.get_mut(&(sub.clone(), plan.clone())) {
            u.calls += n;
            continue;
        }
        // Usage on a plan without a stretch in this period (a call admitted in the moment
        // between a plan change and the gateway learning of it): billed, without a fee.
        let info: Option<StretchRow> = sqlx::query_as(
            "SELECT s.id, pl.id, s.created_at, s.ended_at, s.api_id, p.name, p.version, p.org_id,
                    s.application_id, a.name, a.owner_id, pl.name, pl.pricing, pl.currency
               FROM subscriptions s JOIN applications a ON a.id = s.application_id
               JOIN apis p ON p.id = s.api_id, plans pl
              WHERE s.id = $1 AND pl.id = $2",
        )
        .bind(&sub)
        .bind(&plan)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(row) = info {
            let mut u = PlanUse::from_row(row);
            u.calls = n;
            uses.insert((sub, plan), u);
        }
    }

    let period_seconds = (end - start) / 1000;
    let mut invoices: BTreeMap<(String, String, String), Vec<PlanUse>> = BTreeMap::new();
    for u in uses.into_values() {
        invoices
            .entry((u.org_id.clone(), u.customer_id.clone(), u.currency.clone()))
            .or_default()
            .push(u);
    }
    let mut out = Vec::with_capacity(invoices.len());
    for ((org_id, customer_id, currency), mut group) in invoices {
        group.sort_by(|a, b| {
            (
                &a.application_name,
                &a.api_name,
                &a.api_version,
                &a.subscription_id,
                a.first_start,
            )
                .cmp(&(
                    &b.application_name,
                    &b.api_name,
                    &b.api_version,
                    &b.subscription_id,
                    b.first_start,
                ))
        });
        let exponent = pricing::currency_exponent(&currency);
        let mut lines = Vec::new();
        for u in &group {
            let plan_pricing: Pricing = serde_json::from_str(&u.pricing)
                .map_err(|e| StoreError::Other(anyhow::anyhow!("plan {} has unreadable pricing: {e}", u.plan_id)))?;
            let usage = pricing::Usage {
                seconds: u.seconds,
                period_seconds,
                calls: u.calls,
            };
            for charge in pricing::charges(&plan_pricing, exponent, &usage) {
                lines.push(line_row(u, &charge, lines.len() as i64 + 1));
            }
        }
        let total_minor = lines.iter().map(|l| l.amount_minor).sum();
        out.push(Computed {
            org_id,
            customer_id,
            currency,
            lines,
            total_minor,
        });
    }
    Ok(out)
}

fn line_row(u: &PlanUse, c: &Charge, position: i64) -> InvoiceLineRow {
    InvoiceLineRow {
        invoice_id: String::new(),
        position,
        subscription_id: u.subscription_id.clone(),
        api_id: u.api_id.clone(),
        api_name: u.api_name.clone(),
        api_version: u.api_version.clone(),
        application_id: u.application_id.clone(),
        application_name: u.application_name.clone(),
        plan_id: u.plan_id.clone(),
        plan_name: u.plan_name.clone(),
        kind: c.kind.as_str().to_owned(),
        tier: c.tier.map(i64::from),
        description: c.description(),
        quantity: i64::try_from(c.quantity).unwrap_or(i64::MAX),
        unit_price_micros: c.unit_price_micros,
        prorated_seconds: c.proration.map(|p| p.0),
        period_seconds: c.proration.map(|p| p.1),
        amount_minor: c.amount_minor,
        amount: String::new(),
    }
}

async fn replace_lines(tx: &mut Transaction<'_, Any>, invoice_id: &str, lines: &[InvoiceLineRow]) -> StoreResult<()> {
    sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1")
        .bind(invoice_id)
        .execute(&mut **tx)
        .await?;
    for l in lines {
        sqlx::query(
            "INSERT INTO invoice_lines (invoice_id, position, subscription_id, api_id, api_name, api_version,
                    application_id, application_name, plan_id, plan_name, kind, tier, description, quantity,
                    unit_price_micros, prorated_seconds, period_seconds, amount_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(invoice_id)
        .bind(l.position)
        .bind(&l.subscription_id)
        .bind(&l.api_id)
        .bind(&l.api_name)
        .bind(&l.api_version)
        .bind(&l.application_id)
        .bind(&l.application_name)
        .bind(&l.plan_id)
        .bind(&l.plan_name)
        .bind(&l.kind)
        .bind(l.tier)
        .bind(&l.description)
        .bind(l.quantity)
        .bind(l.unit_price_micros)
        .bind(l.prorated_seconds)
        .bind(l.period_seconds)
        .bind(l.amount_minor)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Write a computed invoice as a draft (creating the row on first sight). Finalized and void
/// invoices are left alone. Returns the invoice id.
async fn store_draft(tx: &mut Transaction<'_, Any>, period: (i64, i64), c: &Computed, now: i64) -> StoreResult<String> {
    sqlx::query(
        "INSERT INTO invoices (id, org_id, customer_id, period_start, period_end, currency, status, total_minor,
                               computed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', 0, $7, $7, $7)
         ON CONFLICT (org_id, customer_id, period_start, currency) DO NOTHING",
    )
    .bind(new_id())
    .bind(&c.org_id)
    .bind(&c.customer_id)
    .bind(period.0)
    .bind(period.1)
    .bind(&c.currency)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let id: String = sqlx::query_scalar(
        "SELECT id FROM invoices WHERE org_id = $1 AND customer_id = $2 AND period_start = $3 AND currency = $4",
    )
    .bind(&c.org_id)
    .bind(&c.customer_id)
    .bind(period.0)
    .bind(&c.currency)
    .fetch_one(&mut **tx)
    .await?;
    // Taking the row (conditionally on it still being a draft) before touching its lines keeps
    // a concurrent finalization from seeing half-replaced lines.
    let updated = sqlx::query(
        "UPDATE invoices SET total_minor = $2, computed_at = $3, updated_at = $3 WHERE id = $1 AND status = 'draft'",
    )
    .bind(&id)
    .bind(c.total_minor)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if updated == 1 {
        replace_lines(tx, &id, &c.lines).await?;
    }
    Ok(id)
}

/// Invoice list filter.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub scope: InvoiceScope,
    pub period_start: Option<i64>,
    pub status: Option<String>,
}

impl Store {
    /// Recompute the draft invoices of one period (for one organization and/or customer, or
    /// all). Creates drafts for customers seen for the first time.
    ///
    /// The invoices are computed on a connection of their own, outside the write lock: the
    /// aggregation over a period's usage can take seconds, and on SQLite every other writer
    /// (usage intake, compaction, key changes) would wait for it. A draft is a view that the
    /// next refresh renews; finalization recomputes under its own lock, and a draft finalized
    /// meanwhile is left alone ([`store_draft`] writes drafts only).
    pub async fn refresh_drafts(&self, period: (i64, i64), scope: &InvoiceScope) -> StoreResult<Vec<String>> {
        let computed = {
            let mut conn = self.pool.acquire().await?;
            compute(&mut conn, period, scope).await?
        };
        if computed.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let now = self.now_ms();
        let mut ids = Vec::with_capacity(computed.len());
        for c in &computed {
            ids.push(store_draft(&mut tx, period, c, now).await?);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Draft ids of every period that ended before `closed_before` (ms).
    pub async fn drafts_closed_before(&self, closed_before: i64) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM invoices WHERE status = 'draft' AND period_end <= $1 ORDER BY period_start, id",
        )
        .bind(closed_before)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Freeze a draft: recompute its lines, give it the organization's next number. The
    /// period must be over (`now >= period_end`).
    pub async fn finalize_invoice(&self, id: &str, entry: AuditEntry) -> StoreResult<(InvoiceRow, bool)> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let row: Option<(String, String, i64, i64, String, String)> = sqlx::query_as(
            "SELECT org_id, customer_id, period_start, period_end, currency, status FROM invoices WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((org_id, customer_id, start, end, currency, state)) = row else {
            return Err(StoreError::NotFound("invoice"));
        };
        match InvoiceStatus::parse(&state) {
            // Idempotent: finalizing twice is not an error, and changes nothing.
            Some(InvoiceStatus::Finalized) => {
                tx.rollback().await?;
                return Ok((self.require_invoice(id).await?, false));
            }
            Some(InvoiceStatus::Draft) => {}
            _ => return Err(StoreError::Conflict(format!("a {state} invoice cannot be finalized"))),
        }
        if now < end {
            return Err(StoreError::Conflict(format!(
                "the billing period ends at {}; an invoice is finalized after its period",
                crate::domain::ids::to_datetime(end).to_rfc3339()
            )));
        }
        // Take the row first (serializes with a concurrent refresh or finalization).
        let taken = sqlx::query("UPDATE invoices SET updated_at = $2 WHERE id = $1 AND status = 'draft'")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 0 {
            return Err(StoreError::Conflict("the invoice changed; read it again".into()));
        }
        let scope = InvoiceScope {
            org_id: Some(org_id.clone()),
            customer_id: Some(customer_id.clone()),
        };
        let computed = compute(&mut tx, (start, end), &scope)
            .await?
            .into_iter()
            .find(|c| c.currency == currency);
        let (lines, total) = computed.map_or((Vec::new(), 0), |c| (c.lines, c.total_minor));
        replace_lines(&mut tx, id, &lines).await?;
        let number: i64 = sqlx::query_scalar(
            "INSERT INTO invoice_sequences (org_id, last_number) VALUES ($1, 1)
             ON CONFLICT (org_id) DO UPDATE SET last_number = invoice_sequences.last_number + 1
             RETURNING last_number",
        )
        .bind(&org_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE invoices SET status = 'finalized', number = $2, total_minor = $3, computed_at = $4,
                    finalized_at = $4, updated_at = $4
              WHERE id = $1",
        )
        .bind(id)
        .bind(number)
        .bind(total)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let event = serde_json::json!({
            "invoice_id": id, "number": number, "org_id": org_id, "customer_id": customer_id,
            "period_start": crate::domain::ids::to_datetime(start), "period_end": crate::domain::ids::to_datetime(end),
            "currency": currency, "total_minor": total, "lines": lines.len(),
        });
        super::webhooks::enqueue(&mut tx, &org_id, crate::domain::webhook::INVOICE_FINALIZED, &event, now).await?;
        let mut entry = entry;
        entry.org_id.get_or_insert(org_id);
        entry.details = serde_json::json!({"number": number, "total_minor": total, "currency": currency});
        audit::write(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok((self.require_invoice(id).await?, true))
    }

    /// Void a draft or finalized invoice with a reason. Its period is then not billed again.
    pub async fn void_invoice(&self, id: &str, reason: &str, entry: AuditEntry) -> StoreResult<InvoiceRow> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE invoices SET status = 'void', voided_at = $2, void_reason = $3, updated_at = $2
              WHERE id = $1 AND status <> 'void'",
        )
        .bind(id)
        .bind(now)
        .bind(reason)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            return match self.find_invoice(id).await? {
                None => Err(StoreError::NotFound("invoice")),
                Some(_) => Err(StoreError::Conflict("the invoice is already void".into())),
            };
        }
        audit::write(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.require_invoice(id).await
    }

    pub async fn find_invoice(&self, id: &str) -> StoreResult<Option<InvoiceRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT_INVOICE} WHERE i.id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    async fn require_invoice(&self, id: &str) -> StoreResult<InvoiceRow> {
        self.find_invoice(id).await?.ok_or(StoreError::NotFound("invoice"))
    }

    pub async fn invoice_lines(&self, id: &str) -> StoreResult<Vec<InvoiceLineRow>> {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT_LINE} WHERE invoice_id = $1 ORDER BY position"));
        Ok(sqlx::query_as(sql).bind(id).fetch_all(&self.pool).await?)
    }

    /// Lines of several invoices, grouped by invoice id.
    pub async fn invoice_lines_of(&self, ids: &[String]) -> StoreResult<BTreeMap<String, Vec<InvoiceLineRow>>> {
        let mut out: BTreeMap<String, Vec<InvoiceLineRow>> = BTreeMap::new();
        for chunk in ids.chunks(100) {
            if chunk.is_empty() {
                continue;
            }
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = sqlx::AssertSqlSafe(format!(
                "{SELECT_LINE} WHERE invoice_id IN ({}) ORDER BY invoice_id, position",
                placeholders.join(", ")
            ));
            let mut q = sqlx::query_as::<_, InvoiceLineRow>(sql);
            for id in chunk {
                q = q.bind(id);
            }
            for line in q.fetch_all(&self.pool).await? {
                out.entry(line.invoice_id.clone()).or_default().push(line);
            }
        }
        Ok(out)
    }

    /// Invoices in (period_start, id) order, for pagination that stays stable while drafts are
    /// created.
    pub async fn list_invoices(
        &self,
        filter: &InvoiceFilter,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> StoreResult<Vec<InvoiceRow>> {
        let (after_start, after_id) = after.unwrap_or((i64::MIN, String::new()));
        let sql = sqlx::AssertSqlSafe(format!(
            "{SELECT_INVOICE}
              WHERE ($1 = '' OR i.org_id = $1) AND ($2 = '' OR i.customer_id = $2)
                AND ($3 = -1 OR i.period_start = $3) AND ($4 = '' OR i.status = $4)
                AND (i.period_start > $5 OR (i.period_start = $5 AND i.id > $6))
              ORDER BY i.period_start, i.id LIMIT $7"
        ));
        Ok(sqlx::query_as(sql)
            .bind(filter.scope.org_id.as_deref().unwrap_or(""))
            .bind(filter.scope.customer_id.as_deref().unwrap_or(""))
            .bind(filter.period_start.unwrap_or(-1))
            .bind(filter.status.as_deref().unwrap_or(""))
            .bind(after_start)
            .bind(after_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Revenue of an organization's APIs in one period: line amounts by API, currency and
    /// invoice status.
    pub async fn revenue(&self, org_id: &str, period_start: i64) -> StoreResult<Vec<RevenueRow>> {
        Ok(sqlx::query_as(
            "SELECT l.api_id, l.api_name, l.api_version, i.currency, i.status,
                    CAST(SUM(l.amount_minor) AS BIGINT) AS amount_minor,
                    CAST(COUNT(DISTINCT l.subscription_id) AS BIGINT) AS subscriptions
               FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
              WHERE i.org_id = $1 AND i.period_start = $2
              GROUP BY l.api_id, l.api_name, l.api_version, i.currency, i.status
              ORDER BY l.api_name, l.api_version, i.currency, i.status",
        )
        .bind(org_id)
        .bind(period_start)
        .fetch_all(&self.pool)
        .await?)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevenueRow {
    pub api_id: String,
    pub api_name: String,
    pub api_version: String,
    pub currency: String,
    pub status: String,
    pub amount_minor: i64,
    pub subscriptions: i64,
}
