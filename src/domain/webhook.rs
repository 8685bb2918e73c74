//! Webhooks: the event types an organization can subscribe to, the rules for endpoint URLs,
//! the payload signature and the retry schedule. No axum, no sqlx.
//!
//! Signature (Stripe / Standard-Webhooks style): every POST carries
//! `Tollgate-Webhook-Id` (the event id, the same on every retry and re-send),
//! `Tollgate-Webhook-Timestamp` (unix seconds of this attempt) and
//! `Tollgate-Webhook-Signature: v1=<hex>` where `<hex>` is the lowercase hex HMAC-SHA256, keyed
//! with the endpoint's whole secret string (`whsec_…`, as UTF-8 bytes), of
//! `"{timestamp}.{body}"`. Receivers recompute it over the raw body, compare in constant time
//! and refuse timestamps far from their clock (we suggest ±5 minutes). The header may in future
//! carry several space-separated `v1=` entries (e.g. during a secret rollover): accept the
//! request when any of them matches.

use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::FieldError;

pub const INVOICE_FINALIZED: &str = "invoice.finalized";
pub const SUBSCRIPTION_CREATED: &str = "subscription.created";
pub const SUBSCRIPTION_CHANGED: &str = "subscription.changed";
pub const SUBSCRIPTION_ENDED: &str = "subscription.ended";
pub const QUOTA_REACHED: &str = "quota.reached";
/// Sent only by `POST /webhooks/{id}/test`, to that endpoint; not subscribable.
pub const PING: &str = "ping";

/// The event types an endpoint may subscribe to.
pub const EVENT_TYPES: &[&str] = &[
    INVOICE_FINALIZED,
    SUBSCRIPTION_CREATED,
    SUBSCRIPTION_CHANGED,
    SUBSCRIPTION_ENDED,
    QUOTA_REACHED,
];

pub const HEADER_ID: &str = "tollgate-webhook-id";
pub const HEADER_TIMESTAMP: &str = "tollgate-webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "tollgate-webhook-signature";

/// Longest accepted endpoint URL.
pub const MAX_URL_LEN: usize = 2048;

/// A delivery's state. A delivery is born pending (for an event, a test or a re-send, which is
/// a new delivery); each attempt moves it by what the attempt came to, until it is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    Pending,
    Succeeded,
    Failed,
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptResult {
    /// The receiver answered 2xx.
    Delivered,
    /// It did not, and attempts are left: tried again after a back-off.
    Retry,
    /// It did not, and that was the last attempt.
    GiveUp,
}

impl AttemptResult {
    pub const ALL: [AttemptResult; 3] = [Self::Delivered, Self::Retry, Self::GiveUp];

    /// The result of attempt number `attempt` (1-based) of at most `max_attempts`.
    pub fn of(delivered: bool, attempt: u32, max_attempts: u32) -> AttemptResult {
        if delivered {
            Self::Delivered
        } else if attempt >= max_attempts {
            Self::GiveUp
        } else {
            Self::Retry
        }
    }
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 3] = [Self::Pending, Self::Succeeded, Self::Failed];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// The transition table.
    pub fn transitions(self) -> &'static [(AttemptResult, DeliveryState)] {
        use AttemptResult as R;
        use DeliveryState as S;
        match self {
            S::Pending => &[
                (R::Delivered, S::Succeeded),
                (R::Retry, S::Pending),
                (R::GiveUp, S::Failed),
            ],
            S::Succeeded | S::Failed => &[],
        }
    }

    /// The state after an attempt, if one may be made in this state.
    pub fn after(self, result: AttemptResult) -> Option<DeliveryState> {
        self.transitions().iter().find(|(r, _)| *r == result).map(|(_, to)| *to)
    }

    /// No attempt will be made any more.
    pub fn is_final(self) -> bool {
        self.transitions().is_empty()
    }
}

/// An endpoint URL: absolute http(s) with a host, no credentials, no fragment, at most
/// [`MAX_URL_LEN`] bytes. Plain http is accepted (for receivers inside a private network);
/// https is recommended. A query string is kept (some receivers route by it).
pub fn parse_url(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("must not be empty");
    }
    if s.len() > MAX_URL_LEN {
        return Err("must be at most 2048 characters");
    }
    if s.contains('#') {
        return Err("must not contain a fragment");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    let uri: http::Uri = s.parse().map_err(|_| "is not a valid URL")?;
    match uri.scheme_str() {
        Some(scheme) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {}
        _ => return Err("must start with http:// or https://"),
    }
    let Some(authority) = uri.authority() else {
        return Err("must name a host");
    };
    if authority.as_str().contains('@') {
        return Err("must not contain credentials (user:password@)");
    }
    if authority.host().is_empty() {
        return Err("must name a host");
    }
    Ok(s.to_owned())
}

/// Whether `ip` is inside the machine or its private network — loopback, private (RFC 1918,
/// IPv6 unique local), shared (100.64/10), link-local, multicast, broadcast, unspecified or
/// "this network" (0/8) — where a webhook may go only with the operator's leave
/// (`webhook_allow_private_networks`): otherwise any organization admin could make the
/// control plane call its neighbours. IPv4-mapped IPv6 addresses are judged as IPv4.
pub fn is_internal(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || a == 0
                || (a == 100 && b & 0xc0 == 64)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || first & 0xfe00 == 0xfc00
                    || first & 0xffc0 == 0xfe80
            }
        },
    }
}

