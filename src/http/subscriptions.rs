//! Subscriptions: an application's right to call an API on a plan. Developers subscribe,
//! change plan and unsubscribe; publishers of the API's organization approve, reject, block and
//! unblock.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::applications::owned_application;
use super::authn::{Auth, viewer};
use super::extract::{ApiJson, ApiQuery, Page, PageLimit, PageParams, path_id};
use super::orgs::{audit, authorized_org};
use crate::app::AppState;
use crate::domain::ids::to_datetime;
use crate::domain::lifecycle::ApiState;
use crate::domain::policy::Permission;
use crate::domain::subscription::{SubscriptionAction, SubscriptionState};
use crate::error::{ApiError, Problem};
use crate::store::{ApiRow, AuditEntry, PlanRow, SubscriptionFilter, SubscriptionRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_application_subscriptions, create_subscription))
        .routes(routes!(find_subscription, update_subscription, delete_subscription))
        .routes(routes!(list_org_subscriptions))
        .routes(routes!(approve_subscription))
        .routes(routes!(reject_subscription))
        .routes(routes!(block_subscription))
        .routes(routes!(unblock_subscription))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "application_name": "Mobile app", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_name": "Petstore", "api_context": "/petstore", "api_version": "1.0.0", "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "pending_plan_id": null, "state": "ACTIVE", "reason": "", "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z", "ended_at": null}))]
pub struct SubscriptionResponse {
    pub id: String,
    pub application_id: String,
    pub application_name: String,
    pub api_id: String,
    pub api_name: String,
    pub api_context: String,
    pub api_version: String,
    pub plan_id: String,
    /// A plan change waiting for the publisher's approval.
    pub pending_plan_id: Option<String>,
    /// PENDING, ACTIVE, BLOCKED, REJECTED or ENDED.
    #[schema(example = "ACTIVE")]
    pub state: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<SubscriptionRow> for SubscriptionResponse {
    fn from(s: SubscriptionRow) -> Self {
        Self {
            id: s.id,
            application_id: s.application_id,
            application_name: s.application_name,
            api_id: s.api_id,
            api_name: s.api_name,
            api_context: s.api_context,
            api_version: s.api_version,
            plan_id: s.plan_id,
            pending_plan_id: s.pending_plan_id,
            state: s.state,
            reason: s.reason,
            created_at: to_datetime(s.created_at),
            updated_at: to_datetime(s.updated_at),
            ended_at: s.ended_at.map(to_datetime),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f"}))]
pub struct CreateSubscriptionRequest {
    pub api_id: String,
    pub plan_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f"}))]
pub struct UpdateSubscriptionRequest {
    /// The new plan; a plan that requires approval waits for the publisher (`pending_plan_id`).
    pub plan_id: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "abuse reported"}))]
pub struct ReasonRequest {
    #[serde(default)]
    pub reason: String,
}

/// The plan, which must be offered by the API and not deprecated.
async fn offered_plan(app: &AppState, api: &ApiRow, plan_id: &str) -> Result<PlanRow, ApiError> {
    let offered = app.store.plan_ids_of(&api.id).await?;
    if !offered.iter().any(|p| p == plan_id) {
        return Err(ApiError::invalid_field("/plan_id", "is not a plan this API offers"));
    }
    let plan = app.store.find_plan(plan_id).await?.ok_or(ApiError::not_found("plan"))?;
    if plan.is_deprecated() {
        return Err(ApiError::conflict(
            "the plan is deprecated and takes no new subscriptions",
        ));
    }
    Ok(plan)
}

fn entry(auth: &Auth, action: &'static str, s: &SubscriptionRow, details: serde_json::Value) -> AuditEntry {
    let mut e = audit(auth, action, "subscription", details);
    e.org_id = Some(s.org_id.clone());
    e.target_id = s.id.clone();
    e
}

/// Who the caller is to a subscription: its owner, a publisher of the API's organization, or
/// nobody (404).
#[derive(PartialEq, Eq)]
enum Party {
    Owner,
    Publisher,
}

async fn subscription_for(app: &AppState, auth: &Auth, id: &str) -> Result<(SubscriptionRow, Vec<Party>), ApiError> {
    path_id(id, "subscription")?;
    let s = app
        .store
        .find_subscription(id)
        .await?
        .ok_or(ApiError::not_found("subscription"))?;
    let mut parties = Vec::new();
    if auth.subject.authorize_owner(&s.owner_id).is_ok() {
        parties.push(Party::Owner);
    }
    if auth.subject.authorize(&s.org_id, Permission::ManageApis).is_ok() {
        parties.push(Party::Publisher);
    }
    match parties.is_empty() {
        true => Err(ApiError::not_found("subscription")),
        false => Ok((s, parties)),
    }
}

fn require(parties: &[Party], party: Party, what: &str) -> Result<(), ApiError> {
    if parties.contains(&party) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!("only {what} may do this")))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppSubscriptionParams {
    /// Also list ended subscriptions.
    #[serde(default)]
    pub include_ended: bool,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

/// The application's subscriptions.
#[utoipa::path(get, path = "/applications/{application_id}/subscriptions", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path), AppSubscriptionParams),
    responses(
        (status = 200, body = Page<SubscriptionResponse>),
    ))]
