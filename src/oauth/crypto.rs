//! Encryption at rest for secrets we must be able to read back (private signing keys, webhook
//! signing secrets): AES-256-GCM with a random 96-bit nonce per message, key from the
//! configuration.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Label mixed into every sealed message, so ciphertexts cannot be moved between purposes.
const AAD: &[u8] = b"tollgate:v1";

pub struct SecretBox {
    key: LessSafeKey,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox([REDACTED])")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> anyhow::Result<SecretBox> {
        let unbound = UnboundKey::new(&AES_256_GCM, key).map_err(|_| anyhow::anyhow!("bad AES key"))?;
        Ok(SecretBox {
            key: LessSafeKey::new(unbound),
        })
    }

    /// Parse a base64-encoded 32-byte key (as in `TOLLGATE_SECRET_KEY`).
    pub fn from_base64(text: &str) -> anyhow::Result<SecretBox> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| anyhow::anyhow!("secret_key must be base64 (e.g. `openssl rand -base64 32`)"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("secret_key must decode to exactly 32 bytes"))?;
        Self::new(&key)
    }

    /// A new random key, base64-encoded.
    pub fn generate_base64() -> anyhow::Result<String> {
        let mut key = [0u8; 32];
        SystemRandom::new()
            .fill(&mut key)
            .map_err(|_| anyhow::anyhow!("no system randomness"))?;
        Ok(STANDARD.encode(key))
    }

    /// nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
        self.seal_aad(plaintext, AAD)
    }

    fn seal_aad(&self, plaintext: &[u8], aad: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| anyhow::anyhow!("no system randomness"))?;
        let mut buf = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &mut buf)
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(out)
    }

    pub fn open(&self, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        self.open_aad(sealed, AAD)
    }

    /// Like [`SecretBox::seal`], bound to `context` (e.g. a purpose and a row id): the sealed
    /// value opens only with the same context, so it cannot be copied to another row or use.
    pub fn seal_bound(&self, context: &str, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
        self.seal_aad(plaintext, &bound_aad(context))
    }

    pub fn open_bound(&self, context: &str, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        self.open_aad(sealed, &bound_aad(context))
    }

    fn open_aad(&self, sealed: &[u8], aad: &[u8]) -> anyhow::Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN + 16 {
            anyhow::bail!("sealed value too short");
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let mut buf = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .map_err(|_| anyhow::anyhow!("cannot decrypt: wrong secret_key, or the data was altered"))?;
        Ok(plain.to_vec())
    }
}

fn bound_aad(context: &str) -> Vec<u8> {
    let mut aad = AAD.to_vec();
    aad.push(b':');
    aad.extend_from_slice(context.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let b = SecretBox::from_base64(&SecretBox::generate_base64().unwrap()).unwrap();
        let sealed = b.seal(b"private key").unwrap();
        assert!(!sealed.windows(11).any(|w| w == b"private key"));
        assert_eq!(b.open(&sealed).unwrap(), b"private key");
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert!(b.open(&bad).is_err());
        let other = SecretBox::from_base64(&SecretBox::generate_base64().unwrap()).unwrap();
        assert!(other.open(&sealed).is_err());
        assert!(SecretBox::from_base64("c2hvcnQ=").is_err());
    }

    #[test]
    fn bound_values_open_only_in_their_context() {
        let b = SecretBox::from_base64(&SecretBox::generate_base64().unwrap()).unwrap();
        let sealed = b.seal_bound("webhook:1", b"whsec_x").unwrap();
        assert_eq!(b.open_bound("webhook:1", &sealed).unwrap(), b"whsec_x");
        assert!(b.open_bound("webhook:2", &sealed).is_err());
        assert!(b.open(&sealed).is_err());
        assert!(b.open_bound("webhook:1", &b.seal(b"whsec_x").unwrap()).is_err());
    }
}
