//! webhook_endpoints, webhook_events, webhook_deliveries and webhook_attempts.
//!
//! Events are written by [`enqueue`] inside the transaction of the change they describe
//! (outbox pattern): an event, and its deliveries, exist if and only if the change committed.
//! The sender (`crate::control::webhook_sender`) claims due deliveries with a conditional UPDATE (a lease), so
//! several control-plane replicas never send the same attempt twice.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{Any, AssertSqlSafe, Transaction};

use super::{AuditEntry, PageQuery, Store, StoreError, StoreResult, audit};
use crate::domain::ids::{new_id, to_datetime};
use crate::domain::webhook::{self, DeliveryState};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookEndpointRow {
    pub id: String,
    pub org_id: String,
    pub url: String,
    pub description: String,
    /// JSON array of event type names; see [`WebhookEndpointRow::event_types`].
    pub event_types: String,
    pub enabled: i64,
    /// Encrypted (see `oauth::crypto::SecretBox::seal_bound`), never the plaintext.
    pub secret_sealed: Vec<u8>,
    pub secret_prefix: String,
    pub secret_rotated_at: Option<i64>,
    pub row_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl WebhookEndpointRow {
    pub fn is_enabled(&self) -> bool {
        self.enabled != 0
    }

    pub fn event_types(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }
}

/// What a caller sets on an endpoint (already validated).
#[derive(Debug, Clone)]
pub struct WebhookFields {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
}

/// A delivery with its event's type and its endpoint's organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookDeliveryRow {
    pub id: String,
    pub event_id: String,
    pub endpoint_id: String,
    pub event_type: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub resent_from: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
    pub org_id: String,
}

impl WebhookDeliveryRow {
    /// Still to be (re)tried: its next attempt time means something.
    pub fn is_pending(&self) -> bool {
        self.state() == Some(DeliveryState::Pending)
    }

    /// The state, read through the domain's type (`None` for a name it does not know).
    pub fn state(&self) -> Option<DeliveryState> {
        DeliveryState::parse(&self.state)
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookAttemptRow {
    pub attempt: i64,
    pub started_at: i64,
    pub duration_ms: i64,
    pub status: Option<i64>,
    pub error: Option<String>,
}

/// A delivery this sender holds a lease on: everything needed to send it.
#[derive(Clone, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: String,
    pub event_id: String,
    pub endpoint_id: String,
    /// Attempts made so far, this one included.
    pub attempts: i64,
    pub claim_token: String,
    pub url: String,
    pub secret_sealed: Vec<u8>,
    pub body: String,
}

impl std::fmt::Debug for ClaimedDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedDelivery")
            .field("id", &self.id)
            .field("event_id", &self.event_id)
            .field("endpoint_id", &self.endpoint_id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// The result of one attempt.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub started_at: i64,
    pub duration_ms: i64,
    pub status: Option<i64>,
    pub error: Option<String>,
    /// Pending again (then `next_attempt_at` is set), or final.
    pub state: DeliveryState,
    pub next_attempt_at: Option<i64>,
}

const ENDPOINT_COLUMNS: &str = "id, org_id, url, description, event_types, enabled, secret_sealed, secret_prefix,
    secret_rotated_at, row_version, created_at, updated_at";

const DELIVERY_SELECT: &str = "SELECT d.id, d.event_id, d.endpoint_id, v.event_type, d.state, d.attempts,
        d.next_attempt_at, d.last_status, d.last_error, d.resent_from, d.created_at, d.updated_at,
        d.completed_at, e.org_id
   FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id
   JOIN webhook_endpoints e ON e.id = d.endpoint_id";

/// The document POSTed to endpoints.
#[derive(Serialize)]
struct Envelope<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    created_at: DateTime<Utc>,
    org_id: &'a str,
    data: &'a serde_json::Value,
}

