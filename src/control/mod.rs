//! The control plane's background workers, each a loop over the store until shutdown:
//!
//! - [`deploy`]: the deployer — follows the revision (in process, and Postgres NOTIFY from
//!   other replicas), swaps gateway snapshots, serves nodes' snapshot documents, flushes the
//!   embedded gateway's usage;
//! - [`biller`]: drafts and finalizes invoices of closed billing periods;
//! - [`webhook_sender`]: delivers webhook events with retries, prunes old ones;
//! - here: the usage compactor, the session sweeper and the signing-key reloader.
//!
//! Periodic ones follow an [`Every`]: a round at start, then one per interval; a round in
//! flight finishes at shutdown (long ones check the token themselves).

pub mod biller;
pub mod deploy;
pub mod webhook_sender;

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use crate::app::AppState;

/// A worker's schedule: [`Every::round`] returns at once, then once per interval, and false
/// once shutdown is cancelled. Rounds never overlap; a round that overran its interval is
/// followed by the next one an interval after it ended.
///
/// ```ignore
/// let mut every = Every::new(interval, shutdown.clone());
/// while every.round().await {
///     if work().await.is_err() {
///         every.retry_after(Duration::from_secs(60));
///     }
/// }
/// ```
pub struct Every {
    tick: tokio::time::Interval,
    shutdown: CancellationToken,
}

impl Every {
    pub fn new(interval: Duration, shutdown: CancellationToken) -> Every {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Every { tick, shutdown }
    }

    /// Waits for the next round; false once shutdown is cancelled.
    pub async fn round(&mut self) -> bool {
        tokio::select! {
            () = self.shutdown.cancelled() => false,
            _ = self.tick.tick() => !self.shutdown.is_cancelled(),
        }
    }

    /// The next round comes this soon (a failed round retried sooner than its interval).
    pub fn retry_after(&mut self, soon: Duration) {
        self.tick.reset_after(soon);
    }
}

/// How often the compactor looks for closed hours and days to compact.
const COMPACT_EVERY: Duration = Duration::from_secs(15 * 60);
/// When a compaction pass failed (a database away, or on SQLite a writer that held the lock
/// past busy_timeout), the next one comes this soon rather than at the next regular pass.
const COMPACT_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How often expired portal sessions are removed.
const SWEEP_SESSIONS_EVERY: Duration = Duration::from_secs(3600);
/// How often signing keys are read again (rotated by another replica or by
/// `tollgate admin rotate-signing-key`).
const RELOAD_KEYS_EVERY: Duration = Duration::from_secs(30);

/// Starts the biller, the webhook sender, the compactor, the session sweeper and the key
/// reloader; each ends when `shutdown` is cancelled. (The deployer's tasks are started with the
/// listeners, whose shutdown order they follow.)
pub fn spawn_workers(state: &AppState, shutdown: &CancellationToken) -> Vec<JoinHandle<anyhow::Result<()>>> {
    let mut tasks = Vec::new();
    tasks.push(tokio::spawn(biller::run(
        state.store.clone(),
        std::sync::Arc::clone(&state.config),
        shutdown.clone(),
    )));
    tasks.push(tokio::spawn(
        std::sync::Arc::clone(&state.webhooks).run(shutdown.clone()),
    ));

    let (store, policy, token) = (state.store.clone(), state.config.usage_compaction(), shutdown.clone());
    if policy.hourly_after.is_none() || policy.daily_after.is_none() {
        tracing::info!(
            hourly = policy.hourly_after.is_some(),
            daily = policy.daily_after.is_some(),
            "usage compaction partly off: billing_period is not a whole number of hours or days, and compacted \
             rows must not cross an invoice's period"
        );
    }
    tasks.push(tokio::spawn(async move {
        let mut every = Every::new(COMPACT_EVERY, token.clone());
        while every.round().await {
            // A pass stops between two transactions at shutdown.
            match store.compact_usage_now(&policy, store.now_ms(), &token).await {
                Ok(r) if r.rows_in > 0 => tracing::info!(
                    rows_in = r.rows_in,
                    rows_out = r.rows_out,
                    transactions = r.chunks,
                    "usage rollups compacted"
                ),
                Ok(_) => {}
                Err(e) => {
                    let retry_in_secs = COMPACT_RETRY_AFTER.as_secs();
                    tracing::warn!(error = %e, retry_in_secs, "compacting usage rollups failed");
                    every.retry_after(COMPACT_RETRY_AFTER);
                }
            }
        }
        Ok(())
    }));

    let mut every = Every::new(SWEEP_SESSIONS_EVERY, shutdown.clone());
    let store = state.store.clone();
    tasks.push(tokio::spawn(async move {
        while every.round().await {
            match store.delete_expired_sessions().await {
                Ok(n) if n > 0 => tracing::debug!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "removing expired sessions failed"),
            }
        }
        Ok(())
    }));

    let mut every = Every::new(RELOAD_KEYS_EVERY, shutdown.clone());
    let keys = std::sync::Arc::clone(&state.keys);
    tasks.push(tokio::spawn(async move {
        while every.round().await {
            if let Err(e) = keys.reload().await {
                tracing::warn!(error = %format!("{e:#}"), "reloading signing keys failed");
            }
        }
        Ok(())
    }));
    tasks
}
