//! The real binary as a user runs it: start-up log, graceful shutdown on SIGTERM, the CLI, and
//! secrets kept out of logs and database rows.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Client, PASSWORD, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_tollgate");
/// A fixed key for encrypting signing keys at rest in these tests.
const SECRET_KEY: &str = "dG9sbGdhdGUgdGVzdCBrZXkgb2YgdGhpcnR5LXR3byE=";

struct Server {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    base: String,
    gateway: String,
}

impl Server {
    /// The binary on `db`; `TOKIO_WORKER_THREADS=1` (the single-threaded
    /// runtime a pinned gateway node runs on), so that this runtime is the
    /// one these end-to-end checks cover.
    fn start(db: &TestDb) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TOKIO_WORKER_THREADS", "1")
            .env("DATABASE_URL", &db.url)
            .env("TOLLGATE_LISTEN", "127.0.0.1:0")
            .env("TOLLGATE_GATEWAY_LISTEN", "127.0.0.1:0")
            .env("TOLLGATE_LOG_FORMAT", "json")
            .env("TOLLGATE_LOG", "debug")
            .env("TOLLGATE_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("TOLLGATE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("TOLLGATE_SECRET_KEY", SECRET_KEY)
            .current_dir(std::env::temp_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tollgate binary starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let (base, gateway) = loop {
            let ready = log.lock().unwrap().iter().find_map(|line| {
                let v: Value = serde_json::from_str(line).ok()?;
                (v["message"] == "tollgate is ready").then(|| {
                    (
                        v["control_plane"].as_str().unwrap().to_owned(),
                        v["gateway"].as_str().unwrap().to_owned(),
                    )
                })
            });
            if let Some(addrs) = ready {
                break addrs;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("tollgate exited with {status}: {:?}", log.lock().unwrap());
            }
            assert!(
                Instant::now() < deadline,
                "not ready in time: {:?}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        Server {
            child,
            log,
            base,
            gateway,
        }
    }

    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "no exit within 20 s of SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(100));
        let log = self.log.lock().unwrap().join("\n");
        (status, log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test]
async fn secrets_stay_out_of_logs_and_rows_and_sigterm_is_graceful() {
    let db = TestDb::fresh();
    let server = Server::start(&db);
    let anon = Client::new(&server.base);
    let dev_password = "developer secret passphrase";
    let wrong_password = "a wrong guess that must not be logged";

    let (s, _, _) = anon
        .call(
            Method::POST,
            "/api/v1/auth/signup",
            Some(json!({"email": "dev@example.org", "password": dev_password, "display_name": "Dev"})),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _, _) = anon
        .call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": "dev@example.org", "password": wrong_password})),
        )
        .await;
    assert_eq!(s, 401);
    let resp = anon
        .request(Method::POST, "/api/v1/auth/login")
        .json(&json!({"email": "dev@example.org", "password": dev_password}))
        .send()
        .await
        .unwrap();
    let session_cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find_map(|c| {
            c.strip_prefix("tg_session=")
                .map(|v| v.split(';').next().unwrap().to_owned())
        })
        .unwrap();
    let login: Value = resp.json().await.unwrap();
    let mut dev = anon;
    dev.csrf = Some(login["csrf_token"].as_str().unwrap().to_owned());
    let (s, created, _) = dev
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "t"})))
        .await;
    assert_eq!(s, 201);
    let pat = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(Client::with_bearer(&server.base, &pat).get("/api/v1/me").await.0, 200);

    // An admin creates an account with a generated password.
    let admin_login = Client::new(&server.base);
    let (_, body, _) = admin_login
        .call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await;
    let mut admin = admin_login;
    admin.csrf = Some(body["csrf_token"].as_str().unwrap().to_owned());
    let (_, me, _) = admin.get("/api/v1/me").await;
    let org = me["memberships"][0]["org_id"].as_str().unwrap().to_owned();
    let (s, member, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/members"),
            Some(json!({"email": "pub@example.org", "role": "publisher"})),
        )
        .await;
    assert_eq!(s, 201);
    let initial = member["initial_password"].as_str().unwrap().to_owned();

    // Consumer credentials: an API key, an OAuth client secret and an access token.
    let (_, application, _) = dev
        .call(Method::POST, "/api/v1/applications", Some(json!({"name": "app"})))
        .await;
    let app_id = application["id"].as_str().unwrap();
    let (s, key, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/keys"),
            Some(json!({"name": "k"})),
        )
        .await;
    assert_eq!(s, 201);
    let api_key = key["secret"].as_str().unwrap().to_owned();
    let (_client_id, client_secret, access_token) =
        crate::scenario::client_credentials(&server.base, &dev, app_id).await;
    let (_, keys, _) = dev.get(&format!("/api/v1/applications/{app_id}/keys")).await;
    assert!(!keys.to_string().contains(&api_key));
    let (_, client_view, _) = dev.get(&format!("/api/v1/applications/{app_id}/oauth-client")).await;
    assert!(!client_view.to_string().contains(&client_secret));

    let (status, log) = server.terminate();
    assert!(status.success(), "exit status {status}; log:\n{log}");
    assert!(log.contains("shutdown signal received"), "{log}");
    assert!(log.contains("tollgate stopped"), "{log}");
    assert!(log.contains("signed in"), "the log is captured: {log}");

    let secrets = [
        ("admin password", ADMIN_PASSWORD),
        ("developer password", dev_password),
        ("wrong password", wrong_password),
        ("session token", session_cookie.as_str()),
        ("personal access token", pat.as_str()),
        ("generated password", initial.as_str()),
        ("API key", api_key.as_str()),
        ("client secret", client_secret.as_str()),
        ("access token", access_token.as_str()),
    ];
    for (what, secret) in secrets {
        assert!(!log.contains(secret), "the {what} appears in the log");
    }

    // The rows hold hashes only.
    let store = tollgate::store::Store::connect(&tollgate::config::DatabaseUrl::new(db.url.clone()), 1)
        .await
        .unwrap();
    let dump = store.dump_secret_columns_for_tests().await.unwrap();
    assert!(dump.contains("$argon2id$"), "password hashes are argon2id");
    for (what, secret) in secrets {
        assert!(!dump.contains(secret), "the {what} is stored in plaintext");
    }
    assert!(
        dump.contains(&tollgate::domain::secret::sha256_hex(&pat)),
        "tokens are stored as SHA-256"
    );
}

