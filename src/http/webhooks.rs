//! Webhook endpoints of an organization and their deliveries. Only the organization's admins
//! manage them: members of other organizations get 404, other roles 403. The signing secret is
//! shown once, at creation and at rotation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Page, PageLimit, PageParams, Versioned, if_match, path_id};
use super::orgs::{audit, authorized_org};
use crate::app::AppState;
use crate::domain::FieldError;
use crate::domain::ids::{new_id, to_datetime};
use crate::domain::policy::Permission;
use crate::domain::secret::{self, WEBHOOK_SECRET_PREFIX};
use crate::domain::webhook::{self, DeliveryState};
use crate::error::{ApiError, Problem};
use crate::store::{AuditEntry, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow, WebhookFields};

/// Endpoints one organization may have (each event is sent to every subscribed one).
const MAX_ENDPOINTS_PER_ORG: usize = 20;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(find_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(test_webhook))
        .routes(routes!(list_webhook_deliveries))
        .routes(routes!(find_webhook_delivery))
        .routes(routes!(resend_webhook_delivery))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
    "url": "https://billing.example.com/hooks/tollgate", "description": "ERP sync",
    "event_types": ["invoice.finalized", "subscription.created"], "enabled": true, "secret_prefix": "whsec_a1B2",
    "secret_rotated_at": null, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct WebhookResponse {
    pub id: String,
    pub org_id: String,
    /// Where events are POSTed (https recommended).
    pub url: String,
    pub description: String,
    /// Subscribed event types: `invoice.finalized`, `subscription.created`,
    /// `subscription.changed`, `subscription.ended`, `quota.reached`.
    pub event_types: Vec<String>,
    /// Disabled endpoints receive nothing; their pending deliveries wait.
    pub enabled: bool,
    /// The first characters of the signing secret, to recognise it.
    pub secret_prefix: String,
    pub secret_rotated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<WebhookEndpointRow> for WebhookResponse {
    fn from(w: WebhookEndpointRow) -> Self {
        let enabled = w.is_enabled();
        Self {
            event_types: w.event_types(),
            id: w.id,
            org_id: w.org_id,
            url: w.url,
            description: w.description,
            enabled,
            secret_prefix: w.secret_prefix,
            secret_rotated_at: w.secret_rotated_at.map(to_datetime),
            created_at: to_datetime(w.created_at),
            updated_at: to_datetime(w.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f",
    "url": "https://billing.example.com/hooks/tollgate", "description": "ERP sync",
    "event_types": ["invoice.finalized"], "enabled": true, "secret_prefix": "whsec_a1B2", "secret_rotated_at": null,
    "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z",
    "secret": "whsec_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0"}))]
pub struct WebhookSecretResponse {
    #[serde(flatten)]
    pub webhook: WebhookResponse,
    /// The signing secret. Shown only in this response; keep it to verify
    /// `Tollgate-Webhook-Signature`.
    #[schema(example = "whsec_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0")]
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://billing.example.com/hooks/tollgate", "description": "ERP sync",
    "event_types": ["invoice.finalized", "subscription.created", "subscription.changed", "subscription.ended"]}))]
pub struct CreateWebhookRequest {
    /// http:// or https:// URL without credentials, at most 2048 characters.
    pub url: String,
    #[serde(default)]
    pub description: String,
    pub event_types: Vec<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": false}))]
pub struct UpdateWebhookRequest {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60", "webhook_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
    "event_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61", "event_type": "subscription.created", "state": "pending",
    "attempts": 1, "next_attempt_at": "2026-11-29T21:00:30Z", "last_status_code": 503,
    "last_error": "HTTP 503: upstream unavailable", "resent_from": null, "created_at": "2026-11-29T21:00:00Z",
    "updated_at": "2026-11-29T21:00:00Z", "completed_at": null}))]
pub struct DeliveryResponse {
    pub id: String,
    pub webhook_id: String,
    /// Also sent as `Tollgate-Webhook-Id`: the same on every retry and re-send.
    pub event_id: String,
    pub event_type: String,
    /// `pending`, `succeeded` or `failed`.
    pub state: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// While pending: when the next attempt is due.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// HTTP status of the last attempt (none when no response came).
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed (truncated).
    pub last_error: Option<String>,
    /// The delivery this one re-sends.
    pub resent_from: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<WebhookDeliveryRow> for DeliveryResponse {
    fn from(d: WebhookDeliveryRow) -> Self {
        let pending = d.is_pending();
        Self {
            id: d.id,
            webhook_id: d.endpoint_id,
            event_id: d.event_id,
            event_type: d.event_type,
            state: d.state,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at.filter(|_| pending).map(to_datetime),
            last_status_code: d.last_status,
            last_error: d.last_error,
            resent_from: d.resent_from,
            created_at: to_datetime(d.created_at),
            updated_at: to_datetime(d.updated_at),
            completed_at: d.completed_at.map(to_datetime),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"attempt": 1, "started_at": "2026-11-29T21:00:00Z", "duration_ms": 120, "status_code": 503,
    "error": "HTTP 503: upstream unavailable"}))]
