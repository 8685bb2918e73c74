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
//!
//! The gateway's own HTTP/1.1 server speaks through the same module: it
//! parses request heads and writes response heads ([`parse_request_head`],
//! [`write_response_head`]). The module is split along those seams: `client`
//! (the upstream connection and its response heads), `server` (request heads
//! in, response heads out) and `chunked` (the chunked transfer coding); what
//! both sides use (body framing and reads, field lines, lengths) stays here.

mod chunked;
mod client;
mod server;

use std::io;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};

use crate::gateway::fields::Fields;

pub use chunked::{ChunkState, chunk};
pub use client::{
    Connection, ExchangeError, RequestFraming, ResponseHead, connection_named, hop_by_hop, request_framing,
    write_framing,
};
pub use server::{RequestError, RequestHead, ResponseFraming, parse_request_head, replaced, write_response_head};

use chunked::Decoded;

/// Largest response head accepted (status line and header fields).
pub const MAX_HEAD: usize = 64 * 1024;
/// Most header fields accepted in a response head.
pub const MAX_HEADERS: usize = 100;

/// Read buffer growth; bodies stream through in pieces of at most this much
/// beyond what one read already returned.
const READ_RESERVE: usize = 16 * 1024;

fn invalid(msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
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

/// One header field line.
pub fn write_field(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
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

/// The declared body length of a message, if any (a list of equal values
/// was already reduced to one by the parser's checks).
pub fn content_length(fields: &Fields) -> Option<u64> {
    let value = fields.get("content-length")?;
    let first = value.split(|&b| b == b',').next().unwrap_or_default();
    parse_length(first.trim_ascii())
}
