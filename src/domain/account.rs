//! Accounts: parsed email addresses, passwords, display names, organization slugs, roles, and
//! password hashing (Argon2id with the crate's OWASP-recommended defaults).

use std::fmt;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A normalised (trimmed, lower-cased) email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("must not be empty");
        }
        if s.len() > 254 {
            return Err("must be at most 254 characters");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("must contain @");
        };
        if local.is_empty() || local.len() > 64 {
            return Err("the part before @ must be 1 to 64 characters");
        }
        if domain.is_empty() || domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err("the domain after @ is malformed");
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) || domain.contains('@') {
            return Err("must not contain spaces, control characters or a second @");
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy (NIST SP 800-63B: length over composition rules).
pub struct Password<'a>(&'a str);

impl<'a> Password<'a> {
    pub const MIN_LEN: usize = 12;
    pub const MAX_LEN: usize = 256;

    pub fn parse(raw: &'a str) -> Result<Password<'a>, &'static str> {
        let n = raw.chars().count();
        if n < Self::MIN_LEN {
            return Err("must be at least 12 characters");
        }
        if n > Self::MAX_LEN {
            return Err("must be at most 256 characters");
        }
        if raw.chars().all(|c| c == raw.chars().next().unwrap_or(' ')) {
            return Err("must not be one repeated character");
        }
        Ok(Password(raw))
    }

    pub fn as_str(&self) -> &str {
        self.0
    }
}

/// A display name: 1–100 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("must not be empty");
    }
    if s.chars().count() > 100 {
        return Err("must be at most 100 characters");
    }
    if s.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    Ok(s.to_owned())
}

/// An organization slug: 2–40 characters of `a-z`, `0-9` and `-`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSlug(String);

impl OrgSlug {
    pub fn parse(raw: &str) -> Result<OrgSlug, &'static str> {
        let s = raw.trim();
        if !(2..=40).contains(&s.len()) {
            return Err("must be 2 to 40 characters");
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err("must start with a lower-case letter");
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err("may contain only a-z, 0-9 and -");
        }
        if s.ends_with('-') || s.contains("--") {
            return Err("must not end with - or contain --");
        }
        Ok(OrgSlug(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user's role in one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages the organization: members, audit log, and everything a publisher may do.
    Admin,
    /// Designs, publishes and prices the organization's APIs.
    Publisher,
    /// Consumes APIs: applications, subscriptions, keys.
    Developer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Publisher => "publisher",
            Role::Developer => "developer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "publisher" => Some(Role::Publisher),
            "developer" => Some(Role::Developer),
            _ => None,
        }
    }
}

fn hasher() -> Argon2<'static> {
    Argon2::default()
}

/// Argon2id PHC string for a password. CPU-heavy (~20 ms): call from a blocking thread.
pub fn hash_password(password: &Password<'_>) -> anyhow::Result<String> {
    let hash = hasher()
        .hash_password(password.as_str().as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `phc`. A malformed stored hash counts as a mismatch.
/// CPU-heavy (~20 ms): call from a blocking thread.
pub fn verify_password(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// A valid hash of a random password, verified against when the account does not exist so that
/// an unknown email costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let pw = crate::domain::secret::random_password();
        let pw = secrecy::ExposeSecret::expose_secret(&pw).to_owned();
        hash_password(&Password::parse(&pw).expect("random password meets policy")).expect("argon2 works")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        for bad in [
            "",
            "no-at",
            "@x.org",
            "a@",
            "a@.x",
            "a@x.",
            "a b@x.org",
            "a@b@c",
            "a@x..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Email::parse(&format!("{}@x.org", "a".repeat(65))).is_err());
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("aaaaaaaaaaaaaaaa").is_err());
        assert!(Password::parse(&"x".repeat(300)).is_err());
        assert!(Password::parse("correct horse battery").is_ok());
    }

    #[test]
    fn slugs() {
        assert!(OrgSlug::parse("acme-corp").is_ok());
        for bad in ["A", "acme_corp", "-acme", "acme-", "1acme", "ac--me", "Acme"] {
            assert!(OrgSlug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn hash_and_verify() {
        let pw = Password::parse("correct horse battery").unwrap();
        let phc = hash_password(&pw).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterx", &phc));
        assert!(!verify_password("anything", "not a phc string"));
        assert!(!verify_password("anything", dummy_hash()));
    }
}
