//! The denials: anonymous → 401, wrong role → 403, another organization's object → 404.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, PASSWORD, TestApp, assert_problem};

/// Every protected endpoint, with a body where it takes one. `{org}` and `{user}` are filled in.
fn protected_endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/v1/me", None),
        (Method::POST, "/api/v1/auth/logout", None),
        (
            Method::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": "x", "new_password": "y"})),
        ),
        (Method::GET, "/api/v1/me/tokens", None),
        (Method::POST, "/api/v1/me/tokens", Some(json!({"name": "x"}))),
        (Method::DELETE, "/api/v1/me/tokens/{user}", None),
        (Method::GET, "/api/v1/orgs", None),
        (Method::POST, "/api/v1/orgs", Some(json!({"slug": "zz", "name": "zz"}))),
        (Method::GET, "/api/v1/orgs/{org}", None),
        (Method::GET, "/api/v1/orgs/{org}/members", None),
        (
            Method::POST,
            "/api/v1/orgs/{org}/members",
            Some(json!({"email": "n@example.org", "role": "developer"})),
        ),
        (
            Method::PUT,
            "/api/v1/orgs/{org}/members/{user}",
            Some(json!({"role": "developer"})),
        ),
        (Method::DELETE, "/api/v1/orgs/{org}/members/{user}", None),
        (Method::GET, "/api/v1/orgs/{org}/audit-log", None),
    ]
}

