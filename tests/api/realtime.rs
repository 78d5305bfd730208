//! Subscriptions over graphql-transport-ws, events across processes, and signed
//! webhooks with retries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use entity::enums::Role;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

use crate::helpers::{Fixtures, TestApp, gid, mutate, payload, spawn_app, spawn_app_with};

pub(crate) type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(app: &TestApp) -> Ws {
    let url = format!("{}/graphql/ws", app.address.replace("http://", "ws://"));
    let mut req = url.into_client_request().expect("request");
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (ws, response) = tokio_tungstenite::connect_async(req).await.expect("WebSocket upgrade");
    assert_eq!(response.headers()["sec-websocket-protocol"], "graphql-transport-ws");
    ws
}

/// The next message that is not a ping, as JSON; or the close frame's code.
pub(crate) async fn next(ws: &mut Ws) -> Result<Value, u16> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a message within 10 s");
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).expect("JSON");
                if v["type"] == "ping" {
                    continue;
                }
                return Ok(v);
            }
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code)).unwrap_or(1005)),
            Some(Ok(_)) => continue,
            other => panic!("connection ended: {other:?}"),
        }
    }
}

/// Nothing but pings for `wait`.
async fn quiet(ws: &mut Ws, wait: Duration) {
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(msg) = tokio::time::timeout_at(deadline, ws.next()).await {
        if let Some(Ok(Message::Text(t))) = msg {
            assert!(t.contains("\"ping\""), "unexpected message: {t}");
        }
    }
}

async fn open(app: &TestApp, key: &str, id: &str, query: &str) -> Ws {
    let mut ws = connect(app).await;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {key}") } });
    ws.send(Message::Text(init.to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await.expect("ack")["type"], "connection_ack");
    let sub = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
    ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    // The subscription is in place once the server has read it.
    tokio::time::sleep(Duration::from_millis(300)).await;
    ws
}

/// A lead the partner submits (status SUBMITTED); its global id.
async fn submit(app: &TestApp, key: &str, name: &str) -> Value {
    let input = json!({ "idempotencyKey": name, "enterpriseName": name, "country": "CN" });
    let r = mutate(app, Some(key), "submitLead", input, "lead { id status } userErrors { code }").await;
    let lead = &payload(&r, "submitLead")["lead"];
    assert_eq!(lead["status"], "SUBMITTED", "{}", r.body);
    lead["id"].clone()
}

async fn review(app: &TestApp, staff: &str, lead: &Value, decision: &str) {
    let r = mutate(
        app,
        Some(staff),
        "reviewLead",
        json!({ "leadId": lead, "decision": decision }),
        "lead { status } userErrors { code }",
    )
    .await;
    assert_eq!(payload(&r, "reviewLead")["userErrors"], json!([]), "{}", r.body);
}

const LEADS: &str = "subscription { leadStatusChanged { leadId partnerId status previousStatus } }";

#[tokio::test]
async fn a_partner_hears_of_its_own_leads_only() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let (a, b) = (f.partner("甲协会").await, f.partner("乙机构").await);
    let staff = app.key(Role::Staff, None).await;
    let key_a = app.key(Role::Partner, Some(a)).await;
    let key_b = app.key(Role::Partner, Some(b)).await;
    let (lead_a, lead_b) =
        (submit(&app, &key_a, "甲线索科技有限公司").await, submit(&app, &key_b, "乙线索科技有限公司").await);
    let mut ws = open(&app, &key_a, "leads", LEADS).await;
    let mut staff_ws = open(&app, &staff, "all", LEADS).await;

    review(&app, &staff, &lead_b, "START_REVIEW").await;
    review(&app, &staff, &lead_a, "START_REVIEW").await;

    let got = next(&mut ws).await.expect("an event");
    eprintln!("subscription message: {got}");
    assert_eq!(got["type"], "next");
    assert_eq!(got["id"], "leads");
    let change = &got["payload"]["data"]["leadStatusChanged"];
    assert_eq!(change["leadId"], lead_a, "partner A hears of its own lead first and only: {got}");
    assert_eq!(
        (change["status"].as_str(), change["previousStatus"].as_str()),
        (Some("UNDER_REVIEW"), Some("SUBMITTED"))
    );
    quiet(&mut ws, Duration::from_millis(700)).await;

    // Staff hear of both, in order.
    for lead in [&lead_b, &lead_a] {
        let got = next(&mut staff_ws).await.expect("an event");
        assert_eq!(&got["payload"]["data"]["leadStatusChanged"]["leadId"], lead);
    }
}

