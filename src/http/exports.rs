//! Billing exports for finance systems: usage (one row per subscription, plan and UTC day) and
//! invoices with their lines, as CSV (streamed with a header; columns below are stable) or
//! JSON (cursor-paginated). Scoped like the rest of billing (yours / `org` / `all`).
//!
//! CSV is streamed straight from the database through a bounded channel: an export of millions
//! of rows runs in constant memory, and a reader that stops reading stops the query.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::billing::{Invoice, ScopeParams, parse_cursor, parse_period, parse_status};
use super::extract::{ApiQuery, Limit, Page, PageLimit};
use crate::app::AppState;
use crate::domain::pricing::{currency_exponent, format_minor};
use crate::error::{ApiError, Problem};
use crate::store::{
    InvoiceExportQuery, InvoiceExportRow, InvoiceFilter, StoreResult, UsageExportQuery, UsageExportRow,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_usage))
        .routes(routes!(export_invoices))
}

/// Longest usage export range.
const MAX_DAYS: i64 = 3_660;
/// CSV chunk size sent to the client.
const CHUNK_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Csv,
}

/// `format` wins; otherwise `Accept: text/csv` asks for CSV.
fn format(asked: Option<Format>, headers: &HeaderMap) -> Format {
    asked.unwrap_or_else(|| {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
        if accept.contains("text/csv") {
            Format::Csv
        } else {
            Format::Json
        }
    })
}

/// The usage CSV's header, in column order.
pub const USAGE_COLUMNS: [&str; 19] = [
    "date",
    "org_id",
    "api_id",
    "api_name",
    "api_version",
    "application_id",
    "application_name",
    "customer_id",
    "customer_email",
    "subscription_id",
    "plan_id",
    "plan_name",
    "requests",
    "billable_requests",
    "client_errors",
    "server_errors",
    "limited",
    "bytes_in",
    "bytes_out",
];

/// One invoice line with its invoice. CSV columns, in order: the fields below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"invoice_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "invoice_number": 42, "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "customer_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60", "customer_email": "dev@example.com", "period": "2026-11", "period_start": "2026-11-01T00:00:00Z", "period_end": "2026-12-01T00:00:00Z", "currency": "USD", "status": "finalized", "invoice_total_minor": 12345, "line_position": 1, "subscription_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d62", "api_name": "Petstore", "api_version": "v1", "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d63", "application_name": "Mobile app", "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d64", "plan_name": "Gold", "kind": "fee", "tier": null, "description": "Fee for the period", "quantity": 1, "unit_price_micros": 10000000, "prorated_seconds": 2592000, "period_seconds": 2592000, "amount_minor": 1000, "amount": "10.00"}))]
pub struct InvoiceExportItem {
    pub invoice_id: String,
    pub invoice_number: Option<i64>,
    pub org_id: String,
    pub customer_id: String,
    pub customer_email: String,
    pub period: String,
    pub period_start: String,
    pub period_end: String,
    pub currency: String,
    pub status: String,
    pub invoice_total_minor: i64,
    pub line_position: i64,
    pub subscription_id: String,
    pub api_id: String,
    pub api_name: String,
    pub api_version: String,
    pub application_id: String,
    pub application_name: String,
    pub plan_id: String,
    pub plan_name: String,
    pub kind: String,
    pub tier: Option<i64>,
    pub description: String,
    pub quantity: i64,
    pub unit_price_micros: i64,
    pub prorated_seconds: Option<i64>,
    pub period_seconds: Option<i64>,
    pub amount_minor: i64,
    pub amount: String,
}

pub const INVOICE_COLUMNS: [&str; 29] = [
    "invoice_id",
    "invoice_number",
    "org_id",
    "customer_id",
    "customer_email",
    "period",
    "period_start",
    "period_end",
    "currency",
    "status",
    "invoice_total_minor",
    "line_position",
    "subscription_id",
    "api_id",
    "api_name",
    "api_version",
    "application_id",
    "application_name",
    "plan_id",
    "plan_name",
    "kind",
    "tier",
    "description",
    "quantity",
    "unit_price_micros",
    "prorated_seconds",
    "period_seconds",
    "amount_minor",
    "amount",
];

