//! Reading usage back: per-minute facts for analytics, per-day rows for billing exports, and
//! invoice lines for exports. Large reads are streamed row by row into a callback or a bounded
//! channel, so memory does not grow with the number of rows.

use futures_util::TryStreamExt;
use sqlx::AssertSqlSafe;
use tokio::sync::mpsc;

use super::billing::InvoiceScope;
use super::{Backend, Store, StoreResult};
use crate::domain::usage::STORED_SEPARATOR;

/// Which usage rows: a scope, a time range in epoch minutes `[from, to)`, optional filters.
#[derive(Debug, Clone, Default)]
pub struct UsageQuery {
    pub scope: InvoiceScope,
    pub from_minute: i64,
    pub to_minute: i64,
    pub api_id: Option<String>,
    pub application_id: Option<String>,
    pub subscription_id: Option<String>,
    pub plan_id: Option<String>,
}

/// Which ids usage cells are grouped by, besides the bucket and the status class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellGroups {
    pub api: bool,
    pub application: bool,
    pub subscription: bool,
    pub plan: bool,
}

/// One cell of usage (see [`Store::fold_usage`]) with the names analytics groups by; ids not
/// grouped by are absent (and their names empty).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsageFact {
    /// The cell's bucket start.
    pub minute: i64,
    /// Minutes the coarsest row of the cell covers: 1, or 60 and 1440 once compacted.
    pub span: i64,
    pub status_class: String,
    pub requests: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    pub latency_total: String,
    pub latency_upstream: String,
    pub api_id: String,
    pub api_name: String,
    pub api_context: String,
    pub api_version: String,
    pub application_id: Option<String>,
    pub application_name: Option<String>,
    pub subscription_id: Option<String>,
    pub plan_id: Option<String>,
    pub plan_name: Option<String>,
}

/// The joins [`UsageQuery::filter`]'s conditions need.
const CELLS_FROM: &str = "FROM usage_rollups r
      JOIN apis p ON p.id = r.api_id
      LEFT JOIN subscriptions s ON s.id = r.subscription_id
      LEFT JOIN applications a ON a.id = s.application_id";

/// Joins of the top lists: the filter's, and plans for their names.
const USAGE_FROM: &str = "FROM usage_rollups r
      JOIN apis p ON p.id = r.api_id
      LEFT JOIN subscriptions s ON s.id = r.subscription_id
      LEFT JOIN applications a ON a.id = s.application_id
      LEFT JOIN plans pl ON pl.id = COALESCE(r.plan_id, s.plan_id)";

impl UsageQuery {
    /// The WHERE clause, $1 and $2 the range and one placeholder per filter that is set, with
    /// the filters' values in placeholder order. Only the filters that are set appear, so the
    /// planner sees `r.api_id = $3` and can use an index (a month of one API on a year of rows).
    fn filter(&self) -> (String, Vec<&str>) {
        let mut sql = String::from("WHERE r.minute >= $1 AND r.minute < $2");
        let mut values = Vec::new();
        fn set(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|v| !v.is_empty())
        }
        for (column, value) in [
            ("p.org_id", set(&self.scope.org_id)),
            ("a.owner_id", set(&self.scope.customer_id)),
            ("r.api_id", set(&self.api_id)),
            ("s.application_id", set(&self.application_id)),
            ("r.subscription_id", set(&self.subscription_id)),
            ("COALESCE(r.plan_id, s.plan_id)", set(&self.plan_id)),
        ] {
            if let Some(value) = value {
                values.push(value);
                sql.push_str(&format!(" AND {column} = ${}", values.len() + 2));
            }
        }
        (sql, values)
    }
}

fn bind_usage<'q, O>(
    q: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    u: &UsageQuery,
    values: &[&'q str],
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    let mut q = q.bind(u.from_minute).bind(u.to_minute);
    for v in values {
        q = q.bind(*v);
    }
    q
}

/// Totals for one API or application in a top list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopRow {
    pub id: String,
    pub name: String,
    pub version: String,
    pub requests: i64,
    pub client_errors: i64,
    pub server_errors: i64,
    pub limited: i64,
    pub bytes_out: i64,
}

