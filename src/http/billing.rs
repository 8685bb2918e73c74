//! Invoices and revenue. Who sees what: a developer sees the invoices addressed to them; the
//! admins and publishers of an organization see the invoices it issued (its revenue); admins of
//! the operator organization may ask for everything (`all=true`). Only the issuing
//! organization's admins finalize and void.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Page, PageLimit, path_id};
use super::orgs::{audit, authorized_org};
use crate::app::AppState;
use crate::domain::billing::{BillingPeriod, InvoiceAction, InvoiceStatus};
use crate::domain::ids::to_datetime;
use crate::domain::policy::{GlobalPermission, Permission};
use crate::domain::pricing::{currency_exponent, format_minor};
use crate::error::{ApiError, Problem};
use crate::store::{InvoiceFilter, InvoiceLineRow, InvoiceRow, InvoiceScope, RevenueRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices))
        .routes(routes!(get_invoice))
        .routes(routes!(finalize_invoice))
        .routes(routes!(void_invoice))
        .routes(routes!(org_revenue))
}

/// Whose usage and billing a request is about.
#[derive(Debug, Clone, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ScopeParams {
    /// An organization you administer or publish for: what its APIs earned and were used for.
    /// Without it: your own applications and invoices.
    pub org: Option<String>,
    /// Operator administrators only: every organization.
    #[serde(default)]
    pub all: bool,
}

impl ScopeParams {
    /// The scope the caller may see, or 403/404.
    pub fn resolve(&self, auth: &Auth) -> Result<InvoiceScope, ApiError> {
        match (&self.org, self.all) {
            (Some(_), true) => Err(ApiError::bad_request("give either org or all=true, not both")),
            (None, true) => {
                auth.check(
                    auth.subject.authorize_global(GlobalPermission::ViewAllBilling),
                    "organization",
                )?;
                Ok(InvoiceScope::default())
            }
            (Some(org), false) => {
                path_id(org, "organization")?;
                auth.check(auth.subject.authorize(org, Permission::ViewBilling), "organization")?;
                Ok(InvoiceScope {
                    org_id: Some(org.clone()),
                    customer_id: None,
                })
            }
            (None, false) => Ok(InvoiceScope {
                org_id: None,
                customer_id: Some(auth.subject.user_id.clone()),
            }),
        }
    }
}

/// A billing period by name: `2026-11` for calendar months; an RFC 3339 instant inside the
/// period otherwise.
pub fn parse_period(period: &BillingPeriod, raw: &str) -> Result<(i64, i64), ApiError> {
    period
        .parse_label(raw)
        .ok_or_else(|| ApiError::bad_request(format!("period `{raw}` is not a billing period such as 2026-11")))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "customer_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60", "customer_email": "dev@example.com", "period": "2026-11", "period_start": "2026-11-01T00:00:00Z", "period_end": "2026-12-01T00:00:00Z", "currency": "USD", "status": "finalized", "number": 42, "total_minor": 12345, "total": "123.45", "computed_at": "2026-12-04T00:00:00Z", "finalized_at": "2026-12-04T00:00:00Z", "voided_at": null, "void_reason": null, "lines": []}))]
pub struct Invoice {
    pub id: String,
    /// The issuing organization (the APIs' publisher).
    pub org_id: String,
    /// The developer account billed.
    pub customer_id: String,
    pub customer_email: String,
    pub period: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub currency: String,
    /// `draft` (follows usage), `finalized` (immutable) or `void`.
    pub status: String,
    /// Sequential per organization, given at finalization.
    pub number: Option<i64>,
    pub total_minor: i64,
    pub total: String,
    /// When the lines were last computed.
    pub computed_at: DateTime<Utc>,
    pub finalized_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
    /// The lines (in lists: omitted unless `lines=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<InvoiceLineRow>>,
}

