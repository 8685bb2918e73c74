//! Weighted endpoint choice with passive health checks.
//!
//! **Weights.** The smooth weighted round-robin order (nginx's algorithm) is
//! computed once, when the balancer is built, into a short sequence of
//! endpoint indexes (weights reduced by their gcd, and scaled down if their
//! sum exceeds [`MAX_SEQUENCE`]). A pick is then one relaxed `fetch_add` on a
//! cursor, with no lock: any run of `len` consecutive picks hits every
//! endpoint exactly its weight's share, however many threads pick.
//!
//! **Passive health.** Each endpoint counts consecutive failures (connect
//! error, timeout, or a 502/503/504 from it). At the threshold it is ejected
//! for the cool-down; after that it is *half-open*: exactly one trial request
//! may go to it, and that trial's success readmits it, its failure ejects it
//! again. While anything is ejected, picks skip unavailable endpoints along the
//! same sequence, so the healthy ones keep their relative weights. When no
//! endpoint is available, the one that failed least recently is tried anyway:
//! a request is never refused without trying.
//!
//! **Active health.** Where the API asks for it, a prober ([`super::probe`])
//! reports each probe with [`Balancer::probed`]: after enough failures in a
//! row the endpoint is *down* and gets no traffic (not even half-open trials)
//! until enough probes in a row pass. Down and ejected endpoints are skipped
//! alike, and the last-resort rule above covers both.
//!
//! Nothing here reads the clock unless some endpoint is out of service or a
//! failure is being reported.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Longest precomputed sequence.
pub const MAX_SEQUENCE: u64 = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthPolicy {
    /// Consecutive failures that eject an endpoint (at least 1).
    pub failure_threshold: u32,
    /// How long an ejected endpoint gets no traffic before a trial.
    pub cooldown: Duration,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        HealthPolicy {
            failure_threshold: 3,
            cooldown: Duration::from_secs(10),
        }
    }
}

#[derive(Debug, Default)]
struct EndpointHealth {
    consecutive_failures: AtomicU32,
    /// Balancer-clock ms until which the endpoint is ejected; 0 = in service.
    ejected_until: AtomicU64,
    /// A half-open trial request is in flight.
    probing: AtomicBool,
    /// Balancer-clock ms of the last failure, plus one (0 = never failed).
    last_failure: AtomicU64,
    /// Taken out by active health checks.
    down: AtomicBool,
    /// Probes in a row that disagree with `down` (failures while up, passes while down).
    probe_streak: AtomicU32,
}

/// Health snapshot of one endpoint, for metrics and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointStatus {
    pub consecutive_failures: u32,
    /// Out after failed requests (passive).
    pub ejected: bool,
    /// Out after failed probes (active).
    pub down: bool,
}

#[derive(Debug)]
pub struct Balancer {
    health: Box<[EndpointHealth]>,
    sequence: Box<[u32]>,
    /// Endpoints that appear in `sequence` (weight > 0).
    in_rotation: Box<[bool]>,
    cursor: AtomicUsize,
    /// Reasons endpoints are out of service (ejections plus downs): zero keeps
    /// picks on the fast path.
    out: AtomicUsize,
    policy: HealthPolicy,
    epoch: Instant,
}

/// One chosen endpoint. Report the outcome with [`Pick::success`] or
/// [`Pick::failure`]; dropping it unreported releases a half-open trial slot
/// without judging the endpoint.
#[derive(Debug)]
pub struct Pick<'b> {
    balancer: &'b Balancer,
    index: usize,
    trial: bool,
    done: bool,
}

impl Pick<'_> {
    pub fn index(&self) -> usize {
        self.index
    }

    /// This endpoint in a set of tried ones ([`Balancer::pick_other`]): a bit per index; 0 past
    /// the 64th.
    pub fn bit(&self) -> u64 {
        bit(self.index)
    }

    /// Whether this is the half-open trial request of an ejected endpoint.
    pub fn is_trial(&self) -> bool {
        self.trial
    }

    pub fn success(mut self) {
        self.done = true;
        self.balancer.on_success(self.index, self.trial);
    }

    pub fn failure(mut self) {
        self.done = true;
        self.balancer.on_failure(self.index, self.trial);
    }
}

