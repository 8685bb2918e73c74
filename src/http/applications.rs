//! A developer's applications and their credentials: API keys and an OAuth client.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Page, PageParams, Versioned, if_match, path_id};
use crate::app::AppState;
use crate::domain::FieldError;
use crate::domain::ids::to_datetime;
use crate::domain::secret::{self, API_KEY_PREFIX, CLIENT_SECRET_PREFIX};
use crate::error::{ApiError, Problem};
use crate::store::{ApiKeyRow, ApplicationFields, ApplicationRow, NewSecret, OAuthClientRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, create_application))
        .routes(routes!(find_application, update_application, delete_application))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(delete_key))
        .routes(routes!(rotate_key))
        .routes(routes!(
            find_oauth_client,
            create_oauth_client,
            update_oauth_client,
            delete_oauth_client
        ))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Mobile app", "description": "iOS and Android", "callback_url": "https://app.example.com/cb", "token_lifetime_secs": 3600, "created_at": "2026-11-29T21:00:00Z", "updated_at": "2026-11-29T21:00:00Z"}))]
pub struct ApplicationResponse {
    pub id: String,
    #[schema(example = "Mobile app")]
    pub name: String,
    pub description: String,
    pub callback_url: Option<String>,
    /// Lifetime of the access tokens its OAuth client gets, in seconds.
    pub token_lifetime_secs: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ApplicationRow> for ApplicationResponse {
    fn from(a: ApplicationRow) -> Self {
        Self {
            id: a.id,
            name: a.name,
            description: a.description,
            callback_url: a.callback_url,
            token_lifetime_secs: a.token_lifetime_secs,
            created_at: to_datetime(a.created_at),
            updated_at: to_datetime(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mobile app", "description": "iOS and Android", "callback_url": "https://app.example.com/cb"}))]
pub struct CreateApplicationRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub callback_url: Option<String>,
    /// Seconds, at most the installation's `oauth_max_token_lifetime` (default: that maximum).
    pub token_lifetime_secs: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"description": "iOS only"}))]
pub struct UpdateApplicationRequest {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default, with = "super::plans::double_option")]
    #[schema(value_type = Option<String>)]
    pub callback_url: Option<Option<String>>,
    pub token_lifetime_secs: Option<i64>,
}

