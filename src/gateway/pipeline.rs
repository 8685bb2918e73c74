//! The request pipeline: plain functions in pingora's phase order (see the module doc of
//! [`crate::gateway`]). [`Gateway::admit`] runs the checks — route, lifecycle, authenticate,
//! authorize, limit — without forwarding, so another front end can ask the same question;
//! the listener runs the whole pipeline through `process`.

use std::cell::Cell;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use http_body::Body as _;

use super::fields::Fields;
use super::forward::{ClientUpgrade, CountingBody, MeteredBody, ResponseTimer, X_REQUEST_ID};
use super::live::{ApiRt, Live};
use super::meter::Usage;
use super::{
    ApiState, CredentialSource, DEPRECATION, Gateway, GatewayError, LimitDecision, Resolution, Resource, SUNSET, Side,
    SubscriptionEntry, UpstreamFailure, authn, forward, h1,
};

/// Request state carried from phase to phase.
pub(super) struct Ctx<'l> {
    rt: &'l ApiRt,
    origin: Option<HeaderValue>,
    started: Instant,
    minute: i64,
    subscription: Option<&'l Arc<str>>,
    plan: Option<&'l Arc<str>>,
    request_id: Option<HeaderValue>,
}

/// A request the checks admitted, with what forwarding needs from them.
pub(super) struct Admitted<'l> {
    pub(super) ctx: Ctx<'l>,
    /// Where the path's rest (after the API's context and version) starts.
    pub(super) rest_offset: usize,
    /// The credential came in `Authorization`, which is then not forwarded.
    pub(super) consumed_authorization: bool,
    /// Headers the limiter adds to the answer.
    pub(super) limit_headers: Vec<(HeaderName, HeaderValue)>,
}

/// Why the checks ended a request: no API serves it (404, or 503 before the first snapshot),
/// or an API's phase refused it (counted and metered against that API).
pub(super) enum Refusal<'l> {
    Unrouted,
    At(Ctx<'l>, GatewayError),
}

impl Gateway {
    /// Runs the whole pipeline for one request.
    pub(super) async fn process(
        &self,
        req: Incoming,
        body: Body,
        peer: Option<SocketAddr>,
        timer: &mut ResponseTimer,
    ) -> Reply {
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
        match self.admit(&live, &method, uri.path(), &fields, origin, started).await {
            Ok(admitted) => {
                let request = Forwarding {
                    method: &method,
                    uri: &uri,
                    fields: &fields,
                    upgrade,
                    peer,
                };
                self.forward(admitted, request, body, timer).await
            }
            Err(Refusal::Unrouted) => self.unrouted().into(),
            Err(Refusal::At(ctx, err)) => self.reject(&ctx, err, None),
        }
    }

