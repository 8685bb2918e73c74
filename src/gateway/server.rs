//! The gateway's listener: an HTTP/1.1 server loop of its own.
//!
//! Each connection is one task that reads a request head ([`h1::parse_request_head`]:
//! `httparse`, values sharing one buffer, smuggling-prone framings refused),
//! runs the pipeline, and writes the response head and body itself: a small
//! response goes out in one `write`, a streamed one in pieces (chunked when
//! its length is unknown). Request bodies are read from the socket as the
//! upstream hop takes them ([`RequestBody`]) and hand the read buffer back when
//! they end, so the next request on the connection (pipelined or not) goes on
//! from there. hyper's server did the same with about twice the instructions.
//!
//! Limits: a head must arrive within `header_read_timeout` (idle keep-alive
//! time included, so idle connections are closed too; a head begun and not
//! finished gets a 408 first) and fit in 64 KiB and 100 fields (431; 414 when
//! the request line alone is longer). Malformed heads — smuggling shapes, an
//! HTTP/1.1 request without exactly one `Host` — get a problem+json 400 (501
//! for a transfer coding other than chunked) and the connection closes.
//!
//! Draining (a graceful stop): the listener closes at once; a request in
//! progress is finished and answered with `Connection: close`; a keep-alive
//! connection between requests stays open for `drain_idle` more, so that a
//! request its client sent as the stop began is answered (also with
//! `Connection: close`) instead of meeting a closed socket; then it closes.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Body;
use bytes::{Buf, Bytes, BytesMut};
use futures_util::FutureExt;
use http::{HeaderValue, Method, Response, StatusCode, Version};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::net::TcpStream;
use tokio::sync::{oneshot, watch};
use tokio::time::Sleep;

use crate::gateway::error::GatewayError;
use crate::gateway::fields::Fields;
use crate::gateway::forward::ResponseTimer;
use crate::gateway::h1::{self, Framing, RequestError, ResponseFraming};
use crate::gateway::{Gateway, Incoming, Reply};

/// Serves the gateway on `listener` (keep-alive, pipelining, upgrades,
/// `TCP_NODELAY`). Runs until accepting fails; see [`serve_with_shutdown`]
/// to stop it cleanly.
pub async fn serve(gw: Arc<Gateway>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    serve_with_shutdown(gw, listener, std::future::pending()).await
}

