//! The upstream hop: pooled keep-alive HTTP/1.1 connections, header
//! rewriting, streamed bodies, WebSocket tunnelling, failure classification.
//!
//! Bodies are never buffered: the client's request body is written to the
//! upstream as its frames arrive, and the upstream's response body is read
//! off the socket by its framing and handed on in the pieces each read
//! returned ([`UpstreamBody`]). Memory per request is bounded by one read
//! buffer, whatever the body size.
//!
//! Connections speak HTTP/1.1 through the gateway's own client codec
//! ([`super::h1`]) and live in a small pool per endpoint ([`Target`]), driven
//! by the request's own task: no connection task, channel or pool-key lookup
//! per request. A connection goes back to the pool the moment its response
//! body has been read to the end. A WebSocket handshake gets a connection of
//! its own, which becomes the upstream side of the tunnel after its `101`.
//!
//! The request head is written straight from the client's parsed fields and
//! a [`Rewrite`] (endpoint path, forwarding fields, dropped credential and
//! hop-by-hop fields), and the upstream's response fields reach the client
//! as they arrived ([`Answer::fields`]): neither side's fields go through a
//! header map.

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use http::uri::{Authority, Scheme};
use http::{HeaderName, HeaderValue, Method, StatusCode, Uri};
use http_body::{Body as _, Frame, SizeHint};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::gateway::fields::{Fields, is};
use crate::gateway::h1::{self, Connection, Framing, RequestFraming};

mod bodies;
mod head;
mod tunnel;

pub use bodies::{CountingBody, MeteredBody};
pub use head::{is_websocket_upgrade, write_head};
pub use tunnel::{ClientUpgrade, UpgradedSocket, tunnel};

pub static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
pub static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
pub static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How an API reaches its upstreams; the connection pools themselves live in
/// the [`Target`]s (one per endpoint, kept across swaps with the balancer).
#[derive(Debug, Clone, Copy)]
pub struct ClientSettings {
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
}

struct Idle {
    conn: Box<Connection>,
    since: Instant,
}

/// Idle keep-alive connections to one endpoint, most recently used last.
#[derive(Default)]
pub struct Pool {
    idle: Mutex<VecDeque<Idle>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("idle", &self.idle_count()).finish()
    }
}

impl Pool {
    /// Idle connections held right now.
    pub fn idle_count(&self) -> usize {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn pop(&self, max_age: Duration) -> Option<Box<Connection>> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(entry) = idle.pop_back() {
            if entry.since.elapsed() < max_age {
                return Some(entry.conn);
            }
            // Everything older than this one is older still.
            idle.clear();
        }
        None
    }

    fn push(&self, mut conn: Box<Connection>, s: &ClientSettings) {
        if !conn.recycle() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while idle
            .front()
            .is_some_and(|e| now.duration_since(e.since) >= s.pool_idle_timeout)
        {
            idle.pop_front();
        }
        if idle.len() < s.pool_max_idle_per_host {
            idle.push_back(Idle { conn, since: now });
        }
    }
}

/// A parsed endpoint URL, ready to build upstream URIs from.
#[derive(Debug, Clone)]
pub struct Target {
    pub scheme: Scheme,
    pub authority: Authority,
    /// Base path without trailing slash (`""` for none).
    pub base_path: String,
    pub host: HeaderValue,
    /// Idle keep-alive connections to this endpoint.
    pub pool: Arc<Pool>,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let uri: Uri = url
            .trim()
            .parse()
            .map_err(|e| format!("endpoint {url:?} is not a URL: {e}"))?;
        let scheme = uri
            .scheme()
            .cloned()
            .ok_or_else(|| format!("endpoint {url:?} has no scheme"))?;
        if scheme != Scheme::HTTP {
            return Err(format!(
                "endpoint {url:?}: only http:// upstreams are supported by this build"
            ));
        }
        let authority = uri
            .authority()
            .cloned()
            .ok_or_else(|| format!("endpoint {url:?} has no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!("endpoint {url:?}: credentials in URLs are not supported"));
        }
        if uri.query().is_some() {
            return Err(format!("endpoint {url:?} must not have a query string"));
        }
        let base_path = uri.path().trim_end_matches('/').to_owned();
        let host = HeaderValue::from_str(authority.as_str()).map_err(|_| format!("endpoint {url:?}: bad host"))?;
        Ok(Target {
            scheme,
            authority,
            base_path,
            host,
            pool: Arc::default(),
        })
    }

