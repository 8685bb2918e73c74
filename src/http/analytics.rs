//! Usage analytics: time series of calls, errors, bytes and latency percentiles (from the
//! gateway's histograms, gateway and upstream time apart), grouped and filtered by API,
//! version, application, subscription and plan; and top lists. Scoped like billing: your own
//! applications, an organization's APIs (`org`), or everything (`all=true`, operators).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authn::Auth;
use super::billing::ScopeParams;
use super::extract::{ApiQuery, Limit};
use crate::app::AppState;
use crate::domain::ids::to_datetime;
use crate::domain::usage::Histogram;
use crate::error::{ApiError, Problem};
use crate::store::{CellGroups, UsageFact, UsageQuery};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(usage_series)).routes(routes!(top))
}

/// Most points a series may have (range ÷ granularity).
const MAX_POINTS: i64 = 1_500;
/// Most series in one answer (the busiest are kept).
const MAX_SERIES: usize = 200;
/// Most (series, bucket) cells aggregated for one answer: bounds the memory a query may take.
const MAX_CELLS: usize = 200_000;

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Minute,
    #[default]
    Hour,
    Day,
}

impl Granularity {
    fn minutes(self) -> i64 {
        match self {
            Granularity::Minute => 1,
            Granularity::Hour => 60,
            Granularity::Day => 1440,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesParams {
    /// Start (RFC 3339; default 24 hours ago), rounded down to the granularity.
    pub from: Option<DateTime<Utc>>,
    /// End, exclusive (default now).
    pub to: Option<DateTime<Utc>>,
    /// `minute`, `hour` (default) or `day`. Old usage is kept coarser (minute rows become hourly
    /// after `usage_compact_hourly_after`, 2 days by default, and daily after
    /// `usage_compact_daily_after`, 35 days): a granularity finer than the rows of the range is
    /// refused with 400, and the problem names the finest granularity that answers it and from
    /// when on the asked one would.
    pub granularity: Option<Granularity>,
    /// Comma-separated: `api` (all versions of an API), `version` (one API version),
    /// `application`, `subscription`, `plan`. Default: one series for everything.
    pub group_by: Option<String>,
    pub org: Option<String>,
    #[serde(default)]
    pub all: bool,
    /// Only this API version.
    pub api_id: Option<String>,
    pub application_id: Option<String>,
    pub subscription_id: Option<String>,
    pub plan_id: Option<String>,
}

/// Latency percentiles in milliseconds, estimated from the gateway's fixed-bucket histograms.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Latency {
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub mean_ms: Option<f64>,
}

impl Latency {
    fn of(h: &Histogram) -> Self {
        let n: u64 = h.buckets.iter().sum();
        let ms = |us: Option<f64>| us.map(|v| v.round() / 1000.0);
        Latency {
            p50_ms: ms(h.quantile_us(0.50)),
            p95_ms: ms(h.quantile_us(0.95)),
            p99_ms: ms(h.quantile_us(0.99)),
            mean_ms: ms((n > 0).then(|| h.sum_us as f64 / n as f64)),
        }
    }
}

#[derive(Debug, Default)]
struct Acc {
    success: i64,
    redirects: i64,
    client_errors: i64,
    server_errors: i64,
    limited: i64,
    bytes_in: i64,
    bytes_out: i64,
    total: Histogram,
    upstream: Histogram,
}

impl Acc {
    fn add(&mut self, f: &UsageFact) {
        match f.status_class.as_str() {
            "2xx" => self.success += f.requests,
            "3xx" => self.redirects += f.requests,
            "4xx" => self.client_errors += f.requests,
            "5xx" => self.server_errors += f.requests,
            _ => self.limited += f.requests,
        }
        self.bytes_in += f.bytes_in;
        self.bytes_out += f.bytes_out;
        self.total.add_stored(&f.latency_total);
        self.upstream.add_stored(&f.latency_upstream);
    }

    fn requests(&self) -> i64 {
        self.success + self.redirects + self.client_errors + self.server_errors
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Point {
    pub start: DateTime<Utc>,
    /// Calls answered (any status), not counting those refused by a rate limit or quota.
    pub requests: i64,
    pub success: i64,
    pub redirects: i64,
    pub client_errors: i64,
    pub server_errors: i64,
    /// Calls refused by the rate limit or quota (429 from the gateway).
    pub limited: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    /// Gateway time: request received → response sent.
    pub latency: Latency,
    /// Upstream time: request forwarded → response head received.
    pub upstream_latency: Latency,
}

/// What a series is grouped by (fields not grouped by are absent).
#[derive(Debug, Default, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
pub struct GroupKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    pub group: GroupKey,
    pub total_requests: i64,
    /// One point per bucket of the range, zero-filled.
    pub points: Vec<Point>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-11-29T00:00:00Z", "to": "2026-11-29T02:00:00Z", "granularity": "hour", "series": [{"group": {"api_name": "Petstore", "api_id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "api_version": "v1"}, "total_requests": 1520, "points": [{"start": "2026-11-29T00:00:00Z", "requests": 1000, "success": 990, "redirects": 0, "client_errors": 8, "server_errors": 2, "limited": 12, "bytes_in": 0, "bytes_out": 512000, "latency": {"p50_ms": 1.2, "p95_ms": 4.8, "p99_ms": 9.7, "mean_ms": 1.9}, "upstream_latency": {"p50_ms": 1.1, "p95_ms": 4.5, "p99_ms": 9.1, "mean_ms": 1.7}}, {"start": "2026-11-29T01:00:00Z", "requests": 520, "success": 520, "redirects": 0, "client_errors": 0, "server_errors": 0, "limited": 0, "bytes_in": 0, "bytes_out": 266240, "latency": {"p50_ms": 1.1, "p95_ms": 3.9, "p99_ms": 7.2, "mean_ms": 1.5}, "upstream_latency": {"p50_ms": 1.0, "p95_ms": 3.6, "p99_ms": 6.8, "mean_ms": 1.4}}]}]}))]
