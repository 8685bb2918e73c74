//! Who is calling: the [`Auth`] extractor. Credentials are a portal session cookie (with CSRF
//! protection on writes) or `Authorization: Bearer <personal access token>`. What the caller
//! may do is decided by `domain::policy`; [`deny`] maps its answer to 404/403.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::app::AppState;
use crate::domain::policy::{Denial, Subject};
use crate::domain::secret::{self, PERSONAL_TOKEN_PREFIX, SESSION_PREFIX};
use crate::error::{ApiError, Code};

pub const SESSION_COOKIE: &str = "tg_session";
pub const CSRF_COOKIE: &str = "tg_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    Session { session_id: String },
    Token { token_id: String },
}

/// An authenticated caller. Extracting it fails with 401 when there is no valid credential,
/// and with 403 `csrf_failed` for a cookie-authenticated write without the CSRF token.
#[derive(Debug, Clone)]
pub struct Auth {
    pub subject: Subject,
    pub via: Via,
}

impl Auth {
    /// The policy's answer for this caller, as an API error.
    pub fn check(&self, decision: Result<(), Denial>, what: &'static str) -> Result<(), ApiError> {
        decision.map_err(|d| deny(d, what))
    }
}

pub fn deny(denial: Denial, what: &'static str) -> ApiError {
    match denial {
        Denial::NotFound => ApiError::not_found(what),
        Denial::Forbidden => ApiError::forbidden(format!("your role does not allow this action on this {what}")),
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            // A bearer credential is never combined with (or replaced by) a cookie.
            let value = value.to_str().map_err(|_| ApiError::unauthenticated())?;
            let token = value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
                .map(str::trim)
                .ok_or_else(ApiError::unauthenticated)?;
            if !secret::looks_like(PERSONAL_TOKEN_PREFIX, token) {
                return Err(ApiError::unauthenticated());
            }
            let row = app
                .store
                .find_live_token(&secret::sha256_hex(token))
                .await?
                .ok_or_else(ApiError::unauthenticated)?;
            let subject = load_subject(app, &row.user_id).await?;
            return Ok(Auth {
                subject,
                via: Via::Token { token_id: row.id },
            });
        }

        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(ApiError::unauthenticated());
        };
        if !secret::looks_like(SESSION_PREFIX, cookie.value()) {
            return Err(ApiError::unauthenticated());
        }
        let session = app
            .store
            .find_session(&secret::sha256_hex(cookie.value()))
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        if !is_safe(&parts.method) {
            let presented = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !secret::constant_time_eq(presented, &session.csrf_token) {
                return Err(ApiError::new(
                    Code::CsrfFailed,
                    "cookie-authenticated writes need the X-CSRF-Token header",
                ));
            }
        }
        let subject = load_subject(app, &session.user_id).await?;
        Ok(Auth {
            subject,
            via: Via::Session { session_id: session.id },
        })
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn load_subject(app: &AppState, user_id: &str) -> Result<Subject, ApiError> {
    let user = app
        .store
        .find_user(user_id)
        .await?
        .filter(|u| !u.is_disabled())
        .ok_or_else(ApiError::unauthenticated)?;
    let memberships = app.store.memberships_of(user_id).await?;
    Ok(Subject {
        user_id: user.id,
        email: user.email,
        memberships,
    })
}

/// The two cookies of a portal session. The CSRF cookie is readable by the portal's script,
/// which echoes it in `X-CSRF-Token`; another site can neither read it nor set the header.
pub fn session_cookies(app: &AppState, token: String, csrf: String, max_age_secs: i64) -> [Cookie<'static>; 2] {
    let secure = app.config.secure_cookies();
    let max_age = time_duration(max_age_secs);
    let session = Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .build();
    let csrf = Cookie::build((CSRF_COOKIE, csrf))
        .http_only(false)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(max_age)
        .build();
    [session, csrf]
}

/// Cookies that clear the session in the browser.
pub fn cleared_cookies(app: &AppState) -> [Cookie<'static>; 2] {
    session_cookies(app, String::new(), String::new(), 0)
}

fn time_duration(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs)
}

/// `Option<Auth>`: anonymous when the request carries no credential at all; a credential that
/// is present but invalid is still a 401.
impl axum::extract::OptionalFromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Option<Self>, Self::Rejection> {
        let has_bearer = parts.headers.contains_key(header::AUTHORIZATION);
        let has_session = CookieJar::from_headers(&parts.headers).get(SESSION_COOKIE).is_some();
        if !has_bearer && !has_session {
            return Ok(None);
        }
        <Auth as FromRequestParts<AppState>>::from_request_parts(parts, app)
            .await
            .map(Some)
    }
}

/// What the catalog lets this caller see.
pub fn viewer(auth: Option<&Auth>) -> crate::store::Viewer {
    let Some(auth) = auth else {
        return crate::store::Viewer::default();
    };
    let mut roles: Vec<&'static str> = auth.subject.memberships.iter().map(|m| m.role.as_str()).collect();
    roles.sort_unstable();
    roles.dedup();
    crate::store::Viewer {
        signed_in: true,
        operator: auth.subject.is_operator(),
        org_ids: auth.subject.memberships.iter().map(|m| m.org_id.clone()).collect(),
        roles,
    }
}
