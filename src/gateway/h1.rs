//! The upstream hop's HTTP/1.1 client codec.
//!
//! A proxy needs far less of HTTP/1.1 than a general client: one request at
//! a time per connection, a head written in one `write`, a response head
//! parsed in place with `httparse` (header values are slices of one shared
//! buffer, not copies), and a body read straight off the socket by its
//! framing (RFC 9112 §6.3). No connection task, channel or per-request timer:
//! the request's own task drives the socket. This replaced
//! `hyper::client::conn::http1`, which cost about a fifth of the gateway's
//! instructions per request.
//!
//! What it refuses rather than guesses: heads over [`MAX_HEAD`] bytes or
//! [`MAX_HEADERS`] fields, conflicting `Content-Length` values, malformed
//! chunk sizes or chunk terminators, and bodies that end before their
//! declared length. Each is an [`io::ErrorKind::InvalidData`] error and the
//! connection is not reused.

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use http::{HeaderMap, Method, StatusCode, Version};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::gateway::fields::{Fields, is, span};

/// Largest response head accepted (status line and header fields).
pub const MAX_HEAD: usize = 64 * 1024;
/// Most header fields accepted in a response head.
pub const MAX_HEADERS: usize = 100;
/// Longest chunk-size line (with extensions) and largest trailer section.
const MAX_CHUNK_LINE: usize = 4096;
const MAX_TRAILERS: usize = 16 * 1024;
/// Read buffer growth; bodies stream through in pieces of at most this much
/// beyond what one read already returned.
const READ_RESERVE: usize = 16 * 1024;
/// A pooled connection keeps a read buffer up to this size.
const KEEP_BUFFER: usize = 32 * 1024;

fn invalid(msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// How the request body is framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFraming {
    /// No body (and none announced).
    Empty,
    /// `Content-Length` as the client sent it; the body is copied as is.
    Length(u64),
    /// Unknown length: re-framed as chunked.
    Chunked,
}

/// How the response body ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// This many bytes remain (0: the body has ended).
    Length(u64),
    Chunked(ChunkState),
    /// Until the upstream closes the connection.
    UntilClose,
}

impl Framing {
    pub fn is_done(&self) -> bool {
        matches!(self, Framing::Length(0))
    }
}

/// A parsed response head.
#[derive(Debug)]
pub struct ResponseHead {
    pub status: StatusCode,
    pub version: Version,
    /// The end-to-end fields, as received (framing fields included).
    pub fields: Fields,
    pub framing: Framing,
    /// The connection may carry another request once the body has ended.
    pub keep_alive: bool,
}

/// One keep-alive connection to an upstream.
#[derive(Debug)]
pub struct Connection {
    io: TcpStream,
    /// Bytes read and not yet consumed.
    buf: BytesMut,
    /// The request head being written (kept to save an allocation per request).
    out: Vec<u8>,
}

/// A failed exchange, with what it tells about retrying it on another
/// connection.
#[derive(Debug)]
pub struct ExchangeError {
    pub error: io::Error,
    /// Not even the request head was written: nothing reached the upstream.
    pub unsent: bool,
    /// Not a byte of a response arrived.
    pub unanswered: bool,
    /// The client's request body failed (the client went away), not the upstream.
    pub client: bool,
}

impl ExchangeError {
    fn writing(error: io::Error, unsent: bool) -> Self {
        ExchangeError {
            error,
            unsent,
            unanswered: true,
            client: false,
        }
    }

    fn reading(error: io::Error, received: bool) -> Self {
        ExchangeError {
            error,
            unsent: false,
            unanswered: !received,
            client: false,
        }
    }
}

impl Connection {
    pub fn new(io: TcpStream) -> Connection {
        Connection {
            io,
            buf: BytesMut::new(),
            out: Vec::with_capacity(512),
        }
    }

    /// Whether an idle connection can carry a request: nothing arrived while
    /// it was idle (neither bytes nor the upstream's close). Costs a syscall
    /// only when the socket was signalled readable.
    pub fn is_idle_and_open(&mut self) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        let mut probe = [0u8; 1];
        matches!(self.io.try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }

