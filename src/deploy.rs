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
    /// The deployed revision's document as remote nodes fetch it (JSON),
    /// encoded while the embedded gateway's snapshot is built: a node that
    /// hears of a revision gets it without another read of the store.
    published: std::sync::Mutex<Option<Bytes>>,
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
            published: std::sync::Mutex::new(None),
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

    /// The snapshot document for remote nodes, as JSON: the deployed
    /// revision's (encoded when it was deployed), or the store's current
    /// one before anything was deployed.
    pub async fn document_json(&self) -> anyhow::Result<Bytes> {
        let published = self
            .published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        match published {
            Some(body) => Ok(body),
            None => Ok(Bytes::from(serde_json::to_vec(&self.document().await?)?)),
        }
    }

    /// The store's current snapshot document.
    async fn document(&self) -> anyhow::Result<SnapshotDoc> {
        let rows = self.store.deployment_rows().await?;
        let jwks = self.keys.ring().jwks().keys.clone();
        SnapshotDoc::from_rows(rows, jwks, self.config.issuer(), self.config.oauth_audience.clone())
    }

    /// Deploy the store's current revision if the gateway runs an older one. Returns the
    /// revision now served. Concurrent callers wait for one rebuild.
    pub async fn sync(&self) -> anyhow::Result<i64> {
        let _guard = self.lock.lock().await;
        let current = self.store.config_revision().await?;
        if current == self.deployed_revision() {
            return Ok(current);
        }
        let doc = Arc::new(self.document().await?);
        let revision = doc.revision;
        // Encoded for remote nodes while the embedded snapshot is built.
        let for_nodes = Arc::clone(&doc);
        let encoded = tokio::task::spawn_blocking(move || serde_json::to_vec(&*for_nodes));
        let snapshot = tokio::task::spawn_blocking(move || doc.to_snapshot()).await??;
        let report = self.gateway.swap(snapshot);
        for issue in &report.route_issues {
            tracing::warn!(?issue, "a resource could not be routed");
        }
        for (api, problem) in &report.endpoint_issues {
            tracing::warn!(api = %api, %problem, "an endpoint was left out");
        }
        let body = Bytes::from(encoded.await??);
        *self.published.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(body);
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
