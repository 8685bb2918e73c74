//! Per-subscription rate limits and quotas for the gateway hot path.
//!
//! * **Rate limits** use GCRA (the "virtual scheduling" form of a leaky bucket):
//!   one timestamp per key, smooth pacing, and a configurable burst.
//! * **Quotas** count requests per calendar period (UTC day or UTC month).
//!
//! A request is admitted only when *both* limits admit it; an admitted request
//! consumes one unit of each, a denied request consumes nothing.
//!
//! Two backends sit behind [`Limiter`]:
//!
//! * **Local** ([`Limiter::local`]): in-memory, synchronous, no global lock.
//!   The state lives in [`SHARDS`] independently locked hash tables; a call
//!   hashes the key once, locks one shard for a few dozen nanoseconds and never
//!   awaits. See [`LocalLimiter`] for why this beats a concurrent-map crate here.
//! * **Redis** ([`Limiter::with_redis`]): all state in Redis, so that several
//!   gateway processes enforce one shared limit exactly. One Lua script does
//!   GCRA + quota check-and-consume atomically in one round trip (EVALSHA). If
//!   Redis fails, the call falls back to the local limiter, one warning is
//!   logged per outage, and Redis is probed at most once per
//!   [`RedisOptions::probe_interval`] until it answers again.
//!
//! Quota counts outlive the counter ([`QuotaFloor`]): a policy may carry the
//! calls already metered in the current period (a gateway that starts takes
//! them from its first snapshot), and with Redis the local state keeps the
//! last count Redis answered for each key. A count is raised to its floor, so
//! neither a restart nor a Redis that comes back empty grants a new allowance,
//! and a fallback to local limits counts on from the shared count.
//!
//! Limitation of the fallback: while degraded each node enforces the limits on
//! its own, so N nodes admit up to N times the rate, and each node's quota
//! counts on from the last shared count it saw (not the other nodes' calls
//! since); when Redis answers again it takes the highest count a node hands it.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDate};
use hashbrown::HashTable;
use hashbrown::hash_table::Entry as TableEntry;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

pub use crate::domain::plan::{Quota, QuotaPeriod};

// ---------------------------------------------------------------------------
// Public policy and decision types
// ---------------------------------------------------------------------------

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

    const UNLIMITED: Decision = Decision::Allowed {
        rate_remaining: None,
        rate_reset: None,
        quota_remaining: None,
        quota_reset: None,
        quota_window: None,
    };
}

