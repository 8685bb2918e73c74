//! Usage compaction: every answer read from the rollups — analytics series at each granularity
//! the compacted rows still allow, with filters and groupings; top lists; the usage export;
//! invoices; quota counts — is the same before and after old minute rows are merged into
//! hourly and daily rows; a second pass changes nothing; rows newer than the cutoff stay as
//! they were; a granularity finer than the rows of its range is refused, not answered wrongly.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::Row;
use tokio_util::sync::CancellationToken;
use tollgate::domain::billing::BillingPeriod;
use tollgate::domain::usage::UsageRecord;
use tollgate::store::{CompactionPolicy, InvoiceScope, Store};

use crate::helpers::{Client, TestApp};
use crate::scenario::{plan, publish_api, subscribed_app};

/// Drafts of past months stay drafts (the test recomputes them from the rollups, as the biller
/// does for the current and previous period, before it reads them).
fn drafts_stay_drafts(c: &mut tollgate::config::Config) {
    c.invoice_grace_period = Duration::from_secs(1000 * 86_400);
}

/// Background compaction off: the tests run it themselves, at a `now` of their choosing.
fn no_background_compaction(c: &mut tollgate::config::Config) {
    drafts_stay_drafts(c);
    c.usage_compact_hourly_after = Duration::from_secs(100 * 365 * 86_400);
    c.usage_compact_daily_after = Duration::from_secs(100 * 365 * 86_400);
}

fn policy() -> CompactionPolicy {
    CompactionPolicy::new(
        Duration::from_secs(2 * 86_400),
        Duration::from_secs(35 * 86_400),
        BillingPeriod::Month,
    )
}

