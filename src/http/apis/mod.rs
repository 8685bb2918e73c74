//! The publisher's APIs: definition and versions here; the lifecycle ([`lifecycle`]) and
//! OpenAPI documents — import, view, replace ([`openapi`]) — beside.

mod lifecycle;
mod openapi;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
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
use crate::domain::api::{
    self, Cors, Endpoint, HealthCheck, Resource, Visibility, normalize_tags, parse_context, parse_version,
};
use crate::domain::ids::to_datetime;
use crate::domain::lifecycle::{ApiState, LifecycleAction};
use crate::domain::openapi_import::{self, ImportLimits, ImportedSpec};
use crate::domain::policy::Permission;
use crate::error::{ApiError, Code, Problem};
use crate::store::{ApiFields, ApiFilter, ApiRow, LifecycleEventRow, NewSpec, Transition};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_apis, create_api))
        .routes(routes!(find_api, update_api, delete_api))
        .routes(routes!(create_api_version))
        .routes(routes!(
            lifecycle::list_lifecycle_events,
            lifecycle::create_lifecycle_event
        ))
}

/// Routes that take OpenAPI documents, with their own (larger) body limit.
pub fn import_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi::import_api))
        .routes(routes!(openapi::find_openapi, openapi::update_openapi))
}

const DEFAULT_CONNECT_TIMEOUT_MS: i64 = 5_000;
const DEFAULT_RESPONSE_TIMEOUT_MS: i64 = 30_000;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Petstore", "description": "Pets for sale", "context": "/petstore", "version": "1.0.0", "is_default": true, "state": "CREATED", "allowed_actions": ["publish", "deploy_as_prototype"], "tags": ["pets"], "visibility": "public", "visible_roles": [], "endpoints": [{"url": "https://petstore.internal/v1", "weight": 1}], "resources": [{"method": "GET", "path": "/pets/{petId}", "auth_required": true}], "cors": {"enabled": false, "allow_origins": ["*"], "allow_methods": ["GET"], "allow_headers": ["apikey"], "expose_headers": [], "allow_credentials": false, "max_age_secs": 600}, "plan_ids": ["0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"], "connect_timeout_ms": 5000, "response_timeout_ms": 30000, "require_resubscription": false, "sunset_at": null, "has_openapi_document": true, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct ApiResponse {
    pub id: String,
    pub org_id: String,
    #[schema(example = "Petstore")]
    pub name: String,
    pub description: String,
    #[schema(example = "/petstore")]
    pub context: String,
    #[schema(example = "1.0.0")]
    pub version: String,
    /// Calls to `/{context}/…` without a version reach this version.
    pub is_default: bool,
    pub state: ApiState,
    /// Lifecycle actions allowed from the current state.
    pub allowed_actions: Vec<String>,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub visible_roles: Vec<String>,
    pub endpoints: Vec<Endpoint>,
    pub resources: Vec<Resource>,
    pub cors: Cors,
    /// The plans this API offers.
    pub plan_ids: Vec<String>,
    pub connect_timeout_ms: i64,
    pub response_timeout_ms: i64,
    /// Publishing a new version does not carry subscriptions over; developers subscribe again.
    pub require_resubscription: bool,
    /// Announced end of life (sent as `Sunset` while DEPRECATED).
    pub sunset_at: Option<DateTime<Utc>>,
    /// Active health checks of the endpoints; null when off (passive ejection still applies).
    pub health_check: Option<HealthCheck>,
    /// An OpenAPI document is stored (download at `/apis/{id}/openapi`).
    pub has_openapi_document: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Notes from an import (skipped servers, unresolved references…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Petstore", "description": "Pets for sale", "context": "/petstore", "version": "1.0.0", "is_default": true, "state": "PUBLISHED", "tags": ["pets"], "visibility": "public", "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct ApiSummary {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub context: String,
    pub version: String,
    pub is_default: bool,
    pub state: ApiState,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ApiRow> for ApiSummary {
    type Error = ApiError;

    fn try_from(row: ApiRow) -> Result<Self, ApiError> {
        let f = row.fields()?;
        Ok(Self {
            state: row.state()?,
            id: row.id,
            org_id: row.org_id,
            name: f.name,
            description: f.description,
            context: f.context,
            version: f.version,
            is_default: f.is_default,
            tags: f.tags,
            visibility: f.visibility,
            created_at: to_datetime(row.created_at),
            updated_at: to_datetime(row.updated_at),
        })
    }
}

/// The full representation of an API (with resources, plans and whether a document exists).
async fn api_response(app: &AppState, row: ApiRow, warnings: Vec<String>) -> Result<Versioned<ApiResponse>, ApiError> {
    let f = row.fields()?;
    let state = row.state()?;
    let resources = app.store.resources_of(&row.id).await?;
    let plan_ids = app.store.plan_ids_of(&row.id).await?;
    let has_doc = app.store.find_spec(&row.id).await?.is_some();
    Ok(Versioned(
        row.row_version,
        ApiResponse {
            id: row.id,
            org_id: row.org_id,
            name: f.name,
            description: f.description,
            context: f.context,
            version: f.version,
            is_default: f.is_default,
            state,
            allowed_actions: state.allowed_actions(),
            tags: f.tags,
            visibility: f.visibility,
            visible_roles: f.visible_roles,
            endpoints: f.endpoints,
            resources,
            cors: f.cors,
            plan_ids,
            connect_timeout_ms: f.connect_timeout_ms,
            response_timeout_ms: f.response_timeout_ms,
            require_resubscription: f.require_resubscription,
            sunset_at: f.sunset_at.map(to_datetime),
            health_check: f.health_check,
            has_openapi_document: has_doc,
            created_at: to_datetime(row.created_at),
            updated_at: to_datetime(row.updated_at),
            warnings,
        },
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Petstore", "description": "Pets for sale", "context": "/petstore", "version": "1.0.0",
    "tags": ["pets"], "visibility": "public",
    "endpoints": [{"url": "https://petstore.internal/v1", "weight": 1}],
    "resources": [{"method": "GET", "path": "/pets"}, {"method": "GET", "path": "/pets/{petId}"}],
    "plan_ids": ["0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e"]}))]
pub struct CreateApiRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub context: String,
    pub version: String,
    /// Make this the default version of its context (the first version always is).
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Default public.
    pub visibility: Option<Visibility>,
    /// Role names (admin, publisher, developer) when visibility is `roles`.
    #[serde(default)]
    pub visible_roles: Vec<String>,
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// Default: GET, POST, PUT, PATCH and DELETE on `/*`, all requiring a credential.
    #[serde(default)]
    pub resources: Vec<Resource>,
    pub cors: Option<Cors>,
    #[serde(default)]
    pub plan_ids: Vec<String>,
    pub connect_timeout_ms: Option<i64>,
    pub response_timeout_ms: Option<i64>,
    #[serde(default)]
    pub require_resubscription: bool,
    pub sunset_at: Option<DateTime<Utc>>,
    /// Probe each endpoint (default: off).
    pub health_check: Option<HealthCheck>,
}

