//! End-to-end tests: real sockets on 127.0.0.1, a stub upstream, the gateway
//! in between.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::common::*;
use axum::body::Body;
use futures_util::{SinkExt, StreamExt};
use http::Method;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tollgate::gateway::{ActiveCheck, ApiState, Cors, Endpoint, GatewayConfig, HealthPolicy, JwtKey, StatusClass};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[tokio::test]
async fn api_key_subscription_and_lifecycle() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let mut blocked = api("blocked", "/blocked", "v1", &[&up.url]);
    blocked.state = ApiState::Blocked;
    let mut deprecated = api("old", "/old", "v1", &[&up.url]);
    deprecated.state = ApiState::Deprecated;
    deprecated.sunset_at_ms = Some(1_893_456_000_000); // 2030-01-01
    let mut proto = api("proto", "/proto", "v1", &[&up.url]);
    proto.state = ApiState::Prototyped;
    gw.swap(snapshot(
        1,
        vec![api("pets", "/petstore", "v1", &[&up.url]), blocked, deprecated, proto],
    ));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let u = |p: &str| format!("http://{addr}{p}");

    // Valid key → the upstream's answer.
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["path"], "/pets/1");
    assert_eq!(r.header("x-upstream"), Some("up"));
    assert_eq!(
        r.header("ratelimit"),
        Some("limit=100, remaining=99"),
        "limiter headers are passed on"
    );
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("x-api-key", KEY_APP1)]).await;
    assert_eq!(r.status, 200, "second configured header works too");

    // No key → 401 problem+json with a challenge.
    let r = get(&c, &u("/petstore/v1/pets/1"), &[]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.header("www-authenticate").is_some());
    let p = r.json();
    assert_eq!(p["status"], 401);
    assert_eq!(p["code"], "credentials_missing");
    assert_eq!(p["type"], "urn:tollgate:problem:credentials_missing");
    assert!(p["title"].is_string() && p["detail"].is_string());

    // Unknown, expired, unsubscribed, pending, rate-limited.
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("apikey", "tg_nope")]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (401, "api_key_invalid".into())
    );
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("apikey", KEY_EXPIRED)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (401, "api_key_expired".into())
    );
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("apikey", KEY_APP2)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (403, "not_subscribed".into())
    );
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("apikey", KEY_PENDING)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (403, "subscription_inactive".into())
    );
    let r = get(&c, &u("/petstore/v1/pets/1"), &[("apikey", KEY_LIMITED)]).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(r.headers.get_all("retry-after").iter().count(), 1, "one Retry-After");
    assert_eq!(r.header("ratelimit"), Some("limit=100, remaining=99"));

    // Open resource: no credentials needed.
    assert_eq!(get(&c, &u("/petstore/v1/open"), &[]).await.status, 200);

    // BLOCKED → 503 and the backend sees nothing.
    let before = up.hits();
    let r = get(&c, &u("/blocked/v1/pets/1"), &[("apikey", KEY_APP1)]).await;
    assert_eq!(
        (r.status.as_u16(), r.json()["code"].clone()),
        (503, "api_blocked".into())
    );
    assert_eq!(up.hits(), before);

    // RETIRED (absent from the snapshot) → 404.
    let r = get(&c, &u("/retired/v1/pets/1"), &[("apikey", KEY_APP1)]).await;
    assert_eq!((r.status.as_u16(), r.json()["code"].clone()), (404, "not_found".into()));

    // DEPRECATED → served, with Deprecation and Sunset.
    let r = get(&c, &u("/old/v1/pets/1"), &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("deprecation"), Some("true"));
    assert_eq!(r.header("sunset"), Some("Tue, 01 Jan 2030 00:00:00 GMT"));

    // PROTOTYPED → any authenticated caller, subscribed or not.
    assert_eq!(
        get(&c, &u("/proto/v1/pets/1"), &[("apikey", KEY_APP2)]).await.status,
        200
    );
    assert_eq!(get(&c, &u("/proto/v1/pets/1"), &[]).await.status, 401);

    // Metrics count by API and class.
    let m = gw.render_metrics();
    assert!(
        m.contains("tollgate_gateway_responses_total{api=\"pets\",class=\"2xx\"} 3"),
        "{m}"
    );
    assert!(
        m.contains("tollgate_gateway_responses_total{api=\"pets\",class=\"4xx\"} 6"),
        "{m}"
    );
    assert!(
        m.contains("tollgate_gateway_responses_total{api=\"blocked\",class=\"5xx\"} 1"),
        "{m}"
    );
    assert!(m.contains("tollgate_gateway_unrouted_total 1"), "{m}");
    assert!(m.contains("tollgate_gateway_snapshot_revision 1"), "{m}");
}

