//! An API's definition: context path, version, backend endpoints, resources, CORS, visibility,
//! tags. Parsers normalise what users type and say precisely what is wrong.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::account::Role;
use super::lifecycle::ApiState;

pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
pub const MAX_RESOURCES: usize = 10_000;
pub const MAX_ENDPOINTS: usize = 32;
/// Paths the gateway answers itself.
pub const RESERVED_CONTEXTS: [&str; 3] = ["healthz", "readyz", "metrics"];

/// A backend the gateway forwards to, chosen by weight.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://petstore.internal:8443/v1", "weight": 1}))]
pub struct Endpoint {
    /// Absolute http or https URL; its path is the prefix the gateway forwards to.
    pub url: String,
    /// Relative share of traffic, 1–1000 (default 1).
    #[serde(default = "default_weight")]
    pub weight: u32,
}

fn default_weight() -> u32 {
    1
}

/// An operation the API exposes: an HTTP method and a path template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "GET", "path": "/pets/{petId}", "auth_required": true}))]
pub struct Resource {
    /// GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.
    pub method: String,
    /// Path template below the API's context, e.g. `/pets/{petId}`; a trailing `/*` matches any
    /// remainder.
    pub path: String,
    /// Whether callers need a credential (default true).
    #[serde(default = "default_true")]
    pub auth_required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

fn default_true() -> bool {
    true
}

/// CORS policy the gateway applies (and answers preflights with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(example = json!({"enabled": true, "allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"],
    "allow_headers": ["authorization", "content-type", "apikey"], "expose_headers": [], "allow_credentials": false, "max_age_secs": 600}))]
pub struct Cors {
    pub enabled: bool,
    /// Origins allowed, or `["*"]`.
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age_secs: u32,
}

impl Default for Cors {
    fn default() -> Self {
        Self {
            enabled: false,
            allow_origins: vec!["*".into()],
            allow_methods: METHODS.iter().map(|m| (*m).to_owned()).collect(),
            allow_headers: vec![
                "authorization".into(),
                "content-type".into(),
                "apikey".into(),
                "x-api-key".into(),
            ],
            expose_headers: Vec::new(),
            allow_credentials: false,
            max_age_secs: 600,
        }
    }
}

/// Active health checking of an API's endpoints: every `interval_secs` each gateway sends
/// `GET {endpoint url}{path}`; an endpoint that fails `unhealthy_threshold` probes in a row (no
/// answer within `timeout_ms`, or a status outside 200–399) gets no traffic until it passes
/// `healthy_threshold` in a row. Works beside passive ejection; when no endpoint is in service
/// the gateway still tries one rather than refuse unheard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"path": "/healthz", "interval_secs": 10, "timeout_ms": 2000,
    "unhealthy_threshold": 2, "healthy_threshold": 2}))]
pub struct HealthCheck {
    /// Path probed below each endpoint's URL, starting with `/`.
    pub path: String,
    /// Seconds between probes, 1–3600 (default 10).
    #[serde(default = "default_interval")]
    pub interval_secs: u32,
    /// How long a probe may take, 1–60000 ms (default 2000).
    #[serde(default = "default_probe_timeout")]
    pub timeout_ms: u32,
    /// Failed probes in a row that take an endpoint out, 1–100 (default 2).
    #[serde(default = "default_threshold")]
    pub unhealthy_threshold: u32,
    /// Passed probes in a row that bring it back, 1–100 (default 2).
    #[serde(default = "default_threshold")]
    pub healthy_threshold: u32,
}

fn default_interval() -> u32 {
    10
}

fn default_probe_timeout() -> u32 {
    2000
}

fn default_threshold() -> u32 {
    2
}

impl HealthCheck {
    /// Every problem, as (field below the health check, message).
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut out = Vec::new();
        let path_ok = self.path.starts_with('/')
            && self.path.len() <= 200
            && self.path.bytes().all(|b| b.is_ascii_graphic() && b != b'#');
        if !path_ok {
            out.push((
                "/path",
                "must start with / and be at most 200 visible ASCII characters, no #",
            ));
        }
        if !(1..=3600).contains(&self.interval_secs) {
            out.push(("/interval_secs", "must be 1 to 3600"));
        }
        if !(1..=60_000).contains(&self.timeout_ms) {
            out.push(("/timeout_ms", "must be 1 to 60000"));
        }
        if !(1..=100).contains(&self.unhealthy_threshold) {
            out.push(("/unhealthy_threshold", "must be 1 to 100"));
        }
        if !(1..=100).contains(&self.healthy_threshold) {
            out.push(("/healthy_threshold", "must be 1 to 100"));
        }
        out
    }
}

