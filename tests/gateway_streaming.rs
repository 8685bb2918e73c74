//! 200 MB up and 200 MB down through the gateway with bounded memory.
//!
//! Alone in its own test binary so that no other test's allocations show up
//! in this process's RSS.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
#[path = "gateway_core/common.rs"]
mod common;
use common::*;
use http::Method;
use http_body_util::BodyExt;
use tollgate::gateway::GatewayConfig;

const SIZE: u64 = 200 * 1024 * 1024;
static CHUNK: [u8; 64 * 1024] = [b'u'; 64 * 1024];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_bodies_stream_with_bounded_memory() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("files", "/files", "v1", &[&up.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let key = [("apikey", KEY_APP1)];

    // Warm up pools, allocator arenas, and code paths before the baseline.
    let r = get(&c, &format!("http://{addr}/files/v1/download/1048576"), &key).await;
    assert_eq!(r.body.len(), 1_048_576);
    drop(r);
    let baseline = rss_kib();

    // Sample RSS while the transfers run.
    let peak = Arc::new(AtomicU64::new(baseline));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (Arc::clone(&peak), Arc::clone(&stop));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };

    // Upload: a chunked body generated on the fly (no Content-Length).
    let chunks = (SIZE / CHUNK.len() as u64) as usize;
    let stream = futures_util::stream::iter((0..chunks).map(|_| Ok::<_, Infallible>(Bytes::from_static(&CHUNK))));
    let r = call(
        &c,
        Method::POST,
        &format!("http://{addr}/files/v1/upload"),
        &key,
        Body::from_stream(stream),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        std::str::from_utf8(&r.body).expect("utf8"),
        SIZE.to_string(),
        "upstream got every byte"
    );

    // Download: read frame by frame, keeping nothing.
    let req = http::Request::get(format!("http://{addr}/files/v1/download/{SIZE}"))
        .header("apikey", KEY_APP1)
        .body(Body::empty())
        .expect("request");
    let resp = c.request(req).await.expect("response");
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        received += frame.expect("frame").data_ref().map_or(0, |d| d.len() as u64);
    }
    assert_eq!(received, SIZE);

    stop.store(true, Ordering::Relaxed);
    sampler.await.expect("sampler");
    let growth_mib = peak.load(Ordering::Relaxed).saturating_sub(baseline) as f64 / 1024.0;
    println!("RSS baseline {} KiB, peak growth {growth_mib:.1} MiB", baseline);
    assert!(growth_mib < 30.0, "RSS grew by {growth_mib:.1} MiB");

    // The meter saw both transfers with their real sizes.
    let mut rows = Vec::new();
    drain_until(&gw, &mut rows, |rows| {
        rows.iter().map(|r| r.counters.requests).sum::<u64>() >= 2
    })
    .await;
    let bytes_in: u64 = rows.iter().map(|r| r.counters.bytes_in).sum();
    let bytes_out: u64 = rows.iter().map(|r| r.counters.bytes_out).sum();
    assert_eq!(bytes_in, SIZE);
    assert!(bytes_out >= SIZE + 1_048_576, "{bytes_out}");
}