#[tokio::test]
async fn a_bad_or_missing_key_closes_with_4403_and_a_revoked_key_is_cut_off() {
    let app = spawn_app().await;
    for payload in [json!({}), json!({ "authorization": "Bearer zs_not_a_key" })] {
        let mut ws = connect(&app).await;
        ws.send(Message::Text(json!({ "type": "connection_init", "payload": payload }).to_string().into()))
            .await
            .expect("send");
        assert_eq!(next(&mut ws).await, Err(4403), "{payload}");
    }
    // A first message that is not connection_init.
    let mut ws = connect(&app).await;
    ws.send(Message::Text(json!({ "type": "subscribe", "id": "1", "payload": { "query": LEADS } }).to_string().into()))
        .await
        .expect("send");
    assert_eq!(next(&mut ws).await, Err(4400));

    // The public may not subscribe: the key is required.
    let admin = app.key(Role::Admin, None).await;
    let f = Fixtures { db: &app.db };
    let partner = f.partner("丙协会").await;
    let key = app.key(Role::Partner, Some(partner)).await;
    let mut ws = open(&app, &key, "leads", LEADS).await;
    let keys = app.query(Some(&admin), "{ apiKeys(first: 50) { nodes { id role } } }", json!({})).await;
    let key_id = keys["apiKeys"]["nodes"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["role"] == "PARTNER")
        .expect("partner key")["id"]
        .clone();
    let r =
        mutate(&app, Some(&admin), "revokeApiKey", json!({ "apiKeyId": key_id }), "apiKey { id } userErrors { code }")
            .await;
    assert_eq!(payload(&r, "revokeApiKey")["userErrors"], json!([]));
    assert_eq!(next(&mut ws).await, Err(4403), "the revoked key's socket is closed");
}

#[tokio::test]
async fn an_agreement_recorded_through_one_process_reaches_subscribers_of_another_once() {
    let a = spawn_app().await;
    let b = a.sibling().await;
    let f = Fixtures { db: &a.db };
    let campaign = f.campaign("2026年11月长三角招商月", "2026-11-01", "2026-11-30", (10, 100, 10)).await;
    let project = f.project("双进程测试项目", 100_000_000_00, false, None, None).await;
    let staff = a.key(Role::Staff, None).await;
    let query = format!(
        "subscription {{ agreementRecorded(campaignId: \"{}\") {{ agreementId projectId campaignId kind totalInvestment }} }}",
        gid("Campaign", campaign)
    );
    let mut on_b = open(&b, &staff, "b", &query).await;
    let mut on_a = open(&a, &staff, "a", &query).await;

    let input = json!({ "projectId": gid("Project", project), "kind": "CONTRACT", "signedOn": "2026-11-12", "totalInvestment": "300000000", "foreignCapital": "0" });
    let r = mutate(&a, Some(&staff), "recordAgreement", input, "agreement { id } userErrors { code }").await;
    let agreement = payload(&r, "recordAgreement")["agreement"]["id"].clone();
    assert!(agreement.is_string(), "{}", r.body);

    for (name, ws) in [("b", &mut on_b), ("a", &mut on_a)] {
        let got = next(ws).await.expect("an event");
        let record = &got["payload"]["data"]["agreementRecorded"];
        assert_eq!(record["agreementId"], agreement, "process {name}: {got}");
        assert_eq!(record["projectId"], gid("Project", project));
        assert_eq!(record["totalInvestment"], "300000000.00");
        quiet(ws, Duration::from_millis(700)).await;
    }
}

/// A webhook receiver on loopback: answers 500 to the first `failures`
/// requests, then 200; keeps every request's headers and body.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) seen: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
}

pub(crate) async fn receiver(failures: usize) -> Receiver {
    let seen: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let log = seen.clone();
    let handler = move |headers: axum::http::HeaderMap, body: String| {
        let log = log.clone();
        async move {
            let mut log = log.lock().expect("lock");
            log.push((headers, body));
            if log.len() <= failures {
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            } else {
                axum::http::StatusCode::OK
            }
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hooks/zhaoshang", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        axum::serve(listener, axum::Router::new().route("/hooks/zhaoshang", axum::routing::post(handler))).await
    });
    Receiver { url, seen }
}