    /// Ready to go back to the pool: nothing left over, buffers trimmed.
    pub fn recycle(&mut self) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        if self.buf.capacity() > KEEP_BUFFER {
            self.buf = BytesMut::new();
        }
        if self.out.capacity() > KEEP_BUFFER {
            self.out = Vec::with_capacity(512);
        }
        true
    }

    /// Sends a request head that `write` puts into the (cleared) buffer.
    pub async fn send_head(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> Result<(), ExchangeError> {
        self.out.clear();
        write(&mut self.out);
        self.io
            .write_all(&self.out)
            .await
            .map_err(|e| ExchangeError::writing(e, true))
    }

    /// The socket and whatever was read past the last response head (the
    /// first bytes of an upgraded connection).
    pub fn into_parts(self) -> (TcpStream, BytesMut) {
        (self.io, self.buf)
    }

    /// Streams the request body after its head, framed as announced.
    pub async fn send_body<B>(&mut self, body: &mut B, framing: RequestFraming) -> Result<(), ExchangeError>
    where
        B: http_body::Body<Data = Bytes> + Unpin,
        B::Error: std::fmt::Display,
    {
        let mut sent = 0u64;
        loop {
            let frame = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await;
            let data = match frame {
                None => break,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "client request body failed");
                    return Err(ExchangeError {
                        client: true,
                        ..ExchangeError::writing(io::Error::other("the client's request body failed"), false)
                    });
                }
                // Trailers are not forwarded.
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => data,
                    _ => continue,
                },
            };
            let written = match framing {
                RequestFraming::Chunked => {
                    let mut size = [0u8; 18];
                    self.io.write_all_buf(&mut chunk(&mut size, &data)).await
                }
                RequestFraming::Length(declared) => {
                    sent += data.len() as u64;
                    if sent > declared {
                        return Err(ExchangeError {
                            client: true,
                            ..ExchangeError::writing(invalid("request body longer than its Content-Length"), false)
                        });
                    }
                    self.io.write_all(&data).await
                }
                RequestFraming::Empty => Ok(()),
            };
            written.map_err(|e| ExchangeError::writing(e, false))?;
        }
        if framing == RequestFraming::Chunked {
            self.io
                .write_all(b"0\r\n\r\n")
                .await
                .map_err(|e| ExchangeError::writing(e, false))?;
        }
        Ok(())
    }

    /// Reads the final response head, skipping interim (1xx) responses; a
    /// `101 Switching Protocols` is final when `upgrade` was asked for, and
    /// a protocol error otherwise.
    pub async fn read_head(&mut self, method: &Method, upgrade: bool) -> Result<ResponseHead, ExchangeError> {
        let mut received = false;
        loop {
            if !self.buf.is_empty() {
                received = true;
                match parse_head(&mut self.buf, method) {
                    Ok(Some(head)) if head.status == StatusCode::SWITCHING_PROTOCOLS && !upgrade => {
                        return Err(ExchangeError::reading(invalid("unrequested protocol switch"), true));
                    }
                    Ok(Some(head))
                        if head.status.is_informational() && head.status != StatusCode::SWITCHING_PROTOCOLS =>
                    {
                        continue;
                    }
                    Ok(Some(head)) => return Ok(head),
                    Ok(None) if self.buf.len() >= MAX_HEAD => {
                        return Err(ExchangeError::reading(invalid("response head too large"), true));
                    }
                    Ok(None) => {}
                    Err(e) => return Err(ExchangeError::reading(e, true)),
                }
            }
            self.buf.reserve(4096);
            let n = std::future::poll_fn(|cx| tokio_util::io::poll_read_buf(Pin::new(&mut self.io), cx, &mut self.buf))
                .await
                .map_err(|e| ExchangeError::reading(e, received))?;
            if n == 0 {
                let e = io::Error::new(io::ErrorKind::UnexpectedEof, "upstream closed before a response");
                return Err(ExchangeError::reading(e, received));
            }
        }
    }

    /// The next piece of the response body; `None` once it has ended
    /// (`framing` is then `Length(0)`).
    pub fn poll_data(&mut self, framing: &mut Framing, cx: &mut Context<'_>) -> Poll<io::Result<Option<Bytes>>> {
        let io = &mut self.io;
        poll_body(&mut self.buf, framing, cx, |cx, buf| {
            tokio_util::io::poll_read_buf(Pin::new(&mut *io), cx, buf)
        })
    }
}

/// The next piece of a message body framed by `framing`, out of `buf` and
/// then whatever `fill` reads into it; `None` once the body has ended
/// (`framing` is then `Length(0)`). Shared by both sides: upstream response
/// bodies and client request bodies.
pub fn poll_body(
    buf: &mut BytesMut,
    framing: &mut Framing,
    cx: &mut Context<'_>,
    mut fill: impl FnMut(&mut Context<'_>, &mut BytesMut) -> Poll<io::Result<usize>>,
) -> Poll<io::Result<Option<Bytes>>> {
    loop {
        match framing {
            Framing::Length(0) => return Poll::Ready(Ok(None)),
            Framing::Length(rest) => {
                if !buf.is_empty() {
                    let n = usize::try_from(*rest).map_or(buf.len(), |r| r.min(buf.len()));
                    *rest -= n as u64;
                    return Poll::Ready(Ok(Some(buf.split_to(n).freeze())));
                }
            }
            Framing::Chunked(state) => match state.decode(buf)? {
                Decoded::Data(data) => return Poll::Ready(Ok(Some(data))),
                Decoded::End => {
                    *framing = Framing::Length(0);
                    return Poll::Ready(Ok(None));
                }
                Decoded::NeedMore => {}
            },
            Framing::UntilClose => {
                if !buf.is_empty() {
                    return Poll::Ready(Ok(Some(buf.split().freeze())));
                }
            }
        }
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(READ_RESERVE);
        }
        let n = ready!(fill(cx, buf))?;
        if n == 0 {
            if *framing == Framing::UntilClose {
                *framing = Framing::Length(0);
                return Poll::Ready(Ok(None));
            }
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed in the middle of the body",
            )));
        }
    }
}

