//! Who is calling: an API key from a header, or a JWT access token from
//! `Authorization: Bearer`, both checked against the snapshot alone.
//!
//! API keys are high-entropy, so the snapshot indexes them by plain SHA-256;
//! a request costs one digest and one hash lookup. JWTs are verified locally
//! with jsonwebtoken against the `kid`'s key, `typ: at+jwt` (RFC 9068), an explicit algorithm (the
//! key's own: a token cannot pick a weaker one), `exp`/`nbf` with a bounded
//! leeway, `iss`, `aud`, and the revoked-`jti` set.
//!
//! An ES256 verification costs about 100 µs, so verified tokens are kept in a
//! bounded cache ([`JwtVerifier`] owns it): a repeated token then costs one
//! hash lookup. The cache belongs to one snapshot's JWT config (a swap builds a
//! new, empty one, so a signing key removed from the JWKS stops working at
//! once), entries expire with the token's `exp` (plus the leeway), and the
//! revoked-`jti` set is checked on every request, hit or miss.

use std::borrow::Cow;
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

use http::HeaderName;

use crate::gateway::fields::Fields;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use crate::domain::access_token::is_access_token_typ;
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
    pub application_id: Ident<'s>,
    /// API key id, or the token's `sub` (client id).
    pub credential_id: Ident<'s>,
    pub source: CredentialSource,
}

/// A string borrowed from the snapshot (API keys) or shared with the JWT
/// cache: either way no allocation per request.
#[derive(Clone)]
pub enum Ident<'s> {
    Borrowed(&'s str),
    Shared(Arc<str>),
}

impl Deref for Ident<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Ident::Borrowed(s) => s,
            Ident::Shared(s) => s,
        }
    }
}

impl fmt::Debug for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq for Ident<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Ident<'_> {}

impl PartialEq<&str> for Ident<'_> {
    fn eq(&self, other: &&str) -> bool {
        &**self == *other
    }
}

/// Prebuilt per-algorithm validation rules for one snapshot's JWT config,
/// and the cache of the tokens verified under it.
#[derive(Debug, Default)]
pub struct JwtVerifier {
    validations: Vec<(Algorithm, Validation)>,
    leeway_secs: u64,
    cache: TokenCache,
}

#[derive(Deserialize)]
struct Claims {
    app: String,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    jti: Option<String>,
    /// Already validated by jsonwebtoken (integer or float seconds).
    #[serde(default)]
    exp: Option<f64>,
}

/// What the pipeline needs from a verified token.
#[derive(Debug, Clone)]
pub struct VerifiedToken {
    pub application_id: Arc<str>,
    pub subject: Arc<str>,
    pub jti: Option<Arc<str>>,
    /// `exp` + leeway (epoch seconds): the last second the token is accepted.
    pub valid_until_secs: u64,
}

/// Default capacity of the verified-token cache (tokens, all shards).
pub const DEFAULT_JWT_CACHE_CAPACITY: usize = 4096;
/// Default capacity of the API-key cache (keys, all shards).
pub const DEFAULT_KEY_CACHE_CAPACITY: usize = 4096;
const CACHE_SHARDS: usize = 16;

struct Cached<V> {
    hash: u64,
    credential: Box<[u8]>,
    value: V,
    valid_until_secs: u64,
}

/// Recently accepted credentials (whole JWTs, whole API keys) and what
/// checking them found, so that a repeated credential skips the expensive
/// check (a signature, a SHA-256). Keyed by the whole credential, hashed
/// once with a per-process random seed; a hit also compares the full bytes,
/// so a hash collision can never authenticate another credential. Sharded,
/// each shard bounded: when full, expired entries go first, then an
/// arbitrary one. Only accepted credentials go in, so guessing cannot fill
/// it, and it lives as long as one snapshot.
pub struct TokenCache<V = VerifiedToken> {
    hasher: foldhash::fast::RandomState,
    shards: Box<[Mutex<hashbrown::HashTable<Cached<V>>>]>,
    per_shard: usize,
}

