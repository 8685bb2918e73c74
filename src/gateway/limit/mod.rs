//! Per-subscription rate limits and quotas for the gateway hot path.
//!
//! * **Rate limits** use GCRA (the "virtual scheduling" form of a leaky bucket):
//!   one timestamp per key, smooth pacing, and a configurable burst.
//! * **Quotas** count requests per calendar period (UTC day or UTC month).
//!
//! A request is admitted only when *both* limits admit it; an admitted request
//! consumes one unit of each, a denied request consumes nothing.
//!
//! Two backends sit behind [`PlanLimiter`]:
//!
//! * **Local** ([`PlanLimiter::local`]): in-memory, synchronous, no global lock.
//!   The state lives in [`SHARDS`] independently locked hash tables; a call
//!   hashes the key once, locks one shard for a few dozen nanoseconds and never
//!   awaits. See [`LocalLimiter`] for why this beats a concurrent-map crate here.
//! * **Redis** ([`PlanLimiter::with_redis`]): all state in Redis, so that several
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
//!
//! The gateway sees only the seam, [`Limiter`]: it asks with a subscription and its plan's
//! compiled limits, and [`PlanLimiter`] (local, or Redis with the local fallback) answers.
//!
//! Why `check` returns [`LimitCheck`] instead of being an `async fn`: the
//! gateway holds the limiter as `Arc<dyn Limiter>`, and an `async fn` in a
//! trait is not object safe, so it would need a boxed future on *every* call,
//! i.e. one allocation per request even for the in-memory limiter. With
//! `LimitCheck`, a local limiter answers `Ready` (no allocation, no await,
//! no poll), and only a backend that really waits (Redis) pays for a boxed
//! future. The Redis-backed limiter of the team is async, so a purely
//! synchronous trait would not fit it.

mod gcra;
mod local;
mod policy;
mod redis;
#[cfg(test)]
mod tests;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use http::{HeaderName, HeaderValue};

use self::gcra::unix_nanos;
pub use self::local::{LocalLimiter, SHARDS};
use self::policy::stateless_decision;
pub use self::policy::{Decision, Denied, Policy, Quota, QuotaFloor, QuotaPeriod, RateSpec, rate_limit_headers};
use self::redis::RedisBackend;
pub use self::redis::RedisOptions;
use crate::domain::clock::Clock;
use crate::gateway::snapshot::{PlanLimits, SubscriptionEntry};

/// Decides whether one more request of a subscription is admitted, and
/// consumes it if so.
pub trait Limiter: Send + Sync {
    fn check<'a>(&'a self, subscription: &'a SubscriptionEntry, plan: &'a PlanLimits) -> LimitCheck<'a>;
}

/// A limiter's answer: now, or later.
pub enum LimitCheck<'a> {
    Ready(LimitDecision),
    Pending(Pin<Box<dyn Future<Output = LimitDecision> + Send + 'a>>),
}

impl LimitCheck<'_> {
    pub async fn decide(self) -> LimitDecision {
        match self {
            LimitCheck::Ready(d) => d,
            LimitCheck::Pending(f) => f.await,
        }
    }
}

/// Outcome of [`Limiter::check`]. `headers` (e.g. `RateLimit`,
/// `RateLimit-Policy`) are added to the response either way; an empty `Vec`
/// does not allocate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitDecision {
    Allowed {
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    Denied {
        retry_after_secs: u64,
        quota_exceeded: bool,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
}

/// Admits everything. For tests, benchmarks, and deployments without plans.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlimited;

impl Limiter for Unlimited {
    fn check<'a>(&'a self, _subscription: &'a SubscriptionEntry, _plan: &'a PlanLimits) -> LimitCheck<'a> {
        LimitCheck::Ready(LimitDecision::Allowed { headers: Vec::new() })
    }
}

/// Rate limits and quotas keyed by subscription. `Send + Sync`; share it as
/// `Arc<PlanLimiter>` (or as the gateway's `Arc<dyn Limiter>`).
pub struct PlanLimiter {
    local: LocalLimiter,
    redis: Option<RedisBackend>,
    /// Wall-clock time of the local state's rate windows and quota periods (Redis's state
    /// follows Redis's own clock).
    clock: Clock,
}

impl Default for PlanLimiter {
    fn default() -> Self {
        Self::local()
    }
}

impl fmt::Debug for PlanLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlanLimiter")
            .field("redis", &self.redis.as_ref().map(|r| &r.endpoint))
            .field("redis_degraded", &self.redis_degraded())
            .finish_non_exhaustive()
    }
}

