//! An API's lifecycle: its history, and the transitions of `domain::lifecycle` (with the
//! publishability check of `domain::api`).

use super::*;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "from": "CREATED", "to": "PUBLISHED", "action": "publish", "actor_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "actor_email": "grace@acme.example", "reason": "v1 is ready", "options": {"deprecate_previous_versions": false, "require_resubscription": null}, "at": "2026-11-29T21:00:00Z"}))]
pub struct LifecycleEventResponse {
    pub id: String,
    pub from: ApiState,
    pub to: ApiState,
    pub action: String,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub reason: String,
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl TryFrom<LifecycleEventRow> for LifecycleEventResponse {
    type Error = ApiError;

    fn try_from(e: LifecycleEventRow) -> Result<Self, ApiError> {
        let state = |s: &str| ApiState::parse(s).ok_or_else(|| ApiError::internal(anyhow::anyhow!("bad state {s}")));
        Ok(Self {
            from: state(&e.from_state)?,
            to: state(&e.to_state)?,
            id: e.id,
            action: e.action,
            actor_id: e.actor_id,
            actor_email: e.actor_email,
            reason: e.reason,
            options: serde_json::from_str(&e.options).unwrap_or(serde_json::Value::Null),
            at: to_datetime(e.at),
        })
    }
}

/// The API's lifecycle history, oldest first.
#[utoipa::path(get, path = "/apis/{api_id}/lifecycle", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), PageParams),
    responses(
        (status = 200, body = Page<LifecycleEventResponse>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_lifecycle_events(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<LifecycleEventResponse>>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let page = params.to_query()?;
    let rows = app.store.lifecycle_events(&api.id, &page).await?;
    Ok(Json(Page::try_from_rows(
        rows,
        &page,
        |r| &r.id,
        LifecycleEventResponse::try_from,
    )?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"action": "publish", "reason": "v2 is ready", "deprecate_previous_versions": true}))]
pub struct LifecycleRequest {
    pub action: LifecycleAction,
    #[serde(default)]
    pub reason: String,
    /// On publish: move the other PUBLISHED versions of this context to DEPRECATED.
    #[serde(default)]
    pub deprecate_previous_versions: bool,
    /// On publish: subscriptions to earlier versions are not carried over.
    pub require_resubscription: Option<bool>,
}

/// Change the lifecycle state. An action not allowed from the current state is 409 with the
/// allowed ones in `allowed`. Publishing needs an endpoint and, unless every resource is open,
/// a plan.
#[utoipa::path(post, path = "/apis/{api_id}/lifecycle", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    request_body = LifecycleRequest,
    responses(
        (status = 200, description = "The API in its new state", body = ApiResponse, headers(("etag" = String))),
        (status = 409, description = "Not allowed from the current state, or not publishable", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "/api/problems/conflict", "title": "Conflict", "status": 409, "code": "conflict",
                "detail": "retire is not allowed from CREATED", "allowed": ["publish", "deploy_as_prototype"]})),
    ))]
pub async fn create_lifecycle_event(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    ApiJson(req): ApiJson<LifecycleRequest>,
) -> Result<Versioned<ApiResponse>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    if req.reason.chars().count() > 1000 {
        return Err(ApiError::invalid_field("/reason", "must be at most 1000 characters"));
    }
    let from = api.state()?;
    let Some(to) = from.apply(req.action) else {
        return Err(
            ApiError::conflict(format!("{} is not allowed from {}", req.action.as_str(), from.as_str()))
                .with_allowed(from.allowed_actions()),
        );
    };
    if to.opens_to_callers() {
        let endpoints = api.fields()?.endpoints;
        let resources = app.store.resources_of(&api.id).await?;
        let plans = app.store.plan_ids_of(&api.id).await?;
        if let Err(why) = api::publishable(to, &endpoints, &resources, &plans) {
            return Err(ApiError::conflict(why));
        }
    }
    let options = json!({
        "deprecate_previous_versions": req.deprecate_previous_versions,
        "require_resubscription": req.require_resubscription,
    });
    let mut entry = audit(
        &auth,
        "api.lifecycle_changed",
        "api",
        json!({"from": from, "to": to, "action": req.action, "reason": req.reason, "options": options}),
    );
    entry.org_id = Some(api.org_id.clone());
    entry.target_id = api.id.clone();
    let transition = Transition {
        action: req.action,
        from,
        to,
        reason: &req.reason,
        actor_id: &auth.subject.user_id,
        actor_email: &auth.subject.email,
        options,
        deprecate_previous: to == ApiState::Published && req.deprecate_previous_versions,
        make_default: false,
        require_resubscription: req.require_resubscription.filter(|_| to == ApiState::Published),
    };
    let row = app.store.transition_api(&api.id, transition, entry).await?;
    api_response(&app, row, Vec::new()).await
}
