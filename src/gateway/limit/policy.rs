//! What a limit is and what the limiter answers: the policy (a smooth rate and a calendar
//! quota, with the quota's floor), the decision, and the response headers it turns into
//! (draft-ietf-httpapi-ratelimit-headers, structured-field form).

use std::time::Duration;

use super::gcra::SECS_PER_DAY;
pub use crate::domain::plan::{Quota, QuotaPeriod};

/// A smooth rate: `requests` per `per`, allowing up to `burst` back-to-back
/// requests from idle (e.g. 10 per second, burst 10).
///
/// Degenerate values never panic: `burst == 0` is treated as 1, and
/// `requests == 0` denies every request ([`Denied::RateLimited`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateSpec {
    pub requests: u32,
    pub per: Duration,
    pub burst: u32,
}

impl RateSpec {
    pub const fn new(requests: u32, per: Duration, burst: u32) -> Self {
        Self { requests, per, burst }
    }
}

/// Calls already counted against a quota elsewhere: `used` calls in the period
/// that starts on day `start_day` (days since the Unix epoch, UTC). A counter
/// below it is raised to it; a floor for another period is ignored. This is how
/// a count survives what the counter does not: a gateway restart (the floor is
/// the metered usage the control plane hands over), or a Redis that lost its
/// keys (the floor is the last count Redis itself answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuotaFloor {
    pub start_day: u32,
    pub used: u64,
}

impl QuotaFloor {
    /// `used` calls in the period starting at `period_start_ms` (epoch ms, a UTC midnight).
    pub fn new(period_start_ms: i64, used: u64) -> Self {
        let day = period_start_ms.div_euclid(1000 * SECS_PER_DAY as i64);
        Self {
            start_day: u32::try_from(day).unwrap_or(0),
            used,
        }
    }
}

/// What applies to one subscription. A policy without rate and quota admits
/// everything and touches no state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Policy {
    pub rate: Option<RateSpec>,
    pub quota: Option<Quota>,
    /// Calls of the current quota period counted before this limiter's own
    /// count (see [`QuotaFloor`]).
    pub quota_floor: Option<QuotaFloor>,
}

/// Why a request was denied. When both limits are exhausted the quota wins,
/// because it is the one the client must wait longer for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Denied {
    RateLimited,
    QuotaExceeded,
}

/// Outcome of one check.
///
/// The `rate_*` fields are `Some` iff the policy has a rate, the `quota_*`
/// fields iff it has a quota. In `Denied`, they describe the state *without*
/// this request (nothing was consumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed {
        /// Further requests that could be sent immediately (burst left).
        rate_remaining: Option<u32>,
        /// Time until the burst is fully replenished.
        rate_reset: Option<Duration>,
        /// Requests left in the current quota period.
        quota_remaining: Option<u64>,
        /// Time until the quota period ends (next UTC midnight / 1st of month).
        quota_reset: Option<Duration>,
        /// Length of the current quota period (a month has 28 to 31 days).
        quota_window: Option<Duration>,
    },
    Denied {
        reason: Denied,
        /// Earliest time after which the same request could be admitted.
        retry_after: Duration,
        rate_remaining: Option<u32>,
        rate_reset: Option<Duration>,
        quota_remaining: Option<u64>,
        quota_reset: Option<Duration>,
        quota_window: Option<Duration>,
    },
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }

    /// `Some(retry_after)` for a denial.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Decision::Allowed { .. } => None,
            Decision::Denied { retry_after, .. } => Some(*retry_after),
        }
    }

    fn rate_info(&self) -> (Option<u32>, Option<Duration>) {
        match *self {
            Decision::Allowed {
                rate_remaining,
                rate_reset,
                ..
            }
            | Decision::Denied {
                rate_remaining,
                rate_reset,
                ..
            } => (rate_remaining, rate_reset),
        }
    }

    fn quota_info(&self) -> (Option<u64>, Option<Duration>, Option<Duration>) {
        match *self {
            Decision::Allowed {
                quota_remaining,
                quota_reset,
                quota_window,
                ..
            }
            | Decision::Denied {
                quota_remaining,
                quota_reset,
                quota_window,
                ..
            } => (quota_remaining, quota_reset, quota_window),
        }
    }

    pub(super) const UNLIMITED: Decision = Decision::Allowed {
        rate_remaining: None,
        rate_reset: None,
        quota_remaining: None,
        quota_reset: None,
        quota_window: None,
    };
}

