//! Per-API CORS, compiled once per snapshot into ready header values.
//!
//! Preflights (`OPTIONS` + `Origin` + `Access-Control-Request-Method`) are
//! answered by the gateway itself, before authentication (browsers never send
//! credentials on a preflight) and without calling the backend. Actual
//! responses, including the gateway's own errors, get the CORS headers so a
//! browser can read them.

use axum::body::Body;
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, VARY,
};
use http::{HeaderMap, HeaderValue, Response, StatusCode};

use crate::gateway::snapshot::Cors;

#[derive(Debug, Clone)]
pub struct CorsPolicy {
    any_origin: bool,
    origins: Vec<Box<[u8]>>,
    /// `None`: answer with the methods declared for the requested path.
    allow_methods: Option<HeaderValue>,
    allow_headers: Option<HeaderValue>,
    /// `allow_headers` contained `*`: echo what the browser asks for.
    any_header: bool,
    expose_headers: Option<HeaderValue>,
    allow_credentials: bool,
    max_age: Option<HeaderValue>,
}

fn joined(items: &[String]) -> Option<HeaderValue> {
    let items: Vec<&str> = items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    if items.is_empty() {
        return None;
    }
    HeaderValue::from_str(&items.join(", ")).ok()
}

impl CorsPolicy {
    /// `None` when CORS is disabled for the API.
    pub fn new(cors: &Cors) -> Option<CorsPolicy> {
        if !cors.enabled {
            return None;
        }
        let any_origin = cors.allow_origins.iter().any(|o| o.trim() == "*");
        let any_header = cors.allow_headers.iter().any(|h| h.trim() == "*");
        Some(CorsPolicy {
            any_origin,
            origins: cors
                .allow_origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').as_bytes().to_vec().into_boxed_slice())
                .collect(),
            allow_methods: joined(&cors.allow_methods),
            allow_headers: if any_header { None } else { joined(&cors.allow_headers) },
            any_header,
            expose_headers: joined(&cors.expose_headers),
            allow_credentials: cors.allow_credentials,
            max_age: (cors.max_age_secs > 0).then(|| HeaderValue::from(cors.max_age_secs)),
        })
    }

    pub fn allows(&self, origin: &HeaderValue) -> bool {
        self.any_origin || self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin.as_bytes()))
    }

    fn allow_origin(&self, origin: &HeaderValue, headers: &mut HeaderMap) {
        if self.any_origin && !self.allow_credentials {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        } else {
            // A specific origin is echoed, so caches must key on it.
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            headers.append(VARY, HeaderValue::from_static("Origin"));
        }
        if self.allow_credentials {
            headers.insert(ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        }
    }

    /// The 204 answer to an allowed preflight. `path_methods` is the `Allow`
    /// list of the requested path, used when the API lists no methods.
    pub fn preflight(
        &self,
        origin: &HeaderValue,
        path_methods: &HeaderValue,
        asked_headers: Option<HeaderValue>,
    ) -> Response<Body> {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::NO_CONTENT;
        let h = resp.headers_mut();
        self.allow_origin(origin, h);
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            self.allow_methods.clone().unwrap_or_else(|| path_methods.clone()),
        );
        if self.any_header {
            if let Some(asked) = asked_headers {
                h.insert(ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
        } else if let Some(v) = &self.allow_headers {
            h.insert(ACCESS_CONTROL_ALLOW_HEADERS, v.clone());
        }
        if let Some(v) = &self.max_age {
            h.insert(ACCESS_CONTROL_MAX_AGE, v.clone());
        }
        h.append(
            VARY,
            HeaderValue::from_static("Access-Control-Request-Method, Access-Control-Request-Headers"),
        );
        resp
    }

    /// Adds the headers of an actual (non-preflight) response for an allowed origin.
    pub fn apply(&self, origin: &HeaderValue, headers: &mut HeaderMap) {
        self.allow_origin(origin, headers);
        if let Some(v) = &self.expose_headers {
            headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cors(origins: &[&str], credentials: bool) -> Cors {
        Cors {
            enabled: true,
            allow_origins: origins.iter().map(|s| s.to_string()).collect(),
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["content-type".into(), "apikey".into()],
            expose_headers: vec!["x-request-id".into()],
            allow_credentials: credentials,
            max_age_secs: 600,
        }
    }

    #[test]
    fn disabled_means_none() {
        assert!(CorsPolicy::new(&Cors::default()).is_none());
    }

    #[test]
    fn specific_origin_is_echoed_with_vary() {
        let p = CorsPolicy::new(&cors(&["https://app.example"], true)).expect("enabled");
        let origin = HeaderValue::from_static("https://app.example");
        assert!(p.allows(&origin));
        assert!(!p.allows(&HeaderValue::from_static("https://evil.example")));
        let resp = p.preflight(&origin, &HeaderValue::from_static("GET"), None);
        assert_eq!(resp.status(), 204);
        let h = resp.headers();
        assert_eq!(h[ACCESS_CONTROL_ALLOW_ORIGIN], "https://app.example");
        assert_eq!(h[ACCESS_CONTROL_ALLOW_METHODS], "GET, POST");
        assert_eq!(h[ACCESS_CONTROL_ALLOW_HEADERS], "content-type, apikey");
        assert_eq!(h[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        assert_eq!(h[ACCESS_CONTROL_MAX_AGE], "600");
        let mut actual = HeaderMap::new();
        p.apply(&origin, &mut actual);
        assert_eq!(actual[ACCESS_CONTROL_EXPOSE_HEADERS], "x-request-id");
        assert_eq!(actual[VARY], "Origin");
    }

    #[test]
    fn wildcard_without_credentials_is_star() {
        let p = CorsPolicy::new(&cors(&["*"], false)).expect("enabled");
        let mut h = HeaderMap::new();
        p.apply(&HeaderValue::from_static("https://any.example"), &mut h);
        assert_eq!(h[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(!h.contains_key(VARY));
    }
}
