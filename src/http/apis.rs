//! The publisher's APIs: definition, OpenAPI import, versions and the lifecycle.

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
use crate::domain::account::Role;
use crate::domain::api::{
    self, Cors, Endpoint, HealthCheck, Resource, Visibility, normalize_tags, parse_context, parse_version,
    requires_auth,
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
        .routes(routes!(list_lifecycle_events, create_lifecycle_event))
}

/// Routes that take OpenAPI documents, with their own (larger) body limit.
pub fn import_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_api))
        .routes(routes!(find_openapi, update_openapi))
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

/// Check and normalise an API definition; plans must be the organization's own.
async fn validate(
    app: &AppState,
    org_id: &str,
    f: &mut ApiFields,
    resources: Option<&mut Vec<Resource>>,
    plan_ids: Option<&mut Vec<String>>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    f.name = f.name.trim().to_owned();
    if f.name.is_empty() || f.name.chars().count() > 200 || f.name.chars().any(char::is_control) {
        errors.push(FieldError::new("/name", "must be 1 to 200 printable characters"));
    }
    if f.description.chars().count() > 20_000 {
        errors.push(FieldError::new("/description", "must be at most 20000 characters"));
    }
    match parse_context(&f.context) {
        Ok(c) => f.context = c,
        Err(m) => errors.push(FieldError::new("/context", m)),
    }
    match parse_version(&f.version) {
        Ok(v) => f.version = v,
        Err(m) => errors.push(FieldError::new("/version", m)),
    }
    match normalize_tags(&f.tags) {
        Ok(t) => f.tags = t,
        Err(m) => errors.push(FieldError::new("/tags", m)),
    }
    for (i, role) in f.visible_roles.iter().enumerate() {
        if Role::parse(role).is_none() {
            errors.push(FieldError::new(
                format!("/visible_roles/{i}"),
                "must be admin, publisher or developer",
            ));
        }
    }
    if f.visibility == Visibility::Roles && f.visible_roles.is_empty() {
        errors.push(FieldError::new(
            "/visible_roles",
            "name at least one role when visibility is roles",
        ));
    }
    api::validate_endpoints(&mut f.endpoints, "/endpoints", &mut errors);
    for (field, value) in [
        ("/connect_timeout_ms", f.connect_timeout_ms),
        ("/response_timeout_ms", f.response_timeout_ms),
    ] {
        if !(100..=600_000).contains(&value) {
            errors.push(FieldError::new(field, "must be between 100 and 600000 milliseconds"));
        }
    }
    if let Some(check) = &f.health_check {
        for (field, message) in check.problems() {
            errors.push(FieldError::new(format!("/health_check{field}"), message));
        }
    }
    if f.cors.allow_origins.len() > 100 || f.cors.allow_headers.len() > 100 {
        errors.push(FieldError::new("/cors", "at most 100 origins and 100 headers"));
    }
    for (i, m) in f.cors.allow_methods.iter_mut().enumerate() {
        match api::parse_method(m) {
            Ok(ok) => *m = ok,
            Err(msg) => errors.push(FieldError::new(format!("/cors/allow_methods/{i}"), msg)),
        }
    }
    if let Some(resources) = resources {
        api::validate_resources(resources, "/resources", &mut errors);
    }
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
    if matches!(to, ApiState::Published | ApiState::Prototyped) {
        let f = api.fields()?;
        if f.endpoints.is_empty() {
            return Err(ApiError::conflict("the API has no endpoint; add one before publishing"));
        }
        let resources = app.store.resources_of(&api.id).await?;
        if to == ApiState::Published && requires_auth(&resources) && app.store.plan_ids_of(&api.id).await?.is_empty() {
            return Err(ApiError::conflict(
                "the API requires authentication but offers no plan; add a plan (or make every resource open) before publishing",
            ));
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

// ---- OpenAPI documents -----------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// API name (default: the document's `info.title`).
    pub name: Option<String>,
    /// Context path (default: derived from the title, e.g. `/swagger-petstore`).
    pub context: Option<String>,
    /// Version (default: the document's `info.version`).
    pub version: Option<String>,
    /// Backend URL(s), comma-separated, replacing the document's servers.
    pub endpoints: Option<String>,
    /// On update: also replace the endpoints with the document's servers.
    #[serde(default)]
    pub update_endpoints: bool,
}

/// The uploaded document: its bytes, the type to store it under, and overrides sent as
/// multipart fields.
struct Upload {
    bytes: Bytes,
    content_type: &'static str,
    params: ImportParams,
}

async fn read_upload(app: &AppState, params: ImportParams, req: Request) -> Result<Upload, ApiError> {
    let limit = app.config.import_max_bytes;
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(too_large(limit));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut params = params;
    let bytes = if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, app)
            .await
            .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {}", e.body_text())))?;
        let mut file = None;
        while let Some(field) = multipart.next_field().await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
            _ => ApiError::bad_request(format!("malformed multipart body: {}", e.body_text())),
        })? {
            let name = field.name().unwrap_or("").to_owned();
            let data = field.bytes().await.map_err(|e| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
                _ => ApiError::bad_request(format!("malformed multipart body: {}", e.body_text())),
            })?;
            let text = || String::from_utf8_lossy(&data).trim().to_owned();
            match name.as_str() {
                "file" => file = Some(data.clone()),
                "name" => params.name = Some(text()),
                "context" => params.context = Some(text()),
                "version" => params.version = Some(text()),
                "endpoints" => params.endpoints = Some(text()),
                "update_endpoints" => params.update_endpoints = text() == "true",
                other => return Err(ApiError::bad_request(format!("unknown multipart field {other:?}"))),
            }
        }
        file.ok_or_else(|| ApiError::bad_request("the multipart body has no `file` field"))?
    } else {
        Bytes::from_request(req, app).await.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(limit),
            s => ApiError::from_status(s),
        })?
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let stored_type = if first == Some(&b'{') {
        "application/json"
    } else {
        "application/yaml"
    };
    Ok(Upload {
        bytes,
        content_type: stored_type,
        params,
    })
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        Code::PayloadTooLarge,
        format!("the document is larger than the import limit of {limit} bytes (import_max_bytes)"),
    )
}