/// Decisions that need no state: no limit at all, or a rate of zero requests.
/// Both backends use this so they agree on these edge cases.
fn stateless_decision(policy: &Policy) -> Option<Decision> {
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

// ---------------------------------------------------------------------------
// Headers (draft-ietf-httpapi-ratelimit-headers, structured-field form)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// GCRA and calendar math (shared by the local limiter and the Redis client)
// ---------------------------------------------------------------------------

const NANOS_PER_SEC: u64 = 1_000_000_000;
const SECS_PER_DAY: u64 = 86_400;

/// GCRA parameters in some time unit (ns locally, µs for Redis).
#[derive(Debug, Clone, Copy)]
struct GcraParams {
    /// Emission interval T = per / requests (at least one unit).
    interval: u64,
    /// How far the theoretical arrival time may run ahead of now: burst * T.
    tolerance: u64,
}

impl GcraParams {
    /// `per_units` is `per` expressed in the unit; `cap` bounds both values so
    /// later additions cannot overflow (and stay exact in Lua's doubles).
    /// Call only with `requests > 0` (see [`stateless_decision`]).
    fn new(spec: &RateSpec, per_units: u128, cap: u64) -> Self {
        let requests = u128::from(spec.requests.max(1));
        let interval = u64::try_from(per_units / requests).unwrap_or(u64::MAX).clamp(1, cap);
        let tolerance = interval.saturating_mul(u64::from(spec.burst.max(1))).min(cap);
        Self { interval, tolerance }
    }
}

/// Result of evaluating GCRA at `now` for a key whose stored theoretical
/// arrival time is `tat` (0 or anything <= now means idle).
#[derive(Debug, Clone, Copy)]
struct GcraOutcome {
    allowed: bool,
    /// TAT to store if the request is admitted.
    new_tat: u64,
    /// Burst left after admission (allowed) or right now (denied).
    remaining: u64,
    /// Time until fully replenished, after admission (allowed) or now (denied).
    reset: u64,
    /// Time until admissible (denied only).
    retry: u64,
    /// Burst left right now, without consuming (used when the quota denies).
    remaining_now: u64,
    /// Time until fully replenished right now.
    reset_now: u64,
}

fn gcra(tat: u64, now: u64, p: GcraParams) -> GcraOutcome {
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
fn period_bounds(period: QuotaPeriod, now_secs: u64) -> (u64, u64) {
    let day_start = now_secs - now_secs % SECS_PER_DAY;
    let day = (day_start, day_start.saturating_add(SECS_PER_DAY));
    match period {
        QuotaPeriod::Day => day,
        QuotaPeriod::Month => month_bounds(now_secs).unwrap_or(day),
    }
}

fn month_bounds(now_secs: u64) -> Option<(u64, u64)> {
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

fn unix_nanos(t: SystemTime) -> u64 {
    // Times before 1970 are clamped to the epoch; after year 2554, to u64::MAX.
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

// ---------------------------------------------------------------------------
// Local backend
// ---------------------------------------------------------------------------

/// Number of independently locked shards (a power of two). 64 keeps the
/// chance that two of a handful of cores hit the same shard at the same time
/// small, while costing only 64 cache-line-sized mutexes.
pub const SHARDS: usize = 64;

/// A shard is not swept before it holds this many keys.
const MIN_SWEEP_LEN: usize = 256;

/// Keys up to this many bytes are stored inside the entry (a ULID, or
/// `sub_` + ULID, fits); longer ones in a separate allocation.
const INLINE_KEY: usize = 30;

/// In-memory limiter state: `SHARDS` × `Mutex<HashTable<KeyState>>`.
///
/// Why not `dashmap`/`papaya`: every check *writes* (it consumes), so
/// dashmap's per-shard `RwLock` buys nothing over a mutex, and its `entry()`
/// API wants an owned key, i.e. an allocation per call or a second lookup.
/// papaya is lock-free but updates values by copy-on-write, i.e. an allocation
/// per call for a compound state. Here a check hashes the `&str` once (that
/// hash picks the shard *and* the bucket), locks one uncontended futex, and
/// allocates only when a key is first seen. The critical section is a handful
/// of integer operations, so a plain mutex is the cheapest correct tool.
///
/// An entry is 64 bytes with short keys stored inline, so with many keys a
/// check costs two cache misses (control bytes + entry) instead of three.
///
/// Idle keys are swept lazily: when a shard has doubled in size since its last
/// sweep, keys with a replenished burst and no count in a live quota period are
/// dropped (amortised O(1) per call, memory bounded by about twice the active set).
pub struct LocalLimiter {
    hasher: foldhash::fast::RandomState,
    shards: Box<[Shard]>,
}

/// One shard, padded to its own cache lines so neighbours do not false-share.
#[repr(align(128))]
struct Shard(Mutex<ShardMap>);

struct ShardMap {
    table: HashTable<KeyState>,
    /// Sweep when `table.len()` reaches this.
    sweep_at: usize,
}

struct KeyState {
    key: StoredKey,
    /// GCRA theoretical arrival time, ns since the Unix epoch.
    tat: u64,
    quota: QuotaState,
}

enum StoredKey {
    Inline { len: u8, bytes: [u8; INLINE_KEY] },
    Heap(Box<str>),
}

impl StoredKey {
    fn new(key: &str) -> Self {
        match u8::try_from(key.len()) {
            Ok(len) if key.len() <= INLINE_KEY => {
                let mut bytes = [0; INLINE_KEY];
                bytes[..key.len()].copy_from_slice(key.as_bytes());
                StoredKey::Inline { len, bytes }
            }
            _ => StoredKey::Heap(key.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            StoredKey::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            StoredKey::Heap(key) => key.as_bytes(),
        }
    }
}

#[derive(Default)]
struct QuotaState {
    used: u64,
    /// Period `used` counts for, in days since the epoch (quota periods
    /// always start and end at midnight UTC), end exclusive.
    start_day: u32,
    end_day: u32,
    /// `None` before the first quota check.
    period: Option<QuotaPeriod>,
}

const NANOS_PER_DAY: u64 = SECS_PER_DAY * NANOS_PER_SEC;

impl QuotaState {
    /// Start counting the period of `period` containing `now` if this is not it (calendar
    /// math only then; otherwise two comparisons), and raise the count to `floor`.
    fn roll(&mut self, period: QuotaPeriod, now: u64, floor: Option<QuotaFloor>) {
        if self.period != Some(period) || now < self.start() || now >= self.end() {
            let (start, end) = period_bounds(period, now / NANOS_PER_SEC);
            let day = |secs: u64| u32::try_from(secs / SECS_PER_DAY).unwrap_or(u32::MAX);
            self.period = Some(period);
            self.start_day = day(start);
            self.end_day = day(end);
            self.used = 0;
        }
        if let Some(floor) = floor
            && floor.start_day == self.start_day
        {
            self.used = self.used.max(floor.used);
        }
    }

    fn start(&self) -> u64 {
        u64::from(self.start_day).saturating_mul(NANOS_PER_DAY)
    }

    fn end(&self) -> u64 {
        u64::from(self.end_day).saturating_mul(NANOS_PER_DAY)
    }
}

impl KeyState {
    fn is_idle(&self, now: u64) -> bool {
        self.tat <= now && (self.quota.used == 0 || self.quota.end() <= now)
    }
}

impl Default for LocalLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalLimiter {
    pub fn new() -> Self {
        let shards = (0..SHARDS)
            .map(|_| {
                Shard(Mutex::new(ShardMap {
                    table: HashTable::new(),
                    sweep_at: MIN_SWEEP_LEN,
                }))
            })
            .collect();
        Self {
            hasher: foldhash::fast::RandomState::default(),
            shards,
        }
    }

    /// Checks and (if admitted) consumes one unit for `key` at `now`.
    pub fn check(&self, key: &str, policy: &Policy, now: SystemTime) -> Decision {
        if let Some(decision) = stateless_decision(policy) {
            return decision;
        }
        let now = unix_nanos(now);
        self.with_state(key, now, |state| decide_local(state, policy, now))
    }

    /// The count `key` holds for `period` at `now`, first raised to `floor`: what a Redis
    /// check passes as its floor.
    fn quota_floor(&self, key: &str, period: QuotaPeriod, floor: Option<QuotaFloor>, now: u64) -> QuotaFloor {
        self.with_state(key, now, |state| {
            let q = &mut state.quota;
            q.roll(period, now, floor);
            QuotaFloor {
                start_day: q.start_day,
                used: q.used,
            }
        })
    }

    fn with_state<R>(&self, key: &str, now: u64, f: impl FnOnce(&mut KeyState) -> R) -> R {
        let hash = self.hasher.hash_one(key.as_bytes());
        // hashbrown uses the low bits (bucket) and the top 7 bits (tag) of the
        // hash; bits 32.. are otherwise unused, so they pick the shard.
        let shard = &self.shards[(hash >> 32) as usize & (SHARDS - 1)];
        // A panic cannot happen while the lock is held (no user code, no
        // unchecked arithmetic), but if it ever did the state is still
        // consistent, so poisoning is ignored.
        let mut map = shard.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.maybe_sweep(now);
        // On growth the table rehashes stored keys (rare, amortised) rather
        // than storing each hash: that keeps an entry in one cache line.
        let hasher = &self.hasher;
        let state = match map.table.entry(
            hash,
            |s| s.key.as_bytes() == key.as_bytes(),
            |s| hasher.hash_one(s.key.as_bytes()),
        ) {
            TableEntry::Occupied(e) => e.into_mut(),
            TableEntry::Vacant(e) => e
                .insert(KeyState {
                    key: StoredKey::new(key),
                    tat: 0,
                    quota: QuotaState::default(),
                })
                .into_mut(),
        };
        f(state)
    }

    /// Number of keys currently tracked (idle keys linger until swept).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.0.lock().unwrap_or_else(PoisonError::into_inner).table.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every idle key now (e.g. from a periodic maintenance task).
    pub fn purge_idle(&self, now: SystemTime) {
        let now = unix_nanos(now);
        for shard in self.shards.iter() {
            shard.0.lock().unwrap_or_else(PoisonError::into_inner).sweep(now);
        }
    }
}

impl ShardMap {
    fn maybe_sweep(&mut self, now: u64) {
        if self.table.len() >= self.sweep_at {
            self.sweep(now);
        }
    }

    fn sweep(&mut self, now: u64) {
        self.table.retain(|s| !s.is_idle(now));
        self.sweep_at = self.table.len().saturating_mul(2).max(MIN_SWEEP_LEN);
    }
}

fn decide_local(state: &mut KeyState, policy: &Policy, now: u64) -> Decision {
    let rate = policy.rate.as_ref().map(|spec| {
        let params = GcraParams::new(spec, spec.per.as_nanos(), u64::MAX / 4);
        gcra(state.tat, now, params)
    });

    let quota = policy.quota.as_ref().map(|spec| {
        let q = &mut state.quota;
        q.roll(spec.period, now, policy.quota_floor);
        let (start, end) = (q.start(), q.end());
        (
            spec.requests,
            q.used,
            end.saturating_sub(now),
            end.saturating_sub(start),
        )
    });

    let quota_ok = quota.is_none_or(|(limit, used, ..)| used < limit);
    let rate_ok = rate.is_none_or(|r| r.allowed);

    if quota_ok && rate_ok {
        if let Some(r) = &rate {
            state.tat = r.new_tat;
        }
        if quota.is_some() {
            state.quota.used += 1; // < limit <= u64::MAX, cannot overflow
        }
        return Decision::Allowed {
            rate_remaining: rate.map(|r| clamp_u32(r.remaining)),
            rate_reset: rate.map(|r| Duration::from_nanos(r.reset)),
            quota_remaining: quota.map(|(limit, used, ..)| limit - used - 1),
            quota_reset: quota.map(|(_, _, reset, _)| Duration::from_nanos(reset)),
            quota_window: quota.map(|(.., window)| Duration::from_nanos(window)),
        };
    }

    let rate_retry = rate.map_or(0, |r| r.retry);
    let (reason, retry) = match quota {
        Some((_, _, reset, _)) if !quota_ok => (Denied::QuotaExceeded, reset.max(rate_retry)),
        _ => (Denied::RateLimited, rate_retry),
    };
    Decision::Denied {
        reason,
        retry_after: Duration::from_nanos(retry),
        rate_remaining: rate.map(|r| clamp_u32(r.remaining_now)),
        rate_reset: rate.map(|r| Duration::from_nanos(r.reset_now)),
        quota_remaining: quota.map(|(limit, used, ..)| limit.saturating_sub(used)),
        quota_reset: quota.map(|(_, _, reset, _)| Duration::from_nanos(reset)),
        quota_window: quota.map(|(.., window)| Duration::from_nanos(window)),
    }
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// Redis backend
// ---------------------------------------------------------------------------

/// Settings of the Redis backend.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Budget for one Redis call (connect included); past it the call falls
    /// back to the local limiter. Default 50 ms.
    pub timeout: Duration,
    /// While degraded, at most one request per interval tries Redis; all
    /// others go straight to the local limiter. Default 1 s.
    pub probe_interval: Duration,
    /// Prefix of every Redis key. Default `"tollgate:rl:"`.
    pub key_prefix: String,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_millis(50),
            probe_interval: Duration::from_secs(1),
            key_prefix: "tollgate:rl:".to_owned(),
        }
    }
}

/// Largest value (µs) handed to the script: keeps every sum below 2^53 so
/// Lua's doubles stay exact (2^50 µs is about 35 years).
const LUA_CAP: u64 = 1 << 50;

/// Quota keys outlive their period by this much (seconds); correctness does
/// not depend on it, since the stored period tag is checked.
const QUOTA_EXPIRY_MARGIN_SECS: u64 = 60;

/// Calendar helpers in Lua (Howard Hinnant's civil-from-days algorithms).
/// Kept separate so a test can check them against chrono for every day.
pub(crate) const LUA_CALENDAR: &str = r#"
local function floor_div(a, b) return math.floor(a / b) end
-- days since 1970-01-01 -> year, month
local function civil_from_days(z)
  z = z + 719468
  local era = floor_div(z, 146097)
  local doe = z - era * 146097
  local yoe = floor_div(doe - floor_div(doe, 1460) + floor_div(doe, 36524) - floor_div(doe, 146096), 365)
  local doy = doe - (365 * yoe + floor_div(yoe, 4) - floor_div(yoe, 100))
  local mp = floor_div(5 * doy + 2, 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m
end
-- year, month, day -> days since 1970-01-01
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = floor_div(y, 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = floor_div(153 * mp + 2, 5) + d - 1
  local doe = yoe * 365 + floor_div(yoe, 4) - floor_div(yoe, 100) + doy
  return era * 146097 + doe - 719468
end
-- day index -> first day of its month, first day of the next month
local function month_bounds(day)
  local y, m = civil_from_days(day)
  local first = days_from_civil(y, m, 1)
  if m == 12 then y, m = y + 1, 1 else m = m + 1 end
  return first, days_from_civil(y, m, 1)
end
"#;

/// GCRA + quota check-and-consume, atomically, in one round trip.
///
/// KEYS[1] GCRA key (string: TAT in µs since epoch, expires when the burst is
///         fully replenished, i.e. when the key would mean "idle" anyway)
/// KEYS[2] quota key (hash: p = period tag, n = count; expires at the end of
///         the period + margin)
/// ARGV[1] emission interval µs (0 = no rate)   ARGV[2] burst tolerance µs
/// ARGV[3] quota limit (-1 = no quota)          ARGV[4] period: 1 day, 2 month
/// ARGV[5] quota key expiry margin, seconds
/// ARGV[6] floor: first day of its period (-1 = none)  ARGV[7] floor: calls used
///
/// Returns {allowed, reason (1 rate, 2 quota), retry_after_us, rate_remaining,
/// rate_reset_us, quota_remaining, quota_reset_us, quota_window_us, quota
/// period's first day, calls counted in it after this one}; -1 = n/a.
const LUA_CHECK: &str = r#"
-- The clock is Redis' own TIME, not the caller's: gateway nodes with skewed
-- clocks then agree on pacing and on when a quota period ends. (Allowed in
-- Redis >= 5 / the only mode in 7: scripts replicate their effects.)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local kind = tonumber(ARGV[4])
local US_PER_DAY = 86400000000

local rate_ok, new_tat = true, 0
local rate_rem, rate_reset, rate_retry, rate_rem_now, rate_reset_now = -1, -1, 0, -1, -1
if interval > 0 then
  local base = now
  local stored = tonumber(redis.call('GET', KEYS[1]) or '')
  if stored and stored > now then base = stored end
  new_tat = base + interval
  local diff = new_tat - now
  rate_reset_now = base - now
  rate_rem_now = math.max(0, math.floor((tolerance - rate_reset_now) / interval))
  if diff <= tolerance then
    rate_rem = math.floor((tolerance - diff) / interval)
    rate_reset = diff
  else
    rate_ok = false
    rate_retry = diff - tolerance
    rate_rem_now = 0
  end
end

local quota_ok, used, first, next_first = true, 0, -1, 0
local quota_reset, quota_window = -1, -1
if limit >= 0 then
  local day = math.floor(now / US_PER_DAY)
  first = day
  next_first = day + 1
  if kind == 2 then first, next_first = month_bounds(day) end
  local tag = first * 4 + kind
  local stored = redis.call('HMGET', KEYS[2], 'p', 'n')
  local fresh = tonumber(stored[1]) ~= tag
  if not fresh then used = tonumber(stored[2]) or 0 end
  -- A Redis that lost the key (restarted empty, evicted) resumes from what the caller knows.
  local floor = tonumber(ARGV[7])
  if tonumber(ARGV[6]) == first and floor > used then
    used = floor
    fresh = true
  end
  if fresh then
    redis.call('HSET', KEYS[2], 'p', string.format('%d', tag), 'n', string.format('%d', used))
    redis.call('EXPIREAT', KEYS[2], next_first * 86400 + tonumber(ARGV[5]))
  end
  quota_reset = next_first * US_PER_DAY - now
  quota_window = (next_first - first) * US_PER_DAY
  quota_ok = used < limit
end

if rate_ok and quota_ok then
  if interval > 0 then
    -- string.format: tostring() would print 16-digit numbers in exponent form.
    redis.call('SET', KEYS[1], string.format('%d', new_tat),
      'PX', math.max(1, math.ceil((new_tat - now) / 1000)))
  end
  local quota_rem = -1
  if limit >= 0 then
    redis.call('HINCRBY', KEYS[2], 'n', 1)
    used = used + 1
    quota_rem = limit - used
  end
  return {1, 0, 0, rate_rem, rate_reset, quota_rem, quota_reset, quota_window, first, used}
end

local reason, retry = 1, rate_retry
if not quota_ok then
  reason = 2
  if quota_reset > retry then retry = quota_reset end
end
local quota_rem = -1
if limit >= 0 then quota_rem = math.max(0, limit - used) end
return {0, reason, retry, rate_rem_now, rate_reset_now, quota_rem, quota_reset, quota_window, first, used}
"#;

struct RedisBackend {
    client: redis::Client,
    manager_config: ConnectionManagerConfig,
    /// Replaced by a fresh (lazily connecting) manager when an outage starts
    /// and after each failed probe, so that the next probe does a clean
    /// connect instead of inheriting a stale error, a reconnect backoff, or a
    /// half-dead (black-holed) TCP connection.
    conn: RwLock<ConnectionManager>,
    script: redis::Script,
    key_prefix: Box<str>,
    timeout: Duration,
    probe_interval_ns: u64,
    /// `host:port` for log lines (never the credentials).
    endpoint: String,
    epoch: Instant,
    degraded: AtomicBool,
    /// Nanoseconds since `epoch` before which no probe is sent.
    next_probe: AtomicU64,
    fallbacks: AtomicU64,
}

/// Why a Redis call was not used.
enum RedisFailure {
    Timeout,
    Redis(redis::RedisError),
    BadReply(usize),
}

impl fmt::Display for RedisFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedisFailure::Timeout => f.write_str("timed out"),
            RedisFailure::Redis(e) => write!(f, "{e}"),
            RedisFailure::BadReply(n) => write!(f, "unexpected script reply ({n} values)"),
        }
    }
}

impl RedisBackend {
    fn elapsed_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// `Some(is_probe)` if this call should go to Redis.
    fn route(&self) -> Option<bool> {
        if !self.degraded.load(Ordering::Acquire) {
            return Some(false);
        }
        let now = self.elapsed_ns();
        let next = self.next_probe.load(Ordering::Acquire);
        // Exactly one caller wins the CAS per interval and becomes the probe.
        (now >= next
            && self
                .next_probe
                .compare_exchange(
                    next,
                    now.saturating_add(self.probe_interval_ns),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok())
        .then_some(true)
    }

    fn on_success(&self, probe: bool) {
        // Only a probe ends an outage: a late reply to a request sent before
        // the outage must not flip the state back and forth (which would log
        // the outage warning again).
        if probe && self.degraded.swap(false, Ordering::AcqRel) {
            tracing::info!(endpoint = %self.endpoint, "rate limiter: Redis is back, limits are shared again");
        }
    }

    fn on_failure(&self, probe: bool, failure: &RedisFailure) {
        // Publish the next probe time before the flag, so nobody who sees the
        // flag probes immediately.
        self.next_probe.store(
            self.elapsed_ns().saturating_add(self.probe_interval_ns),
            Ordering::Release,
        );
        if !self.degraded.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                endpoint = %self.endpoint,
                error = %failure,
                "rate limiter: Redis unavailable, enforcing limits locally on this node until it answers again"
            );
            self.reset_connection();
        } else if probe {
            tracing::debug!(endpoint = %self.endpoint, error = %failure, "rate limiter: Redis probe failed");
            self.reset_connection();
        }
    }

    fn reset_connection(&self) {
        match ConnectionManager::new_lazy_with_config(self.client.clone(), self.manager_config.clone()) {
            Ok(fresh) => *self.conn.write().unwrap_or_else(PoisonError::into_inner) = fresh,
            Err(e) => tracing::debug!(error = %e, "rate limiter: cannot recreate Redis connection"),
        }
    }

    /// One check in Redis, the count raised to `floor` first. Returns the decision and what
    /// Redis counts for the quota period afterwards.
    async fn eval(
        &self,
        key: &str,
        policy: &Policy,
        floor: Option<QuotaFloor>,
    ) -> Result<(Decision, Option<QuotaFloor>), RedisFailure> {
        let mut conn = self.conn.read().unwrap_or_else(PoisonError::into_inner).clone();
        let (rate_key, quota_key) = redis_keys(&self.key_prefix, key);
        let (interval, tolerance) = policy.rate.as_ref().map_or((0, 0), |spec| {
            let p = GcraParams::new(spec, spec.per.as_micros(), LUA_CAP);
            (p.interval, p.tolerance)
        });
        let (limit, kind) = policy.quota.as_ref().map_or((-1, 0), |q| {
            let limit = i64::try_from(q.requests.min(LUA_CAP)).unwrap_or(i64::MAX);
            (limit, period_code(q.period))
        });
        let mut invocation = self.script.prepare_invoke();
        invocation
            .key(rate_key)
            .key(quota_key)
            .arg(interval)
            .arg(tolerance)
            .arg(limit)
            .arg(kind)
            .arg(QUOTA_EXPIRY_MARGIN_SECS)
            .arg(floor.map_or(-1, |f| i64::from(f.start_day)))
            .arg(floor.map_or(0, |f| f.used.min(LUA_CAP)));
        let reply: Vec<i64> = match tokio::time::timeout(self.timeout, invocation.invoke_async(&mut conn)).await {
            Err(_) => return Err(RedisFailure::Timeout),
            Ok(Err(e)) => return Err(RedisFailure::Redis(e)),
            Ok(Ok(reply)) => reply,
        };
        parse_reply(&reply).ok_or(RedisFailure::BadReply(reply.len()))
    }
}

fn period_code(period: QuotaPeriod) -> u8 {
    match period {
        QuotaPeriod::Day => 1,
        QuotaPeriod::Month => 2,
    }
}

fn parse_reply(v: &[i64]) -> Option<(Decision, Option<QuotaFloor>)> {
    let &[
        allowed,
        reason,
        retry,
        rate_rem,
        rate_reset,
        quota_rem,
        quota_reset,
        quota_window,
        first_day,
        used,
    ] = v
    else {
        return None;
    };
    let counted = match (u32::try_from(first_day), u64::try_from(used)) {
        (Ok(start_day), Ok(used)) => Some(QuotaFloor { start_day, used }),
        _ => None,
    };
    let micros = |x: i64| u64::try_from(x).ok().map(Duration::from_micros);
    let rate_remaining = u64::try_from(rate_rem).ok().map(clamp_u32);
    let rate_reset = micros(rate_reset);
    let quota_remaining = u64::try_from(quota_rem).ok();
    let quota_reset = micros(quota_reset);
    let quota_window = micros(quota_window);
    let decision = match allowed {
        1 => Decision::Allowed {
            rate_remaining,
            rate_reset,
            quota_remaining,
            quota_reset,
            quota_window,
        },
        _ => Decision::Denied {
            reason: if reason == 2 {
                Denied::QuotaExceeded
            } else {
                Denied::RateLimited
            },
            retry_after: micros(retry)?,
            rate_remaining,
            rate_reset,
            quota_remaining,
            quota_reset,
            quota_window,
        },
    };
    Some((decision, counted))
}

/// `(GCRA key, quota key)`, e.g. `tollgate:rl:{sub42}:g` / `tollgate:rl:{sub42}:q`.
///
/// The `{...}` hash tag puts both keys of a subscription in one Redis Cluster
/// slot (a script may only touch keys of one slot). `{`, `}` and `%` inside
/// the key are percent-escaped and the empty key becomes `%`, so the tag is
/// never empty or cut short and distinct keys never share Redis keys.
fn redis_keys(prefix: &str, key: &str) -> (String, String) {
    let tag: std::borrow::Cow<'_, str> = if key.is_empty() {
        "%".into()
    } else if key.contains(['{', '}', '%']) {
        key.replace('%', "%25").replace('{', "%7B").replace('}', "%7D").into()
    } else {
        key.into()
    };
    (format!("{prefix}{{{tag}}}:g"), format!("{prefix}{{{tag}}}:q"))
}

