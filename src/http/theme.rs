//! The portal's theme: colours, extra CSS and a logo that an operator stores in the database,
//! served at run time to every page as `/theme.css` and `/theme/logo` — re-theming needs no
//! rebuild and no restart. The shell links the stylesheet after its own, so the theme's design
//! tokens (CSS custom properties, `web/public/theme/tokens.css`) win.
//!
//! What an operator writes ends up in a stylesheet and an image that every page loads, so it is
//! checked strictly when written (and the colours again when served):
//! - colours are `#rrggbb` and nothing else;
//! - the extra CSS is at most [`MAX_EXTRA_CSS`] bytes of printable text with no escapes (`\`),
//!   no `<`, no `@import`/`@charset`/`@namespace`, no `url()` but same-site paths and
//!   `data:image/…`, no `image-set()`, `expression()` or bindings; its brackets must balance
//!   and its strings and comments close, so it cannot end or open a block of the stylesheet;
//! - the logo is a PNG, JPEG, GIF, WebP or SVG recognised by its first bytes, at most
//!   [`MAX_LOGO_BYTES`], served with its content type, `nosniff` and a sandboxing CSP (an SVG
//!   opened on its own runs nothing).
//!
//! The shell's CSP is unchanged: `/theme.css` is a stylesheet from this origin, `/theme/logo` an
//! image from it. The rules here are pure functions (no database, no axum) and tested below.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::extract::{ApiJson, Versioned, if_match};
use super::orgs::audit;
use crate::app::AppState;
use crate::domain::ids::to_datetime;
use crate::domain::policy::GlobalPermission;
use crate::error::{ApiError, FieldError, Problem};
use crate::store::{ThemeFields, ThemeRow};

/// The most extra CSS an operator may store.
pub const MAX_EXTRA_CSS: usize = 32 * 1024;
/// The largest logo, in bytes (decoded).
pub const MAX_LOGO_BYTES: usize = 128 * 1024;

/// Tollgate's own logo, served when the operator has set none.
const DEFAULT_LOGO: &[u8] = include_bytes!("../../web/public/theme/logo.svg");

/// What `/theme/logo` may run when opened as a page of its own (an SVG): nothing.
const LOGO_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// The operator endpoints, under `/api/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(find_theme, update_theme))
}

/// The public stylesheet and logo, at the root.
pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(find_theme_css))
        .routes(routes!(find_theme_logo))
}

macro_rules! colors {
    ($($field:ident => $var:literal, $doc:literal;)+) => {
        /// Design tokens to override, each `#rrggbb`; absent or null keeps the portal's own.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        #[schema(example = json!({"primary": "#7a1fa2", "primary_text": "#ffffff", "link": "#6a1b9a"}))]
        pub struct ThemeColors {
            $(
                #[doc = $doc]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )+
        }

        impl ThemeColors {
            /// (field name, CSS custom property, value) of every token.
            fn tokens(&self) -> Vec<(&'static str, &'static str, Option<&str>)> {
                vec![$((stringify!($field), $var, self.$field.as_deref())),+]
            }

            fn set(&mut self, field: &str, value: String) {
                match field {
                    $(stringify!($field) => self.$field = Some(value),)+
                    _ => {}
                }
            }
        }
    };
}

colors! {
    primary => "--color-primary", "Buttons, the current tab, the current lifecycle state.";
    primary_text => "--color-primary-text", "Text on the primary colour.";
    link => "--color-link", "Links.";
    focus => "--color-focus", "The focus ring.";
    background => "--color-bg", "The page's background.";
    surface => "--color-surface", "The header, panels and code blocks.";
    text => "--color-text", "Body text.";
    muted => "--color-muted", "Secondary text and hints.";
    border => "--color-border", "Borders and rules.";
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"light": {"primary": "#7a1fa2", "primary_text": "#ffffff"}, "dark": {"primary": "#ce93d8"},
    "extra_css": ".brand span { letter-spacing: 0.05em; }", "logo": null,
    "updated_at": "2026-11-29T21:00:00Z", "updated_by": "admin@example.com"}))]