fn at(minute: i64) -> String {
    DateTime::<Utc>::from_timestamp(minute * 60, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn day(minute: i64) -> String {
    DateTime::<Utc>::from_timestamp(minute * 60, 0)
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

/// A small deterministic generator (the data must be the same on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn histogram(rng: &mut Lcg, n: i64) -> String {
    match rng.next(10) {
        // Rows readers cannot parse count for nothing, before and after.
        0 => "{}".into(),
        // An older gateway with fewer buckets, or a newer one with more.
        1 => json!({"buckets": [n, 0, 1], "sum_us": 17 * n}).to_string(),
        2 => json!({"buckets": vec![1; 23], "sum_us": 999}).to_string(),
        _ => {
            let mut b = vec![0i64; 20];
            for _ in 0..n.min(50) {
                b[rng.next(20) as usize] += 1;
            }
            json!({"buckets": b, "sum_us": rng.next(5_000_000)}).to_string()
        }
    }
}

struct Seeded {
    org: String,
    apis: Vec<String>,
    apps: Vec<String>,
    subs: Vec<String>,
    plans: Vec<String>,
    dev: Client,
    admin: Client,
    root: Client,
    store: Store,
}

/// Two APIs, three subscriptions of two developers' applications, two plans (one
/// subscription's rows are attributed to both, as after a plan change), calls without a
/// subscription; rows over the 80 days before `now_min`, clustered in busy hours.
async fn seed(app: &TestApp, store: &Store, now_min: i64) -> Seeded {
    let (org, admin, publisher, dev) = app.org_with_members("compact").await;
    let other_dev = app.developer("other@compact.example").await;
    let per_call = |name: &str, micros: i64| json!({"name": name, "pricing": {"model": "per_call", "price_micros": micros, "included_calls": 0}, "currency": "USD"});
    let gold = plan(&publisher, &org, per_call("Metered A", 1_234)).await;
    let silver = plan(&publisher, &org, per_call("Metered B", 777)).await;
    let endpoints = json!([{"url": "http://127.0.0.1:9"}]);
    let api_a = publish_api(&publisher, &org, "compact-a", &gold, endpoints.clone()).await;
    let api_b = publish_api(&publisher, &org, "compact-b", &silver, endpoints).await;
    let (app1, _, s1) = subscribed_app(&dev, "one", &api_a, &gold).await;
    let (app2, _, s2) = subscribed_app(&dev, "two", &api_b, &silver).await;
    let (app3, _, s3) = subscribed_app(&other_dev, "three", &api_a, &gold).await;
    let subs: Vec<String> = [s1, s2, s3]
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    // (api, subscription, plan) of each stream of rows.
    let streams = [
        (api_a.clone(), Some(subs[0].clone()), Some(gold.clone())),
        (api_a.clone(), Some(subs[0].clone()), Some(silver.clone())),
        (api_a.clone(), Some(subs[0].clone()), None),
        (api_b.clone(), Some(subs[1].clone()), Some(silver.clone())),
        (api_a.clone(), Some(subs[2].clone()), Some(gold.clone())),
        (api_a.clone(), None, None),
        (api_b.clone(), None, None),
    ];
    let classes = ["2xx", "2xx", "2xx", "3xx", "4xx", "5xx", "limited"];
    let mut rng = Lcg(14);
    let mut rows = Vec::new();
    let first = now_min - 80 * 1440;
    let mut hour = first.div_euclid(60) * 60;
    while hour < now_min {
        // About one hour in four is busy; a busy hour has 1 to 40 rows.
        if rng.next(4) == 0 {
            for _ in 0..=rng.next(40) {
                let minute = hour + rng.next(60) as i64;
                if minute >= now_min || minute < first {
                    continue;
                }
                let (api, sub, plan) = streams[rng.next(streams.len() as u64) as usize].clone();
                let requests = 1 + rng.next(300) as i64;
                rows.push(UsageRecord {
                    api_id: api,
                    subscription_id: sub,
                    plan_id: plan,
                    minute,
                    status_class: classes[rng.next(classes.len() as u64) as usize].into(),
                    requests,
                    bytes_in: rng.next(10_000) as i64,
                    bytes_out: rng.next(1_000_000) as i64,
                    latency_total: histogram(&mut rng, requests),
                    latency_upstream: histogram(&mut rng, requests),
                });
            }
        }
        hour += 60;
    }
    // Several gateways report the same minute and key: duplicates keys within a minute too.
    let dupes: Vec<UsageRecord> = rows.iter().step_by(7).cloned().collect();
    rows.extend(dupes);
    for (i, chunk) in rows.chunks(500).enumerate() {
        assert!(
            store
                .record_usage_batch(&format!("seed-{i}"), "test", chunk)
                .await
                .unwrap()
        );
    }
    Seeded {
        store: store.clone(),
        org,
        apis: vec![api_a, api_b],
        apps: vec![app1, app2, app3],
        subs,
        plans: vec![gold, silver],
        dev,
        admin,
        root: app.admin().await,
    }
}

async fn get(client: &Client, path: &str) -> Value {
    let (s, body, _) = client.get(path).await;
    assert_eq!(s, 200, "{path}: {body}");
    body
}

async fn export_json(client: &Client, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/exports/usage?format=json&limit=37{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = get(client, &path).await;
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

/// Invoices without the fields that change whenever a draft is recomputed.
fn stable_invoices(page: &Value) -> Value {
    let mut items = page["items"].clone();
    for i in items.as_array_mut().unwrap() {
        let o = i.as_object_mut().unwrap();
        o.remove("computed_at");
        o.remove("updated_at");
    }
    items
}

/// Every answer this test compares, by name.
async fn answers(s: &Seeded, now_min: i64) -> BTreeMap<String, Value> {
    let day0 = now_min.div_euclid(1440) * 1440;
    let to = at(now_min);
    let mut out = BTreeMap::new();
    let mut series = Vec::new();
    // Day granularity over everything, with every grouping and filter.
    let days = format!("granularity=day&from={}&to={to}", at(day0 - 82 * 1440));
    for group in [
        "",
        "api",
        "version",
        "application",
        "subscription",
        "plan",
        "api,application,plan",
    ] {
        series.push(format!("{days}&group_by={group}&org={}", s.org));
    }
    for (k, v) in [
        ("api_id", &s.apis[0]),
        ("api_id", &s.apis[1]),
        ("application_id", &s.apps[0]),
        ("subscription_id", &s.subs[2]),
        ("plan_id", &s.plans[1]),
    ] {
        series.push(format!("{days}&group_by=subscription,plan&org={}&{k}={v}", s.org));
    }
    // Hours where hourly rows remain (after the daily cutoff); minutes where minute rows do.
    series.push(format!(
        "granularity=hour&from={}&to={to}&group_by=plan,application&org={}",
        at(day0 - 34 * 1440),
        s.org
    ));
    series.push(format!(
        "granularity=hour&from={}&to={to}&api_id={}&org={}",
        at(day0 - 30 * 1440),
        s.apis[0],
        s.org
    ));
    series.push(format!(
        "granularity=minute&from={}&to={to}&group_by=version&org={}",
        at(now_min - 1440),
        s.org
    ));
    for q in &series {
        out.insert(
            format!("org {q}"),
            get(&s.admin, &format!("/api/v1/analytics/usage?{q}")).await,
        );
    }
    out.insert(
        "developer's own, by day".into(),
        get(&s.dev, &format!("/api/v1/analytics/usage?{days}&group_by=application")).await,
    );
    out.insert(
        "operator, all, by day".into(),
        get(
            &s.root,
            &format!("/api/v1/analytics/usage?{days}&all=true&group_by=api"),
        )
        .await,
    );
    // Quota counts: a subscription's answered calls from the start of today and of this month.
    let month = BillingPeriod::Month.containing(now_min * 60_000).0 / 60_000;
    for (name, from) in [("today", day0), ("this month", month)] {
        let body = get(
            &s.admin,
            &format!(
                "/api/v1/analytics/usage?granularity=day&from={}&to={to}&subscription_id={}&org={}",
                at(from),
                s.subs[0],
                s.org
            ),
        )
        .await;
        let total: i64 = body["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["total_requests"].as_i64().unwrap())
            .sum();
        out.insert(format!("quota count {name}"), json!(total));
    }
    // Top lists over ranges whose edges cut no compacted row.
    for dimension in ["api", "application"] {
        for from in [
            at(day0 - 82 * 1440),
            at(day0 - 20 * 1440 + 7 * 60),
            at(now_min - 1440 - 13),
        ] {
            let q = format!("dimension={dimension}&from={from}&to={to}&limit=100");
            out.insert(
                format!("top org {q}"),
                get(&s.admin, &format!("/api/v1/analytics/top?{q}&org={}", s.org)).await,
            );
            out.insert(
                format!("top own {q}"),
                get(&s.dev, &format!("/api/v1/analytics/top?{q}")).await,
            );
        }
    }
    // The usage export, JSON pages and CSV.
    let range = format!("&from={}&to={}", day(day0 - 82 * 1440), day(now_min));
    out.insert(
        "export org".into(),
        json!(export_json(&s.admin, &format!("{range}&org={}", s.org)).await),
    );
    out.insert("export own".into(), json!(export_json(&s.dev, &range).await));
    let csv = s
        .admin
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/exports/usage?format=csv{range}&org={}", s.org),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    out.insert("export csv".into(), json!(csv.text().await.unwrap()));
    // Invoices of this month and the three before (usage without a plan stretch is billed too),
    // their drafts computed from the rollups as they are now.
    let mut period = now_min * 60_000;
    for _ in 0..4 {
        let (start, end) = BillingPeriod::Month.containing(period);
        s.store
            .refresh_drafts((start, end), &InvoiceScope::default())
            .await
            .unwrap();
        let label = BillingPeriod::Month.label(start);
        for (who, client, scope) in [
            ("dev", &s.dev, String::new()),
            ("org", &s.admin, format!("&org={}", s.org)),
        ] {
            let page = get(client, &format!("/api/v1/invoices?lines=true&period={label}{scope}")).await;
            out.insert(format!("invoices {who} {label}"), stable_invoices(&page));
        }
        period = start - 1;
    }
    out
}

/// Raw access for what the API does not show: row counts by span, and the rows themselves.
async fn raw(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.db.url).await.unwrap()
}

async fn spans(pool: &sqlx::AnyPool) -> BTreeMap<i64, i64> {
    sqlx::query("SELECT span, COUNT(*) FROM usage_rollups GROUP BY span")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1)))
        .collect()
}

/// The rows from `minute` on, as stored.
async fn rows_from(pool: &sqlx::AnyPool, minute: i64) -> Vec<String> {
    sqlx::query(
        "SELECT id, batch_id, minute, span, status_class, requests, bytes_in, bytes_out, latency_total
           FROM usage_rollups WHERE minute >= $1 ORDER BY id",
    )
    .bind(minute)
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        format!(
            "{} {} {} {} {} {} {} {} {}",
            r.get::<String, _>(0),
            r.get::<String, _>(1),
            r.get::<i64, _>(2),
            r.get::<i64, _>(3),
            r.get::<String, _>(4),
            r.get::<i64, _>(5),
            r.get::<i64, _>(6),
            r.get::<i64, _>(7),
            r.get::<String, _>(8)
        )
    })
    .collect()
}

