//! The immutable configuration the control plane hands to the gateway.
//!
//! A [`Snapshot`] is built by the control plane on every change and swapped in
//! whole (see [`crate::gateway::Gateway::swap`]). Nothing in here is mutated after
//! construction, so request handling reads it without locks. This module holds
//! plain data and a few lookup helpers only: no I/O, no axum.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey};

use super::limit::{Policy, QuotaFloor};

/// The snapshot's indexes: foldhash with a per-process random seed (their
/// keys are digests and server-made ids, not attacker-chosen strings), a
/// fraction of SipHash's cost per lookup.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Everything the gateway needs to serve requests for one config revision.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub revision: i64,
    pub apis: Vec<Arc<SnapshotApi>>,
    /// SHA-256 of the plaintext API key → who owns it.
    pub keys: FastMap<[u8; 32], KeyEntry>,
    /// (application id, api id) → subscription.
    pub subscriptions: FastMap<(Arc<str>, Arc<str>), SubscriptionEntry>,
    pub plans: FastMap<Arc<str>, PlanLimits>,
    /// JWT access tokens: verification keys by `kid`, expected issuer and
    /// audience, revoked `jti`s.
    pub jwt: JwtConfig,
}

impl Snapshot {
    /// The subscription of `application_id` to `api_id`, looked up without
    /// allocating or touching any reference count (see [`AppApi`]).
    pub fn subscription(&self, application_id: &str, api_id: &str) -> Option<&SubscriptionEntry> {
        self.subscriptions.get(&(application_id, api_id) as &dyn AppApi)
    }

    /// Convenience for builders: SHA-256 of a plaintext API key, the form
    /// [`Snapshot::keys`] is indexed by.
    pub fn hash_key(plaintext: &str) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(plaintext.as_bytes()).into()
    }
}

/// One deployed API version.
#[derive(Debug, Clone)]
pub struct SnapshotApi {
    pub id: Arc<str>,
    /// `/petstore` or `/acme/payments`: leading slash, no trailing slash.
    pub context: String,
    /// `v1`: a single path segment.
    pub version: String,
    /// Whether `/{context}/{rest}` (no version segment) reaches this version.
    pub is_default: bool,
    pub state: ApiState,
    pub endpoints: Vec<Endpoint>,
    pub resources: Vec<Resource>,
    pub cors: Cors,
    pub connect_timeout_ms: u64,
    pub response_timeout_ms: u64,
    /// When a DEPRECATED API stops being served (epoch ms); sent as `Sunset`.
    pub sunset_at_ms: Option<i64>,
    /// Active health checks of the endpoints, if asked for.
    pub health_check: Option<ActiveCheck>,
}

/// Probe `GET {endpoint}{path}` every `interval`; `unhealthy_threshold` failures in a row take
/// an endpoint out, `healthy_threshold` passes bring it back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActiveCheck {
    pub path: String,
    pub interval: Duration,
    pub timeout: Duration,
    pub unhealthy_threshold: u32,
    pub healthy_threshold: u32,
}

impl SnapshotApi {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms.max(1))
    }

    pub fn response_timeout(&self) -> Duration {
        Duration::from_millis(self.response_timeout_ms.max(1))
    }
}

/// A backend base URL (`http://host:port/base`, no trailing slash) and its relative share of
/// the traffic.
pub use crate::domain::api::Endpoint;
/// The API's lifecycle state: only those [`ApiState::deployed`] are in a snapshot (CREATED and
/// RETIRED APIs are never deployed: a request for them gets 404).
pub use crate::domain::lifecycle::ApiState;

/// One operation of the API as the router needs it (the domain's `Resource` without its
/// documentation fields): method and path template relative to the context/version
/// (`/pets/{petId}`, `/files/*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    /// `GET`, `POST`, …; `*` or `ANY` matches every method.
    pub method: String,
    pub path: String,
    pub auth_required: bool,
}

/// Per-API CORS policy: the domain's (an empty `allow_methods` means the methods declared for
/// the requested path).
pub use crate::domain::api::Cors;