#[tokio::test]
async fn routing_versions_defaults_and_405() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let v1 = api("pets-v1", "/petstore", "v1", &[&format!("{}/v1base", up.url)]);
    let mut v2 = api("pets-v2", "/petstore", "v2", &[&format!("{}/v2base/", up.url)]);
    v2.is_default = true;
    let mut pay = api("pay", "/acme/payments", "2024-01", &[&up.url]);
    pay.resources = vec![
        res("GET", "/invoices/{id}", true),
        res("DELETE", "/invoices/{number}", true),
    ];
    let report = gw.swap(snapshot(1, vec![v1, v2, pay]));
    assert!(report.route_issues.is_empty(), "{:?}", report.route_issues);
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let key = [("apikey", KEY_APP1)];
    let u = |p: &str| format!("http://{addr}{p}");

    let r = get(&c, &u("/petstore/v1/pets/1?x=y&z=%20"), &key).await;
    assert_eq!(r.json()["path"], "/v1base/pets/1?x=y&z=%20");
    let r = get(&c, &u("/petstore/v2/pets/1"), &key).await;
    assert_eq!(r.json()["path"], "/v2base/pets/1");
    let r = get(&c, &u("/petstore/pets/1"), &key).await;
    assert_eq!(r.json()["path"], "/v2base/pets/1", "no version → the default version");
    let r = get(&c, &u("/acme/payments/2024-01/invoices/9"), &key).await;
    assert_eq!(r.json()["path"], "/invoices/9");
    let r = call(
        &c,
        Method::DELETE,
        &u("/acme/payments/2024-01/invoices/9"),
        &key,
        Body::empty(),
    )
    .await;
    assert_eq!(r.json()["method"], "DELETE");

    let r = call(
        &c,
        Method::POST,
        &u("/acme/payments/2024-01/invoices/9"),
        &key,
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, DELETE, HEAD"));
    assert_eq!(r.json()["code"], "method_not_allowed");
    assert_eq!(
        get(&c, &u("/acme/payments/invoices/9"), &key).await.status,
        404,
        "no default version"
    );
    assert_eq!(get(&c, &u("/petstore/v1/../v2/pets/1"), &key).await.status, 400);
    assert_eq!(get(&c, &u("/petstore/v1/pets/..%2F..%2Fadmin"), &key).await.status, 400);
}

#[tokio::test]
async fn forwarded_headers_and_credentials() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");

    let r = get(
        &c,
        &url,
        &[
            ("apikey", KEY_APP1),
            ("x-api-key", "other"),
            ("authorization", "Basic dXNlcjpwdw=="),
            ("x-forwarded-for", "203.0.113.9"),
            ("connection", "keep-alive, x-hop"),
            ("x-hop", "1"),
            ("proxy-authorization", "Basic x"),
            ("te", "trailers"),
        ],
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.seen("apikey"), None, "our credential is not forwarded");
    assert_eq!(r.seen("x-api-key"), None);
    assert_eq!(
        r.seen("authorization").as_deref(),
        Some("Basic dXNlcjpwdw=="),
        "not ours: forwarded"
    );
    assert_eq!(r.seen("x-forwarded-for").as_deref(), Some("203.0.113.9, 127.0.0.1"));
    assert_eq!(r.seen("x-forwarded-proto").as_deref(), Some("http"));
    assert_eq!(r.seen("x-forwarded-host"), Some(addr.to_string()));
    assert_eq!(r.seen("host"), Some(up.addr.to_string()));
    for hop in ["x-hop", "proxy-authorization", "te"] {
        assert_eq!(r.seen(hop), None, "{hop} is hop-by-hop");
    }
    let id = r.seen("x-request-id").expect("generated request id");
    assert_eq!(id.len(), 32);
    assert_eq!(r.header("x-request-id"), Some(id.as_str()), "echoed to the client");

    let r = get(&c, &url, &[("apikey", KEY_APP1), ("x-request-id", "abc-123")]).await;
    assert_eq!(r.seen("x-request-id").as_deref(), Some("abc-123"));
    assert_eq!(r.header("x-request-id"), Some("abc-123"));
}