/// Like [`serve`], until `signal` completes. Then it stops accepting, asks
/// every connection to finish its in-flight request and close (keep-alive
/// connections close after their current response, or after
/// [`GatewayConfig::drain_idle`](crate::gateway::GatewayConfig) without one),
/// and returns once all have. Bound the wait with a timeout if needed: dropping the returned
/// future aborts the remaining connections. Drain [`Gateway::meter`]
/// afterwards to flush the last usage.
pub async fn serve_with_shutdown(
    gw: Arc<Gateway>,
    listener: tokio::net::TcpListener,
    signal: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(None);
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(signal);
    loop {
        tokio::select! {
            () = &mut signal => break,
            // Reap finished connections so the set only holds live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(conn) => conn,
                    // Out of file descriptors and the like: back off instead of spinning.
                    Err(e) if is_transient_accept_error(&e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                connections.spawn(connection(Arc::clone(&gw), stream, peer, stop_rx.clone()));
            }
        }
    }
    drop(listener);
    let _ = stop_tx.send(Some(tokio::time::Instant::now() + gw.config.drain_idle));
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// The listener's own paths (API contexts cannot use them): `/healthz`, `/readyz` (503 until
/// the first snapshot is loaded) and `/metrics` (Prometheus, traffic by API and status).
fn own_path(gw: &Gateway, path: &str) -> Option<Response<Body>> {
    let (status, content_type, body) = match path {
        "/healthz" => (StatusCode::OK, "text/plain", "ok".to_owned()),
        "/readyz" if gw.is_loaded() => (
            StatusCode::OK,
            "text/plain",
            format!("ready: revision {}", gw.snapshot().revision),
        ),
        "/readyz" => (
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            "no snapshot loaded yet".to_owned(),
        ),
        "/metrics" => (
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            gw.render_metrics(),
        ),
        _ => return None,
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Some(resp)
}

/// One client connection: requests in order until either side closes.
/// Set when draining starts: until when a connection between requests waits for one more.
type Stop = watch::Receiver<Option<tokio::time::Instant>>;

async fn connection(gw: Arc<Gateway>, stream: TcpStream, peer: SocketAddr, mut stop: Stop) {
    let _ = stream.set_nodelay(true);
    let stream = Arc::new(stream);
    let mut buf = BytesMut::new();
    let mut out = Vec::with_capacity(1024);
    let limit = gw.config.header_read_timeout;
    let deadline = tokio::time::sleep(limit);
    tokio::pin!(deadline);
    let mut timer = ResponseTimer::default();
    loop {
        // A request head, within the header timeout. The timer is moved
        // only when it is a second or more off, not on every request.
        let due = tokio::time::Instant::now() + limit;
        if deadline.deadline() + Duration::from_secs(1) < due {
            deadline.as_mut().reset(due);
        }
        let head = loop {
            if !buf.is_empty() {
                match h1::parse_request_head(&mut buf) {
                    Ok(Some(head)) => break head,
                    Ok(None) => {}
                    Err(e) => {
                        refuse(&gw, &stream, &mut out, refusal(e)).await;
                        return;
                    }
                }
            }
            match fill(&stream, &mut buf, deadline.as_mut(), &mut stop).await {
                Fill::Data => {}
                // A head begun and not finished in time is answered; an idle
                // keep-alive connection is closed without a word.
                Fill::TimedOut if !buf.is_empty() => {
                    refuse(&gw, &stream, &mut out, GatewayError::HeadTimeout).await;
                    return;
                }
                Fill::Closed | Fill::TimedOut | Fill::Stopped => return,
            }
        };
        let h1::RequestHead {
            method,
            uri,
            version,
            fields,
            body: framing,
            keep_alive,
            expects_continue,
        } = head;
        let head_request = method == Method::HEAD;

        // The request body reads from the socket while the upstream takes it.
        let mut returned = None;
        let body = if framing.is_done() {
            Body::empty()
        } else {
            let interim = expects_continue && version == Version::HTTP_11;
            if interim && write_all(&stream, b"HTTP/1.1 100 Continue\r\n\r\n").await.is_err() {
                return;
            }
            let (back, rx) = oneshot::channel();
            returned = Some(rx);
            Body::new(RequestBody {
                stream: Arc::clone(&stream),
                buf: std::mem::take(&mut buf),
                framing,
                back: Some(back),
            })
        };
        let mut upgrade = None;
        let mut client_upgrade = None;
        if fields.contains("upgrade") {
            let (tx, rx) = oneshot::channel();
            client_upgrade = Some(rx);
            upgrade = Some(tx);
        }
        let reply = match own_path(&gw, uri.path()) {
            Some(resp) => {
                // Its body (if any) goes back unread before the answer.
                drop(body);
                Reply::from(resp)
            }
            None => {
                let req = Incoming {
                    method,
                    uri,
                    fields,
                    upgrade: client_upgrade,
                };
                gw.process(req, body, Some(peer), &mut timer).await
            }
        };

        // Whether the connection can carry another request: the request
        // body must have been read to its end (its buffer comes back).
        let mut keep = keep_alive && stop.borrow().is_none();
        if let Some(mut rx) = returned {
            match rx.try_recv() {
                Ok(back) if back.complete => buf = back.buf,
                _ => keep = false,
            }
        }
        let Reply {
            response,
            upstream: upstream_fields,
        } = reply;
        let (head, mut body) = response.into_parts();
        let status = head.status;
        let switching = status == StatusCode::SWITCHING_PROTOCOLS && upgrade.is_some();
        let framing = if head_request
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
        {
            ResponseFraming::None
        } else if let Some(n) = body.size_hint().exact() {
            ResponseFraming::Length(n)
        } else if version == Version::HTTP_11 {
            ResponseFraming::Chunked
        } else {
            keep = false;
            ResponseFraming::UntilClose
        };
        let connection: Option<&[u8]> = if switching {
            None
        } else if !keep {
            Some(b"close")
        } else if version == Version::HTTP_10 {
            Some(b"keep-alive")
        } else {
            None
        };
        out.clear();
        h1::write_response_head(
            &mut out,
            status,
            &upstream_fields,
            &head.headers,
            framing,
            connection,
            &http_date(),
        );
        if write_body(&stream, &mut out, &mut body, framing).await.is_err() {
            return;
        }
        drop(body);
        if switching {
            // The socket now belongs to the tunnel (with any bytes the client
            // sent after its handshake).
            if let (Some(tx), Ok(stream)) = (upgrade, Arc::try_unwrap(stream)) {
                let _ = tx.send((stream, buf));
            }
            return;
        }
        if !keep {
            linger(&stream).await;
            return;
        }
    }
}

/// Writes the head in `out` and the body after it: a body that is already
/// complete goes out with the head in one write.
async fn write_body(
    stream: &TcpStream,
    out: &mut Vec<u8>,
    body: &mut Body,
    framing: ResponseFraming,
) -> io::Result<()> {
    let chunked = framing == ResponseFraming::Chunked;
    let mut ended = framing == ResponseFraming::None || body.is_end_stream();
    if !ended && let Some(first) = body.frame().now_or_never() {
        match first {
            None => ended = true,
            Some(Err(e)) => return Err(io::Error::other(e)),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    append(out, &data, chunked);
                }
                ended = body.is_end_stream();
            }
        }
    }
    if ended {
        if chunked {
            out.extend_from_slice(b"0\r\n\r\n");
        }
        return write_all(stream, out).await;
    }
    write_all(stream, out).await?;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(io::Error::other)?.into_data() else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        if chunked {
            let mut size = [0u8; 18];
            write_all_buf(stream, h1::chunk(&mut size, &data)).await?;
        } else {
            write_all(stream, &data).await?;
        }
    }
    if chunked {
        write_all(stream, b"0\r\n\r\n").await?;
    }
    Ok(())
}