/// Record a webhook event of `org_id` and one pending delivery to each enabled endpoint of the
/// organization subscribed to `event_type` (one of `domain::webhook::EVENT_TYPES`). Call it
/// inside the transaction of the change the event describes, so the event exists if and only
/// if the change committed; the sender picks the deliveries up within `webhook_poll_interval`.
/// When no endpoint listens, nothing is written.
pub async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    org_id: &str,
    event_type: &str,
    data: &serde_json::Value,
    now: i64,
) -> StoreResult<()> {
    debug_assert!(
        webhook::EVENT_TYPES.contains(&event_type),
        "unknown webhook event type {event_type}"
    );
    let endpoints: Vec<(String, String)> =
        sqlx::query_as("SELECT id, event_types FROM webhook_endpoints WHERE org_id = $1 AND enabled = 1 ORDER BY id")
            .bind(org_id)
            .fetch_all(&mut **tx)
            .await?;
    let targets: Vec<String> = endpoints
        .into_iter()
        .filter(|(_, types)| {
            serde_json::from_str::<Vec<String>>(types).is_ok_and(|types| types.iter().any(|t| t == event_type))
        })
        .map(|(id, _)| id)
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let event_id = insert_event(tx, org_id, event_type, data, now).await?;
    for endpoint_id in &targets {
        insert_delivery(tx, &event_id, endpoint_id, None, now).await?;
    }
    Ok(())
}