struct Jwt {
    enc: EncodingKey,
    kid: &'static str,
    /// The header's `typ`: `at+jwt` for access tokens (RFC 9068).
    typ: &'static str,
}

impl Jwt {
    fn new() -> (Jwt, JwtKey) {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).expect("key");
        let enc = EncodingKey::from_ec_der(pkcs8.as_ref());
        let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&enc, Algorithm::ES256).expect("jwk");
        let dec = DecodingKey::from_jwk(&jwk).expect("decoding key");
        (
            Jwt {
                enc,
                kid: "k-2026",
                typ: "at+jwt",
            },
            JwtKey {
                key: dec,
                algorithm: Algorithm::ES256,
            },
        )
    }

    fn clone_key(other: &Jwt) -> Jwt {
        Jwt {
            enc: other.enc.clone(),
            kid: other.kid,
            typ: other.typ,
        }
    }

    fn token(&self, exp_offset: i64, aud: &str, jti: &str, app: &str) -> String {
        let now = now_secs() as i64;
        let claims = serde_json::json!({
            "iss": "https://tollgate.test", "sub": "client-1", "aud": aud,
            "exp": now + exp_offset, "iat": now - 5, "nbf": now - 5,
            "jti": jti, "scope": "read", "app": app,
        });
        let mut header = Header::new(Algorithm::ES256);
        header.typ = (!self.typ.is_empty()).then(|| self.typ.into());
        header.kid = Some(self.kid.into());
        jsonwebtoken::encode(&header, &claims, &self.enc).expect("sign")
    }
}

#[tokio::test]
async fn jwt_access_tokens() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let (jwt, key) = Jwt::new();
    let mut snap = snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]);
    snap.jwt.keys.insert(jwt.kid.into(), key);
    snap.jwt.issuer = "https://tollgate.test".into();
    snap.jwt.audience = "tollgate-gateway".into();
    snap.jwt.revoked_jti.insert(Arc::from("revoked-1"), i64::MAX);
    gw.swap(snap);
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    let bearer = |t: String| format!("Bearer {t}");

    let ok = bearer(jwt.token(300, "tollgate-gateway", "j1", "app1"));
    let r = get(&c, &url, &[("authorization", &ok)]).await;
    assert_eq!(r.status, 200, "{:?}", r.json());
    assert_eq!(r.seen("authorization"), None, "the token is not forwarded");

    let cases = [
        (jwt.token(-120, "tollgate-gateway", "j2", "app1"), 401, "token_expired"),
        (
            jwt.token(300, "someone-else", "j3", "app1"),
            401,
            "token_wrong_audience",
        ),
        (
            jwt.token(300, "tollgate-gateway", "revoked-1", "app1"),
            401,
            "token_revoked",
        ),
        (jwt.token(300, "tollgate-gateway", "j4", "app2"), 403, "not_subscribed"),
    ];
    for (token, status, code) in cases {
        let r = get(&c, &url, &[("authorization", &bearer(token))]).await;
        assert_eq!(r.status, status, "{code}");
        assert_eq!(r.json()["code"], code);
    }
    // Within the 30 s leeway an just-expired token still passes.
    let r = get(
        &c,
        &url,
        &[(
            "authorization",
            &bearer(jwt.token(-10, "tollgate-gateway", "j5", "app1")),
        )],
    )
    .await;
    assert_eq!(r.status, 200);
    // A tampered signature.
    let mut bad = jwt.token(300, "tollgate-gateway", "j6", "app1").into_bytes();
    let i = bad.len() - 10; // inside the signature
    bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).expect("ascii");
    let r = get(&c, &url, &[("authorization", &bearer(bad))]).await;
    assert_eq!(r.json()["code"], "token_invalid");
    // A token signed by a key the gateway does not know, with the same kid.
    let (other, _) = Jwt::new();
    let r = get(
        &c,
        &url,
        &[(
            "authorization",
            &bearer(other.token(300, "tollgate-gateway", "j7", "app1")),
        )],
    )
    .await;
    assert_eq!(r.json()["code"], "token_invalid");
    // A JWT signed by the right key that is not an access token (`typ` JWT, or none).
    for typ in ["JWT", ""] {
        let plain = Jwt {
            typ,
            ..Jwt::clone_key(&jwt)
        };
        let r = get(
            &c,
            &url,
            &[(
                "authorization",
                &bearer(plain.token(300, "tollgate-gateway", "j8", "app1")),
            )],
        )
        .await;
        assert_eq!(r.status, 401, "typ {typ:?}");
        assert_eq!(r.json()["code"], "token_invalid", "typ {typ:?}");
    }
}

