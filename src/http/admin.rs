//! Installation administration (operators only): signing keys.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use crate::app::AppState;
use crate::domain::policy::GlobalPermission;
use crate::error::ApiError;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(rotate_signing_key))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"kid": "Lq3vR8m2sZ0pX1cK7yT4nB9wF6hJ5gD2aE0uI3oP8qM"}))]
pub struct RotatedKeyResponse {
    /// The key that signs from now on.
    pub kid: String,
}

/// Rotate the access-token signing key. Tokens signed by the old key stay valid (it remains in
/// the JWKS) until they expire.
#[utoipa::path(post, path = "/admin/signing-keys/rotate", tag = "admin",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 201, body = RotatedKeyResponse),
    ))]
pub async fn rotate_signing_key(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<(StatusCode, Json<RotatedKeyResponse>), ApiError> {
    auth.check(
        auth.subject.authorize_global(GlobalPermission::ManageOrganizations),
        "installation",
    )?;
    let kid = app.keys.rotate().await?;
    Ok((StatusCode::CREATED, Json(RotatedKeyResponse { kid })))
}
