//! Health, readiness, metrics and request ids.

use reqwest::Method;

use crate::helpers::TestApp;

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let c = app.anonymous();
    let (s, b, _) = c.get("/healthz").await;
    assert_eq!((s.as_u16(), b["status"].as_str()), (200, Some("ok")));
    let (s, b, _) = c.get("/readyz").await;
    assert_eq!((s.as_u16(), b["status"].as_str()), (200, Some("ready")));
}

#[tokio::test]
async fn metrics_count_by_route_template_and_status() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, me, _) = admin.get("/api/v1/me").await;
    let org = me["memberships"][0]["org_id"].as_str().unwrap();
    admin.get(&format!("/api/v1/orgs/{org}")).await;
    admin.get("/api/v1/orgs/0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e").await;
    let text = app
        .anonymous()
        .request(Method::GET, "/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"tollgate_http_requests_total{method="GET",route="/api/v1/orgs/{org_id}",status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"tollgate_http_requests_total{method="GET",route="/api/v1/orgs/{org_id}",status="404"} 1"#),
        "{text}"
    );
    assert!(text.contains("tollgate_http_request_duration_seconds_bucket"), "{text}");
    assert!(!text.contains(org), "raw ids never become labels");
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let c = app.anonymous();
    let resp = c
        .request(Method::GET, "/healthz")
        .header("x-request-id", "trace-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "trace-abc.123");

    let resp = c.request(Method::GET, "/nope").send().await.unwrap();
    let generated = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 32, "{generated}");

    // Hostile ids (too long, odd characters) are replaced.
    let resp = c
        .request(Method::GET, "/healthz")
        .header("x-request-id", "a".repeat(500))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"].len(), 32);
    let resp = c
        .request(Method::GET, "/healthz")
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(resp.headers()["x-request-id"], "<script>");
}

#[tokio::test]
async fn gateway_listener_answers_with_problems() {
    let app = TestApp::spawn().await;
    let resp = reqwest::get(format!("{}/anything/at/all", app.gateway)).await.unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
}
