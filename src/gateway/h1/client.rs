//! The client side: one keep-alive connection to an upstream, the request
//! body sent after its head, and the response head parsed in place, with its
//! framing and its hop-by-hop fields taken out.

use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http::{Method, StatusCode, Version};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::{
    ChunkState, Framing, MAX_HEAD, MAX_HEADERS, chunk, content_length, invalid, parse_length, poll_body, write_field,
};
use crate::gateway::fields::{Fields, is, span};

/// A pooled connection keeps a read buffer up to this size.
const KEEP_BUFFER: usize = 32 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::h1::{ResponseFraming, write_response_head};
    use http::HeaderMap;

    fn head(raw: &str, method: &Method) -> io::Result<Option<ResponseHead>> {
        let mut buf = BytesMut::from(raw.as_bytes());
        parse_head(&mut buf, method)
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