/// `{size:x}\r\n` into `out`; returns its length.
fn write_chunk_size(size: usize, out: &mut [u8; 18]) -> usize {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digits = (usize::BITS - size.leading_zeros()).div_ceil(4).max(1) as usize;
    for i in 0..digits {
        out[digits - 1 - i] = HEX[(size >> (4 * i)) & 0xf];
    }
    out[digits] = b'\r';
    out[digits + 1] = b'\n';
    digits + 2
}

/// One header field line.
pub fn write_field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

/// The framing field of a request head (a `Content-Length` the client sent
/// is passed on with the other fields).
pub fn write_framing(out: &mut Vec<u8>, method: &Method, framing: RequestFraming) {
    match framing {
        RequestFraming::Chunked => write_field(out, b"transfer-encoding", b"chunked"),
        // One value, whatever list of equal values or repeated lines the client sent
        // (RFC 9110 §8.6): a strict upstream refuses those.
        RequestFraming::Length(n) => {
            let mut digits = itoa::Buffer::new();
            write_field(out, b"content-length", digits.format(n).as_bytes());
        }
        // Methods that usually carry a body announce that this one has none.
        RequestFraming::Empty if matches!(*method, Method::POST | Method::PUT | Method::PATCH) => {
            write_field(out, b"content-length", b"0")
        }
        _ => {}
    }
}

/// Parses one response head off the front of `buf`; `Ok(None)` when more
/// bytes are needed. Framing and connection fields are read here, straight
/// off the parsed slices; what is passed on ([`ResponseHead::fields`])
/// leaves out every hop-by-hop field (RFC 9110 §7.6.1: the fixed list,
/// `Proxy-*`, whatever `Connection` names), except `Upgrade` on a `101`.
fn parse_head(buf: &mut BytesMut, method: &Method) -> io::Result<Option<ResponseHead>> {
    let mut slots = [const { MaybeUninit::uninit() }; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut []);
    let parser = httparse::ParserConfig::default();
    let len = match parser.parse_response_with_uninit_headers(&mut parsed, buf, &mut slots) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(invalid("too many response header fields")),
        Err(_) => return Err(invalid("malformed response head")),
    };
    let status = parsed
        .code
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| invalid("bad response status"))?;
    let version = if parsed.version == Some(0) {
        Version::HTTP_10
    } else {
        Version::HTTP_11
    };
    // The fields to keep, as ranges of the head (shared once frozen).
    let base = buf.as_ptr() as usize;
    let mut spans = Vec::with_capacity(parsed.headers.len());
    let mut wire = WireFacts {
        switching: status == StatusCode::SWITCHING_PROTOCOLS,
        ..WireFacts::default()
    };
    for h in parsed.headers.iter() {
        if wire.note(h.name.as_bytes(), h.value)? {
            spans.push(span(base, h.name.as_bytes(), h.value));
        }
    }
    let head = buf.split_to(len).freeze();
    let mut fields = Fields::new(head, spans);
    if wire.names_fields {
        // Hop-by-hop by declaration: what `Connection` names (the field was
        // kept only to be read here).
        let named: Vec<Vec<u8>> = connection_named(fields.get_all("connection"))
            .map(<[u8]>::to_vec)
            .collect();
        fields.retain(|name, _| !is(name, "connection") && !named.iter().any(|n| name.eq_ignore_ascii_case(n)));
    }
    if wire.chunked.is_some() && wire.length.is_some() {
        // Transfer-Encoding wins; a Content-Length beside it is wrong.
        fields.retain(|name, _| !is(name, "content-length"));
    }
    let (framing, must_close) = wire.framing(status, method);
    let keep_alive = !must_close
        && framing != Framing::UntilClose
        && match version {
            Version::HTTP_10 => wire.keep_alive,
            _ => !wire.close,
        };
    Ok(Some(ResponseHead {
        status,
        version,
        fields,
        framing,
        keep_alive,
    }))
}

/// Whether a field is hop-by-hop by name (RFC 9110 §7.6.1): `Connection`
/// and the fields it conventionally governs, and `Proxy-*`. What a
/// `Connection` field names besides is hop-by-hop too ([`connection_named`]).
pub fn hop_by_hop(name: &[u8]) -> bool {
    is(name, "connection")
        || is(name, "keep-alive")
        || is(name, "te")
        || is(name, "trailer")
        || is(name, "transfer-encoding")
        || is(name, "upgrade")
        || (name.len() > 6 && name[..6].eq_ignore_ascii_case(b"proxy-"))
}

/// The field names a `Connection` header lists besides the connection
/// options (`close`, `keep-alive`, `upgrade`): hop-by-hop by declaration.
pub fn connection_named<'a>(values: impl Iterator<Item = &'a [u8]>) -> impl Iterator<Item = &'a [u8]> {
    values
        .flat_map(|v| v.split(|&b| b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|t| {
            !(t.is_empty()
                || t.eq_ignore_ascii_case(b"close")
                || t.eq_ignore_ascii_case(b"keep-alive")
                || t.eq_ignore_ascii_case(b"upgrade"))
        })
}

