//! Signing keys: generation (aws-lc-rs), the JWK of each public key, and the key ring that signs
//! with the newest key and verifies with every key still published.

use std::collections::HashMap;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use jsonwebtoken::jwk::{Jwk, JwkSet, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::{Deserialize, Serialize};

/// Access-token signature algorithms we issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SigningAlg {
    ES256,
    RS256,
}

impl SigningAlg {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ES256 => "ES256",
            Self::RS256 => "RS256",
        }
    }

    pub fn parse(s: &str) -> Option<SigningAlg> {
        match s {
            "ES256" => Some(Self::ES256),
            "RS256" => Some(Self::RS256),
            _ => None,
        }
    }

    pub fn algorithm(self) -> Algorithm {
        match self {
            Self::ES256 => Algorithm::ES256,
            Self::RS256 => Algorithm::RS256,
        }
    }
}

/// A freshly generated key pair: PKCS#8 private key (to encrypt and store) and public JWK.
pub struct GeneratedKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub pkcs8_der: Vec<u8>,
    pub public_jwk: Jwk,
}

fn encoding_key(alg: SigningAlg, pkcs8_der: &[u8]) -> anyhow::Result<EncodingKey> {
    Ok(match alg {
        SigningAlg::ES256 => EncodingKey::from_ec_der(pkcs8_der),
        SigningAlg::RS256 => {
            let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8_der.to_vec()));
            EncodingKey::from_rsa_pem(pem.as_bytes())?
        }
    })
}

pub fn generate(alg: SigningAlg) -> anyhow::Result<GeneratedKey> {
    let pkcs8_der = match alg {
        SigningAlg::ES256 => EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| anyhow::anyhow!("EC key generation failed"))?
            .as_ref()
            .to_vec(),
        SigningAlg::RS256 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(|_| anyhow::anyhow!("RSA key generation failed"))?;
            let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der<'static>>::as_der(&pair)
                .map_err(|_| anyhow::anyhow!("RSA key export failed"))?;
            der.as_ref().to_vec()
        }
    };
    let key = encoding_key(alg, &pkcs8_der)?;
    let mut public_jwk = Jwk::from_encoding_key(&key, alg.algorithm())?;
    let kid = public_jwk.thumbprint(ThumbprintHash::SHA256)?;
    public_jwk.common.key_id = Some(kid.clone());
    public_jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
    Ok(GeneratedKey {
        kid,
        alg,
        pkcs8_der,
        public_jwk,
    })
}

/// A stored key, decrypted: what the ring is built from.
pub struct LoadedKey {
    pub kid: String,
    pub alg: SigningAlg,
    /// `None` for retired keys: they only verify.
    pub pkcs8_der: Option<Vec<u8>>,
    pub public_jwk: Jwk,
}

/// Signs with the active key; verifies with every published key; renders the JWKS.
pub struct KeyRing {
    signer: Option<(String, SigningAlg, EncodingKey)>,
    verifiers: HashMap<String, (Algorithm, DecodingKey)>,
    jwks: JwkSet,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("signer", &self.signer.as_ref().map(|s| &s.0))
            .field("verifiers", &self.verifiers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl KeyRing {
    pub fn empty() -> KeyRing {
        KeyRing {
            signer: None,
            verifiers: HashMap::new(),
            jwks: JwkSet { keys: Vec::new() },
        }
    }

    pub fn build(keys: Vec<LoadedKey>) -> anyhow::Result<KeyRing> {
        let mut ring = KeyRing::empty();
        for key in keys {
            if let Some(der) = &key.pkcs8_der
                && ring.signer.is_none()
            {
                ring.signer = Some((key.kid.clone(), key.alg, encoding_key(key.alg, der)?));
            }
            let decoding = DecodingKey::from_jwk(&key.public_jwk)?;
            ring.verifiers.insert(key.kid.clone(), (key.alg.algorithm(), decoding));
            ring.jwks.keys.push(key.public_jwk);
        }
        Ok(ring)
    }

    pub fn signer(&self) -> Option<(&str, SigningAlg, &EncodingKey)> {
        self.signer.as_ref().map(|(kid, alg, key)| (kid.as_str(), *alg, key))
    }

    pub fn verifier(&self, kid: &str) -> Option<&(Algorithm, DecodingKey)> {
        self.verifiers.get(kid)
    }

    pub fn jwks(&self) -> &JwkSet {
        &self.jwks
    }

    /// (kid, algorithm, decoding key) of every published key, for the gateway.
    pub fn verifiers(&self) -> impl Iterator<Item = (&str, Algorithm, &DecodingKey)> {
        self.verifiers.iter().map(|(k, (a, d))| (k.as_str(), *a, d))
    }
}