fn invoice_item(r: InvoiceExportRow, period: &crate::domain::billing::BillingPeriod) -> InvoiceExportItem {
    let exponent = currency_exponent(&r.currency);
    let rfc3339 = |ms: i64| crate::domain::ids::to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    InvoiceExportItem {
        invoice_id: r.line.invoice_id,
        invoice_number: r.number,
        org_id: r.org_id,
        customer_id: r.customer_id,
        customer_email: r.customer_email,
        period: period.label(r.period_start),
        period_start: rfc3339(r.period_start),
        period_end: rfc3339(r.period_end),
        currency: r.currency,
        status: r.status,
        invoice_total_minor: r.total_minor,
        line_position: r.line.position,
        subscription_id: r.line.subscription_id,
        api_id: r.line.api_id,
        api_name: r.line.api_name,
        api_version: r.line.api_version,
        application_id: r.line.application_id,
        application_name: r.line.application_name,
        plan_id: r.line.plan_id,
        plan_name: r.line.plan_name,
        kind: r.line.kind,
        tier: r.line.tier,
        description: r.line.description,
        quantity: r.line.quantity,
        unit_price_micros: r.line.unit_price_micros,
        prorated_seconds: r.line.prorated_seconds,
        period_seconds: r.line.period_seconds,
        amount: format_minor(r.line.amount_minor, exponent),
        amount_minor: r.line.amount_minor,
    }
}