/// API keys by their plaintext → their SHA-256 (the snapshot's index).
pub type KeyCache = TokenCache<[u8; 32]>;

impl<V: Clone> Default for TokenCache<V> {
    fn default() -> Self {
        TokenCache::new(0)
    }
}

impl<V> fmt::Debug for TokenCache<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("capacity", &(self.per_shard * self.shards.len()))
            .field("len", &self.len())
            .finish()
    }
}

impl<V> TokenCache<V> {
    /// Credentials currently held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V: Clone> TokenCache<V> {
    /// A cache for about `capacity` credentials; 0 disables caching.
    pub fn new(capacity: usize) -> Self {
        Self::with_shards(capacity, CACHE_SHARDS)
    }

    fn with_shards(capacity: usize, shards: usize) -> Self {
        let (shards, per_shard) = if capacity == 0 || shards == 0 {
            (0, 0)
        } else {
            let shards = shards.min(capacity);
            (shards, capacity.div_ceil(shards))
        };
        TokenCache {
            hasher: foldhash::fast::RandomState::default(),
            shards: (0..shards).map(|_| Mutex::new(hashbrown::HashTable::new())).collect(),
            per_shard,
        }
    }

    fn shard(&self, hash: u64) -> Option<&Mutex<hashbrown::HashTable<Cached<V>>>> {
        if self.shards.is_empty() {
            return None;
        }
        // The table uses the low bits; pick the shard with the high ones.
        self.shards.get((hash >> 48) as usize % self.shards.len())
    }

    /// What was cached for `credential` if it is still valid at `now_secs`;
    /// an expired entry is dropped (the caller checks afresh).
    pub fn get(&self, credential: &[u8], now_secs: u64) -> Option<V> {
        if self.shards.is_empty() {
            return None;
        }
        let hash = self.hasher.hash_one(credential);
        let mut shard = self.shard(hash)?.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = shard
            .find_entry(hash, |e| e.hash == hash && *e.credential == *credential)
            .ok()?;
        if now_secs > entry.get().valid_until_secs {
            entry.remove();
            return None;
        }
        Some(entry.get().value.clone())
    }

    /// Remembers `value` for `credential` until `valid_until_secs`.
    pub fn insert(&self, credential: &[u8], value: V, valid_until_secs: u64, now_secs: u64) {
        let hash = self.hasher.hash_one(credential);
        let Some(shard) = self.shard(hash) else { return };
        let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        if let Ok(mut entry) = shard.find_entry(hash, |e| e.hash == hash && *e.credential == *credential) {
            entry.get_mut().value = value;
            entry.get_mut().valid_until_secs = valid_until_secs;
            return;
        }
        if shard.len() >= self.per_shard {
            shard.retain(|e| now_secs <= e.valid_until_secs);
        }
        if shard.len() >= self.per_shard {
            let victim = shard.iter().next().map(|e| (e.hash, e.credential.clone()));
            if let Some((h, c)) = victim
                && let Ok(e) = shard.find_entry(h, |e| e.hash == h && e.credential == c)
            {
                e.remove();
            }
        }
        shard.insert_unique(
            hash,
            Cached {
                hash,
                credential: credential.into(),
                value,
                valid_until_secs,
            },
            |e| e.hash,
        );
    }
}

impl JwtVerifier {
    /// Rules for `cfg`, with a cache of [`DEFAULT_JWT_CACHE_CAPACITY`] tokens.
    pub fn new(cfg: &JwtConfig, leeway_secs: u64) -> Self {
        Self::with_cache(cfg, leeway_secs, DEFAULT_JWT_CACHE_CAPACITY)
    }

