//! OpenAPI import: 2.0, 3.0 and 3.1, JSON and YAML, raw and multipart; hostile documents; the
//! third-party corpus (when `TOLLGATE_OPENAPI_CORPUS` names its folder).

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, assert_problem, send};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn import_raw(
    c: &Client,
    org: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let (s, b, h) = send(
        c.request(Method::POST, &format!("/api/v1/orgs/{org}/apis/import{query}"))
            .header("content-type", content_type)
            .body(body),
    )
    .await;
    (s.as_u16(), b, h)
}

#[tokio::test]
async fn imports_30_yaml_20_json_and_31_and_keeps_the_document() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;

    let yaml = fixture("petstore-3.0.yaml");
    let (s, api, _) = import_raw(&publisher, &org, "", "application/yaml", yaml.clone()).await;
    assert_eq!(s, 201, "{api}");
    assert_eq!(api["name"], "Tollgate Pet Shop");
    assert_eq!(api["version"], "1.2.0");
    assert_eq!(api["context"], "/tollgate-pet-shop");
    assert_eq!(api["description"], "Pets for sale, for tests.");
    assert_eq!(api["tags"], serde_json::json!(["pets", "store"]));
    assert_eq!(
        api["endpoints"],
        serde_json::json!([{"url": "https://eu.pets.example/v1", "weight": 1}])
    );
    let resources = api["resources"].as_array().unwrap();
    let shape: Vec<(&str, &str, bool)> = resources
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap(),
                r["auth_required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("GET", "/pets", true),
            ("POST", "/pets", true),
            ("GET", "/pets/{petId}", true),
            ("DELETE", "/pets/{petId}", true),
            ("GET", "/health", false),
        ]
    );
    assert_eq!(resources[0]["operation_id"], "listPets");
    assert!(
        api["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("/relative")),
        "{api}"
    );
    assert_eq!(api["has_openapi_document"], true);

    // The original document comes back byte for byte.
    let id = api["id"].as_str().unwrap();
    let resp = publisher
        .request(Method::GET, &format!("/api/v1/apis/{id}/openapi"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/yaml");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), yaml);

    // Swagger 2.0 as a multipart upload, with overrides as form fields.
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(fixture("petstore-2.0.json")).file_name("legacy.json"),
        )
        .text("context", "/legacy")
        .text("name", "Legacy pets");
    let (s, legacy, _) = send(
        publisher
            .request(Method::POST, &format!("/api/v1/orgs/{org}/apis/import"))
            .multipart(form),
    )
    .await;
    assert_eq!(s, 201, "{legacy}");
    assert_eq!(legacy["context"], "/legacy");
    assert_eq!(legacy["name"], "Legacy pets");
    assert_eq!(legacy["version"], "2.0.1");
    assert_eq!(
        legacy["endpoints"],
        serde_json::json!([{"url": "http://legacy.pets.example/api", "weight": 1}, {"url": "https://legacy.pets.example/api", "weight": 1}])
    );
    assert_eq!(legacy["resources"].as_array().unwrap().len(), 3);

    // 3.1 with webhooks only: an API without resources; endpoints given by query.
    let (s, hooks, _) = import_raw(
        &publisher,
        &org,
        "?endpoints=http://127.0.0.1:9/a,http://127.0.0.1:9/b",
        "application/yaml",
        fixture("webhooks-3.1.yaml"),
    )
    .await;
    assert_eq!(s, 201, "{hooks}");
    assert_eq!(hooks["resources"].as_array().unwrap().len(), 0);
    assert_eq!(hooks["endpoints"].as_array().unwrap().len(), 2);

    // Importing the same document again collides on context and version.
    let (s, b, h) = import_raw(&publisher, &org, "", "application/yaml", yaml.clone()).await;
    assert_problem(reqwest::StatusCode::from_u16(s).unwrap(), &b, &h, 409, "conflict");

    // Re-import into the existing API replaces its resources.
    let smaller = String::from_utf8(yaml).unwrap().replace(
        "  /health:\n    get:\n      security: []\n      responses:\n        \"200\": {description: ok}\n",
        "",
    );
    let (s, updated, _) = send(
        publisher
            .request(Method::PUT, &format!("/api/v1/apis/{id}/openapi"))
            .header("content-type", "application/yaml")
            .body(smaller),
    )
    .await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["resources"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn bad_documents_say_what_and_where() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let cases: &[(&str, &str, u16, &str)] = &[
        ("{\"openapi\": \"3.0.0\",", "application/json", 400, "line"),
        ("openapi: 3.0.0\ninfo: [unclosed\n", "application/yaml", 400, "line"),
        (
            "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "application/yaml",
            422,
            "3.1",
        ),
        (
            "swagger: '1.2'\ninfo: {title: t, version: '1'}\n",
            "application/yaml",
            422,
            "2.0",
        ),
        ("hello: world\n", "application/yaml", 422, "2.0"),
        (
            "openapi: 3.0.0\ninfo: {version: '1'}\npaths: {}\n",
            "application/yaml",
            422,
            "/info/title",
        ),
        (
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  pets:\n    get: {}\n",
            "application/yaml",
            422,
            "/paths/pets",
        ),
        ("\u{0}\u{1}binary", "application/octet-stream", 400, ""),
        ("", "application/yaml", 400, ""),
    ];
    for (doc, content_type, status, mention) in cases {
        let (s, b, h) = import_raw(&publisher, &org, "", content_type, doc.as_bytes().to_vec()).await;
        assert_eq!(s, *status, "{doc:?}: {b}");
        assert_eq!(h["content-type"], "application/problem+json");
        assert!(
            b.to_string().contains(mention),
            "{doc:?} should mention {mention:?}: {b}"
        );
    }
    // Nothing was created by any of them.
    let (_, list, _) = publisher.get(&format!("/api/v1/orgs/{org}/apis")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn hostile_documents_are_refused_quickly() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;

    // 50 MB: refused by size.
    let started = Instant::now();
    let huge = vec![b' '; 50 * 1024 * 1024];
    let (s, b, _) = import_raw(&publisher, &org, "", "application/json", huge).await;
    assert_eq!(s, 413, "{b}");
    assert_eq!(b["code"], "payload_too_large");
    let huge_elapsed = started.elapsed();

    // YAML "billion laughs".
    let mut laughs = String::from(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        laughs.push_str(&format!(
            "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    laughs.push_str("paths: {}\n");
    let started = Instant::now();
    let (s, b, _) = import_raw(&publisher, &org, "", "application/yaml", laughs.into_bytes()).await;
    assert!((400..500).contains(&s), "{s} {b}");
    let laughs_elapsed = started.elapsed();

    // 10,000 levels of nesting, JSON and YAML.
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let (s, b, _) = import_raw(&publisher, &org, "", "application/json", deep_json.into_bytes()).await;
    assert!((400..500).contains(&s), "{s} {b}");
    let deep_yaml = format!("openapi: 3.0.0\nx: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let (s, b, _) = import_raw(&publisher, &org, "", "application/yaml", deep_yaml.into_bytes()).await;
    assert!((400..500).contains(&s), "{s} {b}");

    eprintln!("hostile imports: 50 MB refused in {huge_elapsed:?}, billion laughs in {laughs_elapsed:?}");
    // Generous bounds for a debug build on a shared machine: "quickly" means no expansion.
    assert!(laughs_elapsed < Duration::from_secs(30), "{laughs_elapsed:?}");
    // The server is still healthy.
    assert_eq!(app.anonymous().get("/readyz").await.0, 200);
}

#[tokio::test]
async fn corpus_documents_import_with_every_operation() {
    let Ok(dir) = std::env::var("TOLLGATE_OPENAPI_CORPUS") else {
        eprintln!(
            "corpus_documents_import_with_every_operation DID NOT RUN: set TOLLGATE_OPENAPI_CORPUS to the corpus folder (.ci/run does)"
        );
        return;
    };
    let manifest = std::fs::read_to_string(format!("{dir}/MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file_col, ops_col, expect_col) = (col("file"), col("operations"), col("expect"));

    let app = TestApp::spawn_with(|c| c.import_max_bytes = 16 * 1024 * 1024).await;
    let (org, _, publisher, _) = app.org_with_members("corpus").await;
    let mut checked = 0;
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < header.len() {
            continue;
        }
        let file = cells[file_col];
        let operations: usize = cells[ops_col].parse().unwrap();
        let body = std::fs::read(format!("{dir}/{file}")).unwrap();
        let content_type = if file.ends_with(".json") {
            "application/json"
        } else {
            "application/yaml"
        };
        let started = Instant::now();
        let (s, b, _) = import_raw(&publisher, &org, &format!("?context=/corpus-{i}"), content_type, body).await;
        let elapsed = started.elapsed();
        match cells[expect_col] {
            "accept" => {
                assert_eq!(s, 201, "{file}: {b}");
                let id = b["id"].as_str().unwrap();
                let (_, api, _) = publisher.get(&format!("/api/v1/apis/{id}")).await;
                assert_eq!(api["resources"].as_array().unwrap().len(), operations, "{file}");
            }
            _ => assert!(s == 201 || (400..500).contains(&s), "{file}: {s} {b}"),
        }
        if operations > 500 {
            eprintln!("corpus: {file} ({operations} operations) imported in {elapsed:?} (debug build)");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} corpus documents");
    eprintln!("corpus: {checked} documents checked");
}

/// Operation ids, method and path of an imported API's resources, in order.
fn resource_shape(api: &Value) -> Vec<(String, String, bool, String)> {
    api["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_owned(),
                r["path"].as_str().unwrap().to_owned(),
                r["auth_required"].as_bool().unwrap(),
                r["operation_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

const QUERY_KEYS_30: &str = r#"openapi: 3.0.3
info: {title: Query keys, version: 1.0.0}
servers: [{url: 'https://things.example/v1'}]
paths:
  /things:
    get: {operationId: listThings, security: [], responses: {'200': {description: ok}}}
    post: {operationId: createThing, responses: {'201': {description: created}}}
  /things?beta=true:
    get: {operationId: listBetaThings, responses: {'200': {description: ok}}}
  /items?action=list:
    get: {operationId: listItems, responses: {'200': {description: ok}}}
  /items?action=purge:
    post: {operationId: purgeItems, responses: {'204': {description: gone}}}
"#;

const QUERY_KEYS_20: &str = r#"{
  "swagger": "2.0",
  "info": {"title": "Query keys", "version": "2.0.0"},
  "host": "things.example",
  "basePath": "/v1",
  "paths": {
    "/things": {
      "get": {"operationId": "listThings", "security": [], "responses": {"200": {"description": "ok"}}},
      "post": {"operationId": "createThing", "responses": {"201": {"description": "created"}}}
    },
    "/things?beta=true": {"get": {"operationId": "listBetaThings", "responses": {"200": {"description": "ok"}}}},
    "/items?action=list": {"get": {"operationId": "listItems", "responses": {"200": {"description": "ok"}}}},
    "/items?action=purge": {"post": {"operationId": "purgeItems", "responses": {"204": {"description": "gone"}}}}
  }
}"#;

/// Some large public API descriptions tell operations on one path apart by a literal query string
/// in the path key. The gateway routes on method and path, so each such key becomes the resource
/// of its path, with a warning naming the key; operations that land on the same method and path
/// share one resource (which requires a credential if any of them does), said in a warning.
#[tokio::test]
async fn path_keys_with_query_strings_import_with_warnings() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    for (doc, content_type, context) in [
        (QUERY_KEYS_30, "application/yaml", "/query-keys-30"),
        (QUERY_KEYS_20, "application/json", "/query-keys-20"),
    ] {
        let (s, api, _) = import_raw(
            &publisher,
            &org,
            &format!("?context={context}"),
            content_type,
            doc.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(s, 201, "{context}: {api}");
        let expected = [
            ("GET", "/things", true, "listThings"),
            ("POST", "/things", true, "createThing"),
            ("GET", "/items", true, "listItems"),
            ("POST", "/items", true, "purgeItems"),
        ]
        .map(|(m, p, a, o)| (m.to_owned(), p.to_owned(), a, o.to_owned()));
        assert_eq!(resource_shape(&api), expected, "{context}: {api}");
        // Stored as answered.
        let (_, stored, _) = publisher
            .get(&format!("/api/v1/apis/{}", api["id"].as_str().unwrap()))
            .await;
        assert_eq!(resource_shape(&stored), expected, "{context}: {stored}");

        let warnings: Vec<&str> = api["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        for key in ["/things?beta=true", "/items?action=list", "/items?action=purge"] {
            let naming = warnings
                .iter()
                .filter(|w| w.contains("query string") && w.contains(&format!("\"{key}\"")))
                .count();
            assert_eq!(naming, 1, "{context}: one warning names {key}: {warnings:?}");
        }
        assert_eq!(
            warnings.iter().filter(|w| w.contains("query string")).count(),
            3,
            "{context}: {warnings:?}"
        );
        // GET /things?beta=true collapsed onto GET /things: said, with both operations named.
        assert!(
            warnings.iter().any(|w| w.contains("GET /things?beta=true")
                && w.contains("listBetaThings")
                && w.contains("GET /things ")),
            "{context}: {warnings:?}"
        );

        // Re-importing into the API takes the same route.
        let (s, updated, _) = send(
            publisher
                .request(
                    Method::PUT,
                    &format!("/api/v1/apis/{}/openapi", api["id"].as_str().unwrap()),
                )
                .header("content-type", content_type)
                .body(doc),
        )
        .await;
        assert_eq!(s, 200, "{context}: {updated}");
        assert_eq!(resource_shape(&updated), expected, "{context}: {updated}");
    }
}

/// A 422 about a document names a place in the uploaded document — resolving its pointer there
/// finds the offending value — never a place in the resource list Tollgate derives from it.
#[tokio::test]
async fn structural_errors_point_into_the_uploaded_document() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let ok = json!({"responses": {"200": {"description": "ok"}}});
    let doc = |title: &str, paths: Value| json!({"openapi": "3.0.3", "info": {"title": title, "version": "1.0.0"}, "paths": paths});
    // (document, what resolving the pointer must find)
    let cases = [
        // A parameter name the gateway cannot route: the pointer names the path item of that key.
        (
            doc("t", json!({"/pets": {"get": ok}, "/files/{file name}": {"get": ok}})),
            json!({"get": ok}),
            Some("/files/{file name}"),
        ),
        // `*` is only a trailing `/*` for the gateway.
        (
            doc(
                "t",
                json!({"/a": {"get": ok}, "/b": {"post": ok}, "/pets/*/toys": {"put": ok}}),
            ),
            json!({"put": ok}),
            Some("/pets/*/toys"),
        ),
        // A title with nothing printable in it, from which no API name can be made.
        (doc("\u{1}", json!({"/pets": {"get": ok}})), json!("\u{1}"), None),
        // An operation field of the wrong type.
        (doc("t", json!({"/pets": {"get": {"operationId": 7}}})), json!(7), None),
    ];
    let (s, existing, _) = import_raw(
        &publisher,
        &org,
        "",
        "application/json",
        doc("Existing", json!({"/pets": {"get": ok}})).to_string().into_bytes(),
    )
    .await;
    assert_eq!(s, 201, "{existing}");
    let existing = existing["id"].as_str().unwrap();
    for (uploaded, offending, key) in cases {
        let body = uploaded.to_string().into_bytes();
        let (s, created, h) = import_raw(&publisher, &org, "", "application/json", body.clone()).await;
        let (s2, replaced, h2) = send(
            publisher
                .request(Method::PUT, &format!("/api/v1/apis/{existing}/openapi"))
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        for (s, b, h) in [
            (reqwest::StatusCode::from_u16(s).unwrap(), created, h),
            (s2, replaced, h2),
        ] {
            assert_problem(s, &b, &h, 422, "validation_failed");
            let errors = b["errors"].as_array().unwrap();
            assert_eq!(errors.len(), 1, "{b}");
            let pointer = errors[0]["pointer"].as_str().unwrap();
            assert_eq!(
                uploaded.pointer(pointer),
                Some(&offending),
                "{pointer} in {uploaded}: {b}"
            );
            if let Some(key) = key {
                // A path key is named by the pointer to its path item.
                let escaped = key.replace('~', "~0").replace('/', "~1");
                assert_eq!(pointer, format!("/paths/{escaped}"), "{b}");
                assert!(errors[0]["message"].as_str().unwrap().contains(key), "{b}");
            }
        }
    }
}

/// Titles are the default name and context: a multi-line title or one that matches a path the
/// gateway answers itself still imports.
#[tokio::test]
async fn titles_that_make_awkward_names_still_import() {
    let app = TestApp::spawn().await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    for (title, name, context) in [
        ("Pet\nStore\r\n", "Pet Store", "/pet-store"),
        ("Metrics", "Metrics", "/metrics-api"),
        ("readyz", "readyz", "/readyz-api"),
    ] {
        let uploaded = json!({"openapi": "3.0.3", "info": {"title": title, "version": "1.0.0"},
            "paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}});
        let (s, api, _) = import_raw(
            &publisher,
            &org,
            "",
            "application/json",
            uploaded.to_string().into_bytes(),
        )
        .await;
        assert_eq!(s, 201, "{title:?}: {api}");
        assert_eq!(
            (api["name"].as_str(), api["context"].as_str()),
            (Some(name), Some(context))
        );
    }
}
