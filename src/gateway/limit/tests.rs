//! The limiter's behaviour through its front door, and the backends' edge cases.

use super::gcra::*;
use super::local::*;
use super::policy::*;
use super::redis::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::DateTime;

use super::*;

const MS: Duration = Duration::from_millis(1);

/// 2024-03-15T10:00:00Z
fn t0() -> SystemTime {
    at("2024-03-15T10:00:00Z")
}

fn at(rfc3339: &str) -> SystemTime {
    let secs = DateTime::parse_from_rfc3339(rfc3339)
        .expect("valid test timestamp")
        .timestamp();
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).expect("after 1970"))
}

fn rate(requests: u32, per: Duration, burst: u32) -> Policy {
    Policy {
        rate: Some(RateSpec::new(requests, per, burst)),
        quota: None,
        quota_floor: None,
    }
}

fn quota(limit: u64, period: QuotaPeriod) -> Policy {
    Policy {
        rate: None,
        quota: Some(Quota {
            requests: limit,
            period,
        }),
        quota_floor: None,
    }
}

fn both(rate_spec: RateSpec, quota_spec: Quota) -> Policy {
    Policy {
        rate: Some(rate_spec),
        quota: Some(quota_spec),
        quota_floor: None,
    }
}

fn admitted(l: &PlanLimiter, key: &str, p: &Policy, now: SystemTime, n: usize) -> usize {
    (0..n).filter(|_| l.decide_local(key, p, now).is_allowed()).count()
}

#[test]
fn gcra_burst_then_pacing() {
    let l = PlanLimiter::local();
    let p = rate(10, Duration::from_secs(1), 10);
    let now = t0();
    for i in 0..10u32 {
        match l.decide_local("sub", &p, now) {
            Decision::Allowed {
                rate_remaining,
                rate_reset,
                quota_remaining,
                ..
            } => {
                assert_eq!(rate_remaining, Some(9 - i));
                assert_eq!(rate_reset, Some(100 * MS * (i + 1)));
                assert_eq!(quota_remaining, None);
            }
            d => panic!("request {i} denied: {d:?}"),
        }
    }
    let d = l.decide_local("sub", &p, now);
    assert_eq!(
        d,
        Decision::Denied {
            reason: Denied::RateLimited,
            retry_after: 100 * MS,
            rate_remaining: Some(0),
            rate_reset: Some(Duration::from_secs(1)),
            quota_remaining: None,
            quota_reset: None,
            quota_window: None,
        }
    );
    // 1 ns too early: still denied, and it tells exactly how long to wait.
    let early = now + 100 * MS - Duration::from_nanos(1);
    assert_eq!(
        l.decide_local("sub", &p, early).retry_after(),
        Some(Duration::from_nanos(1))
    );
    // After 100 ms exactly one more (pacing), then denied again.
    let later = now + 100 * MS;
    assert_eq!(admitted(&l, "sub", &p, later, 5), 1);
    // Fully idle again after a second: full burst.
    let idle = later + Duration::from_secs(1);
    assert_eq!(admitted(&l, "sub", &p, idle, 20), 10);
    // Other keys are independent.
    assert_eq!(admitted(&l, "other", &p, now, 20), 10);
}

#[test]
fn gcra_steady_rate_and_burst_different_from_rate() {
    let l = PlanLimiter::local();
    // 2 per second, burst 5: 5 at once, then one every 500 ms.
    let p = rate(2, Duration::from_secs(1), 5);
    let now = t0();
    assert_eq!(admitted(&l, "k", &p, now, 10), 5);
    for step in 1..=20u32 {
        let t = now + 500 * MS * step;
        assert_eq!(admitted(&l, "k", &p, t, 3), 1, "step {step}");
    }
    // 1 per minute, burst 1.
    let p = rate(1, Duration::from_secs(60), 1);
    assert!(l.decide_local("m", &p, now).is_allowed());
    assert_eq!(
        l.decide_local("m", &p, now).retry_after(),
        Some(Duration::from_secs(60))
    );
    assert!(l.decide_local("m", &p, now + Duration::from_secs(60)).is_allowed());
}

