//! Accounts: sign-up, login, logout, the caller's own profile and password.

use std::net::SocketAddr;
use std::time::Instant;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::{self, Auth, Via};
use super::extract::ApiJson;
use crate::app::AppState;
use crate::domain::account::{self, Email, Password, Role, parse_display_name};
use crate::domain::ids::to_datetime;
use crate::domain::policy::Membership;
use crate::domain::secret::{self, CSRF_PREFIX, SESSION_PREFIX};
use crate::error::{ApiError, Code, FieldError, Problem};
use crate::store::{NewSession, NewUser, UserRow};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(find_me))
        .routes(routes!(update_password))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "email": "ada@example.org", "display_name": "Ada Lovelace", "created_at": "2026-11-29T21:00:00Z"}))]
pub struct UserResponse {
    #[schema(example = "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e")]
    pub id: String,
    #[schema(example = "ada@example.org")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for UserResponse {
    fn from(u: UserRow) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            created_at: to_datetime(u.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_slug": "acme", "org_name": "Acme", "role": "publisher", "operator": false}))]
pub struct MembershipResponse {
    pub org_id: String,
    pub org_slug: String,
    pub org_name: String,
    pub role: Role,
    /// The organization operates this installation (its admins administer everything).
    pub operator: bool,
}

impl From<Membership> for MembershipResponse {
    fn from(m: Membership) -> Self {
        Self {
            org_id: m.org_id,
            org_slug: m.org_slug,
            org_name: m.org_name,
            role: m.role,
            operator: m.operator,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery", "display_name": "Ada"}))]
pub struct SignupRequest {
    pub email: String,
    /// 12 to 256 characters.
    pub password: String,
    pub display_name: String,
}

/// Create a developer account (self sign-up). The new account is a developer of the
/// installation's sign-up organization.
#[utoipa::path(post, path = "/auth/signup", tag = "accounts",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created", body = UserResponse),
        (status = 403, description = "Sign-up is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn signup(
    State(app): State<AppState>,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<UserResponse>), ApiError> {
    if !app.config.signup_enabled {
        return Err(ApiError::new(
            Code::SignupDisabled,
            "self sign-up is disabled on this installation",
        ));
    }
    let mut errors = Vec::new();
    let email = Email::parse(&req.email)
        .map_err(|m| errors.push(FieldError::new("/email", m)))
        .ok();
    let password = Password::parse(&req.password)
        .map_err(|m| errors.push(FieldError::new("/password", m)))
        .ok();
    let name = parse_display_name(&req.display_name)
        .map_err(|m| errors.push(FieldError::new("/display_name", m)))
        .ok();
    let (Some(email), Some(password), Some(name)) = (email, password, name) else {
        return Err(ApiError::invalid(errors));
    };
    let phc = hash_blocking(password.as_str().to_owned()).await?;
    let org = match app.store.find_org_by_slug(&app.config.signup_organization).await? {
        Some(org) => org,
        None => {
            app.store
                .insert_org(&app.config.signup_organization, "Default organization", false, None)
                .await?
        }
    };
    let user = app
        .store
        .insert_user(
            NewUser {
                email: email.as_str(),
                display_name: &name,
                password_hash: &phc,
                membership: Some((&org.id, Role::Developer)),
            },
            None,
        )
        .await?;
    tracing::info!(user_id = %user.id, "developer signed up");
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.org", "password": "correct horse battery"}))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"user": {"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "email": "ada@example.org", "display_name": "Ada", "created_at": "2026-11-29T21:00:00Z"}, "csrf_token": "tgc_9xZk3LqP0aBcDeFgHiJkLmNoPqRsTuVwXyZ01234", "expires_at": "2026-11-30T09:00:00Z"}))]
pub struct LoginResponse {
    pub user: UserResponse,
    /// Send this in `X-CSRF-Token` on every cookie-authenticated write. Also set as the
    /// `tg_csrf` cookie.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Sign in with email and password. Sets the `tg_session` cookie (HttpOnly, SameSite=Lax) and
/// the `tg_csrf` cookie. Failed attempts are throttled per account and per client address.
#[utoipa::path(post, path = "/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; cookies set", body = LoginResponse),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<(CookieJar, Json<LoginResponse>), ApiError> {
    let address = client_address(&app, &headers, peer);
    let account_key = req.email.trim().to_lowercase();
    let now = Instant::now();
    for (throttle, key) in [
        (&app.login_by_account, account_key.as_str()),
        (&app.login_by_address, address.as_str()),
    ] {
        if let Err(wait) = throttle.check(key, now) {
            return Err(
                ApiError::new(Code::LoginThrottled, "too many failed login attempts; try again later")
                    .with_retry_after(wait.as_secs() + 1),
            );
        }
    }

