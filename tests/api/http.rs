use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let r = app.client.get(format!("{}{path}", app.address)).send().await.expect("request");
        assert_eq!(r.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn a_query_over_get_works_and_a_mutation_over_get_is_refused() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ viewer { role } }")])
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["data"]["viewer"]["role"], "PUBLIC");

    let r = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "mutation { x }")])
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
}

#[tokio::test]
async fn graphiql_is_served_to_a_browser() {
    let app = spawn_app().await;
    let r =
        app.client.get(format!("{}/graphql", app.address)).header("accept", "text/html").send().await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.expect("text").contains("graphiql"));
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_typed_400() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.expect("a JSON error, not plain text");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = spawn_app().await;
    let send = |accept: &'static str, query: &'static str| {
        app.client
            .post(format!("{}/graphql", app.address))
            .header("accept", accept)
            .json(&json!({ "query": query }))
            .send()
    };
    let r = send("application/graphql-response+json", "{ viewer { role } }").await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap_or("").starts_with("application/graphql-response+json"));

    let r = send("application/graphql-response+json", "{ viewer { nope } }").await.expect("request");
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");

    let r = send("application/json", "{ viewer { nope } }").await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap_or("").starts_with("application/json"));

    let r = send("application/json", "{ viewer { ").await.expect("request");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
}