fn bit(index: usize) -> u64 {
    u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i)).unwrap_or(0)
}

impl Drop for Pick<'_> {
    fn drop(&mut self) {
        if !self.done
            && self.trial
            && let Some(h) = self.balancer.health.get(self.index)
        {
            h.probing.store(false, Ordering::Release);
        }
    }
}

impl Balancer {
    /// `weights[i]` is endpoint `i`'s share. Zero weights are treated as 1 if
    /// all are zero, otherwise the endpoint gets no traffic.
    pub fn new(weights: &[u32], policy: HealthPolicy) -> Balancer {
        let policy = HealthPolicy {
            failure_threshold: policy.failure_threshold.max(1),
            cooldown: policy.cooldown.max(Duration::from_millis(1)),
        };
        let sequence = smooth_sequence(weights);
        let in_rotation = (0..weights.len()).map(|i| sequence.contains(&(i as u32))).collect();
        Balancer {
            health: weights.iter().map(|_| EndpointHealth::default()).collect(),
            sequence: sequence.into_boxed_slice(),
            in_rotation,
            cursor: AtomicUsize::new(0),
            out: AtomicUsize::new(0),
            policy,
            epoch: Instant::now(),
        }
    }

    pub fn len(&self) -> usize {
        self.health.len()
    }

    pub fn is_empty(&self) -> bool {
        self.health.is_empty()
    }

