//! Business plans of an organization: rate limit, quota, pricing, approval.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Page, PageParams, Versioned, if_match, path_id};
use super::orgs::{audit, authorized_org};
use crate::app::AppState;
use crate::domain::FieldError;
use crate::domain::account::parse_display_name;
use crate::domain::ids::to_datetime;
use crate::domain::plan::{Pricing, Quota, RateLimit, parse_currency, validate_limits};
use crate::domain::policy::Permission;
use crate::error::{ApiError, Problem};
use crate::store::{PlanFields, PlanRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(find_plan, update_plan, delete_plan))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Gold", "description": "5000 requests per minute", "rate_limit": {"requests": 5000, "period": "minute", "burst": null}, "quota": null, "pricing": {"model": "per_call", "price_micros": 2000, "included_calls": 1000, "fee_minor": 0}, "currency": "USD", "requires_approval": false, "deprecated": false, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct PlanResponse {
    pub id: String,
    pub org_id: String,
    #[schema(example = "Gold")]
    pub name: String,
    pub description: String,
    pub rate_limit: Option<RateLimit>,
    pub quota: Option<Quota>,
    pub pricing: Pricing,
    #[schema(example = "USD")]
    pub currency: String,
    pub requires_approval: bool,
    /// A deprecated plan keeps its subscriptions but takes no new ones.
    pub deprecated: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<PlanRow> for PlanResponse {
    type Error = ApiError;

    fn try_from(row: PlanRow) -> Result<Self, ApiError> {
        let f = row.fields()?;
        Ok(Self {
            id: row.id,
            org_id: row.org_id,
            name: f.name,
            description: f.description,
            rate_limit: f.rate_limit,
            quota: f.quota,
            pricing: f.pricing,
            currency: f.currency,
            requires_approval: f.requires_approval,
            deprecated: f.deprecated,
            created_at: to_datetime(row.created_at),
            updated_at: to_datetime(row.updated_at),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Pay as you go", "description": "1,000 calls included, then 0.2 cents per call",
    "rate_limit": {"requests": 50, "period": "second", "burst": 100}, "quota": {"requests": 1000000, "period": "month"},
    "pricing": {"model": "per_call", "price_micros": 2000, "included_calls": 1000}, "currency": "USD", "requires_approval": false}))]
pub struct CreatePlanRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub rate_limit: Option<RateLimit>,
    pub quota: Option<Quota>,
    /// Default: free.
    pub pricing: Option<Pricing>,
    /// ISO 4217; default USD.
    pub currency: Option<String>,
    #[serde(default)]
    pub requires_approval: bool,
}

/// Fields to change; absent fields stay. `null` clears `rate_limit` or `quota`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rate_limit": {"requests": 100, "period": "second"}, "deprecated": false}))]
pub struct UpdatePlanRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<RateLimit>)]
    pub rate_limit: Option<Option<RateLimit>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<Quota>)]
    pub quota: Option<Option<Quota>>,
    pub pricing: Option<Pricing>,
    pub currency: Option<String>,
    pub requires_approval: Option<bool>,
    pub deprecated: Option<bool>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

