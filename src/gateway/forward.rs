//! The upstream hop: pooled keep-alive HTTP/1.1 client, header rewriting,
//! streamed bodies, WebSocket tunnelling, failure classification.
//!
//! Bodies are never buffered: the client's request body is handed to hyper's
//! client as is, and the upstream's response body is returned wrapped in a
//! [`MeteredBody`] that only counts bytes as they stream through. Memory per
//! request is therefore bounded by hyper's buffers, whatever the body size.

use std::error::Error as StdError;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http::header::{
    CONNECTION, HOST, PROXY_AUTHENTICATE, PROXY_AUTHORIZATION, TE, TRAILER, TRANSFER_ENCODING, UPGRADE,
};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, Uri};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::upgrade::OnUpgrade;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};

pub type HttpClient = Client<HttpConnector, Body>;

pub static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
pub static X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
pub static X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
static PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");

/// Client settings shared by all APIs (the connect timeout is per client).
#[derive(Debug, Clone, Copy)]
pub struct ClientSettings {
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub pool_max_idle_per_host: usize,
}

/// A pooled keep-alive client. hyper-util pools per (scheme, authority), so
/// one client serves every API with the same connect timeout.
pub fn build_client(s: ClientSettings) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(s.connect_timeout));
    connector.set_keepalive(Some(Duration::from_secs(60)));
    connector.enforce_http(true);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(s.pool_idle_timeout)
        .pool_max_idle_per_host(s.pool_max_idle_per_host)
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        // We set `Host` ourselves from a prebuilt value.
        .set_host(false)
        .build(connector)
}

/// A parsed endpoint URL, ready to build upstream URIs from.
#[derive(Debug, Clone)]
pub struct Target {
    pub scheme: Scheme,
    pub authority: Authority,
    /// Base path without trailing slash (`""` for none).
    pub base_path: String,
    pub host: HeaderValue,
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
        })
    }

    /// `{base}{rest}?{query}`; `rest` is what followed context/version.
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
        Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(pq)
            .build()
            .ok()
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
}

/// Sends `req` and waits for the response head for at most `deadline`.
pub async fn send(
    client: &HttpClient,
    req: Request<Body>,
    deadline: Duration,
) -> Result<Response<Incoming>, UpstreamFailure> {
    match tokio::time::timeout(deadline, client.request(req)).await {
        Err(_) => Err(UpstreamFailure::Timeout),
        Ok(Ok(resp)) => Ok(resp),
        Ok(Err(e)) => {
            let timed_out = source_chain(&e).any(|s| {
                s.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::TimedOut)
            });
            if timed_out {
                Err(UpstreamFailure::Timeout)
            } else if e.is_connect() {
                tracing::debug!(error = %e, "upstream connect failed");
                Err(UpstreamFailure::Connect)
            } else {
                tracing::debug!(error = ?e, "upstream request failed");
                Err(UpstreamFailure::Protocol)
            }
        }
    }
}

fn source_chain<'a>(e: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |e: &&'a (dyn StdError + 'static)| (*e).source())
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
            "http://127.0.0.1:8080/base/pets/1?x=y"
        );
        assert_eq!(t.uri("", None).expect("uri").to_string(), "http://127.0.0.1:8080/base");
        let t = Target::parse("http://backend:9000").expect("valid");
        assert_eq!(t.uri("", None).expect("uri").to_string(), "http://backend:9000/");
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
