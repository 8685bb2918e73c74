//! Shared harness: a stub upstream on 127.0.0.1:0, the gateway on
//! 127.0.0.1:0, a keep-alive test client, and snapshot builders.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
#[path = "../support/upstream.rs"]
mod upstream;
use tollgate::gateway::{
    ApiState, Cors, Endpoint, Gateway, GatewayConfig, KeyEntry, LimitCheck, LimitDecision, Limiter, PlanLimits,
    Resource, Snapshot, SnapshotApi, SubscriptionEntry,
};
pub use upstream::Upstream;

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

pub fn api(id: &str, context: &str, version: &str, endpoints: &[&str]) -> SnapshotApi {
    SnapshotApi {
        id: Arc::from(id),
        context: context.into(),
        version: version.into(),
        is_default: false,
        state: ApiState::Published,
        endpoints: endpoints
            .iter()
            .map(|u| Endpoint {
                url: (*u).to_owned(),
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

/// Poll `done` until it holds; fail the test after 10 s.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Drain the gateway's meter into `rows` until `done(rows)` holds (a response's usage is
/// recorded once its body has been sent, just after the client has read it); 10 s at most.
pub async fn drain_until(
    gw: &Gateway,
    rows: &mut Vec<tollgate::gateway::UsageRow>,
    done: impl Fn(&[tollgate::gateway::UsageRow]) -> bool,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        rows.extend(gw.meter().drain().rows);
        if done(rows) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the meter never saw it: {rows:?}");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}
