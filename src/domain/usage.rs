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

/// Joins stored histograms when a query aggregates them into one string (JSON never holds it
/// outside a string, and a stored histogram has none).
pub const STORED_SEPARATOR: char = ';';

impl Histogram {
    /// Adds every histogram of `stored`: one stored histogram's JSON, or several joined by
    /// [`STORED_SEPARATOR`]. The form the gateway writes is read without allocating; any other
    /// JSON goes through serde; a malformed one is skipped.
    pub fn add_stored(&mut self, stored: &str) {
        for one in stored.split(STORED_SEPARATOR) {
            if !self.add_compact(one)
                && let Ok(h) = serde_json::from_str::<StoredHistogram>(one)
            {
                self.merge(&h.to_histogram());
            }
        }
    }

    /// Reads `{"buckets":[…],"sum_us":…}` exactly as serde writes a [`StoredHistogram`]; false
    /// (and nothing added) for anything else. Extra buckets fold into the last, as in
    /// [`StoredHistogram::to_histogram`].
    fn add_compact(&mut self, json: &str) -> bool {
        let Some(rest) = json.strip_prefix(r#"{"buckets":["#) else {
            return false;
        };
        let Some((list, tail)) = rest.split_once(']') else {
            return false;
        };
        let Some(sum) = tail.strip_prefix(r#","sum_us":"#).and_then(|t| t.strip_suffix('}')) else {
            return false;
        };
        let Ok(sum) = sum.parse::<u64>() else {
            return false;
        };
        let mut counts = [0u64; 20];
        let last = counts.len() - 1;
        if !list.is_empty() {
            for (i, count) in list.split(',').enumerate() {
                let Ok(count) = count.parse::<u64>() else {
                    return false;
                };
                counts[i.min(last)] = counts[i.min(last)].saturating_add(count);
            }
        }
        for (a, b) in self.buckets.iter_mut().zip(counts) {
            *a = a.saturating_add(b);
        }
        self.sum_us = self.sum_us.saturating_add(sum);
        true
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

    #[test]
    fn stored_histograms_are_read_fast_or_through_serde_and_joined_ones_all_count() {
        let mut a = Histogram::default();
        a.observe(Duration::from_micros(150));
        a.observe(Duration::from_millis(40));
        let json = serde_json::to_string(&StoredHistogram::from(&a)).expect("json");
        // The fast path reads what serde writes.
        let mut fast = Histogram::default();
        assert!(fast.add_compact(&json));
        assert_eq!(fast.buckets, a.buckets);
        assert_eq!(fast.sum_us, a.sum_us);
        // Joined: three copies, one of them spaced (serde's path), one malformed (skipped).
        let spaced = json.replace(':', ": ");
        let joined =
            format!("{json}{STORED_SEPARATOR}{spaced}{STORED_SEPARATOR}{{\"buckets\":[1,x]}}{STORED_SEPARATOR}{json}");
        let mut sum = Histogram::default();
        sum.add_stored(&joined);
        let mut expected = Histogram::default();
        for _ in 0..3 {
            expected.merge(&a);
        }
        assert_eq!(sum.buckets, expected.buckets);
        assert_eq!(sum.sum_us, expected.sum_us);
        // More buckets than ours fold into the last; an empty list is no observation.
        let mut wide = Histogram::default();
        assert!(wide.add_compact(&format!(r#"{{"buckets":[{}],"sum_us":7}}"#, ["1"; 22].join(","))));
        assert_eq!(wide.buckets[19], 3);
        assert_eq!(wide.buckets.iter().sum::<u64>(), 22);
        let mut empty = Histogram::default();
        assert!(empty.add_compact(r#"{"buckets":[],"sum_us":0}"#));
        assert_eq!(empty.buckets.iter().sum::<u64>(), 0);
        // Anything else is not taken by the fast path.
        for bad in [
            r#"{"buckets":[1,2],"sum_us":-1}"#,
            r#"{"buckets":[1,,2],"sum_us":1}"#,
            r#"{"sum_us":1,"buckets":[1]}"#,
            "",
        ] {
            assert!(!Histogram::default().add_compact(bad), "{bad}");
        }
    }
}