    let user = match Email::parse(&req.email) {
        Ok(email) => app.store.find_user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    // Unknown accounts are verified against a dummy hash: same cost, no timing oracle. (The
    // dummy is made on first use, on the blocking pool too.)
    let phc = user.as_ref().map(|u| u.password_hash.clone());
    let password = req.password;
    let matches = crate::memory::run_heavy(move || {
        account::verify_password(&password, phc.as_deref().unwrap_or_else(|| account::dummy_hash()))
    })
    .await
    .map_err(ApiError::internal)?;
    let user = match user {
        Some(user) if matches && !user.is_disabled() => user,
        _ => {
            app.login_by_account.record_failure(&account_key, now);
            app.login_by_address.record_failure(&address, now);
            app.metrics.login_failures.inc();
            tracing::info!(client = %address, "failed login");
            return Err(ApiError::new(
                Code::InvalidCredentials,
                "the email or the password is wrong",
            ));
        }
    };
    app.login_by_account.reset(&account_key);

    let token = secret::generate(SESSION_PREFIX);
    let csrf = secret::generate(CSRF_PREFIX);
    let ttl_ms = i64::try_from(app.config.session_ttl.as_millis()).unwrap_or(i64::MAX);
    let expires_at = app.clock.now_ms().saturating_add(ttl_ms);
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(256).collect::<String>());
    let csrf_plain = secret::expose(&csrf.plain).to_owned();
    app.store
        .insert_session(NewSession {
            token_hash: &token.hash,
            csrf_token: &csrf_plain,
            user_id: &user.id,
            expires_at,
            client_ip: Some(&address),
            user_agent: user_agent.as_deref(),
        })
        .await?;
    let [session_cookie, csrf_cookie] = authn::session_cookies(
        &app,
        secret::expose(&token.plain).to_owned(),
        csrf_plain.clone(),
        ttl_ms / 1000,
    );
    tracing::info!(user_id = %user.id, "signed in");
    Ok((
        jar.add(session_cookie).add(csrf_cookie),
        Json(LoginResponse {
            user: user.into(),
            csrf_token: csrf_plain,
            expires_at: to_datetime(expires_at),
        }),
    ))
}

/// End the current portal session and clear its cookies.
#[utoipa::path(post, path = "/auth/logout", tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(
    State(app): State<AppState>,
    auth: Auth,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar), ApiError> {
    if let Via::Session { session_id } = &auth.via {
        app.store.delete_session(session_id).await?;
    }
    let [a, b] = authn::cleared_cookies(&app);
    Ok((StatusCode::NO_CONTENT, jar.add(a).add(b)))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"user": {"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "email": "ada@example.org", "display_name": "Ada", "created_at": "2026-11-29T21:00:00Z"}, "memberships": [{"org_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "org_slug": "acme", "org_name": "Acme", "role": "developer", "operator": false}], "authenticated_by": "session"}))]
pub struct MeResponse {
    pub user: UserResponse,
    pub memberships: Vec<MembershipResponse>,
    /// `session` or `token`.
    #[schema(example = "session")]
    pub authenticated_by: String,
}

/// The caller's account and roles.
#[utoipa::path(get, path = "/me", tag = "accounts",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = MeResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_me(State(app): State<AppState>, auth: Auth) -> Result<Json<MeResponse>, ApiError> {
    let user = app
        .store
        .find_user(&auth.subject.user_id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(Json(MeResponse {
        user: user.into(),
        memberships: auth.subject.memberships.into_iter().map(Into::into).collect(),
        authenticated_by: match auth.via {
            Via::Session { .. } => "session".into(),
            Via::Token { .. } => "token".into(),
        },
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "correct horse battery", "new_password": "a new long passphrase"}))]
pub struct UpdatePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Change the caller's password. Ends every other session and revokes every personal access
/// token of the account.
#[utoipa::path(put, path = "/me/password", tag = "accounts",
    security(("session" = []), ("bearer" = [])),
    request_body = UpdatePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "Not signed in, or the current password is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password does not meet the policy", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_password(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<UpdatePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let new = Password::parse(&req.new_password).map_err(|m| ApiError::invalid_field("/new_password", m))?;
    let user = app
        .store
        .find_user(&auth.subject.user_id)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    let current = req.current_password;
    let phc = user.password_hash.clone();
    let ok = crate::memory::run_heavy(move || account::verify_password(&current, &phc))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(ApiError::new(Code::InvalidCredentials, "the current password is wrong"));
    }
    let phc = hash_blocking(new.as_str().to_owned()).await?;
    let keep = match &auth.via {
        Via::Session { session_id } => Some(session_id.as_str()),
        Via::Token { .. } => None,
    };
    app.store.update_password(&user.id, &phc, keep).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Argon2id on the blocking pool (about 20 ms of CPU, 19 MiB, given back afterwards).
pub async fn hash_blocking(password: String) -> Result<String, ApiError> {
    crate::memory::run_heavy(move || {
        let parsed = Password::parse(&password).map_err(anyhow::Error::msg)?;
        account::hash_password(&parsed)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when the
/// installation is configured to trust its reverse proxy.
pub fn client_address(app: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    if app.config.trust_forwarded_for
        && let Some(first) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        return first.to_owned();
    }
    peer.ip().to_string()
}
