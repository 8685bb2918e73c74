//! The gateway's own HTTP/1.1 listener at the byte level: raw bytes in, raw
//! bytes out, so that framing, limits and connection handling are checked
//! exactly as a hostile or old client would meet them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tollgate::gateway::GatewayConfig;

use crate::common::*;

async fn gateway_with(config: GatewayConfig) -> (SocketAddr, Upstream) {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(config);
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    (start_gateway(Arc::clone(&gw)).await, up)
}

/// Everything the gateway sends until it closes the connection (or 3 s pass).
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(bytes).await.expect("write");
    read_to_close(&mut s, Duration::from_secs(3)).await
}

async fn read_to_close(s: &mut TcpStream, limit: Duration) -> String {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(limit, s.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

fn get(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nhost: gw\r\napikey: {KEY_APP1}\r\n{extra}\r\n")
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let both = format!(
        "{}{}",
        get("/petstore/v1/pets/1", ""),
        get("/petstore/v1/pets/2", "connection: close\r\n")
    );
    let out = exchange(addr, both.as_bytes()).await;
    let first = out.find("/pets/1").expect("first answer");
    let second = out.find("/pets/2").expect("second answer");
    assert!(first < second, "{out}");
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
    assert!(out.contains("connection: close"), "the last one says it closes: {out}");
}

#[tokio::test]
async fn smuggling_shapes_and_bad_heads_are_refused_and_closed() {
    let (addr, up) = gateway_with(GatewayConfig::default()).await;
    let cases: [(&str, &str); 6] = [
        (
            "POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
            "HTTP/1.1 400 ",
        ),
        (
            "POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\ncontent-length: 4\r\ncontent-length: 5\r\n\r\nabcd",
            "HTTP/1.1 400 ",
        ),
        (
            "POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\ncontent-length: -4\r\n\r\n",
            "HTTP/1.1 400 ",
        ),
        (
            "POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\ntransfer-encoding: gzip\r\n\r\n",
            "HTTP/1.1 501 ",
        ),
        ("GET /a b c HTTP/1.1\r\nhost: gw\r\n\r\n", "HTTP/1.1 400 "),
        ("NOT HTTP\r\n\r\n", "HTTP/1.1 400 "),
    ];
    for (raw, status) in cases {
        let out = exchange(addr, raw.as_bytes()).await;
        assert!(out.starts_with(status), "{raw:?} → {out}");
        assert!(out.contains("content-type: application/problem+json"), "{out}");
        assert!(out.contains("connection: close"), "{out}");
    }
    let huge = format!(
        "GET /petstore/v1/pets/1 HTTP/1.1\r\nhost: gw\r\nx-big: {}\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    let out = exchange(addr, huge.as_bytes()).await;
    assert!(out.starts_with("HTTP/1.1 431 "), "{out}");
    let many: String = (0..150).map(|i| format!("x-{i}: 1\r\n")).collect();
    let out = exchange(addr, format!("GET / HTTP/1.1\r\nhost: gw\r\n{many}\r\n").as_bytes()).await;
    assert!(out.starts_with("HTTP/1.1 431 "), "{out}");
    assert_eq!(up.hits(), 0, "nothing reached the upstream");
}

/// RFC 9112 §3.2: an HTTP/1.1 request has exactly one `Host`; §2.3: a later
/// 1.x minor version is served as 1.1; an overlong request line is 414.
#[tokio::test]
async fn request_lines_and_hosts_are_checked_as_rfc_9112_says() {
    let (addr, up) = gateway_with(GatewayConfig::default()).await;
    let path = "/petstore/v1/pets/1";
    for (raw, status) in [
        (
            format!("GET {path} HTTP/1.1\r\napikey: {KEY_APP1}\r\n\r\n"),
            "HTTP/1.1 400 ",
        ),
        (
            format!("GET {path} HTTP/1.1\r\nhost: a\r\nhost: a\r\napikey: {KEY_APP1}\r\n\r\n"),
            "HTTP/1.1 400 ",
        ),
        (
            format!("GET {path} HTTP/1.0\r\nhost: a\r\nhost: b\r\napikey: {KEY_APP1}\r\n\r\n"),
            "HTTP/1.1 400 ",
        ),
        (
            format!("GET /{} HTTP/1.1\r\nhost: gw\r\n\r\n", "a".repeat(100 * 1024)),
            "HTTP/1.1 414 ",
        ),
        (format!("GET {path} HTTP/2.0\r\nhost: gw\r\n\r\n"), "HTTP/1.1 400 "),
    ] {
        let out = exchange(addr, raw.as_bytes()).await;
        assert!(out.starts_with(status), "{:?} → {out}", &raw[..raw.len().min(80)]);
        assert!(out.contains("content-type: application/problem+json"), "{out}");
    }
    assert_eq!(up.hits(), 0, "none of those reached the upstream");
    let out = exchange(
        addr,
        format!("GET {path} HTTP/1.2\r\nhost: gw\r\napikey: {KEY_APP1}\r\nconnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "HTTP/1.2 is served as 1.1: {out}");
    // HTTP/1.0 needs no Host.
    let out = exchange(
        addr,
        format!("GET {path} HTTP/1.0\r\napikey: {KEY_APP1}\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
}

#[tokio::test]
async fn chunked_request_bodies_are_decoded_and_the_connection_goes_on() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let raw = format!(
        "POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\napikey: {KEY_APP1}\r\ntransfer-encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nx-t: 1\r\n\r\n{}",
        get("/petstore/v1/pets/9", "connection: close\r\n")
    );
    let out = exchange(addr, raw.as_bytes()).await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(out.contains("\r\n\r\n11"), "the upstream got 11 bytes: {out}");
    assert!(
        out.contains("/pets/9"),
        "the next request on the connection was served: {out}"
    );
}

#[tokio::test]
async fn http_1_0_clients_get_what_they_asked_for() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let out = exchange(
        addr,
        format!("GET /petstore/v1/pets/1 HTTP/1.0\r\napikey: {KEY_APP1}\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(
        out.contains("connection: close"),
        "1.0 without keep-alive closes: {out}"
    );
    assert!(!out.contains("transfer-encoding"), "{out}");
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET /petstore/v1/pets/1 HTTP/1.0\r\napikey: {KEY_APP1}\r\nconnection: keep-alive\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 8192];
    let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
        .await
        .expect("answer")
        .expect("read");
    let first = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(first.contains("connection: keep-alive"), "{first}");
    s.write_all(req.as_bytes())
        .await
        .expect("second request on the same connection");
    let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
        .await
        .expect("answer")
        .expect("read");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200 OK"));
}

#[tokio::test]
async fn expect_100_continue_is_answered_before_the_body() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\napikey: {KEY_APP1}\r\ncontent-length: 4\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.expect("head");
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
        .await
        .expect("interim answer")
        .expect("read");
    assert_eq!(&buf[..n], b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(b"data").await.expect("body");
    let out = read_to_close(&mut s, Duration::from_secs(3)).await;
    assert!(
        out.starts_with("HTTP/1.1 200 OK") && out.ends_with("\r\n\r\n4"),
        "{out}"
    );
}

/// A request refused before its body was read: the answer still arrives
/// (no reset), and the connection closes.
#[tokio::test]
async fn an_unread_body_closes_the_connection_after_the_answer() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(b"POST /petstore/v1/upload HTTP/1.1\r\nhost: gw\r\ncontent-length: 1000000\r\n\r\n")
        .await
        .expect("head");
    // Keep sending body bytes the gateway will never want.
    let _ = s.write_all(&vec![b'x'; 200_000]).await;
    let out = read_to_close(&mut s, Duration::from_secs(3)).await;
    assert!(out.starts_with("HTTP/1.1 401 "), "{out}");
    assert!(out.contains("connection: close"), "{out}");
}

#[tokio::test]
async fn slow_and_idle_clients_are_cut_off_by_the_header_timeout() {
    let config = GatewayConfig {
        header_read_timeout: Duration::from_millis(300),
        ..GatewayConfig::default()
    };
    let (addr, _up) = gateway_with(config).await;
    // Half a head, then nothing.
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /petstore/v1/pets/1 HTTP/1.1\r\nhost: g")
        .await
        .expect("write");
    let out = read_to_close(&mut slow, Duration::from_secs(3)).await;
    assert!(
        out.starts_with("HTTP/1.1 408 "),
        "a head begun and not finished is answered: {out}"
    );
    assert!(out.contains("connection: close"), "{out}");
    // An idle keep-alive connection after one answer.
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    idle.write_all(get("/petstore/v1/pets/1", "").as_bytes())
        .await
        .expect("write");
    let started = std::time::Instant::now();
    let out = read_to_close(&mut idle, Duration::from_secs(3)).await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert_eq!(
        out.matches("HTTP/1.1 ").count(),
        1,
        "an idle connection closes without a 408: {out}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "closed by the timeout, not the test's limit"
    );
}

#[tokio::test]
async fn head_answers_keep_their_length_and_carry_no_body() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let raw = format!(
        "HEAD /petstore/v1/pets/1 HTTP/1.1\r\nhost: gw\r\napikey: {KEY_APP1}\r\n\r\n{}",
        get("/petstore/v1/pets/2", "connection: close\r\n")
    );
    let out = exchange(addr, raw.as_bytes()).await;
    let (head_answer, rest) = out.split_once("\r\n\r\n").expect("a head");
    assert!(head_answer.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(head_answer.contains("content-length: "), "{head_answer}");
    assert!(
        rest.starts_with("HTTP/1.1 200 OK"),
        "the next answer follows at once: {rest}"
    );
}

/// The listener's own paths do not read a request body: it is given back
/// unread, the connection closes after the answer instead of misreading the
/// body as the next request.
#[tokio::test]
async fn a_body_sent_to_an_own_path_is_not_taken_for_a_request() {
    let (addr, _up) = gateway_with(GatewayConfig::default()).await;
    let raw = format!(
        "POST /healthz HTTP/1.1\r\nhost: gw\r\ncontent-length: 42\r\n\r\n{}",
        get("/petstore/v1/pets/1", "")
    );
    let out = exchange(addr, raw.as_bytes()).await;
    assert!(out.starts_with("HTTP/1.1 200 OK"), "{out}");
    assert!(out.contains("connection: close"), "{out}");
    assert_eq!(
        out.matches("HTTP/1.1").count(),
        1,
        "the body was not served as a request: {out}"
    );
}

/// At a graceful stop, a keep-alive connection between requests is not cut: a request its
/// client sends as the stop begins is answered (with `Connection: close`), then the connection
/// closes; a connection that sends nothing more is closed after `drain_idle`.
#[tokio::test]
async fn draining_answers_a_last_request_on_an_idle_keep_alive_connection() {
    let up = Upstream::start("up").await;
    let config = GatewayConfig {
        drain_idle: Duration::from_millis(500),
        ..GatewayConfig::default()
    };
    let (gw, _) = new_gateway(config);
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tollgate::gateway::serve_with_shutdown(gw, listener, async move {
        let _ = stop_rx.await;
    }));

    // Two keep-alive connections, each after one answered request.
    let mut busy = TcpStream::connect(addr).await.expect("connect");
    let mut quiet = TcpStream::connect(addr).await.expect("connect");
    for s in [&mut busy, &mut quiet] {
        s.write_all(get("/petstore/v1/pets/1", "").as_bytes())
            .await
            .expect("write");
        let mut head = vec![0; 4096];
        let n = s.read(&mut head).await.expect("read");
        let head = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(!head.contains("connection: close"), "{head}");
    }

    let stopping = std::time::Instant::now();
    stop_tx.send(()).expect("signal");
    tokio::time::sleep(Duration::from_millis(100)).await;
    busy.write_all(get("/petstore/v1/pets/2", "").as_bytes())
        .await
        .expect("write");
    let last = read_to_close(&mut busy, Duration::from_secs(3))
        .await
        .to_ascii_lowercase();
    assert!(
        last.starts_with("http/1.1 200"),
        "the last request is answered: {last:?}"
    );
    assert!(last.contains("connection: close"), "{last}");

    let rest = read_to_close(&mut quiet, Duration::from_secs(3)).await;
    assert_eq!(rest, "", "a quiet connection is closed without a word");
    tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .expect("serve returned")
        .expect("task")
        .expect("ok");
    let took = stopping.elapsed();
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(2),
        "the quiet connection was given drain_idle, no more: {took:?}"
    );
}