fn append(out: &mut Vec<u8>, data: &Bytes, chunked: bool) {
    if chunked {
        let mut size = [0u8; 18];
        let mut piece = h1::chunk(&mut size, data);
        while piece.has_remaining() {
            let c = piece.chunk();
            out.extend_from_slice(c);
            let n = c.len();
            piece.advance(n);
        }
    } else {
        out.extend_from_slice(data);
    }
}

fn refusal(e: RequestError) -> GatewayError {
    match e {
        RequestError::Malformed(why) => GatewayError::BadRequest(why),
        RequestError::TooLarge => GatewayError::HeadTooLarge,
        RequestError::UriTooLong => GatewayError::UriTooLong,
        RequestError::Version => GatewayError::BadRequest("The protocol is not HTTP/1.x."),
        RequestError::UnknownCoding => GatewayError::NotImplemented("Only the chunked transfer coding is supported."),
    }
}

/// A malformed, oversized or late head: a problem+json answer, then close.
async fn refuse(gw: &Gateway, stream: &TcpStream, out: &mut Vec<u8>, err: GatewayError) {
    gw.metrics
        .bad_requests
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let resp = err.into_response(&gw.config.problem_type_base);
    let (head, mut body) = resp.into_parts();
    let framing = body
        .size_hint()
        .exact()
        .map_or(ResponseFraming::UntilClose, ResponseFraming::Length);
    out.clear();
    h1::write_response_head(
        out,
        head.status,
        &Fields::default(),
        &head.headers,
        framing,
        Some(b"close"),
        &http_date(),
    );
    if write_body(stream, out, &mut body, framing).await.is_ok() {
        linger(stream).await;
    }
}

