//! The security probe's findings, each as a client meets it: one small request
//! must not exhaust the server, every transport passes the same limits, budget
//! and timeout, and nothing a client sends is trusted unchecked.

use std::time::Duration;

use entity::enums::Role;
use futures::SinkExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{Fixtures, TestApp, assert_user_error, mutate, payload, spawn_app, spawn_app_with};
use crate::realtime::{Ws, connect, next};

/// `query{...F0} fragment F0 on Query{...F1 ...F1} … fragment F{n-1} on Query{viewer{role}}`:
/// about 40 bytes a link, and 2^n `viewer` selections when expanded.
fn fragment_chain(n: usize) -> String {
    let mut q = String::from("query{...F0}");
    for i in 0..n - 1 {
        q.push_str(&format!(" fragment F{i} on Query{{...F{j} ...F{j}}}", j = i + 1));
    }
    q.push_str(&format!(" fragment F{} on Query{{viewer{{role}}}}", n - 1));
    q
}

async fn post_json(app: &TestApp, key: Option<&str>, body: Value) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = app.client.post(format!("{}/graphql", app.address)).json(&body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.timeout(Duration::from_secs(30)).send().await.expect("request");
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let text = r.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text:?}"));
    crate::helpers::check_errors(&body);
    (status, headers, body)
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no code in {body}"))
}

