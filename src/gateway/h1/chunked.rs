//! The chunked transfer coding (RFC 9112 §7.1): chunks written for one
//! vectored write each, and an incremental decoder that skips extensions and
//! trailers and refuses malformed sizes and terminators.

use std::io;

use bytes::{Buf, Bytes, BytesMut};

use super::invalid;

/// Longest chunk-size line (with extensions) and largest trailer section.
const MAX_CHUNK_LINE: usize = 4096;
const MAX_TRAILERS: usize = 16 * 1024;

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

pub(super) enum Decoded {
    Data(Bytes),
    End,
    NeedMore,
}

impl ChunkState {
    pub(super) fn decode(&mut self, buf: &mut BytesMut) -> io::Result<Decoded> {
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
}
