//! Black-box test harness: the real app on 127.0.0.1:0 against a fresh database — SQLite in a
//! temporary folder by default, or a new Postgres database when `TEST_DATABASE_URL` is set.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use tollgate::app::Running;
use tollgate::config::{Config, DatabaseUrl};
use tollgate::domain::clock::{Clock, ClockHand};

pub const ADMIN_EMAIL: &str = "admin@test.example";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const PASSWORD: &str = "a long enough password";

/// A database for one test. SQLite files vanish with the folder; Postgres databases are named
/// `tg_test_*` and dropped by `.ci/run`.
pub struct TestDb {
    pub url: String,
    /// The key that encrypts this database's signing keys.
    pub secret_key: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn fresh() -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let name = format!("tg_test_{}", uuid::Uuid::now_v7().simple());
                TestDb {
                    url: replace_database_name(&base, &name),
                    secret_key: new_secret_key(),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}/tollgate.db", dir.path().display());
                TestDb {
                    url,
                    secret_key: new_secret_key(),
                    _dir: Some(dir),
                }
            }
        }
    }
}

impl TestDb {
    /// The same database for a second server (the first one keeps the files alive).
    pub fn shared(&self) -> TestDb {
        TestDb {
            url: self.url.clone(),
            secret_key: self.secret_key.clone(),
            _dir: None,
        }
    }
}

fn new_secret_key() -> String {
    tollgate::oauth::crypto::SecretBox::generate_base64().unwrap()
}

fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

pub fn test_config(db: &TestDb) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        gateway_listen: "127.0.0.1:0".parse().unwrap(),
        database_url: DatabaseUrl::new(db.url.clone()),
        database_max_connections: 5,
        admin_email: Some(ADMIN_EMAIL.into()),
        admin_password: Some(SecretString::from(ADMIN_PASSWORD)),
        shutdown_timeout: Duration::from_secs(5),
        // The tests' webhook receivers listen on 127.0.0.1.
        webhook_allow_private_networks: true,
        // Drafts follow usage within a fifth of a second (the biller's round).
        billing_check_interval: Duration::from_millis(200),
        secret_key: Some(SecretString::from(db.secret_key.clone())),
        ..Config::default()
    }
}

pub struct TestApp {
    pub base: String,
    pub gateway: String,
    pub running: Option<Running>,
    pub db: TestDb,
    /// The app's clock: the system's time plus what the test moved it forward by `hand`.
    pub clock: Clock,
    pub hand: ClockHand,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let db = TestDb::fresh();
        Self::spawn_on(db, tweak).await
    }

    pub async fn spawn_on(db: TestDb, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = test_config(&db);
        tweak(&mut config);
        let (clock, hand) = Clock::adjustable();
        let running = Running::start_with_clock(config, clock.clone())
            .await
            .expect("app starts");
        TestApp {
            base: format!("http://{}", running.api_addr),
            gateway: format!("http://{}", running.gateway_addr),
            running: Some(running),
            db,
            clock,
            hand,
        }
    }

    /// A client's view of a Tollgate running in another process: on its own (system) clock,
    /// which `hand` does not move.
    pub fn of_process(base: &str, gateway: &str, db: TestDb) -> TestApp {
        let (_, hand) = Clock::adjustable();
        TestApp {
            base: base.to_owned(),
            gateway: gateway.to_owned(),
            running: None,
            db,
            clock: Clock::system(),
            hand,
        }
    }

    /// Graceful shutdown; returns the database so a test can start again on it.
    pub async fn stop(mut self) -> TestDb {
        if let Some(running) = self.running.take() {
            running.shutdown().await.expect("clean shutdown");
        }
        self.db
    }

    pub fn anonymous(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed in through the portal login (cookies + CSRF token).
    pub async fn login(&self, email: &str, password: &str) -> Client {
        let mut client = Client::new(&self.base);
        let (status, body, _) = client
            .call(
                Method::POST,
                "/api/v1/auth/login",
                Some(json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login of {email} failed: {body}");
        client.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
        client
    }

    pub async fn admin(&self) -> Client {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Sign up a developer and sign them in.
    pub async fn developer(&self, email: &str) -> Client {
        let (status, body, _) = self
            .anonymous()
            .call(
                Method::POST,
                "/api/v1/auth/signup",
                Some(json!({"email": email, "password": PASSWORD, "display_name": "Dev"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login(email, PASSWORD).await
    }

    /// Create an organization as the bootstrap admin, with an admin and a publisher and a
    /// developer member; returns (org id, admin, publisher, developer) clients.
    pub async fn org_with_members(&self, slug: &str) -> (String, Client, Client, Client) {
        let root = self.admin().await;
        let (status, org, _) = root
            .call(Method::POST, "/api/v1/orgs", Some(json!({"slug": slug, "name": slug})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        let org_id = org["id"].as_str().unwrap().to_owned();
        let mut clients = Vec::new();
        for role in ["admin", "publisher", "developer"] {
            let email = format!("{role}@{slug}.example");
            let (status, body, _) = root
                .call(
                    Method::POST,
                    &format!("/api/v1/orgs/{org_id}/members"),
                    Some(json!({"email": email, "role": role, "password": PASSWORD})),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            clients.push(self.login(&email, PASSWORD).await);
        }
        let developer = clients.pop().unwrap();
        let publisher = clients.pop().unwrap();
        let admin = clients.pop().unwrap();
        (org_id, admin, publisher, developer)
    }
}

/// An HTTP client with an optional session (cookie jar + CSRF token) or bearer token.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            csrf: None,
            bearer: None,
        }
    }

    pub fn with_bearer(base: &str, token: &str) -> Client {
        let mut c = Client::new(base);
        c.bearer = Some(token.to_owned());
        c
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(csrf) = &self.csrf {
            req = req.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.bearer {
            req = req.bearer_auth(token);
        }
        req
    }

    /// Send, and return status, JSON body (Null when empty or not JSON) and headers.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value, HeaderMap) {
        let mut req = self.request(method, path);
        if let Some(body) = body {
            req = req.json(&body);
        }
        send(req).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value, HeaderMap) {
        self.call(Method::GET, path, None).await
    }
}

pub async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value, HeaderMap) {
    let resp = req.send().await.expect("request sent");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body, headers)
}

/// Assert an RFC 9457 problem with the given status and code.
#[track_caller]
pub fn assert_problem(status: StatusCode, body: &Value, headers: &HeaderMap, want_status: u16, want_code: &str) {
    assert_eq!(status.as_u16(), want_status, "status; body: {body}");
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "content type; body: {body}"
    );
    assert_eq!(body["code"], want_code, "code; body: {body}");
    assert_eq!(body["status"], want_status, "status member; body: {body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    assert_eq!(body["type"], format!("/api/problems/{want_code}"), "{body}");
}
