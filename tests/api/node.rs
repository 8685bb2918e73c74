//! A separate `tollgate gateway` process following the control plane.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::helpers::TestApp;
use crate::scenario::{Upstream, operator_token, publish_api, subscribed_key};

struct NodeProcess(Child);

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Poll `path` on the node until it answers `want` (or 2 s pass); returns how long it took.
async fn until(node: &str, path: &str, key: &str, want: u16) -> Duration {
    let started = Instant::now();
    let client = reqwest::Client::new();
    loop {
        let s = client
            .get(format!("{node}{path}"))
            .header("apikey", key)
            .send()
            .await
            .map(|r| r.status().as_u16());
        if s.as_ref().ok() == Some(&want) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "node never answered {want} on {path}: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// A `tollgate gateway` process following `control_plane`, once its
/// `/readyz` answers 200 (its first snapshot is loaded); returns its URL.
async fn start_node(control_plane: &str, token: &str, name: &str, env: &[(&str, &str)]) -> (NodeProcess, String) {
    let (guard, node) = spawn_node(control_plane, token, name, env);
    let started = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{node}/readyz")).await
            && r.status() == 200
        {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "node never became ready");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (guard, node)
}

/// A `tollgate gateway` process following `control_plane`, just started; returns its URL.
fn spawn_node(control_plane: &str, token: &str, name: &str, env: &[(&str, &str)]) -> (NodeProcess, String) {
    let port = free_port();
    let node = format!("http://127.0.0.1:{port}");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tollgate"));
    cmd.args([
        "gateway",
        "--control-plane",
        control_plane,
        "--token",
        token,
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--name",
        name,
    ])
    .env("TOLLGATE_LOG", "warn")
    .env("TOLLGATE_USAGE_FLUSH_INTERVAL", "100ms")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    (NodeProcess(cmd.spawn().unwrap()), node)
}

/// A node that has not loaded a snapshot cannot tell whether an API exists: every API path
/// answers 503 `gateway_not_ready` with `Retry-After: 1` — never 404 — for as long as its
/// control plane is away, and `/readyz` says 503 too.
#[tokio::test]
async fn a_node_without_a_snapshot_answers_503_not_404() {
    let nowhere = format!("http://127.0.0.1:{}", free_port());
    let (_node, node) = spawn_node(&nowhere, "tgp_not-checked-while-unreachable", "lonely", &[]);
    let started = Instant::now();
    while reqwest::get(format!("{node}/healthz")).await.is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "node never listened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for path in ["/petstore/v1/pets", "/", "/anything/at/all"] {
        let r = reqwest::Client::new()
            .get(format!("{node}{path}"))
            .header("apikey", "tg_whatever")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503, "{path}");
        assert_eq!(r.headers()["retry-after"], "1", "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["code"], "gateway_not_ready", "{path}: {body}");
    }
    assert_eq!(reqwest::get(format!("{node}/readyz")).await.unwrap().status(), 503);
}

/// Two separate gateway processes sharing Redis: under concurrent load,
/// together they admit exactly the plan's quota.
#[tokio::test]
async fn two_node_processes_sharing_redis_admit_exactly_the_quota() {
    let Ok(redis) = std::env::var("TOLLGATE_TEST_REDIS_URL") else {
        eprintln!(
            "two_node_processes_sharing_redis_admit_exactly_the_quota DID NOT RUN: set TOLLGATE_TEST_REDIS_URL (.ci/run does)"
        );
        return;
    };
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("r").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let quota = crate::scenario::plan(
        &publisher,
        &org,
        json!({"name": "Fifty", "quota": {"requests": 50, "period": "day"}}),
    )
    .await;
    let api = publish_api(&publisher, &org, "/pair", &quota, json!([{"url": upstream.url}])).await;
    let dev = app.developer("pair@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &quota).await;
    // Both nodes start after the key exists: their first snapshot has it.
    let token = operator_token(&app).await;
    let env = [("TOLLGATE_REDIS_URL", redis.as_str())];
    let (_a, node_a) = start_node(&app.base, &token, "pair-a", &env).await;
    let (_b, node_b) = start_node(&app.base, &token, "pair-b", &env).await;

    let client = reqwest::Client::new();
    let mut calls = Vec::new();
    for i in 0..200 {
        let node = if i % 2 == 0 { node_a.clone() } else { node_b.clone() };
        let (client, key) = (client.clone(), key.clone());
        calls.push(tokio::spawn(async move {
            let r = client
                .get(format!("{node}/pair/v1/items/1"))
                .header("apikey", key)
                .send()
                .await
                .unwrap();
            (i % 2, r.status().as_u16())
        }));
    }
    // Which node wins the race for the quota varies; that each node answered
    // all of its calls, and the total admitted is exact, does not.
    let (mut admitted, mut answered) = (0, [0, 0]);
    for c in calls {
        let (node, status) = c.await.unwrap();
        answered[node] += 1;
        match status {
            200 => admitted += 1,
            429 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(answered, [100, 100], "each process answered its share");
    assert_eq!(
        admitted, 50,
        "two gateway processes sharing Redis admit exactly the quota"
    );
}

/// A node stopped gracefully hands its usage to the control plane; the node started after it
/// (no Redis) takes the quota's count from its first snapshot instead of starting from zero.
#[tokio::test]
async fn a_restarted_node_goes_on_from_the_metered_quota() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("n").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let five = crate::scenario::plan(
        &publisher,
        &org,
        json!({"name": "Five", "quota": {"requests": 5, "period": "day"}}),
    )
    .await;
    let api = publish_api(&publisher, &org, "/five", &five, json!([{"url": upstream.url}])).await;
    let dev = app.developer("five@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &five).await;
    let token = operator_token(&app).await;
    let admitted = |node: String, n| {
        let key = key.clone();
        async move { crate::quota_restarts::admitted(&node, "/five/v1/items/1", &key, n, Duration::ZERO).await }
    };

    let (first, node) = start_node(&app.base, &token, "first", &[]).await;
    assert_eq!(admitted(node, 3).await, 3);
    // SIGTERM: the node flushes its usage before it exits.
    let pid = first.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut first = first;
    let stopped = Instant::now();
    while first.0.try_wait().unwrap().is_none() {
        assert!(stopped.elapsed() < Duration::from_secs(20), "the node did not stop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_second, node) = start_node(&app.base, &token, "second", &[]).await;
    assert_eq!(
        admitted(node, 10).await,
        2,
        "the new node counts on from the 3 calls the first one metered"
    );
    assert_eq!(upstream.hits.load(std::sync::atomic::Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_gateway_node_follows_the_control_plane_and_survives_its_absence() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("n").await;
    let token = operator_token(&app).await;

    let (_guard, node) = start_node(&app.base, &token, "test-node", &[]).await;

    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let plan = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(&publisher, &org, "/remote", &plan, json!([{"url": upstream.url}])).await;
    let dev = app.developer("node@example.org").await;
    let (app_id, key, sub) = subscribed_key(&dev, &api, &plan).await;
    let propagated = until(&node, "/remote/v1/items/1", &key, 200).await;
    eprintln!("node: new key honoured {propagated:?} after the call returned");
    assert!(propagated < Duration::from_secs(1));

    // Revocation reaches the node within a second.
    let (_, keys, _) = dev.get(&format!("/api/v1/applications/{app_id}/keys")).await;
    let key_id = keys["items"][0]["id"].as_str().unwrap();
    dev.call(
        Method::DELETE,
        &format!("/api/v1/applications/{app_id}/keys/{key_id}"),
        None,
    )
    .await;
    let revoked = until(&node, "/remote/v1/items/1", &key, 401).await;
    eprintln!("node: revocation honoured after {revoked:?}");
    assert!(revoked < Duration::from_secs(1));

    // The node reports its revision and its usage.
    let (_, key2, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/keys"),
            Some(json!({"name": "k2"})),
        )
        .await;
    let key2 = key2["secret"].as_str().unwrap().to_owned();
    until(&node, "/remote/v1/items/1", &key2, 200).await;
    for _ in 0..20 {
        assert_eq!(
            reqwest::Client::new()
                .get(format!("{node}/remote/v1/items/1"))
                .header("apikey", &key2)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let root = app.admin().await;
    let (_, status, _) = root.get("/api/v1/gateway/status").await;
    let revision = status["revision"].as_i64().unwrap();
    let ours = status["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "test-node")
        .cloned()
        .expect("node listed");
    assert_eq!(ours["revision"].as_i64(), Some(revision), "{status}");
    let store = tollgate::store::Store::connect(&tollgate::config::DatabaseUrl::new(app.db.url.clone()), 1)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // 21 successful calls with key2 (one in `until`, 20 in the loop), plus the earlier ones.
        let counted = store.usage_requests(&api, Some(&sub)).await.unwrap();
        if counted >= 21 {
            break;
        }
        assert!(Instant::now() < deadline, "usage not reported: {counted}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Control plane gone: the node keeps serving its last snapshot.
    app.stop().await;
    for _ in 0..5 {
        let r = reqwest::Client::new()
            .get(format!("{node}/remote/v1/items/1"))
            .header("apikey", &key2)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

/// Stopping the control plane with nodes connected ends their revision streams, so it takes
/// about as long as the requests in flight — not the whole `shutdown_timeout` (here 30 s) the
/// never-ending streams used to hold it for.
#[tokio::test]
async fn the_control_plane_stops_at_once_with_nodes_connected() {
    let app = TestApp::spawn_with(|c| c.shutdown_timeout = Duration::from_secs(30)).await;
    let token = operator_token(&app).await;
    let (_a, node_a) = start_node(&app.base, &token, "stop-a", &[]).await;
    let (_b, _node_b) = start_node(&app.base, &token, "stop-b", &[]).await;
    let started = Instant::now();
    app.stop().await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "the stop took {took:?}");
    // The nodes keep serving their snapshot meanwhile.
    assert_eq!(reqwest::get(format!("{node_a}/readyz")).await.unwrap().status(), 200);
}

/// Usage batches are idempotent by id, and ids in the store's own `tollgate:` namespace (the
/// compacted rows' batch) are refused, so no node batch is taken for a retry of it.
#[tokio::test]
async fn usage_batches_are_idempotent_and_the_store_namespace_is_refused() {
    let app = TestApp::spawn().await;
    let token = operator_token(&app).await;
    let http = reqwest::Client::new();
    let post = |batch_id: &'static str| {
        http.post(format!("{}/api/v1/gateway/usage", app.base))
            .bearer_auth(&token)
            .json(&json!({"batch_id": batch_id, "node_id": "n1", "rows": []}))
            .send()
    };
    let refused = post("tollgate:compacted").await.unwrap();
    assert_eq!(refused.status(), 400);
    let first: serde_json::Value = post("b-1").await.unwrap().json().await.unwrap();
    assert_eq!(first["accepted"], true);
    let again: serde_json::Value = post("b-1").await.unwrap().json().await.unwrap();
    assert_eq!(again["accepted"], false, "a retried batch adds nothing");
}