/// Subscribed event types: at least one, each known; duplicates are dropped, order kept.
pub fn parse_event_types(raw: &[String], pointer: &str) -> Result<Vec<String>, Vec<FieldError>> {
    if raw.is_empty() {
        return Err(vec![FieldError::new(
            pointer,
            format!("must list at least one of: {}", EVENT_TYPES.join(", ")),
        )]);
    }
    let mut errors = Vec::new();
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, t) in raw.iter().enumerate() {
        let t = t.trim();
        if !EVENT_TYPES.contains(&t) {
            errors.push(FieldError::new(
                format!("{pointer}/{i}"),
                format!("unknown event type; use one of: {}", EVENT_TYPES.join(", ")),
            ));
        } else if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// `v1=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Whether a `Tollgate-Webhook-Signature` header holds a valid `v1` signature of `body` at
/// `timestamp` (constant-time comparison). What receivers do; also used by our tests.
pub fn verify(secret: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    let expected = signature(secret, timestamp, body);
    header
        .split([' ', ','])
        .filter(|part| part.starts_with("v1="))
        .any(|part| super::secret::constant_time_eq(part, &expected))
}

/// Delay before the attempt after attempt number `attempts` (1-based) failed: `base · 2^(n-1)`,
/// at most `cap`, times a jitter factor in `[0.75, 1.25)` (`jitter` in `[0, 1)`), so that many
/// deliveries failing together do not come back together.
pub fn backoff(base: Duration, attempts: u32, cap: Duration, jitter: f64) -> Duration {
    let exp = attempts.saturating_sub(1).min(30);
    let raw = base.saturating_mul(1u32 << exp).min(cap);
    raw.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// A message cut to `max` characters on a character boundary, without control characters.
pub fn truncate_message(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_state_table_is_exhaustive() {
        use AttemptResult as R;
        use DeliveryState as S;
        let expected = [
            (S::Pending, R::Delivered, Some(S::Succeeded)),
            (S::Pending, R::Retry, Some(S::Pending)),
            (S::Pending, R::GiveUp, Some(S::Failed)),
            (S::Succeeded, R::Delivered, None),
            (S::Succeeded, R::Retry, None),
            (S::Succeeded, R::GiveUp, None),
            (S::Failed, R::Delivered, None),
            (S::Failed, R::Retry, None),
            (S::Failed, R::GiveUp, None),
        ];
        assert_eq!(expected.len(), S::ALL.len() * R::ALL.len());
        for (from, result, to) in expected {
            assert_eq!(from.after(result), to, "{from:?} after {result:?}");
        }
        assert_eq!(S::ALL.map(S::is_final), [false, true, true]);
        for state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Some(state));
        }
        assert_eq!(S::parse("PENDING"), None);
        assert_eq!(R::of(true, 5, 5), R::Delivered);
        assert_eq!(R::of(false, 4, 5), R::Retry);
        assert_eq!(R::of(false, 5, 5), R::GiveUp);
        assert_eq!(R::of(false, 6, 5), R::GiveUp);
    }

    #[test]
    fn internal_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            parse_url(" https://hooks.example.com/t?x=1 ").unwrap(),
            "https://hooks.example.com/t?x=1"
        );
        assert!(parse_url("http://10.0.0.1:8080/hook").is_ok());
        for bad in [
            "ftp://example.com/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "https://example.com/#frag",
            "/relative",
            "https:///nohost",
            "",
            "https://exa mple.com/",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(parse_url(&long).is_err());
    }

    #[test]
    fn event_types() {
        let ok = parse_event_types(
            &[
                "subscription.created".into(),
                "invoice.finalized".into(),
                "subscription.created".into(),
            ],
            "/event_types",
        )
        .unwrap();
        assert_eq!(ok, ["subscription.created", "invoice.finalized"]);
        let err = parse_event_types(&["subscription.created".into(), "nope".into()], "/event_types").unwrap_err();
        assert_eq!(err[0].pointer, "/event_types/1");
        assert!(parse_event_types(&[], "/event_types").is_err());
        assert!(parse_event_types(&[PING.into()], "/event_types").is_err());
    }

    #[test]
    fn signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Known answer computed independently:
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        let sig = signature("whsec_test", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            sig,
            "v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert!(verify("whsec_test", 1_700_000_000, br#"{"a":1}"#, &sig));
        assert!(verify(
            "whsec_test",
            1_700_000_000,
            br#"{"a":1}"#,
            &format!("v1=00 {sig}")
        ));
        assert!(!verify("whsec_other", 1_700_000_000, br#"{"a":1}"#, &sig));
        assert!(!verify("whsec_test", 1_700_000_001, br#"{"a":1}"#, &sig));
        assert!(!verify("whsec_test", 1_700_000_000, br#"{"a":2}"#, &sig));
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(3600);
        assert_eq!(backoff(base, 1, cap, 0.5), Duration::from_secs(30));
        assert_eq!(backoff(base, 2, cap, 0.5), Duration::from_secs(60));
        assert_eq!(backoff(base, 4, cap, 0.5), Duration::from_secs(240));
        assert_eq!(backoff(base, 20, cap, 0.5), cap);
        assert_eq!(backoff(base, 1, cap, 0.0), Duration::from_millis(22_500));
        assert!(backoff(base, 1, cap, 0.999) < Duration::from_millis(37_500));
        assert_eq!(backoff(base, 100, cap, 0.5), cap, "no overflow");
    }

    #[test]
    fn messages_are_truncated_on_char_boundaries() {
        assert_eq!(truncate_message("héllo\nworld", 5), "héllo…");
        assert_eq!(truncate_message("ok", 5), "ok");
    }
}
