//! The Redis backend: all limit state in Redis so that several gateways enforce one limit
//! exactly. One Lua script does GCRA and the quota check-and-consume atomically in one round
//! trip; failures are reported to the caller, which falls back to the local limiter.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::gcra::*;
use super::local::clamp_u32;
use super::policy::*;

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

pub(super) struct RedisBackend {
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
    pub(super) endpoint: String,
    epoch: Instant,
    pub(super) degraded: AtomicBool,
    /// Nanoseconds since `epoch` before which no probe is sent.
    next_probe: AtomicU64,
    pub(super) fallbacks: AtomicU64,
}

/// Why a Redis call was not used.
pub(super) enum RedisFailure {
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
    /// A backend for `url`; fails only on an invalid URL. An unreachable server starts it
    /// degraded (one warning): the first probe that succeeds switches to Redis.
    pub(super) async fn connect(url: &str, options: RedisOptions) -> redis::RedisResult<RedisBackend> {
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
        Ok(backend)
    }

    fn elapsed_ns(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// `Some(is_probe)` if this call should go to Redis.
    pub(super) fn route(&self) -> Option<bool> {
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

    pub(super) fn on_success(&self, probe: bool) {
        // Only a probe ends an outage: a late reply to a request sent before
        // the outage must not flip the state back and forth (which would log
        // the outage warning again).
        if probe && self.degraded.swap(false, Ordering::AcqRel) {
            tracing::info!(endpoint = %self.endpoint, "rate limiter: Redis is back, limits are shared again");
        }
    }

    pub(super) fn on_failure(&self, probe: bool, failure: &RedisFailure) {
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
    pub(super) async fn eval(
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

pub(super) fn parse_reply(v: &[i64]) -> Option<(Decision, Option<QuotaFloor>)> {
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
pub(super) fn redis_keys(prefix: &str, key: &str) -> (String, String) {
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
pub(super) fn redacted_endpoint(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
}
