//! The rate-limit seam: the gateway asks, a [`Limiter`] supplied from outside
//! decides.
//!
//! Why `check` returns [`LimitCheck`] instead of being an `async fn`: the
//! gateway holds the limiter as `Arc<dyn Limiter>`, and an `async fn` in a
//! trait is not object safe, so it would need a boxed future on *every* call,
//! i.e. one allocation per request even for the in-memory limiter. With
//! `LimitCheck`, a local limiter answers `Ready` (no allocation, no await,
//! no poll), and only a backend that really waits (Redis) pays for a boxed
//! future. The Redis-backed limiter of the team is async, so a purely
//! synchronous trait would not fit it.

use std::future::Future;
use std::pin::Pin;

use http::{HeaderName, HeaderValue};

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
