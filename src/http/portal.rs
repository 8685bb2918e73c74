//! The web portal: the files of `web/public/`, served as written (no build step). They are
//! embedded into release builds by `build.rs` (memory-serve, brotli-compressed) and read from
//! disk in debug builds, so an edit shows on reload.
//!
//! - `/assets/<build-id>/…` serves every file. The build id is a digest of the embedded files,
//!   so these answers are `immutable`; a debug build uses the id `dev` and `no-cache`.
//! - Every other `GET` outside the API's own prefixes ([`RESERVED`]) answers `index.html`, the
//!   portal's shell, with `no-cache`: the portal's router (History API) reads the path. The
//!   shell's `{{asset_base}}` placeholders become `/assets/<build-id>/`.
//! - The shell carries a strict Content-Security-Policy: scripts only from this origin plus the
//!   SHA-256 of its one inline script, the import map; no `unsafe-inline`, no `unsafe-eval`.
//!
//! The portal is a client of the public REST API only; nothing here reads the database. These
//! files are not part of the REST contract, so they are not in the OpenAPI document. The
//! operator's theme, which does come from the database, is served beside them by
//! [`super::theme`] (`/theme.css`, `/theme/logo`), a stylesheet and an image of this origin that
//! the shell's CSP already allows.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use memory_serve::{Asset, CacheControl, MemoryServe};
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::AppState;
use crate::error::{ApiError, Code};

/// Paths that keep their own meaning: an unknown path under them is a 404 problem, never the
/// portal's shell.
pub const RESERVED: &[&str] = &[
    "/api",
    "/oauth2",
    "/.well-known",
    "/metrics",
    "/healthz",
    "/readyz",
    "/assets",
    "/theme",
    "/theme.css",
];

/// The placeholder in `index.html` for the versioned asset prefix.
const ASSET_BASE: &str = "{{asset_base}}";

const INDEX_ROUTE: &str = "/index.html";
const INDEX_EMBEDDED: &str = include_str!("../../web/public/index.html");

fn assets() -> &'static [Asset] {
    let all: &'static [(&'static str, &'static [Asset])] =
        include!(concat!(env!("OUT_DIR"), "/memory_serve_assets.rs"));
    all.first().map_or(&[], |(_, assets)| *assets)
}

/// How the shell is produced: from the copy compiled into the binary, or (debug builds) from
/// the file on disk at each request.
#[derive(Debug)]
pub struct Portal {
    build_id: String,
    embedded: bool,
    disk_index: Option<&'static str>,
}

impl Portal {
    fn load() -> Self {
        let assets = assets();
        let embedded = !assets.is_empty() && assets.iter().all(|a| a.bytes.is_some());
        let build_id = if embedded {
            let mut digest = Sha256::new();
            for asset in assets {
                digest.update(asset.route.as_bytes());
                digest.update([0]);
                digest.update(asset.etag.as_bytes());
                digest.update([0]);
            }
            hex::encode(&digest.finalize()[..8])
        } else {
            "dev".to_owned()
        };
        let disk_index = (!embedded)
            .then(|| assets.iter().find(|a| a.route == INDEX_ROUTE).map(|a| a.path))
            .flatten();
        Self {
            build_id,
            embedded,
            disk_index,
        }
    }

    /// `/assets/<build-id>/`: the prefix every portal file is served under.
    pub fn asset_base(&self) -> String {
        format!("/assets/{}/", self.build_id)
    }

    /// The shell with its placeholders filled, and the CSP that allows exactly its import map.
    pub fn shell(&self) -> Result<Shell, ApiError> {
        let template = match self.disk_index {
            Some(path) => {
                std::fs::read_to_string(path).map_err(|e| ApiError::internal(anyhow::anyhow!("reading {path}: {e}")))?
            }
            None => INDEX_EMBEDDED.to_owned(),
        };
        let html = template.replace(ASSET_BASE, &self.asset_base());
        let hashes: Vec<String> = inline_scripts(&html)
            .into_iter()
            .map(|script| {
                let digest = Sha256::digest(script.as_bytes());
                format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
            })
            .collect();
        Ok(Shell {
            csp: content_security_policy(&hashes),
            html,
        })
    }
}

