//! Plans meet the limiter: adapts [`limiter::Limiter`] (local GCRA + quotas, or Redis shared by
//! all nodes) to the gateway's [`Limiter`] seam. Local checks answer at once; Redis checks are
//! the only ones that wait.

use std::time::SystemTime;

use http::{HeaderName, HeaderValue};

use super::limit::{LimitCheck, LimitDecision, Limiter};
use super::limiter::{self, Decision, Denied, Policy};
use super::snapshot::{PlanLimits, SubscriptionEntry};

pub struct PlanLimiter {
    inner: limiter::Limiter,
}

impl PlanLimiter {
    pub fn new(inner: limiter::Limiter) -> PlanLimiter {
        PlanLimiter { inner }
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
    let headers = limiter::rate_limit_headers(policy, d)
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
        if !self.inner.is_redis() {
            let d = self.inner.check_local(subscription_id, &policy, SystemTime::now());
            return LimitCheck::Ready(decision(&policy, &d));
        }
        LimitCheck::Pending(Box::pin(async move {
            let d = self.inner.check(subscription_id, &policy).await;
            decision(&policy, &d)
        }))
    }
}
