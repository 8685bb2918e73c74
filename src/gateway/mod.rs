//! Tollgate's data plane: the embedded API gateway.
//!
//! Every request runs through plain functions in pingora's phase order:
//!
//! 1. **route** ([`mod@router`]): path + method → API version and resource, or 404/405;
//! 2. **lifecycle**: BLOCKED → 503 without touching the backend;
//! 3. **authenticate** ([`authn`]): API key or JWT, unless the resource is open;
//! 4. **subscription**: the caller's application must hold an active
//!    subscription (PROTOTYPED APIs excepted);
//! 5. **limit** ([`limit`]): the externally supplied [`Limiter`] decides;
//! 6. **balance** ([`balancer`]): weighted pick among healthy endpoints;
//! 7. **forward** ([`forward`]): pooled keep-alive client, streamed bodies;
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
pub mod meter;
mod metrics;
mod probe;
pub mod protocol;
pub mod router;
mod server;
pub mod snapshot;
pub mod usage;

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use arc_swap::ArcSwap;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use http_body::Body as _;
use hyper::upgrade::OnUpgrade;

pub use crate::gateway::authn::{CredentialSource, Ident, JwtVerifier, KeyCache, Principal, VerifiedToken};
pub use crate::gateway::balancer::{Balancer, EndpointStatus, HealthPolicy};
pub use crate::gateway::error::{AuthFailure, ErrorInfo, GatewayError, Side};
pub use crate::gateway::forward::UpstreamFailure;
pub use crate::gateway::limit::{LimitCheck, LimitDecision, Limiter, Unlimited};
pub use crate::gateway::meter::{Meter, StatusClass, UsageBatch, UsageCounters, UsageKey, UsageRow};
pub use crate::gateway::router::{Resolution, RouteIssue, RouteTable};
pub use crate::gateway::server::{serve, serve_with_shutdown};
pub use crate::gateway::snapshot::{
    ActiveCheck, ApiState, Cors, Endpoint, JwtConfig, JwtKey, KeyEntry, PlanLimits, Resource, Snapshot, SnapshotApi,
    SubscriptionEntry,
};

use crate::gateway::cors::CorsPolicy;
use crate::gateway::fields::Fields;
use crate::gateway::forward::{
    ClientSettings, ClientUpgrade, CountingBody, MeteredBody, ResponseTimer, Target, X_REQUEST_ID,
};
use crate::gateway::meter::Usage;
use crate::gateway::metrics::{ApiMetrics, Metrics};

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
        }
    }
}

/// Endpoints of one API: parsed targets plus their balancer (with health
/// state). Reused across swaps while the API's endpoint list is unchanged.
#[derive(Debug)]
struct Upstreams {
    endpoints: Vec<Endpoint>,
    /// The active health check probing them, if any.
    check: Option<ActiveCheck>,
    targets: Vec<Target>,
    balancer: Balancer,
}

/// Per-API state compiled at swap time.
struct ApiRt {
    api: Arc<SnapshotApi>,
    upstreams: Arc<Upstreams>,
    cors: Option<CorsPolicy>,
    sunset: Option<HeaderValue>,
    metrics: Arc<ApiMetrics>,
    client: ClientSettings,
    /// Connect + response timeout: the longest wait for a response head.
    deadline: Duration,
}

/// What one swap installs, all at once.
struct Live {
    snapshot: Arc<Snapshot>,
    routes: Arc<RouteTable>,
    apis: Vec<Arc<ApiRt>>,
    jwt: JwtVerifier,
    /// API keys accepted under this snapshot (plaintext → SHA-256).
    key_cache: KeyCache,
}

/// What a swap could not load. Nothing here stops the swap.
#[derive(Debug, Clone, Default)]
pub struct SwapReport {
    pub revision: i64,
    pub route_issues: Vec<RouteIssue>,
    /// (api id, problem) for endpoints that were left out.
    pub endpoint_issues: Vec<(Arc<str>, String)>,
    /// APIs whose balancer (and endpoint health) carried over.
    pub balancers_kept: usize,
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
    loaded: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("revision", &self.live.load().snapshot.revision)
            .finish_non_exhaustive()
    }
}