    /// A new connection, within `timeout`, trying each resolved address.
    pub(crate) async fn connect(&self, timeout: Duration) -> Result<TcpStream, UpstreamFailure> {
        let attempt = async {
            let mut last = None;
            for addr in tokio::net::lookup_host(self.authority.as_str()).await? {
                match TcpStream::connect(addr).await {
                    Ok(stream) => return Ok(stream),
                    Err(e) => last = Some(e),
                }
            }
            Err(last.unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address")))
        };
        let stream = match tokio::time::timeout(timeout, attempt).await {
            Err(_) => return Err(UpstreamFailure::Timeout),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, upstream = %self.authority, "upstream connect failed");
                return Err(if e.kind() == io::ErrorKind::TimedOut {
                    UpstreamFailure::Timeout
                } else {
                    UpstreamFailure::Connect
                });
            }
            Ok(Ok(stream)) => stream,
        };
        let _ = stream.set_nodelay(true);
        let keepalive = socket2::TcpKeepalive::new().with_time(Duration::from_secs(60));
        let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive);
        Ok(stream)
    }
}

/// Why the upstream hop failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamFailure {
    /// Could not connect (refused, unreachable, DNS).
    Connect,
    /// Connect or response timeout.
    Timeout,
    /// Connection closed or invalid HTTP from the backend.
    Protocol,
    /// The client's request body failed on the way (the client went away):
    /// not the upstream's fault.
    ClientBody,
}

/// How the client's request is changed on its way upstream. Applied while
/// the upstream head is written: the client's fields are only read.
pub struct Rewrite<'a> {
    /// The path after the API's context (and version): appended to the
    /// endpoint's base path.
    pub rest: &'a str,
    pub query: Option<&'a str>,
    /// The client's address, appended to `X-Forwarded-For`.
    pub peer: Option<SocketAddr>,
    /// Sent as `X-Forwarded-Proto`.
    pub proto: &'a HeaderValue,
    pub request_id: &'a HeaderValue,
    /// Headers that carried an API key: never forwarded.
    pub key_headers: &'a [HeaderName],
    /// `Authorization` carried the token the gateway verified: not forwarded.
    pub drop_authorization: bool,
    /// A WebSocket handshake: `Connection: upgrade` and `Upgrade` go along.
    pub websocket: bool,
}

/// Sends the client's request (as received, changed by `rewrite`) to
/// `target` and waits for the response head until `due` (connecting
/// included), timed by `timer`.
pub async fn send(
    client: &ClientSettings,
    target: &Target,
    req: Outgoing<'_>,
    rewrite: &Rewrite<'_>,
    body: &mut Body,
    timer: &mut ResponseTimer,
    due: Instant,
) -> Result<Answer, UpstreamFailure> {
    timer.set(due);
    let exchange = exchange(client, target, req, rewrite, body);
    tokio::pin!(exchange);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(answer) = exchange.as_mut().poll(cx) {
            return Poll::Ready(answer);
        }
        ready!(timer.poll_due(cx));
        Poll::Ready(Err(UpstreamFailure::Timeout))
    })
    .await
}

/// The response deadline of one client connection, reused by each of its
/// requests. Every request moves the deadline forward, and a Tokio timer
/// armed per request (registered, then cancelled, in the timer wheel) cost
/// about a twentieth of a request's instructions; this one keeps its timer
/// where it is while that is no later than the deadline, and when it fires
/// early, re-arms it for the current deadline. So the wheel is touched
/// about once per timeout period, not once per request.
pub struct ResponseTimer {
    sleep: Pin<Box<tokio::time::Sleep>>,
    due: tokio::time::Instant,
}

impl Default for ResponseTimer {
    fn default() -> Self {
        // Far off until the first request sets it.
        let due = tokio::time::Instant::now() + Duration::from_secs(86_400 * 365);
        ResponseTimer {
            sleep: Box::pin(tokio::time::sleep_until(due)),
            due,
        }
    }
}

impl ResponseTimer {
    /// Times the next exchange out at `due`.
    pub fn set(&mut self, due: Instant) {
        self.due = due.into();
        if self.sleep.deadline() > self.due {
            self.sleep.as_mut().reset(self.due);
        }
    }

