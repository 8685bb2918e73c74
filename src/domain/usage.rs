//! The vocabulary of metered usage, shared by the gateway that counts it, the store that keeps
//! it and the analytics that read it back: status classes, the latency histogram's fixed
//! buckets, and the row a gateway reports per (API, subscription, plan, minute, class).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Upper bounds of the latency buckets in microseconds: 20 log-spaced steps
/// from 0.1 ms to 30 s (ratio ≈ 1.94). Slower requests count in the last one.
pub const LATENCY_BUCKETS_US: [u64; 20] = [
    100, 194, 377, 733, 1_423, 2_763, 5_366, 10_420, 20_237, 39_303, 76_330, 148_240, 287_895, 559_119, 1_085_859,
    2_108_837, 4_095_554, 7_953_938, 15_447_269, 30_000_000,
];

/// Response status class. 1xx (protocol upgrades) counts as 2xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusClass {
    Success = 0,
    Redirection = 1,
    ClientError = 2,
    ServerError = 3,
    /// Refused by the gateway's rate limit or quota (429 without calling the backend). Kept
    /// apart from 4xx: such calls are neither billed nor counted against the quota.
    Limited = 4,
}

impl StatusClass {
    /// The four classes of HTTP status codes (what Prometheus metrics count).
    pub const HTTP: [StatusClass; 4] = [
        StatusClass::Success,
        StatusClass::Redirection,
        StatusClass::ClientError,
        StatusClass::ServerError,
    ];

    pub const ALL: [StatusClass; 5] = [
        StatusClass::Success,
        StatusClass::Redirection,
        StatusClass::ClientError,
        StatusClass::ServerError,
        StatusClass::Limited,
    ];

    pub fn of(status: u16) -> StatusClass {
        match status {
            300..=399 => StatusClass::Redirection,
            400..=499 => StatusClass::ClientError,
            500.. => StatusClass::ServerError,
            _ => StatusClass::Success,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusClass::Success => "2xx",
            StatusClass::Redirection => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
            StatusClass::Limited => "limited",
        }
    }
}

/// Fixed-bucket latency histogram (bounds in [`LATENCY_BUCKETS_US`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Histogram {
    pub buckets: [u64; 20],
    /// Sum of all observations, for the mean.
    pub sum_us: u64,
}

impl Histogram {
    /// The `q` quantile (0..=1) in microseconds, interpolated linearly inside its bucket;
    /// `None` without observations.
    pub fn quantile_us(&self, q: f64) -> Option<f64> {
        let n: u64 = self.buckets.iter().sum();
        if n == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * n as f64).max(1.0);
        let mut below = 0u64;
        for (i, &count) in self.buckets.iter().enumerate() {
            if count > 0 && (below + count) as f64 >= rank {
                let lower = if i == 0 { 0 } else { LATENCY_BUCKETS_US[i - 1] } as f64;
                let upper = LATENCY_BUCKETS_US[i] as f64;
                return Some(lower + (upper - lower) * ((rank - below as f64) / count as f64));
            }
            below += count;
        }
        Some(LATENCY_BUCKETS_US[LATENCY_BUCKETS_US.len() - 1] as f64)
    }

    pub fn observe(&mut self, d: Duration) {
        let us = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let idx = LATENCY_BUCKETS_US
            .iter()
            .position(|&b| us <= b)
            .unwrap_or(LATENCY_BUCKETS_US.len() - 1);
        self.buckets[idx] += 1;
        self.sum_us = self.sum_us.saturating_add(us);
    }

    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.buckets.iter_mut().zip(other.buckets.iter()) {
            *a += b;
        }
        self.sum_us = self.sum_us.saturating_add(other.sum_us);
    }
}

/// A histogram as stored: bucket counts (bounds in [`LATENCY_BUCKETS_US`]) and the sum.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct StoredHistogram {
    pub buckets: Vec<u64>,
    pub sum_us: u64,
}

impl From<&Histogram> for StoredHistogram {
    fn from(h: &Histogram) -> Self {
        StoredHistogram {
            buckets: h.buckets.to_vec(),
            sum_us: h.sum_us,
        }
    }
}

impl StoredHistogram {
    /// Add `other` bucket by bucket, keeping every bucket (readers fold extra ones into the last,
    /// as they do for a single row's).
    pub fn merge(&mut self, other: &StoredHistogram) {
        if self.buckets.len() < other.buckets.len() {
            self.buckets.resize(other.buckets.len(), 0);
        }
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a = a.saturating_add(*b);
        }
        self.sum_us = self.sum_us.saturating_add(other.sum_us);
    }

    /// Back to a histogram (unknown extra buckets are folded into the last one).
    pub fn to_histogram(&self) -> Histogram {
        let mut h = Histogram {
            sum_us: self.sum_us,
            ..Histogram::default()
        };
        let last = h.buckets.len() - 1;
        for (i, &count) in self.buckets.iter().enumerate() {
            h.buckets[i.min(last)] += count;
        }
        h
    }
}

/// One rollup row as reported by a gateway.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsageRecord {
    pub api_id: String,
    pub subscription_id: Option<String>,
    /// The subscription's plan when the calls were admitted.
    #[serde(default)]
    pub plan_id: Option<String>,
    pub minute: i64,
    pub status_class: String,
    pub requests: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    /// JSON of the latency histogram (bucket counts), gateway time.
    pub latency_total: String,
    /// JSON of the latency histogram, upstream time.
    pub latency_upstream: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_inside_buckets() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile_us(0.5), None);
        for _ in 0..100 {
            h.observe(Duration::from_micros(150)); // bucket (100, 194]
        }
        let p50 = h.quantile_us(0.5).unwrap();
        assert!((100.0..=194.0).contains(&p50), "{p50}");
        h.observe(Duration::from_millis(50)); // one slow call: (39_303, 76_330]
        let p99 = h.quantile_us(0.99).unwrap();
        assert!(p99 <= 194.0, "the 99th of 101 is still fast: {p99}");
        let max = h.quantile_us(1.0).unwrap();
        assert!((39_303.0..=76_330.0).contains(&max), "{max}");
    }
}