/// Fields to change; absent fields stay. `context` and `version` cannot change (create a new
/// version instead). `resources` and `plan_ids` replace the whole list.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "Pets, now with photos", "endpoints": [{"url": "https://petstore-2.internal/v1", "weight": 3}]}))]
pub struct UpdateApiRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    pub context: Option<String>,
    pub version: Option<String>,
    pub is_default: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub visibility: Option<Visibility>,
    pub visible_roles: Option<Vec<String>>,
    pub endpoints: Option<Vec<Endpoint>>,
    pub resources: Option<Vec<Resource>>,
    pub cors: Option<Cors>,
    pub plan_ids: Option<Vec<String>>,
    pub connect_timeout_ms: Option<i64>,
    pub response_timeout_ms: Option<i64>,
    pub require_resubscription: Option<bool>,
    #[serde(default, with = "super::plans::double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub sunset_at: Option<Option<DateTime<Utc>>>,
    /// Null turns active health checks off.
    #[serde(default, with = "super::plans::double_option")]
    #[schema(value_type = Option<HealthCheck>)]
    pub health_check: Option<Option<HealthCheck>>,
}

fn default_resources() -> Vec<Resource> {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .into_iter()
        .map(|m| Resource {
            method: m.into(),
            path: "/*".into(),
            auth_required: true,
            operation_id: None,
            summary: None,
        })
        .collect()
}