/// A socket past `connection_ack`, with `key`.
async fn socket(app: &TestApp, key: &str) -> Ws {
    let mut ws = connect(app).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {key}") } });
    ws.send(Message::Text(init.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await.expect("ack")["type"], "connection_ack");
    ws
}

/// Sends `subscribe` with `query` and returns the first answer to it.
async fn subscribe(ws: &mut Ws, id: &str, query: &str) -> Value {
    let msg = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
    ws.send(Message::Text(msg.to_string().into())).await.expect("send");
    loop {
        let msg = next(ws).await.unwrap_or_else(|code| panic!("closed with {code}"));
        // The `complete` that ends an earlier operation.
        if msg["type"] != "complete" {
            return msg;
        }
    }
}

/// The code of an operation refused on the socket: an `error` message, or a
/// `next` whose payload has no data and an error.
fn ws_code(msg: &Value) -> &str {
    let error = match msg["type"].as_str() {
        Some("error") => &msg["payload"][0],
        Some("next") if msg["payload"]["data"].is_null() => &msg["payload"]["errors"][0],
        _ => panic!("not a refusal: {msg}"),
    };
    error["extensions"]["code"].as_str().unwrap_or_else(|| panic!("no code in {msg}"))
}

async fn partner_key(app: &TestApp) -> String {
    let partner = Fixtures { db: &app.db }.partner("华东化工行业协会").await;
    app.key(Role::Partner, Some(partner)).await
}

#[tokio::test]
async fn over_the_websocket_an_operation_is_refused_for_depth_aliases_and_complexity_exactly_as_over_http() {
    let app = spawn_app().await;
    let key = partner_key(&app).await;
    let mut ws = socket(&app, &key).await;
    let nested =
        format!("{{ viewer {{ {}id{} }} }}", "partner { leads(first: 100) { nodes { ".repeat(5), " } } }".repeat(5));
    let aliases: String = (0..31).map(|i| format!("a{i}: viewer {{ role }} ")).collect();
    let wide = format!("{{ {aliases} }}");
    let chain = fragment_chain(21);
    let subscription_chain =
        "subscription { leadStatusChanged { ...L } } fragment L on LeadStatusChange { leadId partnerId status }";
    for (query, expected) in [
        (chain.as_str(), "QUERY_TOO_COMPLEX"),
        (nested.as_str(), "QUERY_TOO_DEEP"),
        (wide.as_str(), "TOO_MANY_ALIASES"),
    ] {
        let (_, _, http) = post_json(&app, Some(&key), json!({ "query": query })).await;
        assert_eq!(code(&http), expected, "over HTTP: {query}");
        let msg = subscribe(&mut ws, "op", query).await;
        assert_eq!(ws_code(&msg), expected, "over the WebSocket: {query}");
    }
    // A subscription document within the limits is accepted (no answer until an event).
    let msg = json!({ "id": "ok", "type": "subscribe", "payload": { "query": subscription_chain } });
    ws.send(Message::Text(msg.to_string().into())).await.expect("send");
    let answered = tokio::time::timeout(Duration::from_millis(500), async {
        loop {
            match next(&mut ws).await {
                Ok(msg) if msg["id"] != "ok" => continue,
                other => return other,
            }
        }
    })
    .await;
    assert!(answered.is_err(), "a valid subscription gets no immediate answer: {answered:?}");
    // A subscription with too many aliases is refused like such a query.
    let fields: String = (0..31).map(|i| format!("a{i}: leadId ")).collect();
    let msg = subscribe(&mut ws, "wide", &format!("subscription {{ leadStatusChanged {{ {fields} }} }}")).await;
    assert_eq!(ws_code(&msg), "TOO_MANY_ALIASES");
}

#[tokio::test]
async fn a_key_whose_budget_is_spent_is_refused_over_the_websocket_as_over_http() {
    let app = spawn_app_with(|c| c.budget_partner = 50).await;
    let key = partner_key(&app).await;
    // 1 + 60 × 1 points: more than the 50 a minute this key has.
    let q = "{ projects(first: 60) { nodes { id } } }";
    let (status, headers, body) = post_json(&app, Some(&key), json!({ "query": q })).await;
    assert_eq!((status, code(&body)), (429, "RATE_LIMITED"));
    assert!(headers.get("retry-after").is_some());
    let mut ws = socket(&app, &key).await;
    assert_eq!(ws_code(&subscribe(&mut ws, "q", q).await), "RATE_LIMITED");
    // A query within the budget is charged over the socket too: it reports its cost.
    let msg = subscribe(&mut ws, "small", "{ viewer { role } }").await;
    assert_eq!(msg["type"], "next", "{msg}");
    assert_eq!(msg["payload"]["extensions"]["cost"]["requested"], 1, "{msg}");
}

#[tokio::test]
async fn a_subscription_is_charged_to_the_keys_budget_when_it_is_opened() {
    let app = spawn_app_with(|c| c.budget_partner = 0).await;
    let key = partner_key(&app).await;
    let mut ws = socket(&app, &key).await;
    let msg = subscribe(&mut ws, "s", "subscription { leadStatusChanged { leadId } }").await;
    assert_eq!(ws_code(&msg), "RATE_LIMITED");
}

#[tokio::test]
async fn a_fragment_chain_that_doubles_at_each_link_is_refused_by_its_true_cost_without_a_key() {
    let app = spawn_app().await;
    let chain = fragment_chain(26);
    assert!(chain.len() < 1200, "about 1 KB: {}", chain.len());
    // Two at once, as the probe sent them; the health check answers meanwhile.
    let a = post_json(&app, None, json!({ "query": chain }));
    let b = post_json(&app, None, json!({ "query": chain }));
    let health = async {
        let r = app.client.get(format!("{}/healthz", app.address)).timeout(Duration::from_secs(5)).send().await;
        r.expect("health answers").status().as_u16()
    };
    let ((sa, _, ba), (sb, _, bb), h) = tokio::join!(a, b, health);
    assert_eq!((sa, code(&ba)), (200, "QUERY_TOO_COMPLEX"));
    assert_eq!((sb, code(&bb)), (200, "QUERY_TOO_COMPLEX"));
    // Refused for its size once expanded (2^26 spreads), before anything walks it expanded.
    assert!(ba["errors"][0]["message"].as_str().is_some_and(|m| m.contains("expanded")), "{ba}");
    assert_eq!(h, 200);
    // Ending in a scalar, the chain costs no object, but it is refused for
    // its size once expanded, before async-graphql's own checks walk it.
    let scalar_chain = fragment_chain(31).replace("viewer{role}", "__typename");
    let (status, _, body) = post_json(&app, None, json!({ "query": scalar_chain })).await;
    assert_eq!((status, code(&body)), (200, "QUERY_TOO_COMPLEX"));
    assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("expanded")), "{body}");
}

