//! Sign-up, login, sessions with CSRF, personal access tokens, password change, throttling,
//! bootstrap and persistence across restarts.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Client, PASSWORD, TestApp, assert_problem};

#[tokio::test]
async fn signup_login_session_and_logout() {
    let app = TestApp::spawn().await;
    let dev = app.developer("Ada@Example.org").await;

    let (s, me, _) = dev.get("/api/v1/me").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user"]["email"], "ada@example.org", "emails are normalised");
    assert_eq!(me["authenticated_by"], "session");
    assert_eq!(me["memberships"][0]["role"], "developer");
    assert!(me["user"].get("password_hash").is_none());

    // The same email again is a conflict, whatever its case.
    let (s, b, h) = app
        .anonymous()
        .call(
            Method::POST,
            "/api/v1/auth/signup",
            Some(json!({"email": "ADA@example.org", "password": PASSWORD, "display_name": "Again"})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");

    // Logout ends the session server-side.
    let (s, _, _) = dev.call(Method::POST, "/api/v1/auth/logout", None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, b, h) = dev.get("/api/v1/me").await;
    assert_problem(s, &b, &h, 401, "unauthenticated");
    assert_eq!(h.get("www-authenticate").unwrap(), "Bearer");
}

#[tokio::test]
async fn session_cookie_is_httponly_and_lax() {
    let app = TestApp::spawn().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("tg_session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    let csrf = cookies.iter().find(|c| c.starts_with("tg_csrf=")).expect("csrf cookie");
    assert!(!csrf.contains("HttpOnly"), "the portal script must read it: {csrf}");

    // Behind TLS (public_url https) cookies are Secure.
    let tls = TestApp::spawn_with(|c| c.public_url = Some("https://portal.example".into())).await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", tls.base))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    let all: Vec<&str> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(all.iter().all(|c| c.contains("Secure")), "{all:?}");
}

#[tokio::test]
async fn cookie_writes_need_the_csrf_token() {
    let app = TestApp::spawn().await;
    let mut dev = app.developer("csrf@example.org").await;
    let token = dev.csrf.take();

    let (s, b, h) = dev
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "x"})))
        .await;
    assert_problem(s, &b, &h, 403, "csrf_failed");

    dev.csrf = Some("tgc_wrongwrongwrongwrongwrongwrongwrongwrong".into());
    let (s, b, h) = dev
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "x"})))
        .await;
    assert_problem(s, &b, &h, 403, "csrf_failed");

    // Reads need no token.
    let (s, _, _) = dev.get("/api/v1/me/tokens").await;
    assert_eq!(s, 200);

    dev.csrf = token;
    let (s, b, _) = dev
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "x"})))
        .await;
    assert_eq!(s, 201, "{b}");
}

#[tokio::test]
async fn personal_access_tokens_lifecycle() {
    let app = TestApp::spawn().await;
    let dev = app.developer("pat@example.org").await;

    let (s, created, _) = dev
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "ci deploy", "expires_in_days": 30})),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("tgp_") && secret.len() == 44, "{secret}");
    assert!(secret.starts_with(created["prefix"].as_str().unwrap()));

    // The token authenticates as its owner.
    let bot = Client::with_bearer(&app.base, &secret);
    let (s, me, _) = bot.get("/api/v1/me").await;
    assert_eq!(s, 200);
    assert_eq!(me["user"]["email"], "pat@example.org");
    assert_eq!(me["authenticated_by"], "token");
    // Bearer writes need no CSRF token (no ambient credential).
    let (s, _, _) = bot
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "second"})))
        .await;
    assert_eq!(s, 201);

    // Listing never shows the secret; pagination is stable.
    let (s, page1, _) = dev.get("/api/v1/me/tokens?limit=1").await;
    assert_eq!(s, 200);
    assert!(!page1.to_string().contains(&secret));
    assert!(page1["items"][0].get("secret").is_none());
    assert_eq!(page1["items"][0]["name"], "ci deploy");
    let cursor = page1["next_cursor"].as_str().expect("a second page");
    let (_, page2, _) = dev.get(&format!("/api/v1/me/tokens?limit=1&cursor={cursor}")).await;
    assert_eq!(page2["items"][0]["name"], "second");
    assert!(page2["next_cursor"].is_null());

    // Over-long lifetimes are refused.
    let (s, b, h) = dev
        .call(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "forever", "expires_in_days": 100000})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");

    // Revoke: the token stops working at once; revoking again is idempotent.
    let id = created["id"].as_str().unwrap();
    let (s, _, _) = dev.call(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None).await;
    assert_eq!(s, 204);
    let (s, b, h) = bot.get("/api/v1/me").await;
    assert_problem(s, &b, &h, 401, "unauthenticated");
    let (s, _, _) = dev.call(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None).await;
    assert_eq!(s, 204);

    // Garbage and look-alike bearer tokens are 401, never 500.
    for bad in [
        "nonsense",
        "tgp_",
        "tgp_0000000000000000000000000000000000000000",
        "tgs_x",
    ] {
        let (s, b, h) = Client::with_bearer(&app.base, bad).get("/api/v1/me").await;
        assert_problem(s, &b, &h, 401, "unauthenticated");
    }
}

