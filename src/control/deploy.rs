//! Control plane → gateways. The deployer turns the store's state into snapshots: it swaps a
//! new one into the embedded gateway as soon as a write commits (read-your-writes), tells
//! remote nodes about new revisions (SSE), follows other replicas (Postgres LISTEN/NOTIFY, and a
//! slow poll as a safety net) and flushes metered usage to the store in idempotent batches.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use jsonwebtoken::jwk::Jwk;

use tokio::sync::{Mutex, watch};
use tokio_util::sync::CancellationToken;

use crate::config::{Backend, Config};
use crate::domain::subscription::SubscriptionState;
use crate::gateway::Gateway;
use crate::gateway::protocol::{ApiDoc, KeyDoc, PlanDoc, QuotaUsedDoc, RevokedTokenDoc, SnapshotDoc, SubscriptionDoc};
use crate::gateway::usage::{PendingBatches, to_records};
use crate::oauth::manager::KeyManager;
use crate::store::{DeploymentRows, Store};

const NOTIFY_CHANNEL: &str = "tollgate_revision";

pub struct Deployer {
    store: Store,
    keys: Arc<KeyManager>,
    config: Arc<Config>,
    gateway: Arc<Gateway>,
    lock: Mutex<()>,
    revision: watch::Sender<i64>,
    /// The change that took the embedded gateway to the deployed revision, as nodes fetch it
    /// (base revision, JSON): every node that ran the previous revision asks for exactly this.
    last_change: std::sync::Mutex<Option<(i64, Bytes)>>,
    node_id: String,
}

impl std::fmt::Debug for Deployer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployer")
            .field("revision", &*self.revision.borrow())
            .finish()
    }
}

impl Deployer {
    pub fn new(store: Store, keys: Arc<KeyManager>, config: Arc<Config>, gateway: Arc<Gateway>) -> Deployer {
        Deployer {
            store,
            keys,
            config,
            gateway,
            lock: Mutex::new(()),
            revision: watch::channel(-1).0,
            last_change: std::sync::Mutex::new(None),
            node_id: format!("embedded-{}", crate::domain::ids::new_id()),
        }
    }

    pub fn gateway(&self) -> &Arc<Gateway> {
        &self.gateway
    }

    /// The revision the embedded gateway serves (-1 before the first snapshot).
    pub fn deployed_revision(&self) -> i64 {
        *self.revision.borrow()
    }

    /// Read-your-writes: deploys what writes of this process committed if the embedded gateway
    /// does not serve it yet (no database query when it does).
    pub async fn catch_up(&self) -> anyhow::Result<()> {
        if *self.store.committed().borrow() > self.deployed_revision() {
            self.sync().await?;
        }
        Ok(())
    }

