//! Cost budgets: charged with the complexity before execution, reported in
//! `extensions.cost`, refused with 429 and Retry-After when spent.

use serde_json::{Value, json};

use crate::helpers::{Fixtures, spawn_app_with};

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