pub struct ThemeResponse {
    /// Colours when the reader's system prefers a light scheme (the default).
    pub light: ThemeColors,
    /// Colours when it prefers a dark one.
    pub dark: ThemeColors,
    /// CSS appended to the theme.
    pub extra_css: String,
    /// The logo as a `data:` URL, or null for Tollgate's own.
    pub logo: Option<String>,
    /// When an operator last changed it (null: never).
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"light": {"primary": "#7a1fa2", "primary_text": "#ffffff"}, "dark": {"primary": "#ce93d8"},
    "extra_css": ".brand span { letter-spacing: 0.05em; }", "logo": "data:image/png;base64,iVBORw0KGgo="}))]
pub struct UpdateThemeRequest {
    #[serde(default)]
    pub light: ThemeColors,
    #[serde(default)]
    pub dark: ThemeColors,
    /// At most 32 KiB; see the rules in the description.
    #[serde(default)]
    pub extra_css: String,
    /// A `data:` URL (`data:image/png;base64,…`) of a PNG, JPEG, GIF, WebP or SVG of at most
    /// 128 KiB, or null for Tollgate's own.
    pub logo: Option<String>,
}

/// The theme (operators).
#[utoipa::path(get, path = "/admin/theme", tag = "admin",
    security(("session" = []), ("bearer" = [])),
    responses(
        (status = 200, body = ThemeResponse, headers(("etag" = String))),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn find_theme(State(app): State<AppState>, auth: Auth) -> Result<Versioned<ThemeResponse>, ApiError> {
    operator(&auth)?;
    let row = app.store.find_theme().await?;
    Ok(Versioned(row.row_version, response(row)))
}

/// Replace the theme (operators; `If-Match` supported). Every page uses it from its next load:
/// colours for light and dark schemes, extra CSS, the logo. Colours must be `#rrggbb`; the extra
/// CSS may not import, escape, reach other sites or leave its brackets open; the logo must be an
/// image of an allowed type. Recorded in the operator organization's audit log.
#[utoipa::path(put, path = "/admin/theme", tag = "admin",
    security(("session" = []), ("bearer" = [])),
    params(("if-match" = Option<String>, Header)),
    request_body = UpdateThemeRequest,
    responses(
        (status = 200, body = ThemeResponse, headers(("etag" = String))),
    ))]
pub async fn update_theme(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateThemeRequest>,
) -> Result<Versioned<ThemeResponse>, ApiError> {
    operator(&auth)?;
    let mut errors = Vec::new();
    let light = checked_colors(&req.light, "/light", &mut errors);
    let dark = checked_colors(&req.dark, "/dark", &mut errors);
    if let Err(message) = check_css(&req.extra_css) {
        errors.push(FieldError::new("/extra_css", message));
    }
    let logo = match req.logo.as_deref() {
        None | Some("") => None,
        Some(url) => parse_logo(url)
            .map_err(|m| errors.push(FieldError::new("/logo", m)))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let fields = ThemeFields {
        light_colors: serde_json::to_string(&light).map_err(ApiError::internal)?,
        dark_colors: serde_json::to_string(&dark).map_err(ApiError::internal)?,
        extra_css: req.extra_css,
        logo,
    };
    let mut entry = audit(
        &auth,
        "theme.updated",
        "theme",
        json!({"light": light, "dark": dark, "extra_css_bytes": fields.extra_css.len(),
               "logo": fields.logo.as_ref().map(|(t, bytes)| json!({"content_type": t, "bytes": bytes.len()}))}),
    );
    entry.org_id = auth
        .subject
        .memberships
        .iter()
        .find(|m| m.operator)
        .map(|m| m.org_id.clone());
    entry.target_id = "portal".to_owned();
    let row = app
        .store
        .put_theme(if_match(&headers)?, &fields, &auth.subject.email, entry)
        .await?;
    Ok(Versioned(row.row_version, response(row)))
}

/// The theme's stylesheet, linked by every page of the portal. Revalidated at each load
/// (`no-cache` with an ETag), so a change shows on the next page load.
#[utoipa::path(get, path = "/theme.css", tag = "admin",
    responses(
        (status = 200, description = "The theme as CSS", content_type = "text/css", body = String,
            headers(("etag" = String)), example = json!(":root { --color-primary: #7a1fa2; }")),
        (status = 304, description = "Not modified since the ETag in `If-None-Match`"),
    ))]