fn validate(app: &AppState, f: &mut ApplicationFields) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    f.name = f.name.trim().to_owned();
    if f.name.is_empty() || f.name.chars().count() > 100 || f.name.chars().any(char::is_control) {
        errors.push(FieldError::new("/name", "must be 1 to 100 printable characters"));
    }
    if f.description.chars().count() > 2000 {
        errors.push(FieldError::new("/description", "must be at most 2000 characters"));
    }
    if let Some(url) = &f.callback_url {
        match crate::domain::api::parse_endpoint_url(url) {
            Ok(u) => f.callback_url = Some(u),
            Err(m) => errors.push(FieldError::new("/callback_url", m)),
        }
    }
    let max = app.config.oauth_max_token_lifetime.as_secs() as i64;
    if !(60..=max).contains(&f.token_lifetime_secs) {
        errors.push(FieldError::new(
            "/token_lifetime_secs",
            format!("must be between 60 and {max}"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(errors))
    }
}

/// The caller's own application; anyone else's (or an unknown id) is 404.
pub async fn owned_application(app: &AppState, auth: &Auth, id: &str) -> Result<ApplicationRow, ApiError> {
    path_id(id, "application")?;
    let row = app
        .store
        .find_application(id)
        .await?
        .ok_or(ApiError::not_found("application"))?;
    auth.check(auth.subject.authorize_owner(&row.owner_id), "application")?;
    Ok(row)
}

/// The caller's applications, oldest first.
#[utoipa::path(get, path = "/applications", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Page<ApplicationResponse>)))]
pub async fn list_applications(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<ApplicationResponse>>, ApiError> {
    let page = params.to_query()?;
    let rows = app.store.list_applications(&auth.subject.user_id, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// Register an application.
#[utoipa::path(post, path = "/applications", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    request_body = CreateApplicationRequest,
    responses(
        (status = 201, body = ApplicationResponse, headers(("etag" = String))),
        (status = 409, description = "Name taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_application(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<CreateApplicationRequest>,
) -> Result<(StatusCode, Versioned<ApplicationResponse>), ApiError> {
    let mut f = ApplicationFields {
        name: req.name,
        description: req.description,
        callback_url: req.callback_url,
        token_lifetime_secs: req
            .token_lifetime_secs
            .unwrap_or(app.config.oauth_max_token_lifetime.as_secs() as i64),
    };
    validate(&app, &mut f)?;
    let row = app.store.insert_application(&auth.subject.user_id, &f).await?;
    Ok((StatusCode::CREATED, Versioned(row.row_version, row.into())))
}

/// One of the caller's applications.
#[utoipa::path(get, path = "/applications/{application_id}", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    responses(
        (status = 200, body = ApplicationResponse, headers(("etag" = String))),
    ))]
pub async fn find_application(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
) -> Result<Versioned<ApplicationResponse>, ApiError> {
    let row = owned_application(&app, &auth, &application_id).await?;
    Ok(Versioned(row.row_version, row.into()))
}

/// Change an application (`If-Match` supported).
#[utoipa::path(patch, path = "/applications/{application_id}", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path), ("if-match" = Option<String>, Header)),
    request_body = UpdateApplicationRequest,
    responses(
        (status = 200, body = ApplicationResponse, headers(("etag" = String))),
        (status = 409, description = "You already have an application with that name", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_application(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateApplicationRequest>,
) -> Result<Versioned<ApplicationResponse>, ApiError> {
    let row = owned_application(&app, &auth, &application_id).await?;
    let mut f = ApplicationFields {
        name: req.name.unwrap_or(row.name),
        description: req.description.unwrap_or(row.description),
        callback_url: req.callback_url.unwrap_or(row.callback_url),
        token_lifetime_secs: req.token_lifetime_secs.unwrap_or(row.token_lifetime_secs),
    };
    validate(&app, &mut f)?;
    let row = app.store.update_application(&row.id, if_match(&headers)?, &f).await?;
    Ok(Versioned(row.row_version, row.into()))
}

/// Delete an application: its keys and OAuth client stop working and its subscriptions end.
#[utoipa::path(delete, path = "/applications/{application_id}", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete_application(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let row = owned_application(&app, &auth, &application_id).await?;
    app.store.delete_application(&row.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- API keys -------------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "production", "prefix": "tg_a1B2", "created_at": "2026-11-29T21:00:00Z", "expires_at": null, "revoked_at": null, "rotated_to": null}))]
pub struct KeyResponse {
    pub id: String,
    pub name: String,
    /// The first characters of the key, to recognise it.
    #[schema(example = "tg_a1B2")]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The key that replaced this one in a rotation.
    pub rotated_to: Option<String>,
}

impl From<ApiKeyRow> for KeyResponse {
    fn from(k: ApiKeyRow) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            created_at: to_datetime(k.created_at),
            expires_at: k.expires_at.map(to_datetime),
            revoked_at: k.revoked_at.map(to_datetime),
            rotated_to: k.rotated_to,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "production", "prefix": "tg_a1B2", "created_at": "2026-11-29T21:00:00Z", "expires_at": null, "revoked_at": null, "rotated_to": null, "secret": "tg_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0"}))]
pub struct CreatedKeyResponse {
    #[serde(flatten)]
    pub key: KeyResponse,
    /// The API key. Shown only in this response; send it in the `apikey` header.
    #[schema(example = "tg_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0")]
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "production", "expires_at": "2027-12-31T00:00:00Z"}))]
pub struct CreateKeyRequest {
    pub name: String,
    /// No expiry when absent.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grace_period_secs": 3600}))]
pub struct RotateKeyRequest {
    /// How long the old key keeps working (0 to 30 days).
    pub grace_period_secs: u64,
}

fn key_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            "/name",
            "must be 1 to 100 printable characters",
        ));
    }
    Ok(name.to_owned())
}

/// The application's API keys (never their secrets).
#[utoipa::path(get, path = "/applications/{application_id}/keys", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path), PageParams),
    responses(
        (status = 200, body = Page<KeyResponse>),
    ))]
pub async fn list_keys(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<KeyResponse>>, ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    let page = params.to_query()?;
    let rows = app.store.list_api_keys(&application.id, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// Create an API key. Its secret is in this response only.
#[utoipa::path(post, path = "/applications/{application_id}/keys", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    request_body = CreateKeyRequest,
    responses(
        (status = 201, body = CreatedKeyResponse),
    ))]