/// Request state carried from phase to phase.
struct Ctx<'l> {
    rt: &'l ApiRt,
    origin: Option<HeaderValue>,
    started: Instant,
    minute: i64,
    subscription: Option<&'l Arc<str>>,
    plan: Option<&'l Arc<str>>,
    request_id: Option<HeaderValue>,
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
            loaded: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Compiles `snapshot` and makes it live atomically: requests already in
    /// flight finish on the old one, new requests see only the new one.
    /// Endpoint health survives for every API whose endpoints are unchanged.
    /// Whether a snapshot has been swapped in since start.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    pub fn swap(&self, snapshot: Snapshot) -> SwapReport {
        let _serialised = self.swap_lock.lock().unwrap_or_else(PoisonError::into_inner);
        let old = self.live.load_full();
        let mut report = SwapReport {
            revision: snapshot.revision,
            ..SwapReport::default()
        };
        // A change that left every API as it was (keys, subscriptions, tokens) keeps the routes
        // and each API's runtime state.
        let same_apis = old.snapshot.apis.len() == snapshot.apis.len()
            && old
                .snapshot
                .apis
                .iter()
                .zip(&snapshot.apis)
                .all(|(a, b)| Arc::ptr_eq(a, b));
        let (routes, apis) = if same_apis {
            report.balancers_kept = old.apis.len();
            (Arc::clone(&old.routes), old.apis.clone())
        } else {
            self.runtimes(&old, &snapshot, &mut report)
        };
        self.loaded.store(true, Ordering::Release);
        let jwt = JwtVerifier::with_cache(
            &snapshot.jwt,
            self.config.jwt_leeway_secs,
            self.config.jwt_cache_capacity,
        );
        for issue in &report.route_issues {
            tracing::warn!(revision = snapshot.revision, "{issue}");
        }
        self.live.store(Arc::new(Live {
            snapshot: Arc::new(snapshot),
            routes,
            apis,
            jwt,
            key_cache: KeyCache::new(self.config.key_cache_capacity),
        }));
        report
    }

    /// Routes and per-API runtime state for `snapshot`'s APIs; an API whose endpoints did not
    /// change keeps its balancer (and the endpoints' health).
    fn runtimes(&self, old: &Live, snapshot: &Snapshot, report: &mut SwapReport) -> (Arc<RouteTable>, Vec<Arc<ApiRt>>) {
        let old_by_id: HashMap<&str, &Arc<ApiRt>> = old.apis.iter().map(|rt| (&*rt.api.id, rt)).collect();
        let (routes, route_issues) = RouteTable::build(&snapshot.apis);
        report.route_issues = route_issues;
        let mut apis = Vec::with_capacity(snapshot.apis.len());
        for api in &snapshot.apis {
            let upstreams = match old_by_id.get(&*api.id) {
                Some(prev) if prev.upstreams.endpoints == api.endpoints && prev.upstreams.check == api.health_check => {
                    report.balancers_kept += 1;
                    Arc::clone(&prev.upstreams)
                }
                _ => self.upstreams(api, &mut report.endpoint_issues),
            };
            let sunset = match (api.state, api.sunset_at_ms) {
                (ApiState::Deprecated, Some(ms)) => sunset_header(ms),
                _ => None,
            };
            apis.push(Arc::new(ApiRt {
                api: Arc::clone(api),
                upstreams,
                cors: CorsPolicy::new(&api.cors),
                sunset,
                metrics: self.metrics.for_api(&api.id),
                client: ClientSettings {
                    connect_timeout: api.connect_timeout(),
                    pool_idle_timeout: self.config.pool_idle_timeout,
                    pool_max_idle_per_host: self.config.pool_max_idle_per_host,
                },
                deadline: api.connect_timeout().saturating_add(api.response_timeout()),
            }));
        }
        (Arc::new(routes), apis)
    }

    /// Parsed endpoints with a new balancer, probed if the API asks for health checks.
    fn upstreams(&self, api: &SnapshotApi, issues: &mut Vec<(Arc<str>, String)>) -> Arc<Upstreams> {
        let mut endpoints = Vec::new();
        let mut targets = Vec::new();
        let mut weights = Vec::new();
        for ep in &api.endpoints {
            match Target::parse(&ep.url) {
                Ok(t) => {
                    targets.push(t);
                    weights.push(ep.weight);
                }
                Err(e) => issues.push((Arc::clone(&api.id), e)),
            }
            endpoints.push(ep.clone());
        }
        let upstreams = Arc::new(Upstreams {
            endpoints,
            check: api.health_check.clone(),
            targets,
            balancer: Balancer::new(&weights, self.config.health),
        });
        probe::start(&upstreams);
        upstreams
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

    /// Runs the whole pipeline for one request.
    async fn process(&self, req: Incoming, body: Body, peer: Option<SocketAddr>, timer: &mut ResponseTimer) -> Reply {
        let started = Instant::now();
        let live = self.live.load_full();
        let Incoming {
            method,
            uri,
            fields,
            upgrade,
        } = req;

        if has_dot_segment(uri.path()) {
            self.metrics.bad_requests.fetch_add(1, Ordering::Relaxed);
            return GatewayError::BadRequest("The path contains '.' or '..' segments.")
                .into_response(&self.config.problem_type_base)
                .into();
        }
        let origin = fields.value("origin");
        if method == Method::OPTIONS
            && let (Some(origin), Some(asked)) = (&origin, fields.get("access-control-request-method"))
            && let Some(resp) = self.preflight(&live, uri.path(), &fields, asked, origin)
        {
            return resp.into();
        }

        // Phase: route.
        let now_ms = unix_ms();
        let (rt, resource, rest_offset) = match live.routes.resolve(&method, uri.path()) {
            Resolution::Matched {
                api,
                resource,
                rest_offset,
                ..
            } => {
                match live
                    .apis
                    .get(api)
                    .and_then(|rt| Some((rt, rt.api.resources.get(resource)?)))
                {
                    Some((rt, res)) => (rt, res, rest_offset),
                    None => return self.unrouted().into(),
                }
            }
            Resolution::MethodNotAllowed { api, allow } => {
                let Some(rt) = live.apis.get(api) else {
                    return self.unrouted().into();
                };
                let ctx = Ctx::new(rt, origin, started, now_ms, &fields);
                return self.reject(&ctx, GatewayError::MethodNotAllowed(allow.clone()), None);
            }
            Resolution::NotFound => return self.unrouted().into(),
        };
        let api = &*rt.api;
        let mut ctx = Ctx::new(rt, origin, started, now_ms, &fields);

        // Phase: lifecycle.
        if api.state == ApiState::Blocked {
            return self.reject(&ctx, GatewayError::ApiBlocked, None);
        }

        // Phase: authenticate.
        let mut consumed_authorization = false;
        let mut subscription = None;
        if resource.auth_required {
            let principal = match authn::authenticate(
                &live.snapshot,
                &live.jwt,
                &live.key_cache,
                &fields,
                &self.config.api_key_headers,
                now_ms,
            ) {
                Ok(p) => p,
                Err(f) => return self.reject(&ctx, GatewayError::Unauthenticated(f), None),
            };
            consumed_authorization = principal.source == CredentialSource::Authorization;
            // Phase: subscription. Prototypes are open to every authenticated caller.
            if api.state != ApiState::Prototyped {
                match live.snapshot.subscription(&principal.application_id, &api.id) {
                    None => return self.reject(&ctx, GatewayError::NotSubscribed, None),
                    Some(s) if !s.active => return self.reject(&ctx, GatewayError::SubscriptionInactive, None),
                    Some(s) => subscription = Some(s),
                }
            }
        }

        // Phase: limit. A call is metered as the subscription's from here on: the quota counts
        // exactly the calls the limiter admits, and restarts resume from that count.
        let mut limit_headers = Vec::new();
        if let Some(sub) = subscription {
            let Some(plan) = live.snapshot.plans.get(&*sub.plan_id) else {
                return self.reject(&ctx, GatewayError::PlanMissing, None);
            };
            ctx.subscription = Some(&sub.subscription_id);
            ctx.plan = Some(&sub.plan_id);
            match self.limiter.check(sub, plan).decide().await {
                LimitDecision::Allowed { headers } => limit_headers = headers,
                LimitDecision::Denied {
                    retry_after_secs,
                    quota_exceeded,
                    headers,
                } => {
                    let err = GatewayError::RateLimited {
                        retry_after_secs,
                        quota_exceeded,
                        headers,
                    };
                    return self.reject(&ctx, err, None);
                }
            }
        }

        // Phase: balance.
        let Some(mut pick) = rt.upstreams.balancer.pick() else {
            return self.reject(&ctx, GatewayError::NoEndpoint, None);
        };

        // Phase: upstream request filter (applied as the head is written).
        let client_upgrade = upgrade.filter(|_| forward::is_websocket_upgrade(&fields));
        let request_id = ctx
            .request_id
            .get_or_insert_with(|| new_request_id(self.instance))
            .clone();
        let rewrite = forward::Rewrite {
            rest: uri.path().get(rest_offset..).unwrap_or_default(),
            query: uri.query(),
            peer,
            proto: &self.config.forwarded_proto,
            request_id: &request_id,
            key_headers: &self.config.api_key_headers,
            drop_authorization: consumed_authorization,
            websocket: client_upgrade.is_some(),
        };

        let declared_in = h1::content_length(&fields);
        let mut streamed_in = None;
        let mut body = if declared_in.is_none() && !body.is_end_stream() {
            let count = Arc::new(AtomicU64::new(0));
            streamed_in = Some(Arc::clone(&count));
            Body::new(CountingBody::new(body, count))
        } else {
            body
        };

        // Phase: forward.
        let sent = Instant::now();
        let outgoing = forward::Outgoing {
            method: &method,
            fields: &fields,
        };
        let due = sent
            .checked_add(rt.deadline)
            .unwrap_or_else(|| sent + Duration::from_secs(86_400));
        // Failover: a connection that could not be made carried no byte of the request, so the
        // request goes to another endpoint, whatever its method — each at most once, while the
        // API's connect timeout, counted from the first attempt, allows.
        let failover_until = sent + rt.client.connect_timeout;
        let mut tried = 0u64;
        let result = loop {
            let Some(target) = rt.upstreams.targets.get(pick.index()) else {
                return self.reject(&ctx, GatewayError::NoEndpoint, None);
            };
            tried |= pick.bit();
            let result = forward::send(&rt.client, target, outgoing, &rewrite, &mut body, timer, due).await;
            if !matches!(result, Err(UpstreamFailure::Connect)) || Instant::now() >= failover_until {
                break result;
            }
            let Some(next) = rt.upstreams.balancer.pick_other(tried) else {
                break result;
            };
            pick.failure();
            rt.metrics.upstream_failure(UpstreamFailure::Connect);
            rt.metrics.failover();
            pick = next;
        };
        let upstream_time = sent.elapsed();
        let resp = match result {
            Ok(resp) => resp,
            Err(UpstreamFailure::ClientBody) => {
                // The client went away mid-upload: nobody reads the answer,
                // and the endpoint is not judged (the pick is dropped unreported).
                drop(pick);
                let err = GatewayError::BadRequest("The request body could not be read.");
                return self.reject(&ctx, err, Some(upstream_time));
            }
            Err(failure) => {
                pick.failure();
                rt.metrics.upstream_failure(failure);
                let err = match failure {
                    UpstreamFailure::Connect => GatewayError::UpstreamRefused,
                    UpstreamFailure::Timeout => GatewayError::UpstreamTimeout,
                    UpstreamFailure::Protocol | UpstreamFailure::ClientBody => GatewayError::UpstreamProtocol,
                };
                return self.reject(&ctx, err, Some(upstream_time));
            }
        };
        let forward::Answer {
            status,
            fields: upstream_fields,
            body: mut incoming,
        } = resp;
        if matches!(status.as_u16(), 502..=504) {
            pick.failure();
        } else {
            pick.success();
        }

        // Phase: response filter. The upstream's fields go to the client as
        // they came (hop-by-hop ones already left out); the gateway's own
        // go in a map of their own.
        let mut response = Response::new(Body::empty());
        *response.status_mut() = status;
        let upgraded = status == StatusCode::SWITCHING_PROTOCOLS && client_upgrade.is_some();
        if upgraded && let (Some(client), Some(upstream)) = (client_upgrade, incoming.take_upgraded()) {
            forward::tunnel(client, upstream);
            response
                .headers_mut()
                .insert(http::header::CONNECTION, HeaderValue::from_static("upgrade"));
        }
        self.decorate(&ctx, response.headers_mut(), limit_headers);
        rt.metrics.response(status.as_u16());

        // Phase: log, once the body has streamed through.
        let meter = Arc::clone(&self.meter);
        let api_id = Arc::clone(&api.id);
        let sub_id = ctx.subscription.cloned();
        let plan_id = ctx.plan.cloned();
        let minute = ctx.minute;
        let status = status.as_u16();
        let finish = move |bytes_out: u64| {
            let bytes_in = streamed_in.map_or(declared_in.unwrap_or(0), |c| c.load(Ordering::Relaxed));
            meter.record(&Usage {
                api_id: &api_id,
                subscription_id: sub_id.as_deref(),
                plan_id: plan_id.as_deref(),
                minute,
                status,
                limited: false,
                bytes_in,
                bytes_out,
                total: started.elapsed(),
                upstream: Some(upstream_time),
            });
        };
        *response.body_mut() = Body::new(MeteredBody::new(incoming, finish));
        Reply {
            response,
            upstream: upstream_fields,
        }
    }

    fn preflight(
        &self,
        live: &Live,
        path: &str,
        fields: &Fields,
        asked: &[u8],
        origin: &HeaderValue,
    ) -> Option<Response<Body>> {
        let method = Method::from_bytes(asked).ok()?;
        let (api, allow) = match live.routes.resolve(&method, path) {
            Resolution::Matched { api, allow, .. } | Resolution::MethodNotAllowed { api, allow } => (api, allow),
            Resolution::NotFound => return None,
        };
        let rt = live.apis.get(api)?;
        // Without CORS the OPTIONS request is handled like any other.
        let policy = rt.cors.as_ref()?;
        let resp = if policy.allows(origin) {
            policy.preflight(origin, allow, fields.value("access-control-request-headers"))
        } else {
            rt.metrics.error(Side::Client);
            GatewayError::CorsOriginDenied.into_response(&self.config.problem_type_base)
        };
        rt.metrics.response(resp.status().as_u16());
        Some(resp)
    }

    /// No API serves the request: 404, or 503 while no snapshot has been loaded (the gateway
    /// cannot tell yet, and a client must not be told that a live API does not exist).
    fn unrouted(&self) -> Response<Body> {
        if !self.is_loaded() {
            return GatewayError::NotReady.into_response(&self.config.problem_type_base);
        }
        self.metrics.unrouted.fetch_add(1, Ordering::Relaxed);
        GatewayError::NotFound.into_response(&self.config.problem_type_base)
    }

    /// Ends the request at the gateway: problem+json, counted and metered.
    fn reject(&self, ctx: &Ctx<'_>, err: GatewayError, upstream: Option<Duration>) -> Reply {
        let rt = ctx.rt;
        let limited = matches!(err, GatewayError::RateLimited { .. });
        rt.metrics.error(err.side());
        let mut resp = err.into_response(&self.config.problem_type_base);
        let status = resp.status().as_u16();
        rt.metrics.response(status);
        self.decorate(ctx, resp.headers_mut(), Vec::new());
        self.meter.record(&Usage {
            api_id: &rt.api.id,
            subscription_id: ctx.subscription.map(|s| &**s),
            plan_id: ctx.plan.map(|s| &**s),
            minute: ctx.minute,
            status,
            limited,
            // The request body was not read.
            bytes_in: 0,
            bytes_out: resp.body().size_hint().exact().unwrap_or(0),
            total: ctx.started.elapsed(),
            upstream,
        });
        resp.into()
    }

    /// Response headers the gateway adds to every answer for an API.
    fn decorate(&self, ctx: &Ctx<'_>, headers: &mut HeaderMap, limit_headers: Vec<(HeaderName, HeaderValue)>) {
        let rt = ctx.rt;
        if let (Some(policy), Some(origin)) = (&rt.cors, &ctx.origin)
            && policy.allows(origin)
        {
            policy.apply(origin, headers);
        }
        if rt.api.state == ApiState::Deprecated {
            headers.insert(&DEPRECATION, HeaderValue::from_static("true"));
            if let Some(sunset) = &rt.sunset {
                headers.insert(&SUNSET, sunset.clone());
            }
        }
        for (name, value) in limit_headers {
            headers.append(name, value);
        }
        if let Some(id) = &ctx.request_id {
            headers.insert(&X_REQUEST_ID, id.clone());
        }
    }
}

