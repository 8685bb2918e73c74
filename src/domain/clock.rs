//! The time every rule reads: the system's, or one a test moves.
//!
//! Billing periods, quota periods, usage minutes, expiry of sessions, tokens and keys, webhook
//! retries and the biller's schedule all read the wall clock. They read it through a [`Clock`],
//! held by the store, the control plane and the gateway, so a test can cross a billing period or
//! a quota day by moving the clock instead of waiting for it.
//!
//! An adjustable clock is the system's time plus an offset that only moves forward: time still
//! flows (timeouts, rate limits and retries behave as in production) and a test jumps it ahead
//! with its [`ClockHand`]. Durations measured on one machine (latency, timeouts, circuit
//! breakers) use `Instant`, which no clock change may disturb, and are not read through here.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock time for rules. Cheap to clone and to read (the system clock plus, for a test's
/// clock, one atomic load).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds added to the system's time; `None` for the system clock itself.
    offset: Option<Arc<AtomicI64>>,
}

/// Moves an adjustable [`Clock`] (and every clone of it) forward. Only tests hold one.
#[derive(Debug, Clone)]
pub struct ClockHand {
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock { offset: None }
    }

    /// The system's clock and a hand that moves it forward.
    pub fn adjustable() -> (Clock, ClockHand) {
        let offset = Arc::new(AtomicI64::new(0));
        (
            Clock {
                offset: Some(Arc::clone(&offset)),
            },
            ClockHand { offset },
        )
    }

    /// Now, in epoch milliseconds (UTC).
    pub fn now_ms(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        match &self.offset {
            None => system,
            Some(offset) => system.saturating_add(offset.load(Ordering::Relaxed)),
        }
    }

    /// Now, as a `SystemTime`.
    pub fn now(&self) -> SystemTime {
        let now = SystemTime::now();
        match &self.offset {
            None => now,
            Some(offset) => {
                let ms = offset.load(Ordering::Relaxed);
                now + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
            }
        }
    }
}

impl ClockHand {
    /// Move the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset.fetch_add(ms, Ordering::Relaxed);
    }

    /// Move the clock forward to `at_ms` (epoch milliseconds); never backward.
    pub fn advance_to(&self, clock: &Clock, at_ms: i64) {
        let ahead = at_ms.saturating_sub(clock.now_ms());
        if ahead > 0 {
            self.offset.fetch_add(ahead, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_every_clone_forward_only() {
        let (clock, hand) = Clock::adjustable();
        let copy = clock.clone();
        let before = Clock::system().now_ms();
        hand.advance(Duration::from_secs(3600));
        assert!(copy.now_ms() >= before + 3_600_000);
        assert!(copy.now_ms() < Clock::system().now_ms() + 3_601_000);
        let target = clock.now_ms() + 86_400_000;
        hand.advance_to(&clock, target);
        assert!(clock.now_ms() >= target);
        hand.advance_to(&clock, 0);
        assert!(clock.now_ms() >= target, "never backward");
        let wall = clock.now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64;
        assert!((wall - clock.now_ms()).abs() < 1000);
        assert!(Clock::system().now_ms() < target - 80_000_000);
    }
}