    /// Ready once the deadline has passed.
    fn poll_due(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            ready!(self.sleep.as_mut().poll(cx));
            if tokio::time::Instant::now() >= self.due {
                return Poll::Ready(());
            }
            self.sleep.as_mut().reset(self.due);
        }
    }
}

async fn exchange(
    client: &ClientSettings,
    target: &Target,
    req: Outgoing<'_>,
    rewrite: &Rewrite<'_>,
    body: &mut Body,
) -> Result<Answer, UpstreamFailure> {
    let Outgoing { method, fields } = req;
    let framing = h1::request_framing(fields, body.is_end_stream());
    let has_body = framing != RequestFraming::Empty && framing != RequestFraming::Length(0);
    // A pooled connection the upstream has just closed fails without an
    // answer; then the request goes out again on the next connection (or a
    // new one) if nothing was written, or if it has no body and an
    // idempotent method (the upstream may have seen it). A WebSocket
    // handshake always gets a connection of its own: it becomes the tunnel.
    loop {
        let pooled = if rewrite.websocket {
            None
        } else {
            checkout(&target.pool, client)
        };
        let (mut conn, reused) = match pooled {
            Some(conn) => (conn, true),
            None => (
                Box::new(Connection::new(target.connect(client.connect_timeout).await?)),
                false,
            ),
        };
        let sent = async {
            conn.send_head(|out| write_head(out, method, fields, target, rewrite, framing))
                .await?;
            if has_body {
                conn.send_body(body, framing).await?;
            }
            Ok::<(), h1::ExchangeError>(())
        }
        .await;
        let head = match sent {
            Ok(()) => conn.read_head(method, rewrite.websocket).await,
            // The upstream may have answered (413, say) and closed before
            // reading the whole body: its answer is what the client gets.
            Err(e) if !e.unsent && !e.client => conn.read_head(method, false).await.map_err(|_| e),
            Err(e) => Err(e),
        };
        match head {
            Ok(head) => {
                let h1::ResponseHead {
                    status,
                    fields,
                    framing,
                    keep_alive,
                    ..
                } = head;
                let inner = if status == StatusCode::SWITCHING_PROTOCOLS {
                    Inner::Upgraded(Some(conn))
                } else {
                    Inner::H1 {
                        conn: Some(conn),
                        framing,
                        keep_alive: keep_alive && !rewrite.websocket,
                        pool: Arc::clone(&target.pool),
                        settings: *client,
                    }
                };
                return Ok(Answer {
                    status,
                    fields,
                    body: UpstreamBody { inner },
                });
            }
            Err(e) if e.client => return Err(UpstreamFailure::ClientBody),
            Err(e) if reused && (e.unsent || (e.unanswered && !has_body && method.is_idempotent())) => {
                tracing::debug!(error = %e.error, upstream = %target.authority, "pooled connection was closed; retrying");
            }
            Err(e) => {
                tracing::debug!(error = %e.error, upstream = %target.authority, "upstream request failed");
                return Err(if e.error.kind() == io::ErrorKind::TimedOut {
                    UpstreamFailure::Timeout
                } else {
                    UpstreamFailure::Protocol
                });
            }
        }
    }
}

/// The request as it goes upstream: its method and the client's fields
/// (changed on the way by a [`Rewrite`]).
#[derive(Clone, Copy)]
pub struct Outgoing<'a> {
    pub method: &'a Method,
    pub fields: &'a Fields,
}

/// The upstream's answer: its status, its end-to-end fields (hop-by-hop
/// ones already left out) and its body, still on the connection.
pub struct Answer {
    pub status: StatusCode,
    pub fields: Fields,
    pub body: UpstreamBody,
}

/// The most recent idle connection that is still open, if any.
fn checkout(pool: &Pool, s: &ClientSettings) -> Option<Box<Connection>> {
    loop {
        let mut conn = pool.pop(s.pool_idle_timeout)?;
        if conn.is_idle_and_open() {
            return Some(conn);
        }
    }
}

/// An upstream response body, read off its connection as the client takes
/// it. The connection goes back to the endpoint's pool as soon as the body
/// has ended; a body dropped before its end closes the connection.
pub struct UpstreamBody {
    inner: Inner,
}