// The same type is read from the database, written as JSON (`UsageExportItem` in the API's
// schema) and as a CSV row.
/// One usage export row. CSV columns, in order: the fields below.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
#[schema(as = UsageExportItem)]
#[schema(example = json!({"date": "2026-11-29", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "api_name": "Petstore", "api_version": "v1", "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60", "application_name": "Mobile app", "customer_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61", "customer_email": "dev@example.com", "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d62", "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d63", "plan_name": "Gold", "requests": 10450, "billable_requests": 10400, "client_errors": 48, "server_errors": 2, "limited": 120, "bytes_in": 10240, "bytes_out": 5242880}))]
pub struct UsageExportRow {
    // Stored as days since 1970-01-01.
    /// UTC day, `YYYY-MM-DD`.
    #[sqlx(rename = "day")]
    #[serde(serialize_with = "day_name")]
    #[schema(value_type = String)]
    pub date: i64,
    pub org_id: String,
    pub api_id: String,
    pub api_name: String,
    pub api_version: String,
    pub application_id: String,
    pub application_name: String,
    pub customer_id: String,
    pub customer_email: String,
    pub subscription_id: String,
    pub plan_id: String,
    pub plan_name: String,
    /// Calls answered (any status), not counting those refused by a rate limit or quota.
    pub requests: i64,
    /// Calls billed: answered with 2xx or 3xx.
    pub billable_requests: i64,
    pub client_errors: i64,
    pub server_errors: i64,
    /// Calls refused by the rate limit or quota.
    pub limited: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
}

fn day_name<S: serde::Serializer>(day: &i64, s: S) -> Result<S::Ok, S::Error> {
    let date = chrono::NaiveDate::from_epoch_days(i32::try_from(*day).unwrap_or(0));
    s.collect_str(&date.map_or_else(String::new, |d| d.to_string()))
}

/// Usage export rows in (day, subscription, plan) order; $1..$4 range and scope, $5..$7 the
/// cursor, $8 the limit.
const USAGE_EXPORT: &str = "SELECT g.* FROM (
    SELECT r.minute / 1440 AS day, r.subscription_id AS subscription_id,
           COALESCE(r.plan_id, s.plan_id) AS plan_id,
           MAX(p.org_id) AS org_id, MAX(p.id) AS api_id, MAX(p.name) AS api_name, MAX(p.version) AS api_version,
           MAX(a.id) AS application_id, MAX(a.name) AS application_name, MAX(a.owner_id) AS customer_id,
           MAX(u.email) AS customer_email, COALESCE(MAX(pl.name), '') AS plan_name,
           CAST(SUM(CASE WHEN r.status_class <> 'limited' THEN r.requests ELSE 0 END) AS BIGINT) AS requests,
           CAST(SUM(CASE WHEN r.status_class IN ('2xx', '3xx') THEN r.requests ELSE 0 END) AS BIGINT) AS billable_requests,
           CAST(SUM(CASE WHEN r.status_class = '4xx' THEN r.requests ELSE 0 END) AS BIGINT) AS client_errors,
           CAST(SUM(CASE WHEN r.status_class = '5xx' THEN r.requests ELSE 0 END) AS BIGINT) AS server_errors,
           CAST(SUM(CASE WHEN r.status_class = 'limited' THEN r.requests ELSE 0 END) AS BIGINT) AS limited,
           CAST(SUM(r.bytes_in) AS BIGINT) AS bytes_in, CAST(SUM(r.bytes_out) AS BIGINT) AS bytes_out
      FROM usage_rollups r
      JOIN subscriptions s ON s.id = r.subscription_id
      JOIN applications a ON a.id = s.application_id
      JOIN apis p ON p.id = s.api_id
      JOIN users u ON u.id = a.owner_id
      LEFT JOIN plans pl ON pl.id = COALESCE(r.plan_id, s.plan_id)
     WHERE r.minute >= $1 AND r.minute < $2 AND ($3 = '' OR p.org_id = $3) AND ($4 = '' OR a.owner_id = $4)
     GROUP BY r.minute / 1440, r.subscription_id, COALESCE(r.plan_id, s.plan_id)
  ) g
  WHERE g.day > $5 OR (g.day = $5 AND (g.subscription_id > $6 OR (g.subscription_id = $6 AND g.plan_id > $7)))
  ORDER BY g.day, g.subscription_id, g.plan_id
  LIMIT $8";

/// Usage export: a scope and a range of UTC days `[from_day, to_day)`.
#[derive(Debug, Clone, Default)]
pub struct UsageExportQuery {
    pub scope: InvoiceScope,
    pub from_day: i64,
    pub to_day: i64,
}

/// An invoice line with its invoice, as the invoice export's CSV has them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceExportRow {
    pub invoice_id: String,
    pub number: Option<i64>,
    pub org_id: String,
    pub customer_id: String,
    pub customer_email: String,
    pub period_start: i64,
    pub period_end: i64,
    pub currency: String,
    pub status: String,
    pub total_minor: i64,
    #[sqlx(flatten)]
    pub line: super::InvoiceLineRow,
}

