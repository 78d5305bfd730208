//! Cost budgets: charged with the complexity before execution, reported in
//! `extensions.cost`, refused with 429 and Retry-After when spent.

use serde_json::{Value, json};

use crate::helpers::{Fixtures, spawn_app_with};
use crate::services::{Service, needs};

async fn send(app: &crate::helpers::TestApp, forwarded: Option<&str>, query: &str) -> (u16, Option<String>, Value) {
    let mut req = app.client.post(format!("{}/graphql", app.address)).json(&json!({ "query": query }));
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let r = req.send().await.expect("request");
    let retry = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (r.status().as_u16(), retry, r.json().await.expect("json"))
}

const PAGE: &str = "{ projects(first: 20) { nodes { id } } }";

#[tokio::test]
async fn every_answer_reports_its_cost_and_a_spent_budget_is_a_429() {
    let app = spawn_app_with(|c| c.budget_public = 30).await;
    let f = Fixtures { db: &app.db };
    for i in 0..25 {
        f.project(&format!("公开项目{i}"), 100, true, None, None).await;
    }
    let (status, _, body) = send(&app, None, PAGE).await;
    assert_eq!(status, 200);
    let cost = &body["extensions"]["cost"];
    // 1 connection + 20 nodes requested; 21 objects returned.
    assert_eq!(cost["requested"], 21);
    assert_eq!(cost["actual"], 21);
    assert_eq!(cost["remaining"], 9);
    assert!(cost["resetAt"].as_str().is_some_and(|s| s.ends_with('Z')));

    let (status, retry, body) = send(&app, None, PAGE).await;
    assert_eq!(status, 429);
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    let retry: u64 = retry.expect("Retry-After").parse().expect("seconds");
    // 12 points missing at 0.5 points a second.
    assert!((20..=26).contains(&retry), "Retry-After {retry}");
}

#[tokio::test]
async fn unused_points_are_refunded() {
    let app = spawn_app_with(|c| c.budget_public = 30).await;
    // No project exists: 21 points asked, 1 object returned, 20 given back.
    for _ in 0..3 {
        let (status, _, body) = send(&app, None, PAGE).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["extensions"]["cost"]["actual"], 1);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_budget() {
    let app = spawn_app_with(|c| {
        c.budget_public = 30;
        c.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    let f = Fixtures { db: &app.db };
    for i in 0..25 {
        f.project(&format!("公开项目{i}"), 100, true, None, None).await;
    }
    assert_eq!(send(&app, Some("203.0.113.7"), PAGE).await.0, 200);
    assert_eq!(send(&app, Some("203.0.113.7"), PAGE).await.0, 429);
    assert_eq!(send(&app, Some("198.51.100.2"), PAGE).await.0, 200, "another client");
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    let app = spawn_app_with(|c| c.budget_public = 30).await;
    let f = Fixtures { db: &app.db };
    for i in 0..25 {
        f.project(&format!("公开项目{i}"), 100, true, None, None).await;
    }
    assert_eq!(send(&app, Some("203.0.113.7"), PAGE).await.0, 200);
    assert_eq!(send(&app, Some("198.51.100.2"), PAGE).await.0, 429, "a forged header buys no new budget");
}

/// A Redis key prefix of this test's own, so that parallel tests (whose key ids
/// and client addresses repeat) never share a bucket.
fn redis_prefix() -> String {
    format!("zs_test_{}_{}", std::process::id(), rand::random::<u64>())
}

/// A server whose budgets (30 points a minute for the public) live in the
/// Redis at `url`, under `prefix`.
async fn with_redis(url: &str, prefix: &str) -> crate::helpers::TestApp {
    spawn_app_with(|c| {
        c.budget_public = 30;
        c.redis_url = Some(url.to_owned());
        c.redis_prefix = prefix.to_owned();
    })
    .await
}

#[tokio::test]
async fn with_redis_two_processes_draw_on_one_budget() {
    let Some(url) = needs(Service::Redis).await else { return };
    let prefix = redis_prefix();
    let a = with_redis(&url, &prefix).await;
    let f = Fixtures { db: &a.db };
    for i in 0..25 {
        f.project(&format!("公开项目{i}"), 100, true, None, None).await;
    }
    let b = a.sibling().await;
    let (status, _, body) = send(&a, None, PAGE).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["extensions"]["cost"]["remaining"], 9);
    // The other process sees what the first one spent.
    let (status, retry, body) = send(&b, None, PAGE).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    let retry: u64 = retry.expect("Retry-After").parse().expect("seconds");
    assert!((20..=26).contains(&retry), "Retry-After {retry}");

    // The bucket is a Redis hash under the configured prefix.
    let client = redis::Client::open(url.as_str()).expect("redis url");
    let mut conn = client.get_multiplexed_async_connection().await.expect("Redis answered a moment ago");
    let tokens: String = redis::cmd("HGET")
        .arg(format!("{prefix}:budget:ip:127.0.0.1"))
        .arg("tokens")
        .query_async(&mut conn)
        .await
        .expect("bucket in Redis");
    let tokens: f64 = tokens.parse().expect("number");
    assert!((9.0..12.0).contains(&tokens), "tokens {tokens}");
}

#[tokio::test]
async fn with_redis_unused_points_are_refunded_to_the_shared_bucket() {
    let Some(url) = needs(Service::Redis).await else { return };
    let prefix = redis_prefix();
    let a = with_redis(&url, &prefix).await;
    let b = a.sibling().await;
    // No project: 21 asked, 1 used, 20 given back, so each request spends one
    // point of the one bucket, whichever process answers it (refill: 0.5 a second).
    for (i, app) in [&a, &b, &a, &b].into_iter().enumerate() {
        let (status, _, body) = send(app, None, PAGE).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["extensions"]["cost"]["actual"], 1);
        let remaining = body["extensions"]["cost"]["remaining"].as_u64().expect("remaining");
        let expected = 29 - i as u64;
        assert!((expected..=expected + 1).contains(&remaining), "request {i}: {remaining} left, not {expected}");
    }
}

#[tokio::test]
async fn without_redis_the_process_keeps_its_own_budget_and_says_so() {
    // Nothing listens on port 1: every Redis call fails at once.
    let app = spawn_app_with(|c| {
        c.budget_public = 30;
        c.redis_url = Some("redis://127.0.0.1:1".into());
        c.redis_prefix = redis_prefix();
    })
    .await;
    let f = Fixtures { db: &app.db };
    for i in 0..25 {
        f.project(&format!("公开项目{i}"), 100, true, None, None).await;
    }
    let (status, _, body) = send(&app, None, PAGE).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["extensions"]["cost"]["remaining"], 9);
    let (status, _, body) = send(&app, None, PAGE).await;
    assert_eq!(status, 429, "the fallback budget is still enforced: {body}");

    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.expect("metrics");
    let text = metrics.text().await.expect("text");
    let value = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
    };
    assert_eq!(value("zhaoshang_budget_fallback"), 1.0);
    assert!(value("zhaoshang_budget_fallback_charges_total") >= 2.0);
}
