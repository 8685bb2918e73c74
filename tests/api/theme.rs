//! The portal's theme: set by operators through `/api/v1/admin/theme`, served to every page as
//! `/theme.css` and `/theme/logo` without a restart; refused to everyone else, and to bad input.

use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, assert_problem};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR tollgate test logo";

fn png_url() -> String {
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(PNG)
    )
}

/// GET a public theme file: status, headers, body.
async fn fetch(app: &TestApp, path: &str, etag: Option<&str>) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = app.anonymous().request(Method::GET, path);
    if let Some(etag) = etag {
        req = req.header("if-none-match", etag);
    }
    let resp = req.send().await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.bytes().await.unwrap().to_vec())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

async fn put_theme(
    client: &Client,
    body: Value,
    if_match: Option<&str>,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let mut req = client.request(Method::PUT, "/api/v1/admin/theme").json(&body);
    if let Some(v) = if_match {
        req = req.header("if-match", v);
    }
    crate::helpers::send(req).await
}

#[tokio::test]
async fn an_operator_sets_the_theme_and_every_page_gets_it_without_a_restart() {
    let app = TestApp::spawn().await;
    // Before any theme: an empty stylesheet and Tollgate's own logo; the shell links both.
    let (status, headers, css) = fetch(&app, "/theme.css", None).await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "text/css; charset=utf-8");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    let css = String::from_utf8(css).unwrap();
    assert!(!css.contains("--color"), "{css}");
    let (status, headers, logo) = fetch(&app, "/theme/logo", None).await;
    assert_eq!(
        (status.as_u16(), header(&headers, "content-type")),
        (200, "image/svg+xml")
    );
    assert!(String::from_utf8(logo).unwrap().contains("<svg"));
    let (_, shell_headers, shell) = fetch(&app, "/", None).await;
    let shell = String::from_utf8(shell).unwrap();
    assert!(
        shell.contains(r#"<link rel="stylesheet" href="/theme.css">"#),
        "{shell}"
    );
    let csp = header(&shell_headers, "content-security-policy");
    assert!(csp.contains("style-src 'self';") && !csp.contains("unsafe"), "{csp}");

    let admin = app.admin().await;
    let (status, theme, headers) = admin.get("/api/v1/admin/theme").await;
    assert_eq!(status, 200, "{theme}");
    assert_eq!(theme["logo"], Value::Null);
    assert_eq!(theme["updated_at"], Value::Null);
    let etag = header(&headers, "etag").to_owned();

    let (status, body, headers) = put_theme(
        &admin,
        json!({
            "light": {"primary": "#7A1FA2", "primary_text": "#ffffff"},
            "dark": {"primary": "#ce93d8"},
            "extra_css": ".brand span { letter-spacing: 0.05em; }",
            "logo": png_url(),
        }),
        Some(&etag),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["light"],
        json!({"primary": "#7a1fa2", "primary_text": "#ffffff"}),
        "normalised"
    );
    assert_eq!(body["logo"], png_url());
    assert_eq!(body["updated_by"], crate::helpers::ADMIN_EMAIL);
    assert_ne!(header(&headers, "etag"), etag);
    let (_, again, _) = admin.get("/api/v1/admin/theme").await;
    assert_eq!(again, body);

    // The same server, no restart: the next page load gets the new stylesheet and logo.
    let (status, headers, css) = fetch(&app, "/theme.css", None).await;
    assert_eq!(status, 200);
    let css = String::from_utf8(css).unwrap();
    assert!(
        css.contains("@media (prefers-color-scheme: light) {\n  :root {\n    --color-primary: #7a1fa2;\n    --color-primary-text: #ffffff;\n  }\n}"),
        "{css}"
    );
    assert!(
        css.contains("(prefers-color-scheme: dark) {\n  :root {\n    --color-primary: #ce93d8;"),
        "{css}"
    );
    assert!(
        css.trim_end().ends_with(".brand span { letter-spacing: 0.05em; }"),
        "{css}"
    );
    let css_etag = header(&headers, "etag").to_owned();
    let (status, _, body) = fetch(&app, "/theme.css", Some(&css_etag)).await;
    assert_eq!((status.as_u16(), body.len()), (304, 0), "revalidated, not sent again");
    let (status, headers, logo) = fetch(&app, "/theme/logo", None).await;
    assert_eq!(status, 200);
    assert_eq!(logo, PNG);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert!(header(&headers, "content-security-policy").contains("sandbox"));

    // Recorded in the operator organization's audit log.
    let (_, me, _) = admin.get("/api/v1/me").await;
    let operator_org = me["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["operator"] == true)
        .unwrap()["org_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, log, _) = admin
        .get(&format!("/api/v1/orgs/{operator_org}/audit-log?action=theme.updated"))
        .await;
    let entries = log["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["actor_email"], crate::helpers::ADMIN_EMAIL);
    assert_eq!(entries[0]["details"]["light"]["primary"], "#7a1fa2");
    assert_eq!(entries[0]["details"]["logo"]["content_type"], "image/png");

    // Back to Tollgate's own: no colours, no logo.
    let (status, body, _) = put_theme(&admin, json!({"logo": null}), None).await;
    assert_eq!(status, 200, "{body}");
    let (_, headers, _) = fetch(&app, "/theme/logo", None).await;
    assert_eq!(header(&headers, "content-type"), "image/svg+xml");
    let (_, _, css) = fetch(&app, "/theme.css", None).await;
    assert!(!String::from_utf8(css).unwrap().contains("--color"));
}

#[tokio::test]
async fn only_operators_may_see_or_change_the_theme_and_bad_input_is_refused_at_its_field() {
    let app = TestApp::spawn().await;
    let (_, org_admin, publisher, developer) = app.org_with_members("acme").await;
    let good = json!({"light": {"primary": "#123456"}});
    for client in [&org_admin, &publisher, &developer] {
        let (s, b, h) = client.get("/api/v1/admin/theme").await;
        assert_problem(s, &b, &h, 403, "forbidden");
        let (s, b, h) = put_theme(client, good.clone(), None).await;
        assert_problem(s, &b, &h, 403, "forbidden");
    }
    let (s, b, h) = put_theme(&app.anonymous(), good.clone(), None).await;
    assert_problem(s, &b, &h, 401, "unauthenticated");

    let admin = app.admin().await;
    for (body, pointer) in [
        (json!({"light": {"primary": "red"}}), "/light/primary"),
        (json!({"dark": {"text": "#12345"}}), "/dark/text"),
        (
            json!({"light": {"link": "#123456; } body { display: none"}}),
            "/light/link",
        ),
        (json!({"extra_css": "} body { display: none; }"}), "/extra_css"),
        (json!({"extra_css": "@import url(/x.css);"}), "/extra_css"),
        (
            json!({"extra_css": ".a { background: url(https://evil.example/x.png); }"}),
            "/extra_css",
        ),
        (json!({"logo": "data:text/html;base64,PHNjcmlwdD4="}), "/logo"),
        (json!({"logo": "data:image/png;base64,PHN2Zz4="}), "/logo"),
        (json!({"colors": {}}), ""),
    ] {
        let (s, b, h) = put_theme(&admin, body.clone(), None).await;
        assert_problem(s, &b, &h, 422, "validation_failed");
        if !pointer.is_empty() {
            assert_eq!(b["errors"][0]["pointer"], pointer, "{body}: {b}");
        }
    }
    // Several bad fields are reported together.
    let (s, b, _) = put_theme(
        &admin,
        json!({"light": {"primary": "blue"}, "extra_css": ".a {", "logo": "nope"}),
        None,
    )
    .await;
    assert_eq!(s, 422);
    let pointers: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/light/primary", "/extra_css", "/logo"]);

    // A stale If-Match is refused.
    let (s, b, h) = put_theme(&admin, good.clone(), Some("\"v99\"")).await;
    assert_problem(s, &b, &h, 412, "precondition_failed");
    // Nothing of the above reached the stylesheet.
    let (_, _, css) = fetch(&app, "/theme.css", None).await;
    assert!(!String::from_utf8(css).unwrap().contains("--color"));
    // Unknown paths under /theme are the API's 404, not the portal's shell.
    let (s, h, _) = fetch(&app, "/theme/other", None).await;
    assert_eq!(s, 404);
    assert_eq!(header(&h, "content-type"), "application/problem+json");
}