/// A streamed CSV download: `produce` runs on its own task and fills a bounded channel with
/// rows (so a slow reader slows the query); the body writes the header, then the rows mapped by
/// `map`, in chunks. If the producer fails part-way the body ends with an error, so the client
/// sees a broken transfer rather than a silently short file.
fn csv_export<R, T, Fut>(
    columns: &'static [&'static str],
    filename: &str,
    produce: impl FnOnce(mpsc::Sender<R>) -> Fut,
    map: impl Fn(R) -> T + Send + 'static,
) -> Response
where
    R: Send + 'static,
    T: Serialize,
    Fut: std::future::Future<Output = StoreResult<()>> + Send + 'static,
{
    let (tx, rows) = mpsc::channel(1024);
    let producer: JoinHandle<StoreResult<()>> = tokio::spawn(produce(tx));
    struct State<R, F> {
        rows: mpsc::Receiver<R>,
        producer: Option<JoinHandle<StoreResult<()>>>,
        map: F,
        header: bool,
    }
    let state = State {
        rows,
        producer: Some(producer),
        map,
        header: true,
    };
    let stream = futures_util::stream::unfold(state, move |mut st| async move {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::with_capacity(CHUNK_BYTES + 1024));
        if std::mem::take(&mut st.header) {
            let _ = w.write_record(columns);
        }
        let mut closed = false;
        let mut written = 0usize;
        while written < CHUNK_BYTES {
            match st.rows.recv().await {
                Some(row) => {
                    if let Err(e) = w.serialize((st.map)(row)) {
                        tracing::error!(error = %e, "export: writing a CSV row failed");
                        return Some((Err(std::io::Error::other("export failed")), st));
                    }
                    written = w.get_ref().len();
                }
                None => {
                    closed = true;
                    break;
                }
            }
        }
        let chunk = match w.into_inner() {
            Ok(buf) => buf,
            Err(_) => return Some((Err(std::io::Error::other("export failed")), st)),
        };
        if closed {
            let producer = st.producer.take()?;
            let failed = match producer.await {
                Ok(Ok(())) => false,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "export: reading rows failed");
                    true
                }
                Err(e) => {
                    tracing::error!(error = %e, "export task failed");
                    true
                }
            };
            if failed {
                return Some((Err(std::io::Error::other("export failed")), st));
            }
        }
        Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), st))
    });
    let mut resp = Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageExportParams {
    /// First UTC day, `YYYY-MM-DD`.
    pub from: NaiveDate,
    /// Last UTC day, inclusive.
    pub to: NaiveDate,
    /// `json` (default; paginated) or `csv` (streamed; also chosen by `Accept: text/csv`).
    pub format: Option<Format>,
    pub org: Option<String>,
    #[serde(default)]
    pub all: bool,
    /// JSON page size.
    #[param(inline)]
    pub limit: Option<Limit<5000, 50>>,
    /// JSON: `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn usage_cursor(raw: Option<&str>) -> Result<Option<(i64, String, String)>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let bad = || ApiError::bad_request("cursor is not one this API returned");
    let mut parts = raw.split('_');
    let (Some(day), Some(sub), Some(plan), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let day = day.parse::<i64>().map_err(|_| bad())?;
    if !crate::domain::ids::is_uuid(sub) || !crate::domain::ids::is_uuid(plan) {
        return Err(bad());
    }
    Ok(Some((day, sub.to_owned(), plan.to_owned())))
}

/// Usage per subscription, plan and UTC day, with the calls billed. CSV columns: `date,
/// org_id, api_id, api_name, api_version, application_id, application_name, customer_id,
/// customer_email, subscription_id, plan_id, plan_name, requests, billable_requests,
/// client_errors, server_errors, limited, bytes_in, bytes_out` (the JSON items' fields).
#[utoipa::path(get, path = "/exports/usage", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(UsageExportParams),
    responses(
        (status = 200, description = "JSON page (`format=json`) or the whole export as CSV", 
            content((Page<UsageExportRow> = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_usage(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<UsageExportParams>,
) -> Result<Response, ApiError> {
    let scope = ScopeParams {
        org: p.org.clone(),
        all: p.all,
    }
    .resolve(&auth)?;
    let from_day = i64::from(p.from.to_epoch_days());
    let to_day = i64::from(p.to.to_epoch_days()) + 1;
    if to_day <= from_day {
        return Err(ApiError::bad_request("`to` must not be before `from`"));
    }
    if to_day - from_day > MAX_DAYS {
        return Err(ApiError::bad_request(format!(
            "an export covers at most {MAX_DAYS} days"
        )));
    }
    let q = UsageExportQuery {
        scope,
        from_day,
        to_day,
    };
    match format(p.format, &headers) {
        Format::Csv => {
            let store = app.store.clone();
            Ok(csv_export(
                &USAGE_COLUMNS,
                &format!("usage-{}-{}.csv", p.from, p.to),
                move |tx| async move { store.stream_usage_export(&q, tx).await },
                std::convert::identity,
            ))
        }
        Format::Json => {
            let limit = i64::from(Limit::or_default(p.limit));
            let after = usage_cursor(p.cursor.as_deref())?;
            let mut rows = app.store.usage_export_page(&q, after, limit + 1).await?;
            let next_cursor = if rows.len() as i64 > limit {
                rows.truncate(limit as usize);
                rows.last()
                    .map(|r| format!("{}_{}_{}", r.date, r.subscription_id, r.plan_id))
            } else {
                None
            };
            Ok(Json(Page {
                items: rows,
                next_cursor,
            })
            .into_response())
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceExportParams {
    /// First billing period, e.g. `2026-10`.
    pub from: String,
    /// Last billing period, inclusive (default: `from`).
    pub to: Option<String>,
    /// `draft`, `finalized` or `void`.
    pub status: Option<String>,
    /// `json` (default; paginated invoices with lines) or `csv` (one row per line, streamed).
    pub format: Option<Format>,
    pub org: Option<String>,
    #[serde(default)]
    pub all: bool,
    /// JSON page size.
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

/// Invoices with their lines for a range of billing periods. CSV: one row per line with the
/// invoice's columns repeated (schema `InvoiceExportItem`): `invoice_id, invoice_number, org_id, customer_id,
/// customer_email, period, period_start, period_end, currency, status, invoice_total_minor,
/// line_position, subscription_id, api_id, api_name, api_version, application_id,
/// application_name, plan_id, plan_name, kind, tier, description, quantity, unit_price_micros,
/// prorated_seconds, period_seconds, amount_minor, amount`.
#[utoipa::path(get, path = "/exports/invoices", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(InvoiceExportParams),
    responses(
        (status = 200, description = "JSON page (`format=json`) or every line as CSV", 
            content((Page<Invoice> = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_invoices(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<InvoiceExportParams>,
) -> Result<Response, ApiError> {
    let scope = ScopeParams {
        org: p.org.clone(),
        all: p.all,
    }
    .resolve(&auth)?;
    let bp = app.config.billing_period();
    let first = parse_period(&bp, &p.from)?;
    let last = parse_period(&bp, p.to.as_deref().unwrap_or(&p.from))?;
    if last.0 < first.0 {
        return Err(ApiError::bad_request("`to` must not be before `from`"));
    }
    let status = parse_status(p.status.as_deref())?;
    match format(p.format, &headers) {
        Format::Csv => {
            let q = InvoiceExportQuery {
                scope,
                from: first.0,
                to: last.1,
                status,
            };
            let store = app.store.clone();
            Ok(csv_export(
                &INVOICE_COLUMNS,
                &format!("invoices-{}-{}.csv", bp.label(first.0), bp.label(last.0)).replace(':', ""),
                move |tx| async move { store.stream_invoice_export(&q, tx).await },
                move |r| invoice_item(r, &bp),
            ))
        }
        Format::Json => {
            let limit = i64::from(PageLimit::or_default(p.limit));
            let after = parse_cursor(p.cursor.as_deref())?;
            let filter = InvoiceFilter {
                scope,
                period_start: None,
                status,
            };
            let mut rows = app
                .store
                .list_invoices(&filter, after.or(Some((first.0 - 1, String::new()))), limit + 1)
                .await?;
            rows.retain(|r| r.period_start < last.1);
            let next_cursor = if rows.len() as i64 > limit {
                rows.truncate(limit as usize);
                rows.last().map(|r| format!("{}_{}", r.period_start, r.id))
            } else {
                None
            };
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let mut lines = app.store.invoice_lines_of(&ids).await?;
            let items: Vec<Invoice> = rows
                .into_iter()
                .map(|r| {
                    let l = lines.remove(&r.id).unwrap_or_default();
                    Invoice::new(r, &bp, Some(l))
                })
                .collect();
            Ok(Json(Page { items, next_cursor }).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of<T: Serialize>(item: &T) -> Vec<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(item).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        text.lines().next().unwrap().split(',').map(str::to_owned).collect()
    }

    #[test]
    fn csv_headers_match_the_rows() {
        let usage = UsageExportRow {
            date: 20_000,
            subscription_id: String::new(),
            plan_id: String::new(),
            org_id: String::new(),
            api_id: String::new(),
            api_name: String::new(),
            api_version: String::new(),
            application_id: String::new(),
            application_name: String::new(),
            customer_id: String::new(),
            customer_email: String::new(),
            plan_name: String::new(),
            requests: 0,
            billable_requests: 0,
            client_errors: 0,
            server_errors: 0,
            limited: 0,
            bytes_in: 0,
            bytes_out: 0,
        };
        assert_eq!(header_of(&usage), USAGE_COLUMNS);
        let json = serde_json::to_value(&usage).unwrap();
        assert_eq!(json["date"], "2024-10-04");
    }

    #[test]
    fn cursors_are_checked() {
        assert!(usage_cursor(Some("x")).is_err());
        assert!(usage_cursor(Some("1_a_b")).is_err());
        assert!(usage_cursor(None).unwrap().is_none());
    }
}
