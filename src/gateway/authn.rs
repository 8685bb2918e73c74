//! Who is calling: an API key from a header, or a JWT access token from
//! `Authorization: Bearer`, both checked against the snapshot alone.
//!
//! API keys are high-entropy, so the snapshot indexes them by plain SHA-256;
//! a request costs one digest and one hash lookup. JWTs are verified locally
//! with jsonwebtoken against the `kid`'s key, with an explicit algorithm (the
//! key's own: a token cannot pick a weaker one), `exp`/`nbf` with a bounded
//! leeway, `iss`, `aud`, and the revoked-`jti` set.

use std::borrow::Cow;

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::gateway::error::AuthFailure;
use crate::gateway::snapshot::{JwtConfig, Snapshot};

/// Leeway for `exp`/`nbf` is clamped to this (seconds).
pub const MAX_LEEWAY_SECS: u64 = 30;

/// Which request header carried the credential (it is not forwarded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// Index into the configured API-key header names.
    ApiKeyHeader(usize),
    Authorization,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal<'s> {
    pub application_id: Cow<'s, str>,
    /// API key id, or the token's `sub` (client id).
    pub credential_id: Cow<'s, str>,
    pub source: CredentialSource,
}

/// Prebuilt per-algorithm validation rules for one snapshot's JWT config.
#[derive(Debug, Default)]
pub struct JwtVerifier {
    validations: Vec<(Algorithm, Validation)>,
}

#[derive(Deserialize)]
struct Claims {
    app: String,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    jti: Option<String>,
}

impl JwtVerifier {
    pub fn new(cfg: &JwtConfig, leeway_secs: u64) -> Self {
        let mut validations: Vec<(Algorithm, Validation)> = Vec::new();
        for key in cfg.keys.values() {
            if validations.iter().any(|(a, _)| *a == key.algorithm) {
                continue;
            }
            let mut v = Validation::new(key.algorithm);
            v.leeway = leeway_secs.min(MAX_LEEWAY_SECS);
            v.validate_exp = true;
            v.validate_nbf = true;
            v.validate_aud = true;
            v.set_issuer(&[cfg.issuer.as_str()]);
            v.set_audience(&[cfg.audience.as_str()]);
            v.set_required_spec_claims(&["exp", "iss", "aud"]);
            validations.push((key.algorithm, v));
        }
        JwtVerifier { validations }
    }

    /// Verifies `token` and returns (application id, subject).
    pub fn verify(&self, cfg: &JwtConfig, token: &str) -> Result<(String, Option<String>), AuthFailure> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed token"))?;
        let kid = header.kid.as_deref().ok_or_else(|| invalid("no kid in the header"))?;
        let key = cfg.keys.get(kid).ok_or_else(|| invalid("unknown kid"))?;
        if header.alg != key.algorithm {
            return Err(invalid("algorithm does not match the key"));
        }
        let validation = self
            .validations
            .iter()
            .find(|(a, _)| *a == key.algorithm)
            .map(|(_, v)| v)
            .ok_or_else(|| invalid("unsupported algorithm"))?;
        let data = jsonwebtoken::decode::<Claims>(token, &key.key, validation).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => AuthFailure::ExpiredToken,
            ErrorKind::ImmatureSignature => AuthFailure::NotYetValidToken,
            ErrorKind::InvalidAudience => AuthFailure::WrongAudience,
            ErrorKind::InvalidIssuer => AuthFailure::WrongIssuer,
            ErrorKind::InvalidSignature => invalid("signature does not verify"),
            ErrorKind::MissingRequiredClaim(_) => invalid("a required claim is missing"),
            ErrorKind::InvalidAlgorithm => invalid("algorithm not allowed"),
            _ => invalid("malformed token or claims"),
        })?;
        if let Some(jti) = &data.claims.jti
            && cfg.revoked_jti.contains(jti.as_str())
        {
            return Err(AuthFailure::RevokedToken);
        }
        Ok((data.claims.app, data.claims.sub))
    }
}