#[tokio::test]
async fn a_document_with_too_many_fragments_or_selections_is_refused_before_it_is_walked() {
    let app = spawn_app().await;
    let fragments: String = (0..201).map(|i| format!(" fragment G{i} on Query {{ viewer {{ role }} }}")).collect();
    let (_, _, body) = post_json(&app, None, json!({ "query": format!("{{ viewer {{ role }} }}{fragments}") })).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
    assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("fragments")), "{body}");
    let fields: String = (0..5001).map(|_| "__typename ").collect();
    let (_, _, body) = post_json(&app, None, json!({ "query": format!("{{ {fields} }}") })).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
}

/// GraphiQL's introspection query.
const INTROSPECTION: &str = "query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name } types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason } inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

#[tokio::test]
async fn plain_lists_and_introspection_are_charged_what_they_return_and_their_aliases_count() {
    let app = spawn_app().await;
    let key = app.key(Role::Staff, None).await;
    // One full introspection: charged by the schema's size, and `actual` is what came back.
    let q = "{ __schema { types { name fields { name type { name } } } } }";
    let (status, _, body) = post_json(&app, Some(&key), json!({ "query": q })).await;
    assert_eq!(status, 200, "{body}");
    let types = body["data"]["__schema"]["types"].as_array().expect("types");
    let fields: usize = types.iter().map(|t| t["fields"].as_array().map_or(0, |f| f.len())).sum();
    let cost = &body["extensions"]["cost"];
    assert_eq!(cost["actual"], json!(1 + types.len() + 2 * fields), "every type, field and field type: {cost}");
    let requested = cost["requested"].as_u64().expect("requested");
    assert!(requested >= types.len() as u64 * 2, "a list is charged per item, not as one object: {cost}");
    // GraphiQL's full introspection runs; thirty aliases of it are refused before anything runs.
    let (status, _, body) = post_json(&app, Some(&key), json!({ "query": INTROSPECTION })).await;
    assert_eq!(status, 200, "{}", body["errors"]);
    let cost = &body["extensions"]["cost"];
    assert!(cost["requested"].as_u64() >= cost["actual"].as_u64().map(|a| a / 2), "{cost}");
    let many: String = (0..30).map(|i| format!("s{i}: __schema {{ ...Schema }} ")).collect();
    let fragments = &INTROSPECTION[INTROSPECTION.find("fragment").expect("fragments")..];
    let q = format!("{{ {many} }} fragment Schema on __Schema {{ types {{ ...FullType }} }} {fragments}");
    let (_, _, body) = post_json(&app, Some(&key), json!({ "query": q })).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{}", body["errors"][0]["message"]);
    // Aliases inside a connection's nodes and edges count against the cap.
    let inner: String = (0..31).map(|i| format!("f{i}: id ")).collect();
    for q in [
        format!("{{ projects {{ nodes {{ {inner} }} }} }}"),
        format!("{{ projects {{ edges {{ node {{ {inner} }} }} }} }}"),
    ] {
        let (_, _, body) = post_json(&app, Some(&key), json!({ "query": q })).await;
        assert_eq!(code(&body), "TOO_MANY_ALIASES");
    }
    // `nodes(ids:)` is charged per id.
    let ids: Vec<String> = (1..=50).map(|i| crate::helpers::gid("Project", i)).collect();
    let (_, _, body) = post_json(
        &app,
        Some(&key),
        json!({ "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": { "ids": ids } }),
    )
    .await;
    assert_eq!(body["extensions"]["cost"]["requested"], 50, "{body}");
}