pub(crate) fn webhook_config(c: &mut api::config::Config) {
    c.secret_key = Some("test secret key for webhook secrets".into());
    c.webhook_allow_private = true;
    c.webhook_retry_base_ms = 100;
}

pub(crate) async fn create_webhook(app: &TestApp, key: &str, url: &str) -> (Value, String) {
    let r = mutate(
        app,
        Some(key),
        "createWebhook",
        json!({ "url": url, "events": ["LEAD_STATUS_CHANGED"] }),
        "webhook { id url events } secret userErrors { field code }",
    )
    .await;
    let p = payload(&r, "createWebhook");
    assert_eq!(p["userErrors"], json!([]), "{}", r.body);
    (p["webhook"]["id"].clone(), p["secret"].as_str().expect("secret shown once").to_owned())
}

pub(crate) async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn verify(secret: &str, headers: &axum::http::HeaderMap, body: &str) -> bool {
    use hmac::{Hmac, Mac};
    let timestamp = headers["x-zhaoshang-timestamp"].to_str().expect("timestamp");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    headers["x-zhaoshang-signature"].to_str().ok() == Some(expected.as_str())
}

#[tokio::test]
async fn a_failing_receiver_gets_the_delivery_retried_until_one_signed_delivery_is_accepted() {
    let app = spawn_app_with(webhook_config).await;
    let f = Fixtures { db: &app.db };
    let partner = f.partner("丁协会").await;
    let staff = app.key(Role::Staff, None).await;
    let key = app.key(Role::Partner, Some(partner)).await;
    let lead = submit(&app, &key, "丁线索科技有限公司").await;
    let hook = receiver(2).await;
    let (webhook_id, secret) = create_webhook(&app, &key, &hook.url).await;

    review(&app, &staff, &lead, "START_REVIEW").await;
    wait_for("three attempts", || hook.seen.lock().expect("lock").len() >= 3).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let seen = hook.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 3, "two failures, then one accepted delivery, and no more");
    let delivery = seen[0].0["x-zhaoshang-delivery"].clone();
    let (accepted_headers, accepted_body) = &seen[2];
    eprintln!("accepted webhook request: {accepted_headers:?}\n{accepted_body}");
    for (headers, body) in &seen {
        assert_eq!(headers["x-zhaoshang-delivery"], delivery, "the same event each time");
        assert_eq!(headers["x-zhaoshang-event"], "LEAD_STATUS_CHANGED");
        assert!(verify(&secret, headers, body), "a valid signature: {headers:?}");
        // The same delivery checks out with the Standard Webhooks library.
        let standard = standardwebhooks::Webhook::new(&secret).expect("a Standard Webhooks secret");
        assert!(standard.verify(body.as_bytes(), headers).is_ok(), "a valid webhook-signature: {headers:?}");
        assert_eq!(headers["webhook-id"], delivery);
        let body: Value = serde_json::from_str(body).expect("JSON body");
        assert_eq!(body["type"], "LEAD_STATUS_CHANGED");
        assert_eq!(body["id"], delivery.to_str().expect("id"));
        assert_eq!(body["data"]["leadId"], lead);
        assert_eq!(body["data"]["status"], "UNDER_REVIEW");
    }
    assert!(!verify("whsec_wrong", &seen[2].0, &seen[2].1), "a wrong secret does not verify");
    let wrong = standardwebhooks::Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("secret");
    assert!(wrong.verify(seen[2].1.as_bytes(), &seen[2].0).is_err(), "nor with the library");

    let q = "query($id: ID!) { webhookDeliveries(webhookId: $id) { status attempts lastResponseCode eventId } }";
    let d = app.query(Some(&key), q, json!({ "id": webhook_id })).await;
    assert_eq!(
        d["webhookDeliveries"],
        json!([{ "status": "DELIVERED", "attempts": 3, "lastResponseCode": 200, "eventId": delivery.to_str().expect("id") }])
    );
    // Another partner sees none of it.
    let other = f.partner("戊机构").await;
    let other_key = app.key(Role::Partner, Some(other)).await;
    let d = app.query(Some(&other_key), q, json!({ "id": webhook_id })).await;
    assert_eq!(d["webhookDeliveries"], json!([]));
    let w = app.query(Some(&other_key), "{ webhooks { id } }", json!({})).await;
    assert_eq!(w["webhooks"], json!([]));
    // The secret is stored encrypted, never as given.
    let stored: Vec<entity::webhook::Model> =
        <entity::webhook::Entity as sea_orm::EntityTrait>::find().all(&app.db).await.expect("rows");
    assert!(!stored[0].secret_encrypted.contains(&secret[6..]));
}