pub async fn find_theme_css(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let etag = format!("\"theme-{}\"", app.store.theme_version().await?);
    if not_modified(&headers, &etag) {
        return Ok(revalidated(&etag));
    }
    let row = app.store.find_theme().await?;
    let etag = format!("\"theme-{}\"", row.row_version);
    let css = render_css(
        &stored_colors(&row.light_colors),
        &stored_colors(&row.dark_colors),
        &row.extra_css,
    );
    Ok(asset(&etag, "text/css; charset=utf-8", css.into_bytes(), None))
}

/// The portal's logo: the operator's, or Tollgate's own.
#[utoipa::path(get, path = "/theme/logo", tag = "admin",
    responses(
        (status = 200, description = "The logo", headers(("etag" = String)), content(
            (Vec<u8> = "image/svg+xml"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/gif"), (Vec<u8> = "image/webp"))),
        (status = 304, description = "Not modified since the ETag in `If-None-Match`"),
    ))]
pub async fn find_theme_logo(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let etag = format!("\"logo-{}\"", app.store.theme_version().await?);
    if not_modified(&headers, &etag) {
        return Ok(revalidated(&etag));
    }
    let row = app.store.find_theme().await?;
    let etag = format!("\"logo-{}\"", row.row_version);
    let (content_type, bytes) = match (row.logo_content_type, row.logo) {
        (Some(t), Some(bytes)) if logo_type(&t).is_some() => (t, bytes),
        _ => ("image/svg+xml".to_owned(), DEFAULT_LOGO.to_vec()),
    };
    Ok(asset(&etag, &content_type, bytes, Some(LOGO_CSP)))
}

fn operator(auth: &Auth) -> Result<(), ApiError> {
    auth.check(
        auth.subject.authorize_global(GlobalPermission::ManageOrganizations),
        "installation",
    )
}

fn response(row: ThemeRow) -> ThemeResponse {
    let logo = match (&row.logo_content_type, &row.logo) {
        (Some(t), Some(bytes)) => Some(format!(
            "data:{t};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )),
        _ => None,
    };
    ThemeResponse {
        light: stored_colors(&row.light_colors),
        dark: stored_colors(&row.dark_colors),
        extra_css: row.extra_css,
        logo,
        updated_at: (row.updated_at > 0).then(|| to_datetime(row.updated_at)),
        updated_by: row.updated_by,
    }
}

/// Stored colours, keeping only those that are still valid (they were checked when written).
fn stored_colors(json: &str) -> ThemeColors {
    let parsed: ThemeColors = serde_json::from_str(json).unwrap_or_default();
    let mut out = ThemeColors::default();
    for (field, _, value) in parsed.tokens() {
        if let Some(Ok(color)) = value.map(parse_color) {
            out.set(field, color);
        }
    }
    out
}

/// The colours normalised (lower case), each invalid one reported at its pointer.
fn checked_colors(colors: &ThemeColors, at: &str, errors: &mut Vec<FieldError>) -> ThemeColors {
    let mut out = ThemeColors::default();
    for (field, _, value) in colors.tokens() {
        match value.map(parse_color) {
            None => {}
            Some(Ok(color)) => out.set(field, color),
            Some(Err(message)) => errors.push(FieldError::new(format!("{at}/{field}"), message)),
        }
    }
    out
}

/// `#rrggbb`, lower-cased; nothing else (no names, no `rgb()`, no short form).
pub fn parse_color(value: &str) -> Result<String, &'static str> {
    let hex = value.strip_prefix('#').unwrap_or("");
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_lowercase()))
    } else {
        Err("must be a colour written #rrggbb, e.g. #1f5fad")
    }
}

/// Whether extra CSS may be appended to the theme (see the module's rules).
pub fn check_css(css: &str) -> Result<(), String> {
    if css.len() > MAX_EXTRA_CSS {
        return Err(format!("must be at most {MAX_EXTRA_CSS} bytes"));
    }
    if let Some(c) = css.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(format!("must not contain the control character U+{:04X}", u32::from(c)));
    }
    if css.contains('\\') {
        return Err("must not contain escapes (\\)".into());
    }
    if css.contains('<') {
        return Err("must not contain <".into());
    }
    let lower = css.to_ascii_lowercase();
    for banned in [
        "@import",
        "@charset",
        "@namespace",
        "image-set(",
        "expression(",
        "-moz-binding",
        "behavior:",
        "src(",
    ] {
        if lower.contains(banned) {
            return Err(format!("must not use {banned}"));
        }
    }
    // url(…) only to a path of this site or an inline image.
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        let target = rest[at + 4..].trim_start().trim_start_matches(['"', '\'']);
        let same_site = target.starts_with('/') && !target.starts_with("//");
        if !(same_site || target.starts_with("data:image/")) {
            return Err("url() may only name a path of this site (/…) or a data:image/ URL".into());
        }
        rest = &rest[at + 4..];
    }
    check_structure(css)
}

