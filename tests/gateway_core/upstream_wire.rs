//! The upstream hop at the byte level: a scripted upstream writes exactly the
//! bytes a test gives it, so framing, interim responses and broken answers
//! can be checked against what a client of the gateway receives.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use http::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tollgate::gateway::GatewayConfig;

use crate::common::*;

/// An upstream that reads each request head (and a `content-length` body)
/// and answers with `answer(n)` for the n-th request on any connection,
/// then keeps the connection open unless the answer ends with `\0` (closes).
struct Scripted {
    url: String,
    conns: Arc<AtomicUsize>,
    requests: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn scripted(answer: fn(usize) -> Vec<u8>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let conns = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (accepted, seen) = (Arc::clone(&conns), Arc::clone(&requests));
    let task = tokio::spawn(async move {
        let served = Arc::new(AtomicUsize::new(0));
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            accepted.fetch_add(1, Ordering::SeqCst);
            let (served, seen) = (Arc::clone(&served), Arc::clone(&seen));
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 4096];
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length: "))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < head_end + length {
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let request: Vec<u8> = buf.drain(..head_end + length).collect();
                    seen.lock().expect("lock").push(request);
                    let mut out = answer(served.fetch_add(1, Ordering::SeqCst));
                    let close = out.last() == Some(&0);
                    if close {
                        out.pop();
                    }
                    if s.write_all(&out).await.is_err() || close {
                        return;
                    }
                }
            });
        }
    });
    Scripted {
        url,
        conns,
        requests,
        task,
    }
}

/// True when the client never got a complete answer: the connection broke
/// before the head, or the body failed after it.
async fn answer_breaks(c: &TestClient, url: &str) -> bool {
    let req = http::Request::get(url)
        .header("apikey", KEY_APP1)
        .body(Body::empty())
        .expect("request");
    match c.request(req).await {
        Err(_) => true,
        Ok(resp) => http_body_util::BodyExt::collect(resp.into_body()).await.is_err(),
    }
}

async fn through(up: &Scripted) -> (std::net::SocketAddr, Arc<tollgate::gateway::Gateway>) {
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    (start_gateway(Arc::clone(&gw)).await, gw)
}

#[tokio::test]
async fn chunked_answers_with_extensions_and_trailers_pass_and_the_connection_is_reused() {
    let up = scripted(|_| {
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6;ext=1\r\nhello \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n".to_vec()
    })
    .await;
    let (addr, _gw) = through(&up).await;
    let c = client();
    for _ in 0..3 {
        let r = get(&c, &format!("http://{addr}/petstore/v1/x"), &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 200);
        assert_eq!(&r.body[..], b"hello world");
    }
    assert_eq!(up.conns.load(Ordering::SeqCst), 1, "one keep-alive connection");
}