/// An API key: who owns it and until when it is valid.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    pub key_id: Arc<str>,
    pub application_id: Arc<str>,
    pub expires_at_ms: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct SubscriptionEntry {
    pub subscription_id: Arc<str>,
    pub plan_id: Arc<str>,
    /// false = blocked or pending approval.
    pub active: bool,
    /// Calls of the plan's current quota period metered before this snapshot was made (complete
    /// snapshots only): the limiter's count starts there, so a restart grants no new allowance.
    pub quota_floor: Option<QuotaFloor>,
}

/// What a plan allows, compiled once when the snapshot is built: the limiter's policy (GCRA
/// interval and burst, quota), which a request only completes with its subscription's floor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanLimits {
    pub plan_id: Arc<str>,
    pub policy: Policy,
}

/// Local verification of the JWT access tokens Tollgate issues.
#[derive(Clone, Default)]
pub struct JwtConfig {
    /// Verification keys by `kid`. A token whose header `alg` differs from the
    /// key's algorithm is rejected (no algorithm confusion).
    pub keys: HashMap<String, JwtKey>,
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud`.
    pub audience: String,
    /// Revoked token ids (`jti`) → when the token expires (epoch ms); kept until a little
    /// after that.
    pub revoked_jti: HashMap<Arc<str>, i64>,
}

impl fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtConfig")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("revoked_jti", &self.revoked_jti.len())
            .finish()
    }
}

#[derive(Clone)]
pub struct JwtKey {
    pub key: DecodingKey,
    pub algorithm: Algorithm,
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------
// Borrowed lookups into `subscriptions`
// ---------------------------------------------------------------------------

/// A (application id, api id) pair, owned or borrowed.
///
/// `HashMap<(Arc<str>, Arc<str>), _>::get` would need an owned tuple, i.e. two
/// `Arc` clones (two contended atomic increments) per request. Implementing
/// `Borrow<dyn AppApi>` for the owned tuple lets us look up with `(&str, &str)`
/// instead. The `Hash` impl below must feed the hasher exactly what the tuple's
/// derived `Hash` does (`a.hash(); b.hash()`, each `str::hash`), and it does.
pub trait AppApi {
    fn app(&self) -> &str;
    fn api(&self) -> &str;
}

impl AppApi for (Arc<str>, Arc<str>) {
    fn app(&self) -> &str {
        &self.0
    }
    fn api(&self) -> &str {
        &self.1
    }
}

impl AppApi for (&str, &str) {
    fn app(&self) -> &str {
        self.0
    }
    fn api(&self) -> &str {
        self.1
    }
}

impl<'a> Borrow<dyn AppApi + 'a> for (Arc<str>, Arc<str>) {
    fn borrow(&self) -> &(dyn AppApi + 'a) {
        self
    }
}

impl Hash for dyn AppApi + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.app().hash(state);
        self.api().hash(state);
    }
}

impl PartialEq for dyn AppApi + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.app() == other.app() && self.api() == other.api()
    }
}

impl Eq for dyn AppApi + '_ {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_subscription_lookup_matches_owned_keys() {
        let mut snap = Snapshot::default();
        for i in 0..1000 {
            snap.subscriptions.insert(
                (Arc::from(format!("app-{i}")), Arc::from(format!("api-{}", i % 7))),
                SubscriptionEntry {
                    subscription_id: Arc::from(format!("sub-{i}")),
                    plan_id: Arc::from("gold"),
                    active: true,
                    quota_floor: None,
                },
            );
        }
        for i in 0..1000 {
            let app = format!("app-{i}");
            let api = format!("api-{}", i % 7);
            let sub = snap.subscription(&app, &api).map(|s| s.subscription_id.to_string());
            assert_eq!(sub, Some(format!("sub-{i}")));
            // Splitting the same bytes differently must not match.
            let shifted_api = format!("pi-{}", i % 7);
            assert!(snap.subscription(&format!("{app}a"), &shifted_api).is_none());
        }
        assert!(snap.subscription("app-1", "api-2").is_none());
    }
}
