//! Developer side: catalog, applications, API keys, subscriptions with approval, and the
//! ownership matrix.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, assert_problem};
use crate::scenario::{BACKEND, act, create_api, first_plan};

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn names(v: &Value) -> Vec<String> {
    items(v)
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Publish an API with the given visibility and plans.
async fn published(publisher: &Client, org: &str, context: &str, extra: Value) -> Value {
    let plan = first_plan(publisher, org).await;
    let mut body = json!({"name": format!("API {context}"), "context": context, "version": "v1",
        "endpoints": [{"url": BACKEND}], "plan_ids": [plan]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (s, api, _) = publisher
        .call(Method::POST, &format!("/api/v1/orgs/{org}/apis"), Some(body))
        .await;
    assert_eq!(s, 201, "{api}");
    let (s, b) = act(publisher, api["id"].as_str().unwrap(), "publish").await;
    assert_eq!(s, 200, "{b}");
    b
}

async fn application(dev: &Client, name: &str) -> String {
    let (s, a, _) = dev
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": name})))
        .await;
    assert_eq!(s, 201, "{a}");
    a["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn catalog_shows_what_each_visitor_may_see_best_match_first() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, member_dev) = app.org_with_members("acme").await;
    published(
        &publisher,
        &org,
        "/weather",
        json!({"name": "Weather", "tags": ["forecast"], "description": "rain and sun"}),
    )
    .await;
    published(
        &publisher,
        &org,
        "/internal",
        json!({"name": "Internal payroll", "visibility": "organization"}),
    )
    .await;
    published(
        &publisher,
        &org,
        "/devs-only",
        json!({"name": "Developer tools", "visibility": "roles", "visible_roles": ["developer"]}),
    )
    .await;
    published(
        &publisher,
        &org,
        "/climate",
        json!({"name": "Climate", "description": "long-term weather"}),
    )
    .await;
    let proto = create_api(&publisher, &org, "/proto").await;
    act(&publisher, proto["id"].as_str().unwrap(), "deploy_as_prototype").await;
    create_api(&publisher, &org, "/draft").await; // CREATED: never in the catalog

    let anonymous = app.anonymous();
    let (s, page, _) = anonymous.get("/api/v1/catalog/apis").await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(
        names(&page),
        ["API /weather", "API /climate", "API /proto"]
            .map(|s| s.replace("API /weather", "Weather").replace("API /climate", "Climate"))
    );
    let proto_row = items(&page).into_iter().find(|i| i["context"] == "/proto").unwrap();
    assert_eq!(proto_row["prototype"], true);
    assert!(proto_row["gateway_url"].as_str().unwrap().ends_with("/proto/v1"));

    // An outside developer sees role-visible APIs too; a member also sees organization ones.
    let outsider = app.developer("outsider@example.org").await;
    let (_, page, _) = outsider.get("/api/v1/catalog/apis").await;
    assert!(names(&page).contains(&"Developer tools".to_owned()));
    assert!(!names(&page).contains(&"Internal payroll".to_owned()));
    let (_, page, _) = member_dev.get("/api/v1/catalog/apis").await;
    assert!(names(&page).contains(&"Internal payroll".to_owned()));
    let (s, b, h) = anonymous
        .get(&format!(
            "/api/v1/catalog/apis/{}",
            proto["id"].as_str().unwrap().replace('0', "1")
        ))
        .await;
    assert_problem(s, &b, &h, 404, "not_found");

    // Relevance: a name match outranks a description match; tags filter.
    let (_, found, _) = anonymous.get("/api/v1/catalog/apis?q=weather").await;
    assert_eq!(names(&found), ["Weather", "Climate"]);
    let (_, tagged, _) = anonymous.get("/api/v1/catalog/apis?tag=forecast").await;
    assert_eq!(names(&tagged), ["Weather"]);
    let (_, first, _) = anonymous.get("/api/v1/catalog/apis?q=weather&limit=1").await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second, _) = anonymous
        .get(&format!("/api/v1/catalog/apis?q=weather&limit=1&cursor={cursor}"))
        .await;
    assert_eq!(names(&second), ["Climate"]);
    assert!(second["next_cursor"].is_null());
    let (s, b, h) = anonymous.get("/api/v1/catalog/apis?cursor=nonsense").await;
    assert_problem(s, &b, &h, 400, "bad_request");
}

#[tokio::test]
async fn catalog_detail_and_openapi_point_at_the_gateway() {
    let app = TestApp::spawn_with(|c| c.gateway_public_url = Some("https://gw.example.com".into())).await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let yaml = std::fs::read(format!(
        "{}/tests/fixtures/petstore-3.0.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let (s, api, _) = crate::helpers::send(
        publisher
            .request(Method::POST, &format!("/api/v1/orgs/{org}/apis/import?context=/pets"))
            .header("content-type", "application/yaml")
            .body(yaml),
    )
    .await;
    assert_eq!(s, 201, "{api}");
    let id = api["id"].as_str().unwrap();
    let plan = first_plan(&publisher, &org).await;
    publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/apis/{id}"),
            Some(json!({"plan_ids": [plan]})),
        )
        .await;
    publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{id}/documents"),
            Some(json!({"title": "Public", "type": "how_to", "source": "inline", "content": "hi"})),
        )
        .await;
    publisher
        .call(Method::POST, &format!("/api/v1/apis/{id}/documents"), Some(json!({"title": "Secret", "type": "other", "source": "inline", "content": "no", "visibility": "private"})))
        .await;
    assert_eq!(act(&publisher, id, "publish").await.0, 200);

    let (s, detail, _) = app.anonymous().get(&format!("/api/v1/catalog/apis/{id}")).await;
    assert_eq!(s, 200, "{detail}");
    assert_eq!(detail["plans"][0]["name"], "Unlimited");
    assert_eq!(detail["resources"].as_array().unwrap().len(), 5);
    let docs: Vec<&str> = detail["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(docs, ["Public"], "private documents stay private");
    assert_eq!(detail["gateway_url"], "https://gw.example.com/pets/1.2.0");

    let (s, doc, _) = app.anonymous().get(&format!("/api/v1/catalog/apis/{id}/openapi")).await;
    assert_eq!(s, 200);
    assert_eq!(
        doc["servers"],
        json!([{"url": "https://gw.example.com/pets/1.2.0", "description": "Tollgate gateway"}])
    );
    assert_eq!(doc["paths"]["/pets"]["get"]["operationId"], "listPets");
}

#[tokio::test]
async fn applications_and_api_keys() {
    let app = TestApp::spawn().await;
    let dev = app.developer("keys@example.org").await;
    let app_id = application(&dev, "Mobile").await;
    let (s, b, h) = dev
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": "Mobile"})))
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    let (s, b, h) = dev
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "x", "callback_url": "javascript:alert(1)", "token_lifetime_secs": 999999})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"].as_array().unwrap().len(), 2);

    let keys = format!("/api/v1/applications/{app_id}/keys");
    let (s, created, _) = dev.call(Method::POST, &keys, Some(json!({"name": "prod"}))).await;
    assert_eq!(s, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("tg_") && secret.len() >= 35, "{secret}");
    let (_, list, _) = dev.get(&keys).await;
    assert!(!list.to_string().contains(&secret), "secrets are never listed");
    assert_eq!(items(&list)[0]["prefix"], created["prefix"]);

    // Rotation: a new key; the old one gets an expiry at the end of the grace period.
    let key_id = created["id"].as_str().unwrap();
    let (s, rotated, _) = dev
        .call(
            Method::POST,
            &format!("{keys}/{key_id}/rotate"),
            Some(json!({"grace_period_secs": 3600})),
        )
        .await;
    assert_eq!(s, 201, "{rotated}");
    assert_ne!(rotated["secret"], created["secret"]);
    let (_, list, _) = dev.get(&keys).await;
    let old = items(&list).into_iter().find(|k| k["id"] == key_id).unwrap();
    assert_eq!(old["rotated_to"], rotated["id"]);
    let expires: chrono::DateTime<chrono::Utc> = old["expires_at"].as_str().unwrap().parse().unwrap();
    let left = expires - chrono::Utc::now();
    assert!(left.num_seconds() > 3500 && left.num_seconds() <= 3600, "{left}");
    let (s, b, h) = dev
        .call(
            Method::POST,
            &format!("{keys}/{key_id}/rotate"),
            Some(json!({"grace_period_secs": 1})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");

    // Revoke.
    let new_id = rotated["id"].as_str().unwrap();
    assert_eq!(dev.call(Method::DELETE, &format!("{keys}/{new_id}"), None).await.0, 204);
    let (_, list, _) = dev.get(&keys).await;
    assert!(
        items(&list)
            .iter()
            .any(|k| k["id"] == new_id && k["revoked_at"].is_string())
    );

    // Deleting the application ends everything.
    assert_eq!(
        dev.call(Method::DELETE, &format!("/api/v1/applications/{app_id}"), None)
            .await
            .0,
        204
    );
    let (s, b, h) = dev.get(&keys).await;
    assert_problem(s, &b, &h, 404, "not_found");
}

#[tokio::test]
async fn subscriptions_with_approval_plan_changes_and_lifecycle() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let (s, gated, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/plans"),
            Some(json!({"name": "Gated", "requires_approval": true})),
        )
        .await;
    assert_eq!(s, 201);
    let gated = gated["id"].as_str().unwrap().to_owned();
    let free = first_plan(&publisher, &org).await;
    let api = published(&publisher, &org, "/orders", json!({"plan_ids": [free, gated]})).await;
    let api_id = api["id"].as_str().unwrap();

    let dev = app.developer("sub@example.org").await;
    let app_id = application(&dev, "Shop").await;
    let subs = format!("/api/v1/applications/{app_id}/subscriptions");

    // Gated plan: PENDING until a publisher approves.
    let (s, sub, _) = dev
        .call(Method::POST, &subs, Some(json!({"api_id": api_id, "plan_id": gated})))
        .await;
    assert_eq!(s, 201, "{sub}");
    assert_eq!(sub["state"], "PENDING");
    let sub_id = sub["id"].as_str().unwrap().to_owned();
    let (s, b, h) = dev
        .call(Method::POST, &subs, Some(json!({"api_id": api_id, "plan_id": free})))
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    let (_, pending, _) = publisher
        .get(&format!("/api/v1/orgs/{org}/subscriptions?state=PENDING"))
        .await;
    assert_eq!(items(&pending).len(), 1);
    let (s, b, h) = dev
        .call(Method::POST, &format!("/api/v1/subscriptions/{sub_id}/approve"), None)
        .await;
    assert_problem(s, &b, &h, 403, "forbidden");
    let (s, approved, _) = publisher
        .call(Method::POST, &format!("/api/v1/subscriptions/{sub_id}/approve"), None)
        .await;
    assert_eq!((s.as_u16(), approved["state"].as_str()), (200, Some("ACTIVE")));

    // Block and unblock; plan change (to a plan needing no approval) applies at once.
    let (_, blocked, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/subscriptions/{sub_id}/block"),
            Some(json!({"reason": "abuse"})),
        )
        .await;
    assert_eq!(
        (blocked["state"].as_str(), blocked["reason"].as_str()),
        (Some("BLOCKED"), Some("abuse"))
    );
    // Blocked twice, or rejected once active: 409 naming what the state allows.
    let (s, problem, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/subscriptions/{sub_id}/block"),
            Some(json!({"reason": "again"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), problem["allowed"].clone()),
        (409, json!(["unblock", "end"]))
    );
    let (_, active, _) = publisher
        .call(Method::POST, &format!("/api/v1/subscriptions/{sub_id}/unblock"), None)
        .await;
    assert_eq!(active["state"], "ACTIVE");
    let (s, problem, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/subscriptions/{sub_id}/reject"),
            Some(json!({"reason": "late"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), problem["allowed"].clone()),
        (409, json!(["approve", "block", "end"]))
    );
    let (s, changed, _) = dev
        .call(
            Method::PATCH,
            &format!("/api/v1/subscriptions/{sub_id}"),
            Some(json!({"plan_id": free})),
        )
        .await;
    assert_eq!((s.as_u16(), changed["plan_id"].as_str()), (200, Some(free.as_str())));
    // Back to the gated plan: pending until approved, the current plan stays.
    let (_, changed, _) = dev
        .call(
            Method::PATCH,
            &format!("/api/v1/subscriptions/{sub_id}"),
            Some(json!({"plan_id": gated})),
        )
        .await;
    assert_eq!(
        (changed["plan_id"].as_str(), changed["pending_plan_id"].as_str()),
        (Some(free.as_str()), Some(gated.as_str()))
    );
    let (_, approved, _) = publisher
        .call(Method::POST, &format!("/api/v1/subscriptions/{sub_id}/approve"), None)
        .await;
    assert_eq!(
        (approved["plan_id"].as_str(), approved["pending_plan_id"].as_str()),
        (Some(gated.as_str()), None)
    );

    // Rejection with a reason.
    let other_app = application(&dev, "Other").await;
    let (_, sub2, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{other_app}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": gated})),
        )
        .await;
    let sub2 = sub2["id"].as_str().unwrap();
    let (_, rejected, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/subscriptions/{sub2}/reject"),
            Some(json!({"reason": "not a fit"})),
        )
        .await;
    assert_eq!(
        (rejected["state"].as_str(), rejected["reason"].as_str()),
        (Some("REJECTED"), Some("not a fit"))
    );

    // Deprecated APIs and deprecated plans take no new subscriptions; retiring ends them.
    let third = application(&dev, "Third").await;
    publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/plans/{free}"),
            Some(json!({"deprecated": true})),
        )
        .await;
    let (s, b, h) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{third}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": free})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    act(&publisher, api_id, "deprecate").await;
    let (s, b, h) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{third}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": gated})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    let (_, still, _) = dev.get(&format!("/api/v1/subscriptions/{sub_id}")).await;
    assert_eq!(still["state"], "ACTIVE", "deprecation keeps existing subscriptions");
    act(&publisher, api_id, "retire").await;
    let (_, ended, _) = dev.get(&format!("/api/v1/subscriptions/{sub_id}")).await;
    assert_eq!(ended["state"], "ENDED");
}

#[tokio::test]
async fn new_versions_carry_subscriptions_over_unless_resubscription_is_required() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let v1 = published(&publisher, &org, "/carry", json!({})).await;
    let v1_id = v1["id"].as_str().unwrap();
    let dev = app.developer("carry@example.org").await;
    let app_id = application(&dev, "A").await;
    let subs = format!("/api/v1/applications/{app_id}/subscriptions");
    let plan = v1["plan_ids"][0].as_str().unwrap();
    dev.call(Method::POST, &subs, Some(json!({"api_id": v1_id, "plan_id": plan})))
        .await;

    for (version, require, expected) in [("v2", false, 2), ("v3", true, 2)] {
        let (_, v, _) = publisher
            .call(
                Method::POST,
                &format!("/api/v1/apis/{v1_id}/versions"),
                Some(json!({"version": version})),
            )
            .await;
        let vid = v["id"].as_str().unwrap();
        let (s, b, _) = publisher
            .call(
                Method::POST,
                &format!("/api/v1/apis/{vid}/lifecycle"),
                Some(json!({"action": "publish", "require_resubscription": require})),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let (_, list, _) = dev.get(&subs).await;
        assert_eq!(items(&list).len(), expected, "after publishing {version}: {list}");
    }
}

#[tokio::test]
async fn ownership_matrix_developer_b_gets_404_for_everything_of_developer_a() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let (_, _, other_publisher, _) = app.org_with_members("beta").await;
    let api = published(&publisher, &org, "/owned", json!({})).await;
    let api_id = api["id"].as_str().unwrap();
    let plan = api["plan_ids"][0].as_str().unwrap();

    let a = app.developer("a@example.org").await;
    let b = app.developer("b@example.org").await;
    let app_a = application(&a, "A").await;
    let (_, key, _) = a
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_a}/keys"),
            Some(json!({"name": "k"})),
        )
        .await;
    let key_id = key["id"].as_str().unwrap();
    a.call(
        Method::POST,
        &format!("/api/v1/applications/{app_a}/oauth-client"),
        Some(json!({})),
    )
    .await;
    let (_, sub, _) = a
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_a}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": plan})),
        )
        .await;
    let sub_id = sub["id"].as_str().unwrap();

    let endpoints: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/applications/{app_a}"), None),
        (
            Method::PATCH,
            format!("/api/v1/applications/{app_a}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/api/v1/applications/{app_a}"), None),
        (Method::GET, format!("/api/v1/applications/{app_a}/keys"), None),
        (
            Method::POST,
            format!("/api/v1/applications/{app_a}/keys"),
            Some(json!({"name": "mine now"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/applications/{app_a}/keys/{key_id}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/applications/{app_a}/keys/{key_id}/rotate"),
            Some(json!({"grace_period_secs": 0})),
        ),
        (Method::GET, format!("/api/v1/applications/{app_a}/oauth-client"), None),
        (
            Method::POST,
            format!("/api/v1/applications/{app_a}/oauth-client"),
            Some(json!({})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/applications/{app_a}/oauth-client"),
            Some(json!({"rotate_secret": true})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/applications/{app_a}/oauth-client"),
            None,
        ),
        (Method::GET, format!("/api/v1/applications/{app_a}/subscriptions"), None),
        (
            Method::POST,
            format!("/api/v1/applications/{app_a}/subscriptions"),
            Some(json!({"api_id": api_id, "plan_id": plan})),
        ),
        (Method::GET, format!("/api/v1/subscriptions/{sub_id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/subscriptions/{sub_id}"),
            Some(json!({"plan_id": plan})),
        ),
        (Method::DELETE, format!("/api/v1/subscriptions/{sub_id}"), None),
        (Method::POST, format!("/api/v1/subscriptions/{sub_id}/approve"), None),
        (
            Method::POST,
            format!("/api/v1/subscriptions/{sub_id}/reject"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/subscriptions/{sub_id}/block"),
            Some(json!({})),
        ),
        (Method::POST, format!("/api/v1/subscriptions/{sub_id}/unblock"), None),
    ];
    for (who, client) in [
        ("developer B", &b),
        ("publisher of another organization", &other_publisher),
    ] {
        for (method, path, body) in &endpoints {
            let (s, body_b, h) = client.call(method.clone(), path, body.clone()).await;
            assert_eq!(s.as_u16(), 404, "{who}: {method} {path}: {body_b}");
            assert_problem(s, &body_b, &h, 404, "not_found");
        }
    }
    // Nothing of A's changed.
    let (_, still, _) = a.get(&format!("/api/v1/applications/{app_a}")).await;
    assert_eq!(still["name"], "A");
    let (_, keys, _) = a.get(&format!("/api/v1/applications/{app_a}/keys")).await;
    assert_eq!(items(&keys).len(), 1);
    assert!(items(&keys)[0]["revoked_at"].is_null());
    let (_, s, _) = a.get(&format!("/api/v1/subscriptions/{sub_id}")).await;
    assert_eq!(s["state"], "ACTIVE");
    let (_, client, _) = a.get(&format!("/api/v1/applications/{app_a}/oauth-client")).await;
    assert!(client["secret_rotated_at"].is_null());
}