fn assert_same(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) {
    assert_eq!(before.len(), after.len());
    for (name, b) in before {
        assert_eq!(b, &after[name], "`{name}` changed");
    }
}

#[tokio::test]
async fn compaction_changes_no_answer_and_a_second_pass_changes_nothing() {
    let app = TestApp::spawn_with(no_background_compaction).await;
    let store = app.running.as_ref().unwrap().state.store.clone();
    let now_min = chrono::Utc::now().timestamp() / 60;
    let s = seed(&app, &store, now_min).await;
    let pool = raw(&app).await;
    let before = answers(&s, now_min).await;
    // The seed is not trivial: calls on every day granularity series, several invoice lines.
    let total = &before[&format!(
        "org granularity=day&from={}&to={}&group_by=&org={}",
        at(now_min.div_euclid(1440) * 1440 - 82 * 1440),
        at(now_min),
        s.org
    )];
    assert!(
        total["series"][0]["total_requests"].as_i64().unwrap() > 50_000,
        "{total}"
    );
    let spans_before = spans(&pool).await;
    assert_eq!(spans_before.keys().collect::<Vec<_>>(), vec![&1]);

    let cuts = policy().cutoffs(now_min * 60_000);
    let hourly_cut = cuts.iter().find(|c| c.0 == 60).unwrap().1;
    let recent = rows_from(&pool, hourly_cut).await;
    assert!(!recent.is_empty());
    let stop = CancellationToken::new();
    let report = store
        .compact_usage_now(&policy(), now_min * 60_000, &stop)
        .await
        .unwrap();
    let spans_after = spans(&pool).await;
    eprintln!("compaction: {report:?}; rows by span before {spans_before:?}, after {spans_after:?}");
    assert!(spans_after[&60] > 0 && spans_after[&1440] > 0, "{spans_after:?}");
    assert_eq!(
        report.rows_in as i64 - report.rows_out as i64,
        spans_before.values().sum::<i64>() - spans_after.values().sum::<i64>()
    );
    assert!(report.rows_out * 2 < report.rows_in, "{report:?}");
    // Rows newer than the hourly cutoff are untouched, ids included.
    assert_eq!(rows_from(&pool, hourly_cut).await, recent);

    let after = answers(&s, now_min).await;
    assert_same(&before, &after);

    // A second pass finds nothing to do.
    let again = store
        .compact_usage_now(&policy(), now_min * 60_000, &stop)
        .await
        .unwrap();
    assert_eq!((again.rows_in, again.rows_out), (0, 0));
    assert_eq!(spans(&pool).await, spans_after);
    assert_same(&before, &answers(&s, now_min).await);

    // A late row for a day already compacted is merged by the next pass, and counted once.
    let late_minute = now_min.div_euclid(1440) * 1440 - 50 * 1440 + 333;
    let late = UsageRecord {
        api_id: s.apis[1].clone(),
        subscription_id: Some(s.subs[1].clone()),
        plan_id: Some(s.plans[1].clone()),
        minute: late_minute,
        status_class: "2xx".into(),
        requests: 1_000_003,
        bytes_in: 1,
        bytes_out: 2,
        latency_total: "{}".into(),
        latency_upstream: "{}".into(),
    };
    let day_total = |body: &Value| body["series"][0]["points"][0]["requests"].as_i64().unwrap_or(0);
    let late_day = format!(
        "/api/v1/analytics/usage?granularity=day&from={}&to={}&org={}",
        at(late_minute.div_euclid(1440) * 1440),
        at(late_minute.div_euclid(1440) * 1440 + 1440),
        s.org
    );
    let n0 = day_total(&get(&s.admin, &late_day).await);
    assert!(store.record_usage_batch("late", "test", &[late]).await.unwrap());
    let n1 = day_total(&get(&s.admin, &late_day).await);
    let merged = store
        .compact_usage_now(&policy(), now_min * 60_000, &stop)
        .await
        .unwrap();
    assert_eq!((merged.rows_in, merged.rows_out), (1, 1));
    assert_eq!(n1, n0 + 1_000_003);
    assert_eq!(day_total(&get(&s.admin, &late_day).await), n1);
}

