//! The GraphQL language as the current specification writes it: string
//! escapes beyond the basic plane (surrogate pairs and `\u{…}`), and input
//! fields and arguments that may each be given once.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn send(app: &TestApp, key: &str, query: &str) -> Value {
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(key)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    r.json().await.expect("json")
}

#[tokio::test]
async fn string_literals_may_escape_characters_beyond_the_basic_plane() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    // A rocket as a surrogate pair, a CJK Extension B character (𠀋, U+2000B)
    // as a pair and in braces, as clients that escape non-BMP text send them.
    for (literal, expected) in [
        (r#"\ud83d\ude80 Co"#, "\u{1F680} Co"),
        (r#"\uD840\uDC0B科技"#, "\u{2000B}科技"),
        (r#"\u{2000B}贸易"#, "\u{2000B}贸易"),
    ] {
        let q = format!(
            r#"mutation {{ createEnterprise(input: {{name: "{literal}", country: "US"}}) {{ enterprise {{ name }} userErrors {{ code }} }} }}"#
        );
        let body = send(&app, &staff, &q).await;
        assert_eq!(body["data"]["createEnterprise"]["enterprise"]["name"], expected, "{literal}: {body}");
    }
    // What the specification forbids: a lone or reversed surrogate, a
    // surrogate in braces, a code point past U+10FFFF.
    for literal in [r#"\ud83d Co"#, r#"\ude80\ud83d"#, r#"\u{D83D}"#, r#"\u{110000}"#] {
        let q = format!(
            r#"mutation {{ createEnterprise(input: {{name: "{literal}", country: "US"}}) {{ enterprise {{ id }} }} }}"#
        );
        let body = send(&app, &staff, &q).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED", "{literal}: {body}");
    }
    assert_eq!(app.count("enterprises").await, 3);
}

#[tokio::test]
async fn an_input_field_or_argument_given_twice_is_a_validation_error() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let body = send(&app, &staff, "{ projects(filter: {stage: LEAD, stage: SIGNED}) { totalCount } }").await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains(r#"only one input field named "stage""#), "{body}");
    assert!(body.as_object().is_some_and(|o| !o.contains_key("data")), "a request error has no data: {body}");

    // Nested in a mutation's input: refused before anything is written.
    let body = send(
        &app,
        &staff,
        r#"mutation { createEnterprise(input: {name: "甲", country: "CN", name: "乙"}) { enterprise { id } } }"#,
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert_eq!(app.count("enterprises").await, 0);

    // The same field in two different objects is fine; an argument twice is not.
    let body = send(
        &app,
        &staff,
        "{ a: projects(filter: {stage: LEAD}) { totalCount } b: projects(filter: {stage: SIGNED}) { totalCount } }",
    )
    .await;
    assert_eq!(body["data"]["a"]["totalCount"], 0, "{body}");
    let body = send(&app, &staff, "{ projects(first: 1, first: 2) { totalCount } }").await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{body}");
}
