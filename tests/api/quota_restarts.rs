//! A quota is counted over restarts: a gateway that starts again (without Redis, or with a
//! Redis that came back empty) resumes from the calls already metered, never from zero.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;

use crate::helpers::TestApp;
use crate::scenario::{Upstream, call, plan, publish_api, subscribed_key};

/// Calls `path` `n` times, `gap` apart; how many were admitted (200). Anything but 200 or 429
/// fails the test.
pub async fn admitted(gateway: &str, path: &str, key: &str, n: usize, gap: Duration) -> usize {
    let mut ok = 0;
    for _ in 0..n {
        match call(gateway, path, Some(key)).await {
            (200, ..) => ok += 1,
            (429, ..) => {}
            (other, _, body) => panic!("unexpected {other}: {body}"),
        }
        tokio::time::sleep(gap).await;
    }
    ok
}

#[tokio::test]
async fn without_redis_a_restart_grants_no_new_quota() {
    let app = TestApp::spawn().await;
    let upstream = Upstream::start("q").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let five = plan(
        &publisher,
        &org,
        json!({"name": "Five", "quota": {"requests": 5, "period": "day"}}),
    )
    .await;
    let api = publish_api(&publisher, &org, "/daily", &five, json!([{"url": upstream.url}])).await;
    let dev = app.developer("daily@example.org").await;
    let (_, key, _) = subscribed_key(&dev, &api, &five).await;
    let path = "/daily/v1/items/1";

    assert_eq!(admitted(&app.gateway, path, &key, 3, Duration::ZERO).await, 3);
    let db = app.stop().await;
    let app = TestApp::spawn_on(db, |c| c.admin_password = None).await;
    assert_eq!(
        admitted(&app.gateway, path, &key, 10, Duration::ZERO).await,
        2,
        "after a restart the quota goes on from the 3 calls metered before it"
    );
    let db = app.stop().await;
    let app = TestApp::spawn_on(db, |c| c.admin_password = None).await;
    assert_eq!(admitted(&app.gateway, path, &key, 5, Duration::ZERO).await, 0);
    app.stop().await;
    assert_eq!(
        upstream.hits.load(Ordering::SeqCst),
        5,
        "the upstream saw exactly the quota"
    );
}

/// A Redis server of this test's own (no persistence), so that it can be restarted empty
/// without disturbing other tests.
struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    fn start() -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut server = RedisServer { port, child: None };
        server.launch().then_some(server)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn launch(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else { return false };
        self.child = Some(child);
        for _ in 0..100 {
            if let Ok(mut c) = redis::Client::open(self.url()).and_then(|c| c.get_connection())
                && redis::cmd("PING").query::<String>(&mut c).is_ok()
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Stop and start again on the same port: everything it held is gone.
    fn restart_empty(&mut self) {
        self.kill();
        assert!(self.launch(), "redis-server restarts");
    }

    fn quota_count(&self, subscription: &str) -> Option<i64> {
        let mut c = redis::Client::open(self.url()).ok()?.get_connection().ok()?;
        redis::cmd("HGET")
            .arg(format!("tollgate:rl:{{{subscription}}}:q"))
            .arg("n")
            .query(&mut c)
            .ok()?
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn with_redis_a_quota_survives_a_redis_restarted_empty_and_a_gateway_restart() {
    let Some(mut redis) = RedisServer::start() else {
        eprintln!(
            "with_redis_a_quota_survives_a_redis_restarted_empty_and_a_gateway_restart DID NOT RUN: \
             no redis-server on PATH (.ci/run installs it)"
        );
        return;
    };
    let url = redis.url();
    let app = TestApp::spawn_with(|c| c.redis_url = Some(url.clone())).await;
    let upstream = Upstream::start("r").await;
    let (org, _, publisher, _) = app.org_with_members("acme").await;
    let six = plan(
        &publisher,
        &org,
        json!({"name": "Six", "quota": {"requests": 6, "period": "day"}}),
    )
    .await;
    let api = publish_api(&publisher, &org, "/shared", &six, json!([{"url": upstream.url}])).await;
    let dev = app.developer("shared@example.org").await;
    let (_, key, sub) = subscribed_key(&dev, &api, &six).await;
    let path = "/shared/v1/items/1";

    assert_eq!(admitted(&app.gateway, path, &key, 2, Duration::ZERO).await, 2);
    assert_eq!(redis.quota_count(&sub), Some(2));

    // Redis comes back empty while the gateway runs. The calls over the next 2 s (the limiter
    // probes a failed Redis once a second) go on from 2, whether Redis or the local fallback
    // answers them, and Redis is seeded again with the count.
    redis.restart_empty();
    assert_eq!(redis.quota_count(&sub), None, "the restarted Redis is empty");
    assert_eq!(
        admitted(&app.gateway, path, &key, 10, Duration::from_millis(200)).await,
        4,
        "a Redis that lost its counts grants no new quota"
    );
    assert_eq!(redis.quota_count(&sub), Some(6), "Redis holds the whole count again");

    // Both gone at once: the gateway restarts and Redis is empty again. The metered usage
    // (flushed at the graceful stop) is where the count resumes.
    let db = app.stop().await;
    redis.restart_empty();
    let app = TestApp::spawn_on(db, |c| {
        c.redis_url = Some(url);
        c.admin_password = None;
    })
    .await;
    assert_eq!(admitted(&app.gateway, path, &key, 5, Duration::ZERO).await, 0);
    assert_eq!(redis.quota_count(&sub), Some(6));
    app.stop().await;
    assert_eq!(
        upstream.hits.load(Ordering::SeqCst),
        6,
        "the upstream saw exactly the quota"
    );
}