pub async fn list_application_subscriptions(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    ApiQuery(params): ApiQuery<AppSubscriptionParams>,
) -> Result<Json<Page<SubscriptionResponse>>, ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .to_query()?;
    let rows = app
        .store
        .list_subscriptions_of_application(&application.id, params.include_ended, &page)
        .await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// Subscribe the application to an API on one of the plans it offers. Plans that require
/// approval start PENDING. DEPRECATED APIs take no new subscriptions; PROTOTYPED ones need none.
#[utoipa::path(post, path = "/applications/{application_id}/subscriptions", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    request_body = CreateSubscriptionRequest,
    responses(
        (status = 201, body = SubscriptionResponse),
        (status = 404, description = "No such application or API (for you)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already subscribed, API not open for subscriptions, or plan deprecated", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The API does not offer the plan", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    ApiJson(req): ApiJson<CreateSubscriptionRequest>,
) -> Result<(StatusCode, Json<SubscriptionResponse>), ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    path_id(&req.api_id, "API")?;
    let api = app
        .store
        .find_catalog_api(&viewer(Some(&auth)), &req.api_id)
        .await?
        .ok_or(ApiError::not_found("API"))?;
    match api.state()? {
        ApiState::Published => {}
        ApiState::Deprecated => {
            return Err(ApiError::conflict(
                "the API is deprecated and takes no new subscriptions",
            ));
        }
        ApiState::Prototyped => {
            return Err(ApiError::conflict(
                "a prototyped API can be called without a subscription",
            ));
        }
        _ => return Err(ApiError::not_found("API")),
    }
    let plan = offered_plan(&app, &api, &req.plan_id).await?;
    let state = SubscriptionState::initial(plan.approval_required()).as_str();
    let mut e = audit(
        &auth,
        "subscription.created",
        "subscription",
        json!({"application_id": application.id, "api_id": api.id, "plan_id": plan.id, "state": state}),
    );
    e.org_id = Some(api.org_id.clone());
    let row = app
        .store
        .insert_subscription(&application.id, &api.id, &plan.id, state, e)
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// One subscription, for its owner or the API's publishers.
#[utoipa::path(get, path = "/subscriptions/{subscription_id}", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    responses(
        (status = 200, body = SubscriptionResponse),
    ))]
pub async fn find_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    let (s, _) = subscription_for(&app, &auth, &subscription_id).await?;
    Ok(Json(s.into()))
}

/// Change plan (owner). A plan that requires approval is recorded as `pending_plan_id` until a
/// publisher approves; the current plan stays in force meanwhile.
#[utoipa::path(patch, path = "/subscriptions/{subscription_id}", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    request_body = UpdateSubscriptionRequest,
    responses(
        (status = 200, body = SubscriptionResponse),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
    ApiJson(req): ApiJson<UpdateSubscriptionRequest>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    let (s, parties) = subscription_for(&app, &auth, &subscription_id).await?;
    require(&parties, Party::Owner, "the application's owner")?;
    path_id(&req.plan_id, "plan")?;
    let api = app.store.find_api(&s.api_id).await?.ok_or(ApiError::not_found("API"))?;
    let plan = offered_plan(&app, &api, &req.plan_id).await?;
    if plan.id == s.plan_id {
        return Ok(Json(s.into()));
    }
    let pending = plan.approval_required();
    let e = entry(
        &auth,
        "subscription.plan_changed",
        &s,
        json!({"from": s.plan_id, "to": plan.id, "pending": pending}),
    );
    let row = app.store.change_subscription_plan(&s.id, &plan.id, pending, e).await?;
    Ok(Json(row.into()))
}

