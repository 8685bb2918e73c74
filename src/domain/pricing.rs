//! What one subscription owes on one plan for one billing period: pure integer arithmetic.
//!
//! Money: fees in minor units of the currency (cents), per-call prices in millionths of the
//! currency unit ("micros"). Each charge is computed exactly as a fraction and rounded once,
//! half to even, to minor units. Proration is by the second: a fee (and the calls it includes)
//! counts `seconds / period_seconds` of the period. Graduated tier bounds are not prorated.

use serde::Serialize;
use utoipa::ToSchema;

use super::plan::Pricing;

/// Digits after the decimal point of an ISO 4217 currency's minor unit.
pub fn currency_exponent(code: &str) -> u32 {
    match code {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "UYI" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// An amount in minor units as a decimal string: `1234` with exponent 2 → `"12.34"`.
pub fn format_minor(amount: i64, exponent: u32) -> String {
    if exponent == 0 {
        return amount.to_string();
    }
    let scale = 10i128.pow(exponent);
    let a = i128::from(amount);
    let sign = if a < 0 { "-" } else { "" };
    let (units, fraction) = (a.abs() / scale, a.abs() % scale);
    format!("{sign}{units}.{fraction:0width$}", width = exponent as usize)
}

/// `numerator / denominator` rounded half to even. `denominator` must be positive.
pub fn round_half_even(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let quotient = numerator.div_euclid(denominator);
    let twice_remainder = 2 * numerator.rem_euclid(denominator);
    if twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 != 0) {
        quotient + 1
    } else {
        quotient
    }
}

/// What was used of one plan within one billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Seconds the subscription was on the plan within the period.
    pub seconds: i64,
    /// Length of the period in seconds.
    pub period_seconds: i64,
    /// Billable calls admitted on the plan within the period.
    pub calls: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChargeKind {
    /// The plan's fee for the period, prorated.
    Fee,
    /// Calls (above the included ones) at the plan's per-call price.
    Usage,
    /// Calls falling in one graduated tier.
    Tier,
}

impl ChargeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeKind::Fee => "fee",
            ChargeKind::Usage => "usage",
            ChargeKind::Tier => "tier",
        }
    }
}

/// One invoice line's worth: `amount_minor = round(quantity × unit_price_micros × proration)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub kind: ChargeKind,
    /// 1-based tier number for [`ChargeKind::Tier`].
    pub tier: Option<u32>,
    pub quantity: u64,
    pub unit_price_micros: i64,
    /// `(seconds, period_seconds)` for fee lines.
    pub proration: Option<(i64, i64)>,
    /// Calls included in the plan (prorated), for per-call usage lines.
    pub included_calls: Option<u64>,
    pub amount_minor: i64,
}

impl Charge {
    /// A line describing itself for people, e.g. "Monthly fee, 15 of 30 days".
    pub fn description(&self) -> String {
        match self.kind {
            ChargeKind::Fee => match self.proration {
                Some((s, p)) if s != p => format!("Fee for {} of the period's {}", duration(s), duration(p)),
                _ => "Fee for the period".into(),
            },
            ChargeKind::Usage => match self.included_calls {
                Some(included) => format!("{} calls above {included} included", self.quantity),
                None => format!("{} calls", self.quantity),
            },
            ChargeKind::Tier => format!("{} calls in tier {}", self.quantity, self.tier.unwrap_or(0)),
        }
    }
}

fn duration(seconds: i64) -> String {
    let (d, h, m, s) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60);
    let mut out = String::new();
    for (n, unit) in [(d, "d"), (h, "h"), (m, "min"), (s, "s")] {
        if n > 0 {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("{n} {unit}"));
        }
    }
    if out.is_empty() { "0 s".into() } else { out }
}

/// Micros per minor unit of a currency with `exponent` decimals.
fn micros_per_minor(exponent: u32) -> i128 {
    10i128.pow(6u32.saturating_sub(exponent))
}

