//! The key manager: keeps the signing keys (encrypted in the store), the key ring built from
//! them, and rotates them. A new key signs from the moment it is created; retired keys stay in
//! the JWKS until every token they could have signed has expired.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use arc_swap::ArcSwap;
use secrecy::ExposeSecret;

use super::crypto::SecretBox;
use super::keys::{self, KeyRing, LoadedKey, SigningAlg};
use crate::config::Config;
use crate::store::{NewSigningKey, Store};

/// Extra time retired keys stay published beyond the longest token lifetime (clock skew).
const PUBLISH_SLACK_MS: i64 = 5 * 60 * 1000;

pub struct KeyManager {
    store: Store,
    secret_box: Arc<SecretBox>,
    alg: SigningAlg,
    max_token_lifetime: Duration,
    ring: ArcSwap<KeyRing>,
}

impl std::fmt::Debug for KeyManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyManager").field("alg", &self.alg).finish()
    }
}

/// The key that encrypts secrets at rest: `secret_key`, or the key file (created with mode 0600
/// on first start).
pub fn load_secret_box(config: &Config) -> anyhow::Result<SecretBox> {
    if let Some(key) = &config.secret_key {
        return SecretBox::from_base64(key.expose_secret());
    }
    let path: &Path = &config.secret_key_file;
    if !path.exists() {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {} for the secret key", parent.display()))?;
        }
        let key = SecretBox::generate_base64()?;
        write_private(path, key.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
        tracing::warn!(
            file = %path.display(),
            "generated the key that encrypts signing keys at rest; back it up, and give every replica the same key (TOLLGATE_SECRET_KEY)"
        );
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    SecretBox::from_base64(&text).with_context(|| format!("{} does not hold a valid secret key", path.display()))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

impl KeyManager {
    /// Load the keys, creating the first one when there is none.
    pub async fn init(store: Store, config: &Config) -> anyhow::Result<Arc<KeyManager>> {
        let manager = KeyManager {
            store,
            secret_box: Arc::new(load_secret_box(config)?),
            alg: SigningAlg::parse(&config.oauth_signing_alg).unwrap_or(SigningAlg::ES256),
            max_token_lifetime: config.oauth_max_token_lifetime,
            ring: ArcSwap::from_pointee(KeyRing::empty()),
        };
        manager.reload().await?;
        if manager.ring().signer().is_none() {
            manager.rotate().await?;
        }
        Ok(Arc::new(manager))
    }

    /// The box that encrypts secrets at rest, shared with other users of `secret_key`
    /// (webhook signing secrets).
    pub fn secret_box(&self) -> Arc<SecretBox> {
        Arc::clone(&self.secret_box)
    }

    pub fn ring(&self) -> arc_swap::Guard<Arc<KeyRing>> {
        self.ring.load()
    }

    /// Rebuild the ring from the store (after a rotation here or on another replica).
    pub async fn reload(&self) -> anyhow::Result<()> {
        let rows = self.store.publishable_signing_keys().await?;
        let mut loaded = Vec::with_capacity(rows.len());
        for row in rows {
            let alg =
                SigningAlg::parse(&row.alg).ok_or_else(|| anyhow::anyhow!("unknown key algorithm {}", row.alg))?;
            let public_jwk = serde_json::from_str(&row.public_jwk).context("corrupt public JWK")?;
            let pkcs8_der = if row.retired_at.is_none() {
                Some(
                    self.secret_box
                        .open(&row.private_key)
                        .with_context(|| format!("signing key {}", row.kid))?,
                )
            } else {
                None
            };
            loaded.push(LoadedKey {
                kid: row.kid,
                alg,
                pkcs8_der,
                public_jwk,
            });
        }
        self.ring.store(Arc::new(KeyRing::build(loaded)?));
        Ok(())
    }

    /// Make a new active key; the old one stays published until its tokens expire.
    pub async fn rotate(&self) -> anyhow::Result<String> {
        let alg = self.alg;
        let generated = tokio::task::spawn_blocking(move || keys::generate(alg)).await??;
        let sealed = self.secret_box.seal(&generated.pkcs8_der)?;
        let jwk = serde_json::to_string(&generated.public_jwk)?;
        let lifetime_ms = i64::try_from(self.max_token_lifetime.as_millis()).unwrap_or(i64::MAX / 2);
        self.store
            .rotate_signing_key(
                NewSigningKey {
                    kid: &generated.kid,
                    alg: alg.as_str(),
                    sealed_private_key: &sealed,
                    public_jwk: &jwk,
                },
                self.store.now_ms() + lifetime_ms + PUBLISH_SLACK_MS,
            )
            .await?;
        self.reload().await?;
        tracing::info!(kid = %generated.kid, alg = alg.as_str(), "signing key rotated");
        Ok(generated.kid)
    }
}