/// Brackets balance and nest, and every string and comment is closed.
fn check_structure(css: &str) -> Result<(), String> {
    let mut stack = Vec::new();
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    if c == '*' && chars.peek() == Some(&'/') {
                        chars.next();
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err("a comment is not closed (*/)".into());
                }
            }
            '"' | '\'' => {
                let mut closed = false;
                for s in chars.by_ref() {
                    if s == c {
                        closed = true;
                        break;
                    }
                    if s == '\n' {
                        break;
                    }
                }
                if !closed {
                    return Err("a string is not closed on its line".into());
                }
            }
            '{' | '(' | '[' => stack.push(c),
            '}' | ')' | ']' => {
                let open = match c {
                    '}' => '{',
                    ')' => '(',
                    _ => '[',
                };
                if stack.pop() != Some(open) {
                    return Err(format!("{c} closes nothing that is open here"));
                }
            }
            _ => {}
        }
    }
    match stack.last() {
        Some(open) => Err(format!("{open} is not closed")),
        None => Ok(()),
    }
}

/// The content type of an image we serve as a logo, by the name it was stored with.
fn logo_type(content_type: &str) -> Option<&'static str> {
    ["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"]
        .into_iter()
        .find(|t| *t == content_type)
}

/// A `data:<type>;base64,<data>` URL of an allowed image: its type and bytes. The bytes must be
/// what the type says (first bytes; for SVG, UTF-8 text with an `<svg` element).
pub fn parse_logo(url: &str) -> Result<(&'static str, Vec<u8>), String> {
    let bad_url = || "must be a data: URL, data:image/png;base64,…".to_owned();
    let rest = url.strip_prefix("data:").ok_or_else(bad_url)?;
    let (meta, data) = rest.split_once(',').ok_or_else(bad_url)?;
    let declared = meta.strip_suffix(";base64").ok_or_else(bad_url)?.to_ascii_lowercase();
    let content_type = logo_type(&declared).ok_or("must be a PNG, JPEG, GIF, WebP or SVG image")?;
    // Base64 of MAX_LOGO_BYTES is 4/3 as long: refuse a larger text before decoding it.
    if data.len() > MAX_LOGO_BYTES / 3 * 4 + 4 {
        return Err(format!("must be at most {} KiB", MAX_LOGO_BYTES / 1024));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| "is not valid base64".to_owned())?;
    if bytes.is_empty() {
        return Err("is empty".into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!("must be at most {} KiB", MAX_LOGO_BYTES / 1024));
    }
    let matches = match content_type {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => std::str::from_utf8(&bytes).is_ok_and(|s| s.contains("<svg")),
    };
    if !matches {
        return Err(format!("is not a {content_type} image"));
    }
    Ok((content_type, bytes))
}

/// The stylesheet: the light colours, the dark ones, then the extra CSS.
pub fn render_css(light: &ThemeColors, dark: &ThemeColors, extra_css: &str) -> String {
    let mut css = String::from("/* Tollgate's theme, set by an operator (Administration → Theme). */\n");
    for (scheme, colors) in [("light", light), ("dark", dark)] {
        let declarations: Vec<String> = colors
            .tokens()
            .into_iter()
            .filter_map(|(_, var, value)| Some(format!("    {var}: {};\n", parse_color(value?).ok()?)))
            .collect();
        if !declarations.is_empty() {
            css.push_str(&format!(
                "@media (prefers-color-scheme: {scheme}) {{\n  :root {{\n{}  }}\n}}\n",
                declarations.concat()
            ));
        }
    }
    if !extra_css.is_empty() {
        css.push_str("\n/* The operator's own CSS. */\n");
        css.push_str(extra_css);
        css.push('\n');
    }
    css
}

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag))
}