async fn insert_event(
    tx: &mut Transaction<'_, Any>,
    org_id: &str,
    event_type: &str,
    data: &serde_json::Value,
    now: i64,
) -> StoreResult<String> {
    let id = new_id();
    let body = serde_json::to_string(&Envelope {
        id: &id,
        event_type,
        created_at: to_datetime(now),
        org_id,
        data,
    })
    .map_err(anyhow::Error::from)?;
    sqlx::query("INSERT INTO webhook_events (id, org_id, event_type, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(org_id)
        .bind(event_type)
        .bind(&body)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

async fn insert_delivery(
    tx: &mut Transaction<'_, Any>,
    event_id: &str,
    endpoint_id: &str,
    resent_from: Option<&str>,
    now: i64,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, state, attempts, next_attempt_at, resent_from,
                                         created_at, updated_at)
         VALUES ($1, $2, $3, 'pending', 0, $4, $5, $4, $4)",
    )
    .bind(&id)
    .bind(event_id)
    .bind(endpoint_id)
    .bind(now)
    .bind(resent_from)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

fn event_types_json(types: &[String]) -> String {
    serde_json::to_string(types).unwrap_or_else(|_| "[]".into())
}

impl Store {
    /// Create an endpoint. `id` is chosen by the caller because the sealed secret is bound to it.
    pub async fn insert_webhook(
        &self,
        id: &str,
        org_id: &str,
        f: &WebhookFields,
        secret_sealed: &[u8],
        secret_prefix: &str,
        entry: AuditEntry,
    ) -> StoreResult<WebhookEndpointRow> {
        let mut tx = self.begin_write().await?;
        let sql = AssertSqlSafe(format!(
            "INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, enabled, secret_sealed,
                                            secret_prefix, row_version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) RETURNING {ENDPOINT_COLUMNS}"
        ));
        let row: WebhookEndpointRow = sqlx::query_as(sql)
            .bind(id)
            .bind(org_id)
            .bind(&f.url)
            .bind(&f.description)
            .bind(event_types_json(&f.event_types))
            .bind(i64::from(f.enabled))
            .bind(secret_sealed)
            .bind(secret_prefix)
            .bind(self.now_ms())
            .fetch_one(&mut *tx)
            .await?;
        let mut entry = entry;
        entry.target_id = row.id.clone();
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn find_webhook(&self, id: &str) -> StoreResult<Option<WebhookEndpointRow>> {
        let sql = AssertSqlSafe(format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1"
        ));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    pub async fn list_webhooks(&self, org_id: &str, page: &PageQuery) -> StoreResult<Vec<WebhookEndpointRow>> {
        let sql = AssertSqlSafe(format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3"
        ));
        Ok(sqlx::query_as(sql)
            .bind(org_id)
            .bind(&page.after)
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn update_webhook(
        &self,
        id: &str,
        expected_version: Option<i64>,
        f: &WebhookFields,
        entry: AuditEntry,
    ) -> StoreResult<WebhookEndpointRow> {
        let mut tx = self.begin_write().await?;
        let sql = AssertSqlSafe(format!(
            "UPDATE webhook_endpoints SET url = $2, description = $3, event_types = $4, enabled = $5,
                    row_version = row_version + 1, updated_at = $6
              WHERE id = $1 AND ($7 < 0 OR row_version = $7)
              RETURNING {ENDPOINT_COLUMNS}"
        ));
        let row: Option<WebhookEndpointRow> = sqlx::query_as(sql)
            .bind(id)
            .bind(&f.url)
            .bind(&f.description)
            .bind(event_types_json(&f.event_types))
            .bind(i64::from(f.enabled))
            .bind(self.now_ms())
            .bind(expected_version.unwrap_or(-1))
            .fetch_optional(&mut *tx)
            .await?;
        audit::commit_versioned(tx, row, &entry, self.now_ms()).await
    }

    /// Replace the signing secret; the old one stops being used at once.
    pub async fn rotate_webhook_secret(
        &self,
        id: &str,
        secret_sealed: &[u8],
        secret_prefix: &str,
        entry: AuditEntry,
    ) -> StoreResult<WebhookEndpointRow> {
        let mut tx = self.begin_write().await?;
        let sql = AssertSqlSafe(format!(
            "UPDATE webhook_endpoints SET secret_sealed = $2, secret_prefix = $3, secret_rotated_at = $4,
                    row_version = row_version + 1, updated_at = $4
              WHERE id = $1 RETURNING {ENDPOINT_COLUMNS}"
        ));
        let row: Option<WebhookEndpointRow> = sqlx::query_as(sql)
            .bind(id)
            .bind(secret_sealed)
            .bind(secret_prefix)
            .bind(self.now_ms())
            .fetch_optional(&mut *tx)
            .await?;
        let row = row.ok_or(StoreError::NotFound("webhook"))?;
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Delete an endpoint with its deliveries and their attempts.
    pub async fn delete_webhook(&self, id: &str, entry: AuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        // Explicit deletes: the cascade is declared, but not every SQLite connection may have
        // foreign keys enabled (e.g. one opened by an operator's tool).
        sqlx::query(
            "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("webhook"));
        }
        audit::write(&mut tx, &entry, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An endpoint's deliveries, newest first, optionally only those in `state`.
    pub async fn list_webhook_deliveries(
        &self,
        endpoint_id: &str,
        state: Option<DeliveryState>,
        page: &PageQuery,
    ) -> StoreResult<Vec<WebhookDeliveryRow>> {
        let sql = AssertSqlSafe(format!(
            "{DELIVERY_SELECT} WHERE d.endpoint_id = $1 AND ($2 = '' OR d.state = $2) AND ($3 = '' OR d.id < $3)
              ORDER BY d.id DESC LIMIT $4"
        ));
        Ok(sqlx::query_as(sql)
            .bind(endpoint_id)
            .bind(state.map_or("", DeliveryState::as_str))
            .bind(&page.after)
            .bind(page.fetch_limit())
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn find_webhook_delivery(&self, id: &str) -> StoreResult<Option<WebhookDeliveryRow>> {
        let sql = AssertSqlSafe(format!("{DELIVERY_SELECT} WHERE d.id = $1"));
        Ok(sqlx::query_as(sql).bind(id).fetch_optional(&self.pool).await?)
    }

    /// The attempts of a delivery, in order.
    pub async fn list_webhook_attempts(&self, delivery_id: &str) -> StoreResult<Vec<WebhookAttemptRow>> {
        Ok(sqlx::query_as(
            "SELECT attempt, started_at, duration_ms, status, error FROM webhook_attempts
              WHERE delivery_id = $1 ORDER BY attempt, started_at",
        )
        .bind(delivery_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The JSON document an event sends.
    pub async fn webhook_event_body(&self, event_id: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar("SELECT body FROM webhook_events WHERE id = $1")
            .bind(event_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// A new pending delivery of the same event to the same endpoint.
    pub async fn resend_webhook_delivery(&self, id: &str) -> StoreResult<WebhookDeliveryRow> {
        let mut tx = self.begin_write().await?;
        let now = self.now_ms();
        let new = new_id();
        let done = sqlx::query(
            "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, state, attempts, next_attempt_at, resent_from,
                                             created_at, updated_at)
             SELECT $1, event_id, endpoint_id, 'pending', 0, $2, id, $2, $2 FROM webhook_deliveries WHERE id = $3",
        )
        .bind(&new)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("delivery"));
        }
        tx.commit().await?;
        self.find_webhook_delivery(&new)
            .await?
            .ok_or(StoreError::NotFound("delivery"))
    }

    /// A `ping` event for one endpoint, whatever it subscribes to.
    pub async fn insert_webhook_ping(&self, endpoint: &WebhookEndpointRow) -> StoreResult<WebhookDeliveryRow> {
        let mut tx = self.begin_write().await?;
        let now = self.now_ms();
        let data = serde_json::json!({
            "webhook_id": endpoint.id,
            "message": "Test event sent from Tollgate; it changes nothing.",
        });
        let event_id = insert_event(&mut tx, &endpoint.org_id, webhook::PING, &data, now).await?;
        let id = insert_delivery(&mut tx, &event_id, &endpoint.id, None, now).await?;
        tx.commit().await?;
        self.find_webhook_delivery(&id)
            .await?
            .ok_or(StoreError::NotFound("delivery"))
    }

    /// Claim up to `limit` due deliveries of enabled endpoints until `lease_until`. Each row is
    /// taken by an UPDATE conditioned on the `next_attempt_at` it was read with, so when several
    /// senders (replicas) race for a row exactly one wins. The attempt counter is raised here:
    /// an attempt whose sender dies still counts, so a delivery cannot loop forever.
    /// Deletes events older than `before` (epoch ms) with their deliveries and attempts, unless
    /// one of their deliveries is still pending or was made at or after `before` (a resend),
    /// in batches of `batch`; returns how many events went.
    pub async fn prune_webhook_events(&self, before: i64, batch: i64) -> StoreResult<u64> {
        let mut pruned = 0;
        loop {
            let n = sqlx::query(
                "DELETE FROM webhook_events WHERE id IN (
                    SELECT e.id FROM webhook_events e
                     WHERE e.created_at < $1
                       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                        WHERE d.event_id = e.id
                                          AND (d.state = $2 OR d.created_at >= $1))
                     LIMIT $3)",
            )
            .bind(before)
            .bind(DeliveryState::Pending.as_str())
            .bind(batch)
            .execute(&self.pool)
            .await?
            .rows_affected();
            pruned += n;
            if n < u64::try_from(batch).unwrap_or(0) {
                return Ok(pruned);
            }
        }
    }

    pub async fn claim_webhook_deliveries(
        &self,
        now: i64,
        limit: i64,
        lease_until: i64,
    ) -> StoreResult<Vec<ClaimedDelivery>> {
        let due: Vec<(String, i64)> = sqlx::query_as(
            "SELECT d.id, d.next_attempt_at FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND e.enabled = 1
              ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let token = new_id();
        let mut claimed = 0;
        for (id, seen_next) in &due {
            let done = sqlx::query(
                "UPDATE webhook_deliveries SET next_attempt_at = $3, claim_token = $4, attempts = attempts + 1,
                        updated_at = $5
                  WHERE id = $1 AND state = 'pending' AND next_attempt_at = $2",
            )
            .bind(id)
            .bind(seen_next)
            .bind(lease_until)
            .bind(&token)
            .bind(now)
            .execute(&self.pool)
            .await?;
            claimed += done.rows_affected();
        }
        if claimed == 0 {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as(
            "SELECT d.id, d.event_id, d.endpoint_id, d.attempts, d.claim_token, e.url, e.secret_sealed, v.body
               FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
               JOIN webhook_events v ON v.id = d.event_id
              WHERE d.claim_token = $1 ORDER BY d.id",
        )
        .bind(&token)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Record an attempt's outcome, if this sender still holds the lease (otherwise another
    /// sender has taken the delivery over, or the endpoint was deleted: nothing is written).
    pub async fn record_webhook_attempt(
        &self,
        claimed: &ClaimedDelivery,
        outcome: &AttemptOutcome,
    ) -> StoreResult<bool> {
        let now = self.now_ms();
        let mut tx = self.begin_write().await?;
        let completed_at = outcome.state.is_final().then_some(now);
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET state = $3, next_attempt_at = $4, claim_token = NULL, last_status = $5,
                    last_error = $6, updated_at = $7, completed_at = $8
              WHERE id = $1 AND claim_token = $2",
        )
        .bind(&claimed.id)
        .bind(&claimed.claim_token)
        .bind(outcome.state.as_str())
        .bind(outcome.next_attempt_at)
        .bind(outcome.status)
        .bind(outcome.error.as_deref())
        .bind(now)
        .bind(completed_at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO webhook_attempts (id, delivery_id, attempt, started_at, duration_ms, status, error)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(&claimed.id)
        .bind(claimed.attempts)
        .bind(outcome.started_at)
        .bind(outcome.duration_ms)
        .bind(outcome.status)
        .bind(outcome.error.as_deref())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
