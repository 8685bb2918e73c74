//! Billing periods and how long a subscription spent on a plan within one.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// How invoices are cut. Calendar months (UTC) by default; operators billing more often may set
/// a fixed length (aligned to the Unix epoch), which must be a whole number of minutes because
/// usage is metered per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingPeriod {
    Month,
    /// Fixed length in seconds (a positive multiple of 60).
    Every(i64),
}

impl BillingPeriod {
    /// Parse `month` or a duration such as `1d`, `7days`, `1h`.
    pub fn parse(raw: &str) -> Result<BillingPeriod, String> {
        if raw.eq_ignore_ascii_case("month") {
            return Ok(BillingPeriod::Month);
        }
        let d =
            humantime::parse_duration(raw).map_err(|e| format!("`{raw}` is neither `month` nor a duration: {e}"))?;
        let secs = i64::try_from(d.as_secs()).unwrap_or(0);
        if secs < 60 || secs % 60 != 0 || d.subsec_nanos() != 0 {
            return Err(format!("`{raw}` must be `month` or a whole number of minutes"));
        }
        Ok(BillingPeriod::Every(secs))
    }

    /// The period `[start, end)` (epoch milliseconds) that contains `at_ms`.
    pub fn containing(&self, at_ms: i64) -> (i64, i64) {
        match *self {
            BillingPeriod::Every(secs) => {
                let len = secs * 1000;
                let start = at_ms.div_euclid(len) * len;
                (start, start + len)
            }
            BillingPeriod::Month => {
                let at = DateTime::from_timestamp_millis(at_ms).unwrap_or_default();
                let start = month_start(at.year(), at.month());
                let (y, m) = if at.month() == 12 {
                    (at.year() + 1, 1)
                } else {
                    (at.year(), at.month() + 1)
                };
                (start, month_start(y, m))
            }
        }
    }

    /// The period that ended last before the one containing `at_ms`.
    pub fn previous(&self, at_ms: i64) -> (i64, i64) {
        let (start, _) = self.containing(at_ms);
        self.containing(start - 1)
    }