fn revalidated(etag: &str) -> Response {
    let mut resp = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

fn asset(etag: &str, content_type: &str, body: Vec<u8>, csp: Option<&'static str>) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(csp) = csp {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_rrggbb_only() {
        assert_eq!(parse_color("#1F5fAD"), Ok("#1f5fad".to_owned()));
        for bad in [
            "",
            "1f5fad",
            "#1f5",
            "#1f5fad00",
            "red",
            "rgb(0,0,0)",
            "#1f5fa;",
            "#gggggg",
            "#1f5fad;}",
        ] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn extra_css_is_plain_balanced_css_without_imports_or_outside_urls() {
        for good in [
            "",
            ".brand span { letter-spacing: 0.05em; }",
            "@media (max-width: 40rem) { .brand span { display: none; } }",
            "a[href^=\"/\"] { text-decoration: none; } /* a } in a comment */ .x::after { content: '}'; }",
            ".hero { background: url(/theme/logo) no-repeat; }",
            ".hero { background: url('data:image/png;base64,AAAA'); }",
        ] {
            assert_eq!(check_css(good), Ok(()), "{good}");
        }
        for bad in [
            "} body { display: none; }",
            ".a { color: red;",
            ".a { color: red; }}",
            ".a { content: \"open; }",
            "/* never closed",
            ".a ( ]",
            "@import url(/x.css);",
            "@IMPORT '/x.css';",
            ".a { background: url(https://evil.example/x.png); }",
            ".a { background: url( \"//evil.example/x.png\"); }",
            ".a { background: image-set('https://evil.example/x.png' 1x); }",
            ".a { content: '\\7d'; }",
            ".a { width: expression(alert(1)); }",
            "</style><script>alert(1)</script>",
            ".a { color: red; }\u{0}",
        ] {
            assert!(check_css(bad).is_err(), "{bad}");
        }
        assert!(check_css(&"a{}".repeat(MAX_EXTRA_CSS / 3 + 1)).is_err());
    }

    #[test]
    fn logos_are_allowed_images_of_bounded_size() {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0; 16]].concat();
        let (t, bytes) = parse_logo(&format!("data:image/png;base64,{}", b64(&png))).unwrap();
        assert_eq!((t, bytes), ("image/png", png.clone()));
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(
            parse_logo(&format!("data:image/svg+xml;base64,{}", b64(svg)))
                .unwrap()
                .0,
            "image/svg+xml"
        );
        for bad in [
            format!("data:image/jpeg;base64,{}", b64(&png)),
            format!("data:text/html;base64,{}", b64(b"<script>")),
            format!("data:image/png,{}", b64(&png)),
            "https://example.com/logo.png".to_owned(),
            "data:image/png;base64,***".to_owned(),
            format!("data:image/svg+xml;base64,{}", b64(b"not an image")),
            format!(
                "data:image/png;base64,{}",
                b64(&[png.as_slice(), &vec![0; MAX_LOGO_BYTES]].concat())
            ),
        ] {
            assert!(parse_logo(&bad).is_err(), "{}", &bad[..bad.len().min(60)]);
        }
    }

    #[test]
    fn the_stylesheet_scopes_each_scheme_and_ends_with_the_extra_css() {
        let light = ThemeColors {
            primary: Some("#7a1fa2".into()),
            ..Default::default()
        };
        let dark = ThemeColors {
            primary: Some("#ce93d8".into()),
            text: Some("not a colour".into()),
            ..Default::default()
        };
        let css = render_css(&light, &dark, ".x { color: red; }");
        assert!(
            css.contains("@media (prefers-color-scheme: light) {\n  :root {\n    --color-primary: #7a1fa2;\n  }\n}"),
            "{css}"
        );
        assert!(
            css.contains("(prefers-color-scheme: dark) {\n  :root {\n    --color-primary: #ce93d8;\n  }"),
            "{css}"
        );
        assert!(!css.contains("not a colour"), "{css}");
        assert!(css.trim_end().ends_with(".x { color: red; }"), "{css}");
        assert_eq!(
            render_css(&ThemeColors::default(), &ThemeColors::default(), "")
                .lines()
                .count(),
            1
        );
    }
}
