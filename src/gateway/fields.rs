//! Header fields of a parsed head, kept as they arrived.
//!
//! [`Fields`] is what the data path uses instead of a `HeaderMap`: the
//! frozen head's bytes and the byte ranges of the fields that count. Building
//! it costs one small allocation; names are never hashed, lower-cased or
//! copied, and values are never re-validated (`httparse` checked both).
//! Lookups compare names case-insensitively in a short linear scan, which
//! beats hashing for the handful of fields a request or response carries.
//!
//! The same type serves both sides: a client's request head (read by the
//! pipeline, written upstream minus hop-by-hop fields) and an upstream's
//! response head (written to the client as is, behind the gateway's own
//! fields). Where a `HeaderMap` is needed (tests)
//! [`Fields::from_map`] and [`Fields::append_to`] convert.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue};

/// Byte ranges (name start, name end, value start, value end) of one field
/// within a head.
pub type Span = (u32, u32, u32, u32);

/// The span of one parsed field, relative to `base` (the head's first byte).
pub fn span(base: usize, name: &[u8], value: &[u8]) -> Span {
    let n = name.as_ptr() as usize - base;
    let v = value.as_ptr() as usize - base;
    // Heads are at most h1::MAX_HEAD bytes, so these fit.
    (n as u32, (n + name.len()) as u32, v as u32, (v + value.len()) as u32)
}

/// Header fields as ranges of one shared buffer, in their original order
/// and spelling.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    raw: Bytes,
    spans: Vec<Span>,
}

impl Fields {
    /// Fields at `spans` of the frozen head `raw`. The spans must lie within
    /// `raw` and name fields `httparse` accepted: from a name's start to
    /// its value's end is one field line without its CRLF.
    pub fn new(raw: Bytes, spans: Vec<Span>) -> Fields {
        debug_assert!(
            spans
                .iter()
                .all(|s| s.1 as usize <= raw.len() && s.3 as usize <= raw.len())
        );
        Fields { raw, spans }
    }

    /// The fields of a `HeaderMap`, copied into one buffer laid out as a
    /// head's field lines.
    pub fn from_map(map: &HeaderMap) -> Fields {
        let mut raw = BytesMut::new();
        let mut spans = Vec::with_capacity(map.len());
        for (name, value) in map {
            let n = raw.len();
            raw.extend_from_slice(name.as_str().as_bytes());
            let n1 = raw.len();
            raw.extend_from_slice(b": ");
            let v = raw.len();
            raw.extend_from_slice(value.as_bytes());
            spans.push((n as u32, n1 as u32, v as u32, raw.len() as u32));
            raw.extend_from_slice(b"\r\n");
        }
        Fields {
            raw: raw.freeze(),
            spans,
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Every field as (name, value), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.spans.iter().map(|&s| self.pair(s))
    }

    fn pair(&self, (n0, n1, v0, v1): Span) -> (&[u8], &[u8]) {
        (&self.raw[n0 as usize..n1 as usize], &self.raw[v0 as usize..v1 as usize])
    }

    /// The first value of field `name` (any case).
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.iter().find(|(n, _)| is(n, name)).map(|(_, value)| value)
    }

    /// Every value of field `name` (any case), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter().filter(move |(n, _)| is(n, name)).map(|(_, value)| value)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The first value of `name` as a `HeaderValue` sharing the head's bytes.
    pub fn value(&self, name: &str) -> Option<HeaderValue> {
        let &(_, _, v0, v1) = self.spans.iter().find(|&&s| is(self.pair(s).0, name))?;
        HeaderValue::from_maybe_shared(self.raw.slice(v0 as usize..v1 as usize)).ok()
    }

    /// Keeps only the fields for which `keep(name, value)` holds.
    pub fn retain(&mut self, mut keep: impl FnMut(&[u8], &[u8]) -> bool) {
        let raw = &self.raw;
        self.spans
            .retain(|&(n0, n1, v0, v1)| keep(&raw[n0 as usize..n1 as usize], &raw[v0 as usize..v1 as usize]));
    }

