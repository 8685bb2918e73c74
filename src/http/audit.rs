//! The audit log of an organization (its admins only).

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiQuery, Page, PageLimit, PageParams};
use super::orgs::authorized_org;
use crate::app::AppState;
use crate::domain::ids::to_datetime;
use crate::domain::policy::Permission;
use crate::error::{ApiError, Problem};
use crate::store::{AuditFilter, AuditRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "actor_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "actor_email": "admin@acme.example", "action": "member.added", "target_type": "user", "target_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "details": {"email": "grace@acme.example", "role": "publisher"}, "at": "2026-11-29T21:00:00Z"}))]
pub struct AuditEntryResponse {
    pub id: String,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    #[schema(example = "member.added")]
    pub action: String,
    #[schema(example = "user")]
    pub target_type: String,
    pub target_id: String,
    /// What changed.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl From<AuditRow> for AuditEntryResponse {
    fn from(r: AuditRow) -> Self {
        Self {
            id: r.id,
            actor_id: r.actor_id,
            actor_email: r.actor_email,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            at: to_datetime(r.at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this action, e.g. `member.added`.
    pub action: Option<String>,
    /// Only changes by this user id.
    pub actor_id: Option<String>,
    /// Only changes to this kind of object, e.g. `user`.
    pub target_type: Option<String>,
    /// Entries at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

/// Who changed what in the organization, oldest first.
#[utoipa::path(get, path = "/orgs/{org_id}/audit-log", tag = "organizations",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), AuditParams),
    responses(
        (status = 200, body = Page<AuditEntryResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_audit_log(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Page<AuditEntryResponse>>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ViewAudit).await?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor.clone(),
    }
    .to_query()?;
    let filter = AuditFilter {
        action: params.action,
        actor_id: params.actor_id,
        target_type: params.target_type,
        since_ms: params.since.map(|t| t.timestamp_millis()),
        until_ms: params.until.map(|t| t.timestamp_millis()),
    };
    let rows = app.store.list_audit(&org_id, &filter, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}
