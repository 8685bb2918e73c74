//! Gateway errors, each rendered as RFC 9457 `application/problem+json` with a
//! stable snake_case `code`, and tagged with the side that failed (client,
//! gateway, upstream) the way pingora tags its errors.

use std::borrow::Cow;

use axum::body::Body;
use http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderName, HeaderValue, Response, StatusCode};

/// Who caused a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The caller: bad credentials, no subscription, unknown path, over its limit.
    Client,
    /// Us: the API is blocked, misconfigured, or has no usable endpoint.
    Gateway,
    /// The backend: refused, timed out, or broke the protocol.
    Upstream,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Gateway => "gateway",
            Side::Upstream => "upstream",
        }
    }
}

/// Attached to every error response's extensions, so that outer layers
/// (access log, tracing) can tell who failed without parsing the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    pub side: Side,
    pub code: &'static str,
}

/// Why authentication failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    Missing,
    UnknownKey,
    ExpiredKey,
    /// Malformed, bad signature, unknown `kid`, wrong `alg`, missing claim.
    InvalidToken(Cow<'static, str>),
    ExpiredToken,
    NotYetValidToken,
    WrongAudience,
    WrongIssuer,
    RevokedToken,
}

impl AuthFailure {
    fn code(&self) -> &'static str {
        match self {
            AuthFailure::Missing => "credentials_missing",
            AuthFailure::UnknownKey => "api_key_invalid",
            AuthFailure::ExpiredKey => "api_key_expired",
            AuthFailure::InvalidToken(_) => "token_invalid",
            AuthFailure::ExpiredToken => "token_expired",
            AuthFailure::NotYetValidToken => "token_not_yet_valid",
            AuthFailure::WrongAudience => "token_wrong_audience",
            AuthFailure::WrongIssuer => "token_wrong_issuer",
            AuthFailure::RevokedToken => "token_revoked",
        }
    }

    fn detail(&self) -> Cow<'static, str> {
        match self {
            AuthFailure::Missing => "Send an API key header or an `Authorization: Bearer` access token.".into(),
            AuthFailure::UnknownKey => "The API key is not known.".into(),
            AuthFailure::ExpiredKey => "The API key has expired.".into(),
            AuthFailure::InvalidToken(why) => format!("The access token is not valid: {why}.").into(),
            AuthFailure::ExpiredToken => "The access token has expired.".into(),
            AuthFailure::NotYetValidToken => "The access token is not valid yet (nbf).".into(),
            AuthFailure::WrongAudience => "The access token was not issued for this gateway (aud).".into(),
            AuthFailure::WrongIssuer => "The access token has an unexpected issuer (iss).".into(),
            AuthFailure::RevokedToken => "The access token has been revoked.".into(),
        }
    }

    fn challenge(&self) -> HeaderValue {
        HeaderValue::from_static(match self {
            AuthFailure::Missing => r#"Bearer realm="tollgate", ApiKey realm="tollgate""#,
            AuthFailure::UnknownKey | AuthFailure::ExpiredKey => r#"ApiKey realm="tollgate", error="invalid_key""#,
            _ => r#"Bearer realm="tollgate", error="invalid_token""#,
        })
    }
}