/// What a response head says about its framing and its connection.
#[derive(Default)]
struct WireFacts {
    length: Option<u64>,
    /// `Transfer-Encoding` present: whether its last coding is `chunked`.
    chunked: Option<bool>,
    close: bool,
    keep_alive: bool,
    /// A `101`: its `Upgrade` field goes to the client.
    switching: bool,
    /// `Connection` names fields (hop-by-hop by declaration).
    names_fields: bool,
}

impl WireFacts {
    /// Takes in one field; `Ok(false)` when it is not passed on.
    fn note(&mut self, name: &[u8], value: &[u8]) -> io::Result<bool> {
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if is("content-length") {
            for part in value.split(|&b| b == b',') {
                let n = parse_length(part.trim_ascii()).ok_or_else(|| invalid("bad Content-Length"))?;
                if self.length.is_some_and(|l| l != n) {
                    return Err(invalid("conflicting Content-Length values"));
                }
                self.length = Some(n);
            }
            return Ok(true);
        }
        if is("transfer-encoding") {
            let last = value.rsplit(|&b| b == b',').next().unwrap_or_default();
            self.chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
            return Ok(false);
        }
        if is("connection") {
            for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                self.close |= token.eq_ignore_ascii_case(b"close");
                self.keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
            // Kept only while it names fields, to cut those out afterwards.
            let names_fields = connection_named(std::iter::once(value)).next().is_some();
            self.names_fields |= names_fields;
            return Ok(names_fields);
        }
        // A 101's `Upgrade` goes to the client.
        Ok(!hop_by_hop(name) || (self.switching && is("upgrade")))
    }

    /// The body's framing (RFC 9112 §6.3) and whether the connection must
    /// close after it.
    fn framing(&self, status: StatusCode, method: &Method) -> (Framing, bool) {
        if method == Method::HEAD
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
        {
            return (Framing::Length(0), false);
        }
        match (self.chunked, self.length) {
            (Some(true), length) => (Framing::Chunked(ChunkState::Size), length.is_some()),
            (Some(false), _) => (Framing::UntilClose, true),
            (None, Some(n)) => (Framing::Length(n), false),
            (None, None) => (Framing::UntilClose, true),
        }
    }
}

