//! The key manager against a standard OAuth2 client library (`oauth2`) and a standard JWT
//! library (`jsonwebtoken`), and RFC 6749 errors for every bad request.

use base64::Engine;
use oauth2::basic::BasicClient;
use oauth2::{
    AccessToken, AuthType, ClientId, ClientSecret, IntrospectionUrl, RevocationUrl, Scope, StandardRevocableToken,
    TokenIntrospectionResponse, TokenResponse, TokenUrl,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp, send};

/// The `oauth2` crate's HTTP client: it builds and parses every request and response itself;
/// this only carries bytes.
async fn http(req: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let (parts, body) = req.into_parts();
    let resp = reqwest::Client::new()
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let mut builder = http::Response::builder().status(resp.status());
    for (k, v) in resp.headers() {
        builder = builder.header(k, v);
    }
    Ok(builder.body(resp.bytes().await?.to_vec()).unwrap())
}

/// A developer with an application and an OAuth client; returns (client_id, secret, app id).
pub async fn oauth_client(app: &TestApp, dev: &Client, scopes: Value) -> (String, String, String) {
    let (s, application, _) = dev
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": format!("app-{}", uuid::Uuid::now_v7())})),
        )
        .await;
    assert_eq!(s, 201, "{application}");
    let app_id = application["id"].as_str().unwrap().to_owned();
    let (s, client, _) = dev
        .call(
            Method::POST,
            &format!("/api/v1/applications/{app_id}/oauth-client"),
            Some(json!({"scopes": scopes})),
        )
        .await;
    assert_eq!(s, 201, "{client}");
    let _ = app;
    (
        client["client_id"].as_str().unwrap().to_owned(),
        client["client_secret"].as_str().unwrap().to_owned(),
        app_id,
    )
}