/// Unsubscribe (owner). The subscription ends at once.
#[utoipa::path(delete, path = "/subscriptions/{subscription_id}", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    responses(
        (status = 204, description = "Ended"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (s, parties) = subscription_for(&app, &auth, &subscription_id).await?;
    require(&parties, Party::Owner, "the application's owner")?;
    let e = entry(&auth, "subscription.ended", &s, json!({"by": "owner"}));
    transition_allowed(&s, SubscriptionAction::End)?;
    let from = SubscriptionAction::End.from_states();
    let to = SubscriptionAction::End.target().as_str();
    app.store
        .set_subscription_state(&s.id, &from, to, "unsubscribed", e)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgSubscriptionParams {
    /// Only this state, e.g. PENDING.
    pub state: Option<String>,
    /// Only subscriptions to this API.
    pub api_id: Option<String>,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

/// Subscriptions to the organization's APIs (publishers and admins), e.g. `?state=PENDING`.
#[utoipa::path(get, path = "/orgs/{org_id}/subscriptions", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), OrgSubscriptionParams),
    responses(
        (status = 200, body = Page<SubscriptionResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_org_subscriptions(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<OrgSubscriptionParams>,
) -> Result<Json<Page<SubscriptionResponse>>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .to_query()?;
    let filter = SubscriptionFilter {
        state: params.state.map(|s| s.to_ascii_uppercase()),
        api_id: params.api_id,
    };
    let rows = app.store.list_subscriptions_of_org(&org_id, &filter, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// A publisher's decision on a subscription.
async fn decide(
    app: &AppState,
    auth: &Auth,
    id: &str,
    action: SubscriptionAction,
    audit_action: &'static str,
    reason: String,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    let (s, parties) = subscription_for(app, auth, id).await?;
    require(&parties, Party::Publisher, "publishers of the API's organization")?;
    if reason.chars().count() > 1000 {
        return Err(ApiError::invalid_field("/reason", "must be at most 1000 characters"));
    }
    transition_allowed(&s, action)?;
    let to = action.target().as_str();
    let e = entry(
        auth,
        audit_action,
        &s,
        json!({"from": s.state, "to": to, "reason": reason}),
    );
    let from = action.from_states();
    let row = app.store.set_subscription_state(&s.id, &from, to, &reason, e).await?;
    Ok(Json(row.into()))
}

/// 409 with the actions allowed now when `action` does not apply to the subscription's state
/// (the store checks again under its lock: a decision taken meanwhile also gets 409).
fn transition_allowed(s: &SubscriptionRow, action: SubscriptionAction) -> Result<(), ApiError> {
    let state = SubscriptionState::parse(&s.state).ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "subscription {} has an unknown state {}",
            s.id,
            s.state
        ))
    })?;
    if state.apply(action).is_some() {
        return Ok(());
    }
    Err(ApiError::conflict(format!(
        "{} is not allowed for a {} subscription",
        action.as_str(),
        state.as_str()
    ))
    .with_allowed(state.allowed_actions()))
}

/// Approve a PENDING subscription, or a pending plan change of an ACTIVE one.
#[utoipa::path(post, path = "/subscriptions/{subscription_id}/approve", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    responses(
        (status = 200, body = SubscriptionResponse),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    let (s, _) = subscription_for(&app, &auth, &subscription_id).await?;
    if SubscriptionState::parse(&s.state) == Some(SubscriptionState::Active) && s.pending_plan_id.is_none() {
        return Err(ApiError::conflict(
            "nothing to approve: the subscription is active with no pending plan change",
        ));
    }
    decide(
        &app,
        &auth,
        &subscription_id,
        SubscriptionAction::Approve,
        "subscription.approved",
        String::new(),
    )
    .await
}

/// Reject a PENDING subscription, with a reason.
#[utoipa::path(post, path = "/subscriptions/{subscription_id}/reject", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = SubscriptionResponse),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reject_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    decide(
        &app,
        &auth,
        &subscription_id,
        SubscriptionAction::Reject,
        "subscription.rejected",
        req.reason,
    )
    .await
}

/// Block an ACTIVE subscription: its calls are refused until unblocked.
#[utoipa::path(post, path = "/subscriptions/{subscription_id}/block", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    request_body = ReasonRequest,
    responses(
        (status = 200, body = SubscriptionResponse),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn block_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
    ApiJson(req): ApiJson<ReasonRequest>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    decide(
        &app,
        &auth,
        &subscription_id,
        SubscriptionAction::Block,
        "subscription.blocked",
        req.reason,
    )
    .await
}

/// Unblock a BLOCKED subscription.
#[utoipa::path(post, path = "/subscriptions/{subscription_id}/unblock", tag = "subscriptions",
    security(("session" = []), ("bearer" = [])),
    params(("subscription_id" = String, Path)),
    responses(
        (status = 200, body = SubscriptionResponse),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unblock_subscription(
    State(app): State<AppState>,
    auth: Auth,
    Path(subscription_id): Path<String>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    decide(
        &app,
        &auth,
        &subscription_id,
        SubscriptionAction::Unblock,
        "subscription.unblocked",
        String::new(),
    )
    .await
}
