//! The webhook sender: a background task that claims due deliveries in small batches (a lease
//! in the store, safe with several control-plane replicas), POSTs each event to its endpoint
//! signed with the endpoint's secret (`domain::webhook` documents the headers), and records
//! every attempt. 2xx is success; anything else — another status, a redirect (never followed),
//! a timeout, a connection error — is retried with exponential backoff and jitter until
//! `webhook_max_attempts`, then the delivery is `failed`. Deliveries of a disabled endpoint wait.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::webhook::{self, AttemptResult, DeliveryState};
use crate::oauth::crypto::SecretBox;
use crate::store::{AttemptOutcome, ClaimedDelivery, Store};

/// Deliveries claimed per round; each round sends them concurrently.
const BATCH: i64 = 16;
/// How often the sender removes events older than `webhook_retention`.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Longest wait between two retries, whatever the base delay and attempt count.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(6 * 3600);
/// Response bytes read (for the error message of a failed attempt); the rest is dropped.
const MAX_RESPONSE_BYTES: usize = 1024;
/// Characters kept of an error message.
const MAX_ERROR_CHARS: usize = 300;

/// Sends webhook deliveries. Cheap to share (`Arc`).
pub struct Sender {
    store: Store,
    secrets: Arc<SecretBox>,
    http: reqwest::Client,
    retry_base_delay: Duration,
    max_attempts: u32,
    request_timeout: Duration,
    poll_interval: Duration,
    allow_private_networks: bool,
    retention: Duration,
    wake: Notify,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("max_attempts", &self.max_attempts)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

/// The AES-GCM context a secret is sealed under: it opens only for this endpoint.
fn secret_context(endpoint_id: &str) -> String {
    format!("webhook-secret:{endpoint_id}")
}

impl Sender {
    pub fn new(store: Store, secrets: Arc<SecretBox>, config: &Config) -> anyhow::Result<Sender> {
        let mut http = reqwest::Client::builder();
        if !config.webhook_allow_private_networks {
            http = http.dns_resolver(Arc::new(PublicOnly));
        }
        let http = http
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.webhook_request_timeout)
            .connect_timeout(config.webhook_request_timeout)
            .user_agent(concat!("Tollgate-Webhooks/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .context("building the webhook HTTP client")?;
        Ok(Sender {
            store,
            secrets,
            http,
            retry_base_delay: config.webhook_retry_base_delay,
            max_attempts: config.webhook_max_attempts,
            request_timeout: config.webhook_request_timeout,
            poll_interval: config.webhook_poll_interval,
            allow_private_networks: config.webhook_allow_private_networks,
            retention: config.webhook_retention,
            wake: Notify::new(),
        })
    }

    /// Encrypt an endpoint's signing secret for storage.
    pub fn seal_secret(&self, endpoint_id: &str, secret: &str) -> anyhow::Result<Vec<u8>> {
        self.secrets.seal_bound(&secret_context(endpoint_id), secret.as_bytes())
    }

    fn open_secret(&self, endpoint_id: &str, sealed: &[u8]) -> anyhow::Result<String> {
        let plain = self
            .secrets
            .open_bound(&secret_context(endpoint_id), sealed)
            .context("cannot decrypt the endpoint's signing secret (was secret_key changed?)")?;
        String::from_utf8(plain).context("the signing secret is not UTF-8")
    }

    /// Look for due deliveries now rather than at the next poll (after a re-send or a test).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Send due deliveries until cancelled. A round that was interrupted by the cancellation
    /// finishes first (each request is bounded by `webhook_request_timeout`).
    pub async fn run(self: Arc<Self>, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut last_prune: Option<Instant> = None;
        loop {
            if last_prune.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                last_prune = Some(Instant::now());
                self.prune().await;
            }
            let full = match self.round().await {
                Ok(n) => n as i64 == BATCH,
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "webhook delivery round failed");
                    false
                }
            };
            if full {
                if shutdown.is_cancelled() {
                    return Ok(());
                }
                continue;
            }
            tokio::select! {
                () = shutdown.cancelled() => return Ok(()),
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }

