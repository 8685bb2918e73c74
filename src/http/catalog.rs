//! The developer portal's catalog: what a visitor may find, read and try.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::{Auth, viewer};
use super::extract::{ApiQuery, PageLimit, path_id};
use super::plans::PlanResponse;
use crate::app::AppState;
use crate::domain::api::{Resource, Visibility};
use crate::domain::ids::{is_uuid, to_datetime};
use crate::domain::lifecycle::ApiState;
use crate::error::ApiError;
use crate::store::{ApiRow, CatalogCursor, CatalogQuery};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_catalog))
        .routes(routes!(find_catalog_api))
        .routes(routes!(find_catalog_openapi))
        .routes(routes!(find_catalog_document_content))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Petstore", "description": "Pets for sale", "context": "/petstore", "version": "1.0.0", "is_default": true, "state": "PUBLISHED", "prototype": false, "tags": ["pets"], "visibility": "public", "gateway_url": "http://127.0.0.1:8280/petstore/1.0.0", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct CatalogApiSummary {
    pub id: String,
    pub name: String,
    pub description: String,
    pub context: String,
    pub version: String,
    pub is_default: bool,
    pub state: ApiState,
    /// PROTOTYPED: callable for trying out, without a subscription.
    pub prototype: bool,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    /// Where to call it through the gateway.
    #[schema(example = "http://127.0.0.1:8280/petstore/1.0.0")]
    pub gateway_url: String,
    pub updated_at: DateTime<Utc>,
}

fn summary(app: &AppState, row: ApiRow) -> Result<CatalogApiSummary, ApiError> {
    let f = row.fields()?;
    let state = row.state()?;
    Ok(CatalogApiSummary {
        gateway_url: format!("{}{}/{}", app.config.gateway_url(), f.context, f.version),
        id: row.id,
        name: f.name,
        description: f.description,
        context: f.context,
        version: f.version,
        is_default: f.is_default,
        prototype: state == ApiState::Prototyped,
        state,
        tags: f.tags,
        visibility: f.visibility,
        updated_at: to_datetime(row.updated_at),
    })
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Petstore", "description": "Pets for sale", "context": "/petstore", "version": "1.0.0", "is_default": true, "state": "PUBLISHED", "prototype": false, "tags": ["pets"], "visibility": "public", "gateway_url": "http://127.0.0.1:8280/petstore/1.0.0", "updated_at": "2026-11-29T21:00:00Z"}], "next_cursor": null}))]
pub struct CatalogPage {
    pub items: Vec<CatalogApiSummary>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogParams {
    /// Words to find in names, descriptions, tags and resource paths; results come best first.
    pub q: Option<String>,
    pub tag: Option<String>,
    #[param(inline)]
    pub limit: Option<PageLimit>,
    pub cursor: Option<String>,
}

fn parse_cursor(raw: &str) -> Option<CatalogCursor> {
    let (score, id) = raw.split_once(':')?;
    let score: i64 = score.parse().ok()?;
    is_uuid(id).then(|| CatalogCursor {
        score,
        id: id.to_owned(),
    })
}

/// The APIs you may see (anonymous visitors: public ones), in PUBLISHED, PROTOTYPED or
/// DEPRECATED state.
#[utoipa::path(get, path = "/catalog/apis", tag = "catalog",
    security((), ("session" = []), ("bearer" = [])),
    params(CatalogParams),
    responses(
        (status = 200, body = CatalogPage),
    ))]