/// Which invoices an export covers: a scope, periods starting in `[from, to)` (epoch ms) and
/// optionally one status.
#[derive(Debug, Clone, Default)]
pub struct InvoiceExportQuery {
    pub scope: InvoiceScope,
    pub from: i64,
    pub to: i64,
    pub status: Option<String>,
}

impl Store {
    /// Feed `f` the usage of `q` summed per cell — a bucket of `step` minutes, a status class
    /// and the ids `by` names — streaming, until `f` returns false. The database sums, so a
    /// month of per-minute rows crosses to us as a few thousand cells: a cell's `minute` is its
    /// bucket's start, its `span` the coarsest of its rows (a caller refuses a cell coarser than
    /// its step), its histograms the rows' stored histograms joined by [`STORED_SEPARATOR`]
    /// (read with `Histogram::add_stored`). Names are joined to the cells, not to the rows.
    pub async fn fold_usage(
        &self,
        q: &UsageQuery,
        step: i64,
        by: CellGroups,
        mut f: impl FnMut(UsageFact) -> bool,
    ) -> StoreResult<()> {
        let (filter, values) = q.filter();
        let concat = match self.backend {
            Backend::Sqlite => "group_concat",
            Backend::Postgres => "string_agg",
        };
        let step = step.max(1);
        let bucket = format!("(r.minute / {step}) * {step}");
        let mut group = vec![bucket.clone(), "r.status_class".to_owned()];
        let mut id = |on: bool, expr: &str| {
            if on {
                group.push(expr.to_owned());
                expr.to_owned()
            } else {
                "CAST(NULL AS TEXT)".to_owned()
            }
        };
        let (api, application, subscription, plan) = (
            id(by.api, "r.api_id"),
            id(by.application, "s.application_id"),
            id(by.subscription, "r.subscription_id"),
            id(by.plan, "COALESCE(r.plan_id, s.plan_id)"),
        );
        let group = group.join(", ");
        let sql = format!(
            "SELECT c.bucket AS minute, c.span, c.status_class, c.requests, c.bytes_in, c.bytes_out, c.latency_total,
                    c.latency_upstream, COALESCE(p.id, '') AS api_id, COALESCE(p.name, '') AS api_name,
                    COALESCE(p.context, '') AS api_context, COALESCE(p.version, '') AS api_version,
                    c.application_id, a.name AS application_name, c.subscription_id, c.plan_id, pl.name AS plan_name
               FROM (SELECT {bucket} AS bucket, CAST(MAX(r.span) AS BIGINT) AS span, r.status_class AS status_class,
                            CAST(SUM(r.requests) AS BIGINT) AS requests, CAST(SUM(r.bytes_in) AS BIGINT) AS bytes_in,
                            CAST(SUM(r.bytes_out) AS BIGINT) AS bytes_out,
                            {concat}(r.latency_total, '{STORED_SEPARATOR}') AS latency_total,
                            {concat}(r.latency_upstream, '{STORED_SEPARATOR}') AS latency_upstream,
                            {api} AS api_id, {application} AS application_id, {subscription} AS subscription_id,
                            {plan} AS plan_id
                       {CELLS_FROM} {filter}
                      GROUP BY {group}) c
               LEFT JOIN apis p ON p.id = c.api_id
               LEFT JOIN applications a ON a.id = c.application_id
               LEFT JOIN plans pl ON pl.id = c.plan_id"
        );
        let mut rows = bind_usage(sqlx::query_as::<_, UsageFact>(AssertSqlSafe(sql)), q, &values).fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            if !f(row) {
                break;
            }
        }
        Ok(())
    }

    /// The APIs (`by_application = false`) or applications with the most answered calls.
    pub async fn top_usage(&self, q: &UsageQuery, by_application: bool, limit: i64) -> StoreResult<Vec<TopRow>> {
        let (filter, values) = q.filter();
        let (id, name, version, extra) = if by_application {
            (
                "s.application_id",
                "MAX(a.name)",
                "''",
                "AND r.subscription_id IS NOT NULL",
            )
        } else {
            ("r.api_id", "MAX(p.name)", "MAX(p.version)", "")
        };
        let sql = format!(
            "SELECT {id} AS id, {name} AS name, {version} AS version,
                    CAST(SUM(CASE WHEN r.status_class <> 'limited' THEN r.requests ELSE 0 END) AS BIGINT) AS requests,
                    CAST(SUM(CASE WHEN r.status_class = '4xx' THEN r.requests ELSE 0 END) AS BIGINT) AS client_errors,
                    CAST(SUM(CASE WHEN r.status_class = '5xx' THEN r.requests ELSE 0 END) AS BIGINT) AS server_errors,
                    CAST(SUM(CASE WHEN r.status_class = 'limited' THEN r.requests ELSE 0 END) AS BIGINT) AS limited,
                    CAST(SUM(r.bytes_out) AS BIGINT) AS bytes_out
             {USAGE_FROM} {filter} {extra}
             GROUP BY {id}
             ORDER BY requests DESC, id
             LIMIT ${limit}",
            limit = values.len() + 3
        );
        Ok(bind_usage(sqlx::query_as::<_, TopRow>(AssertSqlSafe(sql)), q, &values)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// One page of the usage export after `after` = (day, subscription, plan). Days are
    /// aggregated in growing windows from the cursor on, so a page costs about what it returns,
    /// not the rest of the range.
    pub async fn usage_export_page(
        &self,
        q: &UsageExportQuery,
        after: Option<(i64, String, String)>,
        limit: i64,
    ) -> StoreResult<Vec<UsageExportRow>> {
        let (mut day, mut sub, mut plan) = after.unwrap_or((i64::MIN, String::new(), String::new()));
        let mut start = q.from_day.max(day);
        let mut window = 1;
        let mut out = Vec::new();
        while start < q.to_day && (out.len() as i64) < limit {
            let end = start.saturating_add(window).min(q.to_day);
            let rows: Vec<UsageExportRow> = sqlx::query_as(AssertSqlSafe(USAGE_EXPORT))
                .bind(start * 1440)
                .bind(end * 1440)
                .bind(q.scope.org_id.as_deref().unwrap_or(""))
                .bind(q.scope.customer_id.as_deref().unwrap_or(""))
                .bind(day)
                .bind(&sub)
                .bind(&plan)
                .bind(limit - out.len() as i64)
                .fetch_all(&self.pool)
                .await?;
            out.extend(rows);
            // Later windows start after the cursor's day: every row of theirs comes after it.
            (day, sub, plan) = (i64::MIN, String::new(), String::new());
            start = end;
            window = window.saturating_mul(4);
        }
        Ok(out)
    }

    /// Every usage export row, in order, into `out` (bounded: a slow reader slows the query).
    /// Stops quietly when the receiver goes away.
    pub async fn stream_usage_export(
        &self,
        q: &UsageExportQuery,
        out: mpsc::Sender<UsageExportRow>,
    ) -> StoreResult<()> {
        let mut rows = sqlx::query_as::<_, UsageExportRow>(AssertSqlSafe(USAGE_EXPORT))
            .bind(q.from_day * 1440)
            .bind(q.to_day * 1440)
            .bind(q.scope.org_id.as_deref().unwrap_or(""))
            .bind(q.scope.customer_id.as_deref().unwrap_or(""))
            .bind(i64::MIN)
            .bind("")
            .bind("")
            .bind(i64::MAX)
            .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            if out.send(row).await.is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Every invoice line of the matching invoices, in (period, invoice, position) order.
    pub async fn stream_invoice_export(
        &self,
        q: &InvoiceExportQuery,
        out: mpsc::Sender<InvoiceExportRow>,
    ) -> StoreResult<()> {
        let mut rows = sqlx::query_as::<_, InvoiceExportRow>(
            "SELECT i.number, i.org_id, i.customer_id, u.email AS customer_email, i.period_start,
                    i.period_end, i.currency, i.status, i.total_minor,
                    l.invoice_id, l.position, l.subscription_id, l.api_id, l.api_name, l.api_version, l.application_id,
                    l.application_name, l.plan_id, l.plan_name, l.kind, l.tier, l.description, l.quantity,
                    l.unit_price_micros, l.prorated_seconds, l.period_seconds, l.amount_minor
               FROM invoices i JOIN users u ON u.id = i.customer_id JOIN invoice_lines l ON l.invoice_id = i.id
              WHERE i.period_start >= $1 AND i.period_start < $2
                AND ($3 = '' OR i.org_id = $3) AND ($4 = '' OR i.customer_id = $4) AND ($5 = '' OR i.status = $5)
              ORDER BY i.period_start, i.id, l.position",
        )
        .bind(q.from)
        .bind(q.to)
        .bind(q.scope.org_id.as_deref().unwrap_or(""))
        .bind(q.scope.customer_id.as_deref().unwrap_or(""))
        .bind(q.status.as_deref().unwrap_or(""))
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            if out.send(row).await.is_err() {
                break;
            }
        }
        Ok(())
    }
}