fn invalid(why: &'static str) -> AuthFailure {
    AuthFailure::InvalidToken(Cow::Borrowed(why))
}

/// Authenticates a request: the first configured API-key header present
/// wins; otherwise a Bearer token; otherwise [`AuthFailure::Missing`].
pub fn authenticate<'s>(
    snapshot: &'s Snapshot,
    jwt: &JwtVerifier,
    headers: &HeaderMap,
    key_headers: &[HeaderName],
    now_ms: i64,
) -> Result<Principal<'s>, AuthFailure> {
    for (idx, name) in key_headers.iter().enumerate() {
        let Some(value) = headers.get(name) else { continue };
        let digest: [u8; 32] = Sha256::digest(value.as_bytes()).into();
        let entry = snapshot.keys.get(&digest).ok_or(AuthFailure::UnknownKey)?;
        if entry.expires_at_ms.is_some_and(|exp| now_ms >= exp) {
            return Err(AuthFailure::ExpiredKey);
        }
        return Ok(Principal {
            application_id: Cow::Borrowed(&entry.application_id),
            credential_id: Cow::Borrowed(&entry.key_id),
            source: CredentialSource::ApiKeyHeader(idx),
        });
    }
    if let Some(token) = bearer_token(headers) {
        let (app, sub) = jwt.verify(&snapshot.jwt, token)?;
        return Ok(Principal {
            application_id: Cow::Owned(app),
            credential_id: Cow::Owned(sub.unwrap_or_default()),
            source: CredentialSource::Authorization,
        });
    }
    Err(AuthFailure::Missing)
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::snapshot::KeyEntry;
    use http::HeaderValue;
    use std::sync::Arc;

    fn snap() -> Snapshot {
        let mut s = Snapshot::default();
        s.keys.insert(
            Snapshot::hash_key("good"),
            KeyEntry {
                key_id: Arc::from("k1"),
                application_id: Arc::from("app1"),
                expires_at_ms: None,
            },
        );
        s.keys.insert(
            Snapshot::hash_key("old"),
            KeyEntry {
                key_id: Arc::from("k2"),
                application_id: Arc::from("app1"),
                expires_at_ms: Some(1_000),
            },
        );
        s
    }

    fn names() -> Vec<HeaderName> {
        vec![HeaderName::from_static("apikey"), HeaderName::from_static("x-api-key")]
    }

    #[test]
    fn api_keys() {
        let s = snap();
        let v = JwtVerifier::default();
        let mut h = HeaderMap::new();
        assert_eq!(authenticate(&s, &v, &h, &names(), 0), Err(AuthFailure::Missing));
        h.insert("x-api-key", HeaderValue::from_static("good"));
        let p = authenticate(&s, &v, &h, &names(), 0).expect("valid key");
        assert_eq!(p.application_id, "app1");
        assert_eq!(p.source, CredentialSource::ApiKeyHeader(1));
        h.insert("apikey", HeaderValue::from_static("old"));
        assert_eq!(
            authenticate(&s, &v, &h, &names(), 999).map(|p| p.source),
            Ok(CredentialSource::ApiKeyHeader(0))
        );
        assert_eq!(authenticate(&s, &v, &h, &names(), 1_000), Err(AuthFailure::ExpiredKey));
        h.insert("apikey", HeaderValue::from_static("nope"));
        assert_eq!(authenticate(&s, &v, &h, &names(), 0), Err(AuthFailure::UnknownKey));
    }

    #[test]
    fn bearer_parsing() {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
        h.insert(AUTHORIZATION, HeaderValue::from_static("bearer  a.b.c "));
        assert_eq!(bearer_token(&h), Some("a.b.c"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
        let s = snap();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer not-a-jwt"));
        assert!(matches!(
            authenticate(&s, &JwtVerifier::default(), &h, &names(), 0),
            Err(AuthFailure::InvalidToken(_))
        ));
    }
}