/// Before closing with a request possibly unread: stop sending, then read
/// and discard for a moment, so that the client gets the answer instead of
/// a reset for the bytes it is still sending.
async fn linger(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).shutdown(std::net::Shutdown::Write);
    let drain = async {
        let mut scratch = [0u8; 8192];
        let mut left = 256 * 1024usize;
        loop {
            if stream.readable().await.is_err() {
                return;
            }
            match stream.try_read(&mut scratch) {
                Ok(0) => return,
                Ok(n) => {
                    left = left.saturating_sub(n);
                    if left == 0 {
                        return;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return,
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

enum Fill {
    Data,
    Closed,
    TimedOut,
    Stopped,
}

/// Reads more of a request head into `buf`: at once if bytes are waiting,
/// else until they arrive, the header timeout passes or (while no request
/// has started) draining has gone on for `drain_idle`.
async fn fill(stream: &TcpStream, buf: &mut BytesMut, mut deadline: Pin<&mut Sleep>, stop: &mut Stop) -> Fill {
    if buf.capacity() - buf.len() < 1024 {
        buf.reserve(4096);
    }
    let idle = buf.is_empty();
    loop {
        match read_now(stream, buf) {
            Ok(0) => return Fill::Closed,
            Ok(_) => return Fill::Data,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return Fill::Closed,
        }
        let drain_until = *stop.borrow();
        if idle && drain_until.is_some_and(|at| tokio::time::Instant::now() >= at) {
            return Fill::Stopped;
        }
        tokio::select! {
            biased;
            ready = stream.readable() => {
                if ready.is_err() {
                    return Fill::Closed;
                }
            }
            () = deadline.as_mut() => return Fill::TimedOut,
            changed = stop.changed(), if idle && drain_until.is_none() => {
                if changed.is_err() {
                    return Fill::Stopped;
                }
            }
            () = tokio::time::sleep_until(drain_until.unwrap_or_else(tokio::time::Instant::now)),
                if idle && drain_until.is_some() => return Fill::Stopped,
        }
    }
}

async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => stream.writable().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

async fn write_all_buf(stream: &TcpStream, mut data: impl Buf) -> io::Result<()> {
    while data.has_remaining() {
        let mut slices = [io::IoSlice::new(&[]); 4];
        let n = data.chunks_vectored(&mut slices);
        match stream.try_write_vectored(&slices[..n]) {
            Ok(written) => data.advance(written),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => stream.writable().await?,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `Date` value, formatted once a second per thread.
fn http_date() -> [u8; 29] {
    use std::cell::Cell;
    thread_local! {
        static CACHE: Cell<(u64, [u8; 29])> = const { Cell::new((0, [0; 29])) };
    }
    let now = std::time::SystemTime::now();
    let secs = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CACHE.with(|c| {
        let (at, text) = c.get();
        if at == secs {
            return text;
        }
        let mut fresh = [0u8; 29];
        let formatted = httpdate::fmt_http_date(now);
        if formatted.len() == 29 {
            fresh.copy_from_slice(formatted.as_bytes());
        }
        c.set((secs, fresh));
        fresh
    })
}

/// What a request body hands back to its connection when it ends or is
/// dropped: the read buffer (it may hold the next request already) and
/// whether the body was read to its end.
struct Returned {
    buf: BytesMut,
    complete: bool,
}

/// A client's request body, read off the connection's socket as it is
/// polled.
struct RequestBody {
    stream: Arc<TcpStream>,
    buf: BytesMut,
    framing: Framing,
    back: Option<oneshot::Sender<Returned>>,
}

impl RequestBody {
    fn give_back(&mut self) {
        if let Some(back) = self.back.take() {
            let _ = back.send(Returned {
                buf: std::mem::take(&mut self.buf),
                complete: self.framing.is_done(),
            });
        }
    }
}

impl Drop for RequestBody {
    fn drop(&mut self) {
        self.give_back();
    }
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = &mut *self;
        if this.back.is_none() {
            return Poll::Ready(None);
        }
        let stream = &this.stream;
        let polled = ready!(h1::poll_body(&mut this.buf, &mut this.framing, cx, |cx, buf| {
            read_shared(stream, cx, buf)
        }));
        match polled {
            Ok(Some(data)) => {
                if this.framing.is_done() {
                    this.give_back();
                }
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
            Ok(None) => {
                this.give_back();
                Poll::Ready(None)
            }
            Err(e) => Poll::Ready(Some(Err(e))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.framing.is_done()
    }

    fn size_hint(&self) -> SizeHint {
        match self.framing {
            Framing::Length(rest) => SizeHint::with_exact(rest),
            _ => SizeHint::default(),
        }
    }
}

/// Reads what the socket holds into `buf` without waiting (`WouldBlock` when it holds nothing).
/// A read that did not fill the buffer emptied the socket: the readiness seen *before* that read
/// is forgotten, so the next wait sleeps until new bytes arrive instead of paying an `EAGAIN` read
/// to find out (what tokio's `AsyncRead` does after a short read, and `try_read` does not). Tokio
/// forgets it only if no readiness event came since that snapshot, so bytes that arrive right
/// after the read still wake the reader; a snapshot taken after the read (as this code once did)
/// could swallow their event and stall the connection until a timeout.
fn read_now(stream: &TcpStream, buf: &mut BytesMut) -> io::Result<usize> {
    let spare = buf.capacity() - buf.len();
    let mut short = None;
    let read = stream.try_io(tokio::io::Interest::READABLE, || {
        let n = stream.try_read_buf(buf)?;
        if n > 0 && n < spare {
            // Not an error: `WouldBlock` is how try_io is told to forget the readiness.
            short = Some(n);
            return Err(io::Error::from(io::ErrorKind::WouldBlock));
        }
        Ok(n)
    });
    match short {
        Some(n) => Ok(n),
        None => read,
    }
}

/// `poll_read_buf` through a shared socket.
fn read_shared(stream: &TcpStream, cx: &mut Context<'_>, buf: &mut BytesMut) -> Poll<io::Result<usize>> {
    loop {
        ready!(stream.poll_read_ready(cx))?;
        match read_now(stream, buf) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            other => return Poll::Ready(other),
        }
    }
}

fn is_transient_accept_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock | OutOfMemory
    ) || e.raw_os_error().is_some_and(|c| c == 23 || c == 24) // ENFILE, EMFILE
}