/// Check and normalise an API definition ([`ApiFields::validate`]); plans must be the
/// organization's own.
async fn validate(
    app: &AppState,
    org_id: &str,
    f: &mut ApiFields,
    resources: Option<&mut Vec<Resource>>,
    plan_ids: Option<&mut Vec<String>>,
) -> Result<(), ApiError> {
    let mut errors = f.validate(resources);
    if let Some(plan_ids) = plan_ids {
        plan_ids.sort();
        plan_ids.dedup();
        for (i, id) in plan_ids.iter().enumerate() {
            let own = if crate::domain::ids::is_uuid(id) {
                app.store.find_plan(id).await?.is_some_and(|p| p.org_id == org_id)
            } else {
                false
            };
            if !own {
                errors.push(FieldError::new(
                    format!("/plan_ids/{i}"),
                    "is not a plan of this organization",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiListParams {
    /// Only APIs in this lifecycle state (e.g. PUBLISHED).
    pub state: Option<String>,
    /// Only APIs with this tag.
    pub tag: Option<String>,
    /// Text to find in the name, description, tags or resource paths.
    pub q: Option<String>,
    /// Only the versions of the API at this context (e.g. `/petstore`): a version switcher's list.
    pub context: Option<String>,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

/// The organization's APIs, oldest first, filtered by state, tag, text and context.
#[utoipa::path(get, path = "/orgs/{org_id}/apis", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), ApiListParams),
    responses(
        (status = 200, body = Page<ApiSummary>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_apis(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<ApiListParams>,
) -> Result<Json<Page<ApiSummary>>, ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .to_query()?;
    let state = match params.state.as_deref() {
        None | Some("") => None,
        Some(s) => Some(
            ApiState::parse(s)
                .ok_or_else(|| ApiError::bad_request(format!("unknown state {s:?}")))?
                .as_str()
                .to_owned(),
        ),
    };
    let filter = ApiFilter {
        state,
        tag: params.tag.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()),
        text: params.q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty()),
        context: params.context.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
    };
    let rows = app.store.list_apis(&org_id, &filter, &page).await?;
    Ok(Json(Page::try_from_rows(rows, &page, |r| &r.id, ApiSummary::try_from)?))
}

/// Create an API in state CREATED.
#[utoipa::path(post, path = "/orgs/{org_id}/apis", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path)),
    request_body = CreateApiRequest,
    responses(
        (status = 201, body = ApiResponse, headers(("etag" = String))),
        (status = 409, description = "Context and version taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_api(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiJson(req): ApiJson<CreateApiRequest>,
) -> Result<(StatusCode, Versioned<ApiResponse>), ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let mut f = ApiFields {
        name: req.name,
        description: req.description,
        context: req.context,
        version: req.version,
        is_default: req.is_default,
        tags: req.tags,
        visibility: req.visibility.unwrap_or(Visibility::Public),
        visible_roles: req.visible_roles,
        endpoints: req.endpoints,
        cors: req.cors.unwrap_or_default(),
        connect_timeout_ms: req.connect_timeout_ms.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS),
        response_timeout_ms: req.response_timeout_ms.unwrap_or(DEFAULT_RESPONSE_TIMEOUT_MS),
        require_resubscription: req.require_resubscription,
        sunset_at: req.sunset_at.map(|t| t.timestamp_millis()),
        health_check: req.health_check,
    };
    let mut resources = if req.resources.is_empty() {
        default_resources()
    } else {
        req.resources
    };
    let mut plan_ids = req.plan_ids;
    validate(&app, &org_id, &mut f, Some(&mut resources), Some(&mut plan_ids)).await?;
    let mut entry = audit(
        &auth,
        "api.created",
        "api",
        json!({"name": f.name, "context": f.context, "version": f.version}),
    );
    entry.org_id = Some(org_id.clone());
    let row = app
        .store
        .insert_api(&org_id, &f, &resources, &plan_ids, None, entry)
        .await?;
    Ok((StatusCode::CREATED, api_response(&app, row, Vec::new()).await?))
}

/// Load an API and check the caller may manage its organization's APIs.
pub async fn authorized_api(app: &AppState, auth: &Auth, api_id: &str) -> Result<ApiRow, ApiError> {
    path_id(api_id, "API")?;
    let api = app.store.find_api(api_id).await?.ok_or(ApiError::not_found("API"))?;
    auth.check(auth.subject.authorize(&api.org_id, Permission::ManageApis), "API")?;
    Ok(api)
}

/// One API with its resources and plans. `ETag` is its version, for `If-Match`.
#[utoipa::path(get, path = "/apis/{api_id}", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 200, body = ApiResponse, headers(("etag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_api(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
) -> Result<Versioned<ApiResponse>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    api_response(&app, api, Vec::new()).await
}

/// Change an API. Send `If-Match` with the ETag you read (412 when someone changed it since).
#[utoipa::path(patch, path = "/apis/{api_id}", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("if-match" = Option<String>, Header)),
    request_body = UpdateApiRequest,
    responses(
        (status = 200, body = ApiResponse, headers(("etag" = String))),
        (status = 409, description = "The new context and version are taken, or the change does not fit the API's state", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_api(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateApiRequest>,
) -> Result<Versioned<ApiResponse>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let before = api.fields()?;
    let mut f = before.clone();
    if req
        .context
        .as_ref()
        .is_some_and(|c| parse_context(c).ok().as_deref() != Some(before.context.as_str()))
    {
        return Err(ApiError::invalid_field(
            "/context",
            "cannot change; create a new API instead",
        ));
    }
    if req.version.as_ref().is_some_and(|v| v.trim() != before.version) {
        return Err(ApiError::invalid_field(
            "/version",
            "cannot change; create a new version with POST /apis/{api_id}/versions",
        ));
    }
    f.is_default = req.is_default.unwrap_or(false);
    if req.is_default == Some(false) && before.is_default {
        return Err(ApiError::invalid_field(
            "/is_default",
            "a context always has a default version; make another version the default instead",
        ));
    }
    if let Some(v) = req.name {
        f.name = v;
    }
    if let Some(v) = req.description {
        f.description = v;
    }
    if let Some(v) = req.tags {
        f.tags = v;
    }
    if let Some(v) = req.visibility {
        f.visibility = v;
    }
    if let Some(v) = req.visible_roles {
        f.visible_roles = v;
    }
    if let Some(v) = req.endpoints {
        f.endpoints = v;
    }
    if let Some(v) = req.cors {
        f.cors = v;
    }
    if let Some(v) = req.health_check {
        f.health_check = v;
    }
    if let Some(v) = req.connect_timeout_ms {
        f.connect_timeout_ms = v;
    }
    if let Some(v) = req.response_timeout_ms {
        f.response_timeout_ms = v;
    }
    if let Some(v) = req.require_resubscription {
        f.require_resubscription = v;
    }
    if let Some(v) = req.sunset_at {
        f.sunset_at = v.map(|t| t.timestamp_millis());
    }
    let mut resources = req.resources;
    let mut plan_ids = req.plan_ids;
    validate(&app, &api.org_id, &mut f, resources.as_mut(), plan_ids.as_mut()).await?;
    let state = api.state()?;
    if state.deployed() {
        // A deployed API must stay publishable.
        if f.endpoints.is_empty() {
            return Err(ApiError::conflict(format!(
                "an API in state {} needs at least one endpoint",
                state.as_str()
            )));
        }
    }
    let mut changed = serde_json::Map::new();
    let b = fields_json(&before);
    let a = fields_json(&f);
    for (k, v) in a.as_object().into_iter().flatten() {
        if b.get(k) != Some(v) {
            changed.insert(k.clone(), json!({"from": b.get(k), "to": v}));
        }
    }
    if resources.is_some() {
        changed.insert("resources".into(), json!("replaced"));
    }
    if let Some(p) = &plan_ids {
        changed.insert("plan_ids".into(), json!(p));
    }
    let mut entry = audit(&auth, "api.updated", "api", serde_json::Value::Object(changed));
    entry.org_id = Some(api.org_id.clone());
    entry.target_id = api.id.clone();
    let row = app
        .store
        .update_api(
            &api.id,
            if_match(&headers)?,
            &f,
            resources.as_deref(),
            plan_ids.as_deref(),
            None,
            entry,
        )
        .await?;
    api_response(&app, row, Vec::new()).await
}

fn fields_json(f: &ApiFields) -> serde_json::Value {
    json!({
        "name": f.name, "description": f.description, "is_default": f.is_default, "tags": f.tags,
        "visibility": f.visibility, "visible_roles": f.visible_roles, "endpoints": f.endpoints, "cors": f.cors,
        "connect_timeout_ms": f.connect_timeout_ms, "response_timeout_ms": f.response_timeout_ms,
        "require_resubscription": f.require_resubscription, "sunset_at": f.sunset_at,
        "health_check": f.health_check,
    })
}

/// Delete an API in state CREATED or RETIRED (409 otherwise).
#[utoipa::path(delete, path = "/apis/{api_id}", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Not CREATED or RETIRED", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_api(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let mut entry = audit(
        &auth,
        "api.deleted",
        "api",
        json!({"name": api.name, "context": api.context, "version": api.version}),
    );
    entry.org_id = Some(api.org_id.clone());
    entry.target_id = api.id.clone();
    app.store.delete_api(&api.id, entry).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"version": "2.0.0"}))]
pub struct CreateVersionRequest {
    pub version: String,
}

/// Copy an API (resources, documents, plans, endpoints, OpenAPI document) into a new version in
/// state CREATED.
#[utoipa::path(post, path = "/apis/{api_id}/versions", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    request_body = CreateVersionRequest,
    responses(
        (status = 201, body = ApiResponse, headers(("etag" = String))),
        (status = 409, description = "Version exists", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_api_version(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    ApiJson(req): ApiJson<CreateVersionRequest>,
) -> Result<(StatusCode, Versioned<ApiResponse>), ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let version = parse_version(&req.version).map_err(|m| ApiError::invalid_field("/version", m))?;
    let mut entry = audit(
        &auth,
        "api.version_created",
        "api",
        json!({"from_api_id": api.id, "context": api.context, "version": version}),
    );
    entry.org_id = Some(api.org_id.clone());
    let row = app.store.copy_api_version(&api.id, &version, entry).await?;
    Ok((StatusCode::CREATED, api_response(&app, row, Vec::new()).await?))
}