/// Decisions that need no state: no limit at all, or a rate of zero requests.
/// Both backends use this so they agree on these edge cases.
pub(super) fn stateless_decision(policy: &Policy) -> Option<Decision> {
    match (&policy.rate, &policy.quota) {
        (None, None) => Some(Decision::UNLIMITED),
        (Some(rate), _) if rate.requests == 0 => {
            // Never admitted; tell the client to come back after one window.
            let wait = rate.per.max(Duration::from_secs(1));
            Some(Decision::Denied {
                reason: Denied::RateLimited,
                retry_after: wait,
                rate_remaining: Some(0),
                rate_reset: Some(wait),
                quota_remaining: None,
                quota_reset: None,
                quota_window: None,
            })
        }
        _ => None,
    }
}

/// Response headers for a decision:
///
/// * `ratelimit-policy: "rate";q=10;w=1, "quota";q=50;w=86400`
/// * `ratelimit: "rate";r=3;t=1, "quota";r=47;t=3600`
/// * `retry-after: 1` on denial (whole seconds, rounded up, at least 1).
///
/// Names are lowercase so they can go straight into `http::HeaderName::from_static`
/// (HTTP field names are case-insensitive; HTTP/2 and /3 require lowercase).
/// `t` of the rate item is the time until the burst is fully replenished;
/// `t` of the quota item is the time until the calendar period ends.
pub fn rate_limit_headers(policy: &Policy, decision: &Decision) -> Vec<(&'static str, String)> {
    use std::fmt::Write as _;

    let mut headers = Vec::with_capacity(3);
    let mut policy_field = String::new();
    let mut state_field = String::new();
    // Writing into a String cannot fail, so the fmt::Results are ignored.
    if let Some(rate) = &policy.rate {
        let (quota, window) = rate_policy_q_w(rate);
        let (remaining, reset) = decision.rate_info();
        let _ = write!(policy_field, "\"rate\";q={quota};w={window}");
        let _ = write!(
            state_field,
            "\"rate\";r={};t={}",
            remaining.unwrap_or(0),
            reset.map_or(0, ceil_secs)
        );
    }
    if let Some(quota) = &policy.quota {
        let (remaining, reset, window) = decision.quota_info();
        let window = window.map_or_else(|| nominal_period(quota.period), ceil_secs);
        let sep = if policy_field.is_empty() { "" } else { ", " };
        let _ = write!(policy_field, "{sep}\"quota\";q={};w={window}", quota.requests);
        let _ = write!(
            state_field,
            "{sep}\"quota\";r={};t={}",
            remaining.unwrap_or(0),
            reset.map_or(0, ceil_secs)
        );
    }
    if !policy_field.is_empty() {
        headers.push(("ratelimit-policy", policy_field));
        headers.push(("ratelimit", state_field));
    }
    if let Some(retry_after) = decision.retry_after() {
        headers.push(("retry-after", ceil_secs(retry_after).max(1).to_string()));
    }
    headers
}

/// `q` and `w` for the rate item. The draft wants a whole-second window, so a
/// sub-second or fractional `per` is scaled to the smallest whole-second
/// window (10 per 100 ms -> q=100;w=1).
fn rate_policy_q_w(rate: &RateSpec) -> (u64, u64) {
    let window = ceil_secs(rate.per).max(1);
    let per_nanos = rate.per.as_nanos().max(1);
    let quota = u128::from(rate.requests) * u128::from(window) * 1_000_000_000 / per_nanos;
    (u64::try_from(quota).unwrap_or(u64::MAX), window)
}

fn nominal_period(period: QuotaPeriod) -> u64 {
    match period {
        QuotaPeriod::Day => SECS_PER_DAY,
        QuotaPeriod::Month => 30 * SECS_PER_DAY,
    }
}

/// Whole seconds, rounded up.
fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}
