//! Access tokens: JWTs in the profile of RFC 9068 (header `typ: at+jwt`; claims `iss`, `sub`,
//! `aud`, `exp`, `iat`, `jti`, `client_id`, `scope`), which other gateways (Envoy, Istio) and
//! resource servers expect, plus `app`, the application the client belongs to.

use jsonwebtoken::{Header, Validation};
use serde::{Deserialize, Serialize};

use super::keys::KeyRing;
use crate::domain::access_token::{self, is_access_token_typ};

/// Claims of a Tollgate access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    /// The OAuth client id: the client credentials grant has no resource owner, so the subject
    /// is the client (RFC 9068 §2.2).
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    /// The OAuth client id.
    pub client_id: String,
    /// Space-separated scopes.
    pub scope: String,
    /// The application the client belongs to.
    pub app: String,
}

/// Sign with the ring's active key.
pub fn sign(ring: &KeyRing, claims: &AccessClaims) -> anyhow::Result<String> {
    let (kid, alg, key) = ring.signer().ok_or_else(|| anyhow::anyhow!("no active signing key"))?;
    let mut header = Header::new(alg.algorithm());
    header.typ = Some(access_token::TYP.to_owned());
    header.kid = Some(kid.to_owned());
    Ok(jsonwebtoken::encode(&header, claims, key)?)
}

/// Verify signature, issuer and audience; `check_time` adds `exp`/`nbf` (with 30 s leeway).
pub fn verify(ring: &KeyRing, token: &str, issuer: &str, audience: &str, check_time: bool) -> Option<AccessClaims> {
    let header = jsonwebtoken::decode_header(token).ok()?;
    if !is_access_token_typ(header.typ.as_deref()) {
        return None;
    }
    let (alg, key) = ring.verifier(header.kid.as_deref()?)?;
    if header.alg != *alg {
        return None;
    }
    let mut validation = Validation::new(*alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.leeway = 30;
    validation.validate_nbf = check_time;
    validation.validate_exp = check_time;
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "iat", "jti"]);
    jsonwebtoken::decode::<AccessClaims>(token, key, &validation)
        .ok()
        .map(|d| d.claims)
}

#[cfg(test)]
mod tests {
    use super::super::keys::{KeyRing, LoadedKey, SigningAlg, generate};
    use super::*;

    fn ring(alg: SigningAlg) -> KeyRing {
        let k = generate(alg).unwrap();
        KeyRing::build(vec![LoadedKey {
            kid: k.kid,
            alg,
            pkcs8_der: Some(k.pkcs8_der),
            public_jwk: k.public_jwk,
        }])
        .unwrap()
    }

    fn claims(exp: i64) -> AccessClaims {
        AccessClaims {
            iss: "http://issuer".into(),
            sub: "client".into(),
            aud: "tollgate".into(),
            exp,
            iat: 0,
            nbf: 0,
            jti: "j1".into(),
            client_id: "client".into(),
            scope: "read".into(),
            app: "app".into(),
        }
    }

    #[test]
    fn sign_and_verify_both_algorithms() {
        for alg in [SigningAlg::ES256, SigningAlg::RS256] {
            let ring = ring(alg);
            let far = chrono::Utc::now().timestamp() + 3600;
            let token = sign(&ring, &claims(far)).unwrap();
            assert_eq!(
                verify(&ring, &token, "http://issuer", "tollgate", true),
                Some(claims(far))
            );
            assert!(verify(&ring, &token, "http://other", "tollgate", true).is_none());
            assert!(verify(&ring, &token, "http://issuer", "other", true).is_none());
            let mut tampered = token.clone();
            tampered.push('x');
            assert!(verify(&ring, &tampered, "http://issuer", "tollgate", true).is_none());
            let expired = sign(&ring, &claims(1000)).unwrap();
            assert!(verify(&ring, &expired, "http://issuer", "tollgate", true).is_none());
            assert!(verify(&ring, &expired, "http://issuer", "tollgate", false).is_some());
            assert!(verify(&ring, "not.a.jwt", "http://issuer", "tollgate", true).is_none());
        }
    }

    #[test]
    fn tokens_are_rfc_9068_access_tokens() {
        let ring = ring(SigningAlg::ES256);
        let token = sign(&ring, &claims(chrono::Utc::now().timestamp() + 60)).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        // The same claims under the same key but another `typ` are not an access token.
        let (kid, alg, key) = ring.signer().unwrap();
        let mut header = Header::new(alg.algorithm());
        header.kid = Some(kid.to_owned());
        let plain_jwt = jsonwebtoken::encode(&header, &claims(chrono::Utc::now().timestamp() + 60), key).unwrap();
        assert!(verify(&ring, &plain_jwt, "http://issuer", "tollgate", true).is_none());
    }

    #[test]
    fn another_rings_token_is_rejected() {
        let a = ring(SigningAlg::ES256);
        let b = ring(SigningAlg::ES256);
        let token = sign(&a, &claims(chrono::Utc::now().timestamp() + 60)).unwrap();
        assert!(verify(&b, &token, "http://issuer", "tollgate", true).is_none());
    }
}