#[tokio::test]
async fn standard_client_gets_verifies_introspects_and_revokes_a_token() {
    let app = TestApp::spawn().await;
    let dev = app.developer("oauth@example.org").await;
    let (client_id, secret, app_id) = oauth_client(&app, &dev, json!(["read", "write"])).await;

    let (_, discovery, _) = app.anonymous().get("/.well-known/openid-configuration").await;
    assert_eq!(discovery["issuer"], app.base);
    let client = BasicClient::new(ClientId::new(client_id.clone()))
        .set_client_secret(ClientSecret::new(secret.clone()))
        .set_auth_type(AuthType::BasicAuth)
        .set_token_uri(TokenUrl::new(discovery["token_endpoint"].as_str().unwrap().into()).unwrap())
        .set_introspection_url(
            IntrospectionUrl::new(discovery["introspection_endpoint"].as_str().unwrap().into()).unwrap(),
        )
        .set_revocation_url(RevocationUrl::new(discovery["revocation_endpoint"].as_str().unwrap().into()).unwrap());

    let token = client
        .exchange_client_credentials()
        .add_scope(Scope::new("read".into()))
        .request_async(&http)
        .await
        .expect("client credentials grant");
    assert_eq!(token.scopes().unwrap()[0].as_str(), "read");
    let expires = token.expires_in().unwrap().as_secs();
    assert!((3500..=3600).contains(&expires), "{expires}");

    // Verify the signature with keys fetched from our JWKS, by kid.
    let jwt = token.access_token().secret().clone();
    let jwks: jsonwebtoken::jwk::JwkSet = reqwest::get(discovery["jwks_uri"].as_str().unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    // RFC 9068 §2.1: an access token says what it is in its header.
    assert_eq!(header.typ.as_deref(), Some("at+jwt"), "{header:?}");
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("kid in the JWKS");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&["tollgate"]);
    validation.set_issuer(&[app.base.as_str()]);
    // RFC 9068 §2.2's required claims.
    validation.set_required_spec_claims(&["iss", "exp", "aud", "sub", "iat", "jti"]);
    let claims = jsonwebtoken::decode::<Value>(&jwt, &key, &validation).unwrap().claims;
    assert_eq!(claims["sub"], client_id);
    assert_eq!(claims["client_id"], client_id);
    assert_eq!(claims["app"], app_id);
    assert_eq!(claims["scope"], "read");
    for claim in ["exp", "iat", "nbf", "jti"] {
        assert!(!claims[claim].is_null(), "{claim} missing: {claims}");
    }

    // Introspect (active), revoke, introspect again (inactive).
    let access = AccessToken::new(jwt.clone());
    let info = client.introspect(&access).request_async(&http).await.unwrap();
    assert!(info.active());
    assert_eq!(info.client_id().unwrap().as_str(), client_id);
    // The `oauth2` crate builds RFC 7009 requests only for https revocation URLs, and this test
    // server is plain HTTP on loopback; it does refuse that, so send the same form by hand.
    assert!(matches!(
        client.revoke_token(StandardRevocableToken::AccessToken(access.clone())),
        Err(oauth2::ConfigurationError::InsecureUrl(_))
    ));
    let revoked = reqwest::Client::new()
        .post(discovery["revocation_endpoint"].as_str().unwrap())
        .basic_auth(&client_id, Some(&secret))
        .form(&[("token", jwt.as_str()), ("token_type_hint", "access_token")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let info = client.introspect(&access).request_async(&http).await.unwrap();
    assert!(!info.active());

    // client_secret_post works too.
    let post = BasicClient::new(ClientId::new(client_id))
        .set_client_secret(ClientSecret::new(secret))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::new(discovery["token_endpoint"].as_str().unwrap().into()).unwrap());
    let token = post.exchange_client_credentials().request_async(&http).await.unwrap();
    assert_eq!(
        token.scopes().map(|s| s.len()),
        Some(2),
        "all allowed scopes by default"
    );
}

#[tokio::test]
async fn token_endpoint_errors_follow_rfc_6749() {
    let app = TestApp::spawn().await;
    let dev = app.developer("errors@example.org").await;
    let (client_id, secret, _) = oauth_client(&app, &dev, json!(["read"])).await;
    let other = app.developer("other@example.org").await;
    let (other_id, other_secret, _) = oauth_client(&app, &other, json!(["read"])).await;
    let basic = |id: &str, s: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{s}"))
        )
    };
    let c = app.anonymous();
    let form = |auth: Option<String>, body: &str| {
        let mut r = c
            .request(Method::POST, "/oauth2/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r
    };
    let wrong_secret = format!("tgo_{}", "x".repeat(40));
    let cases: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "wrong secret",
            form(Some(basic(&client_id, &wrong_secret)), "grant_type=client_credentials"),
            401,
            "invalid_client",
        ),
        (
            "another client's secret",
            form(Some(basic(&client_id, &other_secret)), "grant_type=client_credentials"),
            401,
            "invalid_client",
        ),
        (
            "unknown client",
            form(Some(basic("tgi_nobody", &secret)), "grant_type=client_credentials"),
            401,
            "invalid_client",
        ),
        (
            "no client authentication",
            form(None, "grant_type=client_credentials"),
            401,
            "invalid_client",
        ),
        (
            "unsupported grant",
            form(
                Some(basic(&client_id, &secret)),
                "grant_type=password&username=a&password=b",
            ),
            400,
            "unsupported_grant_type",
        ),
        (
            "missing grant",
            form(Some(basic(&client_id, &secret)), "scope=read"),
            400,
            "invalid_request",
        ),
        (
            "bad scope",
            form(
                Some(basic(&client_id, &secret)),
                "grant_type=client_credentials&scope=read%20admin",
            ),
            400,
            "invalid_scope",
        ),
        (
            "repeated parameter",
            form(
                Some(basic(&client_id, &secret)),
                "grant_type=client_credentials&grant_type=client_credentials",
            ),
            400,
            "invalid_request",
        ),
        (
            "two authentication methods",
            form(
                Some(basic(&client_id, &secret)),
                &format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}"),
            ),
            400,
            "invalid_request",
        ),
        (
            "GET",
            c.request(Method::GET, "/oauth2/token?grant_type=client_credentials"),
            400,
            "invalid_request",
        ),
        (
            "JSON body",
            c.request(Method::POST, "/oauth2/token")
                .header("authorization", basic(&client_id, &secret))
                .json(&json!({"grant_type": "client_credentials"})),
            400,
            "invalid_request",
        ),
        (
            "introspection without client",
            c.request(Method::POST, "/oauth2/introspect")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("token=x"),
            401,
            "invalid_client",
        ),
        (
            "revocation without client",
            c.request(Method::POST, "/oauth2/revoke")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("token=x"),
            401,
            "invalid_client",
        ),
    ];
    for (what, req, status, error) in cases {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{what}");
        if status == 401 {
            assert!(
                resp.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .starts_with("Basic"),
                "{what}"
            );
        }
        assert_eq!(resp.headers()["cache-control"], "no-store", "{what}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"], error, "{what}: {body}");
        assert!(body["error_description"].is_string(), "{what}");
    }

    // A client cannot revoke another client's token; garbage tokens introspect inactive.
    let ok = form(Some(basic(&other_id, &other_secret)), "grant_type=client_credentials");
    let (_, token, _) = send(ok).await;
    let other_token = token["access_token"].as_str().unwrap();
    let (s, body, _) =
        send(form(Some(basic(&client_id, &secret)), &format!("token={other_token}")).url_path("/oauth2/revoke")).await;
    assert_eq!((s.as_u16(), body["error"].as_str()), (400, Some("unauthorized_client")));
    let (s, body, _) =
        send(form(Some(basic(&client_id, &secret)), "token=not-a-jwt").url_path("/oauth2/introspect")).await;
    assert_eq!((s.as_u16(), body["active"].as_bool()), (200, Some(false)));
    let (_, body, _) =
        send(form(Some(basic(&client_id, &secret)), &format!("token={other_token}")).url_path("/oauth2/introspect"))
            .await;
    assert_eq!(
        body["active"], true,
        "introspection of a valid token works for any authenticated client"
    );
}