#[tokio::test]
async fn another_users_token_cannot_be_revoked() {
    let app = TestApp::spawn().await;
    let a = app.developer("a@example.org").await;
    let b = app.developer("b@example.org").await;
    let (_, created, _) = a
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "mine"})))
        .await;
    let id = created["id"].as_str().unwrap();
    let (s, body, h) = b.call(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None).await;
    assert_problem(s, &body, &h, 404, "not_found");
    let (_, list, _) = b.get("/api/v1/me/tokens").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    // Still valid for its owner.
    let bot = Client::with_bearer(&app.base, created["secret"].as_str().unwrap());
    assert_eq!(bot.get("/api/v1/me").await.0, 200);
}

#[tokio::test]
async fn password_change_revokes_other_credentials() {
    let app = TestApp::spawn().await;
    let dev = app.developer("pw@example.org").await;
    let other_session = app.login("pw@example.org", PASSWORD).await;
    let (_, created, _) = dev
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "t"})))
        .await;
    let bot = Client::with_bearer(&app.base, created["secret"].as_str().unwrap());

    let (s, b, h) = dev
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": "wrong password!!", "new_password": "another long password"})),
        )
        .await;
    assert_problem(s, &b, &h, 401, "invalid_credentials");

    let (s, _, _) = dev
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": PASSWORD, "new_password": "another long password"})),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(dev.get("/api/v1/me").await.0, 200, "the current session stays");
    assert_eq!(other_session.get("/api/v1/me").await.0, 401);
    assert_eq!(bot.get("/api/v1/me").await.0, 401);
    app.login("pw@example.org", "another long password").await;
}

#[tokio::test]
async fn wrong_and_unknown_logins_look_the_same_and_are_throttled() {
    let app = TestApp::spawn_with(|c| c.login_max_failures_per_account = 3).await;
    app.developer("victim@example.org").await;
    let anon = app.anonymous();
    let login = |email: &str, password: &str| {
        anon.call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": email, "password": password})),
        )
    };

    let (s1, b1, h1) = login("victim@example.org", "wrong password 1").await;
    let (s2, b2, h2) = login("nobody@example.org", "wrong password 1").await;
    assert_problem(s1, &b1, &h1, 401, "invalid_credentials");
    assert_problem(s2, &b2, &h2, 401, "invalid_credentials");
    assert_eq!(b1["detail"], b2["detail"], "no hint whether the account exists");

    login("victim@example.org", "wrong password 2").await;
    login("Victim@Example.org", "wrong password 3").await;
    // Now even the right password is refused until the window ends.
    let (s, b, h) = login("victim@example.org", PASSWORD).await;
    assert_problem(s, &b, &h, 429, "login_throttled");
    let retry: u64 = h.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    // Other accounts are unaffected.
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn throttled_per_client_address() {
    let app = TestApp::spawn_with(|c| c.login_max_failures_per_address = 4).await;
    let anon = app.anonymous();
    for i in 0..4 {
        let (s, _, _) = anon
            .call(
                Method::POST,
                "/api/v1/auth/login",
                Some(json!({"email": format!("user{i}@example.org"), "password": "wrong password"})),
            )
            .await;
        assert_eq!(s, 401);
    }
    let (s, b, h) = anon
        .call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_problem(s, &b, &h, 429, "login_throttled");
}

#[tokio::test]
async fn signup_can_be_disabled() {
    let app = TestApp::spawn_with(|c| c.signup_enabled = false).await;
    let (s, b, h) = app
        .anonymous()
        .call(
            Method::POST,
            "/api/v1/auth/signup",
            Some(json!({"email": "x@example.org", "password": PASSWORD, "display_name": "X"})),
        )
        .await;
    assert_problem(s, &b, &h, 403, "signup_disabled");
}

#[tokio::test]
async fn data_survives_a_restart() {
    let app = TestApp::spawn().await;
    let dev = app.developer("keep@example.org").await;
    let (_, created, _) = dev
        .call(Method::POST, "/api/v1/me/tokens", Some(json!({"name": "t"})))
        .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let db = app.stop().await;

    // Second start on the same database: no second bootstrap, same users and tokens.
    let app = TestApp::spawn_on(db, |c| c.admin_password = None).await;
    app.login("keep@example.org", PASSWORD).await;
    app.admin().await;
    let (s, _, _) = Client::with_bearer(&app.base, &secret).get("/api/v1/me").await;
    assert_eq!(s, 200);
}
