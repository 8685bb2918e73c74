//! The web portal as the server delivers it: the shell at `/` and at every portal route, its
//! files under the versioned asset prefix, the security headers, and the API's own prefixes
//! keeping their 404 problems.

use reqwest::Method;
use sha2::{Digest, Sha256};

use crate::helpers::TestApp;

async fn fetch(app: &TestApp, method: Method, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = app.anonymous().request(method, path).send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.unwrap())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// The `{{asset_base}}` every reference of the shell starts with.
fn asset_base(html: &str) -> String {
    let start = html.find("/assets/").expect("the shell refers to /assets/");
    let rest = &html[start + "/assets/".len()..];
    let id = &rest[..rest.find('/').unwrap()];
    format!("/assets/{id}/")
}

#[tokio::test]
async fn the_shell_is_served_at_the_root_and_at_every_portal_route() {
    let app = TestApp::spawn().await;
    let (status, headers, root) = fetch(&app, Method::GET, "/").await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    assert!(root.contains(r#"<script type="module" src="/assets/"#), "{root}");
    assert!(!root.contains("{{asset_base}}"), "every placeholder is filled");
    for path in [
        "/signin",
        "/publisher/apis",
        "/publisher/apis/0190f5a4/resources",
        "/no/such/page",
    ] {
        let (status, headers, html) = fetch(&app, Method::GET, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(header(&headers, "content-type").starts_with("text/html"), "{path}");
        assert_eq!(html, root, "{path}");
    }
    let (status, _, body) = fetch(&app, Method::HEAD, "/publisher/apis").await;
    assert_eq!((status, body.as_str()), (200, ""));
}

#[tokio::test]
async fn the_shell_has_a_strict_content_security_policy_that_allows_its_import_map() {
    let app = TestApp::spawn().await;
    let (_, headers, html) = fetch(&app, Method::GET, "/").await;
    let csp = header(&headers, "content-security-policy");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("base-uri 'none'"), "{csp}");
    // The one inline script is the import map; its hash, and only it, is allowed.
    let open = r#"<script type="importmap">"#;
    let start = html.find(open).expect("an import map") + open.len();
    let map = &html[start..start + html[start..].find("</script>").unwrap()];
    use base64::Engine;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(map.as_bytes()));
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap()
        .trim();
    assert_eq!(script_src, format!("script-src 'self' 'sha256-{hash}'"));
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the import map and the module that starts the app"
    );
    let map: serde_json::Value = serde_json::from_str(map).unwrap();
    assert!(
        map["imports"]["preact"]
            .as_str()
            .unwrap()
            .starts_with(&asset_base(&html))
    );
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
    assert_eq!(header(&headers, "x-frame-options"), "DENY");
}

#[tokio::test]
async fn every_file_the_shell_names_is_served_under_the_versioned_prefix() {
    let app = TestApp::spawn().await;
    let (_, _, html) = fetch(&app, Method::GET, "/").await;
    let base = asset_base(&html);
    let mut named: Vec<String> = html
        .match_indices(&base)
        .map(|(at, _)| {
            let rest = &html[at..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .filter(|path| path != &base)
        .collect();
    named.sort();
    named.dedup();
    assert!(named.len() >= 10, "{named:?}");
    for path in &named {
        let (status, headers, body) = fetch(&app, Method::GET, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.is_empty(), "{path}");
        let content_type = header(&headers, "content-type");
        let expected = match path.rsplit('.').next().unwrap() {
            "js" | "mjs" => "javascript",
            "css" => "text/css",
            "svg" => "image/svg+xml",
            other => panic!("unexpected file type {other}"),
        };
        assert!(content_type.contains(expected), "{path}: {content_type}");
        // Embedded (release) files never change under their prefix; files read from disk
        // (debug builds) are revalidated so that an edit shows on reload.
        let cache = header(&headers, "cache-control");
        if base == "/assets/dev/" {
            assert_eq!(cache, "no-cache", "{path}");
        } else {
            assert!(cache.contains("immutable"), "{path}: {cache}");
        }
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff", "{path}");
    }
    // The message catalog is a JSON module: it must be served as JSON.
    let (status, headers, catalog) = fetch(&app, Method::GET, &format!("{base}i18n/en.json")).await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&catalog).unwrap()["app.name"].is_string());
    // Another build's prefix, or a file that does not exist, is a 404 problem.
    for path in [
        format!("{base}no-such-file.js"),
        "/assets/0000000000000000/app.js".to_owned(),
    ] {
        let (status, headers, _) = fetch(&app, Method::GET, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            header(&headers, "content-type").starts_with("application/problem+json"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_api_prefixes_keep_their_meaning() {
    let app = TestApp::spawn().await;
    for path in [
        "/api",
        "/api/v1/no-such-route",
        "/api/nothing",
        "/oauth2/nothing",
        "/.well-known/nothing",
        "/metrics/nothing",
        "/healthz/nothing",
        "/readyz/x",
        "/assets",
    ] {
        let (status, headers, body) = fetch(&app, Method::GET, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            header(&headers, "content-type").starts_with("application/problem+json"),
            "{path}"
        );
        assert!(body.contains("route_not_found"), "{path}: {body}");
    }
    for (path, content_type) in [
        ("/healthz", "application/json"),
        ("/api/openapi.json", "application/json"),
        ("/.well-known/jwks.json", "application/json"),
        ("/metrics", "text/plain"),
    ] {
        let (status, headers, _) = fetch(&app, Method::GET, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(header(&headers, "content-type").starts_with(content_type), "{path}");
    }
    // Only GET and HEAD reach the shell.
    let (status, headers, _) = fetch(&app, Method::POST, "/publisher/apis").await;
    assert_eq!(status, 404);
    assert!(header(&headers, "content-type").starts_with("application/problem+json"));
}