/// The rendered `index.html` and its Content-Security-Policy.
#[derive(Debug)]
pub struct Shell {
    pub html: String,
    pub csp: String,
}

/// The text of each inline `<script>` (one with no `src`), as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let open_tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        if !open_tag.contains(" src=") {
            out.push(&body[..close]);
        }
        rest = &body[close..];
    }
    out
}

fn content_security_policy(script_hashes: &[String]) -> String {
    let scripts = std::iter::once("'self'".to_owned())
        .chain(script_hashes.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "default-src 'none'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Headers on the portal's files (the shell sets its own, with its CSP).
fn security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}

/// The portal's routes: its shell at `/` and its files under `/assets/<build-id>/`. Unknown
/// paths reach [`fallback`] (wired by the caller as the router's fallback).
pub fn routes() -> (Router<AppState>, Arc<Portal>) {
    let portal = Arc::new(Portal::load());
    let cache = if portal.embedded {
        CacheControl::Long
    } else {
        CacheControl::NoCache
    };
    let files: Router<AppState> = MemoryServe::new(assets())
        .index_file(None)
        .cache_control(cache)
        .html_cache_control(CacheControl::NoCache)
        .into_router();
    // The files are scripts, styles and images: nothing in them may run as a page of its own.
    let files = files.layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    ));
    let shell_portal = Arc::clone(&portal);
    let router = Router::new()
        .nest(&format!("/assets/{}", portal.build_id), security_headers(files))
        .route(
            "/",
            axum::routing::get(move || async move { serve_shell(&shell_portal) }),
        );
    (router, portal)
}

fn serve_shell(portal: &Portal) -> Response {
    match portal.shell() {
        Ok(shell) => {
            let mut resp = (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                shell.html,
            )
                .into_response();
            if let Ok(csp) = HeaderValue::from_str(&shell.csp) {
                resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            let headers = resp.headers_mut();
            headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            );
            resp
        }
        Err(e) => e.into_response(),
    }
}

/// Whether `path` belongs to the API's own prefixes rather than to the portal.
pub fn is_reserved(path: &str) -> bool {
    RESERVED.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The router's fallback: a portal route (History API) answers the shell; anything else, and
/// any method but GET and HEAD, is the API's 404 problem.
pub fn fallback(portal: &Portal, req: &Request) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) && !is_reserved(req.uri().path()) {
        return serve_shell(portal);
    }
    ApiError::new(Code::RouteNotFound, "no endpoint at this path; see /api/docs").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_prefixes_match_whole_segments() {
        for path in [
            "/api",
            "/api/",
            "/api/v1/x",
            "/oauth2/token",
            "/.well-known/x",
            "/metrics",
            "/healthz",
            "/assets/x",
            "/theme.css",
            "/theme/x",
        ] {
            assert!(is_reserved(path), "{path}");
        }
        for path in ["/", "/apis", "/apis/1", "/metricsx", "/login", "/publisher/apis"] {
            assert!(!is_reserved(path), "{path}");
        }
    }

    #[test]
    fn inline_scripts_are_found_and_sourced_ones_skipped() {
        let html = r#"<script type="importmap">{"imports":{}}</script><script type="module" src="/a.js"></script><script>x()</script>"#;
        assert_eq!(inline_scripts(html), [r#"{"imports":{}}"#, "x()"]);
    }

    #[test]
    fn the_policy_allows_no_inline_code_but_the_hashed_scripts() {
        let csp = content_security_policy(&["'sha256-abc'".to_owned()]);
        assert!(csp.contains("script-src 'self' 'sha256-abc';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }
}
