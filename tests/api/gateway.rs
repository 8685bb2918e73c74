//! The embedded gateway end to end: a real upstream on 127.0.0.1, keys and tokens from the key
//! manager, lifecycle states, plan limits, load balancing, metering.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};
use crate::scenario::{Upstream, act, call, client_credentials, plan, publish_api, subscribed_key};

#[tokio::test]
async fn keys_subscriptions_and_lifecycle_are_enforced() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("a").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(
        &publisher,
        &org,
        "/shop",
        &unlimited,
        json!([{"url": format!("{}/base", upstream.url)}]),
    )
    .await;
    let dev = app.developer("gw@example.org").await;
    let (app_id, key, _) = subscribed_key(&dev, &api, &unlimited).await;
    let gw = &app.gateway;

    // Valid key: 200 with the upstream's body, prefix rewritten, credential not forwarded.
    let (s, h, body) = call(gw, "/shop/v1/items/42?x=1", Some(&key)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["path"], "/base/items/42?x=1");
    assert!(
        body["headers"].get("apikey").is_none(),
        "the credential is not forwarded"
    );
    assert_eq!(body["headers"]["x-forwarded-for"], "127.0.0.1");
    assert!(body["headers"]["x-request-id"].is_string());
    assert!(h.get("x-request-id").is_some());
    // The default version answers without the version segment.
    assert_eq!(call(gw, "/shop/items/42", Some(&key)).await.0, 200);
    // Open resources need no key.
    assert_eq!(call(gw, "/shop/v1/open", None).await.0, 200);

    // No key, a wrong key, an unsubscribed application's key.
    let (s, h, body) = call(gw, "/shop/v1/items/1", None).await;
    assert_eq!(s, 401, "{body}");
    assert!(h.get("www-authenticate").is_some());
    assert_eq!(h["content-type"], "application/problem+json");
    assert_eq!(
        call(
            gw,
            "/shop/v1/items/1",
            Some("tg_wrongwrongwrongwrongwrongwrongwrongwrong")
        )
        .await
        .0,
        401
    );
    let (_, other_app, _) = dev
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "unsubscribed"})),
        )
        .await;
    let other = other_app["id"].as_str().unwrap();
    let (_, other_key, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{other}/keys"),
            Some(json!({"name": "k"})),
        )
        .await;
    let (s, _, body) = call(gw, "/shop/v1/items/1", other_key["secret"].as_str()).await;
    assert_eq!(s, 403, "{body}");

    // Unknown route and wrong method.
    assert_eq!(call(gw, "/nothing/here", Some(&key)).await.0, 404);
    let resp = reqwest::Client::new()
        .delete(format!("{gw}/shop/v1/items/1"))
        .header("apikey", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert!(resp.headers()["allow"].to_str().unwrap().contains("GET"));

    // Revocation: refused as soon as the revoke call has returned.
    let (_, keys, _) = dev.get(&format!("/api/v1/applications/{app_id}/keys")).await;
    let key_id = keys["items"][0]["id"].as_str().unwrap();
    dev.call(
        Method::DELETE,
        &format!("/api/v1/applications/{app_id}/keys/{key_id}"),
        None,
    )
    .await;
    assert_eq!(call(gw, "/shop/v1/items/1", Some(&key)).await.0, 401);
    let (_, key2, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/keys"),
            Some(json!({"name": "k2"})),
        )
        .await;
    let key = key2["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        call(gw, "/shop/v1/items/1", Some(&key)).await.0,
        200,
        "a new key works at once"
    );

    // BLOCKED: 503 and the upstream sees nothing.
    act(&publisher, &api, "block").await;
    let before = upstream.hits();
    let (s, _, body) = call(gw, "/shop/v1/items/1", Some(&key)).await;
    assert_eq!(s, 503, "{body}");
    assert_eq!(upstream.hits(), before);
    // DEPRECATED: served, with Deprecation.
    act(&publisher, &api, "deprecate").await;
    let (s, h, _) = call(gw, "/shop/v1/items/1", Some(&key)).await;
    assert_eq!(s, 200);
    assert!(h.get("deprecation").is_some(), "{h:?}");
    // RETIRED: gone.
    act(&publisher, &api, "retire").await;
    assert_eq!(call(gw, "/shop/v1/items/1", Some(&key)).await.0, 404);
}