impl<'l> Ctx<'l> {
    fn new(rt: &'l ApiRt, origin: Option<HeaderValue>, started: Instant, now_ms: i64, fields: &Fields) -> Self {
        // A client-supplied request id is kept (when sane) and echoed.
        let request_id = fields.value("x-request-id").filter(|v| !v.is_empty() && v.len() <= 200);
        Ctx {
            rt,
            origin,
            started,
            minute: now_ms.div_euclid(60_000),
            subscription: None,
            plan: None,
            request_id,
        }
    }
}

/// The gateway as an axum handler: `Router::new().fallback(...)`.
///
/// The client address for `X-Forwarded-For` comes from axum's
/// [`ConnectInfo`], so serve with `into_make_service_with_connect_info`.
pub async fn handle(gw: Arc<Gateway>, req: Request<Body>) -> Response<Body> {
    let (mut parts, body) = req.into_parts();
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    let incoming = Incoming {
        fields: Fields::from_map(&parts.headers),
        upgrade: parts.extensions.remove::<OnUpgrade>().map(ClientUpgrade::Hyper),
        method: parts.method,
        uri: parts.uri,
    };
    let mut timer = ResponseTimer::default();
    gw.process(incoming, body, peer, &mut timer).await.into_response()
}

/// A request as the pipeline takes it: its head and, when it asked for an
/// upgrade, the client's side of it.
pub struct Incoming {
    pub method: Method,
    pub uri: http::Uri,
    pub fields: Fields,
    pub upgrade: Option<ClientUpgrade>,
}

