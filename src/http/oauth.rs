//! OAuth 2.0 / OpenID endpoints of the key manager: token (client credentials), introspection
//! (RFC 7662), revocation (RFC 7009), discovery and JWKS. Errors follow RFC 6749 §5.2 exactly
//! (`{"error", "error_description"}`), not problem+json, because OAuth clients parse them.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::domain::ids::new_id;
use crate::domain::secret;
use crate::oauth::token::{self, AccessClaims};
use crate::store::{ApplicationRow, OAuthClientRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_access_token, token_wrong_method))
        .routes(routes!(introspect_token))
        .routes(routes!(revoke_token))
        .routes(routes!(find_openid_configuration))
        .routes(routes!(find_jwks))
}

/// An RFC 6749 §5.2 error.
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthError {
    #[schema(example = "invalid_client")]
    pub error: &'static str,
    pub error_description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            error_description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = if self.error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        let mut resp = (status, Json(&self)).into_response();
        let headers = resp.headers_mut();
        no_store(headers);
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"tollgate\""),
            );
        }
        resp
    }
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// The form parameters, refusing bodies that are not form-encoded and repeated parameters.
fn form(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, OAuthError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(OAuthError::new(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| OAuthError::new("invalid_request", "the form body is malformed"))?;
    for (i, (k, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(other, _)| other == k) {
            return Err(OAuthError::new("invalid_request", format!("parameter {k} is repeated")));
        }
    }
    Ok(pairs)
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Authenticate the client by `client_secret_basic` or `client_secret_post` (one, not both).
async fn authenticate_client(
    app: &AppState,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<(OAuthClientRow, ApplicationRow), OAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")));
    let posted = param(pairs, "client_id").zip(param(pairs, "client_secret"));
    let (id, secret_value) = match (basic, posted) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::new(
                "invalid_request",
                "use one client authentication method, not two",
            ));
        }
        (Some(b64), None) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| OAuthError::new("invalid_client", "malformed Basic credentials"))?;
            let (id, secret_value) = decoded
                .split_once(':')
                .ok_or_else(|| OAuthError::new("invalid_client", "malformed Basic credentials"))?;
            // RFC 6749 §2.3.1: both parts are form-encoded inside Basic.
            let un = |s: &str| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
                    .ok()
                    .and_then(|mut v| v.pop())
                    .map(|(_, v)| v)
                    .unwrap_or_default()
            };
            (un(id), un(secret_value))
        }
        (None, Some((id, secret_value))) => (id.to_owned(), secret_value.to_owned()),
        (None, None) => return Err(OAuthError::new("invalid_client", "client authentication is required")),
    };
    let failed = || OAuthError::new("invalid_client", "client authentication failed");
    if id.is_empty() || id.len() > 100 || !secret::looks_like(secret::CLIENT_SECRET_PREFIX, &secret_value) {
        return Err(failed());
    }
    let (client, application) = app
        .store
        .find_oauth_client(&id)
        .await
        .map_err(|_| OAuthError::new("server_error", "try again later"))?
        .ok_or_else(failed)?;
    if !secret::constant_time_eq(&secret::sha256_hex(&secret_value), &client.secret_hash) {
        return Err(failed());
    }
    Ok((client, application))
}

/// The token request's form fields (RFC 6749 §4.4.2). The handler reads the form itself, to
/// answer with the RFC's errors; this type describes it for the document.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"grant_type": "client_credentials", "scope": "default"}))]
#[allow(dead_code)]
pub struct TokenRequestForm {
    /// Only `client_credentials`.
    #[schema(pattern = "^client_credentials$")]
    grant_type: String,
    /// Space-separated scopes, a subset of the client's (default: all of them).
    scope: Option<String>,
    /// With `client_secret_post`; otherwise HTTP Basic authentication.
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// The form of introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1) requests.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"token": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0Z2kifQ.sig"}))]
#[allow(dead_code)]
pub struct TokenForm {
    token: String,
    /// `access_token` (the only kind there is); ignored otherwise.
    token_type_hint: Option<String>,
    /// With `client_secret_post`; otherwise HTTP Basic authentication.
    client_id: Option<String>,
    client_secret: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiJ0Z2lfNGZKOWtRMm1YN3BMMXNWOCJ9.sig", "token_type": "Bearer", "expires_in": 3600, "scope": "default"}))]
pub struct TokenResponse {
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    #[schema(example = 3600)]
    pub expires_in: i64,
    #[schema(example = "default")]
    pub scope: String,
}

/// Token endpoint: `grant_type=client_credentials`, client authentication by HTTP Basic or form
/// fields, optional `scope`. Returns a signed JWT access token.
#[utoipa::path(post, path = "/oauth2/token", tag = "oauth2",
    request_body(content = TokenRequestForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, description = "invalid_request, unsupported_grant_type or invalid_scope", body = OAuthError),
        (status = 401, description = "invalid_client", body = OAuthError),
    ))]
