//! What makes a JWT one of our access tokens (RFC 9068): the media type in its header's `typ`;
//! and how long a revoked one stays listed. Shared by the issuer (`oauth/`), the store and every
//! verifier (the token endpoints, the gateway).

/// The media type of an access token (RFC 9068 §2.1), in the JWT header's `typ`.
pub const TYP: &str = "at+jwt";

/// Revoked tokens stay listed this long after they expire (clock skew between gateways).
pub const REVOKED_TOKEN_GRACE_MS: i64 = 60_000;

/// Whether a JWT header's `typ` names an access token: `at+jwt` or `application/at+jwt`, in any
/// case. A verifier refuses any other (RFC 9068 §4), so that an ID token or another JWT signed
/// by the same key is never taken for an access token.
pub fn is_access_token_typ(typ: Option<&str>) -> bool {
    typ.is_some_and(|t| {
        let t = t
            .get(..12)
            .filter(|p| p.eq_ignore_ascii_case("application/"))
            .map_or(t, |_| &t[12..]);
        t.eq_ignore_ascii_case(TYP)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_at_jwt_in_either_spelling() {
        for ok in ["at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"] {
            assert!(is_access_token_typ(Some(ok)), "{ok}");
        }
        for bad in [
            None,
            Some(""),
            Some("JWT"),
            Some("jwt"),
            Some("application/jwt"),
            Some("at+jwt2"),
            Some("application/"),
        ] {
            assert!(!is_access_token_typ(bad), "{bad:?}");
        }
    }
}