#[tokio::test]
async fn a_granularity_finer_than_the_stored_rows_is_refused_with_the_one_that_answers() {
    let app = TestApp::spawn_with(no_background_compaction).await;
    let store = app.running.as_ref().unwrap().state.store.clone();
    let now_min = chrono::Utc::now().timestamp() / 60;
    let s = seed(&app, &store, now_min).await;
    let day0 = now_min.div_euclid(1440) * 1440;
    // Asked before and after: minutes three days ago, hours forty days ago, a top list whose
    // start cuts an hour twenty days ago and one whose end cuts a day sixty days ago.
    let minutes = format!(
        "/api/v1/analytics/usage?granularity=minute&from={}&to={}&org={}",
        at(day0 - 3 * 1440),
        at(day0 - 3 * 1440 + 120),
        s.org
    );
    let hours = format!(
        "/api/v1/analytics/usage?granularity=hour&from={}&to={}&org={}",
        at(day0 - 40 * 1440),
        at(day0 - 38 * 1440),
        s.org
    );
    let top_from = format!(
        "/api/v1/analytics/top?dimension=api&from={}&to={}&org={}",
        at(day0 - 20 * 1440 + 61),
        at(now_min),
        s.org
    );
    let top_to = format!(
        "/api/v1/analytics/top?dimension=application&from={}&to={}&org={}",
        at(day0 - 70 * 1440),
        at(day0 - 60 * 1440 + 61),
        s.org
    );
    // Rows in each of those hours and days (the refusal is about rows that exist).
    let row = |minute: i64| UsageRecord {
        api_id: s.apis[0].clone(),
        subscription_id: Some(s.subs[0].clone()),
        plan_id: None,
        minute,
        status_class: "2xx".into(),
        requests: 5,
        bytes_in: 0,
        bytes_out: 0,
        latency_total: "{}".into(),
        latency_upstream: "{}".into(),
    };
    let marks: Vec<UsageRecord> = [
        day0 - 3 * 1440 + 5,
        day0 - 40 * 1440 + 5,
        day0 - 20 * 1440 + 90,
        day0 - 60 * 1440 + 500,
    ]
    .into_iter()
    .map(row)
    .collect();
    assert!(store.record_usage_batch("marks", "test", &marks).await.unwrap());
    for path in [&minutes, &hours, &top_from, &top_to] {
        get(&s.admin, path).await;
    }
    store
        .compact_usage_now(&policy(), now_min * 60_000, &CancellationToken::new())
        .await
        .unwrap();
    for (path, words) in [
        (
            &minutes,
            vec!["kept per hour", "granularity=hour", "granularity=minute from"],
        ),
        (&hours, vec!["kept per day", "granularity=day", "granularity=hour from"]),
        (
            &top_from,
            vec![
                "`from`",
                "inside an hour",
                &at(day0 - 20 * 1440 + 60),
                &at(day0 - 20 * 1440 + 120),
            ],
        ),
        (
            &top_to,
            vec!["`to`", "inside a UTC day", &at(day0 - 60 * 1440), &at(day0 - 59 * 1440)],
        ),
    ] {
        let (status, body, headers) = s.admin.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_eq!(body["code"], "bad_request");
        let detail = body["detail"].as_str().unwrap();
        for w in words {
            assert!(detail.contains(w), "{path}: `{detail}` should say `{w}`");
        }
    }
    // The coarser granularity the problem names answers.
    get(&s.admin, &minutes.replace("granularity=minute", "granularity=hour")).await;
    get(&s.admin, &hours.replace("granularity=hour", "granularity=day")).await;
}

