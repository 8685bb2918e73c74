//! The gateway listener: the data plane for every path, except its own `/healthz`, `/readyz`
//! (503 until the first snapshot is loaded) and `/metrics` (traffic by API and status).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::gateway::Gateway;

pub fn router(gw: Arc<Gateway>, loaded: Arc<AtomicBool>) -> Router {
    let ready = Arc::clone(&gw);
    let metrics = Arc::clone(&gw);
    Router::new()
        .route("/healthz", get(|| async { (StatusCode::OK, "ok") }))
        .route(
            "/readyz",
            get(move || {
                let gw = Arc::clone(&ready);
                let loaded = Arc::clone(&loaded);
                async move {
                    let revision = gw.snapshot().revision;
                    if loaded.load(Ordering::Acquire) {
                        (StatusCode::OK, format!("ready: revision {revision}"))
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, "no snapshot loaded yet".to_owned())
                    }
                }
            }),
        )
        .route(
            "/metrics",
            get(move || {
                let gw = Arc::clone(&metrics);
                async move {
                    (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
                        gw.render_metrics(),
                    )
                        .into_response()
                }
            }),
        )
        .fallback(move |req: Request<Body>| crate::gateway::handle(Arc::clone(&gw), req))
}