    /// A name for the period: `2026-11` for months, the start's RFC 3339 time otherwise.
    pub fn label(&self, start_ms: i64) -> String {
        let at = DateTime::from_timestamp_millis(start_ms).unwrap_or_default();
        match self {
            BillingPeriod::Month => format!("{:04}-{:02}", at.year(), at.month()),
            BillingPeriod::Every(_) => at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// Parse a period name (`2026-11`, or an RFC 3339 instant inside the period) to its bounds.
    pub fn parse_label(&self, raw: &str) -> Option<(i64, i64)> {
        if let Some((y, m)) = raw.split_once('-').filter(|(y, m)| y.len() == 4 && m.len() == 2) {
            let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
            if !(1..=12).contains(&m) || !(1970..=9999).contains(&y) {
                return None;
            }
            return Some(self.containing(month_start(y, m)));
        }
        let at = DateTime::parse_from_rfc3339(raw).ok()?;
        Some(self.containing(at.timestamp_millis()))
    }
}

fn month_start(year: i32, month: u32) -> i64 {
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

/// Whole seconds of `[from, to)` (epoch ms; `to = None` means still open) inside
/// `[period_start, period_end)`. Boundaries are truncated to the second, so stretches that
/// touch share no second and adjacent stretches add up to the period.
pub fn seconds_within(from: i64, to: Option<i64>, period_start: i64, period_end: i64) -> i64 {
    let start = from.max(period_start).div_euclid(1000);
    let end = to.unwrap_or(i64::MAX).min(period_end).div_euclid(1000);
    (end - start).max(0)
}

/// An invoice's status, stored as its lower-case name.
///
/// ```text
/// draft     → finalized (finalize), void (void)
/// finalized → finalized (finalize: idempotent, nothing changes), void (void)
/// void      → none
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Draft,
    Finalized,
    Void,
}

/// What the biller or a publisher does to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceAction {
    Finalize,
    Void,
}

impl InvoiceAction {
    pub const ALL: [InvoiceAction; 2] = [Self::Finalize, Self::Void];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Finalize => "finalize",
            Self::Void => "void",
        }
    }
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 3] = [Self::Draft, Self::Finalized, Self::Void];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Finalized => "finalized",
            Self::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<InvoiceStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// The transition table.
    pub fn transitions(self) -> &'static [(InvoiceAction, InvoiceStatus)] {
        use InvoiceAction as A;
        use InvoiceStatus as S;
        match self {
            S::Draft => &[(A::Finalize, S::Finalized), (A::Void, S::Void)],
            S::Finalized => &[(A::Finalize, S::Finalized), (A::Void, S::Void)],
            S::Void => &[],
        }
    }

    pub fn apply(self, action: InvoiceAction) -> Option<InvoiceStatus> {
        self.transitions().iter().find(|(a, _)| *a == action).map(|(_, to)| *to)
    }

    /// For a 409: the actions allowed from this status.
    pub fn allowed_actions(self) -> Vec<String> {
        self.transitions().iter().map(|(a, _)| a.as_str().to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    #[test]
    fn calendar_months() {
        let p = BillingPeriod::Month;
        assert_eq!(
            p.containing(ms("2026-11-29T12:00:00Z")),
            (ms("2026-11-01T00:00:00Z"), ms("2026-12-01T00:00:00Z"))
        );
        assert_eq!(p.containing(ms("2026-12-31T23:59:59Z")).1, ms("2027-01-01T00:00:00Z"));
        assert_eq!(
            p.containing(ms("2028-02-10T00:00:00Z")).1 - ms("2028-02-01T00:00:00Z"),
            29 * 86_400_000
        );
        assert_eq!(p.previous(ms("2026-01-15T00:00:00Z")).0, ms("2025-12-01T00:00:00Z"));
        assert_eq!(p.label(ms("2026-11-01T00:00:00Z")), "2026-11");
        assert_eq!(
            p.parse_label("2026-02"),
            Some((ms("2026-02-01T00:00:00Z"), ms("2026-03-01T00:00:00Z")))
        );
        assert_eq!(p.parse_label("2026-13"), None);
        assert_eq!(p.parse_label("nonsense"), None);
    }

    #[test]
    fn fixed_periods() {
        assert_eq!(BillingPeriod::parse("month"), Ok(BillingPeriod::Month));
        assert_eq!(BillingPeriod::parse("1h"), Ok(BillingPeriod::Every(3600)));
        assert!(BillingPeriod::parse("90s").is_err());
        assert!(BillingPeriod::parse("10s").is_err());
        let p = BillingPeriod::Every(60);
        assert_eq!(p.containing(125_000), (120_000, 180_000));
        assert_eq!(p.previous(125_000), (60_000, 120_000));
        assert_eq!(p.parse_label("1970-01-01T00:02:30Z"), Some((120_000, 180_000)));
    }

    #[test]
    fn seconds_inside_a_period() {
        assert_eq!(seconds_within(0, None, 10_000, 70_000), 60);
        assert_eq!(seconds_within(30_500, Some(40_900), 10_000, 70_000), 10);
        assert_eq!(seconds_within(0, Some(5_000), 10_000, 70_000), 0);
        // Adjacent stretches add up to the whole.
        let split = 33_333;
        assert_eq!(
            seconds_within(0, Some(split), 10_000, 70_000) + seconds_within(split, None, 10_000, 70_000),
            60
        );
    }

    #[test]
    fn the_invoice_transition_table_is_exactly_this() {
        use InvoiceAction as A;
        use InvoiceStatus as S;
        let expected = [
            (S::Draft, A::Finalize, Some(S::Finalized)),
            (S::Draft, A::Void, Some(S::Void)),
            (S::Finalized, A::Finalize, Some(S::Finalized)),
            (S::Finalized, A::Void, Some(S::Void)),
            (S::Void, A::Finalize, None),
            (S::Void, A::Void, None),
        ];
        assert_eq!(expected.len(), S::ALL.len() * A::ALL.len(), "every pair is listed");
        for (from, action, to) in expected {
            assert_eq!(from.apply(action), to, "{from:?} --{action:?}-->");
        }
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert_eq!(S::parse("DRAFT"), None);
        assert_eq!(S::Void.allowed_actions(), Vec::<String>::new());
    }
}