    /// Writes the fields whose name `keep` accepts as field lines, as they
    /// arrived: runs of adjacent lines are copied in one piece.
    pub fn write_lines(&self, out: &mut Vec<u8>, mut keep: impl FnMut(&[u8]) -> bool) {
        let raw = &self.raw[..];
        let mut run: Option<(usize, usize)> = None;
        let flush = |out: &mut Vec<u8>, run: Option<(usize, usize)>| {
            if let Some((start, end)) = run {
                out.extend_from_slice(&raw[start..end]);
                out.extend_from_slice(b"\r\n");
            }
        };
        for &(n0, n1, _, v1) in &self.spans {
            let (n0, v1) = (n0 as usize, v1 as usize);
            if !keep(&raw[n0..n1 as usize]) {
                continue;
            }
            run = match run {
                // The next line right after this one's CRLF: one piece.
                Some((start, end)) if raw.get(end..n0) == Some(b"\r\n") => Some((start, v1)),
                other => {
                    flush(out, other);
                    Some((n0, v1))
                }
            };
        }
        flush(out, run);
    }

    /// Appends every field to `map` (values share the head's bytes); fields
    /// that are not valid in a `HeaderMap` are skipped.
    pub fn append_to(&self, map: &mut HeaderMap) {
        map.reserve(self.spans.len());
        for &(n0, n1, v0, v1) in &self.spans {
            let Ok(name) = HeaderName::from_bytes(&self.raw[n0 as usize..n1 as usize]) else {
                continue;
            };
            if let Ok(value) = HeaderValue::from_maybe_shared(self.raw.slice(v0 as usize..v1 as usize)) {
                map.append(name, value);
            }
        }
    }
}

/// Whether field name `name` is `lower` (given in lower case), in any case.
pub fn is(name: &[u8], lower: &str) -> bool {
    name.len() == lower.len() && name.eq_ignore_ascii_case(lower.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &'static [u8]) -> Fields {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        let mut req = httparse::Request::new(&mut headers);
        let httparse::Status::Complete(len) = req.parse(raw).expect("valid") else {
            panic!("complete head expected");
        };
        let base = raw.as_ptr() as usize;
        let spans = req
            .headers
            .iter()
            .map(|h| span(base, h.name.as_bytes(), h.value))
            .collect();
        Fields::new(Bytes::from_static(&raw[..len]), spans)
    }

    #[test]
    fn lookups_ignore_case_and_keep_order() {
        let f = parsed(
            b"GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nx-forwarded-for: 2.2.2.2\r\nAPIKEY: k\r\n\r\n",
        );
        assert_eq!(f.len(), 4);
        assert_eq!(f.get("host"), Some(&b"a"[..]));
        assert_eq!(f.get("apikey"), Some(&b"k"[..]));
        assert_eq!(f.get("x-api-key"), None);
        let all: Vec<&[u8]> = f.get_all("x-forwarded-for").collect();
        assert_eq!(all, [&b"1.1.1.1"[..], b"2.2.2.2"]);
        assert_eq!(f.value("apikey").expect("present"), "k");
        assert!(!f.contains("apike"), "a prefix is not the name");
    }

    #[test]
    fn lines_are_copied_as_they_arrived_in_runs() {
        let f = parsed(b"GET / HTTP/1.1\r\nHost:a\r\nX-Drop: 1\r\nX-A:   1\r\nx-b: 2\r\nX-Drop: 2\r\n\r\n");
        let mut out = Vec::new();
        f.write_lines(&mut out, |name| !is(name, "x-drop"));
        assert_eq!(out, b"Host:a\r\nX-A:   1\r\nx-b: 2\r\n");
        let mut out = Vec::new();
        f.write_lines(&mut out, |_| false);
        assert!(out.is_empty());
    }

    #[test]
    fn retain_and_conversions_round_trip() {
        let mut f = parsed(b"GET / HTTP/1.1\r\nHost: a\r\nKeep-Alive: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
        f.retain(|name, _| !is(name, "keep-alive"));
        let names: Vec<&[u8]> = f.iter().map(|(n, _)| n).collect();
        assert_eq!(names, [&b"Host"[..], b"X-A", b"x-a"]);
        let mut map = HeaderMap::new();
        f.append_to(&mut map);
        assert_eq!(map.get_all("x-a").iter().count(), 2);
        let back = Fields::from_map(&map);
        assert_eq!(back.len(), 3);
        let mut lines = Vec::new();
        back.write_lines(&mut lines, |_| true);
        assert_eq!(lines, b"host: a\r\nx-a: 1\r\nx-a: 2\r\n");
        assert_eq!(back.get("HOST".to_ascii_lowercase().as_str()), Some(&b"a"[..]));
    }
}
