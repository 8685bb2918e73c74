//! Failed-login throttle: a fixed window of failures per key (account, client address).
//! In memory: it protects one control-plane process; that is what slows password guessing
//! enough, and it costs no database writes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct FailureThrottle {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Above this many tracked keys, expired ones are swept on the next write.
const SWEEP_THRESHOLD: usize = 10_000;

impl FailureThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures,
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(retry_after)` when `key` has used up its failures in the current window.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((start, count)) if *count >= self.max_failures => {
                let elapsed = now.saturating_duration_since(*start);
                if elapsed < self.window {
                    Err(self.window - elapsed)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > SWEEP_THRESHOLD {
            let window = self.window;
            entries.retain(|_, (start, _)| now.saturating_duration_since(*start) < window);
        }
        let entry = entries.entry(key.to_owned()).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    pub fn reset(&self, key: &str) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_until_window_ends() {
        let t = FailureThrottle::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(t.check("a", t0).is_ok());
            t.record_failure("a", t0);
        }
        let wait = t.check("a", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(t.check("b", t0).is_ok(), "other keys are unaffected");
        assert!(t.check("a", t0 + Duration::from_secs(61)).is_ok());
        t.record_failure("a", t0 + Duration::from_secs(61));
        assert!(
            t.check("a", t0 + Duration::from_secs(62)).is_ok(),
            "a new window starts fresh"
        );
        t.reset("a");
        assert!(t.check("a", t0).is_ok());
    }
}