    /// Rules for `cfg`, caching up to about `cache_capacity` verified tokens
    /// (0: verify every request).
    pub fn with_cache(cfg: &JwtConfig, leeway_secs: u64, cache_capacity: usize) -> Self {
        let leeway_secs = leeway_secs.min(MAX_LEEWAY_SECS);
        let mut validations: Vec<(Algorithm, Validation)> = Vec::new();
        for key in cfg.keys.values() {
            if validations.iter().any(|(a, _)| *a == key.algorithm) {
                continue;
            }
            let mut v = Validation::new(key.algorithm);
            v.leeway = leeway_secs;
            v.validate_exp = true;
            v.validate_nbf = true;
            v.validate_aud = true;
            v.set_issuer(&[cfg.issuer.as_str()]);
            v.set_audience(&[cfg.audience.as_str()]);
            v.set_required_spec_claims(&["exp", "iss", "aud"]);
            validations.push((key.algorithm, v));
        }
        JwtVerifier {
            validations,
            leeway_secs,
            cache: TokenCache::new(cache_capacity),
        }
    }

    /// The verified-token cache (for tests and metrics).
    pub fn cache(&self) -> &TokenCache {
        &self.cache
    }

    /// Verifies `token` (or finds it verified in the cache) at `now_ms`. The
    /// revoked-`jti` set of `cfg` is checked either way.
    pub fn verify(&self, cfg: &JwtConfig, token: &str, now_ms: i64) -> Result<VerifiedToken, AuthFailure> {
        let now_secs = u64::try_from(now_ms.div_euclid(1000)).unwrap_or(0);
        let verified = match self.cache.get(token.as_bytes(), now_secs) {
            Some(hit) => hit,
            None => {
                let verified = self.verify_signature(cfg, token)?;
                if now_secs <= verified.valid_until_secs && !is_revoked(cfg, &verified) {
                    let until = verified.valid_until_secs;
                    self.cache.insert(token.as_bytes(), verified.clone(), until, now_secs);
                }
                verified
            }
        };
        if is_revoked(cfg, &verified) {
            return Err(AuthFailure::RevokedToken);
        }
        Ok(verified)
    }

    /// The full check: header, key, signature, `exp`/`nbf`, `iss`, `aud`.
    fn verify_signature(&self, cfg: &JwtConfig, token: &str) -> Result<VerifiedToken, AuthFailure> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed token"))?;
        if !is_access_token_typ(header.typ.as_deref()) {
            return Err(invalid("typ is not at+jwt (RFC 9068)"));
        }
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
        let claims = data.claims;
        // jsonwebtoken rounds a float `exp`; flooring here can only end the caching earlier.
        let exp = claims
            .exp
            .map_or(0, |e| if e.is_finite() && e > 0.0 { e as u64 } else { 0 });
        Ok(VerifiedToken {
            application_id: Arc::from(claims.app),
            subject: Arc::from(claims.sub.unwrap_or_default()),
            jti: claims.jti.map(Arc::from),
            valid_until_secs: exp.saturating_add(self.leeway_secs),
        })
    }
}

fn is_revoked(cfg: &JwtConfig, token: &VerifiedToken) -> bool {
    token.jti.as_ref().is_some_and(|jti| cfg.revoked_jti.contains_key(jti))
}

fn invalid(why: &'static str) -> AuthFailure {
    AuthFailure::InvalidToken(Cow::Borrowed(why))
}