#[tokio::test]
async fn an_answer_without_length_ends_with_the_connection() {
    let up = scripted(|_| b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close\0".to_vec()).await;
    let (addr, _gw) = through(&up).await;
    let c = client();
    for _ in 0..2 {
        let r = get(&c, &format!("http://{addr}/petstore/v1/x"), &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 200);
        assert_eq!(&r.body[..], b"until close");
    }
    assert_eq!(up.conns.load(Ordering::SeqCst), 2, "such a connection is never reused");
}

#[tokio::test]
async fn interim_answers_are_skipped() {
    let up = scripted(|_| b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok".to_vec()).await;
    let (addr, _gw) = through(&up).await;
    let c = client();
    let r = call(
        &c,
        Method::POST,
        &format!("http://{addr}/petstore/v1/x"),
        &[
            ("apikey", KEY_APP1),
            ("expect", "100-continue"),
            ("content-length", "4"),
        ],
        Body::from("data"),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(&r.body[..], b"ok");
    let seen = up.requests.lock().expect("lock")[0].clone();
    let seen = String::from_utf8(seen).expect("ascii");
    assert!(seen.starts_with("POST /x HTTP/1.1\r\n"), "{seen}");
    assert!(seen.ends_with("\r\n\r\ndata"), "{seen}");
    assert!(
        !seen.contains("expect"),
        "the gateway answered the expectation itself: {seen}"
    );
}

#[tokio::test]
async fn broken_answers_are_502_and_the_gateway_keeps_serving() {
    // Request n gets answer n: four kinds of broken, then a good one.
    let up = scripted(|n| match n {
        0 => b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok\0".to_vec(),
        1 => b"NOT HTTP AT ALL\r\n\r\n\0".to_vec(),
        2 => b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n\0".to_vec(),
        3 => b"\0".to_vec(),
        _ => b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".to_vec(),
    })
    .await;
    let (addr, gw) = through(&up).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/x");
    for n in 0..2 {
        let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 502, "answer {n}");
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
    }
    // A bad chunk size is only found after the head: the client's answer
    // breaks off (there is no status left to change).
    assert!(answer_breaks(&client(), &url).await);
    // Closed without a byte on a fresh connection: nothing to retry on.
    let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 502);
    let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(&r.body[..], b"ok");
    drop(gw);
}

#[tokio::test]
async fn a_short_body_fails_the_client_body_and_is_not_reused() {
    let up = scripted(|n| {
        if n == 0 {
            b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort\0".to_vec()
        } else {
            b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nfull".to_vec()
        }
    })
    .await;
    let (addr, _gw) = through(&up).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/x");
    assert!(answer_breaks(&c, &url).await);
    let r = get(&client(), &url, &[("apikey", KEY_APP1)]).await;
    assert_eq!(&r.body[..], b"full");
    assert_eq!(up.conns.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn request_bodies_of_unknown_length_go_out_chunked() {
    let up = scripted(|_| b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec()).await;
    let (addr, _gw) = through(&up).await;
    // A body the client streams without a length.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(2);
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    }));
    let feeder = tokio::spawn(async move {
        for piece in ["abc", "defgh"] {
            tx.send(Ok(bytes::Bytes::from(piece))).await.expect("send");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let c = client();
    let r = call(
        &c,
        Method::PUT,
        &format!("http://{addr}/petstore/v1/x"),
        &[("apikey", KEY_APP1)],
        body,
    )
    .await;
    assert_eq!(r.status, 200);
    feeder.await.expect("feeder");
    let seen = String::from_utf8(up.requests.lock().expect("lock")[0].clone()).expect("ascii");
    assert!(seen.starts_with("PUT /x HTTP/1.1\r\n"), "{seen}");
    assert!(seen.contains("transfer-encoding: chunked\r\n"), "{seen}");
}

/// A list of equal lengths, or the same length twice, reaches the upstream as
/// one `Content-Length` value (RFC 9110 §8.6), which strict servers require.
#[tokio::test]
async fn the_upstream_gets_one_content_length() {
    let up = scripted(|_| b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec()).await;
    let (addr, _gw) = through(&up).await;
    for lengths in ["content-length: 5, 5\r\n", "content-length: 5\r\ncontent-length: 5\r\n"] {
        let raw = format!(
            "POST /petstore/v1/x HTTP/1.1\r\nhost: gw\r\napikey: {KEY_APP1}\r\n{lengths}connection: close\r\n\r\nhello"
        );
        let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        s.write_all(raw.as_bytes()).await.expect("write");
        let mut got = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut got)).await;
        let got = String::from_utf8_lossy(&got);
        assert!(got.starts_with("HTTP/1.1 200 OK"), "{lengths:?} → {got}");
    }
    let seen = up.requests.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    for request in seen {
        let request = String::from_utf8(request).expect("ascii").to_lowercase();
        assert_eq!(request.matches("content-length").count(), 1, "{request}");
        assert!(request.contains("\r\ncontent-length: 5\r\n"), "{request}");
        assert!(request.ends_with("\r\n\r\nhello"), "{request}");
    }
}

/// A client that gives up in the middle of its upload is not the upstream's
/// failure: however often it happens, the endpoint is not ejected.
#[tokio::test]
async fn clients_abandoning_uploads_do_not_eject_the_endpoint() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    for _ in 0..6 {
        let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        s.write_all(
            format!("POST /petstore/v1/upload HTTP/1.1\r\nhost: x\r\napikey: {KEY_APP1}\r\ncontent-length: 1000000\r\n\r\npartial")
                .as_bytes(),
        )
        .await
        .expect("write");
        tokio::time::sleep(Duration::from_millis(30)).await;
        drop(s);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let status = gw.endpoint_status("pets").expect("api");
    assert!(
        status.iter().all(|s| !s.ejected && s.consecutive_failures == 0),
        "{status:?}"
    );
    let r = get(
        &client(),
        &format!("http://{addr}/petstore/v1/pets/1"),
        &[("apikey", KEY_APP1)],
    )
    .await;
    assert_eq!(r.status, 200);
}