/// Verified tokens are cached per snapshot: a revocation or a signing key
/// removed from the JWKS takes effect with the very next snapshot.
#[tokio::test]
async fn cached_jwts_follow_revocation_and_key_removal() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let (jwt, key) = Jwt::new();
    let snap = |revision: i64, key: Option<JwtKey>, revoked: &[&str]| {
        let mut s = snapshot(revision, vec![api("pets", "/petstore", "v1", &[&up.url])]);
        if let Some(key) = key {
            s.jwt.keys.insert(jwt.kid.into(), key);
        }
        s.jwt.issuer = "https://tollgate.test".into();
        s.jwt.audience = "tollgate-gateway".into();
        s.jwt
            .revoked_jti
            .extend(revoked.iter().map(|j| (Arc::from(*j), i64::MAX)));
        s
    };
    gw.swap(snap(1, Some(key.clone()), &[]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    let a = format!("Bearer {}", jwt.token(300, "tollgate-gateway", "ja", "app1"));
    let b = format!("Bearer {}", jwt.token(300, "tollgate-gateway", "jb", "app1"));
    for _ in 0..3 {
        for t in [&a, &b] {
            assert_eq!(get(&c, &url, &[("authorization", t)]).await.status, 200);
        }
    }
    // Revoke one of the two cached tokens.
    gw.swap(snap(2, Some(key.clone()), &["ja"]));
    let r = get(&c, &url, &[("authorization", &a)]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "token_revoked");
    assert_eq!(get(&c, &url, &[("authorization", &b)]).await.status, 200);
    // The signing key leaves the JWKS: nothing verified with it is accepted.
    gw.swap(snap(3, None, &["ja"]));
    let r = get(&c, &url, &[("authorization", &b)]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["code"], "token_invalid");
}

/// Upstream connections are kept alive and reused, one request at a time.
#[tokio::test]
async fn upstream_connections_are_reused() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    for _ in 0..20 {
        let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 200);
    }
    // HEAD (no body) and an empty 204-like answer give the connection back too.
    for _ in 0..5 {
        let r = call(&c, Method::HEAD, &url, &[("apikey", KEY_APP1)], Body::empty()).await;
        assert_eq!(r.status, 200);
    }
    assert_eq!(up.hits(), 25);
    assert_eq!(
        up.conns.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one keep-alive connection"
    );
}

/// An upstream that closes idle keep-alive connections: the pooled one is
/// noticed as closed and the next request goes out on a new connection.
#[tokio::test]
async fn a_pooled_connection_closed_by_the_upstream_is_not_used() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let up_addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok")
                    .await;
                // Idle timeout of this upstream: 50 ms.
                tokio::time::sleep(Duration::from_millis(50)).await;
            });
        }
    });
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(
        1,
        vec![api("pets", "/petstore", "v1", &[&format!("http://{up_addr}")])],
    ));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    for i in 0..3 {
        let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 200, "request {i}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 3);
    server.abort();
}