impl PlanLimiter {
    /// In-memory limiter (one process enforces its own limits).
    pub fn local() -> Self {
        Self {
            local: LocalLimiter::new(),
            redis: None,
            clock: Clock::system(),
        }
    }

    /// The same limiter reading time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Limiter whose state lives in Redis at `url` (e.g. `redis://127.0.0.1:6379/0`).
    ///
    /// Fails only on an invalid URL. An unreachable server does not stop the
    /// gateway: the limiter then starts degraded (local limits, one warning)
    /// and switches to Redis as soon as a probe succeeds. Must be called
    /// inside a Tokio runtime with timers enabled.
    pub async fn with_redis(url: &str, options: RedisOptions) -> ::redis::RedisResult<Self> {
        let backend = RedisBackend::connect(url, options).await?;
        Ok(Self {
            local: LocalLimiter::new(),
            redis: Some(backend),
            clock: Clock::system(),
        })
    }

    /// Checks `policy` for `key` and consumes one unit if admitted.
    ///
    /// With Redis: one EVALSHA bounded by [`RedisOptions::timeout`]; on any
    /// failure (or while degraded, between probes) the local limiter decides.
    /// Without Redis: same as [`PlanLimiter::decide_local`] at the current time.
    pub async fn decide(&self, key: &str, policy: &Policy) -> Decision {
        if let Some(decision) = stateless_decision(policy) {
            return decision;
        }
        let Some(redis) = &self.redis else {
            return self.local.check(key, policy, self.clock.now());
        };
        // The local state keeps the last count Redis answered: it is the floor Redis resumes
        // from if it lost its keys, and where the local fallback counts on from.
        let floor = policy.quota.map(|q| {
            self.local
                .quota_floor(key, q.period, policy.quota_floor, unix_nanos(self.clock.now()))
        });
        if let Some(probe) = redis.route() {
            match redis.eval(key, policy, floor).await {
                Ok((decision, counted)) => {
                    redis.on_success(probe);
                    if let (Some(q), Some(counted)) = (policy.quota, counted) {
                        self.local
                            .quota_floor(key, q.period, Some(counted), unix_nanos(self.clock.now()));
                    }
                    return decision;
                }
                Err(failure) => redis.on_failure(probe, &failure),
            }
        }
        redis.fallbacks.fetch_add(1, Ordering::Relaxed);
        self.local.check(key, policy, self.clock.now())
    }

    /// Synchronous in-memory check at `now` (wall clock; inject it in tests).
    /// This is the whole hot path when no Redis is configured. On a
    /// Redis-backed limiter it uses (and feeds) the fallback state.
    pub fn decide_local(&self, key: &str, policy: &Policy, now: SystemTime) -> Decision {
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

/// The plan's compiled policy with the subscription's quota floor.
fn policy(subscription: &SubscriptionEntry, plan: &PlanLimits) -> Policy {
    Policy {
        quota_floor: subscription.quota_floor,
        ..plan.policy
    }
}

/// Admitted requests carry no limit headers (formatting them costs more than the whole limit
/// check); a 429 carries `Retry-After`, `RateLimit-Policy` and `RateLimit`.
fn decision(policy: &Policy, d: &Decision) -> LimitDecision {
    if d.is_allowed() {
        return LimitDecision::Allowed { headers: Vec::new() };
    }
    let headers = rate_limit_headers(policy, d)
        .into_iter()
        .filter_map(|(name, value)| Some((HeaderName::from_static(name), HeaderValue::from_str(&value).ok()?)))
        .collect();
    match d {
        Decision::Allowed { .. } => LimitDecision::Allowed { headers },
        Decision::Denied {
            reason, retry_after, ..
        } => LimitDecision::Denied {
            retry_after_secs: retry_after.as_secs_f64().ceil().max(1.0) as u64,
            quota_exceeded: matches!(reason, Denied::QuotaExceeded),
            headers,
        },
    }
}

impl Limiter for PlanLimiter {
    fn check<'a>(&'a self, subscription: &'a SubscriptionEntry, plan: &'a PlanLimits) -> LimitCheck<'a> {
        if plan.policy.rate.is_none() && plan.policy.quota.is_none() {
            return LimitCheck::Ready(LimitDecision::Allowed { headers: Vec::new() });
        }
        let policy = policy(subscription, plan);
        let subscription_id = &*subscription.subscription_id;
        if !self.is_redis() {
            let d = self.decide_local(subscription_id, &policy, self.clock.now());
            return LimitCheck::Ready(decision(&policy, &d));
        }
        LimitCheck::Pending(Box::pin(async move {
            let d = self.decide(subscription_id, &policy).await;
            decision(&policy, &d)
        }))
    }
}
