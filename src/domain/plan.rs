//! Business plans: rate limit, quota and pricing. Money is integer: flat fees in minor units
//! of the currency, per-call prices in millionths of the currency unit ("micros").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RatePeriod {
    Second,
    Minute,
}

/// GCRA rate limit: `requests` per `period`, with bursts of up to `burst` requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"requests": 5000, "period": "minute", "burst": 500}))]
pub struct RateLimit {
    pub requests: u32,
    pub period: RatePeriod,
    /// Requests that may arrive at once; defaults to `requests` for per-second limits and to a
    /// tenth of it (at least 1) for per-minute limits.
    pub burst: Option<u32>,
}

impl RateLimit {
    pub fn effective_burst(&self) -> u32 {
        self.burst.unwrap_or(match self.period {
            RatePeriod::Second => self.requests,
            RatePeriod::Minute => (self.requests / 10).max(1),
        })
    }
}

/// A quota's calendar period, always in UTC: midnight to midnight, or the 1st of a month to the
/// 1st of the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuotaPeriod {
    Day,
    Month,
}

impl QuotaPeriod {
    /// Start (epoch milliseconds) of the UTC day or month that contains `at_ms`: what a
    /// gateway's quota counter counts from.
    pub fn start_containing(self, at_ms: i64) -> i64 {
        const DAY_MS: i64 = 86_400_000;
        match self {
            QuotaPeriod::Day => at_ms.div_euclid(DAY_MS) * DAY_MS,
            QuotaPeriod::Month => super::billing::BillingPeriod::Month.containing(at_ms).0,
        }
    }
}

/// A number of requests per calendar day or month (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"requests": 100000, "period": "month"}))]
pub struct Quota {
    pub requests: u64,
    pub period: QuotaPeriod,
}

/// One tier of graduated pricing: calls up to `up_to` (inclusive, cumulative within the period)
/// cost `price_micros` each; the last tier has no `up_to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub up_to: Option<u64>,
    pub price_micros: i64,
}

/// How a plan charges, per billing period (calendar month).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Pricing {
    /// No charge.
    Free {},
    /// A fixed fee per month, in minor units.
    Flat { fee_minor: i64 },
    /// A price per call above `included_calls`, plus an optional monthly fee.
    PerCall {
        price_micros: i64,
        included_calls: u64,
        #[serde(default)]
        fee_minor: i64,
    },
    /// Graduated tiers: each call is priced by the tier its position in the period falls in.
    Graduated {
        tiers: Vec<Tier>,
        #[serde(default)]
        fee_minor: i64,
    },
}

impl Pricing {
    pub fn is_free(&self) -> bool {
        matches!(self, Pricing::Free {})
    }

    pub fn validate(&self, errors: &mut Vec<FieldError>) {
        const MAX_MICROS: i64 = 1_000_000_000_000; // a million currency units per call
        const MAX_MINOR: i64 = 100_000_000_000; // a billion currency units
        let fee_ok = |fee: i64| (0..=MAX_MINOR).contains(&fee);
        match self {
            Pricing::Free {} => {}
            Pricing::Flat { fee_minor } => {
                if !fee_ok(*fee_minor) || *fee_minor == 0 {
                    errors.push(FieldError::new(
                        "/pricing/fee_minor",
                        "must be a positive amount in minor units",
                    ));
                }
            }
            Pricing::PerCall {
                price_micros,
                fee_minor,
                ..
            } => {
                if !(1..=MAX_MICROS).contains(price_micros) {
                    errors.push(FieldError::new("/pricing/price_micros", "must be positive"));
                }
                if !fee_ok(*fee_minor) {
                    errors.push(FieldError::new("/pricing/fee_minor", "must be zero or positive"));
                }
            }
            Pricing::Graduated { tiers, fee_minor } => {
                if tiers.is_empty() || tiers.len() > 20 {
                    errors.push(FieldError::new("/pricing/tiers", "must have 1 to 20 tiers"));
                }
                let mut previous = 0u64;
                for (i, tier) in tiers.iter().enumerate() {
                    let last = i + 1 == tiers.len();
                    match tier.up_to {
                        None if !last => errors.push(FieldError::new(
                            format!("/pricing/tiers/{i}/up_to"),
                            "only the last tier may be open-ended",
                        )),
                        Some(_) if last => errors.push(FieldError::new(
                            format!("/pricing/tiers/{i}/up_to"),
                            "the last tier must be open-ended (no up_to)",
                        )),
                        Some(up_to) if up_to <= previous => errors.push(FieldError::new(
                            format!("/pricing/tiers/{i}/up_to"),
                            "tiers must be in increasing order",
                        )),
                        Some(up_to) => previous = up_to,
                        None => {}
                    }
                    if !(0..=MAX_MICROS).contains(&tier.price_micros) {
                        errors.push(FieldError::new(
                            format!("/pricing/tiers/{i}/price_micros"),
                            "must be zero or positive",
                        ));
                    }
                }
                if !fee_ok(*fee_minor) {
                    errors.push(FieldError::new("/pricing/fee_minor", "must be zero or positive"));
                }
            }
        }
    }
}

/// ISO 4217 code: three upper-case letters.
pub fn parse_currency(raw: &str) -> Result<String, &'static str> {
    if raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(raw.to_owned())
    } else {
        Err("must be an ISO 4217 code such as USD or EUR")
    }
}

