//! Tollgate's data plane: the embedded API gateway.
//!
//! Every request runs through plain functions in pingora's phase order
//! ([`mod@pipeline`]); the first five are the checks, which
//! `Gateway::admit` runs without forwarding:
//!
//! 1. **route** ([`mod@router`]): path + method → API version and resource, or 404/405;
//! 2. **lifecycle**: BLOCKED → 503 without touching the backend;
//! 3. **authenticate** ([`authn`]): API key or JWT, unless the resource is open;
//! 4. **authorize**: the caller's application must hold an active
//!    subscription (PROTOTYPED APIs excepted);
//! 5. **limit** ([`limit`]): the externally supplied [`Limiter`] decides;
//! 6. **balance** ([`balancer`]): weighted pick among healthy endpoints;
//! 7. **forward** ([`forward`]): pooled keep-alive client, streamed bodies,
//!    failover to another endpoint when a connection could not be made;
//! 8. **response filter**: hop-by-hop headers out; CORS, deprecation, limit
//!    and request-id headers in;
//! 9. **log** ([`meter`]): usage recorded when the response body ends.
//!
//! All configuration comes from an immutable [`Snapshot`] swapped in
//! atomically ([`Gateway::swap`]); a request never touches a database, takes
//! no global lock, and allocates only where the protocol makes it necessary
//! (the upstream URI, `X-Forwarded-For`, the boxed response body).

pub mod authn;
pub mod balancer;
pub mod cors;
pub mod error;
pub mod fields;
pub mod forward;
pub mod h1;
pub mod limit;
mod live;
pub mod meter;
mod metrics;
mod pipeline;
mod probe;
pub mod protocol;
pub mod router;
mod server;
pub mod snapshot;
pub mod usage;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use http::{HeaderName, HeaderValue};

pub use crate::gateway::authn::{CredentialSource, Ident, JwtVerifier, KeyCache, Principal, VerifiedToken};
pub use crate::gateway::balancer::{Balancer, EndpointStatus, HealthPolicy};
pub use crate::gateway::error::{AuthFailure, ErrorInfo, GatewayError, Side};
pub use crate::gateway::forward::UpstreamFailure;
pub use crate::gateway::limit::{LimitCheck, LimitDecision, Limiter, Unlimited};
pub use crate::gateway::live::SwapReport;
pub use crate::gateway::meter::{Meter, StatusClass, UsageBatch, UsageCounters, UsageKey, UsageRow};
pub use crate::gateway::pipeline::{Incoming, Reply};
pub use crate::gateway::router::{Resolution, RouteIssue, RouteTable};
pub use crate::gateway::server::{serve, serve_with_shutdown};
pub use crate::gateway::snapshot::{
    ActiveCheck, ApiState, Cors, Endpoint, JwtConfig, JwtKey, KeyEntry, PlanLimits, Resource, Snapshot, SnapshotApi,
    SubscriptionEntry,
};

use crate::domain::clock::Clock;
use crate::gateway::live::Live;
use crate::gateway::metrics::Metrics;

static DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
static SUNSET: HeaderName = HeaderName::from_static("sunset");