/// A `Content-Length` value: digits only, no sign, no overflow.
fn parse_length(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

// ---------------------------------------------------------------------------
// The server side: request heads in, response heads out
// ---------------------------------------------------------------------------

/// A client's request head, parsed.
#[derive(Debug)]
pub struct RequestHead {
    pub method: Method,
    pub uri: http::Uri,
    pub version: Version,
    pub fields: Fields,
    /// How the request body is framed (`Length(0)`: none).
    pub body: Framing,
    /// The client wants the connection kept open after the response.
    pub keep_alive: bool,
    /// `Expect: 100-continue` with a body to come.
    pub expects_continue: bool,
}

/// Why a request head was refused; the connection closes after the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestError {
    /// Malformed (400), with the reason.
    Malformed(&'static str),
    /// Over [`MAX_HEAD`] bytes or [`MAX_HEADERS`] fields (431).
    TooLarge,
    /// The request line alone is over [`MAX_HEAD`] bytes (414).
    UriTooLong,
    /// A protocol other than HTTP/1.x (400).
    Version,
    /// A transfer coding other than chunked (501).
    UnknownCoding,
}

/// Parses one request head off the front of `buf`; `Ok(None)` when more
/// bytes are needed. Refuses what request smuggling is made of: both
/// `Content-Length` and `Transfer-Encoding`, conflicting lengths, a coding
/// list not ending in `chunked`; and, in HTTP/1.1, a request without exactly
/// one `Host` (RFC 9112 §3.2). A minor version above 1 (`HTTP/1.2`) is read
/// as HTTP/1.1, the highest this server speaks (RFC 9112 §2.3).
pub fn parse_request_head(buf: &mut BytesMut) -> Result<Option<RequestHead>, RequestError> {
    match parse_request_head_once(buf) {
        Err(RequestError::Version) if read_later_minor_as_1_1(buf) => parse_request_head_once(buf),
        result => result,
    }
}

fn parse_request_head_once(buf: &mut BytesMut) -> Result<Option<RequestHead>, RequestError> {
    let mut slots = [const { MaybeUninit::uninit() }; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut []);
    let len = match parsed.parse_with_uninit_headers(buf, &mut slots) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => {
            let line_ended = buf.windows(2).any(|w| w == b"\r\n");
            return Err(if line_ended {
                RequestError::TooLarge
            } else {
                RequestError::UriTooLong
            });
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(RequestError::TooLarge),
        Err(httparse::Error::Version) => return Err(RequestError::Version),
        Err(_) => {
            return Err(RequestError::Malformed(
                "The request line or a header field is malformed.",
            ));
        }
    };
    if len > MAX_HEAD {
        return Err(RequestError::TooLarge);
    }
    let version = match parsed.version {
        Some(0) => Version::HTTP_10,
        _ => Version::HTTP_11,
    };
    let method = Method::from_bytes(parsed.method.unwrap_or_default().as_bytes())
        .map_err(|_| RequestError::Malformed("The request method is malformed."))?;
    let base = buf.as_ptr() as usize;
    let path = parsed.path.unwrap_or_default();
    let path_range = (
        path.as_ptr() as usize - base,
        path.as_ptr() as usize - base + path.len(),
    );
    let mut spans = Vec::with_capacity(parsed.headers.len());
    let mut hosts = 0;
    let mut length = None;
    let mut chunked = None;
    let (mut close, mut keep_alive, mut expects_continue) = (false, false, false);
    for h in parsed.headers.iter() {
        spans.push(span(base, h.name.as_bytes(), h.value));
        let name = h.name.as_bytes();
        if name.eq_ignore_ascii_case(b"content-length") {
            for part in h.value.split(|&b| b == b',') {
                let n = parse_length(part.trim_ascii())
                    .ok_or(RequestError::Malformed("Content-Length is not a number."))?;
                if length.is_some_and(|l| l != n) {
                    return Err(RequestError::Malformed("Content-Length values disagree."));
                }
                length = Some(n);
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            let last = h.value.rsplit(|&b| b == b',').next().unwrap_or_default();
            chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        } else if name.eq_ignore_ascii_case(b"connection") {
            for token in h.value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                close |= token.eq_ignore_ascii_case(b"close");
                keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        } else if name.eq_ignore_ascii_case(b"expect") {
            expects_continue = h.value.trim_ascii().eq_ignore_ascii_case(b"100-continue");
        } else if name.eq_ignore_ascii_case(b"host") {
            hosts += 1;
        }
    }
    if hosts > 1 || (hosts == 0 && version == Version::HTTP_11) {
        return Err(RequestError::Malformed(
            "An HTTP/1.1 request carries exactly one Host field.",
        ));
    }
    let body = match (chunked, length) {
        (Some(_), Some(_)) => {
            return Err(RequestError::Malformed(
                "Content-Length and Transfer-Encoding together are refused.",
            ));
        }
        (Some(true), None) if version == Version::HTTP_11 => Framing::Chunked(ChunkState::Size),
        (Some(_), None) => return Err(RequestError::UnknownCoding),
        (None, Some(n)) => Framing::Length(n),
        (None, None) => Framing::Length(0),
    };
    let head = buf.split_to(len).freeze();
    let uri = http::Uri::from_maybe_shared(head.slice(path_range.0..path_range.1))
        .map_err(|_| RequestError::Malformed("The request target is not a valid URI."))?;
    let keep_alive = match version {
        Version::HTTP_10 => keep_alive && !close,
        _ => !close,
    };
    Ok(Some(RequestHead {
        method,
        uri,
        version,
        fields: Fields::new(head, spans),
        expects_continue: expects_continue && !body.is_done(),
        body,
        keep_alive,
    }))
}

/// Rewrites the request line's `HTTP/1.x` (x from 2 to 9) to `HTTP/1.1` in
/// place, when the line is complete and ends so; whether it did.
fn read_later_minor_as_1_1(buf: &mut BytesMut) -> bool {
    let Some(at) = buf
        .windows(2)
        .position(|w| w == b"\r\n")
        .and_then(|end| end.checked_sub(8))
    else {
        return false;
    };
    if buf[at..at + 7] == *b"HTTP/1." && matches!(buf[at + 7], b'2'..=b'9') {
        buf[at + 7] = b'1';
        true
    } else {
        false
    }
}

/// How a response body goes to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFraming {
    /// No body at all (HEAD, 1xx, 204, 304): fields are sent as given.
    None,
    /// This many bytes; `Content-Length` added if missing.
    Length(u64),
    Chunked,
    /// Until the connection closes (HTTP/1.0 clients, unknown length).
    UntilClose,
}

/// The status line and fields of a response: the upstream's fields as
/// they arrived, then the gateway's own (`ours`). A field the gateway sets
/// replaces the upstream's of the same name, except `Vary`, whose values
/// add up. Framing and connection fields are the writer's (except on a
/// `101`, whose `Connection: upgrade` stays); `date` is added when the
/// response has none.
pub fn write_response_head(
    out: &mut Vec<u8>,
    status: StatusCode,
    upstream: &Fields,
    ours: &HeaderMap,
    framing: ResponseFraming,
    connection: Option<&[u8]>,
    date: &[u8],
) {
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    let switching = status == StatusCode::SWITCHING_PROTOCOLS;
    let mut has_length = false;
    let mut has_date = false;
    let mut passes = |name: &[u8]| {
        if is(name, "transfer-encoding") || (!switching && is(name, "connection")) {
            return false;
        }
        if is(name, "content-length") {
            if !matches!(framing, ResponseFraming::None | ResponseFraming::Length(_)) {
                return false;
            }
            has_length = true;
        }
        has_date |= is(name, "date");
        true
    };
    upstream.write_lines(out, |name| !replaced(name, ours) && passes(name));
    for (name, value) in ours {
        if passes(name.as_str().as_bytes()) {
            write_field(out, name.as_str().as_bytes(), value.as_bytes());
        }
    }
    if !has_date {
        write_field(out, b"date", date);
    }
    match framing {
        ResponseFraming::Length(n) if !has_length => {
            let mut digits = itoa::Buffer::new();
            write_field(out, b"content-length", digits.format(n).as_bytes());
        }
        ResponseFraming::Chunked => write_field(out, b"transfer-encoding", b"chunked"),
        _ => {}
    }
    if let Some(c) = connection {
        write_field(out, b"connection", c);
    }
    out.extend_from_slice(b"\r\n");
}

/// Whether the gateway's own fields replace an upstream field `name`: they
/// set it, and it is not `Vary` (whose values add up).
pub fn replaced(name: &[u8], ours: &HeaderMap) -> bool {
    !ours.is_empty() && !is(name, "vary") && ours.keys().any(|k| is(name, k.as_str()))
}

/// One chunk of a chunked body, `{size:x}\r\n{data}\r\n`, as a buffer for
/// one vectored write (the size line goes into `size`: nothing allocated).
pub fn chunk<'a>(size: &'a mut [u8; 18], data: &'a [u8]) -> impl Buf + 'a {
    let n = write_chunk_size(data.len(), size);
    (&size[..n]).chain(data).chain(&b"\r\n"[..])
}

/// Where a chunked body's decoder stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkState {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk: this many data bytes remain.
    Data(u64),
    /// After a chunk's data: expecting CRLF.
    DataEnd,
    /// After the last chunk: trailer fields (skipped) until an empty line;
    /// the count is trailer bytes seen so far.
    Trailers(usize),
}