pub async fn create_key(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    ApiJson(req): ApiJson<CreateKeyRequest>,
) -> Result<(StatusCode, Json<CreatedKeyResponse>), ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    let name = key_name(&req.name)?;
    let expires_at = req.expires_at.map(|t| t.timestamp_millis());
    if expires_at.is_some_and(|t| t <= app.clock.now_ms()) {
        return Err(ApiError::invalid_field("/expires_at", "must be in the future"));
    }
    let generated = secret::generate(API_KEY_PREFIX);
    let row = app
        .store
        .insert_api_key(
            &application.id,
            NewSecret {
                name: &name,
                prefix: &generated.display_prefix,
                hash: &generated.hash,
                expires_at,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKeyResponse {
            key: row.into(),
            secret: secret::expose(&generated.plain).to_owned(),
        }),
    ))
}

/// Revoke a key at once.
#[utoipa::path(delete, path = "/applications/{application_id}/keys/{key_id}", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path), ("key_id" = String, Path)),
    responses(
        (status = 204, description = "Revoked"),
    ))]
pub async fn delete_key(
    State(app): State<AppState>,
    auth: Auth,
    Path((application_id, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    path_id(&key_id, "key")?;
    app.store
        .find_api_key(&application.id, &key_id)
        .await?
        .ok_or(ApiError::not_found("key"))?;
    app.store.revoke_api_key(&application.id, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rotate a key: a new key now, the old one valid for the grace period you choose.
#[utoipa::path(post, path = "/applications/{application_id}/keys/{key_id}/rotate", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path), ("key_id" = String, Path)),
    request_body = RotateKeyRequest,
    responses(
        (status = 201, description = "The new key", body = CreatedKeyResponse),
        (status = 409, description = "Revoked or already rotated", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn rotate_key(
    State(app): State<AppState>,
    auth: Auth,
    Path((application_id, key_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<RotateKeyRequest>,
) -> Result<(StatusCode, Json<CreatedKeyResponse>), ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    path_id(&key_id, "key")?;
    let old = app
        .store
        .find_api_key(&application.id, &key_id)
        .await?
        .ok_or(ApiError::not_found("key"))?;
    if req.grace_period_secs > 30 * 86_400 {
        return Err(ApiError::invalid_field(
            "/grace_period_secs",
            "must be at most 2592000 (30 days)",
        ));
    }
    let generated = secret::generate(API_KEY_PREFIX);
    let row = app
        .store
        .rotate_api_key(
            &application.id,
            &old.id,
            NewSecret {
                name: &old.name,
                prefix: &generated.display_prefix,
                hash: &generated.hash,
                expires_at: old.expires_at,
            },
            app.clock.now_ms() + (req.grace_period_secs as i64) * 1000,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKeyResponse {
            key: row.into(),
            secret: secret::expose(&generated.plain).to_owned(),
        }),
    ))
}

// ---- OAuth client -----------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"client_id": "tgi_4fJ9kQ2mX7pL1sV8", "secret_prefix": "tgo_a1B2", "scopes": ["default"], "created_at": "2026-11-29T21:00:00Z", "secret_rotated_at": null}))]
pub struct OAuthClientResponse {
    #[schema(example = "tgi_4fJ9kQ2mX7pL1sV8")]
    pub client_id: String,
    #[schema(example = "tgo_a1B2")]
    pub secret_prefix: String,
    /// Scopes the client may ask for.
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub secret_rotated_at: Option<DateTime<Utc>>,
}

impl From<OAuthClientRow> for OAuthClientResponse {
    fn from(c: OAuthClientRow) -> Self {
        Self {
            client_id: c.client_id,
            secret_prefix: c.secret_prefix,
            scopes: serde_json::from_str(&c.scopes).unwrap_or_default(),
            created_at: to_datetime(c.created_at),
            secret_rotated_at: c.rotated_at.map(to_datetime),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"client_id": "tgi_4fJ9kQ2mX7pL1sV8", "secret_prefix": "tgo_a1B2", "scopes": ["default"], "created_at": "2026-11-29T21:00:00Z", "secret_rotated_at": null, "client_secret": "tgo_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0"}))]
pub struct CreatedOAuthClientResponse {
    #[serde(flatten)]
    pub client: OAuthClientResponse,
    /// Shown only in this response.
    pub client_secret: String,
}

/// The client after an update; `client_secret` only when the update rotated it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"client_id": "tgi_4fJ9kQ2mX7pL1sV8", "secret_prefix": "tgo_a1B2", "scopes": ["read"], "created_at": "2026-11-29T21:00:00Z", "secret_rotated_at": null}))]
pub struct UpdatedOAuthClientResponse {
    #[serde(flatten)]
    pub client: OAuthClientResponse,
    /// The new secret, present only when the request set `rotate_secret`; shown only here.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false)]
    pub client_secret: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scopes": ["read", "write"]}))]
pub struct OAuthClientRequest {
    /// Scopes the client may ask for (default `["default"]`).
    pub scopes: Option<Vec<String>>,
    /// On update: issue a new secret (the old one stops working at once).
    #[serde(default)]
    pub rotate_secret: bool,
}

fn parse_scopes(raw: Option<Vec<String>>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    let mut out: Vec<String> = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E.
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
        if !ok {
            return Err(ApiError::invalid_field(
                &format!("/scopes/{i}"),
                "is not a valid scope token",
            ));
        }
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    if out.len() > 50 {
        return Err(ApiError::invalid_field("/scopes", "at most 50 scopes"));
    }
    Ok(Some(out))
}

/// The application's OAuth client (without its secret).
#[utoipa::path(get, path = "/applications/{application_id}/oauth-client", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    responses(
        (status = 200, body = OAuthClientResponse),
    ))]
pub async fn find_oauth_client(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
) -> Result<Json<OAuthClientResponse>, ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    let client = app
        .store
        .find_oauth_client_of(&application.id)
        .await?
        .ok_or(ApiError::not_found("OAuth client"))?;
    Ok(Json(client.into()))
}

/// Create the application's OAuth client (client credentials). The secret is shown only here.
#[utoipa::path(post, path = "/applications/{application_id}/oauth-client", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    request_body = OAuthClientRequest,
    responses(
        (status = 201, body = CreatedOAuthClientResponse),
        (status = 409, description = "The application has a client already", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_oauth_client(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    ApiJson(req): ApiJson<OAuthClientRequest>,
) -> Result<(StatusCode, Json<CreatedOAuthClientResponse>), ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    let scopes = parse_scopes(req.scopes)?.unwrap_or_else(|| vec!["default".into()]);
    let client_id = format!("tgi_{}", &crate::domain::ids::new_id().replace('-', "")[8..32]);
    let generated = secret::generate(CLIENT_SECRET_PREFIX);
    let row = app
        .store
        .insert_oauth_client(
            &application.id,
            &client_id,
            NewSecret {
                name: "",
                prefix: &generated.display_prefix,
                hash: &generated.hash,
                expires_at: None,
            },
            &scopes,
            None,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedOAuthClientResponse {
            client: row.into(),
            client_secret: secret::expose(&generated.plain).to_owned(),
        }),
    ))
}