    /// The checks of the pipeline, in order, without forwarding: route → lifecycle →
    /// authenticate → authorize → limit. An admitted request has consumed its unit of the
    /// subscription's limits.
    pub(super) async fn admit<'l>(
        &self,
        live: &'l Live,
        method: &Method,
        path: &str,
        fields: &Fields,
        origin: Option<HeaderValue>,
        started: Instant,
    ) -> Result<Admitted<'l>, Refusal<'l>> {
        let now_ms = self.config.clock.now_ms();
        let (rt, resource, rest_offset) = match route(live, method, path) {
            Ok(found) => found,
            Err(None) => return Err(Refusal::Unrouted),
            Err(Some((rt, err))) => return Err(Refusal::At(Ctx::new(rt, origin, started, now_ms, fields), err)),
        };
        let mut ctx = Ctx::new(rt, origin, started, now_ms, fields);
        if let Err(err) = lifecycle(ctx.rt) {
            return Err(Refusal::At(ctx, err));
        }
        let (consumed_authorization, subscription) = match self.authenticate(live, &ctx, resource, fields, now_ms) {
            Ok(found) => found,
            Err(err) => return Err(Refusal::At(ctx, err)),
        };
        let limit_headers = match subscription {
            Some(sub) => match self.limit(live, &mut ctx, sub).await {
                Ok(headers) => headers,
                Err(err) => return Err(Refusal::At(ctx, err)),
            },
            None => Vec::new(),
        };
        Ok(Admitted {
            ctx,
            rest_offset,
            consumed_authorization,
            limit_headers,
        })
    }

    /// Phases authenticate and authorize: the credential (unless the resource is open), then
    /// the caller's application's active subscription to the API (prototypes are open to every
    /// authenticated caller). Returns whether the credential came in `Authorization`.
    fn authenticate<'l>(
        &self,
        live: &'l Live,
        ctx: &Ctx<'l>,
        resource: &Resource,
        fields: &Fields,
        now_ms: i64,
    ) -> Result<(bool, Option<&'l SubscriptionEntry>), GatewayError> {
        if !resource.auth_required {
            return Ok((false, None));
        }
        let principal = authn::authenticate(
            &live.snapshot,
            &live.jwt,
            &live.key_cache,
            fields,
            &self.config.api_key_headers,
            now_ms,
        )
        .map_err(GatewayError::Unauthenticated)?;
        let consumed_authorization = principal.source == CredentialSource::Authorization;
        let api = &ctx.rt.api;
        if api.state == ApiState::Prototyped {
            return Ok((consumed_authorization, None));
        }
        match live.snapshot.subscription(&principal.application_id, &api.id) {
            None => Err(GatewayError::NotSubscribed),
            Some(s) if !s.active => Err(GatewayError::SubscriptionInactive),
            Some(s) => Ok((consumed_authorization, Some(s))),
        }
    }

    /// Phase limit. A call is metered as the subscription's from here on: the quota counts
    /// exactly the calls the limiter admits, and restarts resume from that count.
    async fn limit<'l>(
        &self,
        live: &'l Live,
        ctx: &mut Ctx<'l>,
        sub: &'l SubscriptionEntry,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, GatewayError> {
        let Some(plan) = live.snapshot.plans.get(&*sub.plan_id) else {
            return Err(GatewayError::PlanMissing);
        };
        ctx.subscription = Some(&sub.subscription_id);
        ctx.plan = Some(&sub.plan_id);
        match self.limiter.check(sub, plan).decide().await {
            LimitDecision::Allowed { headers } => Ok(headers),
            LimitDecision::Denied {
                retry_after_secs,
                quota_exceeded,
                headers,
            } => Err(GatewayError::RateLimited {
                retry_after_secs,
                quota_exceeded,
                headers,
            }),
        }
    }

    /// Phases balance, upstream request filter, forward (with failover to another endpoint
    /// when a connection could not be made), response filter and log.
    async fn forward(
        &self,
        admitted: Admitted<'_>,
        request: Forwarding<'_>,
        body: Body,
        timer: &mut ResponseTimer,
    ) -> Reply {
        let Admitted {
            mut ctx,
            rest_offset,
            consumed_authorization,
            limit_headers,
        } = admitted;
        let Forwarding {
            method,
            uri,
            fields,
            upgrade,
            peer,
        } = request;
        let rt = ctx.rt;

        // Phase: balance.
        let Some(mut pick) = rt.upstreams.balancer.pick() else {
            return self.reject(&ctx, GatewayError::NoEndpoint, None);
        };

        // Phase: upstream request filter (applied as the head is written).
        let client_upgrade = upgrade.filter(|_| forward::is_websocket_upgrade(fields));
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

        let declared_in = h1::content_length(fields);
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
        let outgoing = forward::Outgoing { method, fields };
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
        let api_id = Arc::clone(&rt.api.id);
        let sub_id = ctx.subscription.cloned();
        let plan_id = ctx.plan.cloned();
        let minute = ctx.minute;
        let status = status.as_u16();
        let started = ctx.started;
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

/// The parts of a request that only forwarding needs.
struct Forwarding<'r> {
    method: &'r Method,
    uri: &'r http::Uri,
    fields: &'r Fields,
    upgrade: Option<ClientUpgrade>,
    peer: Option<SocketAddr>,
}

/// Where the router sent a request: the API version, the resource and where the path's rest
/// (after context and version) starts.
type Routed<'l> = (&'l ApiRt, &'l Resource, usize);

/// Phase route: path and method → [`Routed`]. `Err(None)`: no API serves the path;
/// `Err(Some(..))`: the API's answer (405).
fn route<'l>(live: &'l Live, method: &Method, path: &str) -> Result<Routed<'l>, Option<(&'l ApiRt, GatewayError)>> {
    match live.routes.resolve(method, path) {
        Resolution::Matched {
            api,
            resource,
            rest_offset,
            ..
        } => live
            .apis
            .get(api)
            .and_then(|rt| Some((&**rt, rt.api.resources.get(resource)?, rest_offset)))
            .ok_or(None),
        Resolution::MethodNotAllowed { api, allow } => match live.apis.get(api) {
            Some(rt) => Err(Some((rt, GatewayError::MethodNotAllowed(allow.clone())))),
            None => Err(None),
        },
        Resolution::NotFound => Err(None),
    }
}

/// Phase lifecycle: a blocked API answers 503 without touching its backend.
fn lifecycle(rt: &ApiRt) -> Result<(), GatewayError> {
    match rt.api.state {
        ApiState::Blocked => Err(GatewayError::ApiBlocked),
        _ => Ok(()),
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
    fn request_ids_are_unique_hex() {
        let a = new_request_id(0xabc);
        let b = new_request_id(0xabc);
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.to_str().expect("ascii").bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