/// The pipeline's answer: status, the gateway's own fields and the body in
/// `response`, and the upstream's end-to-end fields in `upstream` (empty
/// when the gateway answered itself). The listener writes both without
/// merging them into one map; [`Reply::into_response`] merges them for
/// hyper. Either way a field the gateway sets replaces the upstream's of
/// the same name, except `Vary` (see [`h1::write_response_head`]).
pub struct Reply {
    pub response: Response<Body>,
    pub upstream: Fields,
}

impl From<Response<Body>> for Reply {
    fn from(response: Response<Body>) -> Reply {
        Reply {
            response,
            upstream: Fields::default(),
        }
    }
}

impl Reply {
    /// One response with the upstream's fields merged in.
    pub fn into_response(self) -> Response<Body> {
        let Reply { mut response, upstream } = self;
        if !upstream.is_empty() {
            let ours = std::mem::take(response.headers_mut());
            let mut merged = HeaderMap::with_capacity(upstream.len() + ours.len());
            let mut kept = upstream;
            kept.retain(|name, _| !h1::replaced(name, &ours));
            kept.append_to(&mut merged);
            for (name, value) in &ours {
                merged.append(name, value.clone());
            }
            *response.headers_mut() = merged;
        }
        response
    }
}

/// An axum router that sends every request to the gateway.
pub fn router(gw: Arc<Gateway>) -> axum::Router {
    axum::Router::new().fallback(move |req: Request<Body>| handle(Arc::clone(&gw), req))
}