fn line(
    kind: ChargeKind,
    quantity: u64,
    unit_price_micros: i64,
    proration: Option<(i64, i64)>,
    exponent: u32,
) -> Charge {
    let (num, den) = proration.map_or((1, 1), |(s, p)| (i128::from(s), i128::from(p.max(1))));
    let amount = round_half_even(
        i128::from(quantity) * i128::from(unit_price_micros) * num,
        den * micros_per_minor(exponent),
    );
    Charge {
        kind,
        tier: None,
        quantity,
        unit_price_micros,
        proration,
        included_calls: None,
        amount_minor: i64::try_from(amount).unwrap_or(i64::MAX),
    }
}

fn fee(fee_minor: i64, usage: &Usage, exponent: u32) -> Charge {
    let unit = i128::from(fee_minor) * micros_per_minor(exponent);
    let seconds = usage.seconds.clamp(0, usage.period_seconds);
    line(
        ChargeKind::Fee,
        1,
        i64::try_from(unit).unwrap_or(i64::MAX),
        Some((seconds, usage.period_seconds)),
        exponent,
    )
}

/// The charges of one plan for one period. Plans with a fee always yield a fee line; usage-priced
/// plans always yield their usage lines (with quantity 0 when nothing was called) so that the
/// invoice shows every subscription.
pub fn charges(pricing: &Pricing, exponent: u32, usage: &Usage) -> Vec<Charge> {
    let mut out = Vec::new();
    match pricing {
        Pricing::Free {} => out.push(line(ChargeKind::Usage, usage.calls, 0, None, exponent)),
        Pricing::Flat { fee_minor } => out.push(fee(*fee_minor, usage, exponent)),
        Pricing::PerCall {
            price_micros,
            included_calls,
            fee_minor,
        } => {
            if *fee_minor > 0 {
                out.push(fee(*fee_minor, usage, exponent));
            }
            let seconds = usage.seconds.clamp(0, usage.period_seconds);
            let included = (u128::from(*included_calls) * seconds as u128 / usage.period_seconds.max(1) as u128) as u64;
            let mut charge = line(
                ChargeKind::Usage,
                usage.calls.saturating_sub(included),
                *price_micros,
                None,
                exponent,
            );
            charge.included_calls = Some(included);
            out.push(charge);
        }
        Pricing::Graduated { tiers, fee_minor } => {
            if *fee_minor > 0 {
                out.push(fee(*fee_minor, usage, exponent));
            }
            let mut below = 0u64;
            let mut any = false;
            for (i, tier) in tiers.iter().enumerate() {
                let top = tier.up_to.unwrap_or(u64::MAX);
                let quantity = usage.calls.min(top).saturating_sub(below);
                if quantity > 0 || (i == 0 && usage.calls == 0) {
                    let mut charge = line(ChargeKind::Tier, quantity, tier.price_micros, None, exponent);
                    charge.tier = Some(i as u32 + 1);
                    out.push(charge);
                    any = true;
                }
                below = top;
                if below >= usage.calls && any {
                    break;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::Tier;
    use proptest::prelude::*;

    const MONTH: i64 = 30 * 86_400;

    fn full(calls: u64) -> Usage {
        Usage {
            seconds: MONTH,
            period_seconds: MONTH,
            calls,
        }
    }

    fn total(c: &[Charge]) -> i64 {
        c.iter().map(|c| c.amount_minor).sum()
    }

    #[test]
    fn half_even_rounding() {
        assert_eq!(round_half_even(5, 2), 2); // 2.5 → 2
        assert_eq!(round_half_even(7, 2), 4); // 3.5 → 4
        assert_eq!(round_half_even(26, 10), 3); // 2.6 → 3
        assert_eq!(round_half_even(24, 10), 2);
        assert_eq!(round_half_even(0, 7), 0);
        assert_eq!(round_half_even(-5, 2), -2);
    }

    #[test]
    fn formats_minor_units() {
        assert_eq!(format_minor(1234, 2), "12.34");
        assert_eq!(format_minor(5, 2), "0.05");
        assert_eq!(format_minor(-5, 2), "-0.05");
        assert_eq!(format_minor(7, 0), "7");
        assert_eq!(format_minor(1, 3), "0.001");
    }

    #[test]
    fn currency_exponents() {
        assert_eq!(currency_exponent("USD"), 2);
        assert_eq!(currency_exponent("JPY"), 0);
        assert_eq!(currency_exponent("KWD"), 3);
    }

    #[test]
    fn free_plan_shows_calls_at_no_charge() {
        let c = charges(&Pricing::Free {}, 2, &full(42));
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].quantity, c[0].amount_minor), (42, 0));
    }

    #[test]
    fn flat_fee_prorated_by_the_second() {
        let p = Pricing::Flat { fee_minor: 3_000 };
        assert_eq!(total(&charges(&p, 2, &full(0))), 3_000);
        let half = Usage {
            seconds: MONTH / 2,
            ..full(0)
        };
        assert_eq!(total(&charges(&p, 2, &half)), 1_500);
        // 1/3 of 10.00 = 3.333… → 3.33; 2/3 → 6.67.
        let p = Pricing::Flat { fee_minor: 1_000 };
        let third = Usage {
            seconds: MONTH / 3,
            ..full(0)
        };
        assert_eq!(total(&charges(&p, 2, &third)), 333);
        let two_thirds = Usage {
            seconds: 2 * MONTH / 3,
            ..full(0)
        };
        assert_eq!(total(&charges(&p, 2, &two_thirds)), 667);
        // A tie rounds to even: 1 cent for half the period → 0.5 → 0; 3 cents → 1.5 → 2.
        let half = Usage {
            seconds: MONTH / 2,
            ..full(0)
        };
        assert_eq!(total(&charges(&Pricing::Flat { fee_minor: 1 }, 2, &half)), 0);
        assert_eq!(total(&charges(&Pricing::Flat { fee_minor: 3 }, 2, &half)), 2);
    }

    #[test]
    fn per_call_above_included_calls() {
        let p = Pricing::PerCall {
            price_micros: 2_500, // 0.0025 per call
            included_calls: 1_000,
            fee_minor: 0,
        };
        let c = charges(&p, 2, &full(1_000));
        assert_eq!((c.len(), c[0].quantity, c[0].amount_minor), (1, 0, 0));
        // 1,003 calls above → 2.5075 → 2.51 (2.5075 is not a tie).
        let c = charges(&p, 2, &full(2_003));
        assert_eq!((c[0].quantity, c[0].amount_minor), (1_003, 251));
        // 1,002 above → 2.505 → tie → 2.50 (0 is even).
        let c = charges(&p, 2, &full(2_002));
        assert_eq!(c[0].amount_minor, 250);
        // Included calls are prorated with the period: half a month includes 500.
        let half = Usage {
            seconds: MONTH / 2,
            ..full(600)
        };
        let c = charges(&p, 2, &half);
        assert_eq!((c[0].included_calls, c[0].quantity), (Some(500), 100));
    }

    #[test]
    fn graduated_tiers() {
        let p = Pricing::Graduated {
            tiers: vec![
                Tier {
                    up_to: Some(100),
                    price_micros: 10_000,
                },
                Tier {
                    up_to: Some(1_000),
                    price_micros: 5_000,
                },
                Tier {
                    up_to: None,
                    price_micros: 1_000,
                },
            ],
            fee_minor: 500,
        };
        let c = charges(&p, 2, &full(1_500));
        let q: Vec<_> = c.iter().map(|c| (c.kind, c.tier, c.quantity, c.amount_minor)).collect();
        assert_eq!(
            q,
            vec![
                (ChargeKind::Fee, None, 1, 500),
                (ChargeKind::Tier, Some(1), 100, 100),
                (ChargeKind::Tier, Some(2), 900, 450),
                (ChargeKind::Tier, Some(3), 500, 50),
            ]
        );
        let c = charges(&p, 2, &full(0));
        assert_eq!(c.len(), 2, "fee and an empty first tier");
        let c = charges(&p, 2, &full(100));
        assert_eq!(c.len(), 2, "exactly the first tier: {c:?}");
    }

    #[test]
    fn zero_decimal_and_three_decimal_currencies() {
        let p = Pricing::PerCall {
            price_micros: 1_500_000, // 1.5 yen per call
            included_calls: 0,
            fee_minor: 0,
        };
        assert_eq!(total(&charges(&p, 0, &full(3))), 4); // 4.5 → 4
        assert_eq!(total(&charges(&p, 3, &full(3))), 4_500);
    }

    fn pricing() -> impl Strategy<Value = Pricing> {
        prop_oneof![
            Just(Pricing::Free {}),
            (1i64..10_000_000).prop_map(|fee_minor| Pricing::Flat { fee_minor }),
            (1i64..10_000_000, 0u64..100_000, 0i64..1_000_000).prop_map(|(price_micros, included_calls, fee_minor)| {
                Pricing::PerCall {
                    price_micros,
                    included_calls,
                    fee_minor,
                }
            }),
            (
                proptest::collection::vec((1u64..10_000, 0i64..1_000_000), 1..6),
                0i64..100_000
            )
                .prop_map(|(steps, fee_minor)| {
                    let mut up_to = 0;
                    let n = steps.len();
                    let tiers = steps
                        .into_iter()
                        .enumerate()
                        .map(|(i, (step, price_micros))| {
                            up_to += step;
                            Tier {
                                up_to: (i + 1 < n).then_some(up_to),
                                price_micros,
                            }
                        })
                        .collect();
                    Pricing::Graduated { tiers, fee_minor }
                }),
        ]
    }

    proptest! {
        #[test]
        fn rounding_is_within_half_a_unit_and_ties_go_to_even(n in -1_000_000_000i128..1_000_000_000, d in 1i128..1_000_000) {
            let r = round_half_even(n, d);
            let diff = 2 * (n - r * d);
            prop_assert!(diff.abs() <= d, "{n}/{d} → {r}");
            if diff.abs() == d {
                prop_assert_eq!(r % 2, 0);
            }
        }

        #[test]
        fn amounts_are_never_negative_and_quantities_add_up(p in pricing(), calls in 0u64..5_000_000, seconds in 0i64..=MONTH) {
            let usage = Usage { seconds, period_seconds: MONTH, calls };
            let c = charges(&p, 2, &usage);
            prop_assert!(c.iter().all(|c| c.amount_minor >= 0));
            if let Pricing::Graduated { .. } = p {
                let in_tiers: u64 = c.iter().filter(|c| c.kind == ChargeKind::Tier).map(|c| c.quantity).sum();
                prop_assert_eq!(in_tiers, calls);
            }
        }

        #[test]
        fn more_calls_never_cost_less(p in pricing(), calls in 0u64..1_000_000, more in 0u64..1_000_000) {
            let a = total(&charges(&p, 2, &full(calls)));
            let b = total(&charges(&p, 2, &full(calls + more)));
            prop_assert!(b >= a);
        }

        #[test]
        fn a_split_fee_adds_up_to_the_whole_within_a_unit(fee_minor in 1i64..100_000_000, split in 0i64..=MONTH) {
            let p = Pricing::Flat { fee_minor };
            let a = total(&charges(&p, 2, &Usage { seconds: split, period_seconds: MONTH, calls: 0 }));
            let b = total(&charges(&p, 2, &Usage { seconds: MONTH - split, period_seconds: MONTH, calls: 0 }));
            prop_assert!((a + b - fee_minor).abs() <= 1, "{a} + {b} vs {fee_minor}");
        }

        #[test]
        fn line_amount_is_the_rounded_exact_product(q in 0u64..10_000_000, price in 0i64..10_000_000) {
            let c = charges(&Pricing::PerCall { price_micros: price.max(1), included_calls: 0, fee_minor: 0 }, 2, &full(q));
            let exact = i128::from(q) * i128::from(price.max(1)); // micros
            let got = i128::from(c[0].amount_minor) * 10_000;
            prop_assert!((2 * (exact - got)).abs() <= 10_000);
        }
    }
}
