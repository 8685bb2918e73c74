//! Operations: liveness, readiness, Prometheus metrics, and the problem-type documentation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::{ApiError, Code, Problem};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .routes(routes!(list_problems))
        .routes(routes!(find_problem))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct StatusResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = StatusResponse)))]
pub async fn healthz() -> Json<StatusResponse> {
    Json(StatusResponse { status: "ok" })
}

/// Readiness: the database answers and every migration is applied.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, body = StatusResponse),
        (status = 503, description = "Not ready", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(State(app): State<AppState>) -> Result<Json<StatusResponse>, ApiError> {
    match app.store.ready().await {
        Ok(()) => Ok(Json(StatusResponse { status: "ready" })),
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "not ready");
            Err(ApiError::new(
                Code::ServiceUnavailable,
                "the database is not reachable or not migrated",
            ))
        }
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String)))]
pub async fn metrics(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        app.metrics.render() + &app.deployer.gateway().render_metrics(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "not_found", "status": 404, "title": "Not found", "description": "The resource does not exist, or you may not see it."}))]
pub struct ProblemTypeResponse {
    #[schema(example = "not_found")]
    pub code: &'static str,
    pub status: u16,
    pub title: &'static str,
    pub description: &'static str,
}

impl From<Code> for ProblemTypeResponse {
    fn from(code: Code) -> Self {
        Self {
            code: code.as_str(),
            status: code.status().as_u16(),
            title: code.title(),
            description: code.description(),
        }
    }
}

/// Every error code this API returns, with its meaning.
#[utoipa::path(get, path = "/api/problems", tag = "operations",
    responses((status = 200, body = Vec<ProblemTypeResponse>)))]
pub async fn list_problems() -> Json<Vec<ProblemTypeResponse>> {
    Json(Code::ALL.iter().copied().map(Into::into).collect())
}

/// The meaning of one error code: the target of every problem's `type`.
#[utoipa::path(get, path = "/api/problems/{code}", tag = "operations",
    params(("code" = String, Path, example = "not_found")),
    responses(
        (status = 200, body = ProblemTypeResponse),
    ))]
pub async fn find_problem(Path(code): Path<String>) -> Result<Json<ProblemTypeResponse>, ApiError> {
    Code::parse(&code)
        .map(|c| Json(c.into()))
        .ok_or(ApiError::not_found("problem type"))
}