pub async fn create_access_token(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match issue(&app, &headers, &body).await {
        Ok(token) => {
            let mut resp = Json(token).into_response();
            no_store(resp.headers_mut());
            resp
        }
        Err(e) => e.into_response(),
    }
}

async fn issue(app: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<TokenResponse, OAuthError> {
    let pairs = form(headers, body)?;
    let grant_type =
        param(&pairs, "grant_type").ok_or_else(|| OAuthError::new("invalid_request", "grant_type is required"))?;
    let (client, application) = authenticate_client(app, headers, &pairs).await?;
    if grant_type != "client_credentials" {
        return Err(OAuthError::new(
            "unsupported_grant_type",
            "only the client_credentials grant is supported",
        ));
    }
    let allowed: Vec<String> = serde_json::from_str(&client.scopes).unwrap_or_default();
    let scope = match param(&pairs, "scope") {
        None => allowed.join(" "),
        Some(requested) => {
            let mut granted: Vec<&str> = Vec::new();
            for s in requested.split(' ').filter(|s| !s.is_empty()) {
                if !allowed.iter().any(|a| a == s) {
                    return Err(OAuthError::new(
                        "invalid_scope",
                        format!("scope {s:?} is not allowed for this client"),
                    ));
                }
                if !granted.contains(&s) {
                    granted.push(s);
                }
            }
            granted.join(" ")
        }
    };
    let lifetime = application
        .token_lifetime_secs
        .min(app.config.oauth_max_token_lifetime.as_secs() as i64)
        .max(60);
    let now = app.clock.now_ms().div_euclid(1000);
    let claims = AccessClaims {
        iss: app.config.issuer(),
        sub: client.client_id.clone(),
        aud: app.config.oauth_audience.clone(),
        exp: now + lifetime,
        iat: now,
        nbf: now,
        jti: new_id(),
        client_id: client.client_id.clone(),
        scope: scope.clone(),
        app: application.id.clone(),
    };
    let ring = app.keys.ring();
    let access_token = token::sign(&ring, &claims).map_err(|e| {
        tracing::error!(error = %e, "signing an access token failed");
        OAuthError::new("server_error", "the token could not be signed")
    })?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: lifetime,
        scope,
    })
}

/// The token endpoint only accepts POST (RFC 6749 §3.2).
#[utoipa::path(get, path = "/oauth2/token", tag = "oauth2",
    responses((status = 400, description = "invalid_request: use POST", body = OAuthError)))]
pub async fn token_wrong_method() -> Response {
    let mut resp = OAuthError::new("invalid_request", "the token endpoint accepts only POST").into_response();
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    resp
}

/// Introspection (RFC 7662): any authenticated client may ask about a token. Revoked, expired
/// or foreign tokens are `{"active": false}`.
#[utoipa::path(post, path = "/oauth2/introspect", tag = "oauth2",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Token state", body = Object, example = json!({"active": true, "scope": "default",
            "client_id": "tgi_4fJ9kQ2mX7pL1sV8", "token_type": "Bearer", "exp": 1796000000})),
        (status = 400, body = OAuthError),
        (status = 401, body = OAuthError),
    ))]