    /// Chooses an endpoint; `None` only when there are none.
    pub fn pick(&self) -> Option<Pick<'_>> {
        let n = self.sequence.len();
        if n == 0 {
            return None;
        }
        let start = self.cursor.fetch_add(1, Ordering::Relaxed);
        if self.out.load(Ordering::Relaxed) == 0 {
            let index = self.sequence[start % n] as usize;
            return Some(self.make_pick(index, false));
        }
        let now = self.now_ms();
        if self.health.iter().any(|h| available(h, now)) {
            for k in 0..n {
                let index = self.sequence[start.wrapping_add(k) % n] as usize;
                if let Some(trial) = self.try_acquire(index, now) {
                    return Some(self.make_pick(index, trial));
                }
            }
        }
        // Everything is ejected (or its trial is busy): try the endpoint that
        // failed least recently rather than refusing without trying.
        let index = self
            .health
            .iter()
            .enumerate()
            .filter(|(i, _)| self.in_rotation.get(*i).copied().unwrap_or(false))
            .min_by_key(|(_, h)| h.last_failure.load(Ordering::Relaxed))
            .map_or(self.sequence[start % n] as usize, |(i, _)| i);
        Some(self.make_pick(index, false))
    }

    /// Another endpoint for a request that could not connect to those in `tried` (a bit per
    /// index; endpoints past the 64th are never offered): the next in rotation that is
    /// available and untried, `None` when none is left.
    pub fn pick_other(&self, tried: u64) -> Option<Pick<'_>> {
        let n = self.sequence.len();
        // Read, not advanced: the rotation of first picks stays as it was.
        let start = self.cursor.load(Ordering::Relaxed);
        let now = self.now_ms();
        for k in 0..n {
            let index = self.sequence[start.wrapping_add(k) % n] as usize;
            if bit(index) == 0 || tried & bit(index) != 0 {
                continue;
            }
            if let Some(trial) = self.try_acquire(index, now) {
                return Some(self.make_pick(index, trial));
            }
        }
        None
    }

    pub fn status(&self) -> Vec<EndpointStatus> {
        let now = self.now_ms();
        self.health
            .iter()
            .map(|h| {
                let until = h.ejected_until.load(Ordering::Relaxed);
                EndpointStatus {
                    consecutive_failures: h.consecutive_failures.load(Ordering::Relaxed),
                    ejected: until != 0 && now < until,
                    down: h.down.load(Ordering::Relaxed),
                }
            })
            .collect()
    }

    /// Endpoints currently out of rotation (ejected, half-open or down).
    pub fn ejected_count(&self) -> usize {
        self.health
            .iter()
            .filter(|h| h.ejected_until.load(Ordering::Relaxed) != 0 || h.down.load(Ordering::Relaxed))
            .count()
    }

    /// The outcome of an active health probe of endpoint `index`: `unhealthy` failures in a
    /// row take it down, `healthy` passes in a row bring it back. Returns whether this probe
    /// changed that.
    pub fn probed(&self, index: usize, passed: bool, unhealthy: u32, healthy: u32) -> bool {
        let Some(h) = self.health.get(index) else { return false };
        let down = h.down.load(Ordering::Acquire);
        if passed != down {
            // Agrees with the current state: no streak towards a change.
            h.probe_streak.store(0, Ordering::Relaxed);
            return false;
        }
        let streak = h.probe_streak.fetch_add(1, Ordering::Relaxed).saturating_add(1);
        let needed = if down { healthy } else { unhealthy }.max(1);
        if streak < needed {
            return false;
        }
        h.probe_streak.store(0, Ordering::Relaxed);
        h.down.store(!down, Ordering::Release);
        if down {
            self.out.fetch_sub(1, Ordering::Relaxed);
            tracing::info!(endpoint = index, passes = streak, "endpoint healthy again");
        } else {
            self.out.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(endpoint = index, failures = streak, "endpoint failed its health checks");
        }
        true
    }

    fn make_pick(&self, index: usize, trial: bool) -> Pick<'_> {
        Pick {
            balancer: self,
            index,
            trial,
            done: false,
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// In service → `Some(false)`; half-open and the trial slot won →
    /// `Some(true)`; otherwise `None`.
    fn try_acquire(&self, index: usize, now: u64) -> Option<bool> {
        let h = self.health.get(index)?;
        if h.down.load(Ordering::Acquire) {
            return None;
        }
        let until = h.ejected_until.load(Ordering::Acquire);
        if until == 0 {
            return Some(false);
        }
        if now >= until
            && h.probing
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            return Some(true);
        }
        None
    }

    fn on_success(&self, index: usize, _trial: bool) {
        let Some(h) = self.health.get(index) else { return };
        // Read before writing: keeps the cache line shared on the hot path.
        if h.consecutive_failures.load(Ordering::Relaxed) != 0 {
            h.consecutive_failures.store(0, Ordering::Relaxed);
        }
        let until = h.ejected_until.load(Ordering::Acquire);
        if until != 0 {
            // Any success of an ejected endpoint (its trial, or a last-resort
            // pick) is evidence it works again.
            if h.ejected_until
                .compare_exchange(until, 0, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                self.out.fetch_sub(1, Ordering::Relaxed);
            }
            h.probing.store(false, Ordering::Release);
        }
    }

    fn on_failure(&self, index: usize, trial: bool) {
        let Some(h) = self.health.get(index) else { return };
        let now = self.now_ms();
        h.last_failure.store(now.saturating_add(1), Ordering::Relaxed);
        let failures = h.consecutive_failures.fetch_add(1, Ordering::Relaxed).saturating_add(1);
        let next = now
            .saturating_add(u64::try_from(self.policy.cooldown.as_millis()).unwrap_or(u64::MAX))
            .max(1);
        let until = h.ejected_until.load(Ordering::Acquire);
        if until != 0 {
            // Already out: a failed trial (or last-resort pick) starts a new cool-down.
            if trial || now >= until {
                h.ejected_until.store(next, Ordering::Release);
            }
            if trial {
                h.probing.store(false, Ordering::Release);
            }
        } else if failures >= self.policy.failure_threshold
            && h.ejected_until
                .compare_exchange(0, next, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            self.out.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(endpoint = index, failures, "endpoint ejected");
        }
    }
}

