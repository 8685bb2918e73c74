//! Webhooks: a real receiver on 127.0.0.1 checks every signature with the secret shown at
//! creation; subscription changes are delivered; failures are retried and logged; deliveries
//! can be re-sent; secrets never leave the create/rotate responses; only the organization's
//! admins manage webhooks. Waiting is always a poll with a deadline.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, assert_problem, send};
use crate::scenario::{DEADLINE, Receiver, act, create_api, create_webhook, wait_until};

/// An app whose webhook sender polls often and retries quickly.
async fn fast_app(max_attempts: u32) -> TestApp {
    TestApp::spawn_with(|c| {
        c.webhook_retry_base_delay = Duration::from_millis(10);
        c.webhook_poll_interval = Duration::from_millis(20);
        c.webhook_max_attempts = max_attempts;
    })
    .await
}

async fn delivery(admin: &Client, id: &str) -> Value {
    let (s, body, _) = admin.get(&format!("/api/v1/webhooks/deliveries/{id}")).await;
    assert_eq!(s, 200, "{body}");
    body
}

/// Wait until the delivery is no longer pending; return it.
async fn settled(admin: &Client, id: &str) -> Value {
    let start = std::time::Instant::now();
    loop {
        let d = delivery(admin, id).await;
        if d["state"] != "pending" {
            return d;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "timed out waiting for delivery {id} to settle: {d}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn ping(admin: &Client, webhook: &str) -> Value {
    let (s, body, _) = admin
        .call(Method::POST, &format!("/api/v1/webhooks/{webhook}/test"), None)
        .await;
    assert_eq!(s, 202, "{body}");
    assert_eq!(body["state"], "pending");
    assert_eq!(body["event_type"], "ping");
    body
}

async fn deliveries(admin: &Client, webhook: &str, query: &str) -> Vec<Value> {
    let (s, body, _) = admin
        .get(&format!("/api/v1/webhooks/{webhook}/deliveries{query}"))
        .await;
    assert_eq!(s, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn published_api(publisher: &Client, org: &str, context: &str) -> (String, String) {
    let api = create_api(publisher, org, context).await;
    let id = api["id"].as_str().unwrap().to_owned();
    let (s, b) = act(publisher, &id, "publish").await;
    assert_eq!(s, 200, "{b}");
    (id, api["plan_ids"][0].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn subscription_events_are_delivered_signed_to_the_apis_organization() {
    let app = fast_app(8).await;
    let receiver = Receiver::start(&[], 200).await;
    let other = Receiver::start(&[], 200).await;
    let (org, admin, publisher, _) = app.org_with_members("acme").await;
    let (org_b, admin_b, _, _) = app.org_with_members("beta").await;
    let (hook, secret) = create_webhook(
        &admin,
        &org,
        &receiver.url,
        &["subscription.created", "subscription.changed", "subscription.ended"],
    )
    .await;
    // Listeners that must get nothing: another organization, and an unsubscribed type.
    let (hook_b, _) = create_webhook(&admin_b, &org_b, &other.url, &["subscription.created"]).await;
    let (hook_invoices, _) = create_webhook(&admin, &org, &other.url, &["invoice.finalized"]).await;

    let (api_id, plan) = published_api(&publisher, &org, "/billing").await;
    let dev = app.developer("dev@example.org").await;
    let (s, application, _) = dev
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": "A"})))
        .await;
    assert_eq!(s, 201, "{application}");
    let app_id = application["id"].as_str().unwrap();
    let (s, sub, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": plan})),
        )
        .await;
    assert_eq!(s, 201, "{sub}");
    let sub_id = sub["id"].as_str().unwrap();

    wait_until("subscription.created", || async {
        !receiver.of_type("subscription.created").is_empty()
    })
    .await;
    let got = receiver.of_type("subscription.created").remove(0);
    assert!(got.signed_with(&secret), "signature {} does not verify", got.signature);
    assert_eq!(got.content_type, "application/json");
    let event = got.json();
    assert_eq!(
        got.id,
        event["id"].as_str().unwrap(),
        "Tollgate-Webhook-Id is the event id"
    );
    assert_eq!(event["org_id"], org.as_str());
    assert!(event["created_at"].as_str().unwrap().ends_with('Z'), "{event}");
    let data = &event["data"];
    assert_eq!(data["subscription_id"], sub_id);
    assert_eq!(data["api_id"], api_id.as_str());
    assert_eq!(data["api_name"], "API /billing");
    assert_eq!(data["api_version"], "v1");
    assert_eq!(data["application_id"], app_id);
    assert_eq!(data["plan_id"], plan.as_str());
    assert_eq!(data["state"], "ACTIVE");
    assert!(data["at"].is_string(), "{data}");
    assert!(data.get("previous_state").is_none(), "{data}");

    // Blocking changes it; deleting the application ends it.
    let (s, b, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/subscriptions/{sub_id}/block"),
            Some(json!({"reason": "unpaid"})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, _, _) = dev
        .call(Method::DELETE, &format!("/api/v1/applications/{app_id}"), None)
        .await;
    assert_eq!(s, 204);
    wait_until("subscription.changed and .ended", || async {
        !receiver.of_type("subscription.changed").is_empty() && !receiver.of_type("subscription.ended").is_empty()
    })
    .await;
    let changed = receiver.of_type("subscription.changed");
    assert_eq!(changed.len(), 1);
    let changed = changed[0].json();
    assert_eq!(changed["data"]["state"], "BLOCKED");
    assert_eq!(changed["data"]["previous_state"], "ACTIVE");
    assert_eq!(changed["data"]["reason"], "unpaid");
    let ended = receiver.of_type("subscription.ended")[0].clone();
    assert!(ended.signed_with(&secret));
    let ended = ended.json();
    assert_eq!(ended["data"]["state"], "ENDED");
    assert_eq!(ended["data"]["previous_state"], "BLOCKED");
    assert_eq!(ended["data"]["reason"], "application deleted");

    // The delivery log: newest first, every delivery succeeded at the first attempt.
    let log = deliveries(&admin, &hook, "").await;
    let types: Vec<&str> = log.iter().map(|d| d["event_type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["subscription.ended", "subscription.changed", "subscription.created"]
    );
    for d in &log {
        let d = settled(&admin, d["id"].as_str().unwrap()).await;
        assert_eq!(d["state"], "succeeded", "{d}");
        assert_eq!(d["attempts"], 1);
        assert_eq!(d["last_status_code"], 200);
        assert_eq!(d["attempt_log"].as_array().unwrap().len(), 1);
        assert_eq!(d["payload"]["type"], d["event_type"]);
    }
    let (_, page, _) = admin.get(&format!("/api/v1/webhooks/{hook}/deliveries?limit=2")).await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = deliveries(&admin, &hook, &format!("?limit=2&cursor={cursor}")).await;
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["event_type"], "subscription.created");

    // Nothing for the other organization's endpoint, nor for the unsubscribed type.
    assert!(deliveries(&admin_b, &hook_b, "").await.is_empty());
    assert!(deliveries(&admin, &hook_invoices, "").await.is_empty());
    assert!(other.received().is_empty());
}

#[tokio::test]
async fn failures_are_retried_with_backoff_until_success() {
    let app = fast_app(8).await;
    let receiver = Receiver::start(&[500, 500], 200).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let (hook, secret) = create_webhook(&admin, &org, &receiver.url, &["subscription.created"]).await;
    let queued = ping(&admin, &hook).await;
    let d = settled(&admin, queued["id"].as_str().unwrap()).await;
    assert_eq!(d["state"], "succeeded", "{d}");
    assert_eq!(d["attempts"], 3);
    assert_eq!(d["last_status_code"], 200);
    assert!(d["last_error"].is_null(), "{d}");
    assert!(d["completed_at"].is_string());
    let statuses: Vec<i64> = d["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert!(d["attempt_log"][0]["error"].as_str().unwrap().starts_with("HTTP 500"));

    let got = receiver.received();
    assert_eq!(got.len(), 3, "exactly three attempts");
    for r in &got {
        assert_eq!(
            r.id,
            d["event_id"].as_str().unwrap(),
            "the same event id on every retry"
        );
        assert_eq!(r.body, got[0].body, "the same body on every retry");
        assert!(r.signed_with(&secret));
    }
    assert_eq!(got[0].json()["type"], "ping");
    assert_eq!(got[0].json()["data"]["webhook_id"], hook.as_str());
}

#[tokio::test]
async fn a_delivery_fails_after_max_attempts_and_can_be_resent() {
    let app = fast_app(3).await;
    let receiver = Receiver::start(&[], 503).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let (hook, secret) = create_webhook(&admin, &org, &receiver.url, &["invoice.finalized"]).await;
    let queued = ping(&admin, &hook).await;
    let first = settled(&admin, queued["id"].as_str().unwrap()).await;
    assert_eq!(first["state"], "failed", "{first}");
    assert_eq!(first["attempts"], 3);
    assert_eq!(first["last_status_code"], 503);
    assert!(
        first["last_error"]
            .as_str()
            .unwrap()
            .starts_with("HTTP 503: receiver says hello"),
        "{first}"
    );
    assert!(first["next_attempt_at"].is_null());
    assert_eq!(receiver.received().len(), 3);
    let failed = deliveries(&admin, &hook, "?state=failed").await;
    assert_eq!(failed.len(), 1);
    assert!(deliveries(&admin, &hook, "?state=succeeded").await.is_empty());

    // The receiver is fixed: re-send.
    receiver.answer(204);
    let (s, again, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/deliveries/{}/resend", first["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 202, "{again}");
    assert_eq!(again["resent_from"], first["id"]);
    assert_eq!(again["event_id"], first["event_id"]);
    assert_ne!(again["id"], first["id"]);
    let again = settled(&admin, again["id"].as_str().unwrap()).await;
    assert_eq!(again["state"], "succeeded", "{again}");
    assert_eq!(again["attempts"], 1);
    let got = receiver.received();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].id, first["event_id"].as_str().unwrap());
    assert_eq!(got[3].body, got[0].body);
    assert!(got[3].signed_with(&secret));
    // Newest first.
    let all = deliveries(&admin, &hook, "").await;
    assert_eq!(all[0]["id"], again["id"]);
    assert_eq!(all[1]["id"], first["id"]);
    assert_eq!(
        deliveries(&admin, &hook, "?state=failed").await.len(),
        1,
        "the original stays failed"
    );
}

#[tokio::test]
async fn rotating_the_secret_changes_the_signing_key() {
    let app = fast_app(8).await;
    let receiver = Receiver::start(&[], 200).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let (hook, old) = create_webhook(&admin, &org, &receiver.url, &["quota.reached"]).await;
    let first = ping(&admin, &hook).await;
    settled(&admin, first["id"].as_str().unwrap()).await;

    let (s, rotated, h) = admin
        .call(Method::POST, &format!("/api/v1/webhooks/{hook}/rotate-secret"), None)
        .await;
    assert_eq!(s, 200, "{rotated}");
    assert_eq!(h.get("etag").unwrap(), "\"v2\"");
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert!(new.starts_with("whsec_"));
    assert_ne!(new, old);
    assert!(rotated["secret_rotated_at"].is_string());
    assert!(new.starts_with(rotated["secret_prefix"].as_str().unwrap()));

    let second = ping(&admin, &hook).await;
    let d = settled(&admin, second["id"].as_str().unwrap()).await;
    assert_eq!(d["state"], "succeeded");
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert!(got[0].signed_with(&old) && !got[0].signed_with(&new));
    assert!(got[1].signed_with(&new) && !got[1].signed_with(&old));
}

#[tokio::test]
async fn the_secret_is_shown_once_and_stored_encrypted() {
    let app = fast_app(8).await;
    let receiver = Receiver::start(&[], 200).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let (hook, secret) = create_webhook(&admin, &org, &receiver.url, &["subscription.created"]).await;
    let (s, rotated, _) = admin
        .call(Method::POST, &format!("/api/v1/webhooks/{hook}/rotate-secret"), None)
        .await;
    assert_eq!(s, 200);
    let rotated = rotated["secret"].as_str().unwrap().to_owned();
    let queued = ping(&admin, &hook).await;
    let d = settled(&admin, queued["id"].as_str().unwrap()).await;

    let mut seen = String::new();
    for path in [
        format!("/api/v1/webhooks/{hook}"),
        format!("/api/v1/orgs/{org}/webhooks"),
        format!("/api/v1/webhooks/{hook}/deliveries"),
        format!("/api/v1/webhooks/deliveries/{}", d["id"].as_str().unwrap()),
        format!("/api/v1/orgs/{org}/audit-log"),
    ] {
        let (s, body, _) = admin.get(&path).await;
        assert_eq!(s, 200, "{path}: {body}");
        seen.push_str(&body.to_string());
    }
    assert!(seen.contains("whsec_"), "the prefix is shown");
    assert!(seen.contains("webhook.secret_rotated"), "rotation is audited");
    for s in [&secret, &rotated] {
        assert!(!seen.contains(s.as_str()), "a GET response shows the secret");
    }

    // In the database the secret column holds ciphertext only.
    let store = tollgate::store::Store::connect(&tollgate::config::DatabaseUrl::new(app.db.url.clone()), 1)
        .await
        .unwrap();
    let dump = store.dump_secret_columns_for_tests().await.unwrap();
    assert!(dump.contains("secret_sealed:"), "the column is in the dump");
    for s in [&secret, &rotated] {
        assert!(!dump.contains(s.as_str()), "the secret is stored in plaintext");
        assert!(
            !dump.contains(&hex::encode(s.as_bytes())),
            "the secret is stored as hex"
        );
        let tail = &s[s.len() - 20..];
        assert!(!dump.contains(tail), "part of the secret is stored in plaintext");
    }
    store.close().await;
}

#[tokio::test]
async fn only_the_organizations_admins_manage_its_webhooks() {
    let app = fast_app(8).await;
    let receiver = Receiver::start(&[], 200).await;
    let (org, admin, publisher, developer) = app.org_with_members("acme").await;
    let (_, admin_b, _, _) = app.org_with_members("beta").await;
    let (hook, _) = create_webhook(&admin, &org, &receiver.url, &["subscription.created"]).await;
    let queued = ping(&admin, &hook).await;
    let d = settled(&admin, queued["id"].as_str().unwrap()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let create = json!({"url": receiver.url, "event_types": ["subscription.created"]});
    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/orgs/{org}/webhooks"), None),
        (Method::POST, format!("/api/v1/orgs/{org}/webhooks"), Some(create)),
        (Method::GET, format!("/api/v1/webhooks/{hook}"), None),
        (
            Method::PATCH,
            format!("/api/v1/webhooks/{hook}"),
            Some(json!({"url": "https://attacker.example/x"})),
        ),
        (Method::DELETE, format!("/api/v1/webhooks/{hook}"), None),
        (Method::POST, format!("/api/v1/webhooks/{hook}/rotate-secret"), None),
        (Method::POST, format!("/api/v1/webhooks/{hook}/test"), None),
        (Method::GET, format!("/api/v1/webhooks/{hook}/deliveries"), None),
        (Method::GET, format!("/api/v1/webhooks/deliveries/{d}"), None),
        (Method::POST, format!("/api/v1/webhooks/deliveries/{d}/resend"), None),
    ];
    for (who, client, status, code) in [
        ("admin of another organization", &admin_b, 404, "not_found"),
        ("developer of the organization", &developer, 403, "forbidden"),
        ("publisher of the organization", &publisher, 403, "forbidden"),
        ("anonymous", &app.anonymous(), 401, "unauthenticated"),
    ] {
        for (method, path, body) in &endpoints {
            let (s, b, h) = client.call(method.clone(), path, body.clone()).await;
            assert_eq!(s.as_u16(), status, "{who}: {method} {path}: {b}");
            assert_problem(s, &b, &h, status, code);
        }
    }
    // Nothing changed.
    let (s, w, _) = admin.get(&format!("/api/v1/webhooks/{hook}")).await;
    assert_eq!(s, 200);
    assert_eq!(w["url"], receiver.url.as_str());
    assert_eq!(w["secret_rotated_at"], Value::Null);
    assert_eq!(deliveries(&admin, &hook, "").await.len(), 1);
    assert_eq!(receiver.received().len(), 1);
    // Unknown and malformed ids are 404 too.
    for path in [
        "/api/v1/webhooks/0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e".to_owned(),
        "/api/v1/webhooks/not-an-id".to_owned(),
        "/api/v1/webhooks/deliveries/0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e".to_owned(),
    ] {
        let (s, b, h) = admin.get(&path).await;
        assert_problem(s, &b, &h, 404, "not_found");
    }
    // The operator's admin may (it operates the installation).
    let (s, _, _) = app.admin().await.get(&format!("/api/v1/webhooks/{hook}")).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn bad_input_is_a_problem() {
    let app = fast_app(8).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let path = format!("/api/v1/orgs/{org}/webhooks");
    let cases = [
        (
            json!({"url": "ftp://example.com/x", "event_types": ["subscription.created"]}),
            "/url",
        ),
        (
            json!({"url": "https://u:p@example.com/x", "event_types": ["subscription.created"]}),
            "/url",
        ),
        (
            json!({"url": format!("https://example.com/{}", "a".repeat(2100)), "event_types": ["subscription.created"]}),
            "/url",
        ),
        (
            json!({"url": "https://example.com/x", "event_types": ["invoice.paid"]}),
            "/event_types/0",
        ),
        (
            json!({"url": "https://example.com/x", "event_types": []}),
            "/event_types",
        ),
        (
            json!({"url": "https://example.com/x", "event_types": ["ping"]}),
            "/event_types/0",
        ),
    ];
    for (body, pointer) in cases {
        let (s, b, h) = admin.call(Method::POST, &path, Some(body.clone())).await;
        assert_problem(s, &b, &h, 422, "validation_failed");
        assert_eq!(b["errors"][0]["pointer"], pointer, "{body}: {b}");
    }
    // Malformed JSON is 400 invalid_json; a wrong shape and an unknown field are 422 at the field.
    let (s, b, h) = send(
        admin
            .request(Method::POST, &path)
            .header("content-type", "application/json")
            .body("{\"url\": "),
    )
    .await;
    assert_problem(s, &b, &h, 400, "invalid_json");
    for (body, pointer) in [
        (
            json!({"url": "https://example.com/x", "event_types": "subscription.created"}),
            "/event_types",
        ),
        (
            json!({"url": "https://example.com/x", "event_types": ["subscription.created"], "secret": "mine"}),
            "/secret",
        ),
    ] {
        let (s, b, h) = admin.call(Method::POST, &path, Some(body)).await;
        assert_problem(s, &b, &h, 422, "validation_failed");
        assert_eq!(b["errors"][0]["pointer"], pointer, "{b}");
    }

    let (hook, _) = create_webhook(&admin, &org, "http://127.0.0.1:9/hook", &["subscription.created"]).await;
    let (s, b, h) = admin
        .get(&format!("/api/v1/webhooks/{hook}/deliveries?state=lost"))
        .await;
    assert_problem(s, &b, &h, 400, "bad_request");
    let (s, b, h) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/{hook}"),
            Some(json!({"url": "gopher://example.com"})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    // If-Match: a stale version is 412; the current one works.
    let stale = admin
        .request(Method::PATCH, &format!("/api/v1/webhooks/{hook}"))
        .header("if-match", "\"v7\"")
        .json(&json!({"enabled": false}));
    let (s, b, h) = send(stale).await;
    assert_problem(s, &b, &h, 412, "precondition_failed");
    let fresh = admin
        .request(Method::PATCH, &format!("/api/v1/webhooks/{hook}"))
        .header("if-match", "\"v1\"")
        .json(&json!({"enabled": false, "description": "paused"}));
    let (s, b, h) = send(fresh).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(h.get("etag").unwrap(), "\"v2\"");
    assert_eq!(b["enabled"], false);
    assert_eq!(b["event_types"], json!(["subscription.created"]));
    // A disabled endpoint cannot be tested.
    let (s, b, h) = admin
        .call(Method::POST, &format!("/api/v1/webhooks/{hook}/test"), None)
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    // Deleting is final.
    let (s, _, _) = admin
        .call(Method::DELETE, &format!("/api/v1/webhooks/{hook}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, b, h) = admin.get(&format!("/api/v1/webhooks/{hook}")).await;
    assert_problem(s, &b, &h, 404, "not_found");
}

#[tokio::test]
async fn approvals_plan_changes_and_retirement_are_announced() {
    let app = fast_app(8).await;
    let receiver = Receiver::start(&[], 200).await;
    let (org, admin, publisher, _) = app.org_with_members("acme").await;
    let (hook, _) = create_webhook(
        &admin,
        &org,
        &receiver.url,
        &["subscription.created", "subscription.changed", "subscription.ended"],
    )
    .await;
    let (s, gated, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/plans"),
            Some(json!({"name": "Gated", "requires_approval": true})),
        )
        .await;
    assert_eq!(s, 201, "{gated}");
    let gated = gated["id"].as_str().unwrap().to_owned();
    let (api_id, free) = published_api(&publisher, &org, "/orders").await;
    let (s, b, _) = publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/apis/{api_id}"),
            Some(json!({"plan_ids": [free, gated]})),
        )
        .await;
    assert_eq!(s, 200, "{b}");

    let dev = app.developer("dev@example.org").await;
    let (_, application, _) = dev
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": "Shop"})))
        .await;
    let app_id = application["id"].as_str().unwrap();
    let (s, sub, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": gated})),
        )
        .await;
    assert_eq!(s, 201, "{sub}");
    let sub_id = sub["id"].as_str().unwrap().to_owned();
    let approve = format!("/api/v1/subscriptions/{sub_id}/approve");
    let change = |plan: &str| json!({"plan_id": plan});
    let (s, b, _) = publisher.call(Method::POST, &approve, None).await;
    assert_eq!(s, 200, "{b}");
    let sub_path = format!("/api/v1/subscriptions/{sub_id}");
    let (s, b, _) = dev.call(Method::PATCH, &sub_path, Some(change(&free))).await;
    assert_eq!(s, 200, "{b}");
    // A change to a gated plan waits for approval: announced only when approved.
    let (s, b, _) = dev.call(Method::PATCH, &sub_path, Some(change(&gated))).await;
    assert_eq!(b["pending_plan_id"], gated.as_str(), "{b}");
    assert_eq!(s, 200);
    let (s, b, _) = publisher.call(Method::POST, &approve, None).await;
    assert_eq!(s, 200, "{b}");
    for action in ["deprecate", "retire"] {
        let (s, b) = act(&publisher, &api_id, action).await;
        assert_eq!(s, 200, "{action}: {b}");
    }

    // The log in creation order, once everything arrived.
    let mut log = deliveries(&admin, &hook, "").await;
    log.reverse();
    let mut data = Vec::new();
    for d in &log {
        let d = settled(&admin, d["id"].as_str().unwrap()).await;
        assert_eq!(d["state"], "succeeded", "{d}");
        data.push((
            d["event_type"].as_str().unwrap().to_owned(),
            d["payload"]["data"].clone(),
        ));
    }
    let summary: Vec<(&str, &str, &str, &str)> = data
        .iter()
        .map(|(t, d)| {
            let plan = d["plan_id"].as_str().unwrap();
            let plan = if plan == free { "free" } else { "gated" };
            let previous = match d["previous_plan_id"].as_str() {
                None => "-",
                Some(p) if p == free => "free",
                Some(_) => "gated",
            };
            (t.as_str(), d["state"].as_str().unwrap(), plan, previous)
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("subscription.created", "PENDING", "gated", "-"),
            ("subscription.changed", "ACTIVE", "gated", "-"),
            ("subscription.changed", "ACTIVE", "free", "gated"),
            ("subscription.changed", "ACTIVE", "gated", "free"),
            ("subscription.ended", "ENDED", "gated", "-"),
        ]
    );
    assert_eq!(data[1].1["previous_state"], "PENDING");
    assert_eq!(data[4].1["previous_state"], "ACTIVE");
    assert_eq!(data[4].1["reason"], "API retired");
    assert!(data.iter().all(|(_, d)| d["subscription_id"] == sub_id.as_str()));
    assert_eq!(receiver.received().len(), 5);
}

/// Webhooks may not be aimed at the machine or its private network unless the operator allows
/// it: such URLs are refused when an endpoint is saved, and every delivery checks again after
/// DNS resolution, so an endpoint saved while it was allowed gets nothing once it is not.
#[tokio::test]
async fn internal_addresses_are_refused_unless_allowed() {
    let config = |c: &mut tollgate::config::Config| {
        c.webhook_allow_private_networks = false;
        c.webhook_retry_base_delay = Duration::from_millis(10);
        c.webhook_poll_interval = Duration::from_millis(20);
        c.webhook_max_attempts = 1;
    };
    let app = TestApp::spawn_with(config).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let path = format!("/api/v1/orgs/{org}/webhooks");
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:192.168.0.1]/hook",
        "http://0.0.0.0:9/hook",
    ] {
        let (s, b, h) = admin
            .call(
                Method::POST,
                &path,
                Some(json!({"url": url, "event_types": ["subscription.created"]})),
            )
            .await;
        assert_problem(s, &b, &h, 422, "validation_failed");
        assert_eq!(b["errors"][0]["pointer"], "/url", "{url}: {b}");
        assert!(
            b["errors"][0]["message"].as_str().unwrap().contains("internal address"),
            "{url}: {b}"
        );
    }
    // A public address is fine (nothing is sent on creation).
    let (public, _) = create_webhook(&admin, &org, "http://93.184.216.34/hook", &["subscription.created"]).await;
    // Nor can an endpoint be changed to an internal address.
    let (s, b, h) = admin
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/{public}"),
            Some(json!({"url": "http://127.0.0.1:9/hook"})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");

    // An endpoint saved while internal addresses were allowed: once they are not, its
    // deliveries are refused before anything is sent.
    let db = app.stop().await;
    let allowed = TestApp::spawn_on(db, |c| {
        config(c);
        c.webhook_allow_private_networks = true;
    })
    .await;
    let receiver = Receiver::start(&[], 200).await;
    let admin = allowed.admin().await;
    let by_address = create_webhook(&admin, &org, &receiver.url, &["subscription.created"])
        .await
        .0;
    // A name is checked after it is resolved, at the delivery.
    let by_name_url = receiver.url.replace("127.0.0.1", "localhost");
    let by_name = create_webhook(&admin, &org, &by_name_url, &["subscription.created"])
        .await
        .0;
    let db = allowed.stop().await;
    let strict = TestApp::spawn_on(db, config).await;
    let admin = strict.admin().await;
    for hook in [by_address, by_name] {
        let queued = ping(&admin, &hook).await;
        let d = settled(&admin, queued["id"].as_str().unwrap()).await;
        assert_eq!(d["state"], "failed", "{d}");
        let error = d["last_error"].as_str().unwrap();
        assert!(error.contains("internal address"), "{error}");
    }
    assert!(receiver.received().is_empty(), "nothing reached the receiver");
}

/// Old, settled events go with their deliveries and attempts; pending ones, newer ones and old
/// ones resent since stay.
#[tokio::test]
async fn pruning_removes_old_settled_events_and_nothing_newer() {
    let app = fast_app(1).await;
    let receiver = Receiver::start(&[], 200).await;
    let (org, admin, _, _) = app.org_with_members("acme").await;
    let (hook, _) = create_webhook(&admin, &org, &receiver.url, &["subscription.created"]).await;
    let old = ping(&admin, &hook).await;
    let resent = ping(&admin, &hook).await;
    for d in [&old, &resent] {
        assert_eq!(settled(&admin, d["id"].as_str().unwrap()).await["state"], "succeeded");
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    let cutoff = chrono::Utc::now().timestamp_millis();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let (s, again, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/deliveries/{}/resend", resent["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 202, "{again}");
    settled(&admin, again["id"].as_str().unwrap()).await;
    let newer = ping(&admin, &hook).await;
    settled(&admin, newer["id"].as_str().unwrap()).await;

    let store = &app.running.as_ref().unwrap().state.store;
    assert_eq!(
        store.prune_webhook_events(cutoff, 1).await.unwrap(),
        1,
        "only the old, settled event"
    );
    let (s, _, _) = admin
        .get(&format!("/api/v1/webhooks/deliveries/{}", old["id"].as_str().unwrap()))
        .await;
    assert_eq!(s, 404, "the old delivery went with its event");
    for kept in [&resent, &again, &newer] {
        let (s, body, _) = admin
            .get(&format!("/api/v1/webhooks/deliveries/{}", kept["id"].as_str().unwrap()))
            .await;
        assert_eq!(s, 200, "{body}");
    }
    assert_eq!(
        store.prune_webhook_events(cutoff, 1).await.unwrap(),
        0,
        "nothing else is old"
    );
}