pub fn validate_limits(rate: Option<&RateLimit>, quota: Option<&Quota>, errors: &mut Vec<FieldError>) {
    if let Some(rate) = rate {
        if rate.requests == 0 || rate.requests > 10_000_000 {
            errors.push(FieldError::new(
                "/rate_limit/requests",
                "must be between 1 and 10000000",
            ));
        }
        if rate.burst.is_some_and(|b| b == 0 || b > 10_000_000) {
            errors.push(FieldError::new("/rate_limit/burst", "must be between 1 and 10000000"));
        }
    }
    if let Some(quota) = quota
        && (quota.requests == 0 || quota.requests > 1_000_000_000_000)
    {
        errors.push(FieldError::new("/quota/requests", "must be between 1 and 10^12"));
    }
}

/// A plan to create: the defaults every new organization starts with.
pub struct DefaultPlan {
    pub name: &'static str,
    pub description: &'static str,
    pub rate: Option<RateLimit>,
}

/// WSO2's default business plans: Unlimited, Gold 5000/min, Silver 2000/min, Bronze 1000/min,
/// all free until priced.
pub fn default_plans() -> Vec<DefaultPlan> {
    let per_minute = |requests| {
        Some(RateLimit {
            requests,
            period: RatePeriod::Minute,
            burst: None,
        })
    };
    vec![
        DefaultPlan {
            name: "Unlimited",
            description: "No rate limit and no quota",
            rate: None,
        },
        DefaultPlan {
            name: "Gold",
            description: "5000 requests per minute",
            rate: per_minute(5000),
        },
        DefaultPlan {
            name: "Silver",
            description: "2000 requests per minute",
            rate: per_minute(2000),
        },
        DefaultPlan {
            name: "Bronze",
            description: "1000 requests per minute",
            rate: per_minute(1000),
        },
    ]
}

/// A plan's state. A deprecated plan takes no new subscriptions; existing ones go on, and a
/// publisher may offer it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanState {
    Active,
    Deprecated,
}

/// What a publisher does to a plan's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanAction {
    Deprecate,
    Reactivate,
}

impl PlanAction {
    pub const ALL: [PlanAction; 2] = [Self::Deprecate, Self::Reactivate];
}

impl PlanState {
    pub const ALL: [PlanState; 2] = [Self::Active, Self::Deprecated];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Deprecated => "deprecated",
        }
    }

    pub fn parse(s: &str) -> Option<PlanState> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// The transition table.
    pub fn transitions(self) -> &'static [(PlanAction, PlanState)] {
        match self {
            Self::Active => &[(PlanAction::Deprecate, Self::Deprecated)],
            Self::Deprecated => &[(PlanAction::Reactivate, Self::Active)],
        }
    }

    pub fn apply(self, action: PlanAction) -> Option<PlanState> {
        self.transitions().iter().find(|(a, _)| *a == action).map(|(_, to)| *to)
    }

    /// The state a publisher's `deprecated` flag (the API's form of it) names.
    pub const fn from_deprecated(deprecated: bool) -> PlanState {
        if deprecated { Self::Deprecated } else { Self::Active }
    }

    pub fn takes_new_subscriptions(self) -> bool {
        self == Self::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_state_table_is_exhaustive() {
        use PlanAction as A;
        use PlanState as S;
        let expected = [
            (S::Active, A::Deprecate, Some(S::Deprecated)),
            (S::Active, A::Reactivate, None),
            (S::Deprecated, A::Deprecate, None),
            (S::Deprecated, A::Reactivate, Some(S::Active)),
        ];
        assert_eq!(expected.len(), S::ALL.len() * A::ALL.len());
        for (from, action, to) in expected {
            assert_eq!(from.apply(action), to, "{from:?} --{action:?}-->");
        }
        for state in S::ALL {
            assert_eq!(S::parse(state.as_str()), Some(state));
            assert_eq!(S::from_deprecated(state == S::Deprecated), state);
        }
        assert_eq!(S::ALL.map(S::takes_new_subscriptions), [true, false]);
    }

    #[test]
    fn pricing_json_shapes() {
        let p: Pricing =
            serde_json::from_str(r#"{"model":"per_call","price_micros":2000,"included_calls":1000}"#).unwrap();
        assert_eq!(
            p,
            Pricing::PerCall {
                price_micros: 2000,
                included_calls: 1000,
                fee_minor: 0
            }
        );
        assert!(serde_json::from_str::<Pricing>(r#"{"model":"free","extra":1}"#).is_err());
        assert!(serde_json::from_str::<Pricing>(r#"{"model":"bogus"}"#).is_err());
    }

    #[test]
    fn graduated_tiers_are_checked() {
        let bad = Pricing::Graduated {
            tiers: vec![
                Tier {
                    up_to: Some(100),
                    price_micros: 10,
                },
                Tier {
                    up_to: Some(50),
                    price_micros: 5,
                },
                Tier {
                    up_to: None,
                    price_micros: 1,
                },
            ],
            fee_minor: 0,
        };
        let mut errors = Vec::new();
        bad.validate(&mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/pricing/tiers/1/up_to");
    }

    #[test]
    fn burst_defaults() {
        let r = RateLimit {
            requests: 5000,
            period: RatePeriod::Minute,
            burst: None,
        };
        assert_eq!(r.effective_burst(), 500);
        assert_eq!(default_plans().len(), 4);
        assert_eq!(parse_currency("EUR").unwrap(), "EUR");
        assert!(parse_currency("eur").is_err());
    }
}