#[tokio::test]
async fn a_list_valued_shape_is_charged_what_its_connection_twin_is() {
    let app = spawn_app().await;
    let key = app.key(Role::Staff, None).await;
    let each = "agreements(first: 100) { nodes { id } } stageHistory(first: 100) { nodes { id } }";
    let ids: Vec<String> = (1..=100).map(|i| crate::helpers::gid("Project", i)).collect();
    let list = format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on Project {{ {each} }} }} }}");
    let connection = format!("{{ projects(first: 100) {{ nodes {{ {each} }} }} }}");
    let (_, _, by_ids) = post_json(&app, Some(&key), json!({ "query": list, "variables": { "ids": ids } })).await;
    let (_, _, paged) = post_json(&app, Some(&key), json!({ "query": connection })).await;
    let requested = |b: &Value| b["extensions"]["cost"]["requested"].as_u64().unwrap_or(0);
    // Per project: itself, and two connections of 1 + 100 nodes each.
    assert_eq!(requested(&paged), 1 + 100 * (1 + 2 * 101), "{paged}");
    // The same hundred projects by id: the connection's own point aside, the same.
    assert_eq!(requested(&by_ids), 100 * (1 + 2 * 101), "{by_ids}");
}

#[tokio::test]
async fn an_answer_larger_than_the_response_cap_is_refused_with_a_typed_error_and_so_is_a_batchs_sum() {
    let app = spawn_app_with(|c| c.max_response_bytes = 12_000).await;
    let key = app.key(Role::Staff, None).await;
    let full = "{ __schema { types { name description fields { name description } } } }";
    let (status, _, body) = post_json(&app, Some(&key), json!({ "query": full })).await;
    assert_eq!((status, code(&body)), (200, "RESPONSE_TOO_LARGE"));
    assert!(body.get("data").is_none_or(Value::is_null), "no partial answer: {body}");
    // Each operation fits alone; together they do not.
    let part = json!({ "query": "{ __schema { types { name } } }" });
    let (_, _, one) = post_json(&app, Some(&key), part.clone()).await;
    let size = one["data"].to_string().len();
    assert!(size < 12_000 && size * 3 > 12_000, "{size}");
    let (status, _, batch) = post_json(&app, Some(&key), json!([part.clone(), part.clone(), part])).await;
    assert_eq!(status, 200);
    assert!(batch[0]["data"]["__schema"].is_object(), "{}", batch[0]);
    assert_eq!(code(&batch[2]), "RESPONSE_TOO_LARGE");
}

#[tokio::test]
async fn an_answer_made_mostly_of_scalars_in_lists_is_measured_by_its_scalars() {
    // Leaves below the root resolve without the per-field hook; their bytes
    // must still count toward the cap.
    let app = spawn_app_with(|c| c.max_response_bytes = 3_000).await;
    app.load_demo().await;
    let key = app.key(Role::Staff, None).await;
    let small = json!({ "query": "{ projects(first: 2) { nodes { id name } } }" });
    let (_, _, fits) = post_json(&app, Some(&key), small).await;
    assert_eq!(fits["data"]["projects"]["nodes"].as_array().map(Vec::len), Some(2), "{fits}");
    let large = json!({ "query": "{ projects(first: 100) { nodes { id name stage plannedInvestment } } }" });
    let (status, _, body) = post_json(&app, Some(&key), large).await;
    assert_eq!((status, code(&body)), (200, "RESPONSE_TOO_LARGE"), "{body}");
    assert!(body.get("data").is_none_or(Value::is_null), "no partial answer: {body}");
}