/// `Sunset` value for an epoch-ms instant; `None` outside what an HTTP-date
/// can express (httpdate panics from the year 10000 on).
fn sunset_header(ms: i64) -> Option<HeaderValue> {
    const YEAR_10000_MS: i64 = 253_402_300_800_000;
    if !(0..YEAR_10000_MS).contains(&ms) {
        return None;
    }
    let at = UNIX_EPOCH.checked_add(Duration::from_millis(ms.unsigned_abs()))?;
    HeaderValue::from_str(&httpdate::fmt_http_date(at)).ok()
}

fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether the path has a `.` or `..` segment, also when the dots or the
/// slashes are percent-encoded or written as `\`: a backend that decodes
/// and normalises could otherwise reach a resource other than the one the
/// gateway authorised (`/public/..%2Fadmin`).
fn has_dot_segment(path: &str) -> bool {
    let b = path.as_bytes();
    if !b.iter().any(|&c| matches!(c, b'.' | b'%' | b'\\')) {
        return false;
    }
    let mut decoded = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' && i + 2 < b.len() {
            let hex = (b[i + 1].to_ascii_lowercase(), b[i + 2].to_ascii_lowercase());
            let mapped = match hex {
                (b'2', b'e') => Some(b'.'),
                (b'2', b'f') | (b'5', b'c') => Some(b'/'),
                _ => None,
            };
            if let Some(m) = mapped {
                decoded.push(m);
                i += 3;
                continue;
            }
        }
        decoded.push(if c == b'\\' { b'/' } else { c });
        i += 1;
    }
    decoded.split(|&c| c == b'/').any(|seg| seg == b"." || seg == b"..")
}