async fn user_id(client: &Client) -> String {
    client.get("/api/v1/me").await.1["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn anonymous_callers_get_401_everywhere() {
    let app = TestApp::spawn().await;
    let (org, admin, ..) = app.org_with_members("acme").await;
    let user = user_id(&admin).await;
    let anon = app.anonymous();
    for (method, path, body) in protected_endpoints() {
        let path = path.replace("{org}", &org).replace("{user}", &user);
        let (s, b, h) = anon.call(method.clone(), &path, body).await;
        assert_problem(s, &b, &h, 401, "unauthenticated");
    }
}

#[tokio::test]
async fn roles_are_enforced_with_403() {
    let app = TestApp::spawn().await;
    let (org, admin, publisher, developer) = app.org_with_members("acme").await;
    let target = user_id(&developer).await;
    // (who, method, path, body): each must be refused with 403 inside the caller's own org.
    let cases: Vec<(&str, &Client, Method, String, Option<Value>)> = vec![
        (
            "developer",
            &developer,
            Method::POST,
            "/api/v1/orgs".into(),
            Some(json!({"slug": "d1", "name": "d"})),
        ),
        (
            "publisher",
            &publisher,
            Method::POST,
            "/api/v1/orgs".into(),
            Some(json!({"slug": "p1", "name": "p"})),
        ),
        (
            "org admin",
            &admin,
            Method::POST,
            "/api/v1/orgs".into(),
            Some(json!({"slug": "a1", "name": "a"})),
        ),
        (
            "developer",
            &developer,
            Method::GET,
            format!("/api/v1/orgs/{org}/members"),
            None,
        ),
        (
            "publisher",
            &publisher,
            Method::GET,
            format!("/api/v1/orgs/{org}/members"),
            None,
        ),
        (
            "developer",
            &developer,
            Method::POST,
            format!("/api/v1/orgs/{org}/members"),
            Some(json!({"email": "x@example.org", "role": "admin"})),
        ),
        (
            "publisher",
            &publisher,
            Method::PUT,
            format!("/api/v1/orgs/{org}/members/{target}"),
            Some(json!({"role": "admin"})),
        ),
        (
            "publisher",
            &publisher,
            Method::DELETE,
            format!("/api/v1/orgs/{org}/members/{target}"),
            None,
        ),
        (
            "developer",
            &developer,
            Method::GET,
            format!("/api/v1/orgs/{org}/audit-log"),
            None,
        ),
        (
            "publisher",
            &publisher,
            Method::GET,
            format!("/api/v1/orgs/{org}/audit-log"),
            None,
        ),
    ];
    for (who, client, method, path, body) in cases {
        let (s, b, h) = client.call(method.clone(), &path, body).await;
        assert_eq!(s.as_u16(), 403, "{who} {method} {path}: {b}");
        assert_problem(s, &b, &h, 403, "forbidden");
    }
    // Members may see their own organization.
    assert_eq!(developer.get(&format!("/api/v1/orgs/{org}")).await.0, 200);
    // The org admin may manage members.
    assert_eq!(admin.get(&format!("/api/v1/orgs/{org}/members")).await.0, 200);
}

#[tokio::test]
async fn other_organizations_objects_are_404() {
    let app = TestApp::spawn().await;
    let (org_a, admin_a, publisher_a, developer_a) = app.org_with_members("alpha").await;
    let (org_b, admin_b, ..) = app.org_with_members("beta").await;
    let member_b = user_id(&admin_b).await;
    let member_a = user_id(&developer_a).await;

    for client in [&admin_a, &publisher_a, &developer_a] {
        for (method, path, body) in protected_endpoints() {
            if !path.contains("{org}") {
                continue;
            }
            let path = path.replace("{org}", &org_b).replace("{user}", &member_b);
            let (s, b, h) = client.call(method.clone(), &path, body).await;
            assert_problem(s, &b, &h, 404, "not_found");
        }
    }
    // B's admin cannot reach A's member through B's org either.
    let (s, b, h) = admin_b
        .call(
            Method::PUT,
            &format!("/api/v1/orgs/{org_b}/members/{member_a}"),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_problem(s, &b, &h, 404, "not_found");
    // Listing organizations shows only one's own.
    let (_, list, _) = admin_a.get("/api/v1/orgs").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [org_a.as_str()]);
    // Nothing was changed in B by any of those attempts.
    let (_, members, _) = admin_b.get(&format!("/api/v1/orgs/{org_b}/members")).await;
    assert_eq!(members["items"].as_array().unwrap().len(), 3, "{members}");
}

#[tokio::test]
async fn members_and_audit_log() {
    let app = TestApp::spawn().await;
    let (org, admin, publisher, _) = app.org_with_members("acme").await;
    let publisher_id = user_id(&publisher).await;
    let admin_id = user_id(&admin).await;

    // An existing account joins; a new one gets a generated password shown once.
    let (s, created, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/orgs/{org}/members"),
            Some(json!({"email": "new@acme.example", "role": "developer"})),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let initial = created["initial_password"]
        .as_str()
        .expect("generated password")
        .to_owned();
    app.login("new@acme.example", &initial).await;
    let (_, list, _) = admin.get(&format!("/api/v1/orgs/{org}/members")).await;
    assert!(!list.to_string().contains(&initial));

    // Role change, and the last admin is protected.
    let (s, m, _) = admin
        .call(
            Method::PUT,
            &format!("/api/v1/orgs/{org}/members/{publisher_id}"),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!((s.as_u16(), m["role"].as_str()), (200, Some("admin")));
    let (s, _, _) = admin
        .call(
            Method::DELETE,
            &format!("/api/v1/orgs/{org}/members/{publisher_id}"),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, b, h) = admin
        .call(Method::DELETE, &format!("/api/v1/orgs/{org}/members/{admin_id}"), None)
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    let (s, b, h) = admin
        .call(
            Method::PUT,
            &format!("/api/v1/orgs/{org}/members/{admin_id}"),
            Some(json!({"role": "developer"})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");

    // Everything above is in the audit log, filterable and paginated.
    let (s, log, _) = admin.get(&format!("/api/v1/orgs/{org}/audit-log")).await;
    assert_eq!(s, 200);
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"member.created"), "{actions:?}");
    assert!(actions.contains(&"member.role_changed"));
    assert!(actions.contains(&"member.removed"));
    assert!(!log.to_string().contains(PASSWORD), "no secrets in the audit log");
    let (_, only, _) = admin
        .get(&format!("/api/v1/orgs/{org}/audit-log?action=member.removed"))
        .await;
    let only = only["items"].as_array().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["target_id"], publisher_id.as_str());
    assert_eq!(only[0]["actor_id"], admin_id.as_str());
    let (_, first, _) = admin.get(&format!("/api/v1/orgs/{org}/audit-log?limit=1")).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert!(first["next_cursor"].is_string());
    let (_, future, _) = admin
        .get(&format!("/api/v1/orgs/{org}/audit-log?since=2999-01-01T00:00:00Z"))
        .await;
    assert_eq!(future["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn operator_manages_organizations() {
    let app = TestApp::spawn().await;
    let root = app.admin().await;
    let (s, b, h) = root
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"slug": "Bad Slug", "name": "x"})),
        )
        .await;
    assert_problem(s, &b, &h, 422, "validation_failed");
    let (s, _, _) = root
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"slug": "acme", "name": "Acme"})),
        )
        .await;
    assert_eq!(s, 201);
    let (s, b, h) = root
        .call(
            Method::POST,
            "/api/v1/orgs",
            Some(json!({"slug": "acme", "name": "Other"})),
        )
        .await;
    assert_problem(s, &b, &h, 409, "conflict");
    let (_, list, _) = root.get("/api/v1/orgs").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "default + acme: {list}");
}
