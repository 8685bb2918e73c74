//! Monetization end to end: calls through the real gateway on four priced plans, across a
//! billing-period boundary and a mid-period plan change, invoiced, finalized and exported; the
//! expected amounts are computed here, independently of the server's pricing code.
//!
//! The billing period is one minute (`billing_period = "1m"`), and the tests move the app's clock
//! across its boundaries instead of waiting for them.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::DateTime;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Client, TestApp};
use crate::scenario::{Upstream, plan, publish_api, subscribed_app};

const PERIOD_MS: i64 = 60_000;

fn ms(v: &Value) -> i64 {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .unwrap()
        .timestamp_millis()
}

async fn gateway_calls(gw: &str, key: &str, n: u32) {
    let http = reqwest::Client::new();
    for _ in 0..n {
        let r = http
            .get(format!("{gw}/bill/v1/items/1"))
            .header("apikey", key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    }
}

/// Half-to-even rounding of a non-negative fraction, written apart from the server's.
fn round_even(num: i128, den: i128) -> i64 {
    let (q, r) = (num / den, num % den);
    let up = match (2 * r).cmp(&den) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => q % 2 == 1,
        std::cmp::Ordering::Less => false,
    };
    (q + i128::from(up)) as i64
}

/// Whole seconds of [from, to) inside [start, end).
fn secs(from: i64, to: Option<i64>, start: i64, end: i64) -> i64 {
    let a = from.max(start) / 1000;
    let b = to.unwrap_or(i64::MAX).min(end) / 1000;
    (b - a).max(0)
}

/// An expected line: (application, plan name, kind, tier, quantity, amount in cents).
type Line = (String, String, String, Option<i64>, i64, i64);

struct Expect {
    lines: Vec<Line>,
}

impl Expect {
    fn new() -> Self {
        Expect { lines: Vec::new() }
    }
    fn fee(&mut self, app: &str, plan: &str, fee_cents: i64, seconds: i64) {
        let amount = round_even(i128::from(fee_cents) * i128::from(seconds), 60);
        self.lines
            .push((app.into(), plan.into(), "fee".into(), None, 1, amount));
    }
    fn usage(&mut self, app: &str, plan: &str, calls: i64, micros: i64) {
        // micros → cents: divide by 10,000.
        let amount = round_even(i128::from(calls) * i128::from(micros), 10_000);
        self.lines
            .push((app.into(), plan.into(), "usage".into(), None, calls, amount));
    }
    fn tier(&mut self, app: &str, plan: &str, tier: i64, calls: i64, micros: i64) {
        let amount = round_even(i128::from(calls) * i128::from(micros), 10_000);
        self.lines
            .push((app.into(), plan.into(), "tier".into(), Some(tier), calls, amount));
    }
    /// Graduated tiers 1..5 at 0.10, 6..20 at 0.05, the rest at 0.01.
    fn graduated(&mut self, app: &str, plan: &str, calls: i64) {
        let bands = [(1, 5, 100_000), (2, 20, 50_000), (3, i64::MAX, 10_000)];
        let mut below = 0;
        for (tier, top, price) in bands {
            let q = calls.min(top) - below;
            if q > 0 || (tier == 1 && calls == 0) {
                self.tier(app, plan, tier, q.max(0), price);
            }
            below = top;
            if below >= calls {
                break;
            }
        }
    }
    fn total(&self) -> i64 {
        self.lines.iter().map(|l| l.5).sum()
    }
}