/// Authenticates a request: the first configured API-key header present
/// wins; otherwise a Bearer token; otherwise [`AuthFailure::Missing`].
pub fn authenticate<'s>(
    snapshot: &'s Snapshot,
    jwt: &JwtVerifier,
    key_cache: &KeyCache,
    fields: &Fields,
    key_headers: &[HeaderName],
    now_ms: i64,
) -> Result<Principal<'s>, AuthFailure> {
    for (idx, name) in key_headers.iter().enumerate() {
        let Some(key) = fields.get(name.as_str()) else { continue };
        let now_secs = u64::try_from(now_ms.div_euclid(1000)).unwrap_or(0);
        let (digest, cached) = match key_cache.get(key, now_secs) {
            Some(digest) => (digest, true),
            None => (sha256(key), false),
        };
        let entry = snapshot.keys.get(&digest).ok_or(AuthFailure::UnknownKey)?;
        if !cached {
            // Expiry is checked on every request below, hit or miss.
            key_cache.insert(key, digest, u64::MAX, now_secs);
        }
        if entry.expires_at_ms.is_some_and(|exp| now_ms >= exp) {
            return Err(AuthFailure::ExpiredKey);
        }
        return Ok(Principal {
            application_id: Ident::Borrowed(&entry.application_id),
            credential_id: Ident::Borrowed(&entry.key_id),
            source: CredentialSource::ApiKeyHeader(idx),
        });
    }
    if let Some(token) = bearer_token(fields) {
        let verified = jwt.verify(&snapshot.jwt, token, now_ms)?;
        return Ok(Principal {
            application_id: Ident::Shared(verified.application_id),
            credential_id: Ident::Shared(verified.subject),
            source: CredentialSource::Authorization,
        });
    }
    Err(AuthFailure::Missing)
}