#[test]
fn quota_day_counts_until_utc_midnight() {
    let l = PlanLimiter::local();
    let p = quota(50, QuotaPeriod::Day);
    let now = t0();
    for i in 0..50u64 {
        let d = l.decide_local("s", &p, now);
        assert!(matches!(d, Decision::Allowed { quota_remaining: Some(r), .. } if r == 49 - i));
    }
    let midnight = at("2024-03-16T00:00:00Z");
    let until_midnight = midnight.duration_since(now).expect("later");
    assert_eq!(
        l.decide_local("s", &p, now),
        Decision::Denied {
            reason: Denied::QuotaExceeded,
            retry_after: until_midnight,
            rate_remaining: None,
            rate_reset: None,
            quota_remaining: Some(0),
            quota_reset: Some(until_midnight),
            quota_window: Some(Duration::from_secs(86_400)),
        }
    );
    let last_ns = midnight - Duration::from_nanos(1);
    assert_eq!(admitted(&l, "s", &p, last_ns, 1), 0);
    assert_eq!(admitted(&l, "s", &p, midnight, 100), 50);
}

#[test]
fn a_floor_raises_the_count_of_its_own_period_only() {
    let l = PlanLimiter::local();
    let today = QuotaFloor::new(1_710_460_800_000, 7); // 2024-03-15T00:00:00Z
    assert_eq!(today.start_day, 19_797);
    let with = |floor| Policy {
        quota_floor: Some(floor),
        ..quota(10, QuotaPeriod::Day)
    };
    assert_eq!(admitted(&l, "a", &with(today), t0(), 20), 3, "7 of 10 were used before");
    // A floor below the count changes nothing; one of another period is ignored.
    assert_eq!(
        admitted(&l, "b", &quota(10, QuotaPeriod::Day), t0(), 5),
        5,
        "b counts 5 on its own"
    );
    let low = QuotaFloor { used: 2, ..today };
    assert_eq!(admitted(&l, "b", &with(low), t0(), 20), 5);
    let yesterday = QuotaFloor {
        start_day: today.start_day - 1,
        used: 9,
    };
    assert_eq!(admitted(&l, "c", &with(yesterday), t0(), 20), 10);
    // The next day starts from zero, whatever the floor of today said.
    assert_eq!(admitted(&l, "a", &with(today), at("2024-03-16T00:00:00Z"), 20), 10);
    // A month's floor is its first day.
    let march = QuotaFloor::new(1_709_251_200_000, 95); // 2024-03-01T00:00:00Z
    let monthly = Policy {
        quota_floor: Some(march),
        ..quota(100, QuotaPeriod::Month)
    };
    assert_eq!(admitted(&l, "d", &monthly, t0(), 20), 5);
}

#[tokio::test]
async fn redis_resumes_from_the_floor_and_from_its_last_answer() {
    let Ok(url) = std::env::var("TOLLGATE_TEST_REDIS_URL") else {
        eprintln!(
            "redis_resumes_from_the_floor_and_from_its_last_answer DID NOT RUN: set TOLLGATE_TEST_REDIS_URL to a Redis server (.ci/run does)"
        );
        return;
    };
    let options = RedisOptions {
        key_prefix: format!("tollgate:test:{}:", crate::domain::ids::new_id()),
        ..RedisOptions::default()
    };
    let prefix = options.key_prefix.clone();
    let l = PlanLimiter::with_redis(&url, options).await.expect("url");
    let now_ms = i64::try_from(unix_nanos(SystemTime::now()) / 1_000_000).expect("ms");
    let today = QuotaFloor::new(crate::domain::plan::QuotaPeriod::Day.start_containing(now_ms), 4);
    let p = Policy {
        quota_floor: Some(today),
        ..quota(10, QuotaPeriod::Day)
    };
    let mut ok = 0;
    for _ in 0..3 {
        ok += usize::from(l.decide("k", &p).await.is_allowed());
    }
    assert_eq!(ok, 3, "4 used before, 3 more");
    // Redis loses the key: the limiter hands it the count it last answered (7), not the
    // snapshot's floor (4).
    let client = ::redis::Client::open(url).expect("url");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("Redis is running");
    let (_, quota_key) = redis_keys(&prefix, "k");
    let _: () = ::redis::cmd("DEL")
        .arg(&quota_key)
        .query_async(&mut conn)
        .await
        .expect("DEL");
    let mut ok = 0;
    for _ in 0..10 {
        ok += usize::from(l.decide("k", &p).await.is_allowed());
    }
    assert_eq!(ok, 3, "7 counted before Redis lost them");
    let n: i64 = ::redis::cmd("HGET")
        .arg(&quota_key)
        .arg("n")
        .query_async(&mut conn)
        .await
        .expect("HGET");
    assert_eq!(n, 10);
    assert_eq!(l.redis_fallbacks(), 0, "Redis answered every check");
    let _: () = ::redis::cmd("DEL")
        .arg(&quota_key)
        .query_async(&mut conn)
        .await
        .expect("DEL");
}

