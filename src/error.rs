//! One error type for the management API, rendered as RFC 9457 `application/problem+json`.
//!
//! Every error has a stable snake_case `code` taken from one table ([`Code`]); the same table
//! documents the codes at `/api/problems/{code}`. Internal causes are logged with the request
//! id (the tracing span carries it) and never sent to the client.

use std::borrow::Cow;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

pub const PROBLEM_JSON: &str = "application/problem+json";

macro_rules! codes {
    ($($variant:ident => ($status:literal, $code:literal, $title:literal, $doc:literal),)+) => {
        /// Stable error codes. Never rename one: clients match on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code { $($variant),+ }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];
            pub fn status(self) -> StatusCode {
                match self { $(Code::$variant => StatusCode::from_u16($status).expect("valid status")),+ }
            }
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code),+ }
            }
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),+ }
            }
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc),+ }
            }
            pub fn parse(code: &str) -> Option<Code> {
                match code { $($code => Some(Code::$variant),)+ _ => None }
            }
        }
    };
}

codes! {
    BadRequest => (400, "bad_request", "Bad request", "The request could not be understood: a malformed parameter, header or query string."),
    InvalidJson => (400, "invalid_json", "Invalid JSON", "The body is not valid JSON; `detail` says where it stops being JSON. A body that is JSON of the wrong shape is `validation_failed`."),
    ValidationFailed => (422, "validation_failed", "Validation failed", "The body is well-formed but some fields are invalid; `errors` lists each field (as a JSON pointer) with a message."),
    Unauthenticated => (401, "unauthenticated", "Authentication required", "Send a session cookie (portal) or `Authorization: Bearer <personal access token>`."),
    InvalidCredentials => (401, "invalid_credentials", "Invalid credentials", "The email or the password is wrong. The response does not say which."),
    CsrfFailed => (403, "csrf_failed", "CSRF check failed", "Cookie-authenticated writes must send the `X-CSRF-Token` header with the token returned at login (also in the `tg_csrf` cookie)."),
    Forbidden => (403, "forbidden", "Forbidden", "You are signed in, but your role does not allow this action."),
    SignupDisabled => (403, "signup_disabled", "Sign-up is disabled", "This installation does not allow self sign-up; ask an administrator for an account."),
    NotFound => (404, "not_found", "Not found", "The resource does not exist, or you may not see it."),
    RouteNotFound => (404, "route_not_found", "No such route", "No endpoint exists at this path. See /api/docs for the API."),
    MethodNotAllowed => (405, "method_not_allowed", "Method not allowed", "The path exists but does not accept this HTTP method; the `Allow` header lists the ones it does."),
    Conflict => (409, "conflict", "Conflict", "The request conflicts with the current state, for example a duplicate name."),
    PreconditionFailed => (412, "precondition_failed", "Precondition failed", "The `If-Match` header does not match the current version of the resource; fetch it again and retry."),
    PayloadTooLarge => (413, "payload_too_large", "Payload too large", "The request body is larger than this endpoint accepts."),
    UnsupportedMediaType => (415, "unsupported_media_type", "Unsupported media type", "Send the body with the content type the endpoint documents, usually `application/json`."),
    TooManyRequests => (429, "too_many_requests", "Too many requests", "Slow down; `Retry-After` says when to try again."),
    LoginThrottled => (429, "login_throttled", "Too many login attempts", "Too many failed logins for this account or from this address; `Retry-After` says when to try again."),
    InternalError => (500, "internal_error", "Internal server error", "Something failed on our side. The failure is logged with the request id echoed in `x-request-id`."),
    ServiceUnavailable => (503, "service_unavailable", "Service unavailable", "A dependency (usually the database) is not available right now."),
    Timeout => (503, "timeout", "Request timed out", "The server did not finish the request within its configured time limit. Retry later."),
    Unknown => (500, "unknown", "Error", "An error response without a more specific code."),
}

pub use crate::domain::FieldError;

/// RFC 9457 problem details, with a stable `code`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "/api/problems/not_found", "title": "Not found", "status": 404,
    "detail": "organization not found", "code": "not_found"}))]
