//! Usage compaction: per-minute rollups older than `usage_compact_hourly_after` are merged into
//! one row per hour, and rows older than `usage_compact_daily_after` into one row per UTC day,
//! per (API, subscription, plan, status class): counters summed, latency histograms merged
//! bucket by bucket. Readers do not change: they already sum rows. A row's `span` says how many
//! minutes it covers from `minute` (1, 60 or 1440, aligned), so a row never crosses an hour or a
//! UTC day: every sum over a range whose edges are aligned to the spans inside it stays exact —
//! quota periods (UTC days and months), usage-export days, invoices (a billing period that a
//! level would cross turns that level off, see [`CompactionPolicy::new`]). Analytics refuses a
//! granularity finer than the rows of its range (http/analytics.rs).
//!
//! Nothing lost or counted twice, whatever crashes or runs alongside: one transaction per chunk
//! of an hour or day *deletes* rows finer than the target span with `RETURNING` and inserts
//! what it merged from exactly the rows it deleted. A crash rolls both back; a row that a
//! second compactor (another control-plane replica) deleted first is not returned here, so it
//! is merged once; a late row for an hour already compacted is merged by a later run into a
//! second row of that hour (sums do not care how many rows there are).

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::AssertSqlSafe;
use tokio_util::sync::CancellationToken;

use super::{Store, StoreResult};
use crate::domain::billing::BillingPeriod;
use crate::domain::ids::new_id;
use crate::domain::usage::StoredHistogram;

/// Minutes of an hourly row.
pub const HOUR: i64 = 60;
/// Minutes of a daily row (one UTC day).
pub const DAY: i64 = 1440;
/// The spans a row may have, finest first.
pub const SPANS: [i64; 3] = [1, HOUR, DAY];
/// The batch every compacted row references (migration 0010).
const COMPACTED_BATCH: &str = "tollgate:compacted";
/// Most rows one transaction deletes and merges: bounds its memory and its lock time. A bigger
/// hour or day takes several transactions (and may keep a few rows per key).
const CHUNK_ROWS: i64 = 20_000;
/// Shortest pause between two compaction transactions (see [`Store::compact_usage`]).
const MIN_PAUSE: Duration = Duration::from_millis(25);

/// When rows are compacted: `None` leaves a level off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactionPolicy {
    pub hourly_after: Option<Duration>,
    pub daily_after: Option<Duration>,
}

impl CompactionPolicy {
    /// The configured ages, with each level kept off when one of its rows could cross the edge
    /// of a billing period (invoices must stay exact): hourly rows need periods of whole hours,
    /// daily rows whole UTC days (calendar months always qualify).
    pub fn new(hourly_after: Duration, daily_after: Duration, billing: BillingPeriod) -> CompactionPolicy {
        let fits = |span: i64| match billing {
            BillingPeriod::Month => true,
            BillingPeriod::Every(secs) => secs % (span * 60) == 0,
        };
        CompactionPolicy {
            hourly_after: fits(HOUR).then_some(hourly_after),
            daily_after: fits(DAY).then_some(daily_after),
        }
    }

    /// For each level that is on, its span and the first minute it does not reach at `now_ms`:
    /// only whole spans that ended at least the configured age ago are compacted.
    pub fn cutoffs(&self, now_ms: i64) -> Vec<(i64, i64)> {
        // Days first: a year of backlog goes from minutes to days in one step.
        [(DAY, self.daily_after), (HOUR, self.hourly_after)]
            .into_iter()
            .filter_map(|(span, after)| {
                let after_ms = i64::try_from(after?.as_millis()).unwrap_or(i64::MAX);
                let before = now_ms.saturating_sub(after_ms).div_euclid(60_000);
                Some((span, before.div_euclid(span) * span))
            })
            .collect()
    }
}

/// What one compaction pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompactionReport {
    /// Transactions committed.
    pub chunks: u64,
    /// Rows deleted (merged).
    pub rows_in: u64,
    /// Rows inserted.
    pub rows_out: u64,
}

impl std::ops::AddAssign for CompactionReport {
    fn add_assign(&mut self, o: CompactionReport) {
        self.chunks += o.chunks;
        self.rows_in += o.rows_in;
        self.rows_out += o.rows_out;
    }
}

#[derive(sqlx::FromRow)]
struct Deleted {
    api_id: String,
    subscription_id: Option<String>,
    plan_id: Option<String>,
    status_class: String,
    requests: i64,
    bytes_in: i64,
    bytes_out: i64,
    latency_total: String,
    latency_upstream: String,
}

#[derive(Default)]
struct Merged {
    requests: i64,
    bytes_in: i64,
    bytes_out: i64,
    total: StoredHistogram,
    upstream: StoredHistogram,
}

/// Add a stored histogram (JSON) into `into`. JSON readers cannot parse is skipped, as they skip
/// it.
fn merge_histogram(into: &mut StoredHistogram, json: &str) {
    if let Ok(h) = serde_json::from_str::<StoredHistogram>(json) {
        into.merge(&h);
    }
}

