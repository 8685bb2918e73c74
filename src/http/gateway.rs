//! Endpoints for gateway nodes and operators: status, the snapshot, a stream of revisions (SSE),
//! acknowledgements, and usage batches. Nodes authenticate with an operator's personal access
//! token.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, ApiQuery};
use crate::app::AppState;
use crate::domain::ids::to_datetime;
use crate::domain::policy::GlobalPermission;
use crate::error::{ApiError, Problem};
use crate::gateway::protocol::{NodeAck, UsageBatchRequest, UsageBatchResponse};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(find_gateway_status))
        .routes(routes!(find_gateway_snapshot))
        .routes(routes!(stream_gateway_revisions))
        .routes(routes!(update_gateway_node))
        .routes(routes!(create_usage_batch))
}

fn operator(auth: &Auth) -> Result<(), ApiError> {
    auth.check(
        auth.subject.authorize_global(GlobalPermission::ManageOrganizations),
        "gateway",
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GatewayNodeStatus {
    pub node_id: String,
    pub name: String,
    /// The config revision the node runs.
    pub revision: i64,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
    /// Runs the current revision.
    pub current: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"revision": 42, "embedded_revision": 42, "nodes": [{"node_id": "node-0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "edge-1", "revision": 42, "started_at": "2026-11-29T21:00:00Z", "last_seen": "2026-11-29T21:00:00Z", "current": true}]}))]
pub struct GatewayStatus {
    /// The control plane's config revision.
    pub revision: i64,
    /// The revision the embedded gateway of this control-plane process runs.
    pub embedded_revision: i64,
    pub nodes: Vec<GatewayNodeStatus>,
}

/// The revision each gateway node runs (operators).
#[utoipa::path(get, path = "/gateway/status", tag = "gateway",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = GatewayStatus),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_gateway_status(State(app): State<AppState>, auth: Auth) -> Result<Json<GatewayStatus>, ApiError> {
    operator(&auth)?;
    let revision = app.store.config_revision().await?;
    let nodes = app
        .store
        .list_gateway_nodes()
        .await?
        .into_iter()
        .map(|n| GatewayNodeStatus {
            current: n.revision == revision,
            node_id: n.node_id,
            name: n.name,
            revision: n.revision,
            started_at: to_datetime(n.started_at),
            last_seen: to_datetime(n.last_seen),
        })
        .collect();
    Ok(Json(GatewayStatus {
        revision,
        embedded_revision: app.deployer.deployed_revision(),
        nodes,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SnapshotParams {
    /// The revision the node runs: answer with the changes after it (`base` is then set in the
    /// document). Without it, or for a revision the store never reached, the complete snapshot.
    pub since: Option<i64>,
}

/// The current snapshot for a gateway node: routes, credentials (hashed), subscriptions,
/// plans, token keys — complete, or the changes after the node's revision.
#[utoipa::path(get, path = "/gateway/snapshot", tag = "gateway",
    security(("bearer" = [])),
    params(SnapshotParams),
    responses(
        (status = 200, description = "Snapshot document", body = Object, example = json!({
            "revision": 42, "apis": [{"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "context": "/petstore", "version": "1.0.0",
                "is_default": true, "state": "PUBLISHED", "endpoints": [{"url": "https://petstore.internal/v1", "weight": 1}],
                "resources": [["GET", "/pets/{petId}", true]], "cors": {"enabled": false, "allow_origins": ["*"],
                "allow_methods": ["GET"], "allow_headers": [], "expose_headers": [], "allow_credentials": false, "max_age_secs": 600},
                "connect_timeout_ms": 5000, "response_timeout_ms": 30000, "sunset_at": null}],
            "keys": [{"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f", "application_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d60",
                "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "expires_at": null}],
            "subscriptions": [], "plans": [], "jwt_issuer": "https://api.example.com", "jwt_audience": "tollgate",
            "jwt_keys": [], "revoked_tokens": []})),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_gateway_snapshot(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<SnapshotParams>,
) -> Result<Response, ApiError> {
    operator(&auth)?;
    let body = app.deployer.document_json(params.since).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// One server-sent event of the revision stream (a comment line keeps the connection alive every
/// 15 s between events).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"event": "revision", "data": "42"}))]
pub struct RevisionEvent {
    /// Always `revision`.
    #[schema(pattern = "^revision$")]
    pub event: String,
    /// The deployed revision, in decimal: fetch `/api/v1/gateway/snapshot?since=` your own.
    #[schema(pattern = "^[0-9]+$")]
    pub data: String,
}

/// Server-sent events: one `revision` event now and one whenever a new revision is deployed.
#[utoipa::path(get, path = "/gateway/stream", tag = "gateway",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A `text/event-stream`; the schema is that of each event",
            content_type = "text/event-stream", body = RevisionEvent),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stream_gateway_revisions(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    operator(&auth)?;
    let rx = app.deployer.subscribe();
    // The stream ends when the process stops: the node reconnects (to another replica, or to
    // this one when it is back), and the listener drains without waiting for it.
    let stopping = app.stopping.clone();
    let stream = futures_util::stream::unfold((true, rx), move |(first, mut rx)| {
        let stopping = stopping.clone();
        async move {
            if !first {
                tokio::select! {
                    changed = rx.changed() => changed.ok()?,
                    () = stopping.cancelled() => return None,
                }
            }
            let revision = *rx.borrow_and_update();
            Some((
                Ok(Event::default().event("revision").data(revision.to_string())),
                (false, rx),
            ))
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// A node reports the revision it applied.
#[utoipa::path(put, path = "/gateway/nodes/{node_id}", tag = "gateway",
    security(("bearer" = [])),
    params(("node_id" = String, Path)),
    request_body = NodeAck,
    responses(
        (status = 204, description = "Recorded"),
    ))]
pub async fn update_gateway_node(
    State(app): State<AppState>,
    auth: Auth,
    Path(node_id): Path<String>,
    ApiJson(ack): ApiJson<NodeAck>,
) -> Result<axum::http::StatusCode, ApiError> {
    operator(&auth)?;
    if node_id.is_empty() || node_id.len() > 100 || ack.name.len() > 100 {
        return Err(ApiError::bad_request("node ids and names are 1 to 100 characters"));
    }
    app.store.touch_gateway_node(&node_id, &ack.name, ack.revision).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A node's metered usage, in an idempotent batch.
#[utoipa::path(post, path = "/gateway/usage", tag = "gateway",
    security(("bearer" = [])),
    request_body = UsageBatchRequest,
    responses(
        (status = 200, body = UsageBatchResponse),
    ))]
pub async fn create_usage_batch(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(batch): ApiJson<UsageBatchRequest>,
) -> Result<Json<UsageBatchResponse>, ApiError> {
    operator(&auth)?;
    // `tollgate:` ids are the store's own (compacted rows carry one).
    if batch.batch_id.is_empty()
        || batch.batch_id.len() > 200
        || batch.batch_id.starts_with("tollgate:")
        || batch.rows.len() > 100_000
    {
        return Err(ApiError::bad_request(
            "batch ids are 1 to 200 characters and do not start with `tollgate:`; at most 100000 rows",
        ));
    }
    let accepted = app
        .store
        .record_usage_batch(&batch.batch_id, &batch.node_id, &batch.rows)
        .await?;
    Ok(Json(UsageBatchResponse { accepted }))
}