#[tokio::test]
async fn prototypes_need_no_subscription_and_blocked_subscriptions_are_refused() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("p").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(&publisher, &org, "/proto", &unlimited, json!([{"url": upstream.url}])).await;
    let dev = app.developer("p@example.org").await;
    let (_, key, sub) = subscribed_key(&dev, &api, &unlimited).await;
    publisher
        .call(
            Method::POST,
            &format!("/api/v1/subscriptions/{sub}/block"),
            Some(json!({"reason": "x"})),
        )
        .await;
    assert_eq!(call(&app.gateway, "/proto/v1/items/1", Some(&key)).await.0, 403);
    publisher
        .call(Method::POST, &format!("/api/v1/subscriptions/{sub}/unblock"), None)
        .await;
    assert_eq!(call(&app.gateway, "/proto/v1/items/1", Some(&key)).await.0, 200);

    // Another API as a prototype: any valid key may call it.
    let (_, second, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/apis"),
            Some(json!({"name": "p2", "context": "/proto2", "version": "v1", "endpoints": [{"url": upstream.url}]})),
        )
        .await;
    act(&publisher, second["id"].as_str().unwrap(), "deploy_as_prototype").await;
    assert_eq!(call(&app.gateway, "/proto2/v1/anything", Some(&key)).await.0, 200);
}

