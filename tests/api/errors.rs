//! Bad input gets RFC 9457 problems with the right status and a stable code.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, send};

#[tokio::test]
async fn framework_errors_are_problems() {
    let app = TestApp::spawn().await;
    let c = app.anonymous();

    // Malformed JSON.
    let req = c
        .request(Method::POST, "/api/v1/auth/login")
        .header("content-type", "application/json")
        .body("{\"email\": ");
    let (s, b, h) = send(req).await;
    assert_problem(s, &b, &h, 400, "invalid_json");

    // Well-formed JSON of the wrong shape: 422 with the field's pointer, like any field error.
    let (s, b, h) = c
        .call(Method::POST, "/api/v1/auth/login", Some(json!({"email": 42})))
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/email", "{b}");
    let (s, b, h) = c
        .call(Method::POST, "/api/v1/auth/login", Some(json!({"email": "a@b.org"})))
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/password", "a missing field: {b}");
    let (s, b, h) = c.call(Method::POST, "/api/v1/auth/login", Some(json!("ada"))).await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "", "the whole body: {b}");

    // Wrong content type.
    let req = c
        .request(Method::POST, "/api/v1/auth/login")
        .header("content-type", "text/plain")
        .body("hello");
    let (s, b, h) = send(req).await;
    assert_problem(s, &b, &h, 415, "unsupported_media_type");

    // A 2 MB body.
    let big = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let req = c
        .request(Method::POST, "/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(big);
    let (s, b, h) = send(req).await;
    assert_problem(s, &b, &h, 413, "payload_too_large");

    // Unknown routes under the API's prefixes (other paths are the web portal's: tests/api/portal.rs).
    for path in ["/api/no/such/thing", "/api/v1/nope", "/oauth2/nope"] {
        let (s, b, h) = c.get(path).await;
        assert_problem(s, &b, &h, 404, "route_not_found");
    }

    // Wrong method keeps the Allow header.
    let (s, b, h) = c.call(Method::DELETE, "/api/v1/auth/login", None).await;
    assert_problem(s, &b, &h, 405, "method_not_allowed");
    assert!(h.get("allow").unwrap().to_str().unwrap().contains("POST"));

    // Bad query string and bad cursor.
    let admin = app.admin().await;
    let (s, b, h) = admin.get("/api/v1/me/tokens?limit=abc").await;
    assert_problem(s, &b, &h, 400, "bad_request");
    let (s, b, h) = admin.get("/api/v1/me/tokens?limit=0").await;
    assert_problem(s, &b, &h, 400, "bad_request");
    let (s, b, h) = admin.get("/api/v1/me/tokens?cursor=zzz").await;
    assert_problem(s, &b, &h, 400, "bad_request");

    // Malformed ids are plain 404s.
    let (s, b, h) = admin.get("/api/v1/orgs/not-a-uuid").await;
    assert_problem(s, &b, &h, 404, "not_found");
    let (s, b, h) = admin.call(Method::DELETE, "/api/v1/me/tokens/%2e%2e%2f", None).await;
    assert_problem(s, &b, &h, 404, "not_found");

    // Every code is documented at its type URI.
    let (s, b, _) = c.get("/api/problems/payload_too_large").await;
    assert_eq!(s, 200);
    assert_eq!(b["status"], 413);
    let (s, b, h) = c.get("/api/problems/no_such_code").await;
    assert_problem(s, &b, &h, 404, "not_found");
}

#[tokio::test]
async fn slow_requests_time_out_with_a_problem() {
    // Login hashes with argon2 (~20 ms); a 1 ms limit cannot be met.
    let app = TestApp::spawn_with(|c| c.request_timeout = std::time::Duration::from_millis(1)).await;
    let (s, b, h) = app
        .anonymous()
        .call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": "nobody@example.org", "password": "whatever password"})),
        )
        .await;
    assert_problem(s, &b, &h, 503, "timeout");
}

#[tokio::test]
async fn validation_errors_point_at_fields() {
    let app = TestApp::spawn().await;
    let (s, b, h) = app
        .anonymous()
        .call(
            Method::POST,
            "/api/v1/auth/signup",
            Some(json!({"email": "not an email", "password": "short", "display_name": ""})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    // Every field's error at its pointer, in the order of the body.
    insta::assert_json_snapshot!(b, @r#"
    {
      "code": "validation_failed",
      "detail": "3 fields are invalid",
      "errors": [
        {
          "message": "must contain @",
          "pointer": "/email"
        },
        {
          "message": "must be at least 12 characters",
          "pointer": "/password"
        },
        {
          "message": "must not be empty",
          "pointer": "/display_name"
        }
      ],
      "status": 422,
      "title": "Validation failed",
      "type": "/api/problems/validation_failed"
    }
    "#);

    // Unknown fields are refused rather than silently ignored.
    let (s, b, h) = app
        .anonymous()
        .call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": "a@b.org", "password": "x", "admin": true})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/admin", "{b}");
}

/// JSON Schema counts `600.0` as an integer, so an integer field takes it; `600.5` is a type
/// error at the field's pointer, nested ones included.
#[tokio::test]
async fn integral_numbers_are_integers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (s, b, _) = admin
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": "Numbers"})))
        .await;
    assert_eq!(s, 201, "{b}");
    let path = format!("/api/v1/applications/{}", b["id"].as_str().unwrap());
    let (s, b, _) = admin
        .call(Method::PATCH, &path, Some(json!({"token_lifetime_secs": 600.0})))
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["token_lifetime_secs"], 600, "{b}");
    let (s, b, h) = admin
        .call(Method::PATCH, &path, Some(json!({"token_lifetime_secs": 600.5})))
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/token_lifetime_secs", "{b}");

    let (s, b, h) = admin
        .call(
            Method::POST,
            &format!("{path}/keys"),
            Some(json!({"name": "k", "expires_at": 5})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    assert_eq!(b["errors"][0]["pointer"], "/expires_at", "{b}");
}