#[tokio::test]
async fn a_scalar_holding_an_object_and_typename_count_toward_the_cap_in_full() {
    let app = spawn_app_with(|c| c.max_response_bytes = 600).await;
    app.load_demo().await;
    let key = app.key(Role::Staff, None).await;
    let (_, _, ids) = post_json(&app, Some(&key), json!({ "query": "{ parks(first: 10) { nodes { id } } }" })).await;
    assert_eq!(ids["data"]["parks"]["nodes"].as_array().map(Vec::len), Some(3), "{ids}");
    // Each park's boundary is a GeoJSON polygon (an object, as the scalar's value).
    let shapes = json!({ "query": "{ parks(first: 10) { nodes { id boundary } } }" });
    let (_, _, body) = post_json(&app, Some(&key), shapes).await;
    assert_eq!(code(&body), "RESPONSE_TOO_LARGE", "{body}");
    let names = "{ projects(first: 50) { nodes { a: __typename b: __typename c: __typename d: __typename } } }";
    let (_, _, body) = post_json(&app, Some(&key), json!({ "query": names })).await;
    assert_eq!(code(&body), "RESPONSE_TOO_LARGE", "{body}");
}

#[tokio::test]
async fn the_legacy_start_message_is_refused_so_the_subscription_cap_cannot_be_bypassed() {
    let app = spawn_app().await;
    let key = partner_key(&app).await;
    let mut ws = socket(&app, &key).await;
    let start =
        json!({ "id": "1", "type": "start", "payload": { "query": "subscription { leadStatusChanged { leadId } }" } });
    ws.send(Message::Text(start.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await, Err(4400));
    // A second connection_init, and a subscriber id in use, close the socket too.
    let mut ws = socket(&app, &key).await;
    let init = json!({ "type": "connection_init", "payload": {} });
    ws.send(Message::Text(init.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await, Err(4429));
    let mut ws = socket(&app, &key).await;
    let sub = json!({ "id": "same", "type": "subscribe", "payload": { "query": "subscription { leadStatusChanged { leadId } }" } });
    ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await, Err(4409));
}

#[tokio::test]
async fn a_websocket_message_is_bounded_before_authentication() {
    let app = spawn_app().await;
    // Larger than a request body may be: the connection is cut, not read whole.
    let mut ws = connect(&app).await;
    let huge = format!("{{\"type\":\"connection_init\",\"payload\":{{\"x\":\"{}\"}}}}", "a".repeat(2 * 1024 * 1024));
    let _ = ws.send(Message::Text(huge.into())).await;
    let closed =
        tokio::time::timeout(Duration::from_secs(5), futures::StreamExt::next(&mut ws)).await.expect("closed in time");
    assert!(
        matches!(closed, None | Some(Err(_)) | Some(Ok(Message::Close(_)))),
        "a 2 MiB message ends the connection: {closed:?}"
    );
    // A connection_init over 8 KiB is refused before its key is looked at.
    let mut ws = connect(&app).await;
    let big =
        json!({ "type": "connection_init", "payload": { "authorization": "Bearer x", "pad": "a".repeat(10_000) } });
    ws.send(Message::Text(big.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await, Err(4400));
    let (status, _, _) = post_json(&app, None, json!({ "query": "{ viewer { role } }" })).await;
    assert_eq!(status, 200, "the server still answers");
}

#[tokio::test]
async fn a_socket_is_closed_with_4403_when_its_key_expires() {
    let app = spawn_app().await;
    let partner = Fixtures { db: &app.db }.partner("珠三角招商服务中心").await;
    let expires = chrono::Utc::now() + chrono::Duration::seconds(2);
    let key = api::service::api_key::create(&app.db, "short", Role::Partner, Some(partner), None, Some(expires))
        .await
        .expect("key")
        .secret;
    let mut ws = socket(&app, &key).await;
    let sub = json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { leadStatusChanged { leadId } }" } });
    ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await, Err(4403));
    assert!(chrono::Utc::now() >= expires, "closed at expiry, not before");
}

#[tokio::test]
async fn a_variables_default_is_what_the_cost_counts() {
    let app = spawn_app().await;
    let (_, _, body) =
        post_json(&app, None, json!({ "query": "query($n: Int = 100) { projects(first: $n) { nodes { id } } }" }))
            .await;
    assert_eq!(body["extensions"]["cost"]["requested"], 101, "{body}");
    let key = app.key(Role::Staff, None).await;
    let nested = "query($n: Int = 100) { projects(first: $n) { nodes { agreements(first: $n) { nodes { project { stageHistory(first: $n) { nodes { note } } } } } } } }";
    let (_, _, body) = post_json(&app, Some(&key), json!({ "query": nested })).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
    // A default page size over the cap is refused as if written literally.
    let (_, _, body) =
        post_json(&app, None, json!({ "query": "query($n: Int = 500) { projects(first: $n) { nodes { id } } }" }))
            .await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn the_time_limit_covers_a_whole_batch_of_cpu_bound_introspection() {
    let app = spawn_app_with(|c| c.request_timeout_secs = 0).await;
    let key = app.key(Role::Staff, None).await;
    let op = json!({ "query": "{ __schema { types { name fields { name args { name } } } } }" });
    let (status, _, body) = post_json(&app, Some(&key), Value::Array(vec![op; 10])).await;
    assert_eq!(status, 504, "{body}");
    for answer in body.as_array().expect("a batch answer") {
        assert_eq!(code(answer), "TIMEOUT");
    }
    // Over the socket as well.
    let mut ws = socket(&app, &key).await;
    let msg = subscribe(&mut ws, "t", "{ __schema { types { name } } }").await;
    assert_eq!(msg["payload"]["errors"][0]["extensions"]["code"], "TIMEOUT", "{msg}");
}

/// Reads until the server closes the connection; how long that took.
async fn closed_after(stream: &mut tokio::net::TcpStream, within: Duration) -> Duration {
    let started = tokio::time::Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(started + within, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("still open after {within:?}"),
        }
    }
}

#[tokio::test]
async fn silent_and_trickling_connections_are_closed_by_the_read_timeouts() {
    let app = spawn_app_with(|c| {
        c.header_read_timeout_secs = 1;
        c.body_read_timeout_secs = 1;
    })
    .await;
    let addr = app.address.trim_start_matches("http://").to_owned();
    // Nothing at all.
    let mut silent = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    closed_after(&mut silent, Duration::from_secs(5)).await;
    // One header byte every half second.
    let mut trickle = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let dripping = async {
        for b in b"POST /graphql HTTP/1.1\r\nHost: x\r\n" {
            if trickle.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(4), dripping).await;
    closed_after(&mut trickle, Duration::from_secs(3)).await;
    // Headers in time, then a body that stops: 408 with a typed error.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.expect("connect");
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{";
    slow.write_all(head.as_bytes()).await.expect("write");
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), slow.read_to_string(&mut answer))
        .await
        .expect("answered")
        .expect("read");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"TIMEOUT\""), "{answer}");
}

