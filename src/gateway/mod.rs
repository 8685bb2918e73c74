//! The data plane. It serves API traffic on its own listener from an immutable snapshot of
//! the published APIs and never calls the database or the management handlers per request
//! (ARCHITECTURE.md §6). Until an API is published the snapshot is empty, so every request is
//! answered with a 404 problem.

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::PROBLEM_JSON;

pub fn router() -> Router {
    Router::new().fallback(no_route)
}

async fn no_route() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(axum::http::header::CONTENT_TYPE, PROBLEM_JSON)],
        json!({
            "type": "/api/problems/route_not_found",
            "title": "No such route",
            "status": 404,
            "detail": "no published API matches this path",
            "code": "route_not_found",
        })
        .to_string(),
    )
        .into_response()
}
