//! The middleware every control-plane request passes through, outermost first:
//! [`observe`] (request id, tracing span, metrics, access log, time limit, and turning any
//! framework-generated error into problem+json), then panic catching.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::app::AppState;
use crate::error::{ApiError, Code, PROBLEM_JSON};

pub const X_REQUEST_ID: &str = "x-request-id";

/// An incoming request id is kept when it is short and plain; otherwise a new one is made.
fn accepted_request_id(value: &HeaderValue) -> Option<&str> {
    let s = value.to_str().ok()?;
    let ok = (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then_some(s)
}

pub async fn observe(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(X_REQUEST_ID)
        .and_then(accepted_request_id)
        .map_or_else(|| uuid::Uuid::now_v7().simple().to_string(), str::to_owned);
    let request_id_header = HeaderValue::from_str(&request_id).unwrap_or(HeaderValue::from_static("invalid"));
    req.headers_mut().insert(X_REQUEST_ID, request_id_header.clone());
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!("request", method = %method, route = %route, request_id = %request_id);

    app.metrics.http_in_flight.inc();
    let limit = app.config.request_timeout;
    let outcome = tokio::time::timeout(limit, next.run(req))
        .instrument(span.clone())
        .await;
    app.metrics.http_in_flight.dec();

    let mut resp = match outcome {
        Ok(resp) => resp,
        Err(_) => span.in_scope(|| {
            tracing::warn!(?limit, "request timed out");
            ApiError::new(
                Code::Timeout,
                format!(
                    "the request did not finish within {}",
                    humantime::format_duration(limit)
                ),
            )
            .into_response()
        }),
    };
    // Read-your-writes for the embedded gateway: a write that committed a new revision (the
    // store announces it, store::Store::committed) is deployed before its response leaves;
    // remote nodes follow the revision stream.
    if !matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS")
        && resp.status().is_success()
        && let Err(e) = app.deployer.catch_up().instrument(span.clone()).await
    {
        span.in_scope(|| tracing::warn!(error = %format!("{e:#}"), "deploying to the gateway failed"));
    }
    if needs_problem_body(&resp) {
        resp = into_problem(resp);
    }
    resp.headers_mut().insert(X_REQUEST_ID, request_id_header);
    resp.headers_mut()
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));

    let status = resp.status().as_u16();
    let elapsed = started.elapsed();
    app.metrics.observe_http(&method, &route, status, elapsed.as_secs_f64());
    let _enter = span.enter();
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    if matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics") {
        tracing::debug!(status, latency_ms, "served");
    } else if status >= 500 {
        tracing::warn!(status, latency_ms, "served");
    } else {
        tracing::info!(status, latency_ms, "served");
    }
    resp
}

/// Error responses made outside our handlers (405 from the router, 413 from a body limit,
/// rejections of extractors we do not wrap) come with a plain-text or empty body.
fn needs_problem_body(resp: &Response) -> bool {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !(content_type.starts_with(PROBLEM_JSON)
        || content_type.starts_with("application/json")
        || content_type.starts_with("text/html"))
}

/// Replace the body with a problem for the same status, keeping headers such as `Allow`.
fn into_problem(resp: Response) -> Response {
    let status = resp.status();
    let (mut parts, _) = resp.into_parts();
    let (problem_parts, body) = ApiError::from_status(status)
        .into_response_with_status(status)
        .into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in &problem_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// A panicking handler answers 500 problem+json; the panic message is logged, never sent.
pub fn panic_problem(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic");
    ApiError::internal(anyhow::anyhow!("handler panicked: {message}"))
        .into_response_with_status(StatusCode::INTERNAL_SERVER_ERROR)
}