#[test]
fn quota_month_counts_until_first_of_next_month() {
    let l = PlanLimiter::local();
    let p = quota(3, QuotaPeriod::Month);
    let cases = [
        ("2024-02-10T12:00:00Z", "2024-03-01T00:00:00Z", 29), // leap February
        ("2023-02-28T23:59:59Z", "2023-03-01T00:00:00Z", 28),
        ("2024-12-31T23:00:00Z", "2025-01-01T00:00:00Z", 31), // year rollover
        ("2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z", 30),
    ];
    for (i, (now, next, days)) in cases.into_iter().enumerate() {
        let key = format!("m{i}");
        let (now, next) = (at(now), at(next));
        assert_eq!(admitted(&l, &key, &p, now, 3), 3);
        match l.decide_local(&key, &p, now) {
            Decision::Denied {
                reason,
                retry_after,
                quota_window,
                ..
            } => {
                assert_eq!(reason, Denied::QuotaExceeded);
                assert_eq!(Some(retry_after), next.duration_since(now).ok());
                assert_eq!(quota_window, Some(Duration::from_secs(86_400 * days)));
            }
            d => panic!("expected denial, got {d:?}"),
        }
        assert_eq!(admitted(&l, &key, &p, next, 5), 3);
    }
}

#[test]
fn rate_denial_consumes_no_quota() {
    let l = PlanLimiter::local();
    let hour = Duration::from_secs(3600);
    let quota_spec = Quota {
        requests: 10,
        period: QuotaPeriod::Day,
    };
    let p = both(RateSpec::new(1, hour, 3), quota_spec);
    let now = t0();
    assert_eq!(admitted(&l, "k", &p, now, 10), 3);
    // 7 rate denials must have left 7 quota units.
    match l.decide_local("k", &p, now) {
        Decision::Denied {
            reason,
            quota_remaining,
            rate_remaining,
            ..
        } => {
            assert_eq!(reason, Denied::RateLimited);
            assert_eq!(quota_remaining, Some(7));
            assert_eq!(rate_remaining, Some(0));
        }
        d => panic!("{d:?}"),
    }
    assert_eq!(
        admitted(
            &l,
            "k",
            &Policy {
                rate: None,
                quota: Some(quota_spec),
                quota_floor: None,
            },
            now,
            20
        ),
        7
    );
}

#[test]
fn quota_denial_consumes_no_rate() {
    let l = PlanLimiter::local();
    let rate_spec = RateSpec::new(1, Duration::from_secs(3600), 10);
    let p = both(
        rate_spec,
        Quota {
            requests: 5,
            period: QuotaPeriod::Day,
        },
    );
    let now = t0();
    assert_eq!(admitted(&l, "k", &p, now, 10), 5);
    match l.decide_local("k", &p, now) {
        Decision::Denied {
            reason,
            rate_remaining,
            quota_remaining,
            retry_after,
            ..
        } => {
            assert_eq!(reason, Denied::QuotaExceeded);
            assert_eq!(rate_remaining, Some(5));
            assert_eq!(quota_remaining, Some(0));
            assert_eq!(retry_after, Duration::from_secs(14 * 3600));
        }
        d => panic!("{d:?}"),
    }
    assert_eq!(
        admitted(
            &l,
            "k",
            &Policy {
                rate: Some(rate_spec),
                quota: None,
                quota_floor: None,
            },
            now,
            20
        ),
        5
    );
}

