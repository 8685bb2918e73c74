//! The in-memory limiter: the whole hot path when no Redis is configured, and the fallback (and
//! the keeper of the last shared quota count) when it is.

use std::hash::BuildHasher;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry as TableEntry;

use super::gcra::*;
use super::policy::*;

/// Number of independently locked shards (a power of two). 64 keeps the
/// chance that two of a handful of cores hit the same shard at the same time
/// small, while costing only 64 cache-line-sized mutexes.
pub const SHARDS: usize = 64;

/// A shard is not swept before it holds this many keys.
pub(super) const MIN_SWEEP_LEN: usize = 256;

/// Keys up to this many bytes are stored inside the entry (a ULID, or
/// `sub_` + ULID, fits); longer ones in a separate allocation.
pub(super) const INLINE_KEY: usize = 30;

/// In-memory limiter state: `SHARDS` × `Mutex<HashTable<KeyState>>`.
///
/// Why not `dashmap`/`papaya`: every check *writes* (it consumes), so
/// dashmap's per-shard `RwLock` buys nothing over a mutex, and its `entry()`
/// API wants an owned key, i.e. an allocation per call or a second lookup.
/// papaya is lock-free but updates values by copy-on-write, i.e. an allocation
/// per call for a compound state. Here a check hashes the `&str` once (that
/// hash picks the shard *and* the bucket), locks one uncontended futex, and
/// allocates only when a key is first seen. The critical section is a handful
/// of integer operations, so a plain mutex is the cheapest correct tool.
///
/// An entry is 64 bytes with short keys stored inline, so with many keys a
/// check costs two cache misses (control bytes + entry) instead of three.
///
/// Idle keys are swept lazily: when a shard has doubled in size since its last
/// sweep, keys with a replenished burst and no count in a live quota period are
/// dropped (amortised O(1) per call, memory bounded by about twice the active set).
pub struct LocalLimiter {
    hasher: foldhash::fast::RandomState,
    shards: Box<[Shard]>,
}

/// One shard, padded to its own cache lines so neighbours do not false-share.
#[repr(align(128))]
struct Shard(Mutex<ShardMap>);

struct ShardMap {
    table: HashTable<KeyState>,
    /// Sweep when `table.len()` reaches this.
    sweep_at: usize,
}

pub(super) struct KeyState {
    key: StoredKey,
    /// GCRA theoretical arrival time, ns since the Unix epoch.
    tat: u64,
    quota: QuotaState,
}

enum StoredKey {
    Inline { len: u8, bytes: [u8; INLINE_KEY] },
    Heap(Box<str>),
}

impl StoredKey {
    pub(super) fn new(key: &str) -> Self {
        match u8::try_from(key.len()) {
            Ok(len) if key.len() <= INLINE_KEY => {
                let mut bytes = [0; INLINE_KEY];
                bytes[..key.len()].copy_from_slice(key.as_bytes());
                StoredKey::Inline { len, bytes }
            }
            _ => StoredKey::Heap(key.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            StoredKey::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            StoredKey::Heap(key) => key.as_bytes(),
        }
    }
}

#[derive(Default)]
struct QuotaState {
    used: u64,
    /// Period `used` counts for, in days since the epoch (quota periods
    /// always start and end at midnight UTC), end exclusive.
    start_day: u32,
    end_day: u32,
    /// `None` before the first quota check.
    period: Option<QuotaPeriod>,
}

const NANOS_PER_DAY: u64 = SECS_PER_DAY * NANOS_PER_SEC;

impl QuotaState {
    /// Start counting the period of `period` containing `now` if this is not it (calendar
    /// math only then; otherwise two comparisons), and raise the count to `floor`.
    fn roll(&mut self, period: QuotaPeriod, now: u64, floor: Option<QuotaFloor>) {
        if self.period != Some(period) || now < self.start() || now >= self.end() {
            let (start, end) = period_bounds(period, now / NANOS_PER_SEC);
            let day = |secs: u64| u32::try_from(secs / SECS_PER_DAY).unwrap_or(u32::MAX);
            self.period = Some(period);
            self.start_day = day(start);
            self.end_day = day(end);
            self.used = 0;
        }
        if let Some(floor) = floor
            && floor.start_day == self.start_day
        {
            self.used = self.used.max(floor.used);
        }
    }

    pub(super) fn start(&self) -> u64 {
        u64::from(self.start_day).saturating_mul(NANOS_PER_DAY)
    }

    pub(super) fn end(&self) -> u64 {
        u64::from(self.end_day).saturating_mul(NANOS_PER_DAY)
    }
}

impl KeyState {
    fn is_idle(&self, now: u64) -> bool {
        self.tat <= now && (self.quota.used == 0 || self.quota.end() <= now)
    }
}

impl Default for LocalLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalLimiter {
    pub fn new() -> Self {
        let shards = (0..SHARDS)
            .map(|_| {
                Shard(Mutex::new(ShardMap {
                    table: HashTable::new(),
                    sweep_at: MIN_SWEEP_LEN,
                }))
            })
            .collect();
        Self {
            hasher: foldhash::fast::RandomState::default(),
            shards,
        }
    }