impl Store {
    /// Merge every row finer than `span` (60 or 1440) in whole spans that end at or before
    /// `before` (epoch minutes), oldest first, one transaction per chunk; stops early (between
    /// transactions) when `stop` is cancelled. Running it again changes nothing.
    pub async fn compact_usage(
        &self,
        span: i64,
        before: i64,
        stop: &CancellationToken,
    ) -> StoreResult<CompactionReport> {
        debug_assert!(span == HOUR || span == DAY);
        let before = before.div_euclid(span) * span;
        let mut report = CompactionReport::default();
        while !stop.is_cancelled() {
            let Some(start) = self.next_uncompacted(span, before).await? else {
                break;
            };
            let began = std::time::Instant::now();
            report += self.compact_chunk(span, start).await?;
            // Let other writers in: on SQLite one that waits for the write lock retries every
            // 100 ms at most, and a compactor that took the lock again at once would starve it
            // (usage flushes, logins) through a long backlog. Holding it at most half the time,
            // with gaps of 25 ms or more, lets every waiter in well within busy_timeout.
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(began.elapsed().max(MIN_PAUSE)) => {}
            }
        }
        Ok(report)
    }

    /// The start of the oldest span before `before` that still holds finer rows.
    async fn next_uncompacted(&self, span: i64, before: i64) -> StoreResult<Option<i64>> {
        let mut oldest: Option<i64> = None;
        // One index seek per finer span (usage_rollups_by_span).
        for finer in SPANS.into_iter().filter(|&s| s < span) {
            let min: Option<i64> =
                sqlx::query_scalar("SELECT MIN(minute) FROM usage_rollups WHERE span = $1 AND minute < $2")
                    .bind(finer)
                    .bind(before)
                    .fetch_one(&self.pool)
                    .await?;
            oldest = match (oldest, min) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        Ok(oldest.map(|m| m.div_euclid(span) * span))
    }

    /// One transaction: delete up to [`CHUNK_ROWS`] rows finer than `span` in `[start, start +
    /// span)` and insert their merge.
    async fn compact_chunk(&self, span: i64, start: i64) -> StoreResult<CompactionReport> {
        let mut tx = self.begin_write().await?;
        let mut merged: BTreeMap<(String, Option<String>, Option<String>, String), Merged> = BTreeMap::new();
        let mut rows_in = 0u64;
        {
            // `span IN (1, 60)`, not `span < 1440`: an index seek per span on both databases.
            let finer: Vec<String> = SPANS.iter().filter(|&&s| s < span).map(i64::to_string).collect();
            let mut deleted = sqlx::query_as::<_, Deleted>(AssertSqlSafe(format!(
                "DELETE FROM usage_rollups WHERE id IN (
                     SELECT id FROM usage_rollups WHERE span IN ({}) AND minute >= $1 AND minute < $2 LIMIT $3)
                 RETURNING api_id, subscription_id, plan_id, status_class, requests, bytes_in, bytes_out,
                           latency_total, latency_upstream",
                finer.join(", ")
            )))
            .bind(start)
            .bind(start + span)
            .bind(CHUNK_ROWS)
            .fetch(&mut *tx);
            while let Some(r) = deleted.try_next().await? {
                rows_in += 1;
                let m = merged
                    .entry((r.api_id, r.subscription_id, r.plan_id, r.status_class))
                    .or_default();
                m.requests += r.requests;
                m.bytes_in += r.bytes_in;
                m.bytes_out += r.bytes_out;
                merge_histogram(&mut m.total, &r.latency_total);
                merge_histogram(&mut m.upstream, &r.latency_upstream);
            }
        }
        let rows: Vec<_> = merged.into_iter().collect();
        const COLS: usize = 13;
        const PER_STATEMENT: usize = 400;
        for chunk in rows.chunks(PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO usage_rollups (id, batch_id, api_id, subscription_id, plan_id, minute, span, status_class,
                                            requests, bytes_in, bytes_out, latency_total, latency_upstream) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let ph: Vec<String> = (1..=COLS).map(|k| format!("${}", i * COLS + k)).collect();
                sql.push('(');
                sql.push_str(&ph.join(", "));
                sql.push(')');
            }
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for ((api_id, subscription_id, plan_id, class), m) in chunk {
                q = q
                    .bind(new_id())
                    .bind(COMPACTED_BATCH)
                    .bind(api_id)
                    .bind(subscription_id.as_deref())
                    .bind(plan_id.as_deref())
                    .bind(start)
                    .bind(span)
                    .bind(class)
                    .bind(m.requests)
                    .bind(m.bytes_in)
                    .bind(m.bytes_out)
                    .bind(serde_json::to_string(&m.total).map_err(anyhow::Error::from)?)
                    .bind(serde_json::to_string(&m.upstream).map_err(anyhow::Error::from)?);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(CompactionReport {
            chunks: 1,
            rows_in,
            rows_out: rows.len() as u64,
        })
    }

    /// One pass of the policy at `now_ms`: days, then hours.
    pub async fn compact_usage_now(
        &self,
        policy: &CompactionPolicy,
        now_ms: i64,
        stop: &CancellationToken,
    ) -> StoreResult<CompactionReport> {
        let mut report = CompactionReport::default();
        for (span, before) in policy.cutoffs(now_ms) {
            report += self.compact_usage(span, before, stop).await?;
        }
        Ok(report)
    }

    /// The coarsest span of the rows in `[from, to)` (epoch minutes) coarser than `finer`, and
    /// where the rows of that span end: `None` when every row there is `finer` or finer.
    pub async fn usage_coarser_rows(&self, from: i64, to: i64, finer: i64) -> StoreResult<Option<(i64, i64)>> {
        let mut found: Option<(i64, i64)> = None;
        for span in SPANS.into_iter().filter(|&s| s > finer) {
            let last: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(minute) FROM usage_rollups WHERE span = $1 AND minute >= $2 AND minute < $3",
            )
            .bind(span)
            .bind(from)
            .bind(to)
            .fetch_one(&self.pool)
            .await?;
            if let Some(last) = last {
                let end = last + span;
                found = Some(found.map_or((span, end), |(s, e)| (s.max(span), e.max(end))));
            }
        }
        Ok(found)
    }

    /// The span of a stored row that covers `minute` but starts before it (a range edge there
    /// would cut the row), the coarsest first; `None` when `minute` cuts no row.
    pub async fn usage_row_cut_at(&self, minute: i64) -> StoreResult<Option<i64>> {
        for span in SPANS.into_iter().rev().filter(|&s| minute.rem_euclid(s) != 0) {
            let hit: Option<i64> =
                sqlx::query_scalar("SELECT span FROM usage_rollups WHERE span = $1 AND minute = $2 LIMIT 1")
                    .bind(span)
                    .bind(minute.div_euclid(span) * span)
                    .fetch_optional(&self.pool)
                    .await?;
            if hit.is_some() {
                return Ok(Some(span));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_that_would_cross_a_billing_period_stay_off() {
        let (h, d) = (Duration::from_secs(2 * 86_400), Duration::from_secs(35 * 86_400));
        let on = |b| {
            let p = CompactionPolicy::new(h, d, b);
            (p.hourly_after.is_some(), p.daily_after.is_some())
        };
        assert_eq!(on(BillingPeriod::Month), (true, true));
        assert_eq!(on(BillingPeriod::Every(7 * 86_400)), (true, true));
        assert_eq!(on(BillingPeriod::Every(6 * 3600)), (true, false));
        assert_eq!(on(BillingPeriod::Every(60)), (false, false));
        assert_eq!(on(BillingPeriod::Every(90 * 60)), (false, false));
    }

    #[test]
    fn cutoffs_are_whole_spans_at_least_the_age_old() {
        let p = CompactionPolicy {
            hourly_after: Some(Duration::from_secs(2 * 86_400)),
            daily_after: Some(Duration::from_secs(35 * 86_400)),
        };
        // 2026-12-07T13:52:30Z
        let now = 1_796_651_550_000_i64;
        let cuts = p.cutoffs(now);
        let now_min = now / 60_000;
        assert_eq!(cuts.len(), 2);
        let (day_span, day_cut) = cuts[0];
        let (hour_span, hour_cut) = cuts[1];
        assert_eq!((day_span, hour_span), (DAY, HOUR));
        assert_eq!(day_cut % DAY, 0);
        assert_eq!(hour_cut % HOUR, 0);
        assert!(now_min - day_cut >= 35 * DAY && now_min - day_cut < 36 * DAY);
        assert!(now_min - hour_cut >= 2 * DAY && now_min - hour_cut < 2 * DAY + HOUR);
    }

    #[test]
    fn merged_histograms_read_back_as_the_sum_of_their_parts() {
        let mut m = StoredHistogram::default();
        merge_histogram(&mut m, r#"{"buckets":[1,2,3],"sum_us":10}"#);
        merge_histogram(&mut m, "{}");
        merge_histogram(&mut m, r#"{"buckets":[0,0,0,0,5],"sum_us":7}"#);
        assert_eq!(m.buckets, vec![1, 2, 3, 0, 5]);
        assert_eq!(m.sum_us, 17);
        // More buckets than the gateway has: readers fold the extra ones into the last bucket,
        // merged or not.
        let mut wide = StoredHistogram::default();
        let long = format!(r#"{{"buckets":[{}],"sum_us":1}}"#, vec!["1"; 25].join(","));
        merge_histogram(&mut wide, &long);
        merge_histogram(&mut wide, &long);
        let one: StoredHistogram = serde_json::from_str(&long).unwrap();
        let mut twice = one.to_histogram();
        twice.merge(&one.to_histogram());
        assert_eq!(wide.to_histogram(), twice);
    }
}
