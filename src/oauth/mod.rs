//! The key manager: signing keys (encrypted at rest), access-token issuance and verification,
//! the JWKS. HTTP endpoints live in `http::oauth`; storage in `store::signing`.

pub mod crypto;
pub mod keys;
pub mod manager;
pub mod token;
