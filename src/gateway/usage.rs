//! Moving metered usage out of the gateway: drained batches are kept, in order, until the
//! receiver (the store, or the control plane for a remote node) confirms them. A batch keeps its
//! id across retries, so a retried delivery is never counted twice.

use std::future::Future;

use super::meter::{UsageBatch, UsageRow};
use crate::domain::usage::{StoredHistogram, UsageRecord};

/// Batches waiting for delivery.
#[derive(Debug, Default)]
pub struct PendingBatches {
    queue: std::collections::VecDeque<UsageBatch>,
}

impl PendingBatches {
    pub fn push(&mut self, batch: UsageBatch) {
        if !batch.rows.is_empty() {
            self.queue.push_back(batch);
        }
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Deliver in order; stop at the first failure (it is retried next time, same id).
    pub async fn deliver<F, Fut>(&mut self, mut send: F)
    where
        F: FnMut(UsageBatch) -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        while let Some(batch) = self.queue.front() {
            match send(batch.clone()).await {
                Ok(()) => {
                    self.queue.pop_front();
                }
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), pending = self.queue.len(), "usage delivery failed; will retry");
                    return;
                }
            }
        }
    }
}

/// Rows as reported to the control plane and kept by the store.
pub fn to_records(rows: &[UsageRow]) -> Vec<UsageRecord> {
    rows.iter()
        .map(|r| UsageRecord {
            api_id: r.key.api_id.to_string(),
            subscription_id: r.key.subscription_id.as_ref().map(|s| s.to_string()),
            plan_id: r.key.plan_id.as_ref().map(|s| s.to_string()),
            minute: r.key.minute,
            status_class: r.key.class.as_str().to_owned(),
            requests: r.counters.requests as i64,
            bytes_in: r.counters.bytes_in as i64,
            bytes_out: r.counters.bytes_out as i64,
            latency_total: serde_json::to_string(&StoredHistogram::from(&r.counters.total_latency))
                .unwrap_or_else(|_| "{}".into()),
            latency_upstream: serde_json::to_string(&StoredHistogram::from(&r.counters.upstream_latency))
                .unwrap_or_else(|_| "{}".into()),
        })
        .collect()
}