pub struct Problem {
    /// A URI reference that documents the problem type: `/api/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case code; match on this, not on `title` or `detail`.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For 409 on a state machine: the actions allowed from the current state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// The management API's error.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
    detail: Cow<'static, str>,
    errors: Vec<FieldError>,
    allowed: Option<Vec<String>>,
    retry_after_secs: Option<u64>,
    www_authenticate: Option<&'static str>,
    /// Internal cause, logged and never sent.
    cause: Option<anyhow::Error>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(code: Code, detail: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            allowed: None,
            retry_after_secs: None,
            www_authenticate: None,
            cause: None,
        }
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn not_found(what: &'static str) -> Self {
        Self::new(Code::NotFound, format!("{what} not found"))
    }

    pub fn forbidden(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Code::Forbidden, detail)
    }

    pub fn conflict(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Code::Conflict, detail)
    }

    pub fn bad_request(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Code::BadRequest, detail)
    }

    pub fn unauthenticated() -> Self {
        let mut e = Self::new(Code::Unauthenticated, "authentication required");
        e.www_authenticate = Some("Bearer");
        e
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.pointer, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        let mut e = Self::new(Code::ValidationFailed, detail);
        e.errors = errors;
        e
    }

    pub fn invalid_field(pointer: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(pointer, message)])
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut e = Self::new(Code::InternalError, "internal server error");
        e.cause = Some(cause.into());
        e
    }

    pub fn with_allowed(mut self, allowed: Vec<String>) -> Self {
        self.allowed = Some(allowed);
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs.max(1));
        self
    }

    /// A problem for a status produced outside our handlers (axum rejections, layers).
    pub fn from_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => Code::BadRequest,
            401 => Code::Unauthenticated,
            403 => Code::Forbidden,
            404 => Code::RouteNotFound,
            405 => Code::MethodNotAllowed,
            408 | 504 => Code::Timeout,
            409 => Code::Conflict,
            412 => Code::PreconditionFailed,
            413 => Code::PayloadTooLarge,
            415 => Code::UnsupportedMediaType,
            422 => Code::ValidationFailed,
            429 => Code::TooManyRequests,
            500 => Code::InternalError,
            503 => Code::ServiceUnavailable,
            _ => Code::Unknown,
        };
        let mut e = Self::new(code, code.title().to_ascii_lowercase());
        if code == Code::Unknown {
            e.detail = Cow::Owned(status.canonical_reason().unwrap_or("error").to_ascii_lowercase());
        }
        e
    }

    pub fn problem(&self, status: StatusCode) -> Problem {
        Problem {
            kind: format!("/api/problems/{}", self.code.as_str()),
            title: self.code.title().to_owned(),
            status: status.as_u16(),
            detail: self.detail.to_string(),
            code: self.code.as_str().to_owned(),
            errors: self.errors.clone(),
            allowed: self.allowed.clone(),
        }
    }

    /// Render with an explicit status (used when re-wrapping a framework response whose status
    /// has no code of its own, e.g. 418).
    pub fn into_response_with_status(self, status: StatusCode) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!(error = ?cause, code = self.code.as_str(), "request failed");
        }
        let body = self.problem(status);
        let mut resp = (status, Json(body)).into_response();
        let headers = resp.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(challenge) = self.www_authenticate {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        resp
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.code.status();
        self.into_response_with_status(status)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(msg) => ApiError::conflict(msg),
            StoreError::PreconditionFailed => ApiError::new(
                Code::PreconditionFailed,
                "the resource changed since you read it (If-Match does not match); fetch it again",
            ),
            StoreError::Unavailable(cause) => {
                let mut e = ApiError::new(Code::ServiceUnavailable, "the database is not available");
                e.cause = Some(cause.into());
                e
            }
            StoreError::Other(cause) => ApiError::internal(cause),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::internal(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert_eq!(Code::parse(s), Some(*code));
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
    }

    #[test]
    fn internal_cause_is_not_rendered() {
        let err = ApiError::internal(anyhow::anyhow!("password=hunter2 in connection string"));
        let body = serde_json::to_string(&err.problem(StatusCode::INTERNAL_SERVER_ERROR)).unwrap();
        assert!(!body.contains("hunter2"));
        assert!(body.contains("internal_error"));
    }
}
