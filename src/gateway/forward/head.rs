//! The upstream request head, written from the client's parsed fields and a [`Rewrite`].

use super::*;

/// Whether the request asks for a WebSocket upgrade.
pub fn is_websocket_upgrade(fields: &Fields) -> bool {
    let upgrade = fields
        .get("upgrade")
        .is_some_and(|v| v.eq_ignore_ascii_case(b"websocket"));
    upgrade
        && fields
            .get_all("connection")
            .flat_map(|v| v.split(|&b| b == b','))
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"upgrade"))
}

/// The upstream request head: the request line with the endpoint's path,
/// the client's fields minus hop-by-hop ones (RFC 9110 §7.6.1: the fixed
/// list, `Proxy-*`, whatever `Connection` names), `Expect` (the gateway
/// answers it), the consumed credential and the fields the gateway sets
/// itself: `Host` (the endpoint's; the client's moves to
/// `X-Forwarded-Host`), `X-Forwarded-For` (appended to), `-Proto`,
/// `x-request-id`, then the framing fields (`Content-Length` as one value).
pub fn write_head(
    out: &mut Vec<u8>,
    method: &Method,
    fields: &Fields,
    target: &Target,
    rw: &Rewrite<'_>,
    framing: RequestFraming,
) {
    out.extend_from_slice(method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.base_path.as_bytes());
    out.extend_from_slice(rw.rest.as_bytes());
    if target.base_path.is_empty() && rw.rest.is_empty() {
        out.push(b'/');
    }
    if let Some(q) = rw.query {
        out.push(b'?');
        out.extend_from_slice(q.as_bytes());
    }
    out.extend_from_slice(b" HTTP/1.1\r\n");
    let names_fields = h1::connection_named(fields.get_all("connection")).next().is_some();
    fields.write_lines(out, |name| {
        if is(name, "host") || is(name, "x-forwarded-for") {
            return false;
        }
        let skip = h1::hop_by_hop(name)
            || is(name, "expect")
            || is(name, "x-forwarded-host")
            || is(name, "x-forwarded-proto")
            || is(name, "x-request-id")
            || is(name, "content-length")
            || (rw.drop_authorization && is(name, "authorization"))
            || rw.key_headers.iter().any(|k| is(name, k.as_str()))
            || (names_fields
                && h1::connection_named(fields.get_all("connection")).any(|n| n.eq_ignore_ascii_case(name)));
        !skip
    });
    h1::write_field(out, b"host", target.host.as_bytes());
    if let Some(host) = fields.get("host") {
        h1::write_field(out, b"x-forwarded-host", host);
    }
    let forwarded_for = fields.contains("x-forwarded-for");
    if forwarded_for || rw.peer.is_some() {
        out.extend_from_slice(b"x-forwarded-for: ");
        let mut first = true;
        for prior in fields.get_all("x-forwarded-for") {
            if !first {
                out.extend_from_slice(b", ");
            }
            out.extend_from_slice(prior);
            first = false;
        }
        if let Some(peer) = rw.peer {
            if !first {
                out.extend_from_slice(b", ");
            }
            let mut ip = [0u8; 39];
            out.extend_from_slice(format_ip(peer.ip(), &mut ip));
        }
        out.extend_from_slice(b"\r\n");
    }
    h1::write_field(out, b"x-forwarded-proto", rw.proto.as_bytes());
    h1::write_field(out, b"x-request-id", rw.request_id.as_bytes());
    if rw.websocket {
        h1::write_field(out, b"connection", b"upgrade");
        if let Some(up) = fields.get("upgrade") {
            h1::write_field(out, b"upgrade", up);
        }
    }
    h1::write_framing(out, method, framing);
    out.extend_from_slice(b"\r\n");
}

/// The textual form of `ip` in `buf` (IPv4 by hand, IPv6 through `Display`).
pub(super) fn format_ip(ip: std::net::IpAddr, buf: &mut [u8; 39]) -> &[u8] {
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