impl Invoice {
    pub fn new(i: InvoiceRow, period: &BillingPeriod, lines: Option<Vec<InvoiceLineRow>>) -> Self {
        let exponent = currency_exponent(&i.currency);
        Self {
            period: period.label(i.period_start),
            total: format_minor(i.total_minor, exponent),
            lines: lines.map(|mut ls| {
                for l in &mut ls {
                    l.amount = format_minor(l.amount_minor, exponent);
                }
                ls
            }),
            id: i.id,
            org_id: i.org_id,
            customer_id: i.customer_id,
            customer_email: i.customer_email,
            period_start: to_datetime(i.period_start),
            period_end: to_datetime(i.period_end),
            currency: i.currency,
            status: i.status,
            number: i.number,
            total_minor: i.total_minor,
            computed_at: to_datetime(i.computed_at),
            finalized_at: i.finalized_at.map(to_datetime),
            voided_at: i.voided_at.map(to_datetime),
            void_reason: i.void_reason,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListParams {
    pub org: Option<String>,
    #[serde(default)]
    pub all: bool,
    /// Only this billing period, e.g. `2026-11`.
    pub period: Option<String>,
    /// `draft`, `finalized` or `void`.
    pub status: Option<String>,
    /// Include each invoice's lines.
    #[serde(default)]
    pub lines: bool,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

/// An invoice-list cursor: `{period_start}_{id}`.
pub fn parse_cursor(raw: Option<&str>) -> Result<Option<(i64, String)>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let bad = || ApiError::bad_request("cursor is not one this API returned");
    let (start, id) = raw.split_once('_').ok_or_else(bad)?;
    let start = start.parse::<i64>().map_err(|_| bad())?;
    if !crate::domain::ids::is_uuid(id) {
        return Err(bad());
    }
    Ok(Some((start, id.to_owned())))
}

pub fn parse_status(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(s) => match InvoiceStatus::parse(s) {
            Some(status) => Ok(Some(status.as_str().to_owned())),
            None => Err(ApiError::bad_request("status must be draft, finalized or void")),
        },
    }
}

/// Invoices: yours, your organization's (`org`), or all (`all=true`, operators). Ordered by
/// period, then id. Drafts follow usage: the biller recomputes the drafts of the current and the
/// previous period every `billing_check_interval` (a minute by default); `computed_at` says when.
#[utoipa::path(get, path = "/invoices", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(InvoiceListParams),
    responses(
        (status = 200, body = Page<Invoice>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization (for you)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_invoices(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<InvoiceListParams>,
) -> Result<Json<Page<Invoice>>, ApiError> {
    let scope = ScopeParams {
        org: params.org.clone(),
        all: params.all,
    }
    .resolve(&auth)?;
    let bp = app.config.billing_period();
    let period = params.period.as_deref().map(|p| parse_period(&bp, p)).transpose()?;
    let limit = i64::from(PageLimit::or_default(params.limit));
    let after = parse_cursor(params.cursor.as_deref())?;
    let status = parse_status(params.status.as_deref())?;
    let filter = InvoiceFilter {
        scope,
        period_start: period.map(|p| p.0),
        status,
    };
    let mut rows = app.store.list_invoices(&filter, after, limit + 1).await?;
    let next_cursor = (rows.len() as i64 > limit).then(|| {
        rows.truncate(limit as usize);
        rows.last().map(|r| format!("{}_{}", r.period_start, r.id))
    });
    let mut lines = if params.lines {
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        Some(app.store.invoice_lines_of(&ids).await?)
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let l = lines.as_mut().map(|m| m.remove(&r.id).unwrap_or_default());
            Invoice::new(r, &bp, l)
        })
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: next_cursor.flatten(),
    }))
}

/// The invoice, its issuer's view or its customer's; anyone else gets 404.
async fn visible_invoice(app: &AppState, auth: &Auth, id: &str) -> Result<(InvoiceRow, bool), ApiError> {
    path_id(id, "invoice")?;
    let invoice = app
        .store
        .find_invoice(id)
        .await?
        .ok_or(ApiError::not_found("invoice"))?;
    let issuer = auth.subject.authorize(&invoice.org_id, Permission::ViewBilling).is_ok();
    if !issuer && auth.subject.authorize_owner(&invoice.customer_id).is_err() {
        return Err(ApiError::not_found("invoice"));
    }
    Ok((invoice, issuer))
}

/// An invoice the caller may finalize or void: its customer may see it but not change it (403).
async fn managed_invoice(app: &AppState, auth: &Auth, id: &str) -> Result<InvoiceRow, ApiError> {
    let (invoice, issuer) = visible_invoice(app, auth, id).await?;
    if !issuer {
        return Err(ApiError::forbidden(
            "only the issuing organization's admins may do this",
        ));
    }
    auth.check(
        auth.subject.authorize(&invoice.org_id, Permission::ManageBilling),
        "invoice",
    )?;
    Ok(invoice)
}

/// One invoice with its lines (a draft as of its `computed_at`).
#[utoipa::path(get, path = "/invoices/{invoice_id}", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(("invoice_id" = String, Path)),
    responses(
        (status = 200, body = Invoice),
    ))]
pub async fn get_invoice(
    State(app): State<AppState>,
    auth: Auth,
    Path(invoice_id): Path<String>,
) -> Result<Json<Invoice>, ApiError> {
    let (invoice, _) = visible_invoice(&app, &auth, &invoice_id).await?;
    let lines = app.store.invoice_lines(&invoice.id).await?;
    Ok(Json(Invoice::new(invoice, &app.config.billing_period(), Some(lines))))
}

