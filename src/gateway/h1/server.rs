//! The server side: a client's request head parsed off the connection's
//! buffer (refusing what request smuggling is made of), and the response
//! head written back.

use std::mem::MaybeUninit;

use bytes::BytesMut;
use http::{HeaderMap, Method, StatusCode, Version};

use super::{ChunkState, Framing, MAX_HEAD, MAX_HEADERS, parse_length, write_field};
use crate::gateway::fields::{Fields, is, span};

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
