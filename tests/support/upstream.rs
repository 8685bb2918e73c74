//! The one stub backend of the test suites (`tests/api`, `tests/gateway_core`,
//! `tests/gateway_streaming.rs` include this file): real HTTP/1.1 on 127.0.0.1:0, with the
//! paths the tests need to make a backend slow, failing, streaming or unhealthy.
#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// A stub backend. Every request bumps `hits`.
///
/// * `GET /ws`: WebSocket echo;
/// * `*/slow`: answers after 2 s;
/// * `*/delay/{ms}`: answers after that many milliseconds;
/// * `*/status/{code}`: answers with that status;
/// * `/health`: answers with the status in `health` (200 at first), counted in `health_hits`;
/// * `*/upload`: reads the body as a stream, answers with its length;
/// * `*/download/{n}`: streams `n` bytes;
/// * anything else: JSON echo of method, path and headers, plus `x-upstream: {name}`.
pub struct Upstream {
    pub addr: SocketAddr,
    /// `http://{addr}`.
    pub url: String,
    pub hits: Arc<AtomicUsize>,
    /// TCP connections accepted.
    pub conns: Arc<AtomicUsize>,
    /// What `/health` answers.
    pub health: Arc<AtomicU16>,
    pub health_hits: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Upstream {
    pub async fn start(name: &'static str) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind upstream");
        let addr = listener.local_addr().expect("addr");
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        let conns = Arc::new(AtomicUsize::new(0));
        let accepted = Arc::clone(&conns);
        let health = Arc::new(AtomicU16::new(200));
        let health_hits = Arc::new(AtomicUsize::new(0));
        let (answer, probed) = (Arc::clone(&health), Arc::clone(&health_hits));
        let app = Router::new()
            .route(
                "/health",
                any(move || {
                    probed.fetch_add(1, Ordering::SeqCst);
                    let status = StatusCode::from_u16(answer.load(Ordering::SeqCst)).unwrap_or(StatusCode::OK);
                    async move { status }
                }),
            )
            .route("/ws", any(ws_echo))
            .route("/download/{n}", any(download))
            .fallback(move |req: Request| echo(name, req))
            .layer(axum::middleware::from_fn(
                move |req: Request, next: axum::middleware::Next| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    next.run(req)
                },
            ));
        // Own accept loop: aborting the task closes every connection too,
        // which is what "the upstream went away" means.
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                accepted.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nodelay(true);
                let svc = hyper_util::service::TowerToHyperService::new(app.clone());
                conns.spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Upstream {
            addr,
            url: format!("http://{addr}"),
            hits,
            conns,
            health,
            health_hits,
            task,
        }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Closes the listener and every open connection.
    pub async fn stop(&self) {
        self.task.abort();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn ws_echo(ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(|mut socket: WebSocket| async move {
        while let Some(Ok(msg)) = socket.recv().await {
            if socket.send(msg).await.is_err() {
                break;
            }
        }
    })
}

async fn download(Path(n): Path<u64>) -> Response {
    static CHUNK: [u8; 64 * 1024] = [b'd'; 64 * 1024];
    let full = n / CHUNK.len() as u64;
    let tail = (n % CHUNK.len() as u64) as usize;
    let stream = futures_util::stream::iter(
        (0..full)
            .map(|_| Ok::<_, Infallible>(Bytes::from_static(&CHUNK)))
            .chain((tail > 0).then(|| Ok(Bytes::from_static(&CHUNK[..tail])))),
    );
    Body::from_stream(stream).into_response()
}

async fn echo(name: &'static str, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    if path.ends_with("/slow") {
        tokio::time::sleep(Duration::from_secs(2)).await;
        return "slow".into_response();
    }
    if let Some(ms) = path.split("/delay/").nth(1).and_then(|c| c.parse::<u64>().ok()) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return "delayed".into_response();
    }
    if let Some(code) = path.split("/status/").nth(1).and_then(|c| c.parse::<u16>().ok()) {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
        return (status, [("x-upstream", name)], "status").into_response();
    }
    if path.ends_with("/upload") {
        let mut body = req.into_body();
        let mut n = 0u64;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(f) => n += f.data_ref().map_or(0, |d| d.len() as u64),
                Err(_) => return StatusCode::BAD_REQUEST.into_response(),
            }
        }
        return ([("x-upstream", name)], n.to_string()).into_response();
    }
    let headers: HashMap<String, String> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = serde_json::json!({
        "upstream": name,
        "method": req.method().as_str(),
        "path": path,
        "headers": headers,
    });
    (
        [("x-upstream", name), ("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}