#[tokio::test]
async fn control_and_bidi_override_characters_are_refused_on_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let key = partner_key(&app).await;
    let staff = app.key(Role::Admin, None).await;
    let leads_before = app.count("leads").await;
    for (field, value) in [
        ("enterpriseName", "宁德\u{0}时代"),
        ("enterpriseName", "\u{7}Bell Corp"),
        ("description", "\u{1b}[31mred"),
        ("contactName", "\u{202e}gnp.exe"),
        ("idempotencyKey", "k\u{0}1"),
    ] {
        let mut input = json!({ "idempotencyKey": "k1", "enterpriseName": "正常企业", "country": "CN" });
        input[field] = json!(value);
        let r = mutate(&app, Some(&key), "submitLead", input, "lead { id } userErrors { field code }").await;
        let p = payload(&r, "submitLead");
        assert_user_error(p, "INVALID_FORMAT", &["input", field]);
        assert!(p["lead"].is_null());
    }
    assert_eq!(app.count("leads").await, leads_before, "nothing written");
    let r = mutate(
        &app,
        Some(&staff),
        "createPark",
        json!({ "name": "园区\u{0}" }),
        "park { id } userErrors { field code }",
    )
    .await;
    assert_user_error(payload(&r, "createPark"), "INVALID_FORMAT", &["input", "name"]);
    let long_key = "k".repeat(201);
    let input = json!({ "idempotencyKey": long_key, "enterpriseName": "长键企业", "country": "CN" });
    let r = mutate(&app, Some(&key), "submitLead", input, "lead { id } userErrors { field code }").await;
    assert_user_error(payload(&r, "submitLead"), "OUT_OF_RANGE", &["input", "idempotencyKey"]);
    // A filter's text, without a key: a validation error, on both databases alike.
    for search in ["\u{0}".to_owned(), "长".repeat(60_000)] {
        let (status, _, body) = post_json(
            &app,
            None,
            json!({ "query": "query($s: String) { projects(filter: { search: $s }) { totalCount } }", "variables": { "s": search } }),
        )
        .await;
        assert_eq!((status, code(&body)), (200, "GRAPHQL_VALIDATION_FAILED"), "{body}");
    }
}

