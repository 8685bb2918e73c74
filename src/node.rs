//! `tollgate gateway`: a data-plane node. It loads the control plane's snapshot, follows the
//! stream of new revisions (SSE), acknowledges what it applied, keeps serving its last snapshot
//! while the control plane is away, and reports metered usage in idempotent batches that it
//! keeps until the control plane confirms them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::gateway::Gateway;
use crate::gateway::protocol::{BaseMismatch, NodeAck, SnapshotDoc, UsageBatchRequest};
use crate::gateway::snapshot::Snapshot;
use crate::gateway::usage::{PendingBatches, to_records};

pub struct NodeOptions {
    pub control_plane: String,
    pub token: String,
    pub listen: SocketAddr,
    pub name: String,
}

struct Node {
    gateway: Arc<Gateway>,
    http: reqwest::Client,
    base: String,
    token: String,
    node_id: String,
    name: String,
}

pub async fn run(options: NodeOptions, config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("cannot listen on {}", options.listen))?;
    let gateway = Arc::new(crate::app::new_gateway(&config, crate::domain::clock::Clock::system()).await?);
    let node = Arc::new(Node {
        gateway: Arc::clone(&gateway),
        http: reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .context("HTTP client")?,
        base: options.control_plane.trim_end_matches('/').to_owned(),
        token: options.token,
        node_id: format!("node-{}", crate::domain::ids::new_id()),
        name: options.name,
    });
    let shutdown = CancellationToken::new();
    tokio::spawn(Arc::clone(&node).follow(shutdown.clone()));
    let flush_stop = CancellationToken::new();
    let flusher = tokio::spawn(Arc::clone(&node).flush(config.usage_flush_interval, flush_stop.clone()));

    tracing::info!(gateway = %format!("http://{}", listener.local_addr()?), control_plane = %node.base, node_id = %node.node_id, "gateway node started");
    let token = shutdown.clone();
    crate::gateway::serve_with_shutdown(gateway, listener, async move {
        crate::app::shutdown_signal().await;
        token.cancel();
    })
    .await
    .context("gateway listener failed")?;
    flush_stop.cancel();
    let _ = flusher.await;
    tracing::info!("gateway node stopped");
    Ok(())
}

impl Node {
    fn authed(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.bearer_auth(&self.token)
    }

    /// Follow the revision stream until cancelled, reconnecting with a short back-off.
    async fn follow(self: Arc<Self>, shutdown: CancellationToken) {
        loop {
            let outcome = tokio::select! {
                () = shutdown.cancelled() => return,
                r = self.follow_once() => r,
            };
            if let Err(e) = outcome {
                tracing::warn!(
                    error = %format!("{e:#}"),
                    revision = self.gateway.snapshot().revision,
                    "control plane unreachable; serving the last snapshot"
                );
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
            }
        }
    }

    async fn follow_once(&self) -> anyhow::Result<()> {
        let resp = self
            .authed(self.http.get(format!("{}/api/v1/gateway/stream", self.base)))
            .send()
            .await?
            .error_for_status()?;
        let mut stream = resp.bytes_stream();
        let mut buffer = String::new();
        while let Some(chunk) = stream.next().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk?));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                let revision = event
                    .lines()
                    .find_map(|l| l.strip_prefix("data:"))
                    .and_then(|d| d.trim().parse::<i64>().ok());
                if let Some(revision) = revision
                    && (revision != self.gateway.snapshot().revision || !self.gateway.is_loaded())
                {
                    self.load().await?;
                }
            }
        }
        anyhow::bail!("the revision stream ended")
    }

    /// Fetch and apply the changes since the running revision (the complete snapshot until one
    /// is loaded, or when the control plane cannot offer a change to it), then acknowledge.
    async fn load(&self) -> anyhow::Result<()> {
        let running = self.gateway.snapshot();
        let since = self.gateway.is_loaded().then_some(running.revision);
        let snapshot = match self.fetch(since, Arc::clone(&running)).await {
            Err(e) if e.is::<BaseMismatch>() => self.fetch(None, running).await?,
            other => other?,
        };
        let revision = snapshot.revision;
        self.gateway.swap(snapshot);
        tracing::info!(revision, since, "snapshot applied");
        self.authed(
            self.http
                .put(format!("{}/api/v1/gateway/nodes/{}", self.base, self.node_id)),
        )
        .json(&NodeAck {
            name: self.name.clone(),
            revision,
        })
        .timeout(Duration::from_secs(10))
        .send()
        .await?
        .error_for_status()?;
        Ok(())
    }

    /// The control plane's document (the changes after `since`, or complete) applied to
    /// `running`.
    async fn fetch(&self, since: Option<i64>, running: Arc<Snapshot>) -> anyhow::Result<Snapshot> {
        let mut url = format!("{}/api/v1/gateway/snapshot", self.base);
        if let Some(since) = since {
            url.push_str(&format!("?since={since}"));
        }
        let body = self
            .authed(self.http.get(url))
            .timeout(Duration::from_secs(30))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        // A complete snapshot with 100,000 keys is tens of MB: decoded and built off the
        // runtime's thread.
        let now = self.gateway.config().clock.now_ms();
        tokio::task::spawn_blocking(move || serde_json::from_slice::<SnapshotDoc>(&body)?.apply(&running, now)).await?
    }

    /// Report usage every `interval`; after `stop`, keep trying for a while to deliver the rest.
    async fn flush(self: Arc<Self>, interval: Duration, stop: CancellationToken) {
        let mut pending = PendingBatches::default();
        let mut tick = tokio::time::interval(interval);
        let mut deadline = None;
        loop {
            tokio::select! {
                () = stop.cancelled(), if deadline.is_none() => {
                    deadline = Some(tokio::time::Instant::now() + Duration::from_secs(10));
                }
                _ = tick.tick() => {}
            }
            pending.push(self.gateway.meter().drain());
            let me = &self;
            pending
                .deliver(|batch| async move {
                    let body = UsageBatchRequest {
                        rows: to_records(&batch.rows),
                        batch_id: batch.batch_id,
                        node_id: me.node_id.clone(),
                    };
                    me.authed(me.http.post(format!("{}/api/v1/gateway/usage", me.base)))
                        .json(&body)
                        .timeout(Duration::from_secs(10))
                        .send()
                        .await?
                        .error_for_status()?;
                    Ok(())
                })
                .await;
            if let Some(deadline) = deadline {
                if pending.is_empty() {
                    return;
                }
                if tokio::time::Instant::now() >= deadline {
                    tracing::error!(batches = pending.len(), "usage not delivered before shutdown");
                    return;
                }
            }
        }
    }
}
