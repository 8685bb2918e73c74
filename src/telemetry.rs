//! Logs and metrics. Logs go to stderr as text or JSON (`TOLLGATE_LOG_FORMAT`), filtered by
//! `TOLLGATE_LOG` (or `RUST_LOG`). Metrics live in a per-process [`Metrics`] registry rendered
//! in the Prometheus text format at `/metrics`; no global recorder, so tests that run several
//! apps in one process see their own numbers.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::{Config, LogFormat};

/// Install the global tracing subscriber writing to `writer`. Returns an error when one is
/// installed already.
pub fn init_tracing<W>(config: &Config, writer: W, ansi: bool) -> anyhow::Result<()>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|_| std::env::var_os("TOLLGATE_LOG").is_none())
        .unwrap_or_else(|| config.log.clone());
    let filter = EnvFilter::try_new(&filter)
        .map_err(|e| anyhow::anyhow!("invalid log filter {filter:?} (TOLLGATE_LOG): {e}"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        .with_target(true);
    let result = match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
        LogFormat::Text => builder.compact().try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot install the log subscriber: {e}"))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub method: String,
    /// The route template (`/api/v1/orgs/{org_id}`), never the raw path: bounded cardinality.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

/// The control plane's metrics.
pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_duration: Family<RouteLabels, Histogram>,
    pub http_in_flight: Gauge,
    pub login_failures: Counter,
    /// Serialises rendering (the registry is read-only, but encoding into one String at a time
    /// keeps scrapes from interleaving work).
    render_lock: Mutex<()>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("tollgate");
        let http_requests = Family::<HttpLabels, Counter>::default();
        let http_duration = Family::<RouteLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(exponential_buckets(0.0005, 2.0, 16))) as fn() -> Histogram,
        );
        let http_in_flight = Gauge::default();
        let login_failures = Counter::default();
        registry.register(
            "http_requests",
            "Management API requests by method, route template and status",
            http_requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Management API latency by method and route template",
            http_duration.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "Management API requests being served",
            http_in_flight.clone(),
        );
        registry.register("login_failures", "Failed login attempts", login_failures.clone());
        Self {
            registry,
            http_requests,
            http_duration,
            http_in_flight,
            login_failures,
            render_lock: Mutex::new(()),
        }
    }

    pub fn observe_http(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.http_requests
            .get_or_create(&HttpLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.http_duration
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let _guard = self.render_lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