    /// Deletes settled events older than `webhook_retention`, with their deliveries.
    async fn prune(&self) {
        let keep_ms = i64::try_from(self.retention.as_millis()).unwrap_or(i64::MAX / 4);
        match self
            .store
            .prune_webhook_events(self.store.now_ms() - keep_ms, 1_000)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "old webhook events and deliveries removed"),
            Err(e) => tracing::warn!(error = %e, "removing old webhook events failed"),
        }
    }

    /// Claim one batch of due deliveries and attempt each; returns how many were claimed.
    pub async fn round(&self) -> anyhow::Result<usize> {
        let now = self.store.now_ms();
        // The lease outlives the request timeout comfortably; a sender that dies mid-attempt
        // releases its deliveries when the lease runs out.
        let lease = self.request_timeout.saturating_mul(2) + Duration::from_secs(30);
        let lease_until = now + i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 4);
        let claimed = self.store.claim_webhook_deliveries(now, BATCH, lease_until).await?;
        let n = claimed.len();
        futures_util::future::join_all(claimed.into_iter().map(|c| self.attempt(c))).await;
        Ok(n)
    }

    async fn attempt(&self, claimed: ClaimedDelivery) {
        let started_at = self.store.now_ms();
        let clock = Instant::now();
        let attempts = u32::try_from(claimed.attempts).unwrap_or(u32::MAX);
        let (status, error) = if attempts > self.max_attempts {
            // Claimed again after a sender died during the last allowed attempt.
            (
                None,
                Some("no attempts left (the last attempt was interrupted)".to_owned()),
            )
        } else {
            match self.open_secret(&claimed.endpoint_id, &claimed.secret_sealed) {
                Ok(secret) => self.post(&claimed, &secret).await,
                Err(e) => (None, Some(format!("{e:#}"))),
            }
        };
        let duration_ms = i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX);
        let delivered = error.is_none() && status.is_some_and(|s| (200..300).contains(&s));
        let result = AttemptResult::of(delivered, attempts, self.max_attempts);
        // A claimed delivery is pending, and every result moves a pending one.
        let new_state = DeliveryState::Pending.after(result).unwrap_or(DeliveryState::Failed);
        let next_attempt_at = (result == AttemptResult::Retry).then(|| {
            let delay = webhook::backoff(self.retry_base_delay, attempts, MAX_RETRY_DELAY, rand::random::<f64>());
            self.store.now_ms() + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 4)
        });
        let error = error.map(|e| webhook::truncate_message(&e, MAX_ERROR_CHARS));
        tracing::debug!(
            delivery = %claimed.id, event = %claimed.event_id, attempt = attempts, ?status,
            error = error.as_deref().unwrap_or(""), state = new_state.as_str(), "webhook attempt"
        );
        let outcome = AttemptOutcome {
            started_at,
            duration_ms,
            status,
            error,
            state: new_state,
            next_attempt_at,
        };
        match self.store.record_webhook_attempt(&claimed, &outcome).await {
            Ok(true) => {
                if new_state == DeliveryState::Failed {
                    tracing::warn!(delivery = %claimed.id, endpoint = %claimed.endpoint_id, attempts, "webhook delivery failed for good");
                }
            }
            Ok(false) => tracing::debug!(delivery = %claimed.id, "webhook lease lost; attempt not recorded"),
            Err(e) => tracing::warn!(delivery = %claimed.id, error = %e, "recording a webhook attempt failed"),
        }
    }

    /// POST the event; the HTTP status (if any response came) and an error message unless the
    /// status is 2xx.
    async fn post(&self, claimed: &ClaimedDelivery, secret: &str) -> (Option<i64>, Option<String>) {
        let timestamp = self.store.now_ms().div_euclid(1000);
        let body = claimed.body.as_bytes();
        let signature = webhook::signature(secret, timestamp, body);
        // A name is resolved by `PublicOnly`; an address in the URL is checked here.
        if !self.allow_private_networks
            && let Some(ip) = literal_ip(&claimed.url).filter(|ip| webhook::is_internal(*ip))
        {
            return (None, Some(refusal(ip)));
        }
        let sent = self
            .http
            .post(&claimed.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(webhook::HEADER_ID, &claimed.event_id)
            .header(webhook::HEADER_TIMESTAMP, timestamp.to_string())
            .header(webhook::HEADER_SIGNATURE, signature)
            .body(claimed.body.clone())
            .send()
            .await;
        let mut resp = match sent {
            Ok(resp) => resp,
            // Without the URL: it may carry a token in its query string.
            Err(e) => return (None, Some(describe(&e.without_url()))),
        };
        let status = resp.status();
        if status.is_success() {
            return (Some(i64::from(status.as_u16())), None);
        }
        let mut snippet = Vec::new();
        while snippet.len() < MAX_RESPONSE_BYTES {
            match resp.chunk().await {
                Ok(Some(chunk)) => snippet.extend_from_slice(&chunk),
                Ok(None) | Err(_) => break,
            }
        }
        snippet.truncate(MAX_RESPONSE_BYTES);
        let mut message = format!("HTTP {}", status.as_u16());
        if status.is_redirection() {
            message.push_str(" (redirects are not followed)");
        }
        let text = String::from_utf8_lossy(&snippet);
        let text = text.trim();
        if !text.is_empty() {
            message.push_str(": ");
            message.push_str(text);
        }
        (Some(i64::from(status.as_u16())), Some(message))
    }
}

/// Resolves webhook hosts without their internal addresses ([`webhook::is_internal`]): a
/// name that resolves only to such addresses fails to connect. Checked on every delivery after
/// resolution, so a name whose answer changes after the endpoint was created (DNS rebinding)
/// does not get around it.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = all.iter().copied().filter(|a| !webhook::is_internal(a.ip())).collect();
            match (public.is_empty(), all.first()) {
                (true, Some(internal)) => Err(refusal(internal.ip()).into()),
                _ => Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

/// Why a webhook may not go to `ip`: the one wording for a refused endpoint and a refused delivery.
pub fn refusal(ip: IpAddr) -> String {
    format!(
        "refused: the URL leads to {ip}, an internal address (loopback, private, link-local, multicast \
         or unspecified); the operator can allow these with webhook_allow_private_networks"
    )
}

/// The host of `url` when it is an IP address.
fn literal_ip(url: &str) -> Option<IpAddr> {
    let uri: http::Uri = url.parse().ok()?;
    let host = uri.host()?;
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// The first internal address `url` leads to — its own, or one its host resolves to now —
/// for refusing an endpoint when it is created or changed. A name that does not resolve yet
/// is let through: every delivery checks again.
pub async fn internal_destination(url: &str) -> Option<IpAddr> {
    if let Some(ip) = literal_ip(url) {
        return webhook::is_internal(ip).then_some(ip);
    }
    let uri: http::Uri = url.parse().ok()?;
    let host = uri.host()?;
    let addrs = tokio::net::lookup_host((host, 0)).await.ok()?;
    addrs.map(|a| a.ip()).find(|ip| webhook::is_internal(*ip))
}

/// An error and its causes on one line.
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection failed".to_owned()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
