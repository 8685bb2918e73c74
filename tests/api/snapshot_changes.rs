//! Incremental snapshots: after every kind of change that affects traffic, the changes a node
//! fetches (`GET /gateway/snapshot?since=r`), applied to the snapshot it ran, give exactly the
//! complete snapshot — and carry only what changed.

use reqwest::Method;
use serde_json::{Value, json};
use tollgate::gateway::protocol::SnapshotDoc;
use tollgate::gateway::snapshot::Snapshot;

use crate::helpers::{Client, TestApp, assert_problem};
use crate::scenario::operator_token;
use crate::scenario::{act, first_plan};
use crate::scenario::{client_credentials, plan, publish_api, subscribed_key};

fn now_ms() -> i64 {
    tollgate::domain::clock::Clock::system().now_ms()
}

/// Everything a snapshot holds, in a stable order.
fn canonical(s: &Snapshot) -> Value {
    let mut apis: Vec<String> = s.apis.iter().map(|a| format!("{a:?}")).collect();
    apis.sort();
    let mut keys: Vec<String> = s
        .keys
        .iter()
        .map(|(hash, k)| {
            format!(
                "{} {} {} {:?}",
                hex::encode(hash),
                k.key_id,
                k.application_id,
                k.expires_at_ms
            )
        })
        .collect();
    keys.sort();
    let mut subscriptions: Vec<String> = s
        .subscriptions
        .iter()
        .map(|((app, api), e)| format!("{app} {api} {} {} {}", e.subscription_id, e.plan_id, e.active))
        .collect();
    subscriptions.sort();
    let mut plans: Vec<String> = s.plans.values().map(|p| format!("{p:?}")).collect();
    plans.sort();
    let mut kids: Vec<&String> = s.jwt.keys.keys().collect();
    kids.sort();
    let mut revoked: Vec<String> = s.jwt.revoked_jti.iter().map(|(j, at)| format!("{j} {at}")).collect();
    revoked.sort();
    json!({
        "revision": s.revision, "apis": apis, "keys": keys, "subscriptions": subscriptions, "plans": plans,
        "kids": kids, "issuer": s.jwt.issuer, "audience": s.jwt.audience, "revoked": revoked,
    })
}

/// A node's view: the snapshot it runs, kept up to date from changes only.
struct Follower {
    operator: Client,
    running: Snapshot,
}

