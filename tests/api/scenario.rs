//! Scenario builders shared by the API tests: a published API, a plan, a subscribed key or
//! application, OAuth2 clients and tokens, lifecycle actions, the operator's token, a webhook
//! receiver, and the one stub backend (`tests/support/upstream.rs`).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{Client, TestApp};
pub use crate::upstream::Upstream;

/// How long a poll waits before it fails the test.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A published API at `context` (version v1) with the given plan and endpoints; returns its id.
pub async fn publish_api(publisher: &Client, org: &str, context: &str, plan: &str, endpoints: Value) -> String {
    let (s, api, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/apis"),
            Some(json!({"name": context, "context": context, "version": "v1", "endpoints": endpoints, "plan_ids": [plan],
                "resources": [{"method": "GET", "path": "/items/{id}"}, {"method": "POST", "path": "/items"},
                              {"method": "GET", "path": "/open", "auth_required": false}, {"method": "PUT", "path": "/upload"},
                              {"method": "GET", "path": "/*"}]})),
        )
        .await;
    assert_eq!(s, 201, "{api}");
    let id = api["id"].as_str().unwrap().to_owned();
    let (s, b) = act(publisher, &id, "publish").await;
    assert_eq!(s, 200, "{b}");
    id
}

pub async fn plan(publisher: &Client, org: &str, body: Value) -> String {
    let (s, p, _) = publisher
        .call(Method::POST, &format!("/api/v1/orgs/{org}/plans"), Some(body))
        .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

/// A developer's application subscribed to `api` on `plan`, with an API key; returns (app id, key, subscription id).
pub async fn subscribed_key(dev: &Client, api: &str, plan: &str) -> (String, String, String) {
    let (app_id, key, sub) = subscribed_app(dev, &format!("app-{}", uuid::Uuid::now_v7()), api, plan).await;
    (app_id, key, sub["id"].as_str().unwrap().to_owned())
}

/// An application named `name` subscribed to `api` on `plan`, with an API key; returns (app
/// id, key, the subscription as the API answered it).
pub async fn subscribed_app(dev: &Client, name: &str, api: &str, plan: &str) -> (String, String, Value) {
    let (s, application, _) = dev
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": name})))
        .await;
    assert_eq!(s, 201, "{application}");
    let app_id = application["id"].as_str().unwrap().to_owned();
    let (s, sub, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/subscriptions"),
            Some(json!({"api_id": api, "plan_id": plan})),
        )
        .await;
    assert_eq!(s, 201, "{sub}");
    let (s, key, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/keys"),
            Some(json!({"name": "k"})),
        )
        .await;
    assert_eq!(s, 201, "{key}");
    (app_id, key["secret"].as_str().unwrap().to_owned(), sub)
}

/// An OAuth client for the application and an access token from the client-credentials grant:
/// (client id, client secret, token).
pub async fn client_credentials(base: &str, dev: &Client, app_id: &str) -> (String, String, String) {
    let (s, client, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/oauth-client"),
            Some(json!({})),
        )
        .await;
    assert_eq!(s, 201, "{client}");
    let (id, secret) = (
        client["client_id"].as_str().unwrap().to_owned(),
        client["client_secret"].as_str().unwrap().to_owned(),
    );
    let token = access_token(base, &id, &secret).await;
    (id, secret, token)
}

/// A fresh access token from `base`'s token endpoint (client credentials, HTTP Basic).
pub async fn access_token(base: &str, id: &str, secret: &str) -> String {
    let token: Value = reqwest::Client::new()
        .post(format!("{base}/oauth2/token"))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().unwrap().to_owned()
}

/// RFC 7662 introspection of `token` at `base`, as the client `id` authenticates.
pub async fn introspect(base: &str, id: &str, secret: &str, token: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{base}/oauth2/introspect"))
        .basic_auth(id, Some(secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub async fn call(gw: &str, path: &str, key: Option<&str>) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new().get(format!("{gw}{path}"));
    if let Some(k) = key {
        req = req.header("apikey", k);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

pub const BACKEND: &str = "http://127.0.0.1:9/backend";

/// Create an API in `org` with an endpoint and one of the org's plans.
pub async fn create_api(c: &Client, org: &str, context: &str) -> Value {
    let plan = first_plan(c, org).await;
    let (s, body, _) = c
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/apis"),
            Some(json!({
                "name": format!("API {context}"), "context": context, "version": "v1",
                "endpoints": [{"url": BACKEND}], "plan_ids": [plan],
                "resources": [{"method": "GET", "path": "/items/{id}"}, {"method": "POST", "path": "/items"}],
                "tags": ["Demo"]
            })),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    body
}

pub async fn first_plan(c: &Client, org: &str) -> String {
    let (s, plans, _) = c.get(&format!("/api/v1/orgs/{org}/plans")).await;
    assert_eq!(s, 200, "{plans}");
    plans["items"][0]["id"].as_str().unwrap().to_owned()
}

pub async fn act(c: &Client, api: &str, action: &str) -> (u16, Value) {
    let (s, b, _) = c
        .call(
            Method::POST,
            &format!("/api/v1/apis/{api}/lifecycle"),
            Some(json!({"action": action, "reason": format!("test {action}")})),
        )
        .await;
    (s.as_u16(), b)
}

pub async fn operator_token(app: &TestApp) -> String {
    let root = app.admin().await;
    let (_, pat, _) = root
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "node"})))
        .await;
    pat["secret"].as_str().unwrap().to_owned()
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) id: String,
    pub(crate) timestamp: String,
    pub(crate) signature: String,
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

impl Received {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// Verify as a receiver would: HMAC-SHA256 keyed with the secret over "{timestamp}.{body}",
    /// hex, in a `v1=` entry; the timestamp close to now.
    pub(crate) fn signed_with(&self, secret: &str) -> bool {
        let ts: i64 = self.timestamp.parse().expect("numeric timestamp");
        let now = chrono::Utc::now().timestamp();
        assert!((now - ts).abs() <= 300, "timestamp {ts} is far from now {now}");
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{ts}.").as_bytes());
        mac.update(&self.body);
        let expected = format!("v1={}", hex::encode(mac.finalize().into_bytes()));
        self.signature.split(' ').any(|s| s == expected)
    }
}

#[derive(Default)]
pub(crate) struct Inbox {
    received: Mutex<Vec<Received>>,
    /// Statuses to answer first, in order; then `otherwise`.
    script: Mutex<VecDeque<u16>>,
    otherwise: Mutex<u16>,
}

/// A webhook receiver on 127.0.0.1:0.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) inbox: Arc<Inbox>,
}