/// Who sees the API in the developer portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone, including anonymous visitors.
    Public,
    /// Members of the owning organization.
    Organization,
    /// Signed-in users holding one of `visible_roles` in any organization.
    Roles,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Organization => "organization",
            Self::Roles => "roles",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        match s {
            "public" => Some(Self::Public),
            "organization" => Some(Self::Organization),
            "roles" => Some(Self::Roles),
            _ => None,
        }
    }
}

/// `/petstore` or `/acme/payments`: lower-case segments of `a-z 0-9 . _ -`, no trailing slash.
pub fn parse_context(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim().trim_end_matches('/');
    let s = if s.starts_with('/') {
        s.to_owned()
    } else {
        format!("/{s}")
    };
    if s.len() < 2 || s.len() > 100 {
        return Err("must be 1 to 99 characters after the leading /");
    }
    if let Some(first) = s[1..].split('/').next()
        && RESERVED_CONTEXTS.contains(&first)
    {
        return Err("must not start with healthz, readyz or metrics (the gateway's own paths)");
    }
    for segment in s[1..].split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err("must not contain empty, . or .. segments");
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        {
            return Err("may contain only a-z, 0-9, ., _, - and / between segments");
        }
    }
    Ok(s)
}

/// `1.0.0`, `v2`, `2024-06-01`: 1–32 characters of `A-Z a-z 0-9 . _ -`, starting with a letter or
/// digit.
pub fn parse_version(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 32 {
        return Err("must be 1 to 32 characters");
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("must start with a letter or digit");
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err("may contain only letters, digits, ., _ and -");
    }
    Ok(s.to_owned())
}

/// An absolute http(s) URL without credentials, query or fragment; trailing `/` removed.
pub fn parse_endpoint_url(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.len() > 2000 {
        return Err("must be at most 2000 characters");
    }
    let uri: http::Uri = s.parse().map_err(|_| "is not a valid URL")?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err("must start with http:// or https://"),
    }
    let Some(authority) = uri.authority() else {
        return Err("must name a host");
    };
    if authority.as_str().contains('@') {
        return Err("must not contain credentials; configure backend authentication separately");
    }
    if authority.host().is_empty() {
        return Err("must name a host");
    }
    if uri.query().is_some() || s.contains('#') {
        return Err("must not contain a query or fragment");
    }
    Ok(s.trim_end_matches('/').to_owned())
}

pub fn parse_method(raw: &str) -> Result<String, &'static str> {
    let m = raw.trim().to_ascii_uppercase();
    if METHODS.contains(&m.as_str()) {
        Ok(m)
    } else {
        Err("must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
    }
}

/// A resource path template: starts with `/`, `{name}` parameters, optional trailing `/*`.
pub fn parse_resource_path(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if !s.starts_with('/') {
        return Err("must start with /");
    }
    if s.len() > 1000 {
        return Err("must be at most 1000 characters");
    }
    if s.contains(['?', '#', ' ', '\t', '\n', '\r']) {
        return Err("must not contain a query, fragment or whitespace");
    }
    let body = s.strip_suffix("/*").unwrap_or(s);
    if body.contains('*') {
        return Err("* is allowed only as a final /* segment");
    }
    let mut in_param = false;
    let mut name_len = 0;
    for c in body.chars() {
        match (c, in_param) {
            ('{', false) => {
                in_param = true;
                name_len = 0;
            }
            ('}', true) => {
                if name_len == 0 {
                    return Err("has an empty {} parameter");
                }
                in_param = false;
            }
            ('{', true) | ('}', false) => return Err("has unbalanced { }"),
            (c, true) if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') => name_len += 1,
            (_, true) => return Err("parameter names may contain only letters, digits, _, - and ."),
            _ => {}
        }
    }
    if in_param {
        return Err("has unbalanced { }");
    }
    Ok(s.to_owned())
}

/// Lower-cased, trimmed, de-duplicated tags of `a-z 0-9 space . _ -`, at most 20.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let t = tag.trim().to_lowercase();
        if t.is_empty() || t.len() > 40 {
            return Err("each tag must be 1 to 40 characters");
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, ' ' | '.' | '_' | '-'))
        {
            return Err("tags may contain only letters, digits, spaces, ., _ and -");
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 20 {
        return Err("at most 20 tags");
    }
    Ok(out)
}