#[tokio::test]
async fn two_compactors_at_once_count_every_row_once() {
    let app = TestApp::spawn_with(no_background_compaction).await;
    let store = app.running.as_ref().unwrap().state.store.clone();
    let other = Store::connect(&tollgate::config::DatabaseUrl::new(app.db.url.clone()), 2)
        .await
        .unwrap();
    let now_min = chrono::Utc::now().timestamp() / 60;
    let s = seed(&app, &store, now_min).await;
    let before = answers(&s, now_min).await;
    let (stop, p) = (CancellationToken::new(), policy());
    let (a, b) = tokio::join!(
        store.compact_usage_now(&p, now_min * 60_000, &stop),
        other.compact_usage_now(&p, now_min * 60_000, &stop),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.rows_in + b.rows_in > 0);
    assert_same(&before, &answers(&s, now_min).await);
}

#[tokio::test]
async fn the_compactor_runs_in_the_background_from_the_start() {
    let app = TestApp::spawn_with(no_background_compaction).await;
    let store = app.running.as_ref().unwrap().state.store.clone();
    let now_min = chrono::Utc::now().timestamp() / 60;
    let s = seed(&app, &store, now_min).await;
    let before = answers(&s, now_min).await;
    let db = app.stop().await;
    // Default ages (2 days, 35 days) and the default monthly billing period.
    let app = TestApp::spawn_on(db, drafts_stay_drafts).await;
    let pool = raw(&app).await;
    let mut spans_now = spans(&pool).await;
    for _ in 0..600 {
        if spans_now.contains_key(&1440) && spans_now.contains_key(&60) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        spans_now = spans(&pool).await;
    }
    assert!(
        spans_now.contains_key(&1440) && spans_now.contains_key(&60),
        "{spans_now:?}"
    );
    // Clients sign in again on the new process (sessions live in the database).
    let s = Seeded {
        dev: app.login("developer@compact.example", crate::helpers::PASSWORD).await,
        admin: app.login("admin@compact.example", crate::helpers::PASSWORD).await,
        root: app.admin().await,
        store: app.running.as_ref().unwrap().state.store.clone(),
        ..s
    };
    // The pass may still be running: wait for the minute rows older than the cutoff to go.
    let cut = policy().cutoffs(now_min * 60_000)[1].1;
    for _ in 0..600 {
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM usage_rollups WHERE span = 1 AND minute < $1")
            .bind(cut)
            .fetch_one(&pool)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_same(&before, &answers(&s, now_min).await);
}