    /// Checks and (if admitted) consumes one unit for `key` at `now`.
    pub fn check(&self, key: &str, policy: &Policy, now: SystemTime) -> Decision {
        if let Some(decision) = stateless_decision(policy) {
            return decision;
        }
        let now = unix_nanos(now);
        self.with_state(key, now, |state| decide_local(state, policy, now))
    }

    /// The count `key` holds for `period` at `now`, first raised to `floor`: what a Redis
    /// check passes as its floor.
    pub(super) fn quota_floor(
        &self,
        key: &str,
        period: QuotaPeriod,
        floor: Option<QuotaFloor>,
        now: u64,
    ) -> QuotaFloor {
        self.with_state(key, now, |state| {
            let q = &mut state.quota;
            q.roll(period, now, floor);
            QuotaFloor {
                start_day: q.start_day,
                used: q.used,
            }
        })
    }

    fn with_state<R>(&self, key: &str, now: u64, f: impl FnOnce(&mut KeyState) -> R) -> R {
        let hash = self.hasher.hash_one(key.as_bytes());
        // hashbrown uses the low bits (bucket) and the top 7 bits (tag) of the
        // hash; bits 32.. are otherwise unused, so they pick the shard.
        let shard = &self.shards[(hash >> 32) as usize & (SHARDS - 1)];
        // A panic cannot happen while the lock is held (no user code, no
        // unchecked arithmetic), but if it ever did the state is still
        // consistent, so poisoning is ignored.
        let mut map = shard.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.maybe_sweep(now);
        // On growth the table rehashes stored keys (rare, amortised) rather
        // than storing each hash: that keeps an entry in one cache line.
        let hasher = &self.hasher;
        let state = match map.table.entry(
            hash,
            |s| s.key.as_bytes() == key.as_bytes(),
            |s| hasher.hash_one(s.key.as_bytes()),
        ) {
            TableEntry::Occupied(e) => e.into_mut(),
            TableEntry::Vacant(e) => e
                .insert(KeyState {
                    key: StoredKey::new(key),
                    tat: 0,
                    quota: QuotaState::default(),
                })
                .into_mut(),
        };
        f(state)
    }

    /// Number of keys currently tracked (idle keys linger until swept).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.0.lock().unwrap_or_else(PoisonError::into_inner).table.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every idle key now (e.g. from a periodic maintenance task).
    pub fn purge_idle(&self, now: SystemTime) {
        let now = unix_nanos(now);
        for shard in self.shards.iter() {
            shard.0.lock().unwrap_or_else(PoisonError::into_inner).sweep(now);
        }
    }
}

impl ShardMap {
    fn maybe_sweep(&mut self, now: u64) {
        if self.table.len() >= self.sweep_at {
            self.sweep(now);
        }
    }

    fn sweep(&mut self, now: u64) {
        self.table.retain(|s| !s.is_idle(now));
        self.sweep_at = self.table.len().saturating_mul(2).max(MIN_SWEEP_LEN);
    }
}

pub(super) fn decide_local(state: &mut KeyState, policy: &Policy, now: u64) -> Decision {
    let rate = policy.rate.as_ref().map(|spec| {
        let params = GcraParams::new(spec, spec.per.as_nanos(), u64::MAX / 4);
        gcra(state.tat, now, params)
    });

    let quota = policy.quota.as_ref().map(|spec| {
        let q = &mut state.quota;
        q.roll(spec.period, now, policy.quota_floor);
        let (start, end) = (q.start(), q.end());
        (
            spec.requests,
            q.used,
            end.saturating_sub(now),
            end.saturating_sub(start),
        )
    });

    let quota_ok = quota.is_none_or(|(limit, used, ..)| used < limit);
    let rate_ok = rate.is_none_or(|r| r.allowed);

    if quota_ok && rate_ok {
        if let Some(r) = &rate {
            state.tat = r.new_tat;
        }
        if quota.is_some() {
            state.quota.used += 1; // < limit <= u64::MAX, cannot overflow
        }
        return Decision::Allowed {
            rate_remaining: rate.map(|r| clamp_u32(r.remaining)),
            rate_reset: rate.map(|r| Duration::from_nanos(r.reset)),
            quota_remaining: quota.map(|(limit, used, ..)| limit - used - 1),
            quota_reset: quota.map(|(_, _, reset, _)| Duration::from_nanos(reset)),
            quota_window: quota.map(|(.., window)| Duration::from_nanos(window)),
        };
    }

    let rate_retry = rate.map_or(0, |r| r.retry);
    let (reason, retry) = match quota {
        Some((_, _, reset, _)) if !quota_ok => (Denied::QuotaExceeded, reset.max(rate_retry)),
        _ => (Denied::RateLimited, rate_retry),
    };
    Decision::Denied {
        reason,
        retry_after: Duration::from_nanos(retry),
        rate_remaining: rate.map(|r| clamp_u32(r.remaining_now)),
        rate_reset: rate.map(|r| Duration::from_nanos(r.reset_now)),
        quota_remaining: quota.map(|(limit, used, ..)| limit.saturating_sub(used)),
        quota_reset: quota.map(|(_, _, reset, _)| Duration::from_nanos(reset)),
        quota_window: quota.map(|(.., window)| Duration::from_nanos(window)),
    }
}

pub(super) fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}
