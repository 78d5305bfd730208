//! The limits of api-contract.md, as a client meets them: status, code, body.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};

async fn post_raw(app: &crate::helpers::TestApp, key: Option<&str>, accept: &str, body: Value) -> (u16, Value) {
    let mut req = app.client.post(format!("{}/graphql", app.address)).header("accept", accept).json(&body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text:?}"));
    crate::helpers::check_errors(&body);
    (status, body)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no code in {body}"))
}

const DEEP: &str = "{ projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }";

#[tokio::test]
async fn a_query_deeper_than_ten_levels_is_refused_before_it_runs() {
    let app = spawn_app().await;
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": DEEP })).await;
    assert_eq!((status, code(&body)), (200, "QUERY_TOO_DEEP"));
    assert!(body.get("data").is_none_or(Value::is_null));
    let (status, body) = post_raw(&app, None, "application/graphql-response+json", json!({ "query": DEEP })).await;
    assert_eq!((status, code(&body)), (400, "QUERY_TOO_DEEP"));
}

#[tokio::test]
async fn naming_an_operation_or_fragment_after_introspection_does_not_dodge_the_depth_limit() {
    let app = spawn_app().await;
    let body = json!({ "query": format!("query __schema {{ ...__type }} fragment __type on Query {DEEP}") });
    let (_, body) = post_raw(&app, None, "application/json", body).await;
    assert_eq!(code(&body), "QUERY_TOO_DEEP");
}

#[tokio::test]
async fn introspection_has_its_own_depth_for_graphiql_and_code_generators() {
    let app = spawn_app().await;
    // Twelve levels: over the operation limit, within the introspection one.
    let q = "{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name ofType { name ofType { name ofType { name } } } } } } } } } } }";
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": q })).await;
    assert_eq!(status, 200);
    assert!(body["data"]["__schema"]["types"].as_array().is_some_and(|t| t.len() > 50), "{body}");
}

#[tokio::test]
async fn a_query_that_could_return_too_many_objects_is_refused() {
    let app = spawn_app().await;
    let q = "{ projects(first: 100) { nodes { agreements(first: 100) { nodes { project { stageHistory(first: 100) { nodes { note } } } } } } } }";
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": q })).await;
    assert_eq!((status, code(&body)), (200, "QUERY_TOO_COMPLEX"));
    // The page size given in a variable counts the same.
    let q = "query($n: Int) { projects(first: $n) { nodes { agreements(first: $n) { nodes { project { stageHistory(first: $n) { nodes { note } } } } } } } }";
    let (_, body) = post_raw(&app, None, "application/json", json!({ "query": q, "variables": { "n": 100 } })).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
    let (_, body) = post_raw(&app, None, "application/json", json!({ "query": q, "variables": { "n": 101 } })).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn more_than_thirty_aliases_are_refused() {
    let app = spawn_app().await;
    let many: String = (0..31).map(|i| format!("a{i}: sectors {{ totalCount }} ")).collect();
    let (_, body) = post_raw(&app, None, "application/json", json!({ "query": format!("{{ {many} }}") })).await;
    assert_eq!(code(&body), "TOO_MANY_ALIASES");
    let fine: String = (0..30).map(|i| format!("a{i}: viewer {{ role }} ")).collect();
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": format!("{{ {fine} }}") })).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["a29"]["role"], "PUBLIC");
}

#[tokio::test]
async fn batches_need_a_key_and_hold_at_most_a_hundred_operations() {
    let app = spawn_app().await;
    let one = json!({ "query": "{ viewer { role } }" });
    let (status, body) = post_raw(&app, None, "application/json", json!([one, one])).await;
    assert_eq!((status, code(&body)), (400, "BATCH_TOO_LARGE"));
    let key = app.key(Role::Staff, None).await;
    let (status, body) = post_raw(&app, Some(&key), "application/json", json!([one, one])).await;
    assert_eq!(status, 200);
    assert_eq!(body[1]["data"]["viewer"]["role"], "STAFF");
    let thousand: Vec<Value> = (0..1000).map(|_| one.clone()).collect();
    let (status, body) = post_raw(&app, Some(&key), "application/json", json!(thousand)).await;
    assert_eq!((status, code(&body)), (400, "BATCH_TOO_LARGE"));
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_typed_413() {
    let app = spawn_app().await;
    let huge = format!("{{ viewer {{ role }} }} # {}", "x".repeat(10 * 1024 * 1024));
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": huge })).await;
    assert_eq!((status, code(&body)), (413, "PAYLOAD_TOO_LARGE"));
}

#[tokio::test]
async fn a_request_over_its_time_is_cancelled_with_a_typed_error() {
    // A limit of 0 s: the timer fires at its next tick (about 1 ms), long before
    // a nested page of 100 projects with several round trips to the database is done.
    let app = spawn_app_with(|c| c.request_timeout_secs = 0).await;
    app.load_demo().await;
    let key = app.key(Role::Staff, None).await;
    let q = "{ projects(first: 100) { nodes { enterprise { projects { totalCount } } sector { name } park { name }
        agreements { totalCount nodes { campaign { name } event { title } } } stageHistory { totalCount } } } }";
    let (status, body) = post_raw(&app, Some(&key), "application/json", json!({ "query": q })).await;
    assert_eq!((status, code(&body)), (504, "TIMEOUT"));
}

#[tokio::test]
async fn a_fragment_cycle_is_a_validation_error_not_a_hang() {
    let app = spawn_app().await;
    let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { role } }";
    let (_, body) = post_raw(&app, None, "application/json", json!({ "query": q })).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn pathologically_nested_documents_and_variables_are_refused_not_crashing() {
    let app = spawn_app().await;
    // Deeper than the parser goes, within the size of a query text.
    let n = 10_000;
    let q = format!("{{{}b{}}}", "a{".repeat(n), "}".repeat(n));
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": q })).await;
    assert_eq!((status, code(&body)), (200, "GRAPHQL_PARSE_FAILED"));
    // Past the size of a query text, refused before it is parsed.
    let n = 100_000;
    let q = format!("{{{}b{}}}", "a{".repeat(n), "}".repeat(n));
    let (status, body) = post_raw(&app, None, "application/json", json!({ "query": q })).await;
    assert_eq!((status, code(&body)), (200, "PAYLOAD_TOO_LARGE"));
    let raw =
        format!("{{\"query\":\"{{ viewer {{ role }} }}\",\"variables\":{{\"v\":{}{}}}}}", "[".repeat(n), "]".repeat(n));
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.expect("json");
    assert_eq!(code(&body), "BAD_REQUEST");
    let (status, _) = post_raw(&app, None, "application/json", json!({ "query": "{ viewer { role } }" })).await;
    assert_eq!(status, 200, "the server still answers");
}
