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

/// Every `$ref` of a document, with the JSON pointer of the place that holds it.
fn refs(value: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref"
                    && let Some(r) = v.as_str()
                {
                    out.push((at.to_owned(), r.to_owned()));
                }
                refs(v, &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The `$ref`s of `doc` that do not resolve inside it (only local references are allowed).
fn dangling_refs(doc: &serde_json::Value) -> Vec<String> {
    let mut all = Vec::new();
    refs(doc, "", &mut all);
    all.into_iter()
        .filter(|(_, r)| r.strip_prefix('#').is_none_or(|pointer| doc.pointer(pointer).is_none()))
        .map(|(at, r)| format!("{at}: {r}"))
        .collect()
}

/// A sound document: every `$ref` resolves and it validates as OpenAPI 3.1 — code generators
/// (the portal's types, SDKs) refuse the whole document otherwise.
#[test]
fn document_is_sound_openapi_31() {
    let text = tollgate::http::openapi().to_json().unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dangling = dangling_refs(&doc);
    assert!(
        dangling.is_empty(),
        "$refs that resolve to nothing:\n{}",
        dangling.join("\n")
    );

    use roas::validation::{Options, Validate};
    let spec: roas::v3_1::spec::Spec = serde_json::from_str(&text).expect("the document parses as OpenAPI 3.1");
    // Schemas that no operation refers to are kept on purpose: they describe CSV rows and the
    // items of generic pages for code generators.
    spec.validate(Options::IgnoreUnusedSchemas.only(), None)
        .unwrap_or_else(|e| panic!("the document is not valid OpenAPI 3.1: {e}"));
}

/// The soundness check can fail: a planted dangling reference is found, and so is a document
/// that is not OpenAPI.
#[test]
fn soundness_check_finds_planted_faults() {
    let mut doc: serde_json::Value = serde_json::from_str(&tollgate::http::openapi().to_json().unwrap()).unwrap();
    doc["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
        serde_json::json!({"$ref": "#/components/schemas/Nowhere"});
    assert_eq!(
        dangling_refs(&doc),
        ["/paths/~1healthz/get/responses/200/content/application~1json/schema: #/components/schemas/Nowhere"]
    );
    use roas::validation::{Options, Validate};
    let spec: roas::v3_1::spec::Spec = serde_json::from_value(doc).unwrap();
    assert!(
        spec.validate(Options::IgnoreUnusedSchemas.only(), None).is_err(),
        "roas finds the dangling reference too"
    );
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

/// Every request body and every JSON success response carries an example: on the media type,
/// on the schema, or on every property (directly or through the schema it refers to).
#[test]
fn every_operation_has_request_and_response_examples() {
    let doc: serde_json::Value = serde_json::from_str(&tollgate::http::openapi().to_json().unwrap()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap().clone();
    fn has_example(
        schema: &serde_json::Value,
        schemas: &serde_json::Map<String, serde_json::Value>,
        depth: u32,
    ) -> bool {
        if depth > 6 {
            return false;
        }
        if schema.get("example").is_some() || schema.get("examples").is_some() {
            return true;
        }
        if let Some(r) = schema.get("$ref").and_then(|r| r.as_str()) {
            let name = r.rsplit('/').next().unwrap();
            return schemas.get(name).is_some_and(|s| has_example(s, schemas, depth + 1));
        }
        if let Some(items) = schema.get("items") {
            return has_example(items, schemas, depth + 1);
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(parts) = schema.get(key).and_then(|p| p.as_array()) {
                return parts
                    .iter()
                    .any(|p| has_example(p, schemas, depth + 1) || p.get("type") == Some(&"null".into()));
            }
        }
        match schema.get("properties").and_then(|p| p.as_object()) {
            Some(props) if !props.is_empty() => props.values().all(|p| has_example(p, schemas, depth + 1)),
            _ => false,
        }
    }
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(body) = op.get("requestBody") {
                let ok = body["content"].as_object().unwrap().values().any(|m| {
                    m.get("example").is_some() || m.get("examples").is_some() || has_example(&m["schema"], &schemas, 0)
                });
                if !ok {
                    missing.push(format!("request of {method} {path}"));
                }
            }
            for (code, resp) in op["responses"].as_object().unwrap() {
                if !code.starts_with('2') {
                    continue;
                }
                for (ct, m) in resp.get("content").and_then(|c| c.as_object()).into_iter().flatten() {
                    if ct.contains("json") && !(m.get("example").is_some() || has_example(&m["schema"], &schemas, 0)) {
                        missing.push(format!("{code} response of {method} {path}"));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "operations without examples:\n{}",
        missing.join("\n")
    );
}

/// A client that knows only our address finds the description: every response links it
/// (RFC 8631) and `/.well-known/api-catalog` lists it (RFC 9727).
#[tokio::test]
async fn responses_link_the_description_and_the_catalog_lists_it() {
    let app = TestApp::spawn().await;
    let c = app.anonymous();
    for path in ["/", "/healthz", "/api/v1/me", "/api/v1/no-such-route"] {
        let resp = c.request(reqwest::Method::GET, path).send().await.unwrap();
        let links: Vec<_> = resp
            .headers()
            .get_all("link")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(
            links
                .iter()
                .any(|l| l.contains("</api/openapi.json>; rel=\"service-desc\"")),
            "{path}: {links:?}"
        );
    }
    let resp = c
        .request(reqwest::Method::GET, "/.well-known/api-catalog")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/linkset+json"), "{content_type}");
    let body: serde_json::Value = resp.json().await.unwrap();
    let desc = &body["linkset"][0]["service-desc"][0];
    assert_eq!(desc["href"], format!("{}/api/openapi.json", app.base), "{body}");
    assert_eq!(body["linkset"][0]["anchor"], format!("{}/api/v1", app.base));
    // The linked document is the one served.
    let (s, _, _) = c.get("/api/openapi.json").await;
    assert_eq!(s, 200);
}