/// Parse on the blocking pool: a 4 MB document is tens of milliseconds of CPU.
async fn parse_document(app: &AppState, bytes: Bytes) -> Result<ImportedSpec, ApiError> {
    let limits = ImportLimits {
        max_bytes: app.config.import_max_bytes,
        ..ImportLimits::default()
    };
    let parsed = tokio::task::spawn_blocking(move || openapi_import::import(&bytes, &limits))
        .await
        .map_err(ApiError::internal)?;
    parsed.map_err(|e| {
        let code = match e.status {
            413 => Code::PayloadTooLarge,
            422 => Code::ValidationFailed,
            _ => Code::BadRequest,
        };
        let mut where_ = String::new();
        if let Some(line) = e.line {
            where_ = format!(
                " (line {line}{})",
                e.column.map(|c| format!(", column {c}")).unwrap_or_default()
            );
        }
        let err = ApiError::new(code, format!("the OpenAPI document is invalid: {}{where_}", e.message));
        match (code, e.pointer) {
            (Code::ValidationFailed, Some(pointer)) => ApiError::invalid(vec![FieldError::new(pointer, e.message)]),
            _ => err,
        }
    })
}

/// Create an API from an OpenAPI 2.0, 3.0 or 3.1 document (JSON or YAML), sent raw or as the
/// `file` field of a multipart form. Resources come from its operations, endpoints from its
/// servers (or `endpoints`), name, version and description from `info`. The document is kept
/// and can be downloaded.
#[utoipa::path(post, path = "/orgs/{org_id}/apis/import", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("org_id" = String, Path), ImportParams),
    request_body(content = String, description = "The OpenAPI document (JSON or YAML), raw or as multipart field `file`",
        content_type = "application/yaml",
        example = "openapi: 3.0.3\ninfo: {title: Petstore, version: 1.0.0}\nservers: [{url: 'https://petstore.internal/v1'}]\npaths:\n  /pets:\n    get: {responses: {'200': {description: ok}}}\n"),
    responses(
        (status = 201, body = ApiResponse, headers(("etag" = String))),
        (status = 400, description = "Not JSON or YAML (with line and column)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Context and version taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a supported OpenAPI document (with a JSON pointer)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_api(
    State(app): State<AppState>,
    auth: Auth,
    Path(org_id): Path<String>,
    ApiQuery(params): ApiQuery<ImportParams>,
    req: Request,
) -> Result<(StatusCode, Versioned<ApiResponse>), ApiError> {
    authorized_org(&app, &auth, &org_id, Permission::ManageApis).await?;
    let upload = read_upload(&app, params, req).await?;
    let spec = parse_document(&app, upload.bytes.clone()).await?;
    let params = upload.params;
    let mut warnings = spec.warnings.clone();
    let resources = openapi_import::resources(&spec.operations, &mut warnings).map_err(ApiError::invalid)?;
    let endpoints = openapi_import::imported_endpoints(params.endpoints.as_deref(), &spec, &mut warnings)
        .map_err(|e| ApiError::invalid(vec![e]))?;
    let name: String = params
        .name
        .clone()
        .unwrap_or_else(|| openapi_import::name_from_title(&spec.title))
        .chars()
        .take(200)
        .collect();
    let mut f = ApiFields {
        context: params
            .context
            .clone()
            .unwrap_or_else(|| openapi_import::context_from_title(&name)),
        version: match &params.version {
            Some(v) => v.clone(),
            None => openapi_import::version_from_info(&spec.version, &mut warnings),
        },
        name,
        description: spec
            .description
            .clone()
            .unwrap_or_default()
            .chars()
            .take(20_000)
            .collect(),
        is_default: false,
        tags: spec
            .tags
            .iter()
            .filter_map(|t| normalize_tags(std::slice::from_ref(t)).ok())
            .flatten()
            .take(20)
            .collect(),
        visibility: Visibility::Public,
        visible_roles: Vec::new(),
        endpoints,
        cors: Cors::default(),
        connect_timeout_ms: DEFAULT_CONNECT_TIMEOUT_MS,
        response_timeout_ms: DEFAULT_RESPONSE_TIMEOUT_MS,
        require_resubscription: false,
        sunset_at: None,
        health_check: None,
    };
    // The resources were checked above, with errors pointing into the document.
    validate(&app, &org_id, &mut f, None, None).await?;
    let stored = NewSpec {
        content_type: upload.content_type.into(),
        spec_version: spec.spec_version.clone(),
        body: upload.bytes.to_vec(),
    };
    let mut entry = audit(
        &auth,
        "api.imported",
        "api",
        json!({"name": f.name, "context": f.context, "version": f.version, "openapi": spec.spec_version,
               "resources": resources.len()}),
    );
    entry.org_id = Some(org_id.clone());
    let row = app
        .store
        .insert_api(&org_id, &f, &resources, &[], Some(&stored), entry)
        .await?;
    Ok((StatusCode::CREATED, api_response(&app, row, warnings).await?))
}

/// Replace an API's resources (and, with `update_endpoints=true`, its endpoints) from a new
/// OpenAPI document, which is stored in place of the old one.
#[utoipa::path(put, path = "/apis/{api_id}/openapi", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ImportParams, ("if-match" = Option<String>, Header)),
    request_body(content = String, description = "The OpenAPI document (JSON or YAML), raw or as multipart field `file`", content_type = "application/yaml",
        example = "openapi: 3.0.3\ninfo: {title: Petstore, version: 1.1.0}\npaths:\n  /pets:\n    get: {responses: {'200': {description: ok}}}\n"),
    responses(
        (status = 200, body = ApiResponse, headers(("etag" = String))),
        (status = 409, description = "The document's resources or endpoints do not fit the API's state, or are taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_openapi(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
    ApiQuery(params): ApiQuery<ImportParams>,
    req: Request,
) -> Result<Versioned<ApiResponse>, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let expected = if_match(req.headers())?;
    let upload = read_upload(&app, params, req).await?;
    let spec = parse_document(&app, upload.bytes.clone()).await?;
    let mut warnings = spec.warnings.clone();
    let resources = openapi_import::resources(&spec.operations, &mut warnings).map_err(ApiError::invalid)?;
    let mut f = api.fields()?;
    f.is_default = false;
    if upload.params.update_endpoints || upload.params.endpoints.is_some() {
        f.endpoints = openapi_import::imported_endpoints(upload.params.endpoints.as_deref(), &spec, &mut warnings)
            .map_err(|e| ApiError::invalid(vec![e]))?;
    }
    // The resources were checked above, with errors pointing into the document.
    validate(&app, &api.org_id, &mut f, None, None).await?;
    if api.state()?.deployed() && f.endpoints.is_empty() {
        return Err(ApiError::conflict("a deployed API needs at least one endpoint"));
    }
    let stored = NewSpec {
        content_type: upload.content_type.into(),
        spec_version: spec.spec_version.clone(),
        body: upload.bytes.to_vec(),
    };
    let mut entry = audit(
        &auth,
        "api.openapi_updated",
        "api",
        json!({"openapi": spec.spec_version, "resources": resources.len()}),
    );
    entry.org_id = Some(api.org_id.clone());
    entry.target_id = api.id.clone();
    let row = app
        .store
        .update_api(&api.id, expected, &f, Some(&resources), None, Some(&stored), entry)
        .await?;
    api_response(&app, row, warnings).await
}

/// Download the OpenAPI document the API was imported from, as uploaded.
#[utoipa::path(get, path = "/apis/{api_id}/openapi", tag = "apis",
    security(("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 200, description = "The document as it was uploaded, JSON or YAML", content(
            (Object = "application/json", example = json!({"openapi": "3.0.3", "info": {"title": "Petstore", "version": "1.0.0"},
                "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}})),
            (Object = "application/yaml"),
        )),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such API, or it has no document", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_openapi(
    State(app): State<AppState>,
    auth: Auth,
    Path(api_id): Path<String>,
) -> Result<Response, ApiError> {
    let api = authorized_api(&app, &auth, &api_id).await?;
    let spec = app
        .store
        .find_spec(&api.id)
        .await?
        .ok_or(ApiError::not_found("OpenAPI document"))?;
    let ext = if spec.content_type == "application/json" {
        "json"
    } else {
        "yaml"
    };
    super::documents::file_response(
        format!(
            "{}-{}.{ext}",
            api.context.trim_start_matches('/').replace('/', "-"),
            api.version
        ),
        &spec.content_type,
        spec.body,
    )
}