impl Follower {
    async fn doc(&self, query: &str) -> SnapshotDoc {
        let (s, body, _) = self.operator.get(&format!("/api/v1/gateway/snapshot{query}")).await;
        assert_eq!(s, 200, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Apply the changes since the running revision; check them against the complete
    /// snapshot; return the change document.
    async fn follow(&mut self, step: &str) -> SnapshotDoc {
        let change = self.doc(&format!("?since={}", self.running.revision)).await;
        assert_eq!(
            change.base,
            Some(self.running.revision),
            "{step}: a change, not a complete snapshot"
        );
        let next = change.apply(&self.running, now_ms()).unwrap();
        let complete = self.doc("").await;
        assert_eq!(complete.base, None);
        let expected = complete.apply(&Snapshot::default(), now_ms()).unwrap();
        assert_eq!(
            canonical(&next),
            canonical(&expected),
            "{step}: changes ≠ complete snapshot"
        );
        assert!(next.revision > self.running.revision, "{step}: the revision moved on");
        self.running = next;
        change
    }
}

async fn operator(app: &TestApp) -> Client {
    Client::with_bearer(&app.base, &operator_token(app).await)
}

#[tokio::test]
async fn changes_applied_to_the_running_snapshot_equal_the_complete_snapshot() {
    let app = TestApp::spawn().await;
    let operator = operator(&app).await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = first_plan(&publisher, &org).await;
    let gold = plan(
        &publisher,
        &org,
        json!({"name": "Paced", "rate_limit": {"requests": 5, "period": "second"}}),
    )
    .await;
    let mut follower = Follower {
        running: Snapshot::default(),
        operator,
    };
    let first = follower.doc("").await;
    follower.running = first.apply(&Snapshot::default(), now_ms()).unwrap();

    // The catalog travels when it changes, and only then.
    let api = publish_api(
        &publisher,
        &org,
        "/delta",
        &unlimited,
        json!([{"url": "http://127.0.0.1:9"}]),
    )
    .await;
    let change = follower.follow("publish").await;
    assert!(
        change.apis.is_some() && change.plans.is_some(),
        "a publication carries the catalog"
    );
    let (s, b, _) = publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/apis/{api}"),
            Some(json!({"plan_ids": [unlimited, gold]})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    follower.follow("plans offered").await;

    let dev = app.developer("delta@example.org").await;
    let (app_id, _, sub) = subscribed_key(&dev, &api, &unlimited).await;
    let change = follower.follow("application, subscription, key").await;
    assert!(
        change.apis.is_none() && change.plans.is_none(),
        "keys and subscriptions leave the catalog out"
    );
    assert_eq!(
        (change.keys.len(), change.subscriptions.len()),
        (1, 1),
        "only what changed"
    );

    // Keys: another, revoked, rotated.
    let keys = format!("/api/v1/applications/{app_id}/keys");
    let (_, second, _) = dev.call(Method::POST, &keys, Some(json!({"name": "second"}))).await;
    let change = follower.follow("second key").await;
    assert_eq!(change.keys.len(), 1);
    let second = second["id"].as_str().unwrap();
    let (s, _, _) = dev.call(Method::DELETE, &format!("{keys}/{second}"), None).await;
    assert_eq!(s, 204);
    let change = follower.follow("key revoked").await;
    assert!(change.keys.len() == 1 && change.keys[0].gone, "{:?}", change.keys);
    let (_, list, _) = dev.get(&keys).await;
    let live = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["revoked_at"].is_null())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, b, _) = dev
        .call(
            Method::POST,
            &format!("{keys}/{live}/rotate"),
            Some(json!({"grace_period_secs": 3600})),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    follower.follow("key rotated").await;

    // Subscriptions: blocked, unblocked, re-planned.
    for (who, method, path, body) in [
        (
            &publisher,
            Method::POST,
            format!("/api/v1/subscriptions/{sub}/block"),
            Some(json!({"reason": "r"})),
        ),
        (
            &publisher,
            Method::POST,
            format!("/api/v1/subscriptions/{sub}/unblock"),
            None,
        ),
        (
            &dev,
            Method::PATCH,
            format!("/api/v1/subscriptions/{sub}"),
            Some(json!({"plan_id": gold})),
        ),
    ] {
        let (s, b, _) = who.call(method, &path, body).await;
        assert_eq!(s, 200, "{path}: {b}");
        let change = follower.follow(&path).await;
        assert_eq!(change.subscriptions.len(), 1);
    }

    // Tokens: one issued and revoked.
    let (id, secret, token) = client_credentials(&app.base, &dev, &app_id).await;
    let http = reqwest::Client::new();
    let revoked = http
        .post(format!("{}/oauth2/revoke", app.base))
        .basic_auth(&id, Some(&secret))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let change = follower.follow("token revoked").await;
    assert_eq!(change.revoked_tokens.len(), 1);
    assert_eq!(follower.running.jwt.revoked_jti.len(), 1);

    // A new version carries subscriptions over; the old one is deprecated, then retired.
    let (s, v2, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{api}/versions"),
            Some(json!({"version": "v2"})),
        )
        .await;
    assert_eq!(s, 201, "{v2}");
    let v2 = v2["id"].as_str().unwrap();
    assert_eq!(act(&publisher, v2, "publish").await.0, 200);
    let change = follower.follow("v2 published").await;
    assert_eq!(change.apis.as_ref().map(Vec::len), Some(2));
    assert_eq!(follower.running.subscriptions.len(), 2, "carried over to v2");
    assert_eq!(act(&publisher, &api, "deprecate").await.0, 200);
    follower.follow("v1 deprecated").await;
    assert_eq!(act(&publisher, &api, "retire").await.0, 200);
    follower.follow("v1 retired").await;
    assert_eq!(follower.running.subscriptions.len(), 1, "v1's subscription ended");

    // Deleting the application revokes its keys and ends its subscriptions.
    let (s, _, _) = dev
        .call(Method::DELETE, &format!("/api/v1/applications/{app_id}"), None)
        .await;
    assert_eq!(s, 204);
    follower.follow("application deleted").await;
    assert!(follower.running.keys.is_empty() && follower.running.subscriptions.is_empty());
}

#[tokio::test]
async fn a_base_the_store_never_reached_gets_the_complete_snapshot() {
    let app = TestApp::spawn().await;
    let operator = operator(&app).await;
    let (_, current, _) = operator.get("/api/v1/gateway/snapshot").await;
    let revision = current["revision"].as_i64().unwrap();
    for since in [revision + 1, 1_000_000, -1] {
        let (s, doc, _) = operator.get(&format!("/api/v1/gateway/snapshot?since={since}")).await;
        assert_eq!(s, 200);
        assert!(doc.get("base").is_none(), "since={since}: {doc}");
        assert!(doc["apis"].is_array(), "since={since}: complete");
    }
    let (s, doc, _) = operator
        .get(&format!("/api/v1/gateway/snapshot?since={revision}"))
        .await;
    assert_eq!((s.as_u16(), doc["base"].as_i64()), (200, Some(revision)), "{doc}");
    let (s, b, h) = operator.get("/api/v1/gateway/snapshot?since=yesterday").await;
    assert_problem(s, &b, &h, 400, "bad_request");
    // Developers cannot read credentials' hashes, complete or changed.
    let dev = app.developer("curious@example.org").await;
    for query in ["", "?since=0"] {
        let (s, b, h) = dev.get(&format!("/api/v1/gateway/snapshot{query}")).await;
        assert_problem(s, &b, &h, 403, "forbidden");
    }
}