pub async fn introspect_token(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let pairs = form(&headers, &body)?;
        authenticate_client(&app, &headers, &pairs).await?;
        let token = param(&pairs, "token").ok_or_else(|| OAuthError::new("invalid_request", "token is required"))?;
        let claims = {
            let ring = app.keys.ring();
            token::verify(&ring, token, &app.config.issuer(), &app.config.oauth_audience, true)
        };
        let Some(c) = claims else {
            return Ok(json!({"active": false}));
        };
        let revoked = app
            .store
            .is_token_revoked(&c.jti)
            .await
            .map_err(|_| OAuthError::new("server_error", "try again later"))?;
        if revoked {
            return Ok(json!({"active": false}));
        }
        Ok::<_, OAuthError>(json!({
            "active": true, "scope": c.scope, "client_id": c.sub, "token_type": "Bearer",
            "exp": c.exp, "iat": c.iat, "nbf": c.nbf, "sub": c.sub, "aud": c.aud, "iss": c.iss,
            "jti": c.jti, "app": c.app,
        }))
    }
    .await;
    match result {
        Ok(v) => {
            let mut resp = Json(v).into_response();
            no_store(resp.headers_mut());
            resp
        }
        Err(e) => e.into_response(),
    }
}

/// Revocation (RFC 7009): a client revokes its own tokens. Unknown or invalid tokens answer 200
/// as the RFC requires; another client's token is refused.
#[utoipa::path(post, path = "/oauth2/revoke", tag = "oauth2",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Revoked (or nothing to revoke)"),
        (status = 400, body = OAuthError),
        (status = 401, body = OAuthError),
    ))]
pub async fn revoke_token(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = async {
        let pairs = form(&headers, &body)?;
        let (client, _) = authenticate_client(&app, &headers, &pairs).await?;
        let token = param(&pairs, "token").ok_or_else(|| OAuthError::new("invalid_request", "token is required"))?;
        let claims = {
            let ring = app.keys.ring();
            token::verify(&ring, token, &app.config.issuer(), &app.config.oauth_audience, false)
        };
        let Some(c) = claims else { return Ok(()) };
        if c.sub != client.client_id {
            return Err(OAuthError::new(
                "unauthorized_client",
                "the token was issued to another client",
            ));
        }
        app.store
            .revoke_access_token(&c.jti, &c.sub, c.exp.saturating_mul(1000))
            .await
            .map_err(|_| OAuthError::new("server_error", "try again later"))?;
        tracing::info!(client_id = %c.sub, jti = %c.jti, "access token revoked");
        Ok::<_, OAuthError>(())
    }
    .await;
    match result {
        Ok(()) => {
            let mut resp = StatusCode::OK.into_response();
            no_store(resp.headers_mut());
            resp
        }
        Err(e) => e.into_response(),
    }
}

/// OpenID Connect discovery document.
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "oauth2",
    responses((status = 200, description = "Discovery document", body = Object, example = json!({
        "issuer": "https://api.example.com", "token_endpoint": "https://api.example.com/oauth2/token",
        "jwks_uri": "https://api.example.com/.well-known/jwks.json",
        "introspection_endpoint": "https://api.example.com/oauth2/introspect",
        "revocation_endpoint": "https://api.example.com/oauth2/revoke",
        "grant_types_supported": ["client_credentials"], "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": ["ES256"]}))))]
pub async fn find_openid_configuration(State(app): State<AppState>) -> Json<serde_json::Value> {
    let issuer = app.config.issuer();
    let alg = app.config.oauth_signing_alg.clone();
    Json(json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/oauth2/token"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "introspection_endpoint": format!("{issuer}/oauth2/introspect"),
        "revocation_endpoint": format!("{issuer}/oauth2/revoke"),
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": [alg.clone()],
        "token_endpoint_auth_signing_alg_values_supported": [alg],
    }))
}

/// The public keys that verify our access tokens (RFC 7517), including retired keys whose tokens
/// may still be valid.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "oauth2",
    responses((status = 200, description = "JWK set", body = Object, example = json!({"keys": [{
        "kty": "EC", "use": "sig", "kid": "Lq3vR8m2sZ0pX1cK7yT4nB9wF6hJ5gD2aE0uI3oP8qM", "alg": "ES256", "crv": "P-256",
        "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}))))]
pub async fn find_jwks(State(app): State<AppState>) -> Response {
    let body = serde_json::to_string(app.keys.ring().jwks()).unwrap_or_else(|_| "{\"keys\":[]}".into());
    let mut resp = body.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    resp
}