enum Decoded {
    Data(Bytes),
    End,
    NeedMore,
}

impl ChunkState {
    fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Decoded> {
        loop {
            match self {
                ChunkState::Size => {
                    let Some(end) = find_crlf(buf) else {
                        if buf.len() > MAX_CHUNK_LINE {
                            return Err(invalid("chunk-size line too long"));
                        }
                        return Ok(Decoded::NeedMore);
                    };
                    let size = parse_chunk_size(&buf[..end])?;
                    let _ = buf.split_to(end + 2);
                    *self = if size == 0 {
                        ChunkState::Trailers(0)
                    } else {
                        ChunkState::Data(size)
                    };
                }
                ChunkState::Data(rest) => {
                    if buf.is_empty() {
                        return Ok(Decoded::NeedMore);
                    }
                    let n = usize::try_from(*rest).map_or(buf.len(), |r| r.min(buf.len()));
                    *rest -= n as u64;
                    if *rest == 0 {
                        *self = ChunkState::DataEnd;
                    }
                    return Ok(Decoded::Data(buf.split_to(n).freeze()));
                }
                ChunkState::DataEnd => {
                    if buf.len() < 2 {
                        return Ok(Decoded::NeedMore);
                    }
                    if &buf[..2] != b"\r\n" {
                        return Err(invalid("chunk not followed by CRLF"));
                    }
                    let _ = buf.split_to(2);
                    *self = ChunkState::Size;
                }
                ChunkState::Trailers(seen) => {
                    let Some(end) = find_crlf(buf) else {
                        if *seen + buf.len() > MAX_TRAILERS {
                            return Err(invalid("trailer section too large"));
                        }
                        return Ok(Decoded::NeedMore);
                    };
                    let _ = buf.split_to(end + 2);
                    if end == 0 {
                        return Ok(Decoded::End);
                    }
                    *seen += end + 2;
                    if *seen > MAX_TRAILERS {
                        return Err(invalid("trailer section too large"));
                    }
                }
            }
        }
    }
}

fn find_crlf(buf: &[u8]) -> Option<usize> {
    buf.windows(2).position(|w| w == b"\r\n")
}

/// `1a;ext=1` → 26. Hex digits only (at most 16), optional whitespace and
/// extensions after them.
fn parse_chunk_size(line: &[u8]) -> io::Result<u64> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 || digits > 16 {
        return Err(invalid("bad chunk size"));
    }
    let rest = &line[digits..];
    let rest_ok = rest.is_empty() || matches!(rest.iter().find(|b| !matches!(b, b' ' | b'\t')), None | Some(b';'));
    if !rest_ok {
        return Err(invalid("bad chunk size"));
    }
    let mut size = 0u64;
    for &b in &line[..digits] {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => b - b'A' + 10,
        };
        size = (size << 4) | u64::from(d);
    }
    Ok(size)
}

/// The declared body length of a message, if any (a list of equal values
/// was already reduced to one by the parser's checks).
pub fn content_length(fields: &Fields) -> Option<u64> {
    let value = fields.get("content-length")?;
    let first = value.split(|&b| b == b',').next().unwrap_or_default();
    parse_length(first.trim_ascii())
}

/// How a request body goes out, from its fields and what the body knows.
pub fn request_framing(fields: &Fields, body_is_empty: bool) -> RequestFraming {
    if let Some(length) = content_length(fields) {
        return RequestFraming::Length(length);
    }
    if body_is_empty {
        RequestFraming::Empty
    } else {
        RequestFraming::Chunked
    }
}