#[tokio::test]
async fn jwt_access_tokens_are_verified_locally_and_revocation_applies_at_once() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("j").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(&publisher, &org, "/jwt", &unlimited, json!([{"url": upstream.url}])).await;
    let dev = app.developer("jwt@example.org").await;
    let (app_id, _, _) = subscribed_key(&dev, &api, &unlimited).await;
    let (id, secret, jwt) = client_credentials(&app.base, &dev, &app_id).await;
    let (id, secret, jwt) = (id.as_str(), secret.as_str(), jwt.as_str());
    let bearer = |t: &str| {
        reqwest::Client::new()
            .get(format!("{}/jwt/v1/items/1", app.gateway))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(bearer(jwt).await.unwrap().status(), 200);
    let mut forged = jwt.to_owned();
    forged.pop();
    assert_eq!(bearer(&forged).await.unwrap().status(), 401);
    let revoked = reqwest::Client::new()
        .post(format!("{}/oauth2/revoke", app.base))
        .basic_auth(id, Some(secret))
        .form(&[("token", jwt)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        bearer(jwt).await.unwrap().status(),
        401,
        "revoked tokens are refused at once"
    );
}

#[tokio::test]
async fn rate_limit_admits_the_burst_then_paces_and_quota_is_exact() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("r").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let rate = plan(
        &publisher,
        &org,
        json!({"name": "Ten", "rate_limit": {"requests": 10, "period": "second", "burst": 10}}),
    )
    .await;
    let quota = plan(
        &publisher,
        &org,
        json!({"name": "Fifty", "quota": {"requests": 50, "period": "day"}}),
    )
    .await;
    let api_rate = publish_api(&publisher, &org, "/rated", &rate, json!([{"url": upstream.url}])).await;
    let api_quota = publish_api(&publisher, &org, "/quota", &quota, json!([{"url": upstream.url}])).await;
    let dev = app.developer("rate@example.org").await;
    let (_, rate_key, _) = subscribed_key(&dev, &api_rate, &rate).await;
    let (_, quota_key, _) = subscribed_key(&dev, &api_quota, &quota).await;

    // 20 calls at once: the burst of 10 is admitted, the rest is refused (plus at most the
    // tokens that refill, one per 100 ms, while the calls are in flight).
    let client = reqwest::Client::new();
    let started = Instant::now();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            client
                .get(format!("{}/rated/v1/items/1", app.gateway))
                .header("apikey", &rate_key)
                .send()
        })
        .collect();
    let responses = futures_util::future::join_all(calls).await;
    let refill = (started.elapsed().as_millis() / 100) as usize;
    let mut admitted = 0;
    let mut denied_headers = None;
    for r in responses {
        let r = r.unwrap();
        match r.status().as_u16() {
            200 => admitted += 1,
            429 => denied_headers = Some(r.headers().clone()),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        admitted >= 10 && admitted <= 10 + refill,
        "{admitted} admitted of 20 (refill allowance {refill})"
    );
    let h = denied_headers.expect("some calls were limited");
    assert!(h["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(h.get_all("retry-after").iter().count(), 1, "one Retry-After: {h:?}");
    assert!(
        h.get("ratelimit-policy").is_some() && h.get("ratelimit").is_some(),
        "{h:?}"
    );
    assert_eq!(h["content-type"], "application/problem+json");
    // Pacing: empty the bucket, then one call per 100 ms gets through.
    while call(&app.gateway, "/rated/v1/items/1", Some(&rate_key)).await.0 == 200 {}
    app.hand.advance(Duration::from_millis(250));
    let (s, _, _) = call(&app.gateway, "/rated/v1/items/1", Some(&rate_key)).await;
    assert_eq!(s, 200, "paced: a token came back");

    let mut ok = 0;
    for _ in 0..60 {
        if call(&app.gateway, "/quota/v1/items/1", Some(&quota_key)).await.0 == 200 {
            ok += 1;
        }
    }
    assert_eq!(ok, 50, "a daily quota of 50 admits exactly 50");
}

#[tokio::test]
async fn weights_split_traffic_and_failed_endpoints_are_ejected() {
    let app = TestApp::spawn().await;
    let a = Upstream::start("a").await;
    let b = Upstream::start("b").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(
        &publisher,
        &org,
        "/lb",
        &unlimited,
        json!([{"url": a.url, "weight": 1}, {"url": b.url, "weight": 3}]),
    )
    .await;
    let dev = app.developer("lb@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &unlimited).await;
    let client = reqwest::Client::new();
    for _ in 0..2000 {
        let r = client
            .get(format!("{}/lb/v1/items/1", app.gateway))
            .header("apikey", &key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let share_b = b.hits() as f64 / 2000.0;
    assert!((share_b - 0.75).abs() <= 0.05, "b got {share_b}");

    a.stop().await;
    // Failover: calls that cannot connect to a go to b, so none fails (issue 14: 200 calls right
    // after, 0 × 502), and a is ejected after the threshold.
    let mut failures = 0;
    for _ in 0..200 {
        let r = client
            .get(format!("{}/lb/v1/items/1", app.gateway))
            .header("apikey", &key)
            .send()
            .await
            .unwrap();
        if r.status() != 200 {
            failures += 1;
        }
    }
    assert_eq!(failures, 0, "{failures} calls failed although b was up");
    let before = b.hits();
    for _ in 0..40 {
        let r = client
            .get(format!("{}/lb/v1/items/1", app.gateway))
            .header("apikey", &key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "after ejection every call goes to the healthy endpoint"
        );
    }
    assert_eq!(b.hits() - before, 40);
}

/// Active health checks set on an API reach the gateway: an endpoint that fails its probes is
/// out before any call fails; bad settings are refused field by field; null turns them off.
#[tokio::test]
async fn active_health_checks_keep_calls_off_a_dead_endpoint() {
    let app = TestApp::spawn().await;
    let alive = Upstream::start("alive").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(
        &publisher,
        &org,
        "/probed",
        &unlimited,
        json!([{"url": alive.url}, {"url": "http://127.0.0.1:9"}]),
    )
    .await;
    let path = format!("/api/v1/apis/{api}");
    let bad = json!({"health_check": {"path": "health", "interval_secs": 0, "timeout_ms": 0,
                                      "unhealthy_threshold": 0, "healthy_threshold": 101}});
    let (s, b, h) = publisher.call(Method::PATCH, &path, Some(bad)).await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    let mut pointers: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    pointers.sort_unstable();
    assert_eq!(
        pointers,
        [
            "/health_check/healthy_threshold",
            "/health_check/interval_secs",
            "/health_check/path",
            "/health_check/timeout_ms",
            "/health_check/unhealthy_threshold"
        ]
    );
    let (s, b, h) = publisher
        .call(
            Method::PATCH,
            &path,
            Some(json!({"health_check": {"path": "/", "every": 3}})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/health_check/every", "{b}");

    let check = json!({"health_check": {"path": "/", "interval_secs": 1, "unhealthy_threshold": 1}});
    let (s, b, _) = publisher.call(Method::PATCH, &path, Some(check)).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["health_check"],
        json!({"path": "/", "interval_secs": 1, "timeout_ms": 2000, "unhealthy_threshold": 1, "healthy_threshold": 2})
    );
    // The first probe runs when the gateway takes the change: the refusing endpoint is out.
    let want = format!("tollgate_gateway_endpoints_ejected{{api=\"{api}\"}} 1");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let metrics = reqwest::get(format!("{}/metrics", app.gateway))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains(&want) {
            break;
        }
        assert!(Instant::now() < deadline, "the dead endpoint was never taken out");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let dev = app.developer("probed@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &unlimited).await;
    for _ in 0..30 {
        let (s, _, body) = call(&app.gateway, "/probed/v1/items/1", Some(&key)).await;
        assert_eq!(
            (s, body["upstream"].as_str()),
            (200, Some("alive")),
            "no call reaches the dead endpoint"
        );
    }

    let (s, b, _) = publisher
        .call(Method::PATCH, &path, Some(json!({"health_check": null})))
        .await;
    assert_eq!((s.as_u16(), &b["health_check"]), (200, &Value::Null), "{b}");
}

#[tokio::test]
async fn refused_upstream_is_502() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(
        &publisher,
        &org,
        "/down",
        &unlimited,
        json!([{"url": "http://127.0.0.1:9"}]),
    )
    .await;
    let dev = app.developer("down@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &unlimited).await;
    let (s, h, body) = call(&app.gateway, "/down/v1/items/1", Some(&key)).await;
    assert_eq!(s, 502, "{body}");
    assert_eq!(h["content-type"], "application/problem+json");
}

#[tokio::test]
async fn usage_is_metered_exactly_across_a_graceful_restart() {
    let app = TestApp::spawn_with(|c| c.usage_flush_interval = Duration::from_millis(200)).await;
    let upstream = Upstream::start("m").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let unlimited = crate::scenario::first_plan(&publisher, &org).await;
    let api = publish_api(&publisher, &org, "/metered", &unlimited, json!([{"url": upstream.url}])).await;
    let dev = app.developer("m@example.org").await;
    let (_, key, sub) = subscribed_key(&dev, &api, &unlimited).await;

    let answered = Arc::new(AtomicU64::new(0));
    let run = |gw: String, n: usize| {
        let key = key.clone();
        let answered = Arc::clone(&answered);
        async move {
            let client = reqwest::Client::new();
            let mut tasks = Vec::new();
            for w in 0..8 {
                let (client, gw, key, answered) = (client.clone(), gw.clone(), key.clone(), Arc::clone(&answered));
                tasks.push(tokio::spawn(async move {
                    for i in 0..n / 8 {
                        let path = if (i + w) % 10 == 0 {
                            "/metered/v1/nope-404"
                        } else {
                            "/metered/v1/items/1"
                        };
                        if let Ok(r) = client.get(format!("{gw}{path}")).header("apikey", &key).send().await
                            && r.bytes().await.is_ok()
                        {
                            answered.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        }
    };
    run(app.gateway.clone(), 5000).await;
    let db = app.stop().await;
    let app = TestApp::spawn_on(db, |c| c.admin_password = None).await;
    run(app.gateway.clone(), 5000).await;
    let db = app.stop().await;

    let store = tollgate::store::Store::connect(&tollgate::config::DatabaseUrl::new(db.url.clone()), 1)
        .await
        .unwrap();
    let counted = store.usage_requests(&api, Some(&sub)).await.unwrap();
    assert_eq!(
        counted as u64,
        answered.load(Ordering::SeqCst),
        "every answered call counted once"
    );
    assert_eq!(counted, 10_000);
}

#[tokio::test]
async fn with_redis_two_gateways_together_admit_exactly_the_quota() {
    let Ok(redis) = std::env::var("TOLLGATE_TEST_REDIS_URL") else {
        eprintln!(
            "with_redis_two_gateways_together_admit_exactly_the_quota DID NOT RUN: set TOLLGATE_TEST_REDIS_URL (.ci/run does)"
        );
        return;
    };
    let redis_for = redis.clone();
    let first = TestApp::spawn_with(move |c| c.redis_url = Some(redis_for)).await;
    let upstream = Upstream::start("q").await;
    let (org, _, publisher, _) = first.org_with_members("acme").await;
    let quota = plan(
        &publisher,
        &org,
        json!({"name": "Fifty", "quota": {"requests": 50, "period": "day"}}),
    )
    .await;
    let api = publish_api(&publisher, &org, "/shared", &quota, json!([{"url": upstream.url}])).await;
    let dev = first.developer("redis@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &quota).await;
    let second = TestApp::spawn_on(first.db.shared(), move |c| {
        c.redis_url = Some(redis);
        c.admin_password = None;
    })
    .await;

    let client = reqwest::Client::new();
    let mut calls = Vec::new();
    for i in 0..200 {
        let gw = if i % 2 == 0 {
            first.gateway.clone()
        } else {
            second.gateway.clone()
        };
        let (client, key) = (client.clone(), key.clone());
        calls.push(tokio::spawn(async move {
            client
                .get(format!("{gw}/shared/v1/items/1"))
                .header("apikey", key)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut admitted = 0;
    for c in calls {
        match c.await.unwrap() {
            200 => admitted += 1,
            429 => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(admitted, 50, "two gateways sharing Redis admit exactly the quota");
}
