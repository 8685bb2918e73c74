//! Active health checks. For each API that asks for them, one task per set of endpoints probes
//! every endpoint each interval — `GET {endpoint URL}{path}` on a connection of its own,
//! `Connection: close` — and reports each result to the balancer ([`Balancer::probed`]): a
//! status from 200 to 399 within the timeout passes, anything else fails. The task holds the
//! endpoints weakly: it ends once a swap has replaced them (other endpoints, another health
//! check) and no request uses them any more.
//!
//! [`Balancer::probed`]: super::balancer::Balancer::probed

use std::sync::Weak;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Upstreams;
use super::forward::Target;
use super::snapshot::ActiveCheck;

/// The longest status line and headers read before giving up on a probe's answer.
const MAX_ANSWER: usize = 8 * 1024;

/// Probe `upstreams` until they are dropped (needs a Tokio runtime; without one the checks
/// are off and say so).
pub(super) fn start(upstreams: Weak<Upstreams>, check: ActiveCheck) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(run(upstreams, check));
        }
        Err(_) => tracing::warn!("no async runtime: active health checks are off"),
    }
}

async fn run(upstreams: Weak<Upstreams>, check: ActiveCheck) {
    let mut tick = tokio::time::interval(check.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(up) = upstreams.upgrade() else { return };
        let probes = up.targets.iter().map(|target| probe(target, &check));
        let results = futures_util::future::join_all(probes).await;
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

/// One probe: whether the endpoint answered `GET {base}{path}` with 200–399 in time.
async fn probe(target: &Target, check: &ActiveCheck) -> bool {
    let attempt = async {
        let mut stream = target.connect(check.timeout).await.ok()?;
        let host = target.host.to_str().ok()?;
        let head = format!(
            "GET {}{} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: tollgate-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            target.base_path, check.path
        );
        stream.write_all(head.as_bytes()).await.ok()?;
        let mut answer = Vec::with_capacity(256);
        loop {
            if let Some(status) = status_code(&answer) {
                return Some(status);
            }
            if answer.len() >= MAX_ANSWER || stream.read_buf(&mut answer).await.ok()? == 0 {
                return None;
            }
        }
    };
    matches!(
        tokio::time::timeout(check.timeout, attempt).await,
        Ok(Some(status)) if (200..400).contains(&status)
    )
}

/// The status code of the first line once `answer` holds it whole (`HTTP/1.1 200 OK\r\n`);
/// 0 for a line that is not an HTTP/1 status line.
fn status_code(answer: &[u8]) -> Option<u16> {
    let end = answer.windows(2).position(|w| w == b"\r\n")?;
    let Some(line) = answer[..end].strip_prefix(b"HTTP/1.") else {
        return Some(0);
    };
    let digits = match line {
        [_, b' ', a, b, c, ..] => [*a, *b, *c],
        _ => return Some(0),
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return Some(0);
    }
    Some(digits.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::status_code;

    #[test]
    fn status_lines_are_read_once_complete() {
        assert_eq!(status_code(b"HTTP/1.1 204 No Content\r\n"), Some(204));
        assert_eq!(status_code(b"HTTP/1.0 503\r\n"), Some(503));
        assert_eq!(status_code(b"HTTP/1.1 200 OK"), None, "not complete yet");
        assert_eq!(status_code(b""), None);
        // Complete but not HTTP, or malformed: a failed probe (0), not a wait.
        assert_eq!(status_code(b"SSH-2.0-OpenSSH\r\n"), Some(0));
        assert_eq!(status_code(b"HTTP/1.1 2x0 OK\r\n"), Some(0));
        assert_eq!(status_code(b"HTTP/1.1\r\n"), Some(0));
    }
}