#[tokio::test]
async fn a_clients_request_id_is_kept_only_when_well_formed_and_the_audit_trail_records_the_servers() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let staff = app.key(Role::Admin, None).await;
    for client_id in ["x".repeat(100), "bad id with spaces".to_owned(), "trace-4711".to_owned()] {
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&staff)
            .header("x-request-id", &client_id)
            .json(&json!({ "query": "mutation($n: String!) { createPark(input: { name: $n }) { park { id } userErrors { code } } }", "variables": { "n": format!("园区{}", client_id.len()) } }))
            .send()
            .await
            .expect("request");
        let echoed = r.headers()["x-request-id"].to_str().expect("ascii").to_owned();
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["data"]["createPark"]["userErrors"], json!([]), "{body}");
        assert_eq!(echoed == client_id, client_id == "trace-4711", "echoed {echoed:?} for {client_id:?}");
        assert!(echoed.len() <= 64);
    }
    let audit = entity::audit_log::Entity::find().all(&app.db).await.expect("audit");
    assert_eq!(audit.len(), 3);
    for entry in audit {
        let id = entry.request_id.expect("a request id");
        assert_eq!(id.len(), 32, "the server's own id: {id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let app = spawn_app().await;
    let key = app.key(Role::Staff, None).await;
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("authorization", format!("{scheme} {key}"))
            .json(&json!({ "query": "{ viewer { role } }" }))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "{scheme}");
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["data"]["viewer"]["role"], "STAFF", "{scheme}");
    }
}

#[tokio::test]
async fn a_refused_webhook_target_names_no_address_and_no_server_setting() {
    let app = spawn_app_with(|c| c.secret_key = Some("k".repeat(32))).await;
    let key = partner_key(&app).await;
    let r = mutate(
        &app,
        Some(&key),
        "createWebhook",
        json!({ "url": "http://localhost:9/hook", "events": ["LEAD_STATUS_CHANGED"] }),
        "webhook { id } userErrors { field code message }",
    )
    .await;
    let p = payload(&r, "createWebhook");
    assert_user_error(p, "INVALID_FORMAT", &["input", "url"]);
    let message = p["userErrors"][0]["message"].as_str().expect("message");
    assert!(!message.contains("127.0.0.1") && !message.contains("::1"), "{message}");
    // Without a secret key on the server: refused without naming the setting.
    let app = spawn_app_with(|c| c.webhook_allow_private = true).await;
    let key = partner_key(&app).await;
    let r = mutate(
        &app,
        Some(&key),
        "createWebhook",
        json!({ "url": "http://127.0.0.1:9/hook", "events": ["LEAD_STATUS_CHANGED"] }),
        "webhook { id } userErrors { field code message }",
    )
    .await;
    assert!(!r.body.to_string().contains("ZHAOSHANG"), "{}", r.body);
    assert!(r.body["errors"][0]["message"].as_str().is_some(), "{}", r.body);
}

