//! What operators rely on: metrics, request ids, CORS, compression.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome_and_show_the_pool() {
    let app = spawn_app().await;
    let q = json!({ "query": "query MetricsProbe { viewer { role } }", "operationName": "MetricsProbe" });
    let r = app.client.post(format!("{}/graphql", app.address)).json(&q).send().await.expect("request");
    assert_eq!(r.status(), 200);
    let deep = json!({ "operationName": "MetricsDeep", "query": "query MetricsDeep { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }" });
    app.client.post(format!("{}/graphql", app.address)).json(&deep).send().await.expect("request");

    let r = app.client.get(format!("{}/metrics", app.address)).send().await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap_or("").starts_with("text/plain"));
    let text = r.text().await.expect("text");
    assert!(text.contains(r#"zhaoshang_graphql_requests_total{operation="MetricsProbe",outcome="ok"}"#), "{text}");
    assert!(
        text.contains(r#"zhaoshang_graphql_requests_total{operation="MetricsDeep",outcome="QUERY_TOO_DEEP"}"#),
        "{text}"
    );
    assert!(text.contains("zhaoshang_graphql_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains(r#"zhaoshang_db_pool_connections{state="idle"}"#), "{text}");
}

#[tokio::test]
async fn a_request_id_is_returned_and_a_given_one_is_kept() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let r = app.client.post(&url).json(&json!({ "query": "{ viewer { role } }" })).send().await.expect("request");
    assert!(r.headers().get("x-request-id").is_some_and(|v| !v.is_empty()));
    let r = app
        .client
        .post(&url)
        .header("x-request-id", "trace-4711")
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers()["x-request-id"], "trace-4711");
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    let app = spawn_app_with(|c| c.cors_origins = vec!["https://office.example.gov.cn".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let r = preflight("https://office.example.gov.cn").await.expect("request");
    assert_eq!(
        r.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
        Some("https://office.example.gov.cn")
    );
    let r = preflight("https://elsewhere.example.com").await.expect("request");
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let query = "{ sectors(first: 100) { nodes { id code name createdAt } } }";
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
}