    /// Revisions as they are deployed, for remote nodes' streams.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.revision.subscribe()
    }

    /// The snapshot document for remote nodes, as JSON: the changes after revision `since`, or
    /// the complete snapshot (no `since`, or one the store cannot be asked about).
    pub async fn document_json(&self, since: Option<i64>) -> anyhow::Result<Bytes> {
        let cached = self
            .last_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let (Some(since), Some((base, body))) = (since, cached)
            && since == base
        {
            return Ok(body);
        }
        let doc = self.document(since).await?;
        Ok(Bytes::from(
            tokio::task::spawn_blocking(move || serde_json::to_vec(&doc)).await??,
        ))
    }

    /// The store's current snapshot document: complete, or the changes after `since`.
    async fn document(&self, since: Option<i64>) -> anyhow::Result<SnapshotDoc> {
        let rows = self.store.deployment_rows(since).await?;
        let jwks = self.keys.ring().jwks().keys.clone();
        snapshot_doc(rows, jwks, self.config.issuer(), self.config.oauth_audience.clone())
    }

    /// Deploy the store's current revision if the gateway runs an older one: the changes since
    /// the deployed revision, applied to the running snapshot (the complete snapshot the first
    /// time). Returns the revision now served. Concurrent callers wait for one deployment.
    pub async fn sync(&self) -> anyhow::Result<i64> {
        let _guard = self.lock.lock().await;
        let current = self.store.config_revision().await?;
        let deployed = self.deployed_revision();
        if current == deployed {
            return Ok(current);
        }
        let running = self.gateway.snapshot();
        let since = (deployed >= 0 && running.revision == deployed).then_some(deployed);
        let doc = self.document(since).await?;
        let revision = doc.revision;
        let now = self.store.now_ms();
        let (snapshot, change) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let snapshot = doc.apply(&running, now)?;
            // A change is small: encode it once for the nodes that will ask for it.
            let change = match doc.base {
                Some(base) => Some((base, Bytes::from(serde_json::to_vec(&doc)?))),
                None => None,
            };
            Ok((snapshot, change))
        })
        .await??;
        let report = self.gateway.swap(snapshot);
        for issue in &report.route_issues {
            tracing::warn!(?issue, "a resource could not be routed");
        }
        for (api, problem) in &report.endpoint_issues {
            tracing::warn!(api = %api, %problem, "an endpoint was left out");
        }
        *self
            .last_change
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = change;
        self.revision.send_replace(revision);
        self.store
            .touch_gateway_node(&self.node_id, "embedded", revision)
            .await?;
        if self.store.backend() == Backend::Postgres {
            self.store.notify(NOTIFY_CHANNEL, &revision.to_string()).await?;
        }
        tracing::debug!(revision, "gateway snapshot deployed");
        Ok(revision)
    }

    /// Follow changes made elsewhere (other replicas, the CLI) until cancelled.
    pub async fn follow(self: Arc<Self>, shutdown: CancellationToken) {
        if self.store.backend() == Backend::Postgres {
            let me = Arc::clone(&self);
            let token = shutdown.clone();
            tokio::spawn(async move { me.listen(token).await });
        }
        // This process's commits arrive at once; other processes' (the CLI, SQLite replicas)
        // at the next poll.
        let mut committed = self.store.committed();
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                Ok(()) = committed.changed() => {}
                _ = tick.tick() => {}
            }
            if let Err(e) = self.sync().await {
                tracing::warn!(error = %format!("{e:#}"), "gateway sync failed");
            }
        }
    }

    /// LISTEN for revisions deployed by other replicas.
    async fn listen(&self, shutdown: CancellationToken) {
        loop {
            let listener = sqlx::postgres::PgListener::connect(self.config.database_url.expose()).await;
            let mut listener = match listener {
                Ok(mut l) => match l.listen(NOTIFY_CHANNEL).await {
                    Ok(()) => l,
                    Err(e) => {
                        tracing::warn!(error = %e, "LISTEN failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "cannot open a LISTEN connection; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    n = listener.recv() => match n {
                        Ok(n) => {
                            let theirs: i64 = n.payload().parse().unwrap_or(i64::MAX);
                            if theirs > self.deployed_revision() && let Err(e) = self.sync().await {
                                tracing::warn!(error = %format!("{e:#}"), "gateway sync failed");
                            }
                        }
                        Err(_) => break,
                    }
                }
            }
        }
    }

    /// Flush metered usage every `interval` until cancelled, then once more.
    pub async fn flush_usage(self: Arc<Self>, interval: Duration, shutdown: CancellationToken) {
        let mut pending = PendingBatches::default();
        let mut tick = tokio::time::interval(interval);
        loop {
            let stop = tokio::select! {
                () = shutdown.cancelled() => true,
                _ = tick.tick() => false,
            };
            pending.push(self.gateway.meter().drain());
            let me = &self;
            pending
                .deliver(|batch| async move {
                    let records = to_records(&batch.rows);
                    me.store
                        .record_usage_batch(&batch.batch_id, &me.node_id, &records)
                        .await
                        .map(|_| ())
                        .map_err(anyhow::Error::from)
                })
                .await;
            if stop {
                if !pending.is_empty() {
                    tracing::error!(batches = pending.len(), "usage could not be stored before shutdown");
                }
                return;
            }
        }
    }
}

/// The node protocol's snapshot document, assembled from the store's rows (complete or a
/// change) and the key manager's public keys.
fn snapshot_doc(
    rows: DeploymentRows,
    jwt_keys: Vec<Jwk>,
    issuer: String,
    audience: String,
) -> anyhow::Result<SnapshotDoc> {
    let (apis, plans) = match rows.catalog {
        Some(catalog) => {
            let mut resources: HashMap<String, Vec<(String, String, bool)>> = HashMap::new();
            for r in catalog.resources {
                let auth = r.requires_auth();
                resources.entry(r.api_id).or_default().push((r.method, r.path, auth));
            }
            let mut apis = Vec::with_capacity(catalog.apis.len());
            for row in catalog.apis {
                let f = row.fields()?;
                apis.push(ApiDoc {
                    resources: resources.remove(&row.id).unwrap_or_default(),
                    id: row.id,
                    context: f.context,
                    version: f.version,
                    is_default: f.is_default,
                    state: row.state,
                    endpoints: f.endpoints,
                    cors: f.cors,
                    connect_timeout_ms: f.connect_timeout_ms,
                    response_timeout_ms: f.response_timeout_ms,
                    sunset_at: f.sunset_at,
                    health_check: f.health_check,
                });
            }
            let parse = |s: &Option<String>| -> Option<serde_json::Value> {
                s.as_deref().and_then(|s| serde_json::from_str(s).ok())
            };
            let plans = catalog
                .plans
                .into_iter()
                .map(|p| PlanDoc {
                    rate_limit: parse(&p.rate_limit).and_then(|v| serde_json::from_value(v).ok()),
                    quota: parse(&p.quota).and_then(|v| serde_json::from_value(v).ok()),
                    id: p.id,
                })
                .collect();
            (Some(apis), Some(plans))
        }
        None => (None, None),
    };
    let mut quota_used: HashMap<String, QuotaUsedDoc> = rows
        .quota_used
        .into_iter()
        .map(|q| {
            let used = QuotaUsedDoc {
                period_start: q.period_start,
                requests: u64::try_from(q.requests).unwrap_or(0),
            };
            (q.subscription_id, used)
        })
        .collect();
    Ok(SnapshotDoc {
        revision: rows.revision,
        base: rows.since,
        apis,
        plans,
        keys: rows
            .keys
            .into_iter()
            .map(|k| KeyDoc {
                gone: !k.is_live(),
                id: k.id,
                application_id: k.application_id,
                hash: k.key_hash,
                expires_at: k.expires_at,
            })
            .collect(),
        subscriptions: rows
            .subscriptions
            .into_iter()
            .map(|s| SubscriptionDoc {
                active: s.state() == Some(SubscriptionState::Active),
                gone: !s.is_live(),
                quota_used: quota_used.remove(&s.id),
                id: s.id,
                application_id: s.application_id,
                api_id: s.api_id,
                plan_id: s.plan_id,
            })
            .collect(),
        jwt_issuer: issuer,
        jwt_audience: audience,
        jwt_keys,
        revoked_tokens: rows
            .revoked_tokens
            .into_iter()
            .map(|t| RevokedTokenDoc {
                jti: t.jti,
                expires_at: t.expires_at,
            })
            .collect(),
    })
}