/// Validate endpoints; pointers are relative to `base` (e.g. `/endpoints`).
pub fn validate_endpoints(endpoints: &mut [Endpoint], base: &str, errors: &mut Vec<FieldError>) {
    if endpoints.len() > MAX_ENDPOINTS {
        errors.push(FieldError::new(base, format!("at most {MAX_ENDPOINTS} endpoints")));
    }
    for (i, e) in endpoints.iter_mut().enumerate() {
        match parse_endpoint_url(&e.url) {
            Ok(url) => e.url = url,
            Err(m) => errors.push(FieldError::new(format!("{base}/{i}/url"), m)),
        }
        if !(1..=1000).contains(&e.weight) {
            errors.push(FieldError::new(
                format!("{base}/{i}/weight"),
                "must be between 1 and 1000",
            ));
        }
    }
}

/// Validate resources and refuse duplicates (same method and path).
pub fn validate_resources(resources: &mut [Resource], base: &str, errors: &mut Vec<FieldError>) {
    if resources.len() > MAX_RESOURCES {
        errors.push(FieldError::new(base, format!("at most {MAX_RESOURCES} resources")));
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (i, r) in resources.iter_mut().enumerate() {
        match parse_method(&r.method) {
            Ok(m) => r.method = m,
            Err(m) => errors.push(FieldError::new(format!("{base}/{i}/method"), m)),
        }
        match parse_resource_path(&r.path) {
            Ok(p) => r.path = p,
            Err(m) => errors.push(FieldError::new(format!("{base}/{i}/path"), m)),
        }
        if !seen.insert((r.method.clone(), r.path.clone())) {
            errors.push(FieldError::new(format!("{base}/{i}"), "duplicate method and path"));
        }
        for (field, value) in [("operation_id", &mut r.operation_id), ("summary", &mut r.summary)] {
            if let Some(v) = value
                && v.chars().count() > 500
            {
                errors.push(FieldError::new(
                    format!("{base}/{i}/{field}"),
                    "must be at most 500 characters",
                ));
            }
        }
    }
}

/// Whether any resource requires a credential (an API with none is "open").
pub fn requires_auth(resources: &[Resource]) -> bool {
    resources.iter().any(|r| r.auth_required)
}

/// The lower-cased text that catalog search looks in.
pub fn search_text(name: &str, description: &str, tags: &[String], resources: &[Resource]) -> String {
    let mut s = String::with_capacity(name.len() + description.len() + 64);
    s.push_str(&name.to_lowercase());
    s.push('\n');
    s.push_str(&description.to_lowercase());
    for t in tags {
        s.push('\n');
        s.push_str(t);
    }
    // Resource paths, capped so huge APIs do not bloat the row.
    for r in resources.iter().take(2000) {
        s.push('\n');
        s.push_str(&r.path.to_lowercase());
    }
    s
}

/// An API's definition, typed. Used to create and to replace.
#[derive(Debug, Clone)]
pub struct ApiFields {
    pub name: String,
    pub description: String,
    pub context: String,
    pub version: String,
    pub is_default: bool,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub visible_roles: Vec<String>,
    pub endpoints: Vec<Endpoint>,
    pub cors: Cors,
    pub connect_timeout_ms: i64,
    pub response_timeout_ms: i64,
    pub require_resubscription: bool,
    pub sunset_at: Option<i64>,
    pub health_check: Option<HealthCheck>,
}

impl ApiFields {
    /// Checks and normalises the definition (and `resources`, when given): every problem, at
    /// its JSON pointer. Whether the plans it offers are the organization's own is the caller's
    /// to check (it needs the store).
    pub fn validate(&mut self, resources: Option<&mut Vec<Resource>>) -> Vec<FieldError> {
        let mut errors = Vec::new();
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() || self.name.chars().count() > 200 || self.name.chars().any(char::is_control) {
            errors.push(FieldError::new("/name", "must be 1 to 200 printable characters"));
        }
        if self.description.chars().count() > 20_000 {
            errors.push(FieldError::new("/description", "must be at most 20000 characters"));
        }
        match parse_context(&self.context) {
            Ok(c) => self.context = c,
            Err(m) => errors.push(FieldError::new("/context", m)),
        }
        match parse_version(&self.version) {
            Ok(v) => self.version = v,
            Err(m) => errors.push(FieldError::new("/version", m)),
        }
        match normalize_tags(&self.tags) {
            Ok(t) => self.tags = t,
            Err(m) => errors.push(FieldError::new("/tags", m)),
        }
        for (i, role) in self.visible_roles.iter().enumerate() {
            if Role::parse(role).is_none() {
                errors.push(FieldError::new(
                    format!("/visible_roles/{i}"),
                    "must be admin, publisher or developer",
                ));
            }
        }
        if self.visibility == Visibility::Roles && self.visible_roles.is_empty() {
            errors.push(FieldError::new(
                "/visible_roles",
                "name at least one role when visibility is roles",
            ));
        }
        validate_endpoints(&mut self.endpoints, "/endpoints", &mut errors);
        for (field, value) in [
            ("/connect_timeout_ms", self.connect_timeout_ms),
            ("/response_timeout_ms", self.response_timeout_ms),
        ] {
            if !(100..=600_000).contains(&value) {
                errors.push(FieldError::new(field, "must be between 100 and 600000 milliseconds"));
            }
        }
        if let Some(check) = &self.health_check {
            for (field, message) in check.problems() {
                errors.push(FieldError::new(format!("/health_check{field}"), message));
            }
        }
        if self.cors.allow_origins.len() > 100 || self.cors.allow_headers.len() > 100 {
            errors.push(FieldError::new("/cors", "at most 100 origins and 100 headers"));
        }
        for (i, m) in self.cors.allow_methods.iter_mut().enumerate() {
            match parse_method(m) {
                Ok(ok) => *m = ok,
                Err(msg) => errors.push(FieldError::new(format!("/cors/allow_methods/{i}"), msg)),
            }
        }
        if let Some(resources) = resources {
            validate_resources(resources, "/resources", &mut errors);
        }
        errors
    }
}

/// Whether an API can go to `to` (PUBLISHED or PROTOTYPED: a state that serves traffic): it
/// needs an endpoint, and a published API whose resources require authentication needs a plan
/// to subscribe on. `Err` says what is missing.
pub fn publishable(
    to: ApiState,
    endpoints: &[Endpoint],
    resources: &[Resource],
    plan_ids: &[String],
) -> Result<(), &'static str> {
    if endpoints.is_empty() {
        return Err("the API has no endpoint; add one before publishing");
    }
    if to == ApiState::Published && requires_auth(resources) && plan_ids.is_empty() {
        return Err(
            "the API requires authentication but offers no plan; add a plan (or make every resource open) before publishing",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        assert_eq!(parse_context("petstore").unwrap(), "/petstore");
        assert_eq!(parse_context("/acme/pay/").unwrap(), "/acme/pay");
        for bad in [
            "/",
            "",
            "/Pets",
            "/a//b",
            "/a/../b",
            "/a b",
            "/ü",
            "/readyz",
            "/metrics/x",
        ] {
            assert!(parse_context(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn versions_and_urls() {
        assert!(parse_version("1.0.0").is_ok());
        assert!(parse_version("v2-beta_1").is_ok());
        assert!(parse_version("-1").is_err());
        assert!(parse_version("1/2").is_err());
        assert_eq!(
            parse_endpoint_url("http://127.0.0.1:9000/v1/").unwrap(),
            "http://127.0.0.1:9000/v1"
        );
        for bad in [
            "ftp://x",
            "http://",
            "http://u:p@host/",
            "http://h/?q=1",
            "not a url",
            "/relative",
        ] {
            assert!(parse_endpoint_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn resource_paths() {
        for ok in ["/", "/pets", "/pets/{petId}", "/a/{b}/c/{d.e}", "/files/*"] {
            assert!(parse_resource_path(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "pets", "/pets/{", "/pets/}", "/pets/{}", "/p?q", "/a/*/b", "/{a{b}}", "/{a b}",
        ] {
            assert!(parse_resource_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn duplicate_resources_are_refused() {
        let mut rs = vec![
            Resource {
                method: "get".into(),
                path: "/a".into(),
                auth_required: true,
                operation_id: None,
                summary: None,
            },
            Resource {
                method: "GET".into(),
                path: "/a".into(),
                auth_required: false,
                operation_id: None,
                summary: None,
            },
        ];
        let mut errors = Vec::new();
        validate_resources(&mut rs, "/resources", &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/resources/1");
    }

    #[test]
    fn tags() {
        assert_eq!(
            normalize_tags(&["Pets".into(), "pets ".into(), "store".into()]).unwrap(),
            ["pets", "store"]
        );
        assert!(normalize_tags(&["<script>".into()]).is_err());
    }
}