#[test]
fn both_exhausted_reports_quota_and_longest_wait() {
    let l = PlanLimiter::local();
    // Rate refills in 2 h but the day ends in 1 h: wait for the rate.
    let p = both(
        RateSpec::new(1, Duration::from_secs(7200), 1),
        Quota {
            requests: 1,
            period: QuotaPeriod::Day,
        },
    );
    let now = at("2024-03-15T23:00:00Z");
    assert!(l.decide_local("k", &p, now).is_allowed());
    match l.decide_local("k", &p, now) {
        Decision::Denied {
            reason, retry_after, ..
        } => {
            assert_eq!(reason, Denied::QuotaExceeded);
            assert_eq!(retry_after, Duration::from_secs(7200));
        }
        d => panic!("{d:?}"),
    }
}

#[test]
fn headers_follow_the_draft() {
    let l = PlanLimiter::local();
    let p = both(
        RateSpec::new(10, Duration::from_secs(1), 10),
        Quota {
            requests: 50,
            period: QuotaPeriod::Day,
        },
    );
    let now = t0();
    let d = l.decide_local("h", &p, now);
    assert_eq!(
        rate_limit_headers(&p, &d),
        vec![
            (
                "ratelimit-policy",
                "\"rate\";q=10;w=1, \"quota\";q=50;w=86400".to_owned()
            ),
            ("ratelimit", "\"rate\";r=9;t=1, \"quota\";r=49;t=50400".to_owned()),
        ]
    );
    for _ in 0..9 {
        l.decide_local("h", &p, now);
    }
    let d = l.decide_local("h", &p, now);
    assert_eq!(
        rate_limit_headers(&p, &d),
        vec![
            (
                "ratelimit-policy",
                "\"rate\";q=10;w=1, \"quota\";q=50;w=86400".to_owned()
            ),
            ("ratelimit", "\"rate\";r=0;t=1, \"quota\";r=40;t=50400".to_owned()),
            ("retry-after", "1".to_owned()), // 100 ms rounds up to 1 s
        ]
    );
    // Only a rate; sub-second window scaled to whole seconds.
    let p = rate(5, 100 * MS, 5);
    let d = l.decide_local("h2", &p, now);
    assert_eq!(rate_limit_headers(&p, &d)[0].1, "\"rate\";q=50;w=1");
    // No limits: no headers.
    assert!(rate_limit_headers(&Policy::default(), &Decision::UNLIMITED).is_empty());
    // Retry-After rounds up whole seconds.
    let denied = Decision::Denied {
        reason: Denied::RateLimited,
        retry_after: Duration::from_millis(2001),
        rate_remaining: Some(0),
        rate_reset: Some(Duration::from_millis(2001)),
        quota_remaining: None,
        quota_reset: None,
        quota_window: None,
    };
    let h = rate_limit_headers(&rate(1, Duration::from_secs(2), 1), &denied);
    assert_eq!(h[1].1, "\"rate\";r=0;t=3");
    assert_eq!(h[2], ("retry-after", "3".to_owned()));
}

