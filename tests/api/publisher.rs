//! Publisher: APIs, versions, lifecycle, documents, plans, audit, ETags, permissions.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, send};
use crate::scenario::{BACKEND, act, create_api, first_plan};

#[tokio::test]
async fn api_crud_with_etags_filters_and_pagination() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let created = create_api(&publisher, &org, "/orders").await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["state"], "CREATED");
    assert_eq!(created["is_default"], true, "the first version is the default");
    assert_eq!(created["tags"], json!(["demo"]));
    assert_eq!(created["allowed_actions"], json!(["publish", "deploy_as_prototype"]));
    assert_eq!(created["resources"].as_array().unwrap().len(), 2);

    // Defaults: resources on /* and a disabled CORS policy.
    let (s, bare, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/apis"),
            Some(json!({"name": "Bare", "context": "bare", "version": "1"})),
        )
        .await;
    assert_eq!(s, 201, "{bare}");
    assert_eq!(bare["context"], "/bare");
    assert_eq!(bare["resources"].as_array().unwrap().len(), 5);

    // Duplicate context and version.
    let (s, b, h) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/apis"),
            Some(json!({"name": "Again", "context": "/orders", "version": "v1"})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");

    // Invalid fields are all reported with pointers.
    let (s, b, h) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/apis"),
            Some(
                json!({"name": "", "context": "/Bad Context", "version": "!", "endpoints": [{"url": "ftp://x"}],
                        "resources": [{"method": "FETCH", "path": "nope"}], "plan_ids": ["not-a-plan"]}),
            ),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    let pointers: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    for p in [
        "/name",
        "/context",
        "/version",
        "/endpoints/0/url",
        "/resources/0/method",
        "/resources/0/path",
        "/plan_ids/0",
    ] {
        assert!(pointers.contains(&p), "{p} missing from {pointers:?}");
    }

    // ETag and If-Match.
    let (s, _, h) = publisher.get(&format!("/api/v1/apis/{id}")).await;
    assert_eq!(s, 200);
    let etag = h["etag"].to_str().unwrap().to_owned();
    let patch = |etag: String, body: Value| {
        publisher
            .request(Method::PATCH, &format!("/api/v1/apis/{id}"))
            .header("if-match", etag)
            .json(&body)
    };
    let (s, updated, h2) = send(patch(etag.clone(), json!({"description": "first"}))).await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["description"], "first");
    assert_ne!(h2["etag"], etag.as_str());
    let (s, b, h) = send(patch(etag.clone(), json!({"description": "lost update"}))).await;
    assert_problem(s, &b, &h, 412, "precondition_failed");
    let (s, b, h) = send(patch("\"garbage\"".into(), json!({"description": "x"}))).await;
    assert_problem(s, &b, &h, 412, "precondition_failed");
    let (_, now, _) = publisher.get(&format!("/api/v1/apis/{id}")).await;
    assert_eq!(now["description"], "first", "a refused write changes nothing");

    // Context and version are fixed after creation.
    let (s, b, h) = publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/apis/{id}"),
            Some(json!({"context": "/other"})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");

    // Filters and pagination.
    for i in 0..3 {
        create_api(&publisher, &org, &format!("/extra{i}")).await;
    }
    let (_, all, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?limit=2")).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let cursor = all["next_cursor"].as_str().unwrap();
    let (_, rest, _) = publisher
        .get(&format!("/api/v1/orgs/{org}/apis?limit=10&cursor={cursor}"))
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 3, "5 APIs in all");
    let (_, by_text, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?q=ITEMS/%7Bid")).await;
    assert_eq!(
        by_text["items"].as_array().unwrap().len(),
        4,
        "resource paths are searched: {by_text}"
    );
    let (_, by_text, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?q=bare")).await;
    assert_eq!(by_text["items"].as_array().unwrap().len(), 1);
    let (_, by_tag, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?tag=demo")).await;
    assert_eq!(by_tag["items"].as_array().unwrap().len(), 4);
    let (_, pct, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?q=%25")).await;
    assert_eq!(pct["items"].as_array().unwrap().len(), 0, "% is literal");
    assert_eq!(act(&publisher, id, "publish").await.0, 200);
    let (_, published, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?state=published")).await;
    assert_eq!(published["items"].as_array().unwrap().len(), 1);
    let (s, b, h) = publisher.get(&format!("/api/v1/orgs/{org}/apis?state=LIVE")).await;
    assert_problem(s, &b, &h, 400, "bad_request");

    // Delete: only CREATED or RETIRED.
    let (s, b, h) = publisher
        .call(Method::DELETE, &format!("/api/v1/apis/{id}"), None)
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    let bare_id = bare["id"].as_str().unwrap();
    let (s, _, _) = publisher
        .call(Method::DELETE, &format!("/api/v1/apis/{bare_id}"), None)
        .await;
    assert_eq!(s, 204);
    let (s, b, h) = publisher.get(&format!("/api/v1/apis/{bare_id}")).await;
    assert_problem(s, &b, &h, 404, "not_found");
}

/// How to reach each state from CREATED.
fn path_to(state: &str) -> &'static [&'static str] {
    match state {
        "CREATED" => &[],
        "PROTOTYPED" => &["deploy_as_prototype"],
        "PUBLISHED" => &["publish"],
        "BLOCKED" => &["publish", "block"],
        "DEPRECATED" => &["publish", "deprecate"],
        "RETIRED" => &["publish", "deprecate", "retire"],
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn lifecycle_walks_every_legal_transition_and_refuses_every_illegal_one() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let legal: &[(&str, &str, &str)] = &[
        ("CREATED", "publish", "PUBLISHED"),
        ("CREATED", "deploy_as_prototype", "PROTOTYPED"),
        ("PROTOTYPED", "publish", "PUBLISHED"),
        ("PROTOTYPED", "demote_to_created", "CREATED"),
        ("PUBLISHED", "block", "BLOCKED"),
        ("PUBLISHED", "deprecate", "DEPRECATED"),
        ("PUBLISHED", "deploy_as_prototype", "PROTOTYPED"),
        ("PUBLISHED", "demote_to_created", "CREATED"),
        ("BLOCKED", "republish", "PUBLISHED"),
        ("BLOCKED", "deprecate", "DEPRECATED"),
        ("DEPRECATED", "retire", "RETIRED"),
    ];
    let actions = [
        "publish",
        "deploy_as_prototype",
        "demote_to_created",
        "block",
        "deprecate",
        "retire",
        "republish",
    ];
    let mut n = 0;
    let mut fresh_in = async |state: &str| {
        n += 1;
        let api = create_api(&publisher, &org, &format!("/walk{n}")).await;
        let id = api["id"].as_str().unwrap().to_owned();
        for step in path_to(state) {
            let (s, b) = act(&publisher, &id, step).await;
            assert_eq!(s, 200, "{step}: {b}");
        }
        id
    };
    for (from, action, to) in legal {
        let id = fresh_in(from).await;
        let (s, b) = act(&publisher, &id, action).await;
        assert_eq!(s, 200, "{from} --{action}--> : {b}");
        assert_eq!(b["state"], *to, "{from} --{action}-->");
        let (_, events, _) = publisher.get(&format!("/api/v1/apis/{id}/lifecycle")).await;
        let last = events["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!((last["from"].as_str(), last["to"].as_str()), (Some(*from), Some(*to)));
        assert_eq!(last["action"], *action);
        assert_eq!(last["reason"], format!("test {action}"));
        assert_eq!(last["actor_email"], "publisher@acme.example");
        assert!(last["at"].is_string());
    }
    for from in ["CREATED", "PROTOTYPED", "PUBLISHED", "BLOCKED", "DEPRECATED", "RETIRED"] {
        let id = fresh_in(from).await;
        let allowed: Vec<&str> = legal.iter().filter(|(f, ..)| *f == from).map(|(_, a, _)| *a).collect();
        for action in actions {
            if allowed.contains(&action) {
                continue;
            }
            let (s, b) = act(&publisher, &id, action).await;
            assert_eq!(s, 409, "{from} --{action}--> should be refused: {b}");
            assert_eq!(b["code"], "conflict");
            let got: Vec<&str> = b["allowed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(got, allowed, "allowed actions from {from}");
        }
        let (_, api, _) = publisher.get(&format!("/api/v1/apis/{id}")).await;
        assert_eq!(api["state"], from, "refused actions change nothing");
    }
    // An unknown action is a bad body, not a transition.
    let id = fresh_in("CREATED").await;
    let (s, b, h) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{id}/lifecycle"),
            Some(json!({"action": "launch"})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/action", "{b}");
}

#[tokio::test]
async fn publishing_needs_an_endpoint_and_a_plan_unless_open() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let apis_path = format!("/api/v1/orgs/{org}/apis");
    let new = |body: Value| publisher.call(Method::POST, &apis_path, Some(body));

    let (_, no_endpoint, _) = new(json!({"name": "n", "context": "/n1", "version": "1"})).await;
    let (s, b) = act(&publisher, no_endpoint["id"].as_str().unwrap(), "publish").await;
    assert_eq!(s, 409, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("endpoint"), "{b}");

    let (_, no_plan, _) =
        new(json!({"name": "n", "context": "/n2", "version": "1", "endpoints": [{"url": BACKEND}]})).await;
    let (s, b) = act(&publisher, no_plan["id"].as_str().unwrap(), "publish").await;
    assert_eq!(s, 409, "{b}");
    assert!(b["detail"].as_str().unwrap().contains("plan"), "{b}");
    // A prototype needs no plan.
    assert_eq!(
        act(&publisher, no_plan["id"].as_str().unwrap(), "deploy_as_prototype")
            .await
            .0,
        200
    );

    let (_, open, _) = new(
        json!({"name": "n", "context": "/open", "version": "1", "endpoints": [{"url": BACKEND}],
        "resources": [{"method": "GET", "path": "/status", "auth_required": false}]}),
    )
    .await;
    let (s, b) = act(&publisher, open["id"].as_str().unwrap(), "publish").await;
    assert_eq!(s, 200, "an open API publishes without a plan: {b}");
}

#[tokio::test]
async fn versions_copy_everything_and_publishing_can_deprecate_the_old_one() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let v1 = create_api(&publisher, &org, "/shop").await;
    let v1_id = v1["id"].as_str().unwrap();
    let (s, doc, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{v1_id}/documents"),
            Some(json!({"title": "Intro", "type": "how_to", "source": "inline", "content": "# Hi"})),
        )
        .await;
    assert_eq!(s, 201, "{doc}");
    assert_eq!(act(&publisher, v1_id, "publish").await.0, 200);

    let (s, v2, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{v1_id}/versions"),
            Some(json!({"version": "v2"})),
        )
        .await;
    assert_eq!(s, 201, "{v2}");
    let v2_id = v2["id"].as_str().unwrap();
    assert_eq!(v2["state"], "CREATED");
    assert_eq!(v2["context"], "/shop");
    assert_eq!(v2["is_default"], false);
    assert_eq!(v2["resources"], v1["resources"]);
    assert_eq!(v2["endpoints"], v1["endpoints"]);
    assert_eq!(v2["plan_ids"], v1["plan_ids"]);
    let (_, docs, _) = publisher.get(&format!("/api/v1/apis/{v2_id}/documents")).await;
    assert_eq!(docs["items"][0]["title"], "Intro");
    assert_ne!(docs["items"][0]["id"], doc["id"]);

    let (s, b, h) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{v1_id}/versions"),
            Some(json!({"version": "v2"})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");

    // Publish v2, deprecating v1, and make it the default.
    let (s, b, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/apis/{v2_id}/lifecycle"),
            Some(json!({"action": "publish", "deprecate_previous_versions": true, "require_resubscription": true})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["require_resubscription"], true);
    let (_, old, _) = publisher.get(&format!("/api/v1/apis/{v1_id}")).await;
    assert_eq!(old["state"], "DEPRECATED");
    let (_, events, _) = publisher.get(&format!("/api/v1/apis/{v1_id}/lifecycle")).await;
    let last = events["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["from"].as_str(), last["to"].as_str()),
        (Some("PUBLISHED"), Some("DEPRECATED"))
    );
    let (s, b, _) = publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/apis/{v2_id}"),
            Some(json!({"is_default": true})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, old, _) = publisher.get(&format!("/api/v1/apis/{v1_id}")).await;
    assert_eq!(old["is_default"], false, "one default per context");

    // The versions of a context, for a version switcher: exactly those, oldest first.
    create_api(&publisher, &org, "/shop-other").await;
    let (s, versions, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis?context=%2Fshop")).await;
    assert_eq!(s, 200, "{versions}");
    let listed: Vec<(&str, &str)> = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["version"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, [(v1_id, "v1"), (v2_id, "v2")]);
}

#[tokio::test]
async fn plans_defaults_pricing_and_in_use() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, developer) = app.org_with_members("acme").await;
    let (_, plans, _) = publisher.get(&format!("/api/v1/orgs/{org}/plans")).await;
    let names: Vec<&str> = plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Unlimited", "Gold", "Silver", "Bronze"]);
    let gold = &plans["items"][1];
    assert_eq!(
        gold["rate_limit"],
        json!({"requests": 5000, "period": "minute", "burst": null})
    );
    assert_eq!(gold["pricing"], json!({"model": "free"}));

    let (s, graduated, _) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/plans"),
            Some(json!({"name": "Scale", "currency": "EUR", "requires_approval": true,
                "quota": {"requests": 100000, "period": "month"},
                "pricing": {"model": "graduated", "fee_minor": 1000, "tiers": [
                    {"up_to": 1000, "price_micros": 0}, {"up_to": 10000, "price_micros": 500}, {"price_micros": 100}]}})),
        )
        .await;
    assert_eq!(s, 201, "{graduated}");
    assert_eq!(graduated["pricing"]["tiers"][2]["up_to"], Value::Null);

    let (s, b, h) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/plans"),
            Some(
                json!({"name": "Bad", "currency": "euro", "rate_limit": {"requests": 0, "period": "second"},
                "pricing": {"model": "per_call", "price_micros": -1, "included_calls": 0}}),
            ),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"].as_array().unwrap().len(), 3, "{b}");
    let (s, b, h) = publisher
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/plans"),
            Some(json!({"name": "Gold"})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");

    // In use: offered by an API.
    let api = create_api(&publisher, &org, "/uses-plan").await;
    let used = api["plan_ids"][0].as_str().unwrap();
    let (s, b, h) = publisher
        .call(Method::DELETE, &format!("/api/v1/plans/{used}"), None)
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    // Deprecating is allowed; clearing a limit with null works.
    let (s, b, _) = publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/plans/{used}"),
            Some(json!({"deprecated": true, "rate_limit": null})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["deprecated"].as_bool(), b["rate_limit"].is_null()),
        (Some(true), true)
    );
    let unused = graduated["id"].as_str().unwrap();
    assert_eq!(
        publisher
            .call(Method::DELETE, &format!("/api/v1/plans/{unused}"), None)
            .await
            .0,
        204
    );

    // Developers manage no plans.
    let (s, b, h) = developer.get(&format!("/api/v1/orgs/{org}/plans")).await;
    assert_problem(s, &b, &h, 403, "forbidden");
    let (s, b, h) = developer
        .call(
            Method::PATCH,
            &format!("/api/v1/plans/{used}"),
            Some(json!({"name": "x"})),
        )
        .await;
    assert_problem(s, &b, &h, 403, "forbidden");
}

#[tokio::test]
async fn documents_inline_links_and_files() {
    let app = TestApp::spawn_with(|c| c.document_max_bytes = 64 * 1024).await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let api = create_api(&publisher, &org, "/docs").await;
    let id = api["id"].as_str().unwrap();
    let base = format!("/api/v1/apis/{id}/documents");
    let (s, inline, _) = publisher
        .call(
            Method::POST,
            &base,
            Some(json!({"title": "Start", "type": "how_to", "source": "inline", "content": "# Go"})),
        )
        .await;
    assert_eq!(s, 201, "{inline}");
    let (s, link, _) = publisher
        .call(
            Method::POST,
            &base,
            Some(json!({"title": "Spec", "type": "reference", "source": "url", "url": "https://example.org/spec"})),
        )
        .await;
    assert_eq!(s, 201, "{link}");
    let (s, file, _) = publisher
        .call(
            Method::POST,
            &base,
            Some(json!({"title": "Guide", "type": "other", "source": "file", "visibility": "private"})),
        )
        .await;
    assert_eq!(s, 201, "{file}");
    let (s, b, h) = publisher
        .call(
            Method::POST,
            &base,
            Some(json!({"title": "x", "type": "novel", "source": "url", "url": "javascript:alert(1)"})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");

    let file_id = file["id"].as_str().unwrap();
    let pdf = b"%PDF-1.4\n% tollgate test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let upload = |body: Vec<u8>, content_type: &str| {
        publisher
            .request(Method::PUT, &format!("{base}/{file_id}/content?file_name=guide.pdf"))
            .header("content-type", content_type)
            .body(body)
    };
    let (s, b, _) = send(upload(pdf.clone(), "application/pdf")).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["file_size"], pdf.len());
    let resp = publisher
        .request(Method::GET, &format!("{base}/{file_id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("guide.pdf")
    );
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);

    // A file whose bytes are not what it claims, and one over the limit.
    let (s, b, h) = send(upload(b"<html><script>alert(1)</script>".to_vec(), "application/pdf")).await;
    assert_problem(s, &b, &h, 415, "unsupported_media_type");
    let (s, b, h) = send(upload(b"<svg onload=alert(1)>".to_vec(), "image/svg+xml")).await;
    assert_problem(s, &b, &h, 415, "unsupported_media_type");
    let mut big = b"%PDF-".to_vec();
    big.resize(65 * 1024, b'x');
    let (s, b, h) = send(upload(big, "application/pdf")).await;
    assert_problem(s, &b, &h, 413, "payload_too_large");

    // Order, update, delete.
    let (_, list, _) = publisher.get(&base).await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Start", "Spec", "Guide"]);
    let inline_id = inline["id"].as_str().unwrap();
    let (s, b, _) = publisher
        .call(
            Method::PATCH,
            &format!("{base}/{inline_id}"),
            Some(json!({"position": 10, "content": "# Updated"})),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, list, _) = publisher.get(&base).await;
    assert_eq!(list["items"][2]["title"], "Start");
    assert_eq!(list["items"][2]["content"], "# Updated");
    assert_eq!(
        publisher
            .call(Method::DELETE, &format!("{base}/{inline_id}"), None)
            .await
            .0,
        204
    );
    let (s, b, h) = publisher.get(&format!("{base}/{inline_id}")).await;
    assert_problem(s, &b, &h, 404, "not_found");
}

#[tokio::test]
async fn organizations_cannot_see_or_touch_each_others_apis() {
    let app = TestApp::spawn().await;
    let (org_a, admin_a, publisher_a, developer_a) = app.org_with_members("alpha").await;
    let (org_b, admin_b, publisher_b, _) = app.org_with_members("beta").await;
    let api = create_api(&publisher_b, &org_b, "/beta-api").await;
    let api_id = api["id"].as_str().unwrap();
    let plan_b = first_plan(&publisher_b, &org_b).await;
    let (_, doc, _) = publisher_b
        .call(
            Method::POST,
            &format!("/api/v1/apis/{api_id}/documents"),
            Some(json!({"title": "B", "type": "faq", "source": "inline", "content": "b"})),
        )
        .await;
    let doc_id = doc["id"].as_str().unwrap();

    let requests: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/orgs/{org_b}/apis"), None),
        (
            Method::POST,
            format!("/api/v1/orgs/{org_b}/apis"),
            Some(json!({"name": "x", "context": "/x", "version": "1"})),
        ),
        (Method::POST, format!("/api/v1/orgs/{org_b}/apis/import"), None),
        (Method::GET, format!("/api/v1/apis/{api_id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/apis/{api_id}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/api/v1/apis/{api_id}"), None),
        (
            Method::POST,
            format!("/api/v1/apis/{api_id}/versions"),
            Some(json!({"version": "9"})),
        ),
        (Method::GET, format!("/api/v1/apis/{api_id}/lifecycle"), None),
        (
            Method::POST,
            format!("/api/v1/apis/{api_id}/lifecycle"),
            Some(json!({"action": "publish"})),
        ),
        (Method::GET, format!("/api/v1/apis/{api_id}/openapi"), None),
        (Method::GET, format!("/api/v1/apis/{api_id}/documents"), None),
        (
            Method::POST,
            format!("/api/v1/apis/{api_id}/documents"),
            Some(json!({"title": "x", "type": "faq", "source": "inline", "content": "x"})),
        ),
        (Method::GET, format!("/api/v1/apis/{api_id}/documents/{doc_id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/apis/{api_id}/documents/{doc_id}"),
            Some(json!({"title": "pwned"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/apis/{api_id}/documents/{doc_id}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/apis/{api_id}/documents/{doc_id}/content"),
            None,
        ),
        (Method::GET, format!("/api/v1/orgs/{org_b}/plans"), None),
        (
            Method::POST,
            format!("/api/v1/orgs/{org_b}/plans"),
            Some(json!({"name": "x"})),
        ),
        (Method::GET, format!("/api/v1/plans/{plan_b}"), None),
        (
            Method::PATCH,
            format!("/api/v1/plans/{plan_b}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/api/v1/plans/{plan_b}"), None),
        (Method::GET, format!("/api/v1/orgs/{org_b}/audit-log"), None),
    ];
    for client in [&admin_a, &publisher_a, &developer_a] {
        for (method, path, body) in &requests {
            let (s, b, h) = client.call(method.clone(), path, body.clone()).await;
            assert_problem(s, &b, &h, 404, "not_found");
        }
    }
    // A's publisher cannot offer B's plan either.
    let (s, b, h) = publisher_a
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org_a}/apis"),
            Some(json!({"name": "x", "context": "/steal", "version": "1", "plan_ids": [plan_b]})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    // Developers of the owning organization are 403 on publisher endpoints.
    let (_, developer_b_body, _) = admin_b.get(&format!("/api/v1/orgs/{org_b}/members")).await;
    assert_eq!(developer_b_body["items"].as_array().unwrap().len(), 3);
    let dev_b = app.login("developer@beta.example", crate::helpers::PASSWORD).await;
    for (method, path, body) in &requests {
        if path.contains("audit-log") {
            continue;
        }
        let (s, b, h) = dev_b.call(method.clone(), path, body.clone()).await;
        assert_problem(s, &b, &h, 403, "forbidden");
    }
    // Nothing changed.
    let (_, still, _) = publisher_b.get(&format!("/api/v1/apis/{api_id}")).await;
    assert_eq!(still["name"], api["name"]);
    let (_, docs, _) = publisher_b.get(&format!("/api/v1/apis/{api_id}/documents")).await;
    assert_eq!(docs["items"][0]["title"], "B");
}

#[tokio::test]
async fn publisher_changes_are_audited() {
    let app = TestApp::spawn().await;
    let (org, admin, publisher, _) = app.org_with_members("acme").await;
    let api = create_api(&publisher, &org, "/audited").await;
    let id = api["id"].as_str().unwrap();
    publisher
        .call(
            Method::PATCH,
            &format!("/api/v1/apis/{id}"),
            Some(json!({"description": "new words"})),
        )
        .await;
    act(&publisher, id, "publish").await;
    let (_, log, _) = admin
        .get(&format!("/api/v1/orgs/{org}/audit-log?target_type=api"))
        .await;
    let items = log["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["api.created", "api.updated", "api.lifecycle_changed"]);
    assert_eq!(
        items[1]["details"]["description"],
        json!({"from": "", "to": "new words"})
    );
    assert_eq!(items[2]["details"]["to"], "PUBLISHED");
    assert!(items.iter().all(|e| e["actor_email"] == "publisher@acme.example"));
    assert!(items.iter().all(|e| e["target_id"] == id));
}