#[tokio::test]
async fn deliveries_queued_by_a_process_that_stopped_are_delivered_after_a_restart() {
    // The first process queues the delivery with the change but sends nothing
    // (as one that stopped before its deliverer ran).
    let first = spawn_app_with(|c| {
        webhook_config(c);
        c.webhook_worker = false;
    })
    .await;
    let f = Fixtures { db: &first.db };
    let partner = f.partner("己协会").await;
    let staff = first.key(Role::Staff, None).await;
    let key = first.key(Role::Partner, Some(partner)).await;
    let lead = submit(&first, &key, "己线索科技有限公司").await;
    let hook = receiver(0).await;
    let (webhook_id, secret) = create_webhook(&first, &key, &hook.url).await;
    review(&first, &staff, &lead, "START_REVIEW").await;
    let q = "query($id: ID!) { webhookDeliveries(webhookId: $id) { status attempts } }";
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        first.query(Some(&key), q, json!({ "id": webhook_id })).await["webhookDeliveries"],
        json!([{ "status": "PENDING", "attempts": 0 }])
    );
    assert!(hook.seen.lock().expect("lock").is_empty());

    // The process restarted: a server with its deliverer on the same database.
    let mut config = first.config.clone();
    config.webhook_worker = true;
    let restarted = crate::helpers::spawn_on(config).await;
    wait_for("the queued delivery", || !hook.seen.lock().expect("lock").is_empty()).await;
    let seen = hook.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    assert!(verify(&secret, &seen[0].0, &seen[0].1));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        restarted.query(Some(&key), q, json!({ "id": webhook_id })).await["webhookDeliveries"],
        json!([{ "status": "DELIVERED", "attempts": 1 }])
    );
}

