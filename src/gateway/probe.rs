//! Active health checks. For each API that asks for them, one task per set of endpoints probes
//! every endpoint each interval — `GET {endpoint URL}{path}` on a connection of its own,
//! `Connection: close` — and reports each result to the balancer ([`Balancer::probed`]): a
//! status from 200 to 399 within the timeout passes, anything else fails. The task holds the
//! endpoints weakly: it ends once a swap has replaced them (other endpoints, another health
//! check) and no request uses them any more.
//!
//! [`Balancer::probed`]: super::balancer::Balancer::probed

use std::sync::{Arc, Weak};
use std::time::Duration;

use http::Method;

use super::forward::Target;
use super::h1;
use super::live::Upstreams;
use super::snapshot::ActiveCheck;

/// Probe `upstreams` by their health check, if they have one, until they are dropped (needs
/// a Tokio runtime; without one the checks are off and say so).
pub(super) fn start(upstreams: &Arc<Upstreams>) {
    let Some(check) = &upstreams.check else { return };
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(run(Arc::downgrade(upstreams), check.interval));
        }
        Err(_) => tracing::warn!("no async runtime: active health checks are off"),
    }
}

async fn run(upstreams: Weak<Upstreams>, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(up) = upstreams.upgrade() else { return };
        let Some(check) = &up.check else { return };
        let results = futures_util::future::join_all(up.targets.iter().map(|target| probe(target, check))).await;
        for (index, passed) in results.into_iter().enumerate() {
            if up
                .balancer
                .probed(index, passed, check.unhealthy_threshold, check.healthy_threshold)
                && let Some(target) = up.targets.get(index)
            {
                tracing::info!(endpoint = %target.authority, path = %check.path, passed, "health check changed an endpoint's state");
            }
        }
    }
}

/// One probe: whether the endpoint answered `GET {base}{path}` with 200–399 in time. The
/// exchange uses the gateway's own HTTP/1.1 codec (and its limits on what an answer may be).
async fn probe(target: &Target, check: &ActiveCheck) -> bool {
    let attempt = async {
        let mut conn = h1::Connection::new(target.connect(check.timeout).await.ok()?);
        conn.send_head(|out| {
            out.extend_from_slice(b"GET ");
            out.extend_from_slice(target.base_path.as_bytes());
            out.extend_from_slice(check.path.as_bytes());
            out.extend_from_slice(b" HTTP/1.1\r\n");
            h1::write_field(out, b"host", target.host.as_bytes());
            h1::write_field(out, b"user-agent", b"tollgate-health-check");
            h1::write_field(out, b"connection", b"close");
            out.extend_from_slice(b"\r\n");
        })
        .await
        .ok()?;
        conn.read_head(&Method::GET, false).await.ok().map(|head| head.status)
    };
    matches!(
        tokio::time::timeout(check.timeout, attempt).await,
        Ok(Some(status)) if status.is_success() || status.is_redirection()
    )
}