pub struct AttemptResponse {
    /// 1 for the first attempt.
    pub attempt: i64,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
}

impl From<WebhookAttemptRow> for AttemptResponse {
    fn from(a: WebhookAttemptRow) -> Self {
        Self {
            attempt: a.attempt,
            started_at: to_datetime(a.started_at),
            duration_ms: a.duration_ms,
            status_code: a.status,
            error: a.error,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60", "webhook_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e",
    "event_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61", "event_type": "subscription.created", "state": "succeeded",
    "attempts": 2, "next_attempt_at": null, "last_status_code": 200, "last_error": null, "resent_from": null,
    "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:31Z", "completed_at": "2026-11-29T21:00:31Z",
    "payload": {"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d61", "type": "subscription.created",
        "created_at": "2026-11-29T21:00:00Z", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "data": {}},
    "attempt_log": [
        {"attempt": 1, "started_at": "2026-11-29T21:00:00Z", "duration_ms": 120, "status_code": 503, "error": "HTTP 503"},
        {"attempt": 2, "started_at": "2026-11-29T21:00:31Z", "duration_ms": 80, "status_code": 200, "error": null}]}))]
pub struct DeliveryDetailResponse {
    #[serde(flatten)]
    pub delivery: DeliveryResponse,
    /// The JSON document POSTed (`{id, type, created_at, org_id, data}`).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Every attempt, oldest first.
    pub attempt_log: Vec<AttemptResponse>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// Only deliveries in this state: `pending`, `succeeded` or `failed`.
    pub state: Option<String>,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Refuses a URL that leads to an internal address, unless the operator allows those.
async fn reachable(app: &AppState, url: &str) -> Result<(), ApiError> {
    if app.config.webhook_allow_private_networks {
        return Ok(());
    }
    match crate::control::webhook_sender::internal_destination(url).await {
        Some(ip) => Err(ApiError::invalid_field(
            "/url",
            crate::control::webhook_sender::refusal(ip),
        )),
        None => Ok(()),
    }
}

/// Check and normalise the fields; every problem is reported at once.
fn validate(url: &str, description: &str, event_types: &[String], enabled: bool) -> Result<WebhookFields, ApiError> {
    let mut errors = Vec::new();
    let url = webhook::parse_url(url)
        .map_err(|m| errors.push(FieldError::new("/url", m)))
        .unwrap_or_default();
    let description = description.trim().to_owned();
    if description.chars().count() > 500 || description.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "/description",
            "must be at most 500 printable characters",
        ));
    }
    let event_types = webhook::parse_event_types(event_types, "/event_types")
        .map_err(|e| errors.extend(e))
        .unwrap_or_default();
    if errors.is_empty() {
        Ok(WebhookFields {
            url,
            description,
            event_types,
            enabled,
        })
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// An endpoint the caller may manage (404 outside its organization, 403 below admin).
async fn managed_webhook(app: &AppState, auth: &Auth, id: &str) -> Result<WebhookEndpointRow, ApiError> {
    path_id(id, "webhook")?;
    let row = app
        .store
        .find_webhook(id)
        .await?
        .ok_or(ApiError::not_found("webhook"))?;
    auth.check(
        auth.subject.authorize(&row.org_id, Permission::ManageWebhooks),
        "webhook",
    )?;
    Ok(row)
}

/// A delivery of an endpoint the caller may manage.
async fn managed_delivery(app: &AppState, auth: &Auth, id: &str) -> Result<WebhookDeliveryRow, ApiError> {
    path_id(id, "delivery")?;
    let row = app
        .store
        .find_webhook_delivery(id)
        .await?
        .ok_or(ApiError::not_found("delivery"))?;
    auth.check(
        auth.subject.authorize(&row.org_id, Permission::ManageWebhooks),
        "delivery",
    )?;
    Ok(row)
}

fn entry(auth: &Auth, action: &'static str, w: &WebhookEndpointRow, details: serde_json::Value) -> AuditEntry {
    let mut e = audit(auth, action, "webhook", details);
    e.org_id = Some(w.org_id.clone());
    e.target_id = w.id.clone();
    e
}

/// A new signing secret: the plaintext (for the response) and its sealed form for `endpoint_id`.
fn new_secret(app: &AppState, endpoint_id: &str) -> Result<(String, Vec<u8>, String), ApiError> {
    let generated = secret::generate(WEBHOOK_SECRET_PREFIX);
    let plain = secret::expose(&generated.plain).to_owned();
    let sealed = app.webhooks.seal_secret(endpoint_id, &plain)?;
    Ok((plain, sealed, generated.display_prefix))
}

/// The organization's webhook endpoints, oldest first.
#[utoipa::path(get, path = "/orgs/{org_id}/webhooks", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses(
        (status = 200, body = Page<WebhookResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_webhooks(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<WebhookResponse>>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageWebhooks).await?;
    let page = params.to_query()?;
    let rows = app.store.list_webhooks(&org_id, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// Register a webhook endpoint. The response carries its signing secret, shown only here.
#[utoipa::path(post, path = "/orgs/{org_id}/webhooks", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path)),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, body = WebhookSecretResponse, headers(("etag" = String))),
        (status = 409, description = "Too many endpoints", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_webhook(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiJson(req): ApiJson<CreateWebhookRequest>,
) -> Result<(StatusCode, Versioned<WebhookSecretResponse>), ApiError> {
    let org = authorized_org(&app, &auth, &org_id, Permission::ManageWebhooks).await?;
    let f = validate(
        &req.url,
        &req.description,
        &req.event_types,
        req.enabled.unwrap_or(true),
    )?;
    reachable(&app, &f.url).await?;
    let existing = app
        .store
        .list_webhooks(
            &org.id,
            &crate::store::PageQuery {
                after: String::new(),
                limit: MAX_ENDPOINTS_PER_ORG as i64,
            },
        )
        .await?;
    if existing.len() >= MAX_ENDPOINTS_PER_ORG {
        return Err(ApiError::conflict(format!(
            "an organization can have at most {MAX_ENDPOINTS_PER_ORG} webhook endpoints"
        )));
    }
    let id = new_id();
    let (plain, sealed, prefix) = new_secret(&app, &id)?;
    let mut e = audit(
        &auth,
        "webhook.created",
        "webhook",
        json!({"url": f.url, "event_types": f.event_types, "enabled": f.enabled}),
    );
    e.org_id = Some(org.id.clone());
    let row = app.store.insert_webhook(&id, &org.id, &f, &sealed, &prefix, e).await?;
    Ok((
        StatusCode::CREATED,
        Versioned(
            row.row_version,
            WebhookSecretResponse {
                webhook: row.into(),
                secret: plain,
            },
        ),
    ))
}

/// One webhook endpoint (never its secret).
#[utoipa::path(get, path = "/webhooks/{webhook_id}", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("webhook_id" = String, Path)),
    responses(
        (status = 200, body = WebhookResponse, headers(("etag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_webhook(
    State(app): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
) -> Result<Versioned<WebhookResponse>, ApiError> {
    let row = managed_webhook(&app, &auth, &webhook_id).await?;
    Ok(Versioned(row.row_version, row.into()))
}

/// Change an endpoint (`If-Match` supported): URL, description, event types, enabled.
#[utoipa::path(patch, path = "/webhooks/{webhook_id}", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("webhook_id" = String, Path), ("if-match" = Option<String>, Header)),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, body = WebhookResponse, headers(("etag" = String))),
    ))]
pub async fn update_webhook(
    State(app): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateWebhookRequest>,
) -> Result<Versioned<WebhookResponse>, ApiError> {
    let row = managed_webhook(&app, &auth, &webhook_id).await?;
    let event_types = req.event_types.unwrap_or_else(|| row.event_types());
    let f = validate(
        req.url.as_deref().unwrap_or(&row.url),
        req.description.as_deref().unwrap_or(&row.description),
        &event_types,
        req.enabled.unwrap_or(row.is_enabled()),
    )?;
    reachable(&app, &f.url).await?;
    let e = entry(
        &auth,
        "webhook.updated",
        &row,
        json!({"url": f.url, "event_types": f.event_types, "enabled": f.enabled}),
    );
    let updated = app.store.update_webhook(&row.id, if_match(&headers)?, &f, e).await?;
    Ok(Versioned(updated.row_version, updated.into()))
}

/// Delete an endpoint with its delivery log; nothing more is sent to it.
#[utoipa::path(delete, path = "/webhooks/{webhook_id}", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("webhook_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete_webhook(
    State(app): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let row = managed_webhook(&app, &auth, &webhook_id).await?;
    let e = entry(&auth, "webhook.deleted", &row, json!({"url": row.url}));
    app.store.delete_webhook(&row.id, e).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace the signing secret. The new one is in this response only and signs every attempt
/// from now on, retries of older events included.
#[utoipa::path(post, path = "/webhooks/{webhook_id}/rotate-secret", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("webhook_id" = String, Path)),
    responses(
        (status = 200, body = WebhookSecretResponse, headers(("etag" = String))),
    ))]
pub async fn rotate_webhook_secret(
    State(app): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
) -> Result<Versioned<WebhookSecretResponse>, ApiError> {
    let row = managed_webhook(&app, &auth, &webhook_id).await?;
    let (plain, sealed, prefix) = new_secret(&app, &row.id)?;
    let e = entry(&auth, "webhook.secret_rotated", &row, json!({"secret_prefix": prefix}));
    let row = app.store.rotate_webhook_secret(&row.id, &sealed, &prefix, e).await?;
    Ok(Versioned(
        row.row_version,
        WebhookSecretResponse {
            webhook: row.into(),
            secret: plain,
        },
    ))
}

/// Send a `ping` event to this endpoint (whatever it subscribes to) to check the receiver.
#[utoipa::path(post, path = "/webhooks/{webhook_id}/test", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("webhook_id" = String, Path)),
    responses(
        (status = 202, description = "Queued; follow it in the deliveries", body = DeliveryResponse),
        (status = 409, description = "The endpoint is disabled", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn test_webhook(
    State(app): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
) -> Result<(StatusCode, Json<DeliveryResponse>), ApiError> {
    let row = managed_webhook(&app, &auth, &webhook_id).await?;
    if !row.is_enabled() {
        return Err(ApiError::conflict("the webhook is disabled; enable it first"));
    }
    let delivery = app.store.insert_webhook_ping(&row).await?;
    app.webhooks.wake();
    Ok((StatusCode::ACCEPTED, Json(delivery.into())))
}

/// The endpoint's deliveries, newest first; `?state=failed` to see what did not arrive.
#[utoipa::path(get, path = "/webhooks/{webhook_id}/deliveries", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("webhook_id" = String, Path), DeliveryParams),
    responses(
        (status = 200, body = Page<DeliveryResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_webhook_deliveries(
    State(app): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
    ApiQuery(params): ApiQuery<DeliveryParams>,
) -> Result<Json<Page<DeliveryResponse>>, ApiError> {
    let row = managed_webhook(&app, &auth, &webhook_id).await?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .to_query()?;
    let state_filter = match params.state.as_deref().map(str::to_ascii_lowercase) {
        None => None,
        Some(s) => Some(
            DeliveryState::parse(&s)
                .ok_or_else(|| ApiError::bad_request("state must be one of pending, succeeded, failed"))?,
        ),
    };
    let rows = app.store.list_webhook_deliveries(&row.id, state_filter, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// One delivery with the document sent and every attempt.
#[utoipa::path(get, path = "/webhooks/deliveries/{delivery_id}", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("delivery_id" = String, Path)),
    responses(
        (status = 200, body = DeliveryDetailResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_webhook_delivery(
    State(app): State<AppState>,
    auth: Auth,
    Path(delivery_id): Path<String>,
) -> Result<Json<DeliveryDetailResponse>, ApiError> {
    let d = managed_delivery(&app, &auth, &delivery_id).await?;
    let body = app.store.webhook_event_body(&d.event_id).await?.unwrap_or_default();
    let payload = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
    let attempt_log = app
        .store
        .list_webhook_attempts(&d.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(DeliveryDetailResponse {
        delivery: d.into(),
        payload,
        attempt_log,
    }))
}

/// Send a delivery's event again: a new pending delivery of the same event (same
/// `Tollgate-Webhook-Id`) to the same endpoint, with its own attempts.
#[utoipa::path(post, path = "/webhooks/deliveries/{delivery_id}/resend", tag = "webhooks",
    security(("session" = []), ("bearer" = [])),
    params(("delivery_id" = String, Path)),
    responses(
        (status = 202, description = "Queued", body = DeliveryResponse),
        (status = 409, description = "The endpoint is disabled", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resend_webhook_delivery(
    State(app): State<AppState>,
    auth: Auth,
    Path(delivery_id): Path<String>,
) -> Result<(StatusCode, Json<DeliveryResponse>), ApiError> {
    let d = managed_delivery(&app, &auth, &delivery_id).await?;
    let endpoint = app
        .store
        .find_webhook(&d.endpoint_id)
        .await?
        .ok_or(ApiError::not_found("webhook"))?;
    if !endpoint.is_enabled() {
        return Err(ApiError::conflict("the webhook is disabled; enable it first"));
    }
    let new = app.store.resend_webhook_delivery(&d.id).await?;
    app.webhooks.wake();
    Ok((StatusCode::ACCEPTED, Json(new.into())))
}
