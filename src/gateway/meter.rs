//! In-memory usage accumulator: per (API, subscription, minute, status class)
//! request count, bytes in/out and two latency histograms.
//!
//! Recording must cost next to nothing on the hot path, so the accumulator is
//! split into shards, each a small hash map behind its own mutex, padded to
//! its own cache lines. Every thread sticks to one shard (picked round-robin
//! the first time it records), so with one Tokio worker per core the locks
//! are practically uncontended: a lock is one uncontended atomic pair, a hit
//! is one hash of a borrowed key (no allocation; the key is only cloned the
//! first time it appears in a minute).
//!
//! [`Meter::drain`] takes every shard's lock (always in index order, so it
//! cannot deadlock with another drain; a recorder only ever holds one lock)
//! and swaps the maps out. A concurrent record therefore lands either wholly
//! before the cut (in this batch) or wholly after it (in the next): nothing is
//! lost or counted twice.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use hashbrown::hash_map::EntryRef;
use hashbrown::{Equivalent, HashMap};

pub use crate::domain::usage::{Histogram, StatusClass};

/// The identity of one usage row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UsageKey {
    pub api_id: Arc<str>,
    /// `None` for calls without a subscription (open resources, prototypes).
    pub subscription_id: Option<Arc<str>>,
    /// The plan the subscription was on when the call was admitted (billing attributes usage
    /// to it exactly, also across a mid-minute plan change).
    pub plan_id: Option<Arc<str>>,
    /// Epoch minutes (UTC) of the request's start.
    pub minute: i64,
    pub class: StatusClass,
}

/// What one row has accumulated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageCounters {
    pub requests: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Gateway time: request received → response body finished.
    pub total_latency: Histogram,
    /// Upstream time: request sent → response head received (proxied calls only).
    pub upstream_latency: Histogram,
}

impl UsageCounters {
    fn merge(&mut self, other: &UsageCounters) {
        self.requests += other.requests;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        self.total_latency.merge(&other.total_latency);
        self.upstream_latency.merge(&other.upstream_latency);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    pub key: UsageKey,
    pub counters: UsageCounters,
}

/// One drained batch. `batch_id` is unique per process run (instance id +
/// sequence), so a receiver can make a retried flush idempotent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageBatch {
    pub batch_id: String,
    pub rows: Vec<UsageRow>,
}

/// One request's usage, as recorded.
#[derive(Debug, Clone, Copy)]
pub struct Usage<'a> {
    pub api_id: &'a str,
    pub subscription_id: Option<&'a str>,
    pub plan_id: Option<&'a str>,
    pub minute: i64,
    pub status: u16,
    /// Refused by the rate limit or quota.
    pub limited: bool,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub total: Duration,
    pub upstream: Option<Duration>,
}

/// Borrowed form of [`UsageKey`] for allocation-free lookups. Its `Hash`
/// must feed the hasher exactly what `UsageKey`'s does; both use `hash_parts`.
struct KeyRef<'a> {
    api_id: &'a str,
    subscription_id: Option<&'a str>,
    plan_id: Option<&'a str>,
    minute: i64,
    class: StatusClass,
}

fn hash_parts<H: Hasher>(h: &mut H, api: &str, sub: Option<&str>, plan: Option<&str>, minute: i64, class: StatusClass) {
    h.write(api.as_bytes());
    h.write_u8(0xff);
    for part in [sub, plan] {
        match part {
            Some(s) => {
                h.write_u8(1);
                h.write(s.as_bytes());
                h.write_u8(0xff);
            }
            None => h.write_u8(0),
        }
    }
    h.write_i64(minute);
    h.write_u8(class as u8);
}

impl Hash for UsageKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_parts(
            h,
            &self.api_id,
            self.subscription_id.as_deref(),
            self.plan_id.as_deref(),
            self.minute,
            self.class,
        );
    }
}

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        hash_parts(
            h,
            self.api_id,
            self.subscription_id,
            self.plan_id,
            self.minute,
            self.class,
        );
    }
}

