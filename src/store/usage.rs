//! usage_batches, usage_rollups, gateway_nodes: what gateways report back.

use sqlx::AssertSqlSafe;

use super::{Store, StoreResult};
use crate::domain::ids::new_id;
use crate::domain::usage::UsageRecord;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct GatewayNodeRow {
    pub node_id: String,
    pub name: String,
    pub revision: i64,
    pub started_at: i64,
    pub last_seen: i64,
}

/// The rollups a quota counts: every call of the subscription except those refused by its limits
/// (a gateway consumes quota only for the calls its limiter admits, and only those carry the
/// subscription besides the refused ones).
pub(super) const COUNTS_TOWARD_QUOTA: &str = "status_class <> 'limited'";

/// For the subscriptions in a batch whose plan has a quota: when their calls in the current
/// quota period (UTC day or month; calls refused by limits not counted) reach it, announce
/// `quota.reached` once per subscription and period.
async fn announce_quotas_reached(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[UsageRecord],
    now: i64,
) -> StoreResult<()> {
    use crate::domain::plan::Quota;
    let mut subs: Vec<&str> = rows.iter().filter_map(|r| r.subscription_id.as_deref()).collect();
    subs.sort_unstable();
    subs.dedup();
    for sub in subs {
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT p.org_id, s.api_id, s.application_id, pl.id, pl.quota
               FROM subscriptions s JOIN plans pl ON pl.id = s.plan_id JOIN apis p ON p.id = s.api_id
              WHERE s.id = $1 AND pl.quota IS NOT NULL",
        )
        .bind(sub)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((org_id, api_id, application_id, plan_id, quota)) = row else {
            continue;
        };
        let Ok(quota) = serde_json::from_str::<Quota>(&quota) else {
            continue;
        };
        let start = quota.period.start_containing(now);
        let calls: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM usage_rollups
              WHERE subscription_id = $1 AND minute >= $2 AND {COUNTS_TOWARD_QUOTA}"
        )))
        .bind(sub)
        .bind(start.div_euclid(60_000))
        .fetch_one(&mut **tx)
        .await?;
        if u64::try_from(calls).unwrap_or(0) < quota.requests {
            continue;
        }
        let first = sqlx::query(
            "INSERT INTO quota_notices (subscription_id, period_start) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(sub)
        .bind(start)
        .execute(&mut **tx)
        .await?
        .rows_affected()
            == 1;
        if first {
            let data = serde_json::json!({
                "subscription_id": sub, "api_id": api_id, "application_id": application_id, "plan_id": plan_id,
                "quota": quota, "period_start": crate::domain::ids::to_datetime(start), "calls": calls,
            });
            super::webhooks::enqueue(tx, &org_id, crate::domain::webhook::QUOTA_REACHED, &data, now).await?;
        }
    }
    Ok(())
}

impl Store {
    /// Store a batch exactly once. Returns false when the batch id was seen before (a retry),
    /// in which case nothing is added.
    pub async fn record_usage_batch(&self, batch_id: &str, node_id: &str, rows: &[UsageRecord]) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let fresh = sqlx::query(
            "INSERT INTO usage_batches (batch_id, node_id, received_at, row_count) VALUES ($1, $2, $3, $4)
             ON CONFLICT (batch_id) DO NOTHING",
        )
        .bind(batch_id)
        .bind(node_id)
        .bind(self.now_ms())
        .bind(rows.len() as i64)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !fresh {
            return Ok(false);
        }
        const CHUNK: usize = 50;
        const COLS: usize = 12;
        for chunk in rows.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO usage_rollups (id, batch_id, api_id, subscription_id, plan_id, minute, status_class,
                                            requests, bytes_in, bytes_out, latency_total, latency_upstream) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * COLS;
                if i > 0 {
                    sql.push_str(", ");
                }
                let ph: Vec<String> = (1..=COLS).map(|k| format!("${}", b + k)).collect();
                sql.push('(');
                sql.push_str(&ph.join(", "));
                sql.push(')');
            }
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(new_id())
                    .bind(batch_id)
                    .bind(&r.api_id)
                    .bind(r.subscription_id.as_deref())
                    .bind(r.plan_id.as_deref())
                    .bind(r.minute)
                    .bind(&r.status_class)
                    .bind(r.requests)
                    .bind(r.bytes_in)
                    .bind(r.bytes_out)
                    .bind(&r.latency_total)
                    .bind(&r.latency_upstream);
            }
            q.execute(&mut *tx).await?;
        }
        announce_quotas_reached(&mut tx, rows, self.now_ms()).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Total requests recorded for a subscription (all time), or for calls without one to an API.
    pub async fn usage_requests(&self, api_id: &str, subscription_id: Option<&str>) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM usage_rollups
              WHERE api_id = $1 AND COALESCE(subscription_id, '') = $2",
        )
        .bind(api_id)
        .bind(subscription_id.unwrap_or(""))
        .fetch_one(&self.pool)
        .await?)
    }

    /// Record that a gateway node runs `revision` (heartbeat).
    pub async fn touch_gateway_node(&self, node_id: &str, name: &str, revision: i64) -> StoreResult<()> {
        let now = self.now_ms();
        sqlx::query(
            "INSERT INTO gateway_nodes (node_id, name, revision, started_at, last_seen) VALUES ($1, $2, $3, $4, $4)
             ON CONFLICT (node_id) DO UPDATE SET revision = excluded.revision, last_seen = excluded.last_seen,
                                                name = excluded.name",
        )
        .bind(node_id)
        .bind(name)
        .bind(revision)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn list_gateway_nodes(&self) -> StoreResult<Vec<GatewayNodeRow>> {
        Ok(
            sqlx::query_as("SELECT node_id, name, revision, started_at, last_seen FROM gateway_nodes ORDER BY node_id")
                .fetch_all(&self.pool)
                .await?,
        )
    }
}