/// Change the client's scopes and/or rotate its secret (`rotate_secret: true`; the new secret
/// is in `client_secret`, shown only here).
#[utoipa::path(patch, path = "/applications/{application_id}/oauth-client", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    request_body = OAuthClientRequest,
    responses(
        (status = 200, body = UpdatedOAuthClientResponse),
    ))]
pub async fn update_oauth_client(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
    ApiJson(req): ApiJson<OAuthClientRequest>,
) -> Result<Json<UpdatedOAuthClientResponse>, ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    let scopes = parse_scopes(req.scopes)?;
    let generated = req.rotate_secret.then(|| secret::generate(CLIENT_SECRET_PREFIX));
    let row = app
        .store
        .update_oauth_client(
            &application.id,
            generated.as_ref().map(|g| NewSecret {
                name: "",
                prefix: &g.display_prefix,
                hash: &g.hash,
                expires_at: None,
            }),
            scopes.as_deref(),
        )
        .await?;
    Ok(Json(UpdatedOAuthClientResponse {
        client: row.into(),
        client_secret: generated.map(|g| secret::expose(&g.plain).to_owned()),
    }))
}

/// Delete the application's OAuth client; its tokens stop being issued (issued ones run out).
#[utoipa::path(delete, path = "/applications/{application_id}/oauth-client", tag = "applications",
    security(("session" = []), ("bearer" = [])),
    params(("application_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete_oauth_client(
    State(app): State<AppState>,
    auth: Auth,
    Path(application_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let application = owned_application(&app, &auth, &application_id).await?;
    app.store.delete_oauth_client(&application.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