/// Send the same request to another path of the same server.
trait UrlPath {
    fn url_path(self, path: &str) -> Self;
}

impl UrlPath for reqwest::RequestBuilder {
    fn url_path(self, path: &str) -> Self {
        let (client, req) = self.build_split();
        let mut req = req.unwrap();
        req.url_mut().set_path(path);
        reqwest::RequestBuilder::from_parts(client, req)
    }
}

#[tokio::test]
async fn rotated_keys_keep_verifying_old_tokens_and_rs256_works() {
    let app = TestApp::spawn_with(|c| c.oauth_signing_alg = "RS256".into()).await;
    let dev = app.developer("rot@example.org").await;
    let (client_id, secret, _) = oauth_client(&app, &dev, json!(["read"])).await;
    let token_req = || {
        app.anonymous()
            .request(Method::POST, "/oauth2/token")
            .basic_auth(&client_id, Some(&secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
    };
    let (_, before, _) = send(token_req()).await;
    let old = before["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        jsonwebtoken::decode_header(&old).unwrap().alg,
        jsonwebtoken::Algorithm::RS256
    );

    let root = app.admin().await;
    let (s, rotated, _) = root.call(Method::POST, "/api/v1/admin/signing-keys/rotate", None).await;
    assert_eq!(s, 201, "{rotated}");
    let (s, b, _) = dev.call(Method::POST, "/api/v1/admin/signing-keys/rotate", None).await;
    assert_eq!((s.as_u16(), b["code"].as_str()), (403, Some("forbidden")));

    let (_, jwks, _) = app.anonymous().get("/.well-known/jwks.json").await;
    assert_eq!(
        jwks["keys"].as_array().unwrap().len(),
        2,
        "the retired key is still published"
    );
    let (_, after, _) = send(token_req()).await;
    let new = after["access_token"].as_str().unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(new).unwrap().kid.as_deref(),
        rotated["kid"].as_str()
    );
    for t in [old.as_str(), new] {
        let (_, info, _) = send(
            app.anonymous()
                .request(Method::POST, "/oauth2/introspect")
                .basic_auth(&client_id, Some(&secret))
                .form(&[("token", t)]),
        )
        .await;
        assert_eq!(info["active"], true, "{info}");
    }
}

/// Two replicas on one database, neither with `public_url` or `oauth_issuer`: the second
/// adopts the issuer the first recorded, so a token minted by either is active at both.
#[tokio::test]
async fn replicas_without_public_url_share_one_issuer() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_on(a.db.shared(), |_| {}).await;
    assert_ne!(a.base, b.base);
    for replica in [&a.base, &b.base] {
        let discovery: Value = reqwest::get(format!("{replica}/.well-known/openid-configuration"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(discovery["issuer"], a.base.as_str(), "{replica}");
    }
    let dev = a.developer("replicas@example.org").await;
    let (s, application, _) = dev
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"name": "two replicas"})),
        )
        .await;
    assert_eq!(s, 201, "{application}");
    let app_id = application["id"].as_str().unwrap();
    let (id, secret, from_b) = crate::scenario::client_credentials(&b.base, &dev, app_id).await;
    let from_a = crate::scenario::access_token(&a.base, &id, &secret).await;
    for (token, at) in [(&from_b, &a.base), (&from_a, &b.base), (&from_b, &b.base)] {
        let info = crate::scenario::introspect(at, &id, &secret, token).await;
        assert_eq!(info["active"], true, "introspected at {at}: {info}");
    }
}
