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
//! body has been read to the end. WebSocket upgrades use hyper's client on a
//! connection of their own (it must outlive the response to hand over the
//! upgraded socket).

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
use bytes::Bytes;
use http::header::{
    CONNECTION, HOST, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, Uri};
use http_body::{Body as _, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::gateway::h1::{self, Connection, Framing, RequestFraming};

pub static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
pub static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
pub static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
static PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");

/// How to reach upstreams: shared by all APIs with the same connect timeout.
#[derive(Debug, Clone, Copy)]
pub struct ClientSettings {
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
}

/// What requests are sent with; the connection pools themselves live in the
/// [`Target`]s (one per endpoint, kept across swaps with the balancer).
#[derive(Debug, Clone)]
pub struct HttpClient {
    settings: ClientSettings,
}

pub fn build_client(settings: ClientSettings) -> HttpClient {
    HttpClient { settings }
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

    /// The origin-form request target `{base}{rest}?{query}` (what goes on
    /// the request line); `rest` is what followed context/version.
    pub fn uri(&self, rest: &str, query: Option<&str>) -> Option<Uri> {
        let mut pq = String::with_capacity(self.base_path.len() + rest.len() + query.map_or(0, |q| q.len() + 1) + 1);
        pq.push_str(&self.base_path);
        pq.push_str(rest);
        if pq.is_empty() {
            pq.push('/');
        }
        if let Some(q) = query {
            pq.push('?');
            pq.push_str(q);
        }
        let pq = PathAndQuery::from_maybe_shared(Bytes::from(pq)).ok()?;
        Some(Uri::from(pq))
    }

    /// A new connection, within `timeout`, trying each resolved address.
    async fn connect(&self, timeout: Duration) -> Result<TcpStream, UpstreamFailure> {
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

/// Sends `req` (origin-form URI, `Host` set) to `target` and waits for the
/// response head for at most `deadline` (connecting included).
pub async fn send(
    client: &HttpClient,
    target: &Target,
    req: Request<Body>,
    deadline: Duration,
) -> Result<Response<UpstreamBody>, UpstreamFailure> {
    match tokio::time::timeout(deadline, exchange(&client.settings, target, req)).await {
        Err(_) => Err(UpstreamFailure::Timeout),
        Ok(r) => r,
    }
}

async fn exchange(
    client: &ClientSettings,
    target: &Target,
    req: Request<Body>,
) -> Result<Response<UpstreamBody>, UpstreamFailure> {
    if req.headers().contains_key(UPGRADE) {
        return upgrade(client, target, req).await;
    }
    let (parts, mut body) = req.into_parts();
    let framing = h1::request_framing(&parts.headers, body.is_end_stream());
    let has_body = framing != RequestFraming::Empty && framing != RequestFraming::Length(0);
    // A pooled connection the upstream has just closed fails without an
    // answer; then the request goes out again on the next connection (or a
    // new one) if nothing was written, or if it has no body and an
    // idempotent method (the upstream may have seen it).
    loop {
        let (mut conn, reused) = match checkout(&target.pool, client) {
            Some(conn) => (conn, true),
            None => (
                Box::new(Connection::new(target.connect(client.connect_timeout).await?)),
                false,
            ),
        };
        let sent = async {
            conn.send_head(&parts, framing).await?;
            if has_body {
                conn.send_body(&mut body, framing).await?;
            }
            Ok::<(), h1::ExchangeError>(())
        }
        .await;
        let head = match sent {
            Ok(()) => conn.read_head(&parts.method).await,
            // The upstream may have answered (413, say) and closed before
            // reading the whole body: its answer is what the client gets.
            Err(e) if !e.unsent && !e.client => conn.read_head(&parts.method).await.map_err(|_| e),
            Err(e) => Err(e),
        };
        match head {
            Ok(head) => {
                let h1::ResponseHead {
                    status,
                    version,
                    headers,
                    framing,
                    keep_alive,
                } = head;
                let mut resp = Response::new(UpstreamBody {
                    inner: Inner::H1 {
                        conn: Some(conn),
                        framing,
                        keep_alive,
                        pool: Arc::clone(&target.pool),
                        settings: *client,
                    },
                });
                *resp.status_mut() = status;
                *resp.version_mut() = version;
                *resp.headers_mut() = headers;
                return Ok(resp);
            }
            Err(e) if e.client => return Err(UpstreamFailure::ClientBody),
            Err(e) if reused && (e.unsent || (e.unanswered && !has_body && parts.method.is_idempotent())) => {
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

/// The most recent idle connection that is still open, if any.
fn checkout(pool: &Pool, s: &ClientSettings) -> Option<Box<Connection>> {
    loop {
        let mut conn = pool.pop(s.pool_idle_timeout)?;
        if conn.is_idle_and_open() {
            return Some(conn);
        }
    }
}

/// A WebSocket handshake on a connection of its own, driven by a task that
/// lives until the upgraded socket is handed over (or the connection ends).
async fn upgrade(
    s: &ClientSettings,
    target: &Target,
    req: Request<Body>,
) -> Result<Response<UpstreamBody>, UpstreamFailure> {
    let stream = target.connect(s.connect_timeout).await?;
    let (mut sender, conn) = http1::Builder::new()
        .handshake(TokioIo::new(stream))
        .await
        .map_err(|e| classify(&e))?;
    tokio::spawn(async move {
        if let Err(e) = conn.with_upgrades().await {
            tracing::debug!(error = %e, "upstream upgrade connection failed");
        }
    });
    let resp = sender.send_request(req).await.map_err(|e| {
        tracing::debug!(error = ?e, upstream = %target.authority, "upstream upgrade request failed");
        classify(&e)
    })?;
    Ok(resp.map(|incoming| UpstreamBody {
        inner: Inner::Upgrade(incoming),
    }))
}

fn classify(e: &hyper::Error) -> UpstreamFailure {
    let timed_out = e.is_timeout()
        || source_chain(e).any(|s| {
            s.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::TimedOut)
        });
    if timed_out {
        UpstreamFailure::Timeout
    } else {
        UpstreamFailure::Protocol
    }
}

fn source_chain<'a>(e: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |e: &&'a (dyn StdError + 'static)| (*e).source())
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
    /// The answer to a WebSocket handshake (hyper's client).
    Upgrade(Incoming),
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
            Inner::Upgrade(incoming) => return Pin::new(incoming).poll_frame(cx).map_err(Into::into),
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
            Inner::Upgrade(incoming) => incoming.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::H1 {
                framing: Framing::Length(rest),
                ..
            } => SizeHint::with_exact(*rest),
            Inner::H1 { .. } => SizeHint::default(),
            Inner::Upgrade(incoming) => incoming.size_hint(),
        }
    }
}

/// Whether the request asks for a WebSocket upgrade.
pub fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    let upgrade = headers
        .get(UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    upgrade && has_connection_token(headers, "upgrade")
}

fn has_connection_token(headers: &HeaderMap, token: &str) -> bool {
    headers.get_all(CONNECTION).iter().any(|v| {
        v.to_str()
            .is_ok_and(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    })
}

/// Removes hop-by-hop headers (RFC 9110 §7.6.1): the fixed list, `Proxy-*`,
/// and whatever `Connection` names. With `keep_upgrade`, `Connection:
/// upgrade` and `Upgrade` survive (WebSocket handshakes).
///
/// Allocation-free: one pass over the names finds what is there (usually
/// just a backend's `Connection: keep-alive`), and only that is removed.
pub fn strip_hop_by_hop(headers: &mut HeaderMap, keep_upgrade: bool) {
    const CONN: u8 = 1;
    const FIXED: u8 = 2;
    const PROXY: u8 = 4;
    let mut found = 0u8;
    for name in headers.keys() {
        if name == CONNECTION {
            found |= CONN;
        } else if name == TE || name == TRAILER || name == TRANSFER_ENCODING || name == UPGRADE || name == KEEP_ALIVE {
            found |= FIXED;
        } else if name.as_str().starts_with("proxy-") {
            found |= PROXY;
        }
    }
    if found == 0 {
        return;
    }
    let upgrade = if keep_upgrade {
        headers.get(UPGRADE).cloned()
    } else {
        None
    };
    if found & CONN != 0 {
        // Cheap clones (shared bytes) so the map can be edited meanwhile.
        let mut first = [None, None];
        let mut more = Vec::new();
        for (i, v) in headers.get_all(CONNECTION).iter().enumerate() {
            match first.get_mut(i) {
                Some(slot) => *slot = Some(v.clone()),
                None => more.push(v.clone()),
            }
        }
        for v in first.iter().flatten().chain(more.iter()) {
            let Ok(s) = v.to_str() else { continue };
            for token in s.split(',').map(str::trim) {
                // `close`/`keep-alive` are options, not names; the fixed list goes below.
                if token.is_empty()
                    || token.eq_ignore_ascii_case("close")
                    || token.eq_ignore_ascii_case("keep-alive")
                    || token.eq_ignore_ascii_case("upgrade")
                {
                    continue;
                }
                // By `&str`: parsed on the stack, nothing allocated.
                headers.remove(token);
            }
        }
        headers.remove(CONNECTION);
    }
    if found & FIXED != 0 {
        for name in [&TE, &TRAILER, &TRANSFER_ENCODING, &UPGRADE, &KEEP_ALIVE] {
            headers.remove(name);
        }
    }
    if found & PROXY != 0 {
        let proxies: Vec<HeaderName> = headers
            .keys()
            .filter(|n| n.as_str().starts_with("proxy-"))
            .cloned()
            .collect();
        for name in proxies {
            headers.remove(name);
        }
    }
    debug_assert!(!headers.contains_key(PROXY_AUTHORIZATION) && !headers.contains_key(PROXY_AUTHENTICATE));
    debug_assert!(!headers.contains_key(&PROXY_CONNECTION));
    if let Some(up) = upgrade {
        headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(UPGRADE, up);
    }
}

/// Request-side headers: `Host`, `X-Forwarded-*`, `x-request-id`.
pub fn set_forwarding_headers(
    headers: &mut HeaderMap,
    target: &Target,
    client: Option<SocketAddr>,
    proto: &HeaderValue,
    request_id: &HeaderValue,
) {
    // The original Host moves to X-Forwarded-Host; the backend sees its own.
    match headers.insert(HOST, target.host.clone()) {
        Some(original) => {
            headers.insert(&X_FORWARDED_HOST, original);
        }
        None => {
            headers.remove(&X_FORWARDED_HOST);
        }
    }
    if let Some(addr) = client {
        // Usually the only value: the peer's address, formatted by hand (the
        // `Display` machinery cost as much as the rest of this function).
        let mut ip = [0u8; 39];
        let ip = format_ip(addr.ip(), &mut ip);
        let value = if headers.contains_key(&X_FORWARDED_FOR) {
            let mut xff = Vec::with_capacity(64);
            for prior in headers.get_all(&X_FORWARDED_FOR) {
                xff.extend_from_slice(prior.as_bytes());
                xff.extend_from_slice(b", ");
            }
            xff.extend_from_slice(ip);
            HeaderValue::from_maybe_shared(Bytes::from(xff))
        } else {
            HeaderValue::from_bytes(ip)
        };
        if let Ok(v) = value {
            headers.insert(&X_FORWARDED_FOR, v);
        }
    }
    headers.insert(&X_FORWARDED_PROTO, proto.clone());
    headers.insert(&X_REQUEST_ID, request_id.clone());
}

/// The textual form of `ip` in `buf` (IPv4 by hand, IPv6 through `Display`).
fn format_ip(ip: std::net::IpAddr, buf: &mut [u8; 39]) -> &[u8] {
    match ip {
        std::net::IpAddr::V4(v4) => {
            let mut n = 0;
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    buf[n] = b'.';
                    n += 1;
                }
                if octet >= 100 {
                    buf[n] = b'0' + octet / 100;
                    n += 1;
                }
                if octet >= 10 {
                    buf[n] = b'0' + octet / 10 % 10;
                    n += 1;
                }
                buf[n] = b'0' + octet % 10;
                n += 1;
            }
            &buf[..n]
        }
        std::net::IpAddr::V6(v6) => {
            let mut cursor = io::Cursor::new(&mut buf[..]);
            let _ = io::Write::write_fmt(&mut cursor, format_args!("{v6}"));
            let n = usize::try_from(cursor.position()).unwrap_or(0);
            &buf[..n]
        }
    }
}

/// Joins the two upgraded halves of a WebSocket handshake and copies bytes
/// both ways until either side closes.
pub fn tunnel(client: OnUpgrade, upstream: OnUpgrade) {
    tokio::spawn(async move {
        let (client, upstream) = match tokio::try_join!(client, upstream) {
            Ok(pair) => pair,
            Err(e) => {
                tracing::debug!(error = %e, "upgrade failed");
                return;
            }
        };
        let mut client = TokioIo::new(client);
        let mut upstream = TokioIo::new(upstream);
        if let Err(e) = tokio::io::copy_bidirectional(&mut client, &mut upstream).await {
            tracing::debug!(error = %e, "tunnel closed with an error");
        }
    });
}

/// Declared body length of a message, if any.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(http::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Passes a body through, counting data bytes into a shared counter (used
/// for request bodies of unknown length, whose size is only known once hyper
/// has sent them).
pub struct CountingBody<B> {
    inner: B,
    count: Arc<AtomicU64>,
}

impl<B> CountingBody<B> {
    pub fn new(inner: B, count: Arc<AtomicU64>) -> Self {
        CountingBody { inner, count }
    }
}

impl<B> http_body::Body for CountingBody<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.count.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Passes a response body through, counting bytes, and calls `finish` once
/// with the count when the body ends, fails, or is dropped (client gone).
pub struct MeteredBody<B, F: FnOnce(u64)> {
    inner: B,
    bytes: u64,
    finish: Option<F>,
}

impl<B, F: FnOnce(u64)> MeteredBody<B, F> {
    pub fn new(inner: B, finish: F) -> Self {
        MeteredBody {
            inner,
            bytes: 0,
            finish: Some(finish),
        }
    }

    fn done(&mut self) {
        if let Some(f) = self.finish.take() {
            f(self.bytes);
        }
    }
}

impl<B, F: FnOnce(u64)> Drop for MeteredBody<B, F> {
    fn drop(&mut self) {
        self.done();
    }
}

impl<B, F> http_body::Body for MeteredBody<B, F>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    F: FnOnce(u64) + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.bytes += data.len() as u64;
                }
                if this.inner.is_end_stream() {
                    this.done();
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.done(),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_parsing_and_uris() {
        let t = Target::parse("http://127.0.0.1:8080/base/").expect("valid");
        assert_eq!(t.base_path, "/base");
        assert_eq!(
            t.uri("/pets/1", Some("x=y")).expect("uri").to_string(),
            "/base/pets/1?x=y"
        );
        assert_eq!(t.uri("", None).expect("uri").to_string(), "/base");
        let t = Target::parse("http://backend:9000").expect("valid");
        assert_eq!(t.uri("", None).expect("uri").to_string(), "/");
        assert_eq!(t.host, "backend:9000");
        assert!(Target::parse("https://x").is_err());
        assert!(Target::parse("http://u:p@x").is_err());
        assert!(Target::parse("not a url").is_err());
        assert!(Target::parse("/relative").is_err());
    }

    #[test]
    fn hop_by_hop_headers_are_removed() {
        let mut h = HeaderMap::new();
        h.insert(CONNECTION, HeaderValue::from_static("keep-alive, x-private"));
        h.insert("keep-alive", HeaderValue::from_static("timeout=5"));
        h.insert("x-private", HeaderValue::from_static("1"));
        h.insert("proxy-authorization", HeaderValue::from_static("Basic x"));
        h.insert("proxy-foo", HeaderValue::from_static("1"));
        h.insert(TE, HeaderValue::from_static("trailers"));
        h.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        h.insert(UPGRADE, HeaderValue::from_static("h2c"));
        h.insert("x-keep", HeaderValue::from_static("1"));
        strip_hop_by_hop(&mut h, false);
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h.contains_key("x-keep"));
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
        let t = Target::parse("http://backend:9000").expect("valid");
        let proto = HeaderValue::from_static("http");
        let id = HeaderValue::from_static("rid");
        let peer: SocketAddr = "10.1.2.3:5555".parse().expect("addr");
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_static("api.example"));
        set_forwarding_headers(&mut h, &t, Some(peer), &proto, &id);
        assert_eq!(h[HOST], "backend:9000");
        assert_eq!(h[&X_FORWARDED_HOST], "api.example");
        assert_eq!(h[&X_FORWARDED_FOR], "10.1.2.3");
        assert_eq!(h[&X_FORWARDED_PROTO], "http");
        assert_eq!(h[&X_REQUEST_ID], "rid");
        let mut h = HeaderMap::new();
        h.append(&X_FORWARDED_FOR, HeaderValue::from_static("1.1.1.1"));
        h.append(&X_FORWARDED_FOR, HeaderValue::from_static("2.2.2.2, 3.3.3.3"));
        h.insert(&X_FORWARDED_HOST, HeaderValue::from_static("spoofed"));
        set_forwarding_headers(&mut h, &t, Some(peer), &proto, &id);
        assert_eq!(h[&X_FORWARDED_FOR], "1.1.1.1, 2.2.2.2, 3.3.3.3, 10.1.2.3");
        assert_eq!(h.get_all(&X_FORWARDED_FOR).iter().count(), 1);
        assert!(
            !h.contains_key(&X_FORWARDED_HOST),
            "a client's X-Forwarded-Host is dropped"
        );
    }

    #[test]
    fn only_keep_alive_is_cheap_and_removed() {
        let mut h = HeaderMap::new();
        h.insert(CONNECTION, HeaderValue::from_static("keep-alive"));
        h.insert("content-type", HeaderValue::from_static("application/json"));
        strip_hop_by_hop(&mut h, false);
        assert_eq!(h.len(), 1);
        let mut h = HeaderMap::new();
        h.append(CONNECTION, HeaderValue::from_static("x-a"));
        h.append(CONNECTION, HeaderValue::from_static("x-b"));
        h.append(CONNECTION, HeaderValue::from_static("X-C, close"));
        for n in ["x-a", "x-b", "x-c", "x-d"] {
            h.insert(n, HeaderValue::from_static("1"));
        }
        strip_hop_by_hop(&mut h, false);
        assert_eq!(h.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["x-d"]);
    }

    #[test]
    fn websocket_upgrade_survives() {
        let mut h = HeaderMap::new();
        h.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        h.insert(UPGRADE, HeaderValue::from_static("websocket"));
        assert!(is_websocket_upgrade(&h));
        strip_hop_by_hop(&mut h, true);
        assert_eq!(h[CONNECTION], "upgrade");
        assert_eq!(h[UPGRADE], "websocket");
    }
}