#[test]
fn month_headers_use_the_real_month_length() {
    let l = PlanLimiter::local();
    let p = quota(1000, QuotaPeriod::Month);
    let d = l.decide_local("h", &p, at("2024-02-29T00:00:00Z"));
    assert_eq!(
        rate_limit_headers(&p, &d)[0].1,
        format!("\"quota\";q=1000;w={}", 29 * 86_400)
    );
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let l = PlanLimiter::local();
    let now = t0();
    let huge = Duration::MAX;
    let times = [
        UNIX_EPOCH,
        UNIX_EPOCH - Duration::from_secs(5),
        now,
        UNIX_EPOCH + Duration::from_secs(u64::MAX / 2),
    ];
    let rates = [
        RateSpec::new(0, Duration::from_secs(1), 10),
        RateSpec::new(10, Duration::ZERO, 0),
        RateSpec::new(u32::MAX, Duration::from_nanos(1), u32::MAX),
        RateSpec::new(1, huge, u32::MAX),
        RateSpec::new(u32::MAX, huge, 1),
    ];
    let quotas = [
        Quota {
            requests: 0,
            period: QuotaPeriod::Day,
        },
        Quota {
            requests: u64::MAX,
            period: QuotaPeriod::Month,
        },
    ];
    for t in times {
        for r in rates {
            for q in quotas {
                for key in ["", "}", "{x}", "%"] {
                    for p in [
                        both(r, q),
                        Policy {
                            rate: Some(r),
                            quota: None,
                            quota_floor: None,
                        },
                        Policy {
                            rate: None,
                            quota: Some(q),
                            quota_floor: None,
                        },
                    ] {
                        let d = l.decide_local(key, &p, t);
                        let _ = rate_limit_headers(&p, &d);
                    }
                }
            }
        }
    }
    // Zero requests: always denied, nothing else consulted.
    let d = l.decide_local("z", &rate(0, Duration::from_secs(1), 5), now);
    assert!(matches!(
        d,
        Decision::Denied {
            reason: Denied::RateLimited,
            ..
        }
    ));
    // Zero burst behaves like burst 1; zero quota denies.
    assert_eq!(admitted(&l, "b0", &rate(10, Duration::from_secs(1), 0), now, 5), 1);
    assert_eq!(admitted(&l, "q0", &quota(0, QuotaPeriod::Day), now, 5), 0);
    // No limits: always allowed.
    assert_eq!(admitted(&l, "none", &Policy::default(), now, 5), 5);
}

#[test]
fn entries_stay_in_one_cache_line() {
    assert_eq!(std::mem::size_of::<KeyState>(), 64);
}

#[test]
fn long_and_short_keys_are_distinct() {
    let l = PlanLimiter::local();
    let p = quota(1, QuotaPeriod::Day);
    let long = "x".repeat(INLINE_KEY + 1);
    let keys = ["", "a", "a\0", &long[..INLINE_KEY], &long, "é"];
    for k in keys {
        assert!(l.decide_local(k, &p, t0()).is_allowed(), "{k:?}");
    }
    for k in keys {
        assert!(!l.decide_local(k, &p, t0()).is_allowed(), "{k:?}");
    }
    assert_eq!(l.local_state().len(), keys.len());
}

#[test]
fn idle_keys_are_swept() {
    let l = PlanLimiter::local();
    let p = rate(10, Duration::from_secs(1), 10);
    let q = quota(10, QuotaPeriod::Day);
    let now = t0();
    for i in 0..50_000 {
        l.decide_local(&format!("r{i}"), &p, now);
    }
    for i in 0..1_000 {
        l.decide_local(&format!("q{i}"), &q, now);
    }
    assert_eq!(l.local_state().len(), 51_000);
    // Rate keys are idle after a second; quota keys only after midnight.
    l.local_state().purge_idle(now + Duration::from_secs(2));
    assert_eq!(l.local_state().len(), 1_000);
    l.local_state().purge_idle(at("2024-03-16T00:00:00Z"));
    assert!(l.local_state().is_empty());
    // Lazy sweeping keeps a churn of short-lived keys bounded.
    for i in 0..200_000u64 {
        let t = now + Duration::from_millis(i * 10);
        l.decide_local(&format!("c{i}"), &p, t);
    }
    assert!(
        l.local_state().len() < 2 * SHARDS * MIN_SWEEP_LEN,
        "{}",
        l.local_state().len()
    );
}

#[test]
fn redis_keys_share_a_slot_and_never_collide() {
    assert_eq!(
        redis_keys("p:", "sub42"),
        ("p:{sub42}:g".to_owned(), "p:{sub42}:q".to_owned())
    );
    assert_eq!(redis_keys("p:", "").0, "p:{%}:g");
    assert_eq!(redis_keys("p:", "}a{").0, "p:{%7Da%7B}:g");
    let keys = ["", "%", "%25", "{", "}", "%7B", "a}b", "a%7Db", "ab"];
    let mut seen = std::collections::HashSet::new();
    for k in keys {
        let (g, q) = redis_keys("p:", k);
        assert!(seen.insert(g.clone()) && seen.insert(q.clone()), "collision for {k:?}");
        // Hash tag = text between the first '{' and the next '}'; non-empty.
        let tag = |s: &str| {
            s.split_once('{')
                .and_then(|(_, r)| r.split_once('}'))
                .map(|(t, _)| t.to_owned())
        };
        assert_eq!(tag(&g), tag(&q));
        assert!(tag(&g).is_some_and(|t| !t.is_empty()));
    }
}