pub struct UsageSeries {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[schema(value_type = String, example = "hour")]
    pub granularity: &'static str,
    pub series: Vec<Series>,
}

#[derive(Default, Clone, Copy)]
struct Grouping {
    api: bool,
    version: bool,
    application: bool,
    subscription: bool,
    plan: bool,
}

impl Grouping {
    fn parse(raw: Option<&str>) -> Result<Grouping, ApiError> {
        let mut g = Grouping::default();
        for part in raw.unwrap_or("").split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "api" => g.api = true,
                "version" => g.version = true,
                "application" => g.application = true,
                "subscription" => g.subscription = true,
                "plan" => g.plan = true,
                other => {
                    return Err(ApiError::bad_request(format!(
                        "group_by `{other}` is not one of api, version, application, subscription, plan"
                    )));
                }
            }
        }
        Ok(g)
    }

    /// The ids the database groups cells by: enough to build every [`GroupKey`] field.
    fn cells(self) -> CellGroups {
        CellGroups {
            api: self.api || self.version,
            application: self.application,
            subscription: self.subscription,
            plan: self.plan,
        }
    }

    fn key(self, f: &UsageFact) -> GroupKey {
        let pick = |on: bool, v: &str| on.then(|| v.to_owned());
        let pick_opt = |on: bool, v: &Option<String>| if on { Some(v.clone().unwrap_or_default()) } else { None };
        GroupKey {
            api_context: pick(self.api, &f.api_context),
            api_name: pick(self.api || self.version, &f.api_name),
            api_id: pick(self.version, &f.api_id),
            api_version: pick(self.version, &f.api_version),
            application_id: pick_opt(self.application, &f.application_id),
            application_name: pick_opt(self.application, &f.application_name),
            subscription_id: pick_opt(self.subscription, &f.subscription_id),
            plan_id: pick_opt(self.plan, &f.plan_id),
            plan_name: pick_opt(self.plan, &f.plan_name),
        }
    }
}

fn optional_id(raw: &Option<String>, what: &'static str) -> Result<Option<String>, ApiError> {
    match raw {
        Some(id) if !crate::domain::ids::is_uuid(id) => Err(ApiError::bad_request(format!("{what} must be a UUID"))),
        other => Ok(other.clone()),
    }
}

