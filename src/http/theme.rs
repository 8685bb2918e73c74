//! The portal's theme: colours, extra CSS and a logo that an operator stores in the database,
//! served at run time to every page as `/theme.css` and `/theme/logo` — re-theming needs no
//! rebuild and no restart. The shell links the stylesheet after its own, so the theme's design
//! tokens (CSS custom properties, `web/public/theme/tokens.css`) win.
//!
//! What an operator may store, and the stylesheet made of it, are the rules of
//! [`crate::domain::theme`]; here they are served. The logo is served with its content type,
//! `nosniff` and a sandboxing CSP (an SVG opened on its own runs nothing). The shell's CSP is
//! unchanged: `/theme.css` is a stylesheet from this origin, `/theme/logo` an image from it.

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
use crate::domain::theme::{self, ThemeColors, logo_type, render_css, stored_colors};
use crate::error::{ApiError, Problem};
use crate::store::{ThemeFields, ThemeRow};

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
    let theme = theme::check(&req.light, &req.dark, req.extra_css, req.logo.as_deref()).map_err(ApiError::invalid)?;
    let fields = ThemeFields {
        light_colors: serde_json::to_string(&theme.light).map_err(ApiError::internal)?,
        dark_colors: serde_json::to_string(&theme.dark).map_err(ApiError::internal)?,
        extra_css: theme.extra_css,
        logo: theme.logo,
    };
    let mut entry = audit(
        &auth,
        "theme.updated",
        "theme",
        json!({"light": theme.light, "dark": theme.dark, "extra_css_bytes": fields.extra_css.len(),
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