static NEXT_THREAD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static REQUEST_SEQ: Cell<u64> = const { Cell::new(0) };
    static THREAD_TAG: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed) as u64;
}

/// `{instance:16 hex}{thread:4 hex}{sequence:12 hex}`: unique per process run
/// without a shared counter.
fn new_request_id(instance: u64) -> HeaderValue {
    let seq = REQUEST_SEQ.with(|s| {
        let v = s.get().wrapping_add(1);
        s.set(v);
        v
    });
    let tag = THREAD_TAG.try_with(|t| *t).unwrap_or(0xffff);
    let mut buf = [0u8; 32];
    write_hex(&mut buf[..16], instance);
    write_hex(&mut buf[16..20], tag);
    write_hex(&mut buf[20..], seq);
    HeaderValue::from_bytes(&buf).unwrap_or_else(|_| HeaderValue::from_static("0"))
}

fn write_hex(out: &mut [u8], mut v: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for slot in out.iter_mut().rev() {
        *slot = HEX[(v & 0xf) as usize];
        v >>= 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_detected_in_every_spelling() {
        for bad in [
            "/a/../b",
            "/a/./b",
            "/a/..",
            "/a/%2e%2E/b",
            "/a/.%2e/b",
            "/public/..%2Fadmin",
            "/public/..%5cadmin",
            "/public\\..\\admin",
            "/%2e",
        ] {
            assert!(has_dot_segment(bad), "{bad}");
        }
        for good in [
            "/a/b",
            "/a/.well-known",
            "/a/b.json",
            "/a/..b",
            "/a/%2",
            "/a/%",
            "/a%2fb",
            "/v1.2/x",
        ] {
            assert!(!has_dot_segment(good), "{good}");
        }
    }

    #[test]
    fn sunset_dates_never_panic() {
        assert_eq!(sunset_header(0).expect("epoch"), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            sunset_header(253_402_300_799_999).expect("last ms of 9999"),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert!(sunset_header(253_402_300_800_000).is_none());
        assert!(sunset_header(i64::MAX).is_none());
        assert!(sunset_header(-1).is_none());
    }

    #[test]
    fn request_ids_are_unique_hex() {
        let a = new_request_id(0xabc);
        let b = new_request_id(0xabc);
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.to_str().expect("ascii").bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
