//! The import → API mapping: what an imported document contributes to an API's fields
//! (endpoints, context, name, version) when the upload does not say otherwise. It lives beside
//! the importer so the HTTP handlers only choose between an override and these defaults.

use super::ImportedSpec;
use crate::domain::FieldError;
use crate::domain::api::{self, Endpoint, RESERVED_CONTEXTS, parse_version};

/// Endpoints from `?endpoints=` or, failing that, from the document's servers.
pub(crate) fn imported_endpoints(
    endpoints: Option<&str>,
    spec: &ImportedSpec,
    warnings: &mut Vec<String>,
) -> Result<Vec<Endpoint>, FieldError> {
    if let Some(list) = endpoints.filter(|s| !s.trim().is_empty()) {
        let mut out = Vec::new();
        for (i, url) in list.split(',').enumerate() {
            let url = api::parse_endpoint_url(url).map_err(|m| FieldError::new(format!("/endpoints/{i}"), m))?;
            out.push(Endpoint { url, weight: 1 });
        }
        return Ok(out);
    }
    let mut out = Vec::new();
    for server in &spec.servers {
        match api::parse_endpoint_url(server) {
            Ok(url) if out.len() < api::MAX_ENDPOINTS && !out.iter().any(|e: &Endpoint| e.url == url) => {
                out.push(Endpoint { url, weight: 1 })
            }
            Ok(_) => {}
            Err(m) => warnings.push(format!("server {server} is not usable as an endpoint: {m}")),
        }
    }
    if out.is_empty() {
        warnings.push("no endpoint: add one before publishing".into());
    }
    Ok(out)
}

/// `"Swagger Petstore"` → `/swagger-petstore`.
pub(crate) fn context_from_title(title: &str) -> String {
    let mut slug = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    match slug {
        "" => "/api".to_owned(),
        // A title such as "Metrics" must not claim a path the gateway answers itself.
        reserved if RESERVED_CONTEXTS.contains(&reserved) => format!("/{reserved}-api"),
        slug => format!("/{slug}"),
    }
}

/// `"Pet\nStore"` → `Pet Store`: an API name has no control characters, a title may (YAML block
/// scalars keep their line breaks).
pub(crate) fn name_from_title(title: &str) -> String {
    title
        .split(char::is_control)
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `"1.0 (beta)"` → `1.0-beta`: a version the gateway can route.
pub(crate) fn version_from_info(raw: &str, warnings: &mut Vec<String>) -> String {
    if let Ok(v) = parse_version(raw) {
        return v;
    }
    let mut v = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            v.push(c);
        } else if !v.ends_with('-') {
            v.push('-');
        }
    }
    let v: String = v
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(32)
        .collect();
    let v = if v.is_empty() { "1".to_owned() } else { v };
    warnings.push(format!(
        "info.version {raw:?} is not a routable version; using {v:?} (override with ?version=)"
    ));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_contexts_and_versions() {
        assert_eq!(context_from_title("Swagger Petstore"), "/swagger-petstore");
        assert_eq!(context_from_title("  Kubernetes!! "), "/kubernetes");
        assert_eq!(context_from_title("日本"), "/api");
        assert_eq!(context_from_title("Metrics"), "/metrics-api");
        assert_eq!(context_from_title("Metrics API"), "/metrics-api");
        assert_eq!(name_from_title(" Pet\r\n Store\t(v2)\n"), "Pet Store (v2)");
        let mut w = Vec::new();
        assert_eq!(version_from_info("1.0.0", &mut w), "1.0.0");
        assert!(w.is_empty());
        assert_eq!(version_from_info("1.0 (beta)", &mut w), "1.0-beta");
        assert_eq!(w.len(), 1);
        assert_eq!(version_from_info("!!!", &mut w), "1");
    }
}
