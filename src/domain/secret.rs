//! High-entropy secrets (session tokens, personal access tokens, later API keys): a fixed,
//! recognisable prefix plus random base62 characters. Only their SHA-256 is stored; a fast hash
//! is right because the secret itself has ~238 bits of entropy (argon2 is for passwords).

use rand::Rng;
use rand::distr::Alphanumeric;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Never change these: scanners and support staff recognise leaked secrets by them.
pub const SESSION_PREFIX: &str = "tgs_";
pub const PERSONAL_TOKEN_PREFIX: &str = "tgp_";
pub const CSRF_PREFIX: &str = "tgc_";
/// Consumer API keys, sent to the gateway.
pub const API_KEY_PREFIX: &str = "tg_";
/// OAuth client secrets.
pub const CLIENT_SECRET_PREFIX: &str = "tgo_";
/// Webhook signing secrets. Unlike the others they must be readable again (to sign), so they
/// are stored encrypted (`oauth::crypto::SecretBox`), not hashed.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

const RANDOM_LEN: usize = 40;

/// A freshly generated secret: the plaintext (shown once) and what is stored.
pub struct Generated {
    pub plain: SecretString,
    pub hash: String,
    /// First characters, safe to display and store (prefix + 4 random characters).
    pub display_prefix: String,
}

pub fn generate(prefix: &str) -> Generated {
    let random: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(RANDOM_LEN)
        .map(char::from)
        .collect();
    let plain = format!("{prefix}{random}");
    let hash = sha256_hex(&plain);
    let display_prefix = plain[..prefix.len() + 4].to_owned();
    Generated {
        plain: SecretString::from(plain),
        hash,
        display_prefix,
    }
}

/// Hex SHA-256 of a secret, the form stored and looked up.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether a presented secret has our shape (prefix + base62 of the right length); anything else
/// is refused without a database lookup.
pub fn looks_like(prefix: &str, presented: &str) -> bool {
    presented.len() == prefix.len() + RANDOM_LEN
        && presented.starts_with(prefix)
        && presented[prefix.len()..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Constant-time comparison of two secrets (for values compared in memory, such as CSRF tokens).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Random password for generated accounts (shown once).
pub fn random_password() -> SecretString {
    let s: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect();
    SecretString::from(s)
}

pub fn expose(s: &SecretString) -> &str {
    s.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_has_shape_and_hash() {
        let g = generate(PERSONAL_TOKEN_PREFIX);
        let plain = g.plain.expose_secret();
        assert!(looks_like(PERSONAL_TOKEN_PREFIX, plain));
        assert_eq!(g.hash, sha256_hex(plain));
        assert_eq!(g.hash.len(), 64);
        assert!(plain.starts_with(&g.display_prefix));
        assert!(!looks_like(SESSION_PREFIX, plain));
        assert!(!looks_like(PERSONAL_TOKEN_PREFIX, "tgp_short"));
        assert_ne!(generate(PERSONAL_TOKEN_PREFIX).hash, g.hash);
    }

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
