//! Shared harness: a stub upstream on 127.0.0.1:0, the gateway on
//! 127.0.0.1:0, a keep-alive test client, and snapshot builders.
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
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tollgate::gateway::{
    ApiState, Cors, Endpoint, Gateway, GatewayConfig, KeyEntry, LimitCheck, LimitDecision, Limiter, PlanLimits,
    Resource, Snapshot, SnapshotApi, SubscriptionEntry,
};

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
            hits,
            conns,
            health,
            health_hits,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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

// ---------------------------------------------------------------------------
// Gateway and client
// ---------------------------------------------------------------------------

/// Starts `gw` on 127.0.0.1:0 with the hyper-direct server.
pub async fn start_gateway(gw: Arc<Gateway>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind gateway");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(tollgate::gateway::serve(gw, listener));
    addr
}

/// Starts `gw` behind axum (`Router::fallback` + connect info).
pub async fn start_gateway_axum(gw: Arc<Gateway>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind gateway");
    let addr = listener.local_addr().expect("addr");
    let app = tollgate::gateway::router(gw).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

pub type TestClient = Client<HttpConnector, Body>;

pub fn client() -> TestClient {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build_http()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The echo's view of a request header.
    pub fn seen(&self, name: &str) -> Option<String> {
        self.json()["headers"][name].as_str().map(str::to_owned)
    }
}

pub async fn call(c: &TestClient, method: Method, url: &str, headers: &[(&str, &str)], body: Body) -> Reply {
    let mut req = http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = c.request(req.body(body).expect("request")).await.expect("response");
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

pub async fn get(c: &TestClient, url: &str, headers: &[(&str, &str)]) -> Reply {
    call(c, Method::GET, url, headers, Body::empty()).await
}

// ---------------------------------------------------------------------------
// Snapshot builders
// ---------------------------------------------------------------------------

pub fn api(id: &str, context: &str, version: &str, endpoints: &[String]) -> SnapshotApi {
    SnapshotApi {
        id: Arc::from(id),
        context: context.into(),
        version: version.into(),
        is_default: false,
        state: ApiState::Published,
        endpoints: endpoints
            .iter()
            .map(|u| Endpoint {
                url: u.clone(),
                weight: 1,
            })
            .collect(),
        resources: vec![
            res("GET", "/pets/{petId}", true),
            res("POST", "/pets", true),
            res("*", "/*", true),
            res("GET", "/open", false),
        ],
        cors: Cors::default(),
        connect_timeout_ms: 1_000,
        response_timeout_ms: 5_000,
        sunset_at_ms: None,
        health_check: None,
    }
}

pub fn res(method: &str, path: &str, auth_required: bool) -> Resource {
    Resource {
        method: method.into(),
        path: path.into(),
        auth_required,
    }
}

pub const KEY_APP1: &str = "tg_key_app1_aaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const KEY_APP2: &str = "tg_key_app2_bbbbbbbbbbbbbbbbbbbbbbbbbb";
pub const KEY_EXPIRED: &str = "tg_key_old_cccccccccccccccccccccccccc";
pub const KEY_LIMITED: &str = "tg_key_lim_dddddddddddddddddddddddddd";
pub const KEY_PENDING: &str = "tg_key_pen_eeeeeeeeeeeeeeeeeeeeeeeeee";

/// app1 is subscribed (active) to every API in `apis`; app2 to none; the
/// "limited" app's subscription is denied by [`TestLimiter`]; the "pending"
/// app's subscription is inactive.
pub fn snapshot(revision: i64, apis: Vec<SnapshotApi>) -> Snapshot {
    let mut s = Snapshot {
        revision,
        ..Snapshot::default()
    };
    let key = |s: &mut Snapshot, plain: &str, id: &str, app: &str, exp: Option<i64>| {
        s.keys.insert(
            Snapshot::hash_key(plain),
            KeyEntry {
                key_id: Arc::from(id),
                application_id: Arc::from(app),
                expires_at_ms: exp,
            },
        );
    };
    key(&mut s, KEY_APP1, "k1", "app1", Some(i64::MAX));
    key(&mut s, KEY_APP2, "k2", "app2", None);
    key(&mut s, KEY_EXPIRED, "k3", "app1", Some(1_000));
    key(&mut s, KEY_LIMITED, "k4", "limited", None);
    key(&mut s, KEY_PENDING, "k5", "pending", None);
    s.plans.insert(
        Arc::from("gold"),
        PlanLimits {
            plan_id: Arc::from("gold"),
            policy: Default::default(),
        },
    );
    for api in apis {
        for (app, active) in [("app1", true), ("limited", true), ("pending", false)] {
            s.subscriptions.insert(
                (Arc::from(app), Arc::clone(&api.id)),
                SubscriptionEntry {
                    subscription_id: Arc::from(format!("sub-{app}-{}", api.id)),
                    plan_id: Arc::from("gold"),
                    active,
                    quota_floor: None,
                },
            );
        }
        s.apis.push(Arc::new(api));
    }
    s
}

/// Denies subscriptions of the "limited" application, admits the rest with a
/// `RateLimit` header.
#[derive(Default)]
pub struct TestLimiter {
    pub checks: AtomicUsize,
}

impl Limiter for TestLimiter {
    fn check<'a>(&'a self, subscription: &'a SubscriptionEntry, _plan: &'a PlanLimits) -> LimitCheck<'a> {
        self.checks.fetch_add(1, Ordering::Relaxed);
        let header = (
            HeaderName::from_static("ratelimit"),
            HeaderValue::from_static("limit=100, remaining=99"),
        );
        LimitCheck::Ready(if subscription.subscription_id.starts_with("sub-limited-") {
            LimitDecision::Denied {
                retry_after_secs: 7,
                quota_exceeded: false,
                headers: vec![header],
            }
        } else {
            LimitDecision::Allowed { headers: vec![header] }
        })
    }
}

pub fn new_gateway(config: GatewayConfig) -> (Arc<Gateway>, Arc<TestLimiter>) {
    let limiter = Arc::new(TestLimiter::default());
    let gw = Arc::new(Gateway::new(config, Arc::clone(&limiter) as Arc<dyn Limiter>));
    (gw, limiter)
}

/// VmRSS of this process in KiB.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
