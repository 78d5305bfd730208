//! Execution as the GraphQL specification describes it: response keys in the
//! order the query asks for them ("Serialized Map Ordering"), and a field's
//! error made `null` at the field if it is nullable, else at its nearest
//! nullable parent ("Handling Execution Errors").

use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, spawn_app};

/// The raw text of an answer, as a client's parser reads it.
async fn raw(app: &TestApp, key: &str, query: &str) -> (u16, String) {
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(key)
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    (r.status().as_u16(), r.text().await.expect("text"))
}

/// The keys among `keys` in the order they occur in `text`.
fn key_sequence(text: &str, keys: &[&str]) -> Vec<String> {
    let mut found: Vec<(usize, String)> = keys
        .iter()
        .flat_map(|k| {
            let needle = format!("\"{k}\":");
            text.match_indices(&needle).map(|(at, _)| (at, (*k).to_owned())).collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, k)| k).collect()
}

#[tokio::test]
async fn response_keys_follow_the_query_even_when_later_fields_finish_first() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    // Fields a loader batches (enterprise, sector) finish after plain ones;
    // aliases keep every key unique in the text.
    let query = "{ zTotal: projects(first: 10) { totalCount } \
                   mProjects: projects(first: 10) { nodes { qEnterprise: enterprise { name } bName: name \
                   xSector: sector { name } aId: id } } \
                   aViewer: viewer { role } }";
    for round in 0..10 {
        let (status, text) = raw(&app, &admin, query).await;
        assert_eq!(status, 200, "{text}");
        assert_eq!(key_sequence(&text, &["zTotal", "mProjects", "aViewer"]), ["zTotal", "mProjects", "aViewer"]);
        let nodes = key_sequence(&text, &["qEnterprise", "bName", "xSector", "aId"]);
        assert_eq!(nodes.len(), 40, "round {round}: {text}");
        for node in nodes.chunks(4) {
            assert_eq!(node, ["qEnterprise", "bName", "xSector", "aId"], "round {round}: {text}");
        }
    }
}

#[tokio::test]
async fn an_error_on_a_non_null_root_field_makes_data_null_not_a_missing_key() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    // `projects` is non-null and refuses `first` with `last`: nothing can
    // stand in its place, so `data` itself is null (status 200: the
    // operation ran).
    let (status, text) = raw(&app, &admin, "{ viewer { role } projects(first: 1, last: 1) { totalCount } }").await;
    assert_eq!(status, 200, "{text}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert!(body.as_object().is_some_and(|o| o.contains_key("data")), "{text}");
    assert_eq!(body["data"], Value::Null, "{text}");
    assert_eq!(body["errors"][0]["path"], json!(["projects"]), "{text}");
}

#[tokio::test]
async fn an_error_below_a_nullable_field_nulls_that_field_and_keeps_its_siblings() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    // `Enterprise.projects` is non-null and fails; `Project.enterprise`, the
    // nearest nullable field above it, becomes null in each project, whose
    // other fields stand, as does everything beside the list.
    let query = "{ viewer { role } projects(first: 2, filter: {stage: SIGNED}) { nodes { name \
                 enterprise { name projects(first: 1, last: 1) { totalCount } } } } }";
    let (status, text) = raw(&app, &admin, query).await;
    assert_eq!(status, 200, "{text}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["data"]["viewer"]["role"], "ADMIN", "{text}");
    let nodes = body["data"]["projects"]["nodes"].as_array().expect("the list stands");
    assert_eq!(nodes.len(), 2, "{text}");
    for (i, node) in nodes.iter().enumerate() {
        assert!(node["name"].is_string(), "{text}");
        let project = node.as_object().expect("object");
        assert!(project.contains_key("enterprise") && project["enterprise"].is_null(), "{text}");
        let path = json!(["projects", "nodes", i, "enterprise", "projects"]);
        let errors = body["errors"].as_array().expect("errors");
        assert!(errors.iter().any(|e| e["path"] == path), "no error at {path}: {text}");
    }
}

#[tokio::test]
async fn a_refused_mutation_field_makes_data_null_and_runs_no_later_field() {
    let app = spawn_app().await;
    let pid = Fixtures { db: &app.db }.partner("行业协会").await;
    let partner = app.key(Role::Partner, Some(pid)).await;
    // A partner may not create sectors: the first field fails, `data` is
    // null, and the second is not run.
    let (status, text) = raw(
        &app,
        &partner,
        r#"mutation { a: createSector(input: {code: "Z1", name: "甲"}) { sector { id } }
                      b: createSector(input: {code: "Z2", name: "乙"}) { sector { id } } }"#,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["data"], Value::Null, "{text}");
    assert_eq!(body["errors"][0]["path"], json!(["a"]), "{text}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{text}");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{text}");
}

#[tokio::test]
async fn a_response_key_selected_twice_is_null_when_either_selection_fails() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    let first = app.query(Some(&admin), "{ enterprises(first: 1) { nodes { id } } }", json!({})).await;
    let id = first["enterprises"]["nodes"][0]["id"].as_str().expect("an enterprise").to_owned();
    // Both selections are the one field `node`; the second's non-null
    // `projects` fails, so `node` is null, not the first selection's object.
    let query = format!(
        r#"{{ node(id: "{id}") {{ id }} node(id: "{id}") {{ ... on Enterprise {{ projects(first: 1, last: 1) {{ totalCount }} }} }} viewer {{ role }} }}"#
    );
    let (status, text) = raw(&app, &admin, &query).await;
    assert_eq!(status, 200, "{text}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["data"]["node"], Value::Null, "{text}");
    assert_eq!(body["data"]["viewer"]["role"], "ADMIN", "{text}");
}

#[tokio::test]
async fn an_argument_its_scalar_refuses_is_a_validation_failure_that_names_the_scalar() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let cases = [
        ("{ agreements(filter: { signedFrom: \"2026-13-01\" }) { totalCount } }", json!({}), "Date"),
        (
            "query($d: Date!) { agreements(filter: { signedFrom: $d }) { totalCount } }",
            json!({ "d": "yesterday" }),
            "Date",
        ),
        ("{ projects(filter: { minInvestment: \"1.234\" }) { totalCount } }", json!({}), "Decimal"),
    ];
    for (query, variables, scalar) in cases {
        let r = app.post(Some(&staff), query, variables).await;
        assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{query}: {}", r.body);
        let message = r.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains(scalar), "{query}: {message}");
    }
}
