//! Our OpenAPI document: committed, served, and browsable offline.

use std::path::PathBuf;

use crate::helpers::TestApp;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/tollgate.json")
}

/// Fails when the code and `openapi/tollgate.json` differ. Regenerate with
/// `cargo run -- openapi -o openapi/tollgate.json` (or `UPDATE_OPENAPI=1 cargo test`).
#[test]
fn committed_document_matches_the_code() {
    let generated = tollgate::http::openapi().to_pretty_json().unwrap() + "\n";
    let path = committed_path();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/tollgate.json is out of date; run `cargo run -- openapi -o openapi/tollgate.json`"
    );
}

#[test]
fn document_is_openapi_31_and_every_operation_is_described() {
    let doc: serde_json::Value = serde_json::from_str(&tollgate::http::openapi().to_json().unwrap()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
            assert!(
                op["summary"].is_string() || op["description"].is_string(),
                "{id} undocumented"
            );
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{id} has no responses"
            );
        }
    }
    assert!(ids.contains("login") && ids.contains("list_members"));
}

#[tokio::test]
async fn served_document_and_offline_docs_page() {
    let app = TestApp::spawn().await;
    let c = app.anonymous();
    let (s, served, _) = c.get("/api/openapi.json").await;
    assert_eq!(s, 200);
    let expected: serde_json::Value = serde_json::from_str(&tollgate::http::openapi().to_json().unwrap()).unwrap();
    assert_eq!(served, expected);

    let resp = c.request(reqwest::Method::GET, "/api/docs/").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "docs page loads nothing remote"
    );
    let init = c
        .request(reqwest::Method::GET, "/api/docs/swagger-initializer.js")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
    assert!(!init.contains("validator.swagger.io"), "{init}");
    let bundle = c
        .request(reqwest::Method::GET, "/api/docs/swagger-ui-bundle.js")
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200, "the UI script is served from the binary");
}
