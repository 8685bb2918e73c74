//! Control plane → gateways. The deployer turns the store's state into snapshots: it swaps a
//! new one into the embedded gateway as soon as a write commits (read-your-writes), tells
//! remote nodes about new revisions (SSE), follows other replicas (Postgres LISTEN/NOTIFY, and a
//! slow poll as a safety net) and flushes metered usage to the store in idempotent batches.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use tokio::sync::{Mutex, watch};
use tokio_util::sync::CancellationToken;

use crate::config::{Backend, Config};
use crate::gateway::Gateway;
use crate::gateway::doc::SnapshotDoc;
use crate::gateway::usage::{PendingBatches, to_records};
use crate::oauth::manager::KeyManager;
use crate::store::Store;

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
        SnapshotDoc::from_rows(rows, jwks, self.config.issuer(), self.config.oauth_audience.clone())
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
        let (snapshot, change) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let snapshot = doc.apply(&running)?;
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
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = tick.tick() => {
                    if let Err(e) = self.sync().await {
                        tracing::warn!(error = %format!("{e:#}"), "gateway sync failed");
                    }
                }
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