/// Gateway settings that do not come from the snapshot.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Request headers that may carry an API key, in order of precedence.
    pub api_key_headers: Vec<HeaderName>,
    /// Clock-skew allowance for JWT `exp`/`nbf`, clamped to 0..=30 s.
    pub jwt_leeway_secs: u64,
    /// Verified JWTs kept per snapshot (a repeated token skips the signature
    /// check); 0 verifies every request.
    pub jwt_cache_capacity: usize,
    /// Accepted API keys remembered per snapshot (a repeated key skips its
    /// SHA-256); 0 hashes every request.
    pub key_cache_capacity: usize,
    /// Passive health: consecutive failures that eject an endpoint, and for how long.
    pub health: HealthPolicy,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
    /// Sent as `X-Forwarded-Proto` (`https` behind a TLS terminator).
    pub forwarded_proto: HeaderValue,
    /// Prefix of problem+json `type` URIs; the error code is appended.
    pub problem_type_base: String,
    /// Meter shards; 0 = 4 × available parallelism.
    pub meter_shards: usize,
    /// A request head must arrive within this, idle keep-alive time
    /// included (slow clients and idle connections are closed).
    pub header_read_timeout: Duration,
    /// At a graceful stop, how long a keep-alive connection with no request in
    /// progress stays open for one last request (answered with
    /// `Connection: close`): a client that sent it just as the stop began gets
    /// an answer instead of a closed socket. 250 ms by default: a request
    /// under way when the stop began arrives within a network's one-way delay;
    /// a connection quiet for longer is idle, and waiting on it would only slow
    /// every stop down.
    pub drain_idle: Duration,
    /// Wall-clock time of requests: usage minutes, token expiry, sunsets (a test's clock may
    /// run ahead of the system's).
    pub clock: Clock,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            api_key_headers: vec![HeaderName::from_static("apikey"), HeaderName::from_static("x-api-key")],
            jwt_leeway_secs: 30,
            jwt_cache_capacity: authn::DEFAULT_JWT_CACHE_CAPACITY,
            key_cache_capacity: authn::DEFAULT_KEY_CACHE_CAPACITY,
            health: HealthPolicy::default(),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 256,
            forwarded_proto: HeaderValue::from_static("http"),
            problem_type_base: "urn:tollgate:problem:".to_owned(),
            meter_shards: 0,
            header_read_timeout: Duration::from_secs(30),
            drain_idle: Duration::from_millis(250),
            clock: Clock::system(),
        }
    }
}

pub struct Gateway {
    live: ArcSwap<Live>,
    limiter: Arc<dyn Limiter>,
    meter: Arc<Meter>,
    config: GatewayConfig,
    metrics: Metrics,
    swap_lock: Mutex<()>,
    instance: u64,
    /// A snapshot from the control plane has been swapped in (`/readyz`).
    loaded: AtomicBool,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("revision", &self.live.load().snapshot.revision)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A gateway serving an empty snapshot (every request 404) until the
    /// first [`Gateway::swap`].
    pub fn new(config: GatewayConfig, limiter: Arc<dyn Limiter>) -> Gateway {
        let instance = meter::random_u64();
        Gateway {
            live: ArcSwap::from_pointee(Live {
                snapshot: Arc::new(Snapshot::default()),
                routes: Arc::default(),
                apis: Vec::new(),
                jwt: JwtVerifier::default(),
                key_cache: KeyCache::default(),
            }),
            limiter,
            meter: Arc::new(Meter::new(config.meter_shards, instance)),
            config,
            metrics: Metrics::default(),
            swap_lock: Mutex::new(()),
            instance,
            loaded: AtomicBool::new(false),
        }
    }
    /// Whether a snapshot has been swapped in since start.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// The snapshot currently served.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.live.load().snapshot)
    }

    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// The usage accumulator; a flusher calls [`Meter::drain`] on it.
    pub fn meter(&self) -> &Meter {
        &self.meter
    }

    /// Health of an API's endpoints, in snapshot order (valid URLs only).
    pub fn endpoint_status(&self, api_id: &str) -> Option<Vec<EndpointStatus>> {
        let live = self.live.load();
        let rt = live.apis.iter().find(|rt| &*rt.api.id == api_id)?;
        Some(rt.upstreams.balancer.status())
    }

    /// All counters in the Prometheus text format.
    pub fn render_metrics(&self) -> String {
        let live = self.live.load_full();
        self.metrics.render(|out| {
            out.push_str("# HELP tollgate_gateway_snapshot_revision Revision of the snapshot being served.\n");
            out.push_str("# TYPE tollgate_gateway_snapshot_revision gauge\n");
            let _ = writeln!(out, "tollgate_gateway_snapshot_revision {}", live.snapshot.revision);
            out.push_str("# HELP tollgate_gateway_endpoints_ejected Endpoints out of rotation, by API.\n");
            out.push_str("# TYPE tollgate_gateway_endpoints_ejected gauge\n");
            for rt in &live.apis {
                let _ = writeln!(
                    out,
                    "tollgate_gateway_endpoints_ejected{{api=\"{}\"}} {}",
                    metrics::escape_label(&rt.api.id),
                    rt.upstreams.balancer.ejected_count()
                );
            }
            out.push_str("# HELP tollgate_gateway_usage_pending_rows Usage rows not drained yet.\n");
            out.push_str("# TYPE tollgate_gateway_usage_pending_rows gauge\n");
            let _ = writeln!(out, "tollgate_gateway_usage_pending_rows {}", self.meter.pending_rows());
        })
    }
}
