//! Identifiers and time, in the formats stored everywhere: UUIDv7 text ids (time-ordered, so
//! ordering by id is ordering by creation) and UTC epoch milliseconds.

use chrono::{DateTime, TimeZone, Utc};

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether `s` is a canonical hyphenated UUID (any version). Path ids are checked with this, so
/// a malformed id is a plain 404 without a database round trip.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

/// Epoch milliseconds as a UTC timestamp, for API responses.
pub fn to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_creation() {
        let a = new_id();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_id();
        assert!(a < b);
        assert!(is_uuid(&a));
        assert!(!is_uuid("not-a-uuid"));
        assert!(!is_uuid("../../etc/passwd"));
    }
}
