use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};

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

/// Every `src="…"` and `href="…"` of a page.
fn references(page: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| page.match_indices(attr).map(|(at, m)| &page[at + m.len()..]))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// GraphiQL works on an intranet: the page and every file it loads come from
/// this server, which answers each; nothing points anywhere else.
#[tokio::test]
async fn graphiql_is_served_whole_from_the_server_with_nothing_fetched_elsewhere() {
    let app = spawn_app().await;
    let r =
        app.client.get(format!("{}/graphql", app.address)).header("accept", "text/html").send().await.expect("request");
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().expect("csp").to_owned();
    assert!(!csp.contains("http"), "the policy allows only this origin: {csp}");
    let page = r.text().await.expect("text");
    assert!(!page.contains("http://") && !page.contains("https://"), "{page}");
    let refs = references(&page);
    assert_eq!(refs.len(), 5, "a stylesheet and four scripts: {refs:?}");
    for path in &refs {
        assert!(path.starts_with('/') && !path.starts_with("//"), "{path} is not on this server");
        let r = app.client.get(format!("{}{path}", app.address)).send().await.expect("request");
        assert_eq!(r.status(), 200, "{path}");
        let media = r.headers()["content-type"].to_str().expect("type").to_owned();
        let expected = if path.ends_with(".css") { "text/css" } else { "text/javascript" };
        assert!(media.starts_with(expected), "{path}: {media}");
        let body = r.text().await.expect("body");
        assert!(body.len() > 300, "{path}: {} bytes", body.len());
        // The bundles themselves load nothing: no import of a remote script or style.
        for remote in ["src=\"http", "@import url(http", "//unpkg.com", "//cdn."] {
            assert!(!body.contains(remote), "{path} fetches from outside: {remote}");
        }
    }
    // Subscriptions go to this server's /graphql/ws, with the key.
    let start = app.client.get(format!("{}/graphiql/3.9.0/start.js", app.address)).send().await.expect("request");
    let start = start.text().await.expect("text");
    assert!(start.contains("'/graphql/ws'") && start.contains("authorization"), "{start}");
    // Unknown files and versions are not found.
    for path in ["/graphiql/3.9.0/nope.js", "/graphiql/0.0.1/graphiql.min.js"] {
        let r = app.client.get(format!("{}{path}", app.address)).send().await.expect("request");
        assert_eq!(r.status(), 404, "{path}");
    }
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

/// RFC 9110, section 12.5.1: media ranges with parameters and weights, any
/// case, wildcards; the heaviest acceptable type wins; 406 only when nothing
/// acceptable remains.
#[tokio::test]
async fn accept_is_negotiated_by_weight_with_406_only_when_nothing_is_acceptable() {
    let app = spawn_app().await;
    const GQL: &str = "application/graphql-response+json";
    const JSON: &str = "application/json";
    let cases: [(&str, Option<&str>); 16] = [
        ("application/json;q=0", None),
        ("application/json; q=0, text/html", None),
        ("application/json;q=0, */*", Some(GQL)),
        ("application/graphql-response+json;q=0, application/*", Some(JSON)),
        ("application/json;q=0.9, application/graphql-response+json;q=0.5", Some(JSON)),
        ("application/json;q=0.5, application/graphql-response+json;q=0.9", Some(GQL)),
        ("application/graphql-response+json, application/json", Some(GQL)),
        ("APPLICATION/JSON", Some(JSON)),
        ("Application/GraphQL-Response+JSON;Q=1.000", Some(GQL)),
        ("*/*", Some(JSON)),
        ("text/html, application/xhtml+xml, */*;q=0.8", Some(JSON)),
        ("application/json; charset=UTF-8", Some(JSON)),
        ("application/json; charset=latin1", None),
        ("application/json;q=2", None),
        ("application/json ;q=0.5, text/html", Some(JSON)),
        ("application/graphql-response+json ; q=0", None),
    ];
    for (accept, expected) in cases {
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("accept", accept)
            .json(&json!({ "query": "{ viewer { role } }" }))
            .send()
            .await
            .expect("request");
        let media = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        match expected {
            None => assert_eq!(r.status(), 406, "Accept: {accept}"),
            Some(m) => {
                assert_eq!(r.status(), 200, "Accept: {accept}");
                assert!(media.starts_with(m), "Accept: {accept} answered {media}, not {m}");
            }
        }
    }
    // Two Accept lines make one list.
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", "text/csv")
        .header("accept", "application/json")
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
}

/// The GraphQL specification: a request error (the document did not parse or
/// validate) has no `data` entry; an error after execution began has one.
#[tokio::test]
async fn a_request_error_has_no_data_entry_and_a_field_error_has_one() {
    let app = spawn_app().await;
    for accept in ["application/graphql-response+json", "application/json"] {
        for (query, has_data) in [
            ("{ viewer { ", false),
            ("{ viewer { nope } }", false),
            ("{ projects(first: 101) { totalCount } }", false),
            ("{ projects(first: 1, last: 1) { totalCount } }", true),
        ] {
            let r = app
                .client
                .post(format!("{}/graphql", app.address))
                .header("accept", accept)
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("request");
            let body: Value = r.json().await.expect("json");
            let present = body.as_object().is_some_and(|o| o.contains_key("data"));
            assert_eq!(present, has_data, "{accept}, {query}: {body}");
            assert!(body["errors"][0]["extensions"]["code"].is_string(), "{body}");
        }
    }
}

#[tokio::test]
async fn the_public_gets_no_field_suggestions_a_key_holder_does() {
    let app = spawn_app().await;
    let typo = "{ projectz(first: 1) { nodes { id } } }";
    let public = app.post(None, typo, json!({})).await;
    assert_eq!(public.error_code(), "GRAPHQL_VALIDATION_FAILED");
    let message = public.body["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains("projectz") && !message.contains("Did you mean"), "{message}");

    let key = app.key(entity::enums::Role::Staff, None).await;
    let staff = app.post(Some(&key), typo, json!({})).await;
    let message = staff.body["errors"][0]["message"].as_str().expect("message");
    assert!(message.contains(r#"Did you mean "projects""#), "{message}");
}

#[tokio::test]
async fn introspection_is_on_by_default_and_can_be_switched_off() {
    let probe = "{ __schema { queryType { name } } }";
    let on = spawn_app().await;
    assert_eq!(on.query(None, probe, json!({})).await["__schema"]["queryType"]["name"], "Query");

    let off = spawn_app_with(|c| c.introspection = false).await;
    let r = off.post(None, probe, json!({})).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);
    assert!(r.body["data"].is_null(), "{}", r.body);
    assert!(r.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("switched off")), "{}", r.body);
    // Not through a fragment either, and not for an admin.
    let key = off.key(entity::enums::Role::Admin, None).await;
    let r =
        off.post(Some(&key), r#"{ ...F } fragment F on Query { __type(name: "Project") { name } }"#, json!({})).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);
    // Ordinary queries are unaffected.
    assert_eq!(off.query(None, "{ viewer { role } }", json!({})).await["viewer"]["role"], "PUBLIC");
}

/// A POST body's parameters as a GET's query string: strings as they are,
/// `variables` and `extensions` as JSON text.
fn as_query_string(body: &Value) -> Vec<(String, String)> {
    let obj = body.as_object().expect("an object");
    obj.iter()
        .map(|(k, v)| match (k.as_str(), v) {
            ("query" | "operationName", Value::String(s)) => (k.clone(), s.clone()),
            _ => (k.clone(), v.to_string()),
        })
        .collect()
}

/// Each client mistake of the GraphQL-over-HTTP specification, with both
/// media types, over POST and over GET alike.
#[tokio::test]
async fn client_mistakes_get_the_status_and_code_the_specification_prescribes() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let post = |accept: &'static str, body: Value| app.client.post(&url).header("accept", accept).json(&body).send();
    let get = |accept: &'static str, body: Value| {
        app.client.get(&url).header("accept", accept).query(&as_query_string(&body)).send()
    };
    const GQL: &str = "application/graphql-response+json";
    const JSON: &str = "application/json";
    let query = "query A($n: Int) { projects(first: $n) { nodes { id } } } query B { viewer { role } }";
    let cases: Vec<(&str, Value, u16, u16, &str)> = vec![
        ("no query", json!({ "variables": {} }), 400, 400, "BAD_REQUEST"),
        ("query not a string", json!({ "query": 42 }), 400, 400, "BAD_REQUEST"),
        (
            "variables not an object",
            json!({ "query": "{ viewer { role } }", "variables": [1] }),
            400,
            400,
            "BAD_REQUEST",
        ),
        (
            "variables encoded twice, an object inside a JSON string",
            json!({ "query": query, "operationName": "A", "variables": "{\"n\":1}" }),
            400,
            400,
            "BAD_REQUEST",
        ),
        (
            "extensions not an object",
            json!({ "query": "{ viewer { role } }", "extensions": "persisted" }),
            400,
            400,
            "BAD_REQUEST",
        ),
        ("operationName not a string", json!({ "query": query, "operationName": 7 }), 400, 400, "BAD_REQUEST"),
        (
            "variable of the wrong type",
            json!({ "query": query, "operationName": "A", "variables": { "n": "ten" } }),
            400,
            200,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            "unknown operation name",
            json!({ "query": query, "operationName": "C" }),
            400,
            200,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("two operations, no name", json!({ "query": query }), 400, 200, "GRAPHQL_VALIDATION_FAILED"),
    ];
    for (what, body, gql_status, json_status, code) in cases {
        // A query string carries only text: a `query` or `operationName` of
        // another type cannot be sent.
        let over_get = ["query", "operationName"].iter().all(|k| body.get(*k).is_none_or(Value::is_string));
        for (accept, status) in [(GQL, gql_status), (JSON, json_status)] {
            let r = post(accept, body.clone()).await.expect("request");
            assert_eq!(r.status().as_u16(), status, "{what} ({accept})");
            let answer: Value = r.json().await.expect("a JSON answer");
            assert_eq!(answer["errors"][0]["extensions"]["code"], code, "{what} ({accept}): {answer}");
            if over_get {
                let r = get(accept, body.clone()).await.expect("request");
                assert_eq!(r.status().as_u16(), status, "{what} ({accept}, GET)");
                let answer: Value = r.json().await.expect("a JSON answer");
                assert_eq!(answer["errors"][0]["extensions"]["code"], code, "{what} ({accept}, GET): {answer}");
            }
        }
    }

    // A media type the server cannot produce, and a body of another type.
    let r = app.client.post(&url).header("accept", "text/csv").json(&json!({ "query": "{ viewer { role } }" }));
    assert_eq!(r.send().await.expect("request").status(), 406);
    let r = app.client.post(&url).header("content-type", "text/plain").body(r#"{"query":"{ viewer { role } }"}"#);
    let r = r.send().await.expect("request");
    assert_eq!(r.status(), 415);
    let answer: Value = r.json().await.expect("json");
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}