#[test]
fn endpoint_is_redacted() {
    assert_eq!(redacted_endpoint("redis://user:secret@db:6379/0"), "db:6379");
    assert_eq!(redacted_endpoint("redis://127.0.0.1:6379"), "127.0.0.1:6379");
    assert_eq!(redacted_endpoint("rediss://:p@ss@h:1?x=1"), "h:1");
}

#[test]
fn malformed_script_replies_are_rejected() {
    assert!(parse_reply(&[]).is_none());
    assert!(parse_reply(&[1, 0, 0]).is_none());
    assert!(
        parse_reply(&[1, 0, 0, 4, 500_000, -1, -1, -1]).is_none(),
        "the count is missing"
    );
    assert!(parse_reply(&[0, 1, -5, 0, 0, 0, 0, 0, -1, 0]).is_none());
    assert_eq!(
        parse_reply(&[1, 0, 0, 4, 500_000, -1, -1, -1, -1, 0]),
        Some((
            Decision::Allowed {
                rate_remaining: Some(4),
                rate_reset: Some(Duration::from_millis(500)),
                quota_remaining: None,
                quota_reset: None,
                quota_window: None,
            },
            None
        ))
    );
    assert_eq!(
        parse_reply(&[1, 0, 0, -1, -1, 7, 1, 86_400_000_000, 19_800, 3]).map(|(_, counted)| counted),
        Some(Some(QuotaFloor {
            start_day: 19_800,
            used: 3
        }))
    );
}

#[tokio::test]
async fn local_limiter_async_check() {
    let l = PlanLimiter::local();
    let p = quota(3, QuotaPeriod::Day);
    let mut allowed = 0;
    for _ in 0..10 {
        allowed += usize::from(l.decide("a", &p).await.is_allowed());
    }
    assert_eq!(allowed, 3);
    assert!(!l.redis_degraded());
    assert_eq!(l.redis_fallbacks(), 0);
}

/// The Lua calendar must agree with chrono on every day from 1970 to 2200.
/// Needs a Redis server: `TOLLGATE_TEST_REDIS_URL` (set by .ci/run).
#[tokio::test]
async fn lua_month_bounds_match_chrono() {
    let Ok(url) = std::env::var("TOLLGATE_TEST_REDIS_URL") else {
        eprintln!(
            "lua_month_bounds_match_chrono DID NOT RUN: set TOLLGATE_TEST_REDIS_URL to a Redis server (.ci/run does)"
        );
        return;
    };
    let client = ::redis::Client::open(url).expect("url");
    let config = ::redis::AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_secs(10)));
    let mut conn = client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .expect("Redis is running");
    let script = ::redis::Script::new(&format!(
        "{LUA_CALENDAR}\nlocal out = {{}}\nfor d = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do\n  local a, b = month_bounds(d)\n  out[#out + 1] = a\n  out[#out + 1] = b\nend\nreturn out"
    ));
    // Every day from 1970-01-01 to ~2200, in chunks to keep replies small.
    const CHUNK: u64 = 12_000;
    for from in (0..84_000u64).step_by(CHUNK as usize) {
        let got: Vec<u64> = script
            .arg(from)
            .arg(from + CHUNK)
            .invoke_async(&mut conn)
            .await
            .expect("eval");
        assert_eq!(got.len() as u64, 2 * CHUNK);
        for (day, pair) in (from..).zip(got.chunks_exact(2)) {
            let (start, end) = period_bounds(QuotaPeriod::Month, day * SECS_PER_DAY);
            assert_eq!(
                (pair[0] * SECS_PER_DAY, pair[1] * SECS_PER_DAY),
                (start, end),
                "day {day}"
            );
        }
    }
}
