//! Thousands of generated requests: random and malformed documents, variables
//! of every wrong type, huge strings, deep nesting, odd Unicode, bodies that are
//! not JSON. None may crash the server or earn a 5xx other than a typed INTERNAL,
//! and the server must answer normally afterwards.

use futures::StreamExt;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

use crate::helpers::spawn_app;

const FIELDS: &[&str] = &[
    "viewer",
    "role",
    "partner",
    "projects",
    "nodes",
    "edges",
    "node",
    "id",
    "name",
    "enterprise",
    "sector",
    "park",
    "agreements",
    "campaigns",
    "report",
    "summary",
    "leads",
    "__schema",
    "__type",
    "types",
    "__typename",
    "totalCount",
    "pageInfo",
    "submitLead",
    "createProject",
    "upgradeAgreement",
    "incentives",
    "eligibleIncentives",
    "nope",
];
const ODD: &[&str] = &["\u{0}", "\u{202E}", "👩‍👩‍👧", "\u{FEFF}", "长三角", "\\", "\"", "\u{10FFFF}", "𝕏", "\r\n"];

fn token(rng: &mut StdRng) -> String {
    match rng.random_range(0..14) {
        0 => "{".into(),
        1 => "}".into(),
        2 => "(".into(),
        3 => ")".into(),
        4 => ":".into(),
        5 => format!("first: {}", rng.random_range(-5i64..200)),
        6 => format!("\"{}\"", ODD[rng.random_range(0..ODD.len())]),
        7 => "...".into(),
        8 => "$v".into(),
        9 => "@skip(if: true)".into(),
        10 => format!("a{}: ", rng.random_range(0..50)),
        _ => FIELDS[rng.random_range(0..FIELDS.len())].into(),
    }
}

fn document(rng: &mut StdRng) -> String {
    match rng.random_range(0..6) {
        // Deep nesting.
        0 => {
            let depth = rng.random_range(5..60);
            format!("{}{}{}", "{ projects { nodes { enterprise ".repeat(depth), "{ id }", " } } }".repeat(depth))
        }
        // A huge string argument.
        1 => format!(
            "{{ projects(filter: {{ search: \"{}\" }}) {{ totalCount }} }}",
            "长".repeat(rng.random_range(1000..40_000))
        ),
        // A mutation with odd input.
        2 => format!(
            "mutation {{ submitLead(input: {{ idempotencyKey: \"{}\", enterpriseName: \"{}\", country: \"{}\" }}) {{ userErrors {{ code }} }} }}",
            ODD[rng.random_range(0..ODD.len())],
            ODD[rng.random_range(0..ODD.len())],
            ODD[rng.random_range(0..ODD.len())]
        ),
        // Random tokens.
        _ => (0..rng.random_range(1..80)).map(|_| token(rng)).collect::<Vec<_>>().join(" "),
    }
}

fn variables(rng: &mut StdRng) -> Value {
    match rng.random_range(0..7) {
        0 => json!({ "v": "not a number" }),
        1 => json!({ "v": [1, 2, 3] }),
        2 => json!({ "v": { "nested": { "deep": true } } }),
        3 => json!({ "v": 1e308 }),
        4 => json!("variables as a string"),
        5 => json!({ "v": ODD[rng.random_range(0..ODD.len())] }),
        _ => Value::Null,
    }
}

enum Body {
    Json(Value),
    Raw(Vec<u8>),
}

fn request(rng: &mut StdRng) -> Body {
    match rng.random_range(0..10) {
        0 => Body::Raw((0..rng.random_range(0..300)).map(|_| rng.random::<u8>()).collect()),
        1 => Body::Raw(b"{\"query\": ".to_vec()),
        2 => Body::Json(json!({ "query": rng.random::<u32>() })),
        3 => Body::Json(json!([{ "query": document(rng) }, "not an operation"])),
        4 => Body::Json(json!({ "variables": variables(rng) })),
        _ => Body::Json(
            json!({ "query": document(rng), "variables": variables(rng), "operationName": FIELDS[rng.random_range(0..FIELDS.len())] }),
        ),
    }
}

#[tokio::test]
async fn thousands_of_malformed_requests_get_typed_answers_and_the_server_survives() {
    let app = spawn_app().await;
    let key = app.key(entity::enums::Role::Staff, None).await;
    let mut rng = StdRng::seed_from_u64(2026_11_26);
    let requests: Vec<(Body, bool)> = (0..2000).map(|_| (request(&mut rng), rng.random_bool(0.5))).collect();
    let url = format!("{}/graphql", app.address);
    let results: Vec<(u16, String)> = futures::stream::iter(requests)
        .map(|(body, with_key)| {
            let mut req = app.client.post(&url).header("content-type", "application/json");
            if with_key {
                req = req.bearer_auth(&key);
            }
            req = match body {
                Body::Json(v) => req.body(v.to_string()),
                Body::Raw(b) => req.body(b),
            };
            async move {
                let r = req.send().await.expect("the server answers");
                let status = r.status().as_u16();
                (status, r.text().await.unwrap_or_default())
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    assert_eq!(results.len(), 2000);
    for (status, text) in &results {
        let body: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON ({status}): {text:.200}"));
        crate::helpers::check_errors(&body);
        if *status >= 500 {
            assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL", "{status}: {text:.300}");
        }
        // Every error carries a code from the catalogue.
        let errors = body
            .as_array()
            .map(|items| {
                items.iter().flat_map(|i| i["errors"].as_array().cloned().unwrap_or_default()).collect::<Vec<_>>()
            })
            .unwrap_or_else(|| body["errors"].as_array().cloned().unwrap_or_default());
        for e in errors {
            assert!(e["extensions"]["code"].is_string(), "error without a code ({status}): {e}");
        }
    }
    let server_errors = results.iter().filter(|(s, _)| *s >= 500).count();
    eprintln!("fuzz: {} requests, {} answered 5xx", results.len(), server_errors);
    let data = app.query(None, "{ viewer { role } }", json!({})).await;
    assert_eq!(data["viewer"]["role"], "PUBLIC");
}