impl Receiver {
    pub(crate) async fn start(script: &[u16], otherwise: u16) -> Receiver {
        let inbox = Arc::new(Inbox {
            script: Mutex::new(script.iter().copied().collect()),
            otherwise: Mutex::new(otherwise),
            ..Inbox::default()
        });
        async fn hook(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            inbox.received.lock().unwrap().push(Received {
                id: header("tollgate-webhook-id"),
                timestamp: header("tollgate-webhook-timestamp"),
                signature: header("tollgate-webhook-signature"),
                content_type: header("content-type"),
                body: body.to_vec(),
            });
            let status = inbox
                .script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(*inbox.otherwise.lock().unwrap());
            (StatusCode::from_u16(status).unwrap(), "receiver says hello")
        }
        let router = axum::Router::new()
            .route("/hook", axum::routing::post(hook))
            .with_state(Arc::clone(&inbox));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Receiver { url, inbox }
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.inbox.received.lock().unwrap().clone()
    }

    pub(crate) fn of_type(&self, event_type: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.json()["type"] == event_type)
            .collect()
    }

    pub(crate) fn answer(&self, status: u16) {
        *self.inbox.otherwise.lock().unwrap() = status;
    }
}

/// Poll `check` until it is true; fail the test after `DEADLINE`.
pub(crate) async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = std::time::Instant::now();
    while !check().await {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn create_webhook(admin: &Client, org: &str, url: &str, types: &[&str]) -> (String, String) {
    let (s, body, h) = admin
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/webhooks"),
            Some(json!({"url": url, "description": "test receiver", "event_types": types})),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    assert!(h.get("etag").is_some());
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 30, "{secret}");
    assert!(secret.starts_with(body["secret_prefix"].as_str().unwrap()));
    (body["id"].as_str().unwrap().to_owned(), secret)
}