#[tokio::test]
async fn webhooks_may_not_target_private_or_loopback_addresses() {
    let app = spawn_app_with(|c| c.secret_key = Some("k".repeat(32))).await;
    let f = Fixtures { db: &app.db };
    let partner = f.partner("庚协会").await;
    let key = app.key(Role::Partner, Some(partner)).await;
    for url in [
        "http://127.0.0.1:8080/x",
        "http://169.254.169.254/latest",
        "http://10.0.0.5/hook",
        "http://[::1]/x",
        // IPv6 forms that carry a forbidden IPv4 address: NAT64, mapped, 6to4, Teredo.
        "http://[64:ff9b::127.0.0.1]:8080/h",
        "http://[::ffff:169.254.169.254]/latest",
        "http://[2002:a00:5::1]/hook",
        "http://[2001:0:7f00:1::808:808]/x",
        "ftp://example.com/x",
        "http://user:pw@example.com/x",
    ] {
        let r = mutate(
            &app,
            Some(&key),
            "createWebhook",
            json!({ "url": url, "events": ["AGREEMENT_RECORDED"] }),
            "webhook { id } secret userErrors { field code }",
        )
        .await;
        let p = payload(&r, "createWebhook");
        assert_eq!(p["webhook"], Value::Null, "{url}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "url"]), "{url}: {}", r.body);
        assert_eq!(p["userErrors"][0]["code"], "INVALID_FORMAT", "{url}");
    }
    assert_eq!(app.count("webhooks").await, 0);
    // Staff may not register webhooks; the public may not either.
    let staff = app.key(Role::Staff, None).await;
    let r = mutate(&app, Some(&staff), "createWebhook", json!({ "url": "https://example.com/x", "events": ["AGREEMENT_RECORDED"], "partnerId": gid("Partner", partner) }), "webhook { id } userErrors { code }").await;
    assert_eq!(r.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn a_client_that_sends_no_connection_init_is_closed_with_4408() {
    let app = spawn_app().await;
    let mut ws = connect(&app).await;
    let started = std::time::Instant::now();
    let msg = tokio::time::timeout(Duration::from_secs(15), ws.next()).await.expect("closed within 15 s");
    match msg {
        Some(Ok(Message::Close(Some(frame)))) => assert_eq!(u16::from(frame.code), 4408),
        other => panic!("expected a close frame, got {other:?}"),
    }
    assert!(started.elapsed() >= Duration::from_secs(9), "after the 10 s allowed: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_connection_holds_at_most_twenty_subscriptions() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let mut ws = open(&app, &staff, "s0", LEADS).await;
    for i in 1..20 {
        let sub = json!({ "id": format!("s{i}"), "type": "subscribe", "payload": { "query": LEADS } });
        ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    }
    let sub = json!({ "id": "s20", "type": "subscribe", "payload": { "query": LEADS } });
    ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    let refused = next(&mut ws).await.expect("an error message");
    assert_eq!((refused["type"].as_str(), refused["id"].as_str()), (Some("error"), Some("s20")), "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // Completing one makes room for another.
    ws.send(Message::Text(json!({ "id": "s3", "type": "complete" }).to_string().into())).await.expect("send");
    assert_eq!(next(&mut ws).await.expect("complete"), json!({ "type": "complete", "id": "s3" }));
    let sub = json!({ "id": "s21", "type": "subscribe", "payload": { "query": LEADS } });
    ws.send(Message::Text(sub.to_string().into())).await.expect("send");
    quiet(&mut ws, Duration::from_millis(500)).await;
}

/// The close frame's code and reason, skipping pings and other messages.
async fn closed(ws: &mut Ws) -> (u16, String) {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a message within 10 s");
        match msg {
            Some(Ok(Message::Close(Some(frame)))) => return (u16::from(frame.code), frame.reason.to_string()),
            Some(Ok(Message::Close(None))) => return (1005, String::new()),
            Some(Ok(_)) => continue,
            other => panic!("connection ended without a close frame: {other:?}"),
        }
    }
}

#[tokio::test]
async fn after_the_acknowledgement_every_protocol_rule_closes_with_its_code() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let send = |text: String| Message::Text(text.into());

    // A second subscribe with an id in use: 4409, whose reason (quoting the
    // id) stays within the 123 bytes RFC 6455 allows, however long the id.
    let id = "订阅".repeat(100);
    let mut ws = open(&app, &admin, &id, LEADS).await;
    let again = json!({ "id": id, "type": "subscribe", "payload": { "query": LEADS } });
    ws.send(send(again.to_string())).await.expect("send");
    let (code, reason) = closed(&mut ws).await;
    assert_eq!(code, 4409, "{reason}");
    assert!(reason.len() <= 123, "a {}-byte reason", reason.len());
    assert!(reason.starts_with("Subscriber for 订阅"), "{reason}");

    // The same id after the first subscription completed is fine.
    let mut ws = open(&app, &admin, "1", LEADS).await;
    ws.send(send(json!({ "id": "1", "type": "complete" }).to_string())).await.expect("send");
    ws.send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": LEADS } }).to_string()))
        .await
        .expect("send");
    let deadline = tokio::time::Instant::now() + Duration::from_millis(500);
    while let Ok(msg) = tokio::time::timeout_at(deadline, ws.next()).await {
        assert!(!matches!(msg, Some(Ok(Message::Close(_))) | None), "closed: {msg:?}");
    }

    // Each message the protocol does not allow after connection_ack.
    let cases = [
        (json!({ "type": "connection_init", "payload": {} }).to_string(), 4429),
        (json!({ "type": "start", "id": "2", "payload": { "query": LEADS } }).to_string(), 4400),
        (json!({ "type": "subscribe", "payload": { "query": LEADS } }).to_string(), 4400),
        (json!({ "type": "connection_ack" }).to_string(), 4400),
        ("not json".to_owned(), 4400),
    ];
    for (message, expected) in cases {
        let mut ws = open(&app, &admin, "1", LEADS).await;
        ws.send(send(message.clone())).await.expect("send");
        let (code, reason) = closed(&mut ws).await;
        assert_eq!(code, expected, "{message}: {reason}");
        assert!(reason.len() <= 123);
    }
}

#[tokio::test]
async fn a_failed_delivery_shows_its_category_never_the_http_clients_text() {
    let app = spawn_app_with(webhook_config).await;
    let f = Fixtures { db: &app.db };
    let partner = f.partner("己协会").await;
    let staff = app.key(Role::Staff, None).await;
    let key = app.key(Role::Partner, Some(partner)).await;
    let lead = submit(&app, &key, "己线索科技有限公司").await;
    // One receiver that always answers 500, one port where nothing listens.
    let failing = receiver(usize::MAX).await;
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (answering, _) = create_webhook(&app, &key, &failing.url).await;
    let (silent, _) = create_webhook(&app, &key, &format!("http://127.0.0.1:{closed_port}/h")).await;

    review(&app, &staff, &lead, "START_REVIEW").await;
    let q =
        "query($id: ID!) { webhookDeliveries(webhookId: $id) { status attempts failure lastError lastResponseCode } }";
    let mut seen = (Value::Null, Value::Null);
    for _ in 0..100 {
        let a = app.query(Some(&key), q, json!({ "id": answering })).await["webhookDeliveries"][0].clone();
        let s = app.query(Some(&key), q, json!({ "id": silent })).await["webhookDeliveries"][0].clone();
        if a["attempts"].as_i64().unwrap_or(0) >= 1 && s["attempts"].as_i64().unwrap_or(0) >= 1 {
            seen = (a, s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (a, s) = seen;
    assert_eq!(a["status"], "PENDING", "retried later: {a}");
    assert_eq!(
        (&a["failure"], &a["lastError"], &a["lastResponseCode"]),
        (&json!("HTTP_STATUS"), &json!("HTTP 500"), &json!(500))
    );
    assert_eq!(
        (&s["failure"], &s["lastError"], &s["lastResponseCode"]),
        (&json!("CONNECT"), &json!("CONNECT"), &Value::Null),
        "{s}"
    );
}

#[tokio::test]
async fn subscription_items_carry_the_object_as_the_subscriber_may_see_it() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let partner = f.partner("辛协会").await;
    let staff = app.key(Role::Staff, None).await;
    let key = app.key(Role::Partner, Some(partner)).await;
    let lead = submit(&app, &key, "辛线索科技有限公司").await;
    let with_lead = "subscription { leadStatusChanged { leadId lead { id status enterpriseName } } }";
    let mut ws = open(&app, &key, "l", with_lead).await;
    review(&app, &staff, &lead, "START_REVIEW").await;
    let got = next(&mut ws).await.expect("an event");
    let change = &got["payload"]["data"]["leadStatusChanged"];
    assert_eq!(change["lead"]["id"], lead, "{got}");
    assert_eq!(change["lead"]["status"], "UNDER_REVIEW", "{got}");
    assert_eq!(change["lead"]["enterpriseName"], "辛线索科技有限公司", "{got}");

    // An agreement: staff read it whole.
    let campaign = f.campaign("2026年11月长三角招商月", "2026-11-01", "2026-11-30", (10, 100, 10)).await;
    let project = f.project("订阅对象项目", 100_000_000_00, false, None, None).await;
    let query = format!(
        "subscription {{ agreementRecorded(campaignId: \"{}\") {{ agreementId agreement {{ id kind totalInvestment project {{ name }} }} }} }}",
        gid("Campaign", campaign)
    );
    let mut staff_ws = open(&app, &staff, "a", &query).await;
    let input = json!({ "projectId": gid("Project", project), "kind": "CONTRACT", "signedOn": "2026-11-12", "totalInvestment": "300000000", "foreignCapital": "0" });
    let r = mutate(&app, Some(&staff), "recordAgreement", input, "agreement { id } userErrors { code }").await;
    let agreement = payload(&r, "recordAgreement")["agreement"]["id"].clone();
    let got = next(&mut staff_ws).await.expect("an event");
    let record = &got["payload"]["data"]["agreementRecorded"];
    assert_eq!(record["agreement"]["id"], agreement, "{got}");
    assert_eq!(record["agreement"]["kind"], "CONTRACT");
    assert_eq!(record["agreement"]["totalInvestment"], "300000000.00");
    assert_eq!(record["agreement"]["project"]["name"], "订阅对象项目");
}