enum Inner {
    H1 {
        /// Boxed: it moves with the response and back into the pool.
        conn: Option<Box<Connection>>,
        framing: Framing,
        keep_alive: bool,
        pool: Arc<Pool>,
        settings: ClientSettings,
    },
    /// A WebSocket handshake's answer: no body; the connection becomes the
    /// upstream side of the tunnel ([`UpstreamBody::take_upgraded`]).
    Upgraded(Option<Box<Connection>>),
}

impl Inner {
    /// Hands the connection back if its body has been read to the end.
    fn release(&mut self) {
        if let Inner::H1 {
            conn,
            framing,
            keep_alive,
            pool,
            settings,
        } = self
            && framing.is_done()
            && let Some(conn) = conn.take()
            && *keep_alive
        {
            pool.push(conn, settings);
        }
    }
}

impl UpstreamBody {
    /// The upstream connection of a completed WebSocket handshake.
    pub fn take_upgraded(&mut self) -> Option<Box<Connection>> {
        match &mut self.inner {
            Inner::Upgraded(conn) => conn.take(),
            Inner::H1 { .. } => None,
        }
    }
}

impl Drop for UpstreamBody {
    fn drop(&mut self) {
        // Bodies hyper never polls (HEAD, 204, 304, `Content-Length: 0`) end here.
        self.inner.release();
    }
}