fn available(h: &EndpointHealth, now: u64) -> bool {
    if h.down.load(Ordering::Acquire) {
        return false;
    }
    let until = h.ejected_until.load(Ordering::Acquire);
    until == 0 || (now >= until && !h.probing.load(Ordering::Acquire))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Smooth weighted round-robin order for `weights` (nginx's algorithm).
fn smooth_sequence(weights: &[u32]) -> Vec<u32> {
    let mut w: Vec<u64> = weights.iter().map(|&x| u64::from(x)).collect();
    if w.iter().all(|&x| x == 0) {
        w.iter_mut().for_each(|x| *x = 1);
    }
    let g = w.iter().fold(0, |acc, &x| gcd(acc, x)).max(1);
    w.iter_mut().for_each(|x| *x /= g);
    let sum: u64 = w.iter().sum();
    if sum > MAX_SEQUENCE {
        // Keep proportions approximately, but never drop an endpoint entirely.
        w.iter_mut().for_each(|x| {
            if *x > 0 {
                *x = (*x * MAX_SEQUENCE / sum).max(1);
            }
        });
    }
    let total: i64 = w.iter().map(|&x| x as i64).sum();
    let mut current = vec![0i64; w.len()];
    let mut seq = Vec::with_capacity(total as usize);
    for _ in 0..total {
        let mut best = 0;
        for i in 0..w.len() {
            current[i] += w[i] as i64;
            if current[i] > current[best] {
                best = i;
            }
        }
        current[best] -= total;
        seq.push(best as u32);
    }
    seq
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(b: &Balancer, n: usize) -> Vec<usize> {
        let mut c = vec![0; b.len()];
        for _ in 0..n {
            let p = b.pick().expect("pick");
            c[p.index()] += 1;
            p.success();
        }
        c
    }

    #[test]
    fn weights_are_exact_over_a_full_cycle() {
        assert_eq!(smooth_sequence(&[1, 3]).len(), 4);
        assert_eq!(smooth_sequence(&[5, 1, 1]), vec![0, 0, 1, 0, 2, 0, 0]);
        let b = Balancer::new(&[1, 3], HealthPolicy::default());
        assert_eq!(counts(&b, 2000), vec![500, 1500]);
        let b = Balancer::new(&[0, 2, 0], HealthPolicy::default());
        assert_eq!(counts(&b, 10), vec![0, 10, 0]);
        let b = Balancer::new(&[0, 0], HealthPolicy::default());
        assert_eq!(counts(&b, 10), vec![5, 5]);
        let b = Balancer::new(&[u32::MAX, 1, 7], HealthPolicy::default());
        let c = counts(&b, 10_000);
        assert!(c[1] > 0 && c[2] > 0 && c[0] > 9_900, "{c:?}");
        assert!(Balancer::new(&[], HealthPolicy::default()).pick().is_none());
    }

    #[test]
    fn ejection_half_open_and_readmission() {
        let policy = HealthPolicy {
            failure_threshold: 3,
            cooldown: Duration::from_millis(50),
        };
        let b = Balancer::new(&[1, 1], policy);
        // Endpoint 0 fails three times in a row.
        let mut failures = 0;
        while failures < 3 {
            let p = b.pick().expect("pick");
            if p.index() == 0 {
                p.failure();
                failures += 1;
            } else {
                p.success();
            }
        }
        assert_eq!(b.ejected_count(), 1);
        assert!(b.status()[0].ejected);
        assert_eq!(counts(&b, 100), vec![0, 100]);
        std::thread::sleep(Duration::from_millis(60));
        // Half-open: exactly one trial goes to endpoint 0 while it is in flight.
        let mut trial = None;
        for _ in 0..10 {
            let p = b.pick().expect("pick");
            if p.index() == 0 {
                assert!(p.is_trial());
                assert!(trial.is_none(), "only one trial at a time");
                trial = Some(p);
            } else {
                p.success();
            }
        }
        // A failed trial ejects it again for a full cool-down.
        trial.expect("a trial was made").failure();
        assert_eq!(counts(&b, 20), vec![0, 20]);
        std::thread::sleep(Duration::from_millis(60));
        // A successful trial readmits it.
        loop {
            let p = b.pick().expect("pick");
            if p.index() == 0 {
                p.success();
                break;
            }
            p.success();
        }
        assert_eq!(b.ejected_count(), 0);
        assert_eq!(counts(&b, 100), vec![50, 50]);
    }

    #[test]
    fn probes_take_an_endpoint_down_and_back_and_streaks_reset() {
        let b = Balancer::new(&[1, 1], HealthPolicy::default());
        // One failure, then a pass: the streak starts over.
        assert!(!b.probed(1, false, 2, 3));
        assert!(!b.probed(1, true, 2, 3));
        assert!(!b.probed(1, false, 2, 3));
        assert!(!b.status()[1].down);
        assert!(b.probed(1, false, 2, 3), "second failure in a row");
        assert!(b.status()[1].down && !b.status()[1].ejected);
        assert_eq!(b.ejected_count(), 1);
        assert_eq!(counts(&b, 20), vec![20, 0], "a down endpoint gets nothing");
        // Failures while down change nothing; three passes in a row bring it back.
        assert!(!b.probed(1, false, 2, 3));
        assert!(!b.probed(1, true, 2, 3));
        assert!(!b.probed(1, true, 2, 3));
        assert!(b.probed(1, true, 2, 3));
        assert!(!b.status()[1].down);
        assert_eq!(counts(&b, 20), vec![10, 10]);
        // Everything down: still tried rather than refused.
        for i in 0..2 {
            b.probed(i, false, 1, 1);
        }
        assert!(b.pick().is_some());
        assert!(!b.probed(7, false, 1, 1), "unknown endpoints are ignored");
    }

    #[test]
    fn dropped_trial_releases_the_slot() {
        let policy = HealthPolicy {
            failure_threshold: 1,
            cooldown: Duration::from_millis(1),
        };
        let b = Balancer::new(&[1], policy);
        b.pick().expect("pick").failure();
        std::thread::sleep(Duration::from_millis(5));
        let p = b.pick().expect("pick");
        assert!(p.is_trial());
        drop(p);
        assert!(b.pick().expect("pick").is_trial());
    }

    #[test]
    fn all_ejected_still_tries_least_recently_failed() {
        let policy = HealthPolicy {
            failure_threshold: 1,
            cooldown: Duration::from_secs(60),
        };
        let b = Balancer::new(&[1, 1, 1], policy);
        for i in [2usize, 0, 1] {
            loop {
                let p = b.pick().expect("pick");
                if p.index() == i {
                    p.failure();
                    break;
                }
                drop(p);
            }
            std::thread::sleep(Duration::from_millis(3));
        }
        assert_eq!(b.ejected_count(), 3);
        let p = b.pick().expect("still picks");
        assert_eq!(p.index(), 2, "endpoint 2 failed first, so least recently");
        assert!(!p.is_trial());
        p.success();
        assert_eq!(b.ejected_count(), 2);
    }

    #[test]
    fn concurrent_picks_keep_proportions() {
        let b = std::sync::Arc::new(Balancer::new(&[1, 3], HealthPolicy::default()));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = std::sync::Arc::clone(&b);
                std::thread::spawn(move || counts(&b, 10_000))
            })
            .collect();
        let mut total = [0usize; 2];
        for h in handles {
            let c = h.join().expect("thread");
            total[0] += c[0];
            total[1] += c[1];
        }
        assert_eq!(total, [10_000, 30_000]);
    }
}