impl Equivalent<UsageKey> for KeyRef<'_> {
    fn equivalent(&self, key: &UsageKey) -> bool {
        self.minute == key.minute
            && self.class == key.class
            && *self.api_id == *key.api_id
            && self.subscription_id == key.subscription_id.as_deref()
            && self.plan_id == key.plan_id.as_deref()
    }
}

type Shard = HashMap<UsageKey, UsageCounters, foldhash::fast::RandomState>;

/// Keeps each shard on its own cache lines.
#[repr(align(128))]
struct Padded<T>(T);

pub struct Meter {
    shards: Box<[Padded<Mutex<Shard>>]>,
    instance: u64,
    next_batch: AtomicU64,
}

impl std::fmt::Debug for Meter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meter")
            .field("shards", &self.shards.len())
            .finish_non_exhaustive()
    }
}

static NEXT_THREAD_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static THREAD_SLOT: usize = NEXT_THREAD_SLOT.fetch_add(1, Ordering::Relaxed);
}

fn lock(m: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    // A panic while holding the lock can only come from an allocation
    // failure; the map is still consistent, so keep using it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Meter {
    /// `shards == 0` picks 4 × the available parallelism.
    pub fn new(shards: usize, instance: u64) -> Meter {
        let n = if shards == 0 {
            std::thread::available_parallelism().map_or(4, |n| n.get()) * 4
        } else {
            shards
        };
        let shards = (0..n.max(1)).map(|_| Padded(Mutex::new(Shard::default()))).collect();
        Meter {
            shards,
            instance,
            next_batch: AtomicU64::new(0),
        }
    }

    pub fn record(&self, u: &Usage<'_>) {
        let slot = THREAD_SLOT.try_with(|s| *s).unwrap_or(0) % self.shards.len();
        let class = if u.limited {
            StatusClass::Limited
        } else {
            StatusClass::of(u.status)
        };
        let key = KeyRef {
            api_id: u.api_id,
            subscription_id: u.subscription_id,
            plan_id: u.plan_id,
            minute: u.minute,
            class,
        };
        let mut shard = lock(&self.shards[slot].0);
        let counters = match shard.entry_ref(&key) {
            EntryRef::Occupied(e) => e.into_mut(),
            // First request of this key in this minute: the only allocation.
            // The owned key is built from the same fields, so it is equivalent
            // to `key` (which `insert_with_key` requires).
            EntryRef::Vacant(e) => e.insert_with_key(
                UsageKey {
                    api_id: Arc::from(u.api_id),
                    subscription_id: u.subscription_id.map(Arc::from),
                    plan_id: u.plan_id.map(Arc::from),
                    minute: u.minute,
                    class,
                },
                UsageCounters::default(),
            ),
        };
        counters.requests += 1;
        counters.bytes_in += u.bytes_in;
        counters.bytes_out += u.bytes_out;
        counters.total_latency.observe(u.total);
        if let Some(up) = u.upstream {
            counters.upstream_latency.observe(up);
        }
    }

    /// Takes everything accumulated so far, as one batch (see module docs for
    /// why no record can be lost or double-counted).
    pub fn drain(&self) -> UsageBatch {
        let mut guards: Vec<MutexGuard<'_, Shard>> = self.shards.iter().map(|s| lock(&s.0)).collect();
        let taken: Vec<Shard> = guards
            .iter_mut()
            .map(|g| {
                let cap = g.len();
                std::mem::replace(&mut **g, Shard::with_capacity_and_hasher(cap, Default::default()))
            })
            .collect();
        let seq = self.next_batch.fetch_add(1, Ordering::Relaxed);
        drop(guards);

        let mut merged: HashMap<UsageKey, UsageCounters, foldhash::fast::RandomState> = HashMap::default();
        for shard in taken {
            for (k, c) in shard {
                merged.entry(k).or_default().merge(&c);
            }
        }
        let mut rows: Vec<UsageRow> = merged
            .into_iter()
            .map(|(key, counters)| UsageRow { key, counters })
            .collect();
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        UsageBatch {
            batch_id: format!("{:016x}-{seq}", self.instance),
            rows,
        }
    }

    /// Rows currently pending (for metrics).
    pub fn pending_rows(&self) -> usize {
        self.shards.iter().map(|s| lock(&s.0).len()).sum()
    }
}