#[test]
fn cli_help_names_environment_variables() {
    let out = Command::new(BIN).args(["serve", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for var in [
        "TOLLGATE_LISTEN",
        "TOLLGATE_GATEWAY_LISTEN",
        "DATABASE_URL",
        "TOLLGATE_CONFIG",
    ] {
        assert!(help.contains(var), "serve --help does not name {var}:\n{help}");
    }
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for cmd in ["serve", "migrate", "openapi", "admin"] {
        assert!(help.contains(cmd), "{help}");
    }
}

#[test]
fn bad_configuration_stops_the_start_with_a_fix() {
    let out = Command::new(BIN)
        .arg("migrate")
        .env("TOLLGATE_LISTEN", "not-an-address")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("listen") && err.contains("TOLLGATE_LISTEN"), "{err}");

    let out = Command::new(BIN)
        .arg("migrate")
        .env("DATABASE_URL", "mysql://localhost/x")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sqlite://") && err.contains("postgres://"), "{err}");
}

#[tokio::test]
async fn cli_migrate_create_user_and_openapi() {
    let db = TestDb::fresh();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("DATABASE_URL", &db.url)
            .current_dir(std::env::temp_dir());
        cmd.env_remove("TOLLGATE_NEW_USER_PASSWORD");
        cmd.env("TOLLGATE_SECRET_KEY", SECRET_KEY);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(&["migrate"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = run(
        &[
            "admin",
            "create-user",
            "--email",
            "pub@acme.example",
            "--role",
            "publisher",
            "--org",
            "acme",
        ],
        &[("TOLLGATE_NEW_USER_PASSWORD", PASSWORD)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("created organization acme"), "{stdout}");
    assert!(!stdout.contains(PASSWORD));

    let out = run(
        &[
            "admin",
            "create-user",
            "--email",
            "gen@acme.example",
            "--role",
            "developer",
            "--org",
            "acme",
        ],
        &[],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let generated = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password (shown only now): "))
        .expect("generated password printed once")
        .to_owned();

    let out = run(
        &[
            "admin",
            "create-user",
            "--email",
            "x@acme.example",
            "--role",
            "owner",
            "--org",
            "acme",
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("admin, publisher or developer"));

    // The users can sign in to a server on that database.
    let app = crate::helpers::TestApp::spawn_on(db, |_| {}).await;
    let publisher = app.login("pub@acme.example", PASSWORD).await;
    let (_, me, _) = publisher.get("/api/v1/me").await;
    assert_eq!(me["memberships"][0]["role"], "publisher");
    assert_eq!(me["memberships"][0]["org_slug"], "acme");
    app.login("gen@acme.example", &generated).await;

    let out = Command::new(BIN).arg("openapi").output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["paths"]["/api/v1/auth/login"].is_object());
}

/// Two control-plane processes on one Postgres database, configured by environment variables
/// alone (the same `TOLLGATE_SECRET_KEY`, no `public_url`): both start, a key created on one is
/// honoured by the other's gateway within a second, and a token minted by either is accepted
/// by both gateways and both introspection endpoints.
#[tokio::test]
async fn two_replica_processes_configured_by_environment_agree() {
    let db = TestDb::fresh();
    if !db.url.starts_with("postgres") {
        eprintln!(
            "two_replica_processes_configured_by_environment_agree DID NOT RUN: replicas share a Postgres \
             database; set TEST_DATABASE_URL (.ci/run does)"
        );
        return;
    }
    let a = Server::start(&db);
    let b = Server::start(&db);
    let on = |server: &Server| crate::helpers::TestApp::of_process(&server.base, &server.gateway, db.shared());
    let (app_a, app_b) = (on(&a), on(&b));
    let upstream = crate::scenario::Upstream::start("replicas").await;
    let (org, _, publisher, _) = app_a.org_with_members("acme").await;
    let plan = crate::scenario::first_plan(&publisher, &org).await;
    let api = crate::scenario::publish_api(&publisher, &org, "/both", &plan, json!([{"url": upstream.url}])).await;
    let dev = app_b.developer("replicas@example.org").await;

    // The key is created through B; A's gateway honours it within a second.
    let (app_id, key, _) = crate::scenario::subscribed_key(&dev, &api, &plan).await;
    let created = Instant::now();
    loop {
        let (status, _, body) = crate::scenario::call(&a.gateway, "/both/v1/items/1", Some(&key)).await;
        if status == 200 {
            eprintln!("A's gateway honoured B's new key after {:?}", created.elapsed());
            break;
        }
        assert!(
            created.elapsed() < Duration::from_secs(1),
            "A's gateway still refuses B's key after 1 s: {status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        crate::scenario::call(&b.gateway, "/both/v1/items/1", Some(&key))
            .await
            .0,
        200
    );

    let (id, secret, from_b) = crate::scenario::client_credentials(&b.base, &dev, &app_id).await;
    let from_a = crate::scenario::access_token(&a.base, &id, &secret).await;
    let http = reqwest::Client::new();
    for token in [&from_a, &from_b] {
        for server in [&a, &b] {
            let status = http
                .get(format!("{}/both/v1/items/1", server.gateway))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 200, "gateway {}", server.gateway);
            let info = crate::scenario::introspect(&server.base, &id, &secret, token).await;
            assert_eq!(info["active"], true, "introspected at {}: {info}", server.base);
        }
    }
    for server in [a, b] {
        let (status, log) = server.terminate();
        assert!(status.success(), "{log}");
    }
}
