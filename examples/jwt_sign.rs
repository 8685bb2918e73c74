//! Cost of signing one access token with each algorithm (used by bench/token-endpoint.sh to
//! report the signature's share of the token endpoint's time).
//!
//! cargo run --release --example jwt_sign

use std::time::Instant;

use tollgate::oauth::keys::{KeyRing, LoadedKey, SigningAlg, generate};
use tollgate::oauth::token::{AccessClaims, sign};

fn main() -> anyhow::Result<()> {
    for alg in [SigningAlg::ES256, SigningAlg::RS256] {
        let k = generate(alg)?;
        let ring = KeyRing::build(vec![LoadedKey {
            kid: k.kid,
            alg,
            pkcs8_der: Some(k.pkcs8_der),
            public_jwk: k.public_jwk,
        }])?;
        let claims = AccessClaims {
            iss: "http://127.0.0.1:8080".into(),
            sub: "tgi_0123456789abcdef01234567".into(),
            aud: "tollgate".into(),
            exp: 2_000_000_000,
            iat: 1_900_000_000,
            nbf: 1_900_000_000,
            jti: "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5e".into(),
            client_id: "tgi_0123456789abcdef01234567".into(),
            scope: "default".into(),
            app: "0190f5a4-5e3c-7cc1-9a8e-7d2f1b3c4d5f".into(),
        };
        let n = if alg == SigningAlg::RS256 { 1_000 } else { 10_000 };
        let started = Instant::now();
        for _ in 0..n {
            std::hint::black_box(sign(&ring, &claims)?);
        }
        let per = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
        println!("{} sign: {per:.1} us/token", alg.as_str());
    }
    Ok(())
}