/// A random 64-bit id for this process run (no extra dependency: std's
/// `RandomState` is seeded from the OS).
pub fn random_u64() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::AtomicBool;

    fn usage<'a>(api: &'a str, sub: Option<&'a str>, status: u16, minute: i64) -> Usage<'a> {
        Usage {
            api_id: api,
            subscription_id: sub,
            plan_id: None,
            minute,
            status,
            limited: false,
            bytes_in: 3,
            bytes_out: 5,
            total: Duration::from_micros(150),
            upstream: Some(Duration::from_micros(90)),
        }
    }

    #[test]
    fn histogram_buckets() {
        let mut h = Histogram::default();
        h.observe(Duration::from_micros(0));
        h.observe(Duration::from_micros(100));
        h.observe(Duration::from_micros(101));
        h.observe(Duration::from_secs(30));
        h.observe(Duration::from_secs(3600));
        assert_eq!(h.buckets[0], 2);
        assert_eq!(h.buckets[1], 1);
        assert_eq!(h.buckets[19], 2);
        assert_eq!(h.count(), 5);
    }

    #[test]
    fn rows_are_keyed_by_api_subscription_minute_and_class() {
        let m = Meter::new(4, 1);
        m.record(&usage("a", Some("s1"), 200, 10));
        m.record(&usage("a", Some("s1"), 204, 10));
        m.record(&usage("a", Some("s1"), 404, 10));
        m.record(&usage("a", Some("s1"), 200, 11));
        m.record(&usage("a", None, 200, 10));
        let batch = m.drain();
        assert_eq!(batch.rows.len(), 4);
        let row = batch
            .rows
            .iter()
            .find(|r| r.key.minute == 10 && r.key.class == StatusClass::Success && r.key.subscription_id.is_some())
            .expect("row");
        assert_eq!(row.counters.requests, 2);
        assert_eq!(row.counters.bytes_in, 6);
        assert_eq!(row.counters.bytes_out, 10);
        assert_eq!(row.counters.total_latency.count(), 2);
        assert_eq!(row.counters.upstream_latency.buckets[0], 2);
        assert!(m.drain().rows.is_empty());
        assert_ne!(batch.batch_id, m.drain().batch_id);
    }

    /// Many threads record while another drains in a loop: the drained totals
    /// must equal exactly what was recorded.
    #[test]
    fn concurrent_record_and_drain_loses_and_duplicates_nothing() {
        const THREADS: usize = 8;
        const PER_THREAD: u64 = 50_000;
        let m = Arc::new(Meter::new(0, 7));
        let done = Arc::new(AtomicBool::new(false));
        let drainer = {
            let m = Arc::clone(&m);
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut requests = 0u64;
                let mut bytes = 0u64;
                let mut batches = 0;
                loop {
                    let finished = done.load(Ordering::Acquire);
                    let b = m.drain();
                    batches += 1;
                    for r in &b.rows {
                        requests += r.counters.requests;
                        bytes += r.counters.bytes_out;
                        assert_eq!(r.counters.requests, r.counters.total_latency.count());
                    }
                    if finished {
                        return (requests, bytes, batches);
                    }
                    std::thread::yield_now();
                }
            })
        };
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let m = Arc::clone(&m);
                std::thread::spawn(move || {
                    let sub = format!("sub-{}", t % 3);
                    for i in 0..PER_THREAD {
                        let status = [200, 302, 404, 503][(i % 4) as usize];
                        m.record(&usage("api", Some(&sub), status, (i / 1000) as i64));
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("worker");
        }
        done.store(true, Ordering::Release);
        let (requests, bytes, batches) = drainer.join().expect("drainer");
        assert_eq!(requests, THREADS as u64 * PER_THREAD);
        assert_eq!(bytes, THREADS as u64 * PER_THREAD * 5);
        assert!(batches > 1, "the drainer must have run concurrently");
    }
}
