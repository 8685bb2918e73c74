//! Prometheus-ready counters: plain atomics on the hot path, text exposition
//! on demand. Per-API counters live in a registry keyed by API id that
//! outlives snapshot swaps, so counters stay monotonic across redeploys.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::gateway::error::Side;
use crate::gateway::forward::UpstreamFailure;
use crate::gateway::meter::StatusClass;

#[derive(Debug)]
pub struct ApiMetrics {
    pub api_id: Arc<str>,
    responses: [AtomicU64; 4],
    errors_by_side: [AtomicU64; 3],
    upstream_failures: [AtomicU64; 3],
    failovers: AtomicU64,
}

impl ApiMetrics {
    fn new(api_id: Arc<str>) -> Self {
        ApiMetrics {
            api_id,
            responses: Default::default(),
            errors_by_side: Default::default(),
            upstream_failures: Default::default(),
            failovers: AtomicU64::new(0),
        }
    }

    pub fn response(&self, status: u16) {
        self.responses[StatusClass::of(status) as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn error(&self, side: Side) {
        let i = match side {
            Side::Client => 0,
            Side::Gateway => 1,
            Side::Upstream => 2,
        };
        self.errors_by_side[i].fetch_add(1, Ordering::Relaxed);
    }

    pub fn upstream_failure(&self, f: UpstreamFailure) {
        self.upstream_failures[f as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// A request that could not connect to one endpoint went to another.
    pub fn failover(&self) {
        self.failovers.fetch_add(1, Ordering::Relaxed);
    }

    pub fn responses(&self, class: StatusClass) -> u64 {
        self.responses[class as usize].load(Ordering::Relaxed)
    }
}

#[derive(Debug, Default)]
pub struct Metrics {
    apis: Mutex<BTreeMap<Arc<str>, Arc<ApiMetrics>>>,
    /// Requests that matched no API (404 before routing to an API).
    pub unrouted: AtomicU64,
    /// Requests rejected before routing (bad paths).
    pub bad_requests: AtomicU64,
}

impl Metrics {
    /// The counters of `api_id`, created on first use (at swap time, not per request).
    pub fn for_api(&self, api_id: &Arc<str>) -> Arc<ApiMetrics> {
        let mut apis = self.apis.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            apis.entry(Arc::clone(api_id))
                .or_insert_with(|| Arc::new(ApiMetrics::new(Arc::clone(api_id)))),
        )
    }

    /// Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, extra: impl FnOnce(&mut String)) -> String {
        let apis: Vec<Arc<ApiMetrics>> = self
            .apis
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        let mut out = String::with_capacity(256 + apis.len() * 400);
        out.push_str("# HELP tollgate_gateway_responses_total Responses sent, by API and status class.\n");
        out.push_str("# TYPE tollgate_gateway_responses_total counter\n");
        for m in &apis {
            for class in StatusClass::HTTP {
                let _ = writeln!(
                    out,
                    "tollgate_gateway_responses_total{{api=\"{}\",class=\"{}\"}} {}",
                    escape_label(&m.api_id),
                    class.as_str(),
                    m.responses(class)
                );
            }
        }
        out.push_str("# HELP tollgate_gateway_errors_total Requests the gateway failed, by API and failing side.\n");
        out.push_str("# TYPE tollgate_gateway_errors_total counter\n");
        for m in &apis {
            for (i, side) in [Side::Client, Side::Gateway, Side::Upstream].iter().enumerate() {
                let _ = writeln!(
                    out,
                    "tollgate_gateway_errors_total{{api=\"{}\",side=\"{}\"}} {}",
                    escape_label(&m.api_id),
                    side.as_str(),
                    m.errors_by_side[i].load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP tollgate_gateway_upstream_failures_total Failed upstream attempts, by API and kind.\n");
        out.push_str("# TYPE tollgate_gateway_upstream_failures_total counter\n");
        for m in &apis {
            for (i, kind) in ["connect", "timeout", "protocol"].iter().enumerate() {
                let _ = writeln!(
                    out,
                    "tollgate_gateway_upstream_failures_total{{api=\"{}\",kind=\"{kind}\"}} {}",
                    escape_label(&m.api_id),
                    m.upstream_failures[i].load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP tollgate_gateway_failovers_total Requests sent to another endpoint after a failed connect, by API.\n");
        out.push_str("# TYPE tollgate_gateway_failovers_total counter\n");
        for m in &apis {
            let _ = writeln!(
                out,
                "tollgate_gateway_failovers_total{{api=\"{}\"}} {}",
                escape_label(&m.api_id),
                m.failovers.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP tollgate_gateway_unrouted_total Requests that matched no API.\n");
        out.push_str("# TYPE tollgate_gateway_unrouted_total counter\n");
        let _ = writeln!(
            out,
            "tollgate_gateway_unrouted_total {}",
            self.unrouted.load(Ordering::Relaxed)
        );
        out.push_str("# HELP tollgate_gateway_bad_requests_total Requests rejected before routing.\n");
        out.push_str("# TYPE tollgate_gateway_bad_requests_total counter\n");
        let _ = writeln!(
            out,
            "tollgate_gateway_bad_requests_total {}",
            self.bad_requests.load(Ordering::Relaxed)
        );
        extra(&mut out);
        out
    }
}

/// Escapes a Prometheus label value.
pub fn escape_label(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}