impl http_body::Body for UpstreamBody {
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let inner = &mut self.inner;
        let (conn, framing) = match inner {
            Inner::Upgraded(_) => return Poll::Ready(None),
            Inner::H1 { conn, framing, .. } => (conn, framing),
        };
        let Some(c) = conn else {
            return Poll::Ready(None);
        };
        match ready!(c.poll_data(framing, cx)) {
            Ok(Some(data)) => {
                inner.release();
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
            Ok(None) => {
                inner.release();
                Poll::Ready(None)
            }
            Err(e) => {
                tracing::debug!(error = %e, "upstream response body failed");
                *conn = None;
                Poll::Ready(Some(Err(e.into())))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::H1 { framing, .. } => framing.is_done(),
            Inner::Upgraded(_) => true,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::H1 {
                framing: Framing::Length(rest),
                ..
            } => SizeHint::with_exact(*rest),
            Inner::H1 { .. } => SizeHint::default(),
            Inner::Upgraded(_) => SizeHint::with_exact(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::head::format_ip;
    use super::*;

    /// The upstream head for a request with `headers`, as text.
    fn head(target: &str, path: &str, headers: &[(&str, &str)], rw: impl FnOnce(&mut Rewrite<'_>)) -> String {
        let t = Target::parse(target).expect("valid");
        let mut req = http::Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let (parts, ()) = req.body(()).expect("request").into_parts();
        let fields = Fields::from_map(&parts.headers);
        let proto = HeaderValue::from_static("http");
        let id = HeaderValue::from_static("rid");
        let keys = [HeaderName::from_static("apikey")];
        let mut rewrite = Rewrite {
            rest: parts.uri.path(),
            query: parts.uri.query(),
            peer: Some("10.1.2.3:5555".parse().expect("addr")),
            proto: &proto,
            request_id: &id,
            key_headers: &keys,
            drop_authorization: false,
            websocket: false,
        };
        rw(&mut rewrite);
        let mut out = Vec::new();
        let framing = h1::request_framing(&fields, true);
        write_head(&mut out, &parts.method, &fields, &t, &rewrite, framing);
        String::from_utf8(out).expect("ascii")
    }

    #[test]
    fn targets_and_request_lines() {
        let t = Target::parse("http://127.0.0.1:8080/base/").expect("valid");
        assert_eq!(t.base_path, "/base");
        assert!(
            head("http://127.0.0.1:8080/base/", "/pets/1?x=y", &[], |_| {})
                .starts_with("GET /base/pets/1?x=y HTTP/1.1\r\n")
        );
        assert!(head("http://127.0.0.1:8080/base/", "/", &[], |r| r.rest = "").starts_with("GET /base HTTP/1.1\r\n"));
        assert!(head("http://backend:9000", "/", &[], |r| r.rest = "").starts_with("GET / HTTP/1.1\r\n"));
        let t = Target::parse("http://backend:9000").expect("valid");
        assert_eq!(t.host, "backend:9000");
        assert!(Target::parse("https://x").is_err());
        assert!(Target::parse("http://u:p@x").is_err());
        assert!(Target::parse("not a url").is_err());
        assert!(Target::parse("/relative").is_err());
    }

    #[test]
    fn request_heads_drop_hop_by_hop_fields_and_credentials() {
        let h = head(
            "http://backend:9000",
            "/x",
            &[
                ("connection", "keep-alive, x-private"),
                ("keep-alive", "timeout=5"),
                ("x-private", "1"),
                ("proxy-authorization", "Basic x"),
                ("te", "trailers"),
                ("upgrade", "h2c"),
                ("expect", "100-continue"),
                ("apikey", "secret"),
                ("authorization", "Bearer t"),
                ("x-keep", "1"),
            ],
            |r| r.drop_authorization = true,
        );
        assert_eq!(
            h,
            "GET /x HTTP/1.1\r\nx-keep: 1\r\nhost: backend:9000\r\nx-forwarded-for: 10.1.2.3\r\nx-forwarded-proto: http\r\nx-request-id: rid\r\n\r\n"
        );
        // An Authorization the gateway did not consume goes on.
        assert!(head("http://b", "/x", &[("authorization", "Basic y")], |_| {}).contains("authorization: Basic y\r\n"));
        // A WebSocket handshake keeps its upgrade.
        let ws = head(
            "http://b",
            "/x",
            &[("connection", "Upgrade"), ("upgrade", "websocket")],
            |r| r.websocket = true,
        );
        assert!(ws.contains("connection: upgrade\r\nupgrade: websocket\r\n"), "{ws}");
    }

    #[test]
    fn ip_formatting_matches_display() {
        use std::net::IpAddr;
        for ip in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "10.20.30.40",
            "192.168.100.9",
            "::1",
            "2001:db8::8a2e:370:7334",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "::ffff:1.2.3.4",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            let mut buf = [0u8; 39];
            assert_eq!(format_ip(ip, &mut buf), ip.to_string().as_bytes());
        }
    }

    #[test]
    fn forwarding_headers() {
        let h = head("http://backend:9000", "/x", &[("host", "api.example")], |_| {});
        assert!(
            h.ends_with("host: backend:9000\r\nx-forwarded-host: api.example\r\nx-forwarded-for: 10.1.2.3\r\nx-forwarded-proto: http\r\nx-request-id: rid\r\n\r\n"),
            "{h}"
        );
        let h = head(
            "http://backend:9000",
            "/x",
            &[
                ("x-forwarded-for", "1.1.1.1"),
                ("x-forwarded-for", "2.2.2.2, 3.3.3.3"),
                ("x-forwarded-host", "spoofed"),
                ("x-forwarded-proto", "spoofed"),
                ("x-request-id", "spoofed"),
            ],
            |_| {},
        );
        assert!(
            h.contains("x-forwarded-for: 1.1.1.1, 2.2.2.2, 3.3.3.3, 10.1.2.3\r\n"),
            "{h}"
        );
        assert_eq!(h.matches("x-forwarded-for").count(), 1);
        assert!(
            !h.contains("spoofed"),
            "a client's X-Forwarded-Host/-Proto and request id are replaced: {h}"
        );
        // Without a peer address, the client's chain passes unchanged.
        let h = head("http://b", "/x", &[("x-forwarded-for", "1.1.1.1")], |r| r.peer = None);
        assert!(h.contains("x-forwarded-for: 1.1.1.1\r\n"), "{h}");
    }

    #[test]
    fn websocket_handshakes_are_recognised() {
        let mut h = http::HeaderMap::new();
        h.insert("connection", HeaderValue::from_static("keep-alive, Upgrade"));
        h.insert("upgrade", HeaderValue::from_static("websocket"));
        assert!(is_websocket_upgrade(&Fields::from_map(&h)));
        h.insert("upgrade", HeaderValue::from_static("h2c"));
        assert!(!is_websocket_upgrade(&Fields::from_map(&h)));
        h.insert("upgrade", HeaderValue::from_static("websocket"));
        h.insert("connection", HeaderValue::from_static("keep-alive"));
        assert!(!is_websocket_upgrade(&Fields::from_map(&h)));
    }
}