/// SHA-256 with aws-lc's assembly: about a third of the instructions of the
/// portable `sha2` code on CPUs without SHA extensions (one digest per request).
fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer_token(fields: &Fields) -> Option<&str> {
    let value = std::str::from_utf8(fields.get("authorization")?).ok()?;
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
    use http::header::AUTHORIZATION;
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

    fn f(h: &http::HeaderMap) -> Fields {
        Fields::from_map(h)
    }

    fn names() -> Vec<HeaderName> {
        vec![HeaderName::from_static("apikey"), HeaderName::from_static("x-api-key")]
    }

    #[test]
    fn api_keys() {
        let s = snap();
        let v = JwtVerifier::default();
        // Without a cache, and with one (each call twice: the second is a hit).
        for cache in [KeyCache::new(0), KeyCache::new(64)] {
            for _ in 0..2 {
                let mut h = http::HeaderMap::new();
                assert_eq!(
                    authenticate(&s, &v, &cache, &f(&h), &names(), 0),
                    Err(AuthFailure::Missing)
                );
                h.insert("x-api-key", HeaderValue::from_static("good"));
                let p = authenticate(&s, &v, &cache, &f(&h), &names(), 0).expect("valid key");
                assert_eq!(p.application_id, "app1");
                assert_eq!(p.source, CredentialSource::ApiKeyHeader(1));
                h.insert("apikey", HeaderValue::from_static("old"));
                assert_eq!(
                    authenticate(&s, &v, &cache, &f(&h), &names(), 999).map(|p| p.source),
                    Ok(CredentialSource::ApiKeyHeader(0))
                );
                // A cached key expires all the same.
                assert_eq!(
                    authenticate(&s, &v, &cache, &f(&h), &names(), 1_000),
                    Err(AuthFailure::ExpiredKey)
                );
                h.insert("apikey", HeaderValue::from_static("nope"));
                assert_eq!(
                    authenticate(&s, &v, &cache, &f(&h), &names(), 0),
                    Err(AuthFailure::UnknownKey)
                );
            }
        }
        let cache = KeyCache::new(64);
        let mut h = http::HeaderMap::new();
        h.insert("apikey", HeaderValue::from_static("good"));
        authenticate(&s, &v, &cache, &f(&h), &names(), 0).expect("valid key");
        h.insert("apikey", HeaderValue::from_static("guess"));
        let _ = authenticate(&s, &v, &cache, &f(&h), &names(), 0);
        assert_eq!(cache.len(), 1, "only accepted keys are cached");
        // A key revoked by the next snapshot: that snapshot comes with a new
        // cache, and this one never answers for a key the snapshot lacks.
        let mut revoked = snap();
        revoked.keys.remove(&Snapshot::hash_key("good"));
        h.insert("apikey", HeaderValue::from_static("good"));
        assert_eq!(
            authenticate(&revoked, &v, &cache, &f(&h), &names(), 0),
            Err(AuthFailure::UnknownKey)
        );
    }

    #[test]
    fn key_digest_matches_the_snapshot_index() {
        for k in ["", "good", "bench-key-0999", &"x".repeat(200)] {
            assert_eq!(sha256(k.as_bytes()), Snapshot::hash_key(k));
        }
    }

    #[test]
    fn bearer_parsing() {
        let mut h = http::HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&f(&h)), None);
        h.insert(AUTHORIZATION, HeaderValue::from_static("bearer  a.b.c "));
        assert_eq!(bearer_token(&f(&h)), Some("a.b.c"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&f(&h)), None);
        let s = snap();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer not-a-jwt"));
        assert!(matches!(
            authenticate(&s, &JwtVerifier::default(), &KeyCache::new(0), &f(&h), &names(), 0),
            Err(AuthFailure::InvalidToken(_))
        ));
    }

    mod jwt_cache {
        use super::*;
        use crate::gateway::snapshot::JwtKey;
        use jsonwebtoken::{DecodingKey, EncodingKey, Header};
        use std::time::{SystemTime, UNIX_EPOCH};

        fn now_secs() -> u64 {
            SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs()
        }

        fn now_ms() -> i64 {
            i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis()).expect("ms")
        }

        struct Signer {
            enc: EncodingKey,
            cfg: JwtConfig,
        }

        fn signer() -> Signer {
            use aws_lc_rs::rand::SystemRandom;
            use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).expect("key");
            let enc = EncodingKey::from_ec_der(pkcs8.as_ref());
            let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&enc, Algorithm::ES256).expect("jwk");
            let mut cfg = JwtConfig {
                issuer: "https://tollgate.test".into(),
                audience: "gw".into(),
                ..JwtConfig::default()
            };
            cfg.keys.insert(
                "k1".into(),
                JwtKey {
                    key: DecodingKey::from_jwk(&jwk).expect("decoding key"),
                    algorithm: Algorithm::ES256,
                },
            );
            Signer { enc, cfg }
        }

        impl Signer {
            fn token(&self, exp: u64, jti: &str) -> String {
                let claims = serde_json::json!({
                    "iss": "https://tollgate.test", "aud": "gw", "sub": "client-1",
                    "exp": exp, "jti": jti, "app": "app1",
                });
                let mut header = Header::new(Algorithm::ES256);
                header.typ = Some("at+jwt".into());
                header.kid = Some("k1".into());
                jsonwebtoken::encode(&header, &claims, &self.enc).expect("sign")
            }
        }

        #[test]
        fn a_repeated_token_is_served_from_the_cache() {
            let s = signer();
            let v = JwtVerifier::with_cache(&s.cfg, 0, 64);
            let t = s.token(now_secs() + 300, "j1");
            let first = v.verify(&s.cfg, &t, now_ms()).expect("valid");
            assert_eq!(v.cache().len(), 1);
            assert_eq!(&*first.application_id, "app1");
            assert_eq!(&*first.subject, "client-1");
            // Proof that the second answer is the cached one: the same verifier
            // no longer needs the key. (A swap builds a new verifier, see below.)
            let mut no_keys = s.cfg.clone();
            no_keys.keys.clear();
            let hit = v.verify(&no_keys, &t, now_ms()).expect("cached");
            assert_eq!(&*hit.application_id, "app1");
            assert_eq!(v.cache().len(), 1);
            // A signing key removed from the JWKS: the next snapshot's verifier
            // starts empty and rejects the token at once.
            let next = JwtVerifier::with_cache(&no_keys, 0, 64);
            assert_eq!(
                next.verify(&no_keys, &t, now_ms()).map(|_| ()),
                Err(invalid("unknown kid"))
            );
            // Failures are never cached.
            let mut bad = t.clone().into_bytes();
            let i = bad.len() - 5;
            bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
            let bad = String::from_utf8(bad).expect("ascii");
            assert!(v.verify(&s.cfg, &bad, now_ms()).is_err());
            assert_eq!(v.cache().len(), 1);
        }

        #[test]
        fn revoked_after_cached_is_rejected_on_a_hit() {
            let s = signer();
            let v = JwtVerifier::with_cache(&s.cfg, 0, 64);
            let t = s.token(now_secs() + 300, "j-revoke-me");
            v.verify(&s.cfg, &t, now_ms()).expect("valid");
            assert_eq!(v.cache().len(), 1);
            let mut revoked = s.cfg.clone();
            revoked.revoked_jti.insert(Arc::from("j-revoke-me"), i64::MAX);
            // Same verifier (cache hit), new revoked set: rejected.
            assert_eq!(
                v.verify(&revoked, &t, now_ms()).map(|_| ()),
                Err(AuthFailure::RevokedToken)
            );
            // And a revoked token is never cached in the first place.
            let fresh = JwtVerifier::with_cache(&revoked, 0, 64);
            assert_eq!(
                fresh.verify(&revoked, &t, now_ms()).map(|_| ()),
                Err(AuthFailure::RevokedToken)
            );
            assert!(fresh.cache().is_empty());
        }

        #[test]
        fn expired_after_cached_is_rejected() {
            let s = signer();
            let v = JwtVerifier::with_cache(&s.cfg, 0, 64);
            let exp = now_secs() + 1;
            let t = s.token(exp, "j-short");
            v.verify(&s.cfg, &t, now_ms()).expect("valid until exp");
            assert_eq!(v.cache().len(), 1);
            // Past exp (no leeway here): the entry is dropped and the full check
            // (on the real clock) says expired.
            while now_secs() <= exp {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            assert_eq!(
                v.verify(&s.cfg, &t, now_ms()).map(|_| ()),
                Err(AuthFailure::ExpiredToken)
            );
            assert!(v.cache().is_empty());
        }

        #[test]
        fn the_leeway_extends_the_cached_life_exactly_like_the_full_check() {
            let s = signer();
            let v = JwtVerifier::with_cache(&s.cfg, 30, 64);
            let exp = now_secs() + 100;
            let t = s.token(exp, "j-leeway");
            let hit = v.verify(&s.cfg, &t, now_ms()).expect("valid");
            assert_eq!(hit.valid_until_secs, exp + 30);
            let at = |secs: u64| i64::try_from(secs * 1000).expect("ms");
            // Within exp + leeway the cache answers…
            assert!(v.verify(&s.cfg, &t, at(exp + 30)).is_ok());
            assert_eq!(v.cache().len(), 1);
            // …one second later the entry is gone (the full check runs again).
            let _ = v.verify(&s.cfg, &t, at(exp + 31));
            assert!(v.cache().is_empty());
        }

        #[test]
        fn the_cache_is_bounded() {
            let cache: TokenCache<u32> = TokenCache::new(32);
            for i in 0..1000 {
                cache.insert(format!("token-{i}").as_bytes(), i, 100, 10);
            }
            assert!(cache.len() <= 32, "{}", cache.len());
            assert_eq!(cache.get(b"token-999", 10), Some(999), "the newest entry is kept");
            assert!(cache.get(b"token-999", 101).is_none(), "expired");
            // Expired entries make room before live ones are evicted.
            let cache = TokenCache::with_shards(16, 1);
            for i in 0..16 {
                cache.insert(format!("old-{i}").as_bytes(), i, 5, 1);
            }
            assert_eq!(cache.len(), 16);
            cache.insert(b"live", 99, 100, 10);
            assert_eq!(cache.len(), 1);
            // Full of live entries: one is evicted for the newcomer.
            let cache = TokenCache::with_shards(4, 1);
            for i in 0..5 {
                cache.insert(format!("t-{i}").as_bytes(), i, 100, 1);
            }
            assert_eq!(cache.len(), 4);
            assert_eq!(cache.get(b"t-4", 1), Some(4));
            // Capacity 0 disables caching.
            let off = TokenCache::new(0);
            off.insert(b"t", 1, 100, 1);
            assert!(off.get(b"t", 1).is_none());
        }
    }
}