pub async fn list_catalog(
    State(app): State<AppState>,
    auth: Option<Auth>,
    ApiQuery(params): ApiQuery<CatalogParams>,
) -> Result<Json<CatalogPage>, ApiError> {
    let limit = i64::from(PageLimit::or_default(params.limit));
    let after = match params.cursor.as_deref() {
        None => None,
        Some(c) => Some(parse_cursor(c).ok_or_else(|| ApiError::bad_request("cursor is not one this API returned"))?),
    };
    let text = params.q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    if text.as_ref().is_some_and(|t| t.len() > 200) {
        return Err(ApiError::bad_request("q must be at most 200 characters"));
    }
    let query = CatalogQuery {
        text,
        tag: params.tag.map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()),
        after,
        limit,
    };
    let mut rows = app.store.list_catalog(&viewer(auth.as_ref()), &query).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if has_more {
        rows.last().map(|(score, r)| format!("{score}:{}", r.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|(_, row)| summary(&app, row))
        .collect::<Result<_, _>>()?;
    Ok(Json(CatalogPage { items, next_cursor }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogDocument {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub source: String,
    pub content: Option<String>,
    pub url: Option<String>,
    pub file_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Petstore", "description": "Pets for sale", "context": "/petstore", "version": "1.0.0", "is_default": true, "state": "PUBLISHED", "prototype": false, "tags": ["pets"], "visibility": "public", "gateway_url": "http://127.0.0.1:8280/petstore/1.0.0", "updated_at": "2026-11-29T21:00:00Z", "resources": [{"method": "GET", "path": "/pets", "auth_required": true}], "versions": [], "documents": [{"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "title": "Getting started", "type": "how_to", "source": "inline", "content": "# Hi", "url": null, "file_name": null}], "plans": [], "has_openapi_document": true}))]
pub struct CatalogApiDetail {
    #[serde(flatten)]
    pub api: CatalogApiSummary,
    pub resources: Vec<Resource>,
    /// Other versions of the same context you may see.
    pub versions: Vec<CatalogApiSummary>,
    pub documents: Vec<CatalogDocument>,
    /// Plans to subscribe on, with their limits and prices.
    pub plans: Vec<PlanResponse>,
    /// An OpenAPI document can be fetched at `/catalog/apis/{id}/openapi`.
    pub has_openapi_document: bool,
}

async fn visible_api(app: &AppState, auth: Option<&Auth>, id: &str) -> Result<ApiRow, ApiError> {
    path_id(id, "API")?;
    app.store
        .find_catalog_api(&viewer(auth), id)
        .await?
        .ok_or(ApiError::not_found("API"))
}

/// An API's page: description, resources, versions, documents and plans.
#[utoipa::path(get, path = "/catalog/apis/{api_id}", tag = "catalog",
    security((), ("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 200, body = CatalogApiDetail),
    ))]
pub async fn find_catalog_api(
    State(app): State<AppState>,
    auth: Option<Auth>,
    Path(api_id): Path<String>,
) -> Result<Json<CatalogApiDetail>, ApiError> {
    let row = visible_api(&app, auth.as_ref(), &api_id).await?;
    let resources = app.store.resources_of(&row.id).await?;
    let plans = app
        .store
        .plans_of_api(&row.id)
        .await?
        .into_iter()
        .map(PlanResponse::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let documents = app
        .store
        .list_documents(&row.id)
        .await?
        .into_iter()
        .filter(|d| d.visibility == "same_as_api")
        .map(|d| CatalogDocument {
            id: d.id,
            title: d.title,
            doc_type: d.doc_type,
            source: d.source,
            content: d.inline_content,
            url: d.url,
            file_name: d.file_name,
        })
        .collect();
    let mut versions = Vec::new();
    let who = viewer(auth.as_ref());
    for other in app.store.versions_of(&row.context).await? {
        if other.id != row.id && app.store.find_catalog_api(&who, &other.id).await?.is_some() {
            versions.push(summary(&app, other)?);
        }
    }
    let has_doc = app.store.find_spec(&row.id).await?.is_some();
    Ok(Json(CatalogApiDetail {
        api: summary(&app, row)?,
        resources,
        versions,
        documents,
        plans,
        has_openapi_document: has_doc,
    }))
}

/// The API's OpenAPI document (as JSON) with its servers pointing at the gateway, so a
/// try-it console calls the gateway.
#[utoipa::path(get, path = "/catalog/apis/{api_id}/openapi", tag = "catalog",
    security((), ("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path)),
    responses(
        (status = 200, description = "The document, servers rewritten", content_type = "application/json", body = Object,
            example = json!({"openapi": "3.0.3", "info": {"title": "Petstore", "version": "1.0.0"},
                "servers": [{"url": "http://127.0.0.1:8280/petstore/1.0.0", "description": "Tollgate gateway"}],
                "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}})),
    ))]
pub async fn find_catalog_openapi(
    State(app): State<AppState>,
    auth: Option<Auth>,
    Path(api_id): Path<String>,
) -> Result<Response, ApiError> {
    let row = visible_api(&app, auth.as_ref(), &api_id).await?;
    let spec = app
        .store
        .find_spec(&row.id)
        .await?
        .ok_or(ApiError::not_found("OpenAPI document"))?;
    let base = format!("{}{}/{}", app.config.gateway_url(), row.context, row.version);
    let body = spec.body;
    let doc = tokio::task::spawn_blocking(move || rewrite_servers(&body, &base))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut resp = doc.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}

/// Point a stored document at the gateway: `servers` (3.x) or `host`/`basePath`/`schemes` (2.0).
fn rewrite_servers(body: &[u8], base: &str) -> anyhow::Result<String> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    let mut doc: Value = if first == Some(&b'{') {
        serde_json::from_slice(body)?
    } else {
        serde_norway::from_slice(body)?
    };
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| anyhow::anyhow!("stored document is not an object"))?;
    if obj.contains_key("swagger") {
        let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        obj.insert("schemes".into(), Value::from(vec![scheme]));
        obj.insert("host".into(), Value::from(host));
        obj.insert("basePath".into(), Value::from(format!("/{path}")));
    } else {
        obj.insert(
            "servers".into(),
            serde_json::json!([{"url": base, "description": "Tollgate gateway"}]),
        );
    }
    Ok(serde_json::to_string(&doc)?)
}

/// Download the file of one of the API's public documents.
#[utoipa::path(get, path = "/catalog/apis/{api_id}/documents/{document_id}/content", tag = "catalog",
    security((), ("session" = []), ("bearer" = [])),
    params(("api_id" = String, Path), ("document_id" = String, Path)),
    responses(
        (status = 200, response = super::documents::DocumentFile),
    ))]
pub async fn find_catalog_document_content(
    State(app): State<AppState>,
    auth: Option<Auth>,
    Path((api_id, document_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let row = visible_api(&app, auth.as_ref(), &api_id).await?;
    path_id(&document_id, "document")?;
    let doc = app
        .store
        .find_document(&row.id, &document_id)
        .await?
        .filter(|d| d.visibility == "same_as_api")
        .ok_or(ApiError::not_found("document"))?;
    let file = app
        .store
        .find_document_file(&row.id, &doc.id)
        .await?
        .and_then(|f| Some((f.file_name?, f.content_type?, f.file_body?)))
        .ok_or(ApiError::not_found("document file"))?;
    super::documents::file_response(file.0, &file.1, file.2)
}