/// Writes `data` into a fresh buffer as a chunked body (tests).
#[cfg(test)]
fn chunked(pieces: &[&[u8]]) -> BytesMut {
    use bytes::BufMut;
    let mut out = BytesMut::new();
    for p in pieces {
        let mut size = [0u8; 18];
        let n = write_chunk_size(p.len(), &mut size);
        out.put_slice(&size[..n]);
        out.put_slice(p);
        out.put_slice(b"\r\n");
    }
    out.put_slice(b"0\r\n\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str, method: &Method) -> io::Result<Option<ResponseHead>> {
        let mut buf = BytesMut::from(raw.as_bytes());
        parse_head(&mut buf, method)
    }

    fn decode_all(state: &mut ChunkState, buf: &mut BytesMut) -> io::Result<(Vec<u8>, bool)> {
        let mut out = Vec::new();
        loop {
            match state.decode(buf)? {
                Decoded::Data(d) => out.extend_from_slice(&d),
                Decoded::End => return Ok((out, true)),
                Decoded::NeedMore => return Ok((out, false)),
            }
        }
    }

    #[test]
    fn chunk_sizes_encode_as_lowercase_hex() {
        for size in [0usize, 1, 9, 10, 15, 16, 255, 4096, 0xdead_beef, usize::MAX] {
            let mut out = [0u8; 18];
            let n = write_chunk_size(size, &mut out);
            assert_eq!(&out[..n], format!("{size:x}\r\n").as_bytes());
        }
    }

    #[test]
    fn heads_parse_with_their_framing() {
        let h = head(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        assert_eq!(h.status, StatusCode::OK);
        assert_eq!(h.framing, Framing::Length(5));
        assert!(h.keep_alive);
        assert_eq!(h.fields.get_all("x-a").count(), 2);

        let h = head(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 5\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        assert_eq!(h.framing, Framing::Chunked(ChunkState::Size));
        assert!(!h.fields.contains("content-length"), "TE wins over CL");
        assert!(!h.keep_alive, "CL next to TE: close afterwards");

        let h = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", &Method::GET)
            .expect("valid")
            .expect("complete");
        assert_eq!(h.framing, Framing::UntilClose);
        assert!(!h.keep_alive);

        let h = head("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", &Method::GET)
            .expect("valid")
            .expect("complete");
        assert!(!h.keep_alive, "HTTP/1.0 closes unless asked to keep alive");
        let h = head(
            "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        assert!(h.keep_alive);
        let h = head(
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        assert!(!h.keep_alive);

        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", &Method::HEAD)
            .expect("valid")
            .expect("complete");
        assert_eq!(h.framing, Framing::Length(0), "HEAD has no body");
        assert_eq!(h.fields.get("content-length"), Some(&b"10"[..]), "but keeps its length");
        for status in ["204 No Content", "304 Not Modified"] {
            let h = head(&format!("HTTP/1.1 {status}\r\n\r\n"), &Method::GET)
                .expect("valid")
                .expect("complete");
            assert_eq!(h.framing, Framing::Length(0));
        }
        let h = head("HTTP/1.1 200 OK\r\n\r\n", &Method::GET)
            .expect("valid")
            .expect("complete");
        assert_eq!(h.framing, Framing::UntilClose);
        let h = head(
            "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nProxy-Agent: x\r\nTrailer: a\r\nUpgrade: h2c\r\nTE: trailers\r\nContent-Length: 0\r\nX-Keep: 1\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        let names: Vec<&[u8]> = h.fields.iter().map(|(n, _)| n).collect();
        assert_eq!(names, [&b"Content-Length"[..], b"X-Keep"], "hop-by-hop fields stay out");
        let h = head(
            "HTTP/1.1 200 OK\r\nConnection: close, X-Private\r\nX-Private: secret\r\nx-private: 2\r\nConnection: x-b\r\nContent-Length: 0\r\nX-B: 1\r\nX-Public: 1\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        assert!(!h.keep_alive);
        let names: Vec<&[u8]> = h.fields.iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [&b"Content-Length"[..], b"X-Public"],
            "what Connection names goes, and Connection with it"
        );
        let h = head(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: x\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        let names: Vec<&[u8]> = h.fields.iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [&b"Upgrade"[..], b"Sec-WebSocket-Accept"],
            "a 101 keeps its Upgrade"
        );
        let h = head("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\n", &Method::GET)
            .expect("valid")
            .expect("complete");
        assert_eq!(h.framing, Framing::Length(3));
    }

    #[test]
    fn response_heads_put_the_gateways_fields_over_the_upstreams() {
        let h = head(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Request-Id: upstream\r\nVary: Accept\r\nDate: Mon, 30 Nov 2026 00:00:00 GMT\r\nContent-Length: 5\r\n\r\n",
            &Method::GET,
        )
        .expect("valid")
        .expect("complete");
        let mut ours = HeaderMap::new();
        ours.insert("x-request-id", http::HeaderValue::from_static("gateway"));
        ours.insert("vary", http::HeaderValue::from_static("Origin"));
        let mut out = Vec::new();
        write_response_head(
            &mut out,
            StatusCode::OK,
            &h.fields,
            &ours,
            ResponseFraming::Length(5),
            None,
            b"Tue, 01 Dec 2026 00:00:00 GMT",
        );
        assert_eq!(
            String::from_utf8(out).expect("ascii"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nVary: Accept\r\nDate: Mon, 30 Nov 2026 00:00:00 GMT\r\nContent-Length: 5\r\nx-request-id: gateway\r\nvary: Origin\r\n\r\n"
        );
        // Re-framed as chunked: the upstream's length goes, ours is added.
        let mut out = Vec::new();
        write_response_head(
            &mut out,
            StatusCode::OK,
            &h.fields,
            &HeaderMap::new(),
            ResponseFraming::Chunked,
            Some(b"close"),
            b"Tue, 01 Dec 2026 00:00:00 GMT",
        );
        let text = String::from_utf8(out).expect("ascii");
        assert!(!text.contains("Content-Length"), "{text}");
        assert!(
            text.ends_with("transfer-encoding: chunked\r\nconnection: close\r\n\r\n"),
            "{text}"
        );
        assert!(
            text.contains("X-Request-Id: upstream\r\n"),
            "kept when the gateway sets none"
        );
    }

    #[test]
    fn partial_and_hostile_heads() {
        assert!(
            head("HTTP/1.1 200 OK\r\nContent-Le", &Method::GET)
                .expect("valid")
                .is_none()
        );
        for bad in [
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/2 200 OK\r\n\r\n",
            "garbage\r\n\r\n",
            "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        ] {
            assert!(head(bad, &Method::GET).is_err(), "{bad:?}");
        }
        let many: String = (0..=MAX_HEADERS).map(|i| format!("x-{i}: 1\r\n")).collect();
        assert!(head(&format!("HTTP/1.1 200 OK\r\n{many}\r\n"), &Method::GET).is_err());
    }

    #[test]
    fn chunked_bodies_decode_across_any_split() {
        let body = chunked(&[b"hello ", b"chunked ", b"world"]);
        for split in 0..body.len() {
            let mut state = ChunkState::Size;
            let mut buf = BytesMut::from(&body[..split]);
            let (mut out, done) = decode_all(&mut state, &mut buf).expect("first part");
            assert!(!done || split == body.len());
            buf.extend_from_slice(&body[split..]);
            let (rest, done) = decode_all(&mut state, &mut buf).expect("second part");
            out.extend_from_slice(&rest);
            assert!(done, "split at {split}");
            assert_eq!(out, b"hello chunked world");
            assert!(buf.is_empty());
        }
    }

    #[test]
    fn chunk_extensions_and_trailers_are_skipped() {
        let mut state = ChunkState::Size;
        let mut buf = BytesMut::from(&b"5;name=value\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT"[..]);
        let (out, done) = decode_all(&mut state, &mut buf).expect("valid");
        assert!(done);
        assert_eq!(out, b"hello");
        assert_eq!(&buf[..], b"NEXT", "bytes after the body stay for the caller");
    }

    #[test]
    fn hostile_chunked_bodies_fail() {
        for bad in [
            &b"x\r\n"[..],
            b"5\r\nhelloXX",
            b"11111111111111111\r\n",
            b"5 x\r\nhello\r\n",
            b"-5\r\n",
        ] {
            let mut state = ChunkState::Size;
            let mut buf = BytesMut::from(bad);
            assert!(decode_all(&mut state, &mut buf).is_err(), "{bad:?}");
        }
        let mut state = ChunkState::Size;
        let mut buf = BytesMut::from(&vec![b'1'; MAX_CHUNK_LINE + 1][..]);
        assert!(decode_all(&mut state, &mut buf).is_err(), "endless size line");
        let mut state = ChunkState::Size;
        let mut trailers = b"0\r\n".to_vec();
        while trailers.len() <= MAX_TRAILERS + 100 {
            trailers.extend_from_slice(b"x-t: 1\r\n");
        }
        let mut buf = BytesMut::from(&trailers[..]);
        assert!(decode_all(&mut state, &mut buf).is_err(), "endless trailers");
    }

    #[test]
    fn request_framing_fields() {
        let mut out = Vec::new();
        write_framing(&mut out, &Method::PUT, RequestFraming::Chunked);
        write_framing(&mut out, &Method::POST, RequestFraming::Empty);
        write_framing(&mut out, &Method::GET, RequestFraming::Empty);
        write_framing(&mut out, &Method::PUT, RequestFraming::Length(3));
        assert_eq!(
            out,
            b"transfer-encoding: chunked\r\ncontent-length: 0\r\ncontent-length: 3\r\n"
        );
        let mut h = HeaderMap::new();
        h.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from_static("3"));
        assert_eq!(request_framing(&Fields::from_map(&h), false), RequestFraming::Length(3));
        // A list of equal lengths (which the request parser lets through) is that length.
        h.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from_static("3, 3"));
        assert_eq!(request_framing(&Fields::from_map(&h), false), RequestFraming::Length(3));
        assert_eq!(content_length(&Fields::from_map(&h)), Some(3));
        assert_eq!(request_framing(&Fields::default(), true), RequestFraming::Empty);
        assert_eq!(request_framing(&Fields::default(), false), RequestFraming::Chunked);
    }
}