#[tokio::test]
async fn answers_are_not_cached_or_sniffed_and_graphiql_cannot_be_framed() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let r =
        app.client.get(format!("{}/graphql", app.address)).header("accept", "text/html").send().await.expect("request");
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("connect-src 'self'"), "{csp}");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn only_the_json_media_type_itself_is_accepted_as_json() {
    let app = spawn_app().await;
    let body = json!({ "query": "{ viewer { role } }" }).to_string();
    for (content_type, expected) in [
        ("application/json", 200),
        ("application/json; charset=utf-8", 200),
        ("Application/JSON", 200),
        ("application/jsonx", 415),
        ("application/json-seq", 415),
        ("application/json5", 415),
    ] {
        let r = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .expect("request");
        assert_eq!(r.status().as_u16(), expected, "{content_type}");
    }
}

#[tokio::test]
async fn a_mutation_is_charged_by_the_rows_it_may_write_and_its_root_fields_are_capped() {
    let app = spawn_app().await;
    let key = partner_key(&app).await;
    let leads: Vec<Value> = (0..100)
        .map(
            |i| json!({ "idempotencyKey": format!("k{i}"), "enterpriseName": format!("批量企业{i}"), "country": "CN" }),
        )
        .collect();
    let q = "mutation($l: [SubmitLeadInput!]!) { submitLeads(input: { leads: $l }) { results { lead { id } } } }";
    let (_, _, body) = post_json(&app, Some(&key), json!({ "query": q, "variables": { "l": leads } })).await;
    let requested = body["extensions"]["cost"]["requested"].as_u64().expect("cost");
    assert!(requested >= 1_000, "100 rows at 10 points each: {requested}");
    // Eleven root fields of one mutation are refused before any runs.
    let many: String = (0..11)
        .map(|i| format!("m{i}: submitLead(input: {{ idempotencyKey: \"a{i}\", enterpriseName: \"别名企业{i}\", country: \"CN\" }}) {{ lead {{ id }} }} "))
        .collect();
    let before = app.count("leads").await;
    let (_, _, body) = post_json(&app, Some(&key), json!({ "query": format!("mutation {{ {many} }}") })).await;
    assert_eq!(code(&body), "TOO_MANY_ALIASES");
    assert_eq!(app.count("leads").await, before, "nothing written");
}

#[tokio::test]
async fn only_a_demo_load_prints_a_key_and_the_demo_key_expires() {
    let app = spawn_app().await;
    let run = |port: u16| {
        let url = app.config.database_url.clone();
        async move {
            let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
                .args(["serve", "--demo"])
                .env("ZHAOSHANG_DATABASE_URL", url)
                .env("ZHAOSHANG_LISTEN", format!("127.0.0.1:{port}"))
                .env("ZHAOSHANG_LOG", "warn")
                .stdout(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("start zhaoshang serve --demo");
            let mut out = child.stdout.take().expect("stdout");
            let mut printed = String::new();
            let mut buf = [0u8; 4096];
            let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
            while !printed.contains("GraphiQL") || !printed.ends_with("\n\n") {
                match tokio::time::timeout_at(deadline, out.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => printed.push_str(&String::from_utf8_lossy(&buf[..n])),
                    _ => break,
                }
            }
            child.kill().await.expect("kill");
            printed
        }
    };
    let free = || std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let first = run(free()).await;
    assert!(first.contains("demo ADMIN key:  zs_"), "{first}");
    let second = run(free()).await;
    assert!(second.contains("GraphiQL") && !second.contains("zs_"), "no new key on a restart: {second}");
    use sea_orm::EntityTrait;
    let keys = entity::api_key::Entity::find().all(&app.db).await.expect("keys");
    let demo: Vec<_> = keys.iter().filter(|k| k.role == Role::Admin).collect();
    assert_eq!(demo.len(), 1, "one ADMIN key");
    let expires = demo[0].expires_at.expect("the demo key expires");
    let days = (expires - chrono::Utc::now()).num_days();
    assert!((29..=30).contains(&days), "{days}");
}
