//! GCRA and calendar math, shared by the local limiter (nanoseconds) and the Redis client
//! (microseconds, mirrored by the Lua script).

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDate};

use super::policy::{QuotaPeriod, RateSpec};

pub(super) const NANOS_PER_SEC: u64 = 1_000_000_000;
pub(super) const SECS_PER_DAY: u64 = 86_400;

/// GCRA parameters in some time unit (ns locally, µs for Redis).
#[derive(Debug, Clone, Copy)]
pub(super) struct GcraParams {
    /// Emission interval T = per / requests (at least one unit).
    pub(super) interval: u64,
    /// How far the theoretical arrival time may run ahead of now: burst * T.
    pub(super) tolerance: u64,
}

impl GcraParams {
    /// `per_units` is `per` expressed in the unit; `cap` bounds both values so
    /// later additions cannot overflow (and stay exact in Lua's doubles).
    /// Call only with `requests > 0` (see [`stateless_decision`]).
    pub(super) fn new(spec: &RateSpec, per_units: u128, cap: u64) -> Self {
        let requests = u128::from(spec.requests.max(1));
        let interval = u64::try_from(per_units / requests).unwrap_or(u64::MAX).clamp(1, cap);
        let tolerance = interval.saturating_mul(u64::from(spec.burst.max(1))).min(cap);
        Self { interval, tolerance }
    }
}

/// Result of evaluating GCRA at `now` for a key whose stored theoretical
/// arrival time is `tat` (0 or anything <= now means idle).
#[derive(Debug, Clone, Copy)]
pub(super) struct GcraOutcome {
    pub(super) allowed: bool,
    /// TAT to store if the request is admitted.
    pub(super) new_tat: u64,
    /// Burst left after admission (allowed) or right now (denied).
    pub(super) remaining: u64,
    /// Time until fully replenished, after admission (allowed) or now (denied).
    pub(super) reset: u64,
    /// Time until admissible (denied only).
    pub(super) retry: u64,
    /// Burst left right now, without consuming (used when the quota denies).
    pub(super) remaining_now: u64,
    /// Time until fully replenished right now.
    pub(super) reset_now: u64,
}

pub(super) fn gcra(tat: u64, now: u64, p: GcraParams) -> GcraOutcome {
    let base = tat.max(now);
    let new_tat = base.saturating_add(p.interval);
    let diff = new_tat - now; // base >= now, so no underflow
    let reset_now = base - now;
    let remaining_now = p.tolerance.saturating_sub(reset_now) / p.interval;
    if diff <= p.tolerance {
        GcraOutcome {
            allowed: true,
            new_tat,
            remaining: (p.tolerance - diff) / p.interval,
            reset: diff,
            retry: 0,
            remaining_now,
            reset_now,
        }
    } else {
        GcraOutcome {
            allowed: false,
            new_tat,
            remaining: 0,
            reset: reset_now,
            retry: diff - p.tolerance,
            remaining_now: 0,
            reset_now,
        }
    }
}

/// Start and end (exclusive) of the calendar period containing `now_secs`
/// (seconds since the Unix epoch), in seconds. Never panics: beyond chrono's
/// date range (year ~262,000) it degrades to day periods.
pub(super) fn period_bounds(period: QuotaPeriod, now_secs: u64) -> (u64, u64) {
    let day_start = now_secs - now_secs % SECS_PER_DAY;
    let day = (day_start, day_start.saturating_add(SECS_PER_DAY));
    match period {
        QuotaPeriod::Day => day,
        QuotaPeriod::Month => month_bounds(now_secs).unwrap_or(day),
    }
}

pub(super) fn month_bounds(now_secs: u64) -> Option<(u64, u64)> {
    let date = DateTime::from_timestamp(i64::try_from(now_secs).ok()?, 0)?.date_naive();
    let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
    let next = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year().checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)?
    };
    let secs = |d: NaiveDate| u64::try_from(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp()).ok();
    Some((secs(first)?, secs(next)?))
}

pub(super) fn unix_nanos(t: SystemTime) -> u64 {
    // Times before 1970 are clamped to the epoch; after year 2554, to u64::MAX.
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}