#[tokio::test]
async fn weighted_balancing_1_to_3() {
    let a = Upstream::start("a").await;
    let b = Upstream::start("b").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let mut pets = api("pets", "/petstore", "v1", &[]);
    pets.endpoints = vec![
        Endpoint {
            url: a.url.clone(),
            weight: 1,
        },
        Endpoint {
            url: b.url.clone(),
            weight: 3,
        },
    ];
    gw.swap(snapshot(1, vec![pets]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    // 2,000 calls, 16 at a time.
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let c = c.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let mut to_a = 0;
            for _ in 0..125 {
                let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
                assert_eq!(r.status, 200);
                if r.header("x-upstream") == Some("a") {
                    to_a += 1;
                }
            }
            to_a
        }));
    }
    let mut to_a = 0;
    for t in tasks {
        to_a += t.await.expect("task");
    }
    let share = to_a as f64 / 2000.0;
    assert!((share - 0.25).abs() <= 0.05, "a got {to_a} of 2000");
    assert_eq!(a.hits() + b.hits(), 2000);
}

/// Active health checks: an endpoint failing its probes gets no traffic before any request
/// fails, comes back once it passes again, and a swap without the check stops the probing.
#[tokio::test]
async fn active_health_checks_take_endpoints_out_and_back() {
    let a = Upstream::start("a").await;
    let b = Upstream::start("b").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let check = ActiveCheck {
        path: "/health".into(),
        interval: Duration::from_millis(50),
        timeout: Duration::from_millis(500),
        unhealthy_threshold: 2,
        healthy_threshold: 3,
    };
    let checked = |check: Option<ActiveCheck>| {
        let mut pets = api("pets", "/petstore", "v1", &[&a.url, &b.url]);
        pets.health_check = check;
        pets
    };
    gw.swap(snapshot(1, vec![checked(Some(check.clone()))]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    let served_by = |n: usize| {
        let (c, url) = (&c, &url);
        async move {
            let mut by = HashMap::new();
            for _ in 0..n {
                let r = get(c, url, &[("apikey", KEY_APP1)]).await;
                assert_eq!(r.status, 200);
                *by.entry(r.header("x-upstream").unwrap_or("?").to_owned()).or_insert(0) += 1;
            }
            by
        }
    };
    let until_status = |want: bool| {
        let gw = Arc::clone(&gw);
        async move {
            let deadline = Instant::now() + Duration::from_secs(5);
            while gw.endpoint_status("pets").expect("api")[1].down != want {
                assert!(Instant::now() < deadline, "b never became down={want}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };
    assert_eq!(served_by(20).await.len(), 2, "both serve while healthy");

    b.health.store(503, Ordering::SeqCst);
    until_status(true).await;
    assert!(!gw.endpoint_status("pets").expect("api")[0].down);
    let by = served_by(30).await;
    assert_eq!(by.get("a"), Some(&30), "b gets nothing while down: {by:?}");

    b.health.store(200, Ordering::SeqCst);
    until_status(false).await;
    assert_eq!(served_by(20).await.len(), 2, "b serves again");

    // Without the check the probing stops (the old prober's endpoints are gone).
    gw.swap(snapshot(2, vec![checked(None)]));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let probes = b.health_hits.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        b.health_hits.load(Ordering::SeqCst),
        probes,
        "no probes without a health check"
    );
    assert!(
        probes >= 6,
        "b was probed (the first pass, two failures, three passes): {probes}"
    );
}

#[tokio::test]
async fn passive_health_ejects_a_dead_endpoint_and_survives_swaps() {
    let a = Upstream::start("a").await;
    let b = Upstream::start("b").await;
    let config = GatewayConfig {
        health: HealthPolicy {
            failure_threshold: 3,
            cooldown: Duration::from_secs(10),
        },
        ..GatewayConfig::default()
    };
    let (gw, _) = new_gateway(config);
    let pets = || api("pets", "/petstore", "v1", &[&a.url, &b.url]);
    gw.swap(snapshot(1, vec![pets()]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    for _ in 0..10 {
        assert_eq!(get(&c, &url, &[("apikey", KEY_APP1)]).await.status, 200);
    }
    a.stop().await;

    // The client sees no failure: a request that cannot connect to a goes to b (failover),
    // and after the threshold of failed connects a is ejected and no longer tried.
    for _ in 0..40 {
        let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-upstream"), Some("b"));
    }
    let status = gw.endpoint_status("pets").expect("api");
    assert!(status[0].ejected && !status[1].ejected);
    assert!(
        gw.render_metrics()
            .contains("tollgate_gateway_failovers_total{api=\"pets\"} 3"),
        "exactly the threshold's connects failed over: {}",
        gw.render_metrics()
    );

    // A new revision with the same endpoints keeps the health state...
    let report = gw.swap(snapshot(2, vec![pets()]));
    assert_eq!(report.balancers_kept, 1);
    assert!(gw.endpoint_status("pets").expect("api")[0].ejected);
    for _ in 0..10 {
        assert_eq!(
            get(&c, &url, &[("apikey", KEY_APP1)]).await.header("x-upstream"),
            Some("b")
        );
    }
    // ...and a changed endpoint list starts afresh.
    let mut changed = pets();
    changed.endpoints.push(Endpoint {
        url: b.url.clone(),
        weight: 1,
    });
    assert_eq!(gw.swap(snapshot(3, vec![changed])).balancers_kept, 0);
    assert!(!gw.endpoint_status("pets").expect("api")[0].ejected);
    assert!(
        gw.render_metrics()
            .contains("tollgate_gateway_upstream_failures_total{api=\"pets\",kind=\"connect\"}")
    );
}

/// A connect that fails goes to the next endpoint at once (200 calls right after one of two
/// endpoints stopped: no 502); with every endpoint down the answer is 502 after one try of
/// each — no retry storm.
#[tokio::test]
async fn failed_connects_fail_over_and_all_down_is_one_try_each() {
    let a = Upstream::start("a").await;
    let b = Upstream::start("b").await;
    let config = GatewayConfig {
        health: HealthPolicy {
            failure_threshold: 1_000,
            cooldown: Duration::from_secs(10),
        },
        ..GatewayConfig::default()
    };
    let (gw, _) = new_gateway(config);
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&a.url, &b.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    let post_url = format!("http://{addr}/petstore/v1/pets");
    a.stop().await;
    // Ejection is held off (threshold 1,000): every call that picks a fails over.
    for _ in 0..200 {
        let r = call(
            &c,
            Method::POST,
            &post_url,
            &[("apikey", KEY_APP1)],
            Body::from("not idempotent"),
        )
        .await;
        assert_eq!(r.status, 200, "{:?}", r.json());
        assert_eq!(r.header("x-upstream"), Some("b"));
    }
    let metrics = gw.render_metrics();
    let failovers: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("tollgate_gateway_failovers_total{api=\"pets\"} "))
        .and_then(|n| n.parse().ok())
        .expect("failovers counted");
    assert!(
        (50..=150).contains(&failovers),
        "about half the calls picked a: {failovers}"
    );

    b.stop().await;
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let r = get(&c, &url, &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 502);
        assert_eq!(r.json()["code"], "upstream_unreachable");
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refusals are fast: {:?}",
        started.elapsed()
    );
    let after: u64 = gw
        .render_metrics()
        .lines()
        .find_map(|l| l.strip_prefix("tollgate_gateway_failovers_total{api=\"pets\"} "))
        .and_then(|n| n.parse().ok())
        .expect("failovers counted");
    assert_eq!(after - failovers, 20, "each of the 20 calls tried each endpoint once");
}

#[tokio::test]
async fn refused_is_502_and_slow_is_504() {
    let up = Upstream::start("up").await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let (gw, _) = new_gateway(GatewayConfig::default());
    let mut slow = api("slow", "/slow", "v1", &[&up.url]);
    slow.response_timeout_ms = 300;
    gw.swap(snapshot(
        1,
        vec![api("dead", "/dead", "v1", &[&format!("http://{closed}")]), slow],
    ));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();

    let r = get(&c, &format!("http://{addr}/dead/v1/pets/1"), &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.json()["code"], "upstream_unreachable");

    let started = std::time::Instant::now();
    let r = get(&c, &format!("http://{addr}/slow/v1/slow"), &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 504);
    assert_eq!(r.json()["code"], "upstream_timeout");
    assert!(
        started.elapsed() < Duration::from_millis(1_800),
        "{:?}",
        started.elapsed()
    );
    let m = gw.render_metrics();
    assert!(
        m.contains("tollgate_gateway_errors_total{api=\"dead\",side=\"upstream\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("tollgate_gateway_upstream_failures_total{api=\"slow\",kind=\"timeout\"} 1"),
        "{m}"
    );
}

/// Each request on a kept-alive client connection gets the whole response
/// timeout from its own start (the listener reuses one timer per
/// connection), neither the rest of an earlier request's nor more.
#[tokio::test]
async fn the_response_timeout_restarts_with_each_request() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let mut slow = api("slow", "/slow", "v1", &[&up.url]);
    // The deadline covers connecting too: 500 ms in all.
    slow.connect_timeout_ms = 100;
    slow.response_timeout_ms = 400;
    gw.swap(snapshot(1, vec![slow]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = |path: &str| format!("http://{addr}/slow/v1{path}");

    assert_eq!(get(&c, &url("/pets/1"), &[("apikey", KEY_APP1)]).await.status, 200);
    tokio::time::sleep(Duration::from_millis(250)).await;
    // Due 500 ms after its own start: an answer after 400 ms is in time,
    // though the first request's deadline passes meanwhile.
    let r = get(&c, &url("/delay/400"), &[("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let r = get(&c, &url("/delay/1500"), &[("apikey", KEY_APP1)]).await;
        assert_eq!(r.status, 504);
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(490) && took < Duration::from_millis(1_400),
            "timed out after {took:?}"
        );
    }
    assert_eq!(get(&c, &url("/delay/10"), &[("apikey", KEY_APP1)]).await.status, 200);
}

#[tokio::test]
async fn cors_preflight_and_actual_responses() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    let mut pets = api("pets", "/petstore", "v1", &[&up.url]);
    pets.cors = Cors {
        enabled: true,
        allow_origins: vec!["https://app.example".into()],
        allow_methods: vec![],
        allow_headers: vec!["apikey".into(), "content-type".into()],
        expose_headers: vec!["x-request-id".into()],
        allow_credentials: false,
        max_age_secs: 300,
    };
    gw.swap(snapshot(1, vec![pets]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    let url = format!("http://{addr}/petstore/v1/pets/1");
    let before = up.hits();

    let r = call(
        &c,
        Method::OPTIONS,
        &url,
        &[
            ("origin", "https://app.example"),
            ("access-control-request-method", "GET"),
        ],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, 204, "answered without credentials");
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example"));
    assert_eq!(r.header("access-control-allow-methods"), Some("GET, HEAD"));
    assert_eq!(r.header("access-control-allow-headers"), Some("apikey, content-type"));
    assert_eq!(r.header("access-control-max-age"), Some("300"));
    let r = call(
        &c,
        Method::OPTIONS,
        &url,
        &[
            ("origin", "https://evil.example"),
            ("access-control-request-method", "GET"),
        ],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(up.hits(), before, "preflights never reach the backend");

    let r = get(&c, &url, &[("origin", "https://app.example"), ("apikey", KEY_APP1)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example"));
    assert_eq!(r.header("access-control-expose-headers"), Some("x-request-id"));
    let r = get(&c, &url, &[("origin", "https://app.example")]).await;
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example"),
        "errors are readable too"
    );
}

#[tokio::test]
async fn websocket_echo_through_the_gateway() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;

    let mut req = format!("ws://{addr}/petstore/v1/ws")
        .into_client_request()
        .expect("request");
    req.headers_mut().insert("apikey", KEY_APP1.parse().expect("header"));
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("handshake through the gateway");
    assert_eq!(resp.status(), 101);
    for i in 0..20 {
        let text = format!("hello {i}");
        ws.send(Message::text(text.clone())).await.expect("send");
        let echo = ws.next().await.expect("frame").expect("ok");
        assert_eq!(echo.into_text().expect("text").as_str(), text);
    }
    ws.send(Message::binary(vec![7u8; 100_000])).await.expect("send");
    assert_eq!(ws.next().await.expect("frame").expect("ok").into_data().len(), 100_000);
    ws.close(None).await.expect("close");

    // Without a key the handshake is refused.
    let req = format!("ws://{addr}/petstore/v1/ws")
        .into_client_request()
        .expect("request");
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 401),
        other => panic!("expected 401, got {other:?}"),
    }
}

#[tokio::test]
async fn meter_counts_exactly_under_concurrency() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let addr = start_gateway(Arc::clone(&gw)).await;
    let c = client();
    gw.meter().drain();

    const TASKS: usize = 16;
    const EACH: usize = 50;
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let c = c.clone();
        let base = format!("http://{addr}/petstore/v1");
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                let (path, key) = match (t + i) % 3 {
                    0 => ("/items/1", KEY_APP1),
                    1 => ("/status/503", KEY_APP1),
                    _ => ("/items/1", KEY_APP2), // 403, metered without a subscription
                };
                let body = Body::from(vec![b'x'; 10]);
                call(&c, Method::POST, &format!("{base}{path}"), &[("apikey", key)], body).await;
            }
        }));
    }
    // A flusher drains concurrently the whole time.
    let flusher = {
        let gw = Arc::clone(&gw);
        tokio::spawn(async move {
            let mut rows = Vec::new();
            for _ in 0..200 {
                rows.extend(gw.meter().drain().rows);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            rows
        })
    };
    for t in tasks {
        t.await.expect("task");
    }
    let mut rows = flusher.await.expect("flusher");
    drain_until(&gw, &mut rows, |rows| {
        rows.iter().map(|r| r.counters.requests).sum::<u64>() >= (TASKS * EACH) as u64
    })
    .await;

    let total: u64 = rows.iter().map(|r| r.counters.requests).sum();
    assert_eq!(total, (TASKS * EACH) as u64);
    let by = |class: StatusClass, sub: bool| -> u64 {
        rows.iter()
            .filter(|r| r.key.class == class && r.key.subscription_id.is_some() == sub)
            .map(|r| r.counters.requests)
            .sum()
    };
    let expected_ok = (0..TASKS)
        .flat_map(|t| (0..EACH).map(move |i| (t + i) % 3))
        .filter(|&k| k == 0)
        .count() as u64;
    let expected_503 = (0..TASKS)
        .flat_map(|t| (0..EACH).map(move |i| (t + i) % 3))
        .filter(|&k| k == 1)
        .count() as u64;
    assert_eq!(by(StatusClass::Success, true), expected_ok);
    assert_eq!(by(StatusClass::ServerError, true), expected_503);
    assert_eq!(
        by(StatusClass::ClientError, false),
        (TASKS * EACH) as u64 - expected_ok - expected_503
    );
    let ok_rows: Vec<_> = rows.iter().filter(|r| r.key.class == StatusClass::Success).collect();
    assert!(
        ok_rows
            .iter()
            .all(|r| r.key.subscription_id.as_deref() == Some("sub-app1-pets"))
    );
    let bytes_in: u64 = ok_rows.iter().map(|r| r.counters.bytes_in).sum();
    assert_eq!(bytes_in, expected_ok * 10);
    assert!(
        ok_rows
            .iter()
            .all(|r| r.counters.upstream_latency.count() == r.counters.requests)
    );
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests() {
    let up = Upstream::start("up").await;
    let (gw, _) = new_gateway(GatewayConfig::default());
    gw.swap(snapshot(1, vec![api("pets", "/petstore", "v1", &[&up.url])]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tollgate::gateway::serve_with_shutdown(
        Arc::clone(&gw),
        listener,
        async move {
            let _ = stop_rx.await;
        },
    ));
    let c = client();
    assert_eq!(
        get(
            &c,
            &format!("http://{addr}/petstore/v1/pets/1"),
            &[("apikey", KEY_APP1)]
        )
        .await
        .status,
        200
    );
    gw.meter().drain();

    // A request that takes 2 s upstream is in flight when shutdown starts.
    let slow = {
        let c = c.clone();
        tokio::spawn(async move { get(&c, &format!("http://{addr}/petstore/v1/slow"), &[("apikey", KEY_APP1)]).await })
    };
    until("the slow request to reach the upstream", || up.hits() == 2).await;
    stop_tx.send(()).expect("signal");
    let r = slow.await.expect("task");
    assert_eq!(r.status, 200);
    assert_eq!(&r.body[..], b"slow");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("serve returned")
        .expect("task")
        .expect("ok");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
    let rows = gw.meter().drain().rows;
    assert_eq!(
        rows.iter().map(|r| r.counters.requests).sum::<u64>(),
        1,
        "the last request was metered"
    );
}
