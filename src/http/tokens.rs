//! Personal access tokens: bearer credentials for automation, owned by one user.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery, Page, PageParams, path_id};
use crate::app::AppState;
use crate::domain::ids::to_datetime;
use crate::domain::secret::{self, PERSONAL_TOKEN_PREFIX};
use crate::error::{ApiError, FieldError};
use crate::store::TokenRow;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(delete_token))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "ci deploy", "prefix": "tgp_a1B2", "created_at": "2026-11-29T21:00:00Z", "expires_at": "2027-02-27T21:00:00Z", "last_used_at": null, "revoked_at": null}))]
pub struct TokenResponse {
    pub id: String,
    #[schema(example = "ci deploy")]
    pub name: String,
    /// The first characters of the token, to recognise it; never the whole secret.
    #[schema(example = "tgp_a1B2")]
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for TokenResponse {
    fn from(t: TokenRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: to_datetime(t.created_at),
            expires_at: to_datetime(t.expires_at),
            last_used_at: t.last_used_at.map(to_datetime),
            revoked_at: t.revoked_at.map(to_datetime),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "ci deploy", "prefix": "tgp_a1B2", "created_at": "2026-11-29T21:00:00Z", "expires_at": "2027-02-27T21:00:00Z", "last_used_at": null, "revoked_at": null, "secret": "tgp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0"}))]
pub struct CreatedTokenResponse {
    #[serde(flatten)]
    pub token: TokenResponse,
    /// The token itself. Shown only in this response; store it now.
    #[schema(example = "tgp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0")]
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "ci deploy", "expires_in_days": 30}))]
pub struct CreateTokenRequest {
    /// 1 to 100 characters.
    pub name: String,
    /// Lifetime in days (default 90), at most the installation's `token_max_ttl`.
    pub expires_in_days: Option<u32>,
}

/// The caller's personal access tokens (without their secrets), oldest first.
#[utoipa::path(get, path = "/me/tokens", tag = "tokens",
    security(("session" = []), ("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, body = Page<TokenResponse>),
    ))]
pub async fn list_tokens(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<Page<TokenResponse>>, ApiError> {
    let page = params.to_query()?;
    let rows = app.store.list_tokens(&auth.subject.user_id, &page).await?;
    Ok(Json(Page::from_rows(rows, &page, |r| &r.id, Into::into)))
}

/// Create a personal access token. Its secret is in this response only; use it as
/// `Authorization: Bearer <secret>`.
#[utoipa::path(post, path = "/me/tokens", tag = "tokens",
    security(("session" = []), ("bearer" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, body = CreatedTokenResponse),
    ))]
pub async fn create_token(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<CreateTokenRequest>,
) -> Result<(StatusCode, Json<CreatedTokenResponse>), ApiError> {
    let mut errors = Vec::new();
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.push(FieldError::new("/name", "must be 1 to 100 printable characters"));
    }
    let max_days = app.config.token_max_ttl.as_secs() / 86_400;
    let days = u64::from(req.expires_in_days.unwrap_or(90));
    if days == 0 || days > max_days.max(1) {
        errors.push(FieldError::new(
            "/expires_in_days",
            format!("must be between 1 and {}", max_days.max(1)),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let generated = secret::generate(PERSONAL_TOKEN_PREFIX);
    let expires_at = app.clock.now_ms() + (days as i64) * 86_400_000;
    let row = app
        .store
        .insert_token(
            &auth.subject.user_id,
            name,
            &generated.display_prefix,
            &generated.hash,
            expires_at,
        )
        .await?;
    tracing::info!(token_id = %row.id, user_id = %auth.subject.user_id, "personal access token created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenResponse {
            token: row.into(),
            secret: secret::expose(&generated.plain).to_owned(),
        }),
    ))
}

/// Revoke one of the caller's tokens. Idempotent.
#[utoipa::path(delete, path = "/me/tokens/{token_id}", tag = "tokens",
    security(("session" = []), ("bearer" = [])),
    params(("token_id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
    ))]
pub async fn delete_token(
    State(app): State<AppState>,
    auth: Auth,
    Path(token_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    path_id(&token_id, "token")?;
    app.store.revoke_token(&auth.subject.user_id, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