/// Everything that ends a request at the gateway instead of the backend's answer.
#[derive(Debug)]
pub enum GatewayError {
    BadRequest(&'static str),
    /// The request head exceeds the listener's limits (431).
    HeadTooLarge,
    /// The request line alone exceeds them (414).
    UriTooLong,
    /// The request head did not arrive within the header timeout (408).
    HeadTimeout,
    /// A transfer coding the gateway does not speak (501).
    NotImplemented(&'static str),
    NotFound,
    /// No snapshot has been loaded yet: the gateway cannot tell whether the API exists (503,
    /// `Retry-After: 1`), so it must not say 404.
    NotReady,
    MethodNotAllowed(HeaderValue),
    Unauthenticated(AuthFailure),
    NotSubscribed,
    SubscriptionInactive,
    CorsOriginDenied,
    RateLimited {
        retry_after_secs: u64,
        quota_exceeded: bool,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    ApiBlocked,
    PlanMissing,
    NoEndpoint,
    UpstreamRefused,
    UpstreamTimeout,
    UpstreamProtocol,
}

impl GatewayError {
    pub fn status(&self) -> StatusCode {
        match self {
            GatewayError::BadRequest(_) => StatusCode::BAD_REQUEST,
            GatewayError::HeadTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            GatewayError::UriTooLong => StatusCode::URI_TOO_LONG,
            GatewayError::HeadTimeout => StatusCode::REQUEST_TIMEOUT,
            GatewayError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            GatewayError::NotFound => StatusCode::NOT_FOUND,
            GatewayError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            GatewayError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            GatewayError::NotSubscribed | GatewayError::SubscriptionInactive | GatewayError::CorsOriginDenied => {
                StatusCode::FORBIDDEN
            }
            GatewayError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            GatewayError::ApiBlocked | GatewayError::NoEndpoint | GatewayError::NotReady => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            GatewayError::PlanMissing => StatusCode::INTERNAL_SERVER_ERROR,
            GatewayError::UpstreamRefused | GatewayError::UpstreamProtocol => StatusCode::BAD_GATEWAY,
            GatewayError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::BadRequest(_) => "bad_request",
            GatewayError::HeadTooLarge => "request_header_fields_too_large",
            GatewayError::UriTooLong => "uri_too_long",
            GatewayError::HeadTimeout => "request_timeout",
            GatewayError::NotImplemented(_) => "not_implemented",
            GatewayError::NotFound => "not_found",
            GatewayError::NotReady => "gateway_not_ready",
            GatewayError::MethodNotAllowed(_) => "method_not_allowed",
            GatewayError::Unauthenticated(f) => f.code(),
            GatewayError::NotSubscribed => "not_subscribed",
            GatewayError::SubscriptionInactive => "subscription_inactive",
            GatewayError::CorsOriginDenied => "cors_origin_not_allowed",
            GatewayError::RateLimited {
                quota_exceeded: true, ..
            } => "quota_exceeded",
            GatewayError::RateLimited { .. } => "rate_limited",
            GatewayError::ApiBlocked => "api_blocked",
            GatewayError::PlanMissing => "plan_missing",
            GatewayError::NoEndpoint => "no_endpoint",
            GatewayError::UpstreamRefused => "upstream_unreachable",
            GatewayError::UpstreamTimeout => "upstream_timeout",
            GatewayError::UpstreamProtocol => "upstream_bad_response",
        }
    }

    pub fn side(&self) -> Side {
        match self {
            GatewayError::ApiBlocked
            | GatewayError::PlanMissing
            | GatewayError::NoEndpoint
            | GatewayError::NotReady => Side::Gateway,
            GatewayError::UpstreamRefused | GatewayError::UpstreamTimeout | GatewayError::UpstreamProtocol => {
                Side::Upstream
            }
            _ => Side::Client,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            GatewayError::BadRequest(_) => "Bad request",
            GatewayError::HeadTooLarge => "Request header fields too large",
            GatewayError::UriTooLong => "URI too long",
            GatewayError::HeadTimeout => "Request timeout",
            GatewayError::NotImplemented(_) => "Not implemented",
            GatewayError::NotFound => "No such API or resource",
            GatewayError::NotReady => "Gateway not ready",
            GatewayError::MethodNotAllowed(_) => "Method not allowed",
            GatewayError::Unauthenticated(_) => "Authentication failed",
            GatewayError::NotSubscribed => "Not subscribed",
            GatewayError::SubscriptionInactive => "Subscription not active",
            GatewayError::CorsOriginDenied => "Origin not allowed",
            GatewayError::RateLimited {
                quota_exceeded: true, ..
            } => "Quota exceeded",
            GatewayError::RateLimited { .. } => "Too many requests",
            GatewayError::ApiBlocked => "API blocked",
            GatewayError::PlanMissing => "Plan not found",
            GatewayError::NoEndpoint => "No backend endpoint",
            GatewayError::UpstreamRefused => "Backend unreachable",
            GatewayError::UpstreamTimeout => "Backend timed out",
            GatewayError::UpstreamProtocol => "Bad response from backend",
        }
    }

    fn detail(&self) -> Cow<'static, str> {
        match self {
            GatewayError::BadRequest(why) | GatewayError::NotImplemented(why) => Cow::Borrowed(why),
            GatewayError::HeadTooLarge => "The request line and header fields exceed 64 KiB or 100 fields.".into(),
            GatewayError::UriTooLong => "The request line exceeds 64 KiB.".into(),
            GatewayError::HeadTimeout => "The request head did not arrive in time.".into(),
            GatewayError::NotFound => "No deployed API version serves this path.".into(),
            GatewayError::NotReady => "The gateway has not loaded its configuration yet; retry shortly.".into(),
            GatewayError::MethodNotAllowed(allow) => {
                format!("This path accepts: {}.", allow.to_str().unwrap_or("")).into()
            }
            GatewayError::Unauthenticated(f) => f.detail(),
            GatewayError::NotSubscribed => "The application is not subscribed to this API.".into(),
            GatewayError::SubscriptionInactive => {
                "The application's subscription to this API is blocked or awaiting approval.".into()
            }
            GatewayError::CorsOriginDenied => "This origin may not call the API from a browser.".into(),
            GatewayError::RateLimited { retry_after_secs, .. } => {
                format!("The plan's limit is reached; retry after {retry_after_secs} s.").into()
            }
            GatewayError::ApiBlocked => "The API is temporarily blocked by its publisher.".into(),
            GatewayError::PlanMissing => "The subscription refers to a plan the gateway does not know.".into(),
            GatewayError::NoEndpoint => "The API has no usable backend endpoint.".into(),
            GatewayError::UpstreamRefused => "The backend could not be reached.".into(),
            GatewayError::UpstreamTimeout => "The backend did not answer in time.".into(),
            GatewayError::UpstreamProtocol => "The backend sent an invalid response or closed the connection.".into(),
        }
    }

    /// Renders the problem document. `type_base` is prefixed to the code to
    /// form the `type` URI (e.g. `urn:tollgate:problem:`).
    pub fn into_response(self, type_base: &str) -> Response<Body> {
        let status = self.status();
        let code = self.code();
        let mut body = Vec::with_capacity(200);
        body.extend_from_slice(b"{\"type\":\"");
        escape_into(&mut body, type_base);
        escape_into(&mut body, code);
        body.extend_from_slice(b"\",\"title\":\"");
        escape_into(&mut body, self.title());
        body.extend_from_slice(b"\",\"status\":");
        body.extend_from_slice(status.as_str().as_bytes());
        body.extend_from_slice(b",\"detail\":\"");
        escape_into(&mut body, &self.detail());
        body.extend_from_slice(b"\",\"code\":\"");
        body.extend_from_slice(code.as_bytes());
        body.extend_from_slice(b"\"}");

        let mut resp = Response::new(Body::from(body));
        *resp.status_mut() = status;
        resp.extensions_mut().insert(ErrorInfo {
            side: self.side(),
            code,
        });
        let headers = resp.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        match self {
            GatewayError::MethodNotAllowed(allow) => {
                headers.insert(ALLOW, allow);
            }
            GatewayError::Unauthenticated(f) => {
                headers.insert(WWW_AUTHENTICATE, f.challenge());
            }
            GatewayError::NotReady => {
                headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
            }
            GatewayError::RateLimited {
                retry_after_secs,
                headers: extra,
                ..
            } => {
                for (name, value) in extra {
                    headers.append(name, value);
                }
                // One value (RFC 9110 §10.2.3), replacing the limiter's own field if it sent one.
                headers.insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            _ => {}
        }
        resp
    }
}

/// Appends `s` as the inside of a JSON string.
fn escape_into(out: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_json_is_valid_and_complete() {
        let resp = GatewayError::Unauthenticated(AuthFailure::InvalidToken("bad \"sig\"\n\u{1}".into()))
            .into_response("urn:tollgate:problem:");
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()[CONTENT_TYPE], "application/problem+json");
        assert!(resp.headers().contains_key(WWW_AUTHENTICATE));
        let info = resp.extensions().get::<ErrorInfo>().copied();
        assert_eq!(
            info,
            Some(ErrorInfo {
                side: Side::Client,
                code: "token_invalid"
            })
        );
    }

    #[test]
    fn escaping_produces_parseable_json() {
        let mut out = b"\"".to_vec();
        escape_into(&mut out, "a\"b\\c\n\u{1f}é");
        out.push(b'"');
        let parsed: String = serde_json::from_slice(&out).expect("valid JSON string");
        assert_eq!(parsed, "a\"b\\c\n\u{1f}é");
    }
}