/// `host:port` part of a Redis URL, without user or password.
fn redacted_endpoint(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
}

// ---------------------------------------------------------------------------
// The limiter
// ---------------------------------------------------------------------------

/// Rate limits and quotas keyed by subscription. `Send + Sync`; share it as
/// `Arc<Limiter>`.
pub struct Limiter {
    local: LocalLimiter,
    redis: Option<RedisBackend>,
}

impl Default for Limiter {
    fn default() -> Self {
        Self::local()
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("redis", &self.redis.as_ref().map(|r| &r.endpoint))
            .field("redis_degraded", &self.redis_degraded())
            .finish_non_exhaustive()
    }
}

impl Limiter {
    /// In-memory limiter (one process enforces its own limits).
    pub fn local() -> Self {
        Self {
            local: LocalLimiter::new(),
            redis: None,
        }
    }

    /// Limiter whose state lives in Redis at `url` (e.g. `redis://127.0.0.1:6379/0`).
    ///
    /// Fails only on an invalid URL. An unreachable server does not stop the
    /// gateway: the limiter then starts degraded (local limits, one warning)
    /// and switches to Redis as soon as a probe succeeds. Must be called
    /// inside a Tokio runtime with timers enabled.
    pub async fn with_redis(url: &str, options: RedisOptions) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        // No reconnect retries inside the manager: while degraded our probes
        // pace the reconnect attempts, and a retry backoff would only delay
        // recovery.
        let manager_config = ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Some(options.timeout.max(Duration::from_millis(1))));
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), manager_config.clone())?;
        let backend = RedisBackend {
            client,
            manager_config,
            conn: RwLock::new(conn.clone()),
            script: redis::Script::new(&format!("{LUA_CALENDAR}\n{LUA_CHECK}")),
            key_prefix: options.key_prefix.into(),
            timeout: options.timeout,
            probe_interval_ns: u64::try_from(options.probe_interval.as_nanos()).unwrap_or(u64::MAX),
            endpoint: redacted_endpoint(url),
            epoch: Instant::now(),
            degraded: AtomicBool::new(false),
            next_probe: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
        };
        // Connect and load the script up front so the first request does not
        // pay for it (EVALSHA would otherwise hit NOSCRIPT and retry).
        let mut warm = conn;
        let warm_up = backend.script.load_async(&mut warm);
        match tokio::time::timeout(options.timeout, warm_up).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => backend.on_failure(false, &RedisFailure::Redis(e)),
            Err(_) => backend.on_failure(false, &RedisFailure::Timeout),
        }
        Ok(Self {
            local: LocalLimiter::new(),
            redis: Some(backend),
        })
    }

    /// Checks `policy` for `key` and consumes one unit if admitted.
    ///
    /// With Redis: one EVALSHA bounded by [`RedisOptions::timeout`]; on any
    /// failure (or while degraded, between probes) the local limiter decides.
    /// Without Redis: same as [`Limiter::check_local`] at the current time.
    pub async fn check(&self, key: &str, policy: &Policy) -> Decision {
        if let Some(decision) = stateless_decision(policy) {
            return decision;
        }
        let Some(redis) = &self.redis else {
            return self.local.check(key, policy, SystemTime::now());
        };
        // The local state keeps the last count Redis answered: it is the floor Redis resumes
        // from if it lost its keys, and where the local fallback counts on from.
        let floor = policy.quota.map(|q| {
            self.local
                .quota_floor(key, q.period, policy.quota_floor, unix_nanos(SystemTime::now()))
        });
        if let Some(probe) = redis.route() {
            match redis.eval(key, policy, floor).await {
                Ok((decision, counted)) => {
                    redis.on_success(probe);
                    if let (Some(q), Some(counted)) = (policy.quota, counted) {
                        self.local
                            .quota_floor(key, q.period, Some(counted), unix_nanos(SystemTime::now()));
                    }
                    return decision;
                }
                Err(failure) => redis.on_failure(probe, &failure),
            }
        }
        redis.fallbacks.fetch_add(1, Ordering::Relaxed);
        self.local.check(key, policy, SystemTime::now())
    }

    /// Synchronous in-memory check at `now` (wall clock; inject it in tests).
    /// This is the whole hot path when no Redis is configured. On a
    /// Redis-backed limiter it uses (and feeds) the fallback state.
    pub fn check_local(&self, key: &str, policy: &Policy, now: SystemTime) -> Decision {
        self.local.check(key, policy, now)
    }

    /// True while Redis is configured but not answering (decisions are local).
    pub fn redis_degraded(&self) -> bool {
        self.redis.as_ref().is_some_and(|r| r.degraded.load(Ordering::Acquire))
    }

    /// Decisions taken locally because Redis failed or was being avoided.
    pub fn redis_fallbacks(&self) -> u64 {
        self.redis.as_ref().map_or(0, |r| r.fallbacks.load(Ordering::Relaxed))
    }

    pub fn is_redis(&self) -> bool {
        self.redis.is_some()
    }

    /// The in-memory state (fast path, and fallback of the Redis backend).
    pub fn local_state(&self) -> &LocalLimiter {
        &self.local
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// 2024-03-15T10:00:00Z
    fn t0() -> SystemTime {
        at("2024-03-15T10:00:00Z")
    }

    fn at(rfc3339: &str) -> SystemTime {
        let secs = DateTime::parse_from_rfc3339(rfc3339)
            .expect("valid test timestamp")
            .timestamp();
        UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).expect("after 1970"))
    }

    fn rate(requests: u32, per: Duration, burst: u32) -> Policy {
        Policy {
            rate: Some(RateSpec::new(requests, per, burst)),
            quota: None,
            quota_floor: None,
        }
    }

    fn quota(limit: u64, period: QuotaPeriod) -> Policy {
        Policy {
            rate: None,
            quota: Some(Quota {
                requests: limit,
                period,
            }),
            quota_floor: None,
        }
    }

    fn both(rate_spec: RateSpec, quota_spec: Quota) -> Policy {
        Policy {
            rate: Some(rate_spec),
            quota: Some(quota_spec),
            quota_floor: None,
        }
    }

    fn admitted(l: &Limiter, key: &str, p: &Policy, now: SystemTime, n: usize) -> usize {
        (0..n).filter(|_| l.check_local(key, p, now).is_allowed()).count()
    }

    #[test]
    fn gcra_burst_then_pacing() {
        let l = Limiter::local();
        let p = rate(10, Duration::from_secs(1), 10);
        let now = t0();
        for i in 0..10u32 {
            match l.check_local("sub", &p, now) {
                Decision::Allowed {
                    rate_remaining,
                    rate_reset,
                    quota_remaining,
                    ..
                } => {
                    assert_eq!(rate_remaining, Some(9 - i));
                    assert_eq!(rate_reset, Some(100 * MS * (i + 1)));
                    assert_eq!(quota_remaining, None);
                }
                d => panic!("request {i} denied: {d:?}"),
            }
        }
        let d = l.check_local("sub", &p, now);
        assert_eq!(
            d,
            Decision::Denied {
                reason: Denied::RateLimited,
                retry_after: 100 * MS,
                rate_remaining: Some(0),
                rate_reset: Some(Duration::from_secs(1)),
                quota_remaining: None,
                quota_reset: None,
                quota_window: None,
            }
        );
        // 1 ns too early: still denied, and it tells exactly how long to wait.
        let early = now + 100 * MS - Duration::from_nanos(1);
        assert_eq!(
            l.check_local("sub", &p, early).retry_after(),
            Some(Duration::from_nanos(1))
        );
        // After 100 ms exactly one more (pacing), then denied again.
        let later = now + 100 * MS;
        assert_eq!(admitted(&l, "sub", &p, later, 5), 1);
        // Fully idle again after a second: full burst.
        let idle = later + Duration::from_secs(1);
        assert_eq!(admitted(&l, "sub", &p, idle, 20), 10);
        // Other keys are independent.
        assert_eq!(admitted(&l, "other", &p, now, 20), 10);
    }

    #[test]
    fn gcra_steady_rate_and_burst_different_from_rate() {
        let l = Limiter::local();
        // 2 per second, burst 5: 5 at once, then one every 500 ms.
        let p = rate(2, Duration::from_secs(1), 5);
        let now = t0();
        assert_eq!(admitted(&l, "k", &p, now, 10), 5);
        for step in 1..=20u32 {
            let t = now + 500 * MS * step;
            assert_eq!(admitted(&l, "k", &p, t, 3), 1, "step {step}");
        }
        // 1 per minute, burst 1.
        let p = rate(1, Duration::from_secs(60), 1);
        assert!(l.check_local("m", &p, now).is_allowed());
        assert_eq!(l.check_local("m", &p, now).retry_after(), Some(Duration::from_secs(60)));
        assert!(l.check_local("m", &p, now + Duration::from_secs(60)).is_allowed());
    }

    #[test]
    fn quota_day_counts_until_utc_midnight() {
        let l = Limiter::local();
        let p = quota(50, QuotaPeriod::Day);
        let now = t0();
        for i in 0..50u64 {
            let d = l.check_local("s", &p, now);
            assert!(matches!(d, Decision::Allowed { quota_remaining: Some(r), .. } if r == 49 - i));
        }
        let midnight = at("2024-03-16T00:00:00Z");
        let until_midnight = midnight.duration_since(now).expect("later");
        assert_eq!(
            l.check_local("s", &p, now),
            Decision::Denied {
                reason: Denied::QuotaExceeded,
                retry_after: until_midnight,
                rate_remaining: None,
                rate_reset: None,
                quota_remaining: Some(0),
                quota_reset: Some(until_midnight),
                quota_window: Some(Duration::from_secs(86_400)),
            }
        );
        let last_ns = midnight - Duration::from_nanos(1);
        assert_eq!(admitted(&l, "s", &p, last_ns, 1), 0);
        assert_eq!(admitted(&l, "s", &p, midnight, 100), 50);
    }

    #[test]
    fn a_floor_raises_the_count_of_its_own_period_only() {
        let l = Limiter::local();
        let today = QuotaFloor::new(1_710_460_800_000, 7); // 2024-03-15T00:00:00Z
        assert_eq!(today.start_day, 19_797);
        let with = |floor| Policy {
            quota_floor: Some(floor),
            ..quota(10, QuotaPeriod::Day)
        };
        assert_eq!(admitted(&l, "a", &with(today), t0(), 20), 3, "7 of 10 were used before");
        // A floor below the count changes nothing; one of another period is ignored.
        assert_eq!(
            admitted(&l, "b", &quota(10, QuotaPeriod::Day), t0(), 5),
            5,
            "b counts 5 on its own"
        );
        let low = QuotaFloor { used: 2, ..today };
        assert_eq!(admitted(&l, "b", &with(low), t0(), 20), 5);
        let yesterday = QuotaFloor {
            start_day: today.start_day - 1,
            used: 9,
        };
        assert_eq!(admitted(&l, "c", &with(yesterday), t0(), 20), 10);
        // The next day starts from zero, whatever the floor of today said.
        assert_eq!(admitted(&l, "a", &with(today), at("2024-03-16T00:00:00Z"), 20), 10);
        // A month's floor is its first day.
        let march = QuotaFloor::new(1_709_251_200_000, 95); // 2024-03-01T00:00:00Z
        let monthly = Policy {
            quota_floor: Some(march),
            ..quota(100, QuotaPeriod::Month)
        };
        assert_eq!(admitted(&l, "d", &monthly, t0(), 20), 5);
    }

    #[tokio::test]
    async fn redis_resumes_from_the_floor_and_from_its_last_answer() {
        let Ok(url) = std::env::var("TOLLGATE_TEST_REDIS_URL") else {
            eprintln!(
                "redis_resumes_from_the_floor_and_from_its_last_answer DID NOT RUN: set TOLLGATE_TEST_REDIS_URL to a Redis server (.ci/run does)"
            );
            return;
        };
        let options = RedisOptions {
            key_prefix: format!("tollgate:test:{}:", crate::domain::ids::new_id()),
            ..RedisOptions::default()
        };
        let prefix = options.key_prefix.clone();
        let l = Limiter::with_redis(&url, options).await.expect("url");
        let now_ms = i64::try_from(unix_nanos(SystemTime::now()) / 1_000_000).expect("ms");
        let today = QuotaFloor::new(crate::domain::plan::QuotaPeriod::Day.start_containing(now_ms), 4);
        let p = Policy {
            quota_floor: Some(today),
            ..quota(10, QuotaPeriod::Day)
        };
        let mut ok = 0;
        for _ in 0..3 {
            ok += usize::from(l.check("k", &p).await.is_allowed());
        }
        assert_eq!(ok, 3, "4 used before, 3 more");
        // Redis loses the key: the limiter hands it the count it last answered (7), not the
        // snapshot's floor (4).
        let client = redis::Client::open(url).expect("url");
        let mut conn = client
            .get_multiplexed_async_connection()
            .await
            .expect("Redis is running");
        let (_, quota_key) = redis_keys(&prefix, "k");
        let _: () = redis::cmd("DEL")
            .arg(&quota_key)
            .query_async(&mut conn)
            .await
            .expect("DEL");
        let mut ok = 0;
        for _ in 0..10 {
            ok += usize::from(l.check("k", &p).await.is_allowed());
        }
        assert_eq!(ok, 3, "7 counted before Redis lost them");
        let n: i64 = redis::cmd("HGET")
            .arg(&quota_key)
            .arg("n")
            .query_async(&mut conn)
            .await
            .expect("HGET");
        assert_eq!(n, 10);
        assert_eq!(l.redis_fallbacks(), 0, "Redis answered every check");
        let _: () = redis::cmd("DEL")
            .arg(&quota_key)
            .query_async(&mut conn)
            .await
            .expect("DEL");
    }

    #[test]
    fn quota_month_counts_until_first_of_next_month() {
        let l = Limiter::local();
        let p = quota(3, QuotaPeriod::Month);
        let cases = [
            ("2024-02-10T12:00:00Z", "2024-03-01T00:00:00Z", 29), // leap February
            ("2023-02-28T23:59:59Z", "2023-03-01T00:00:00Z", 28),
            ("2024-12-31T23:00:00Z", "2025-01-01T00:00:00Z", 31), // year rollover
            ("2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z", 30),
        ];
        for (i, (now, next, days)) in cases.into_iter().enumerate() {
            let key = format!("m{i}");
            let (now, next) = (at(now), at(next));
            assert_eq!(admitted(&l, &key, &p, now, 3), 3);
            match l.check_local(&key, &p, now) {
                Decision::Denied {
                    reason,
                    retry_after,
                    quota_window,
                    ..
                } => {
                    assert_eq!(reason, Denied::QuotaExceeded);
                    assert_eq!(Some(retry_after), next.duration_since(now).ok());
                    assert_eq!(quota_window, Some(Duration::from_secs(86_400 * days)));
                }
                d => panic!("expected denial, got {d:?}"),
            }
            assert_eq!(admitted(&l, &key, &p, next, 5), 3);
        }
    }

    #[test]
    fn rate_denial_consumes_no_quota() {
        let l = Limiter::local();
        let hour = Duration::from_secs(3600);
        let quota_spec = Quota {
            requests: 10,
            period: QuotaPeriod::Day,
        };
        let p = both(RateSpec::new(1, hour, 3), quota_spec);
        let now = t0();
        assert_eq!(admitted(&l, "k", &p, now, 10), 3);
        // 7 rate denials must have left 7 quota units.
        match l.check_local("k", &p, now) {
            Decision::Denied {
                reason,
                quota_remaining,
                rate_remaining,
                ..
            } => {
                assert_eq!(reason, Denied::RateLimited);
                assert_eq!(quota_remaining, Some(7));
                assert_eq!(rate_remaining, Some(0));
            }
            d => panic!("{d:?}"),
        }
        assert_eq!(
            admitted(
                &l,
                "k",
                &Policy {
                    rate: None,
                    quota: Some(quota_spec),
                    quota_floor: None,
                },
                now,
                20
            ),
            7
        );
    }

    #[test]
    fn quota_denial_consumes_no_rate() {
        let l = Limiter::local();
        let rate_spec = RateSpec::new(1, Duration::from_secs(3600), 10);
        let p = both(
            rate_spec,
            Quota {
                requests: 5,
                period: QuotaPeriod::Day,
            },
        );
        let now = t0();
        assert_eq!(admitted(&l, "k", &p, now, 10), 5);
        match l.check_local("k", &p, now) {
            Decision::Denied {
                reason,
                rate_remaining,
                quota_remaining,
                retry_after,
                ..
            } => {
                assert_eq!(reason, Denied::QuotaExceeded);
                assert_eq!(rate_remaining, Some(5));
                assert_eq!(quota_remaining, Some(0));
                assert_eq!(retry_after, Duration::from_secs(14 * 3600));
            }
            d => panic!("{d:?}"),
        }
        assert_eq!(
            admitted(
                &l,
                "k",
                &Policy {
                    rate: Some(rate_spec),
                    quota: None,
                    quota_floor: None,
                },
                now,
                20
            ),
            5
        );
    }

    #[test]
    fn both_exhausted_reports_quota_and_longest_wait() {
        let l = Limiter::local();
        // Rate refills in 2 h but the day ends in 1 h: wait for the rate.
        let p = both(
            RateSpec::new(1, Duration::from_secs(7200), 1),
            Quota {
                requests: 1,
                period: QuotaPeriod::Day,
            },
        );
        let now = at("2024-03-15T23:00:00Z");
        assert!(l.check_local("k", &p, now).is_allowed());
        match l.check_local("k", &p, now) {
            Decision::Denied {
                reason, retry_after, ..
            } => {
                assert_eq!(reason, Denied::QuotaExceeded);
                assert_eq!(retry_after, Duration::from_secs(7200));
            }
            d => panic!("{d:?}"),
        }
    }

    #[test]
    fn headers_follow_the_draft() {
        let l = Limiter::local();
        let p = both(
            RateSpec::new(10, Duration::from_secs(1), 10),
            Quota {
                requests: 50,
                period: QuotaPeriod::Day,
            },
        );
        let now = t0();
        let d = l.check_local("h", &p, now);
        assert_eq!(
            rate_limit_headers(&p, &d),
            vec![
                (
                    "ratelimit-policy",
                    "\"rate\";q=10;w=1, \"quota\";q=50;w=86400".to_owned()
                ),
                ("ratelimit", "\"rate\";r=9;t=1, \"quota\";r=49;t=50400".to_owned()),
            ]
        );
        for _ in 0..9 {
            l.check_local("h", &p, now);
        }
        let d = l.check_local("h", &p, now);
        assert_eq!(
            rate_limit_headers(&p, &d),
            vec![
                (
                    "ratelimit-policy",
                    "\"rate\";q=10;w=1, \"quota\";q=50;w=86400".to_owned()
                ),
                ("ratelimit", "\"rate\";r=0;t=1, \"quota\";r=40;t=50400".to_owned()),
                ("retry-after", "1".to_owned()), // 100 ms rounds up to 1 s
            ]
        );
        // Only a rate; sub-second window scaled to whole seconds.
        let p = rate(5, 100 * MS, 5);
        let d = l.check_local("h2", &p, now);
        assert_eq!(rate_limit_headers(&p, &d)[0].1, "\"rate\";q=50;w=1");
        // No limits: no headers.
        assert!(rate_limit_headers(&Policy::default(), &Decision::UNLIMITED).is_empty());
        // Retry-After rounds up whole seconds.
        let denied = Decision::Denied {
            reason: Denied::RateLimited,
            retry_after: Duration::from_millis(2001),
            rate_remaining: Some(0),
            rate_reset: Some(Duration::from_millis(2001)),
            quota_remaining: None,
            quota_reset: None,
            quota_window: None,
        };
        let h = rate_limit_headers(&rate(1, Duration::from_secs(2), 1), &denied);
        assert_eq!(h[1].1, "\"rate\";r=0;t=3");
        assert_eq!(h[2], ("retry-after", "3".to_owned()));
    }

    #[test]
    fn month_headers_use_the_real_month_length() {
        let l = Limiter::local();
        let p = quota(1000, QuotaPeriod::Month);
        let d = l.check_local("h", &p, at("2024-02-29T00:00:00Z"));
        assert_eq!(
            rate_limit_headers(&p, &d)[0].1,
            format!("\"quota\";q=1000;w={}", 29 * 86_400)
        );
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let l = Limiter::local();
        let now = t0();
        let huge = Duration::MAX;
        let times = [
            UNIX_EPOCH,
            UNIX_EPOCH - Duration::from_secs(5),
            now,
            UNIX_EPOCH + Duration::from_secs(u64::MAX / 2),
        ];
        let rates = [
            RateSpec::new(0, Duration::from_secs(1), 10),
            RateSpec::new(10, Duration::ZERO, 0),
            RateSpec::new(u32::MAX, Duration::from_nanos(1), u32::MAX),
            RateSpec::new(1, huge, u32::MAX),
            RateSpec::new(u32::MAX, huge, 1),
        ];
        let quotas = [
            Quota {
                requests: 0,
                period: QuotaPeriod::Day,
            },
            Quota {
                requests: u64::MAX,
                period: QuotaPeriod::Month,
            },
        ];
        for t in times {
            for r in rates {
                for q in quotas {
                    for key in ["", "}", "{x}", "%"] {
                        for p in [
                            both(r, q),
                            Policy {
                                rate: Some(r),
                                quota: None,
                                quota_floor: None,
                            },
                            Policy {
                                rate: None,
                                quota: Some(q),
                                quota_floor: None,
                            },
                        ] {
                            let d = l.check_local(key, &p, t);
                            let _ = rate_limit_headers(&p, &d);
                        }
                    }
                }
            }
        }
        // Zero requests: always denied, nothing else consulted.
        let d = l.check_local("z", &rate(0, Duration::from_secs(1), 5), now);
        assert!(matches!(
            d,
            Decision::Denied {
                reason: Denied::RateLimited,
                ..
            }
        ));
        // Zero burst behaves like burst 1; zero quota denies.
        assert_eq!(admitted(&l, "b0", &rate(10, Duration::from_secs(1), 0), now, 5), 1);
        assert_eq!(admitted(&l, "q0", &quota(0, QuotaPeriod::Day), now, 5), 0);
        // No limits: always allowed.
        assert_eq!(admitted(&l, "none", &Policy::default(), now, 5), 5);
    }

    #[test]
    fn entries_stay_in_one_cache_line() {
        assert_eq!(std::mem::size_of::<KeyState>(), 64);
    }

    #[test]
    fn long_and_short_keys_are_distinct() {
        let l = Limiter::local();
        let p = quota(1, QuotaPeriod::Day);
        let long = "x".repeat(INLINE_KEY + 1);
        let keys = ["", "a", "a\0", &long[..INLINE_KEY], &long, "é"];
        for k in keys {
            assert!(l.check_local(k, &p, t0()).is_allowed(), "{k:?}");
        }
        for k in keys {
            assert!(!l.check_local(k, &p, t0()).is_allowed(), "{k:?}");
        }
        assert_eq!(l.local_state().len(), keys.len());
    }

    #[test]
    fn idle_keys_are_swept() {
        let l = Limiter::local();
        let p = rate(10, Duration::from_secs(1), 10);
        let q = quota(10, QuotaPeriod::Day);
        let now = t0();
        for i in 0..50_000 {
            l.check_local(&format!("r{i}"), &p, now);
        }
        for i in 0..1_000 {
            l.check_local(&format!("q{i}"), &q, now);
        }
        assert_eq!(l.local_state().len(), 51_000);
        // Rate keys are idle after a second; quota keys only after midnight.
        l.local_state().purge_idle(now + Duration::from_secs(2));
        assert_eq!(l.local_state().len(), 1_000);
        l.local_state().purge_idle(at("2024-03-16T00:00:00Z"));
        assert!(l.local_state().is_empty());
        // Lazy sweeping keeps a churn of short-lived keys bounded.
        for i in 0..200_000u64 {
            let t = now + Duration::from_millis(i * 10);
            l.check_local(&format!("c{i}"), &p, t);
        }
        assert!(
            l.local_state().len() < 2 * SHARDS * MIN_SWEEP_LEN,
            "{}",
            l.local_state().len()
        );
    }

    #[test]
    fn redis_keys_share_a_slot_and_never_collide() {
        assert_eq!(
            redis_keys("p:", "sub42"),
            ("p:{sub42}:g".to_owned(), "p:{sub42}:q".to_owned())
        );
        assert_eq!(redis_keys("p:", "").0, "p:{%}:g");
        assert_eq!(redis_keys("p:", "}a{").0, "p:{%7Da%7B}:g");
        let keys = ["", "%", "%25", "{", "}", "%7B", "a}b", "a%7Db", "ab"];
        let mut seen = std::collections::HashSet::new();
        for k in keys {
            let (g, q) = redis_keys("p:", k);
            assert!(seen.insert(g.clone()) && seen.insert(q.clone()), "collision for {k:?}");
            // Hash tag = text between the first '{' and the next '}'; non-empty.
            let tag = |s: &str| {
                s.split_once('{')
                    .and_then(|(_, r)| r.split_once('}'))
                    .map(|(t, _)| t.to_owned())
            };
            assert_eq!(tag(&g), tag(&q));
            assert!(tag(&g).is_some_and(|t| !t.is_empty()));
        }
    }

    #[test]
    fn endpoint_is_redacted() {
        assert_eq!(redacted_endpoint("redis://user:secret@db:6379/0"), "db:6379");
        assert_eq!(redacted_endpoint("redis://127.0.0.1:6379"), "127.0.0.1:6379");
        assert_eq!(redacted_endpoint("rediss://:p@ss@h:1?x=1"), "h:1");
    }

    #[test]
    fn malformed_script_replies_are_rejected() {
        assert!(parse_reply(&[]).is_none());
        assert!(parse_reply(&[1, 0, 0]).is_none());
        assert!(
            parse_reply(&[1, 0, 0, 4, 500_000, -1, -1, -1]).is_none(),
            "the count is missing"
        );
        assert!(parse_reply(&[0, 1, -5, 0, 0, 0, 0, 0, -1, 0]).is_none());
        assert_eq!(
            parse_reply(&[1, 0, 0, 4, 500_000, -1, -1, -1, -1, 0]),
            Some((
                Decision::Allowed {
                    rate_remaining: Some(4),
                    rate_reset: Some(Duration::from_millis(500)),
                    quota_remaining: None,
                    quota_reset: None,
                    quota_window: None,
                },
                None
            ))
        );
        assert_eq!(
            parse_reply(&[1, 0, 0, -1, -1, 7, 1, 86_400_000_000, 19_800, 3]).map(|(_, counted)| counted),
            Some(Some(QuotaFloor {
                start_day: 19_800,
                used: 3
            }))
        );
    }

    #[tokio::test]
    async fn local_limiter_async_check() {
        let l = Limiter::local();
        let p = quota(3, QuotaPeriod::Day);
        let mut allowed = 0;
        for _ in 0..10 {
            allowed += usize::from(l.check("a", &p).await.is_allowed());
        }
        assert_eq!(allowed, 3);
        assert!(!l.redis_degraded());
        assert_eq!(l.redis_fallbacks(), 0);
    }

    /// The Lua calendar must agree with chrono on every day from 1970 to 2200.
    /// Needs a Redis server: `TOLLGATE_TEST_REDIS_URL` (set by .ci/run).
    #[tokio::test]
    async fn lua_month_bounds_match_chrono() {
        let Ok(url) = std::env::var("TOLLGATE_TEST_REDIS_URL") else {
            eprintln!(
                "lua_month_bounds_match_chrono DID NOT RUN: set TOLLGATE_TEST_REDIS_URL to a Redis server (.ci/run does)"
            );
            return;
        };
        let client = redis::Client::open(url).expect("url");
        let config = redis::AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_secs(10)));
        let mut conn = client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .expect("Redis is running");
        let script = redis::Script::new(&format!(
            "{LUA_CALENDAR}\nlocal out = {{}}\nfor d = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do\n  local a, b = month_bounds(d)\n  out[#out + 1] = a\n  out[#out + 1] = b\nend\nreturn out"
        ));
        // Every day from 1970-01-01 to ~2200, in chunks to keep replies small.
        const CHUNK: u64 = 12_000;
        for from in (0..84_000u64).step_by(CHUNK as usize) {
            let got: Vec<u64> = script
                .arg(from)
                .arg(from + CHUNK)
                .invoke_async(&mut conn)
                .await
                .expect("eval");
            assert_eq!(got.len() as u64, 2 * CHUNK);
            for (day, pair) in (from..).zip(got.chunks_exact(2)) {
                let (start, end) = period_bounds(QuotaPeriod::Month, day * SECS_PER_DAY);
                assert_eq!(
                    (pair[0] * SECS_PER_DAY, pair[1] * SECS_PER_DAY),
                    (start, end),
                    "day {day}"
                );
            }
        }
    }
}
