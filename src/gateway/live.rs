//! What a swap installs: the snapshot with everything compiled from it once — the route
//! table, per API its endpoints and balancer (kept across swaps while the endpoints do not
//! change), CORS policy, `Sunset` header, metrics handle and client settings — and the
//! credential caches of the snapshot.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use http::HeaderValue;

use super::cors::CorsPolicy;
use super::forward::{ClientSettings, Target};
use super::metrics::ApiMetrics;
use super::{
    ActiveCheck, ApiState, Balancer, Endpoint, Gateway, JwtVerifier, KeyCache, RouteIssue, RouteTable, Snapshot,
    SnapshotApi, probe,
};

/// Endpoints of one API: parsed targets plus their balancer (with health
/// state). Reused across swaps while the API's endpoint list is unchanged.
#[derive(Debug)]
pub(super) struct Upstreams {
    pub(super) endpoints: Vec<Endpoint>,
    /// The active health check probing them, if any.
    pub(super) check: Option<ActiveCheck>,
    pub(super) targets: Vec<Target>,
    pub(super) balancer: Balancer,
}

/// Per-API state compiled at swap time.
pub(super) struct ApiRt {
    pub(super) api: Arc<SnapshotApi>,
    pub(super) upstreams: Arc<Upstreams>,
    pub(super) cors: Option<CorsPolicy>,
    pub(super) sunset: Option<HeaderValue>,
    pub(super) metrics: Arc<ApiMetrics>,
    pub(super) client: ClientSettings,
    /// Connect + response timeout: the longest wait for a response head.
    pub(super) deadline: Duration,
}

/// What one swap installs, all at once.
pub(super) struct Live {
    pub(super) snapshot: Arc<Snapshot>,
    pub(super) routes: Arc<RouteTable>,
    pub(super) apis: Vec<Arc<ApiRt>>,
    pub(super) jwt: JwtVerifier,
    /// API keys accepted under this snapshot (plaintext → SHA-256).
    pub(super) key_cache: KeyCache,
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

impl Gateway {
    /// Compiles `snapshot` and makes it live atomically: requests already in
    /// flight finish on the old one, new requests see only the new one.
    /// Endpoint health survives for every API whose endpoints are unchanged.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