fn validate(f: &mut PlanFields) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    match parse_display_name(&f.name) {
        Ok(n) => f.name = n,
        Err(m) => errors.push(FieldError::new("/name", m)),
    }
    if f.description.chars().count() > 2000 {
        errors.push(FieldError::new("/description", "must be at most 2000 characters"));
    }
    if let Err(m) = parse_currency(&f.currency) {
        errors.push(FieldError::new("/currency", m));
    }
    validate_limits(f.rate_limit.as_ref(), f.quota.as_ref(), &mut errors);
    f.pricing.validate(&mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// An organization's plans, oldest first.
#[utoipa::path(get, path = "/orgs/{org_id}/plans", tag = "plans",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses(
        (status = 200, body = Page<PlanResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_plans(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<PlanResponse>>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let page = params.to_query()?;
    let rows = app.store.list_plans(&org_id, &page).await?;
    Ok(Json(Page::try_from_rows(
        rows,
        &page,
        |r| &r.id,
        PlanResponse::try_from,
    )?))
}

/// Create a business plan.
#[utoipa::path(post, path = "/orgs/{org_id}/plans", tag = "plans",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path)),
    request_body = CreatePlanRequest,
    responses(
        (status = 201, body = PlanResponse, headers(("etag" = String))),
        (status = 409, description = "Name taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_plan(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiJson(req): ApiJson<CreatePlanRequest>,
) -> Result<(StatusCode, Versioned<PlanResponse>), ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let mut fields = PlanFields {
        name: req.name,
        description: req.description,
        rate_limit: req.rate_limit,
        quota: req.quota,
        pricing: req.pricing.unwrap_or(Pricing::Free {}),
        currency: req.currency.unwrap_or_else(|| "USD".into()),
        requires_approval: req.requires_approval,
        deprecated: false,
    };
    validate(&mut fields)?;
    let mut entry = audit(&auth, "plan.created", "plan", json!({"name": fields.name}));
    entry.org_id = Some(org_id.clone());
    let row = app.store.insert_plan(&org_id, &fields, entry).await?;
    let version = row.row_version;
    Ok((StatusCode::CREATED, Versioned(version, row.try_into()?)))
}

/// Load a plan and check the caller may manage its organization's APIs.
async fn authorized_plan(app: &AppState, auth: &Auth, plan_id: &str) -> Result<PlanRow, ApiError> {
    path_id(plan_id, "plan")?;
    let plan = app.store.find_plan(plan_id).await?.ok_or(ApiError::not_found("plan"))?;
    auth.check(auth.subject.authorize(&plan.org_id, Permission::ManageApis), "plan")?;
    Ok(plan)
}

/// One plan. The `ETag` header is the plan's version, for `If-Match` on updates.
#[utoipa::path(get, path = "/plans/{plan_id}", tag = "plans",
    security(("session" = []), ("bearer" = [])),
    params(("plan_id" = String, Path)),
    responses(
        (status = 200, body = PlanResponse, headers(("etag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_plan(
    State(app): State<AppState>,
    auth: Auth,
    Path(plan_id): Path<String>,
) -> Result<Versioned<PlanResponse>, ApiError> {
    let plan = authorized_plan(&app, &auth, &plan_id).await?;
    Ok(Versioned(plan.row_version, plan.try_into()?))
}

/// Change a plan. Send `If-Match` with the ETag you read to avoid overwriting someone else's
/// change (412 when stale). Deprecating a plan stops new subscriptions to it.
#[utoipa::path(patch, path = "/plans/{plan_id}", tag = "plans",
    security(("session" = []), ("bearer" = [])),
    params(("plan_id" = String, Path), ("if-match" = Option<String>, Header)),
    request_body = UpdatePlanRequest,
    responses(
        (status = 200, body = PlanResponse, headers(("etag" = String))),
        (status = 409, description = "The name is taken, or the plan's pricing is fixed because a subscription used it", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_plan(
    State(app): State<AppState>,
    auth: Auth,
    Path(plan_id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdatePlanRequest>,
) -> Result<Versioned<PlanResponse>, ApiError> {
    let plan = authorized_plan(&app, &auth, &plan_id).await?;
    let before = plan.fields()?;
    let mut f = before.clone();
    if let Some(v) = req.name {
        f.name = v;
    }
    if let Some(v) = req.description {
        f.description = v;
    }
    if let Some(v) = req.rate_limit {
        f.rate_limit = v;
    }
    if let Some(v) = req.quota {
        f.quota = v;
    }
    if let Some(v) = req.pricing {
        f.pricing = v;
    }
    if let Some(v) = req.currency {
        f.currency = v;
    }
    if let Some(v) = req.requires_approval {
        f.requires_approval = v;
    }
    if let Some(v) = req.deprecated {
        f.deprecated = v;
    }
    validate(&mut f)?;
    let mut entry = audit(
        &auth,
        "plan.updated",
        "plan",
        json!({"before": plan_json(&before), "after": plan_json(&f)}),
    );
    entry.org_id = Some(plan.org_id.clone());
    entry.target_id = plan.id.clone();
    let row = app.store.update_plan(&plan.id, if_match(&headers)?, &f, entry).await?;
    Ok(Versioned(row.row_version, row.try_into()?))
}

fn plan_json(f: &PlanFields) -> serde_json::Value {
    json!({
        "name": f.name, "description": f.description, "rate_limit": f.rate_limit, "quota": f.quota,
        "pricing": f.pricing, "currency": f.currency, "requires_approval": f.requires_approval,
        "deprecated": f.deprecated,
    })
}

/// Delete a plan that no API offers (409 otherwise: deprecate it instead).
#[utoipa::path(delete, path = "/plans/{plan_id}", tag = "plans",
    security(("session" = []), ("bearer" = [])),
    params(("plan_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "In use", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_plan(
    State(app): State<AppState>,
    auth: Auth,
    Path(plan_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let plan = authorized_plan(&app, &auth, &plan_id).await?;
    let mut entry = audit(&auth, "plan.deleted", "plan", json!({"name": plan.name}));
    entry.org_id = Some(plan.org_id.clone());
    entry.target_id = plan.id.clone();
    app.store.delete_plan(&plan.id, entry).await?;
    Ok(StatusCode::NO_CONTENT)
}