/// Finalize a draft after its period has ended: its lines are computed one last time and
/// frozen, and it gets the organization's next invoice number. Finalizing a finalized invoice
/// changes nothing. Drafts are also finalized automatically after `invoice_grace_period`.
#[utoipa::path(post, path = "/invoices/{invoice_id}/finalize", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(("invoice_id" = String, Path)),
    responses(
        (status = 200, body = Invoice),
        (status = 403, description = "Not an admin of the issuing organization", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period has not ended, or the invoice is void", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn finalize_invoice(
    State(app): State<AppState>,
    auth: Auth,
    Path(invoice_id): Path<String>,
) -> Result<Json<Invoice>, ApiError> {
    let invoice = managed_invoice(&app, &auth, &invoice_id).await?;
    transition_allowed(&invoice, InvoiceAction::Finalize)?;
    let mut entry = audit(&auth, "invoice.finalized", "invoice", json!({}));
    entry.org_id = Some(invoice.org_id.clone());
    entry.target_id = invoice.id.clone();
    let (row, _) = app.store.finalize_invoice(&invoice.id, entry).await?;
    let lines = app.store.invoice_lines(&row.id).await?;
    Ok(Json(Invoice::new(row, &app.config.billing_period(), Some(lines))))
}

/// 409 with the actions allowed now when `action` does not apply to the invoice's status (the
/// store checks again under its lock: a change made meanwhile also gets 409).
fn transition_allowed(invoice: &InvoiceRow, action: InvoiceAction) -> Result<(), ApiError> {
    let status = InvoiceStatus::parse(&invoice.status).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "invoice {} has an unknown status {}",
            invoice.id,
            invoice.status
        ))
    })?;
    if status.apply(action).is_some() {
        return Ok(());
    }
    Err(ApiError::conflict(format!(
        "{} is not allowed for a {} invoice",
        action.as_str(),
        status.as_str()
    ))
    .with_allowed(status.allowed_actions()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "billed twice by mistake"}))]
pub struct VoidRequest {
    /// Why (1 to 500 characters); kept with the invoice and in the audit log.
    pub reason: String,
}

/// Void an invoice (draft or finalized) with a reason. The customer is not billed for that
/// period and currency by this organization; the invoice keeps its number and lines.
#[utoipa::path(post, path = "/invoices/{invoice_id}/void", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(("invoice_id" = String, Path)),
    request_body = VoidRequest,
    responses(
        (status = 200, body = Invoice),
        (status = 409, description = "Already void", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn void_invoice(
    State(app): State<AppState>,
    auth: Auth,
    Path(invoice_id): Path<String>,
    ApiJson(req): ApiJson<VoidRequest>,
) -> Result<Json<Invoice>, ApiError> {
    let invoice = managed_invoice(&app, &auth, &invoice_id).await?;
    transition_allowed(&invoice, InvoiceAction::Void)?;
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ApiError::invalid_field("/reason", "must be 1 to 500 characters"));
    }
    let mut entry = audit(&auth, "invoice.voided", "invoice", json!({"reason": reason}));
    entry.org_id = Some(invoice.org_id.clone());
    entry.target_id = invoice.id.clone();
    let row = app.store.void_invoice(&invoice.id, reason, entry).await?;
    let lines = app.store.invoice_lines(&row.id).await?;
    Ok(Json(Invoice::new(row, &app.config.billing_period(), Some(lines))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revenue {
    pub api_id: String,
    pub api_name: String,
    pub api_version: String,
    pub currency: String,
    /// Invoice status the amount is in: `draft`, `finalized` or `void`.
    pub status: String,
    pub amount_minor: i64,
    pub amount: String,
    pub subscriptions: i64,
}

impl From<RevenueRow> for Revenue {
    fn from(r: RevenueRow) -> Self {
        Self {
            amount: format_minor(r.amount_minor, currency_exponent(&r.currency)),
            api_id: r.api_id,
            api_name: r.api_name,
            api_version: r.api_version,
            currency: r.currency,
            status: r.status,
            amount_minor: r.amount_minor,
            subscriptions: r.subscriptions,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevenueParams {
    /// Billing period, e.g. `2026-11`; default the current one.
    pub period: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"period": "2026-11", "items": [{"api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_name": "Petstore", "api_version": "v1", "currency": "USD", "status": "finalized", "amount_minor": 123450, "amount": "1234.50", "subscriptions": 17}]}))]
pub struct RevenueReport {
    pub period: String,
    pub items: Vec<Revenue>,
}

/// What the organization's APIs earned in a period, by API, currency and invoice status.
#[utoipa::path(get, path = "/orgs/{org_id}/revenue", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), RevenueParams),
    responses(
        (status = 200, body = RevenueReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn org_revenue(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<RevenueParams>,
) -> Result<Json<RevenueReport>, ApiError> {
    let org = authorized_org(&app, &auth, &org_id, Permission::ViewBilling).await?;
    let bp = app.config.billing_period();
    let period = match params.period.as_deref() {
        Some(p) => parse_period(&bp, p)?,
        None => bp.containing(app.clock.now_ms()),
    };
    let items = app.store.revenue(&org.id, period.0).await?;
    Ok(Json(RevenueReport {
        period: bp.label(period.0),
        items: items.into_iter().map(Into::into).collect(),
    }))
}