fn actual_lines(invoice: &Value) -> Vec<Line> {
    invoice["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["application_name"].as_str().unwrap().to_owned(),
                l["plan_name"].as_str().unwrap().to_owned(),
                l["kind"].as_str().unwrap().to_owned(),
                l["tier"].as_i64(),
                l["quantity"].as_i64().unwrap(),
                l["amount_minor"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The developer's invoice for the period starting at `start`.
/// The one invoice of the period starting at `start`, once the biller has made it (a draft
/// appears at the biller's first round in its period or the next).
async fn invoice_for(client: &Client, query: &str, start: i64) -> Value {
    let of_period = |page: &Value| -> Vec<Value> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| ms(&i["period_start"]) == start)
            .cloned()
            .collect()
    };
    let page = poll(
        client,
        &format!("/api/v1/invoices?lines=true&limit=200{query}"),
        |page| !of_period(page).is_empty(),
    )
    .await;
    let found = of_period(&page);
    assert_eq!(found.len(), 1, "one invoice for the period starting {start}: {page}");
    found[0].clone()
}

/// Read the whole JSON usage export page by page.
async fn usage_json(client: &Client, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/exports/usage?format=json&limit=2{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (s, page, _) = client.get(&path).await;
        assert_eq!(s, 200, "{page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

async fn csv_rows(client: &Client, path: &str) -> Vec<BTreeMap<String, String>> {
    let resp = client.request(Method::GET, path).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let text = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn as_strings(item: &Value) -> BTreeMap<String, String> {
    item.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), s)
        })
        .collect()
}

#[tokio::test]
async fn invoices_reconcile_with_gateway_traffic_across_a_period_boundary_and_a_plan_change() {
    let app = TestApp::spawn_with(|c| {
        c.billing_period = "1m".into();
        c.usage_flush_interval = Duration::from_millis(100);
        // Finalized by the test, not by the biller.
        c.invoice_grace_period = Duration::from_secs(3600);
    })
    .await;
    let upstream = Upstream::start("billing").await;
    let (org, admin, publisher, _) = app.org_with_members("bill").await;
    let usd = |name: &str, pricing: Value| json!({"name": name, "pricing": pricing, "currency": "USD"});
    let free = plan(&publisher, &org, usd("Free", json!({"model": "free"}))).await;
    let flat = plan(
        &publisher,
        &org,
        usd("Flat", json!({"model": "flat", "fee_minor": 1000})),
    )
    .await;
    let per_call = plan(
        &publisher,
        &org,
        usd(
            "PerCall",
            json!({"model": "per_call", "price_micros": 25_000, "included_calls": 10, "fee_minor": 500}),
        ),
    )
    .await;
    let graduated = plan(
        &publisher,
        &org,
        usd(
            "Graduated",
            json!({"model": "graduated", "tiers": [
                {"up_to": 5, "price_micros": 100_000}, {"up_to": 20, "price_micros": 50_000}, {"price_micros": 10_000}]}),
        ),
    )
    .await;
    let api = publish_api(&publisher, &org, "bill", &free, json!([{"url": upstream.url}])).await;
    let (s, b, h) = publisher.get(&format!("/api/v1/apis/{api}")).await;
    assert_eq!(s, 200, "{b}");
    let etag = h["etag"].to_str().unwrap().to_owned();
    let (s, b, _) = send_patch(
        &publisher,
        &format!("/api/v1/apis/{api}"),
        &etag,
        json!({"plan_ids": [free, flat, per_call, graduated]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // Pricing of a plan is history once subscribed; changing it is refused later on.

    // Start at the beginning of a period.
    let now_ms = || app.clock.now_ms();
    app.hand
        .advance_to(&app.clock, (now_ms() / PERIOD_MS + 1) * PERIOD_MS + 200);
    let dev = app.developer("payer@bill.example").await;
    let (_, k_free, s_free) = subscribed_app(&dev, "a-free", &api, &free).await;
    let (_, k_flat, s_flat) = subscribed_app(&dev, "b-flat", &api, &flat).await;
    let (_, k_call, s_call) = subscribed_app(&dev, "c-percall", &api, &per_call).await;
    let (_, k_grad, s_grad) = subscribed_app(&dev, "d-graduated", &api, &graduated).await;
    let p0 = ms(&s_free["created_at"]) / PERIOD_MS * PERIOD_MS;
    let p1 = p0 + PERIOD_MS;

    // Period 0.
    gateway_calls(&app.gateway, &k_free, 3).await;
    gateway_calls(&app.gateway, &k_flat, 4).await;
    gateway_calls(&app.gateway, &k_call, 15).await;
    gateway_calls(&app.gateway, &k_grad, 8).await;
    assert!(
        now_ms() < p1 - 500,
        "period 0's calls ran into period 1; the machine is too slow for this test"
    );

    // Refused calls are neither billed nor counted: no key, a wrong key.
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{}/bill/v1/items/1", app.gateway))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Period 1: calls, a plan change of c-percall to Graduated, more calls, and b-flat ends.
    app.hand.advance_to(&app.clock, p1 + 500);
    gateway_calls(&app.gateway, &k_free, 2).await;
    gateway_calls(&app.gateway, &k_flat, 3).await;
    gateway_calls(&app.gateway, &k_call, 12).await;
    gateway_calls(&app.gateway, &k_grad, 25).await;
    app.hand.advance_to(&app.clock, p1 + 20_000);
    let call_id = s_call["id"].as_str().unwrap();
    let (s, changed, _) = dev
        .call(
            Method::PATCH,
            &format!("/api/v1/subscriptions/{call_id}"),
            Some(json!({"plan_id": graduated})),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    let change_at = ms(&changed["updated_at"]);
    gateway_calls(&app.gateway, &k_call, 7).await;
    app.hand.advance_to(&app.clock, p1 + 40_000);
    let flat_id = s_flat["id"].as_str().unwrap();
    let (s, b, _) = dev
        .call(Method::DELETE, &format!("/api/v1/subscriptions/{flat_id}"), None)
        .await;
    assert_eq!(s, 204, "{b}");
    let (_, ended, _) = dev.get(&format!("/api/v1/subscriptions/{flat_id}")).await;
    let flat_end = ms(&ended["ended_at"]);
    assert!(now_ms() < p1 + PERIOD_MS - 500, "period 1's work ran past its end");

    // A plan's pricing is fixed once used.
    let (s, b, h) = publisher.get(&format!("/api/v1/plans/{per_call}")).await;
    assert_eq!(s, 200, "{b}");
    let (s, b, _) = send_patch(
        &publisher,
        &format!("/api/v1/plans/{per_call}"),
        h["etag"].to_str().unwrap(),
        json!({"pricing": {"model": "flat", "fee_minor": 1}}),
    )
    .await;
    assert_eq!(s, 409, "{b}");

    // Before the period ends, finalizing is refused.
    let draft = invoice_for(&dev, "", p1).await;
    assert_eq!(draft["status"], "draft");
    let (s, b, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/invoices/{}/finalize", draft["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 409, "{b}");

    // After period 1 (and once every call is metered), finalize both.
    app.hand.advance_to(&app.clock, p1 + PERIOD_MS + 1_000);
    let metered = format!(
        "/api/v1/analytics/usage?org={org}&granularity=minute&from={}",
        rfc3339(p0)
    );
    // Every call the gateway answered, the refused one (401) included.
    poll(&admin, &metered, |b| series_total(b) == 5 + 7 + 34 + 33 + 1).await;
    let created = |s: &Value| ms(&s["created_at"]);
    let mut e0 = Expect::new();
    e0.usage("a-free", "Free", 3, 0);
    e0.fee("b-flat", "Flat", 1000, secs(created(&s_flat), None, p0, p1));
    let sec_call0 = secs(created(&s_call), None, p0, p1);
    e0.fee("c-percall", "PerCall", 500, sec_call0);
    let included0 = 10 * sec_call0 / 60;
    e0.usage("c-percall", "PerCall", (15 - included0).max(0), 25_000);
    e0.graduated("d-graduated", "Graduated", 8);
    let p2 = p1 + PERIOD_MS;
    let mut e1 = Expect::new();
    e1.usage("a-free", "Free", 2, 0);
    e1.fee("b-flat", "Flat", 1000, secs(created(&s_flat), Some(flat_end), p1, p2));
    let sec_call1 = secs(created(&s_call), Some(change_at), p1, p2);
    e1.fee("c-percall", "PerCall", 500, sec_call1);
    let included1 = 10 * sec_call1 / 60;
    e1.usage("c-percall", "PerCall", (12 - included1).max(0), 25_000);
    e1.graduated("c-percall", "Graduated", 7);
    e1.graduated("d-graduated", "Graduated", 25);

    for (start, expect) in [(p0, &e0), (p1, &e1)] {
        let draft = invoice_for(&dev, "", start).await;
        let id = draft["id"].as_str().unwrap().to_owned();
        // The developer may read but not finalize.
        let (s, b, _) = dev
            .call(Method::POST, &format!("/api/v1/invoices/{id}/finalize"), None)
            .await;
        assert_eq!(s, 403, "{b}");
        let (s, fin, _) = admin
            .call(Method::POST, &format!("/api/v1/invoices/{id}/finalize"), None)
            .await;
        assert_eq!(s, 200, "{fin}");
        assert_eq!(fin["status"], "finalized");
        assert_eq!(
            actual_lines(&fin),
            expect.lines,
            "invoice lines of the period starting {start}: {fin}"
        );
        assert_eq!(fin["total_minor"], expect.total(), "{fin}");
        // Finalizing again changes nothing; usage arriving later changes nothing either.
        let (s, again, _) = admin
            .call(Method::POST, &format!("/api/v1/invoices/{id}/finalize"), None)
            .await;
        assert_eq!(s, 200);
        assert_eq!(again["number"], fin["number"]);
    }
    let first = invoice_for(&dev, "", p0).await;
    let second = invoice_for(&dev, "", p1).await;
    assert_eq!(first["number"], 1, "sequential per organization: {first}");
    assert_eq!(second["number"], 2, "{second}");
    assert_eq!(second["total"], format!("{}.{:02}", e1.total() / 100, e1.total() % 100));

    // Exports: CSV parsed by a CSV reader equals the paginated JSON; billed calls add up to
    // what went through the gateway; invoice lines add up to the invoice totals.
    let day = chrono::DateTime::from_timestamp_millis(p0).unwrap().date_naive();
    let last_day = chrono::DateTime::from_timestamp_millis(p2).unwrap().date_naive();
    let range = format!("&from={day}&to={last_day}");
    for query in [range.clone(), format!("{range}&org={org}")] {
        let json_items = usage_json(dev_or_admin(&dev, &admin, &query), &query).await;
        let csv = csv_rows(
            dev_or_admin(&dev, &admin, &query),
            &format!("/api/v1/exports/usage?format=csv{query}"),
        )
        .await;
        assert_eq!(
            csv,
            json_items.iter().map(as_strings).collect::<Vec<_>>(),
            "CSV vs JSON for {query}"
        );
        let mut billed: BTreeMap<(String, String), i64> = BTreeMap::new();
        for r in &csv {
            *billed
                .entry((r["subscription_id"].clone(), r["plan_name"].clone()))
                .or_default() += r["billable_requests"].parse::<i64>().unwrap();
        }
        let id = |s: &Value| s["id"].as_str().unwrap().to_owned();
        let want: BTreeMap<(String, String), i64> = [
            ((id(&s_free), "Free".to_owned()), 5),
            ((id(&s_flat), "Flat".to_owned()), 7),
            ((id(&s_call), "PerCall".to_owned()), 27),
            ((id(&s_call), "Graduated".to_owned()), 7),
            ((id(&s_grad), "Graduated".to_owned()), 33),
        ]
        .into();
        assert_eq!(billed, want, "billed calls per subscription and plan");
    }
    let csv = csv_rows(
        &admin,
        &format!(
            "/api/v1/exports/invoices?format=csv&org={org}&from={}&to={}",
            first["period"].as_str().unwrap(),
            second["period"].as_str().unwrap()
        ),
    )
    .await;
    let mut per_invoice: BTreeMap<String, i64> = BTreeMap::new();
    for r in &csv {
        *per_invoice.entry(r["invoice_id"].clone()).or_default() += r["amount_minor"].parse::<i64>().unwrap();
        assert_eq!(r["status"], "finalized");
    }
    let want: BTreeMap<String, i64> = [
        (first["id"].as_str().unwrap().to_owned(), e0.total()),
        (second["id"].as_str().unwrap().to_owned(), e1.total()),
    ]
    .into();
    assert_eq!(per_invoice, want, "invoice export lines add up to the invoice totals");
    assert_eq!(csv.len(), e0.lines.len() + e1.lines.len());

    // Revenue of the organization's API in period 1 equals the invoice.
    let (s, rev, _) = publisher
        .get(&format!(
            "/api/v1/orgs/{org}/revenue?period={}",
            second["period"].as_str().unwrap()
        ))
        .await;
    assert_eq!(s, 200, "{rev}");
    assert_eq!(rev["items"][0]["amount_minor"], e1.total(), "{rev}");
    assert_eq!(rev["items"][0]["status"], "finalized", "{rev}");

    // Void with a reason.
    let id = first["id"].as_str().unwrap();
    let (s, b, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/invoices/{id}/void"),
            Some(json!({"reason": ""})),
        )
        .await;
    assert_eq!(s, 422, "{b}");
    let (s, voided, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/invoices/{id}/void"),
            Some(json!({"reason": "goodwill"})),
        )
        .await;
    assert_eq!(s, 200, "{voided}");
    assert_eq!(
        (voided["status"].as_str(), voided["void_reason"].as_str()),
        (Some("void"), Some("goodwill"))
    );
    // A void invoice is final: voiding or finalizing it again is 409, and nothing is allowed.
    let (s, problem, _) = admin
        .call(
            Method::POST,
            &format!("/api/v1/invoices/{id}/void"),
            Some(json!({"reason": "x"})),
        )
        .await;
    assert_eq!((s.as_u16(), problem["allowed"].clone()), (409, json!([])), "{problem}");
    let (s, problem, _) = admin
        .call(Method::POST, &format!("/api/v1/invoices/{id}/finalize"), None)
        .await;
    assert_eq!((s.as_u16(), problem["allowed"].clone()), (409, json!([])), "{problem}");

    // Analytics: the developer's series counts the same calls, refused calls aside.
    let (s, series, _) = dev
        .get(&format!(
            "/api/v1/analytics/usage?granularity=minute&group_by=plan&from={}&to={}",
            rfc3339(p0),
            rfc3339(p2)
        ))
        .await;
    assert_eq!(s, 200, "{series}");
    let total: i64 = series["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["total_requests"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 5 + 7 + 34 + 33, "{series}");
    let point = &series["series"][0]["points"][0];
    assert!(
        point["latency"]["p50_ms"].is_number() || point["requests"] == 0,
        "{point}"
    );
    upstream.stop().await;
    app.stop().await;
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn dev_or_admin<'a>(dev: &'a Client, admin: &'a Client, query: &str) -> &'a Client {
    if query.contains("org=") { admin } else { dev }
}

async fn send_patch(client: &Client, path: &str, etag: &str, body: Value) -> (u16, Value, reqwest::header::HeaderMap) {
    let (s, b, h) =
        crate::helpers::send(client.request(Method::PATCH, path).header("if-match", etag).json(&body)).await;
    (s.as_u16(), b, h)
}

/// Poll `GET path` as `client` until `done(body)`; fail after 30 s.
async fn poll(client: &Client, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = std::time::Instant::now();
    loop {
        let (s, body, _) = client.get(path).await;
        assert_eq!(s, 200, "{body}");
        if done(&body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out polling {path}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn series_total(body: &Value) -> i64 {
    body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["total_requests"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn usage_invoices_and_exports_are_visible_only_to_their_parties() {
    let app = TestApp::spawn_with(|c| c.usage_flush_interval = Duration::from_millis(100)).await;
    let upstream = Upstream::start("parties").await;
    let (org_x, admin_x, publisher_x, member_x) = app.org_with_members("sellerx").await;
    let (org_y, admin_y, publisher_y, _) = app.org_with_members("sellery").await;
    let flat = plan(
        &publisher_x,
        &org_x,
        json!({"name": "Flat", "pricing": {"model": "flat", "fee_minor": 999}, "currency": "EUR"}),
    )
    .await;
    // publish_api names the context "bill"; the gateway path is /bill/v1/...
    let api = publish_api(&publisher_x, &org_x, "bill", &flat, json!([{"url": upstream.url}])).await;
    let dev_a = app.developer("a@parties.example").await;
    let dev_b = app.developer("b@parties.example").await;
    let (_, key_a, sub_a) = subscribed_app(&dev_a, "app-a", &api, &flat).await;
    let (_, key_b, sub_b) = subscribed_app(&dev_b, "app-b", &api, &flat).await;
    gateway_calls(&app.gateway, &key_a, 3).await;
    gateway_calls(&app.gateway, &key_b, 2).await;
    let series = "/api/v1/analytics/usage?granularity=minute&from=";
    let from = rfc3339(app.clock.now_ms() - 3_600_000);
    let path = format!("{series}{from}");
    let a_view = poll(&dev_a, &path, |b| series_total(b) == 3).await;
    let b_view = poll(&dev_b, &path, |b| series_total(b) == 2).await;
    assert_ne!(a_view, b_view);
    let x_view = poll(&publisher_x, &format!("{path}&org={org_x}"), |b| series_total(b) == 5).await;
    assert_eq!(series_total(&x_view), 5);

    let a_list = poll(&dev_a, "/api/v1/invoices", |b| {
        !b["items"].as_array().unwrap().is_empty()
    })
    .await;
    assert_eq!(a_list["items"].as_array().unwrap().len(), 1, "{a_list}");
    let a_invoice = a_list["items"][0].clone();
    let a_id = a_invoice["id"].as_str().unwrap().to_owned();
    assert_eq!(a_invoice["customer_email"], "a@parties.example");
    assert_eq!(a_invoice["currency"], "EUR");
    let (_, b_list, _) = dev_b.get("/api/v1/invoices").await;
    assert!(
        b_list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["customer_email"] == "b@parties.example"),
        "{b_list}"
    );

    let today = chrono::Utc::now().date_naive();
    let export = format!("/api/v1/exports/usage?from={today}&to={today}");
    let subs = |rows: &[BTreeMap<String, String>]| -> Vec<String> {
        rows.iter().map(|r| r["subscription_id"].clone()).collect()
    };
    assert_eq!(
        subs(&csv_rows(&dev_b, &format!("{export}&format=csv")).await),
        vec![sub_b["id"].as_str().unwrap()]
    );
    let mut both = subs(&csv_rows(&admin_x, &format!("{export}&format=csv&org={org_x}")).await);
    both.sort();
    let mut want = vec![
        sub_a["id"].as_str().unwrap().to_owned(),
        sub_b["id"].as_str().unwrap().to_owned(),
    ];
    want.sort();
    assert_eq!(both, want);

    // (caller, method, path, status): every denial, and the allowed reads next to them.
    let anon = app.anonymous();
    let root = app.admin().await;
    let revenue_x = format!("/api/v1/orgs/{org_x}/revenue");
    let invoice_a = format!("/api/v1/invoices/{a_id}");
    let cases: Vec<(&str, &Client, Method, String, u16)> = vec![
        ("B reads A's invoice", &dev_b, Method::GET, invoice_a.clone(), 404),
        (
            "B finalizes A's invoice",
            &dev_b,
            Method::POST,
            format!("{invoice_a}/finalize"),
            404,
        ),
        (
            "B asks for X's analytics",
            &dev_b,
            Method::GET,
            format!("{path}&org={org_x}"),
            404,
        ),
        (
            "B asks for X's usage export",
            &dev_b,
            Method::GET,
            format!("{export}&org={org_x}"),
            404,
        ),
        (
            "B asks for X's invoices",
            &dev_b,
            Method::GET,
            format!("/api/v1/invoices?org={org_x}"),
            404,
        ),
        (
            "B asks for everything",
            &dev_b,
            Method::GET,
            "/api/v1/invoices?all=true".into(),
            403,
        ),
        (
            "X's developer member reads X's revenue",
            &member_x,
            Method::GET,
            revenue_x.clone(),
            403,
        ),
        (
            "X's developer member asks for X's exports",
            &member_x,
            Method::GET,
            format!("{export}&org={org_x}"),
            403,
        ),
        (
            "Y's publisher reads X's revenue",
            &publisher_y,
            Method::GET,
            revenue_x.clone(),
            404,
        ),
        (
            "Y's admin asks for X's invoices",
            &admin_y,
            Method::GET,
            format!("/api/v1/invoices?org={org_x}"),
            404,
        ),
        (
            "Y's admin reads A's invoice",
            &admin_y,
            Method::GET,
            invoice_a.clone(),
            404,
        ),
        (
            "Y's admin asks for X's top APIs",
            &admin_y,
            Method::GET,
            format!("/api/v1/analytics/top?dimension=api&org={org_x}"),
            404,
        ),
        (
            "X's publisher finalizes",
            &publisher_x,
            Method::POST,
            format!("{invoice_a}/finalize"),
            403,
        ),
        (
            "X's admin finalizes an open period",
            &admin_x,
            Method::POST,
            format!("{invoice_a}/finalize"),
            409,
        ),
        (
            "A finalizes own invoice",
            &dev_a,
            Method::POST,
            format!("{invoice_a}/finalize"),
            403,
        ),
        ("anonymous invoices", &anon, Method::GET, "/api/v1/invoices".into(), 401),
        ("anonymous export", &anon, Method::GET, export.clone(), 401),
        ("anonymous analytics", &anon, Method::GET, path.clone(), 401),
        (
            "X's publisher reads X's revenue",
            &publisher_x,
            Method::GET,
            revenue_x.clone(),
            200,
        ),
        (
            "X's publisher reads A's invoice",
            &publisher_x,
            Method::GET,
            invoice_a.clone(),
            200,
        ),
        ("A reads own invoice", &dev_a, Method::GET, invoice_a.clone(), 200),
        (
            "the operator asks for everything",
            &root,
            Method::GET,
            "/api/v1/invoices?all=true".into(),
            200,
        ),
        (
            "Y's admin reads Y's (empty) revenue",
            &admin_y,
            Method::GET,
            format!("/api/v1/orgs/{org_y}/revenue"),
            200,
        ),
    ];
    for (what, client, method, path, want) in cases {
        let (s, body, _) = client.call(method, &path, None).await;
        assert_eq!(s.as_u16(), want, "{what}: {path} → {body}");
        if want >= 400 {
            assert!(body["code"].is_string(), "{what}: problem+json expected, got {body}");
        }
    }
    let (_, top, _) = publisher_x
        .get(&format!("/api/v1/analytics/top?dimension=application&org={org_x}"))
        .await;
    assert_eq!(top.as_array().unwrap().len(), 2, "{top}");
    let (_, top, _) = dev_b.get("/api/v1/analytics/top?dimension=application").await;
    assert_eq!(top.as_array().unwrap().len(), 1, "{top}");
    assert_eq!(top[0]["requests"], 2, "{top}");

    // Bad input: clear 400s, never a 500.
    for path in [
        "/api/v1/exports/usage".to_owned(),
        format!("/api/v1/exports/usage?from={today}&to=2001-01-01"),
        format!("/api/v1/exports/usage?from={today}&to={today}&format=xml"),
        format!("/api/v1/exports/usage?from={today}&to={today}&cursor=garbage"),
        format!("/api/v1/exports/usage?from=1970-01-01&to={today}"),
        "/api/v1/analytics/usage?granularity=second".to_owned(),
        "/api/v1/analytics/usage?group_by=planet".to_owned(),
        "/api/v1/analytics/usage?granularity=minute&from=2020-01-01T00:00:00Z".to_owned(),
        "/api/v1/analytics/usage?api_id=not-a-uuid".to_owned(),
        "/api/v1/analytics/top?dimension=galaxy".to_owned(),
        "/api/v1/invoices?period=2026-13".to_owned(),
        "/api/v1/invoices?status=paid".to_owned(),
        "/api/v1/invoices?cursor=1_2".to_owned(),
        "/api/v1/exports/invoices?from=yesterday".to_owned(),
    ] {
        let (s, body, h) = dev_a.get(&path).await;
        crate::helpers::assert_problem(s, &body, &h, 400, "bad_request");
    }
    upstream.stop().await;
    app.stop().await;
}

#[tokio::test]
async fn closed_periods_are_finalized_automatically_and_announced_as_is_a_reached_quota() {
    use crate::scenario::{Receiver, create_webhook, wait_until};
    let app = TestApp::spawn_with(|c| {
        c.billing_period = "1m".into();
        c.invoice_grace_period = Duration::ZERO;
        c.billing_check_interval = Duration::from_millis(200);
        c.usage_flush_interval = Duration::from_millis(100);
        c.webhook_poll_interval = Duration::from_millis(20);
    })
    .await;
    let upstream = Upstream::start("auto").await;
    let receiver = Receiver::start(&[], 200).await;
    let (org, admin, publisher, _) = app.org_with_members("auto").await;
    let (_, secret) = create_webhook(&admin, &org, &receiver.url, &["invoice.finalized", "quota.reached"]).await;
    let quota_plan = plan(
        &publisher,
        &org,
        json!({"name": "Five a day", "quota": {"requests": 5, "period": "day"},
               "pricing": {"model": "flat", "fee_minor": 6000}, "currency": "USD"}),
    )
    .await;
    let api = publish_api(&publisher, &org, "bill", &quota_plan, json!([{"url": upstream.url}])).await;
    let dev = app.developer("auto@dev.example").await;
    let (_, key, _) = subscribed_app(&dev, "auto-app", &api, &quota_plan).await;
    let started = app.clock.now_ms();
    gateway_calls(&app.gateway, &key, 5).await;
    let r = reqwest::Client::new()
        .get(format!("{}/bill/v1/items/1", app.gateway))
        .header("apikey", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "the sixth call is over the quota");

    wait_until("quota.reached", || async {
        !receiver.of_type("quota.reached").is_empty()
    })
    .await;
    let quota = receiver.of_type("quota.reached");
    assert_eq!(quota.len(), 1);
    assert!(quota[0].signed_with(&secret));
    assert_eq!(quota[0].json()["data"]["calls"], 5, "{}", quota[0].json());

    // The period ends; the biller finalizes within a few checks and announces it once.
    app.hand.advance_to(&app.clock, (started / PERIOD_MS + 1) * PERIOD_MS);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while receiver.of_type("invoice.finalized").is_empty() {
        assert!(std::time::Instant::now() < deadline, "no invoice.finalized");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let event = receiver.of_type("invoice.finalized")[0].json();
    assert_eq!(event["data"]["number"], 1, "{event}");
    let period_start = started / PERIOD_MS * PERIOD_MS;
    let invoice = invoice_for(&dev, "", period_start).await;
    assert_eq!(invoice["status"], "finalized", "{invoice}");
    assert_eq!(invoice["number"], 1);
    assert_eq!(event["data"]["total_minor"], invoice["total_minor"]);
    // No second quota notice for the same day, whatever else is flushed.
    gateway_calls_expect(&app.gateway, &key, 429).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.of_type("quota.reached").len(), 1);
    upstream.stop().await;
    app.stop().await;
}

async fn gateway_calls_expect(gw: &str, key: &str, status: u16) {
    let r = reqwest::Client::new()
        .get(format!("{gw}/bill/v1/items/1"))
        .header("apikey", key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), status);
}

#[tokio::test]
async fn reading_invoices_writes_nothing_the_biller_keeps_drafts() {
    // The biller's first round runs at start, before any usage; the next one only after an hour.
    let app = TestApp::spawn_with(|c| {
        c.billing_check_interval = Duration::from_secs(3600);
        c.usage_flush_interval = Duration::from_millis(100);
    })
    .await;
    let upstream = Upstream::start("reads").await;
    let (org, admin, publisher, _) = app.org_with_members("reads").await;
    let flat = plan(
        &publisher,
        &org,
        json!({"name": "Flat", "pricing": {"model": "flat", "fee_minor": 500}, "currency": "USD"}),
    )
    .await;
    let api = publish_api(&publisher, &org, "bill", &flat, json!([{"url": upstream.url}])).await;
    let dev = app.developer("reader@reads.example").await;
    let (_, key, _) = subscribed_app(&dev, "reader", &api, &flat).await;
    gateway_calls(&app.gateway, &key, 3).await;
    let metered = format!(
        "/api/v1/analytics/usage?org={org}&granularity=minute&from={}",
        rfc3339(app.clock.now_ms() - 3_600_000)
    );
    poll(&admin, &metered, |b| series_total(b) == 3).await;

    // Every way of reading invoices, as each party: nothing is computed or stored by a read.
    for (client, path) in [
        (&dev, "/api/v1/invoices".to_owned()),
        (&admin, format!("/api/v1/invoices?org={org}")),
        (&admin, format!("/api/v1/orgs/{org}/revenue")),
        (
            &admin,
            format!("/api/v1/exports/invoices?format=json&org={org}&from=2020-01"),
        ),
    ] {
        let (s, body, _) = client.get(&path).await;
        assert_eq!(s, 200, "{path}: {body}");
    }
    let pool = {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&app.db.url).await.unwrap()
    };
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invoices")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0, "a read stored a draft");
    let (_, list, _) = dev.get("/api/v1/invoices").await;
    assert_eq!(list["items"], json!([]), "{list}");

    // The biller's round makes the draft, with the usage so far.
    let app = {
        let db = app.stop().await;
        TestApp::spawn_on(db, |c| c.usage_flush_interval = Duration::from_millis(100)).await
    };
    let dev = app.login("reader@reads.example", crate::helpers::PASSWORD).await;
    let list = poll(&dev, "/api/v1/invoices", |b| !b["items"].as_array().unwrap().is_empty()).await;
    assert_eq!(list["items"][0]["status"], "draft", "{list}");
    assert_eq!(list["items"][0]["currency"], "USD", "{list}");
    upstream.stop().await;
    app.stop().await;
}