/// The range in whole buckets: `[from, to)` in epoch minutes, at most `max_points` buckets.
fn range(
    now_ms: i64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    g: Granularity,
    max_points: i64,
) -> Result<(i64, i64), ApiError> {
    let now_min = now_ms.div_euclid(60_000);
    let to_min = to.map_or(now_min + 1, |t| t.timestamp_millis().div_euclid(60_000));
    let from_min = from.map_or(to_min - 24 * 60, |t| t.timestamp_millis().div_euclid(60_000));
    let step = g.minutes();
    let (from_min, to_min) = (
        from_min.div_euclid(step) * step,
        (to_min + step - 1).div_euclid(step) * step,
    );
    if to_min <= from_min {
        return Err(ApiError::bad_request("`to` must be after `from`"));
    }
    if (to_min - from_min) / step > max_points {
        return Err(ApiError::bad_request(format!(
            "the range has more than {max_points} points at this granularity; choose a coarser one or a shorter range"
        )));
    }
    Ok((from_min, to_min))
}

/// Usage over time: calls, errors by class, calls refused by limits, bytes and latency
/// percentiles, per bucket and group. Every answer is exact: old usage is compacted into hourly
/// and then daily totals, and a range holding such totals is answered only at a granularity
/// they fit (400 otherwise, naming the finest one that does).
#[utoipa::path(get, path = "/analytics/usage", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(SeriesParams),
    responses(
        (status = 200, body = UsageSeries),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn usage_series(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SeriesParams>,
) -> Result<Json<UsageSeries>, ApiError> {
    let scope = ScopeParams {
        org: p.org.clone(),
        all: p.all,
    }
    .resolve(&auth)?;
    let granularity = p.granularity.unwrap_or_default();
    let grouping = Grouping::parse(p.group_by.as_deref())?;
    let (from_min, to_min) = range(app.clock.now_ms(), p.from, p.to, granularity, MAX_POINTS)?;
    let q = UsageQuery {
        scope,
        from_minute: from_min,
        to_minute: to_min,
        api_id: optional_id(&p.api_id, "api_id")?,
        application_id: optional_id(&p.application_id, "application_id")?,
        subscription_id: optional_id(&p.subscription_id, "subscription_id")?,
        plan_id: optional_id(&p.plan_id, "plan_id")?,
    };
    let step = granularity.minutes();
    let mut groups: BTreeMap<GroupKey, BTreeMap<i64, Acc>> = BTreeMap::new();
    let mut cells = 0usize;
    // Rows are checked as they are read (not before), so a compaction running meanwhile
    // cannot slip a coarse row into a fine answer.
    let mut too_coarse = false;
    app.store
        .fold_usage(&q, step, grouping.cells(), |f| {
            if f.span > step {
                too_coarse = true;
                return false;
            }
            let bucket = f.minute.div_euclid(step) * step;
            let series = groups.entry(grouping.key(&f)).or_default();
            let cell = series.entry(bucket).or_insert_with(|| {
                cells += 1;
                Acc::default()
            });
            cell.add(&f);
            cells <= MAX_CELLS
        })
        .await?;
    if too_coarse {
        return Err(compacted_range(&app, from_min, to_min, granularity).await?);
    }
    if cells > MAX_CELLS {
        return Err(ApiError::bad_request(format!(
            "the answer would hold more than {MAX_CELLS} series points; filter (api_id, application_id, …), \
             group by fewer dimensions, or choose a coarser granularity or a shorter range"
        )));
    }
    let mut series: Vec<Series> = groups
        .into_iter()
        .map(|(group, buckets)| {
            let total_requests = buckets.values().map(Acc::requests).sum();
            let empty = Acc::default();
            let points = (0..(to_min - from_min) / step)
                .map(|i| {
                    let start = from_min + i * step;
                    let a = buckets.get(&start).unwrap_or(&empty);
                    Point {
                        start: to_datetime(start * 60_000),
                        requests: a.requests(),
                        success: a.success,
                        redirects: a.redirects,
                        client_errors: a.client_errors,
                        server_errors: a.server_errors,
                        limited: a.limited,
                        bytes_in: a.bytes_in,
                        bytes_out: a.bytes_out,
                        latency: Latency::of(&a.total),
                        upstream_latency: Latency::of(&a.upstream),
                    }
                })
                .collect();
            Series {
                group,
                total_requests,
                points,
            }
        })
        .collect();
    series.sort_by(|a, b| {
        b.total_requests
            .cmp(&a.total_requests)
            .then_with(|| a.group.cmp(&b.group))
    });
    series.truncate(MAX_SERIES);
    Ok(Json(UsageSeries {
        from: to_datetime(from_min * 60_000),
        to: to_datetime(to_min * 60_000),
        granularity: match granularity {
            Granularity::Minute => "minute",
            Granularity::Hour => "hour",
            Granularity::Day => "day",
        },
        series,
    }))
}

/// The 400 for a series whose range holds rows coarser than its granularity.
async fn compacted_range(app: &AppState, from_min: i64, to_min: i64, asked: Granularity) -> Result<ApiError, ApiError> {
    let (span, end) = app
        .store
        .usage_coarser_rows(from_min, to_min, asked.minutes())
        .await?
        // Compacted rows seen by the read, gone now: a second compaction of a late row merged
        // them again meanwhile. Name the level we saw, without an end.
        .unwrap_or((asked.minutes() + 1, from_min));
    let finest = if span > Granularity::Hour.minutes() {
        Granularity::Day
    } else {
        Granularity::Hour
    };
    let kept = |g: Granularity| match g {
        Granularity::Minute => "minute",
        Granularity::Hour => "hour",
        Granularity::Day => "day",
    };
    Ok(ApiError::bad_request(format!(
        "usage in this range up to {} is kept per {} (older usage is compacted); ask granularity={} for it, \
         or granularity={} from {} on",
        to_datetime(end * 60_000).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        kept(finest),
        kept(finest),
        kept(asked),
        to_datetime(end.max(from_min) * 60_000).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    Api,
    Application,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopParams {
    /// `api` (per API version) or `application`.
    pub dimension: Dimension,
    /// Start (RFC 3339; default 24 hours ago), rounded down to the minute. Where usage is
    /// compacted (older than 2 days by default: hourly totals; older than 35 days: daily totals)
    /// `from` and `to` must not fall inside an hour or day kept as one total: 400 names the
    /// whole hours or days around it.
    pub from: Option<DateTime<Utc>>,
    /// End, exclusive (default now), rounded up to the minute; the same rule as `from`.
    pub to: Option<DateTime<Utc>>,
    #[param(inline)]
    pub limit: Option<Limit<100, 10>>,
    pub org: Option<String>,
    #[serde(default)]
    pub all: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e", "name": "Petstore", "version": "v1", "requests": 152000, "client_errors": 310, "server_errors": 4, "limited": 1200, "bytes_out": 77824000}))]
pub struct TopEntry {
    pub id: String,
    pub name: String,
    /// API version (empty for applications).
    pub version: String,
    pub requests: i64,
    pub client_errors: i64,
    pub server_errors: i64,
    pub limited: i64,
    pub bytes_out: i64,
}

/// The busiest APIs or applications in a range (default: the last 24 hours). Exact: a range
/// edge that would cut an hour or day of compacted usage is refused (400).
#[utoipa::path(get, path = "/analytics/top", tag = "billing",
    security(("session" = []), ("bearer" = [])),
    params(TopParams),
    responses(
        (status = 200, body = Vec<TopEntry>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn top(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<TopParams>,
) -> Result<Json<Vec<TopEntry>>, ApiError> {
    let scope = ScopeParams {
        org: p.org.clone(),
        all: p.all,
    }
    .resolve(&auth)?;
    let limit = Limit::or_default(p.limit);
    // A top list has no points, so any range is fine.
    let (from_min, to_min) = range(app.clock.now_ms(), p.from, p.to, Granularity::Minute, i64::MAX)?;
    let q = UsageQuery {
        scope,
        from_minute: from_min,
        to_minute: to_min,
        ..UsageQuery::default()
    };
    let rows = app
        .store
        .top_usage(&q, matches!(p.dimension, Dimension::Application), i64::from(limit))
        .await?;
    // Checked after the read: an hour compacted while it ran shows up here.
    for (name, edge) in [("from", from_min), ("to", to_min)] {
        if let Some(span) = app.store.usage_row_cut_at(edge).await? {
            let at = |m: i64| to_datetime(m * 60_000).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let start = edge.div_euclid(span) * span;
            return Err(ApiError::bad_request(format!(
                "`{name}` ({}) falls inside {} whose usage is kept as one total (older usage is compacted); \
                 use {} or {}",
                at(edge),
                if span == 60 { "an hour" } else { "a UTC day" },
                at(start),
                at(start + span),
            )));
        }
    }
    Ok(Json(
        rows.into_iter()
            .map(|r| TopEntry {
                id: r.id,
                name: r.name,
                version: r.version,
                requests: r.requests,
                client_errors: r.client_errors,
                server_errors: r.server_errors,
                limited: r.limited,
                bytes_out: r.bytes_out,
            })
            .collect(),
    ))
}
