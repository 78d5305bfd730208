//! Partners' leads: submission, idempotency, duplicates, review, conversion.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, assert_user_error, gid, mutate, payload, spawn_app};

const LEAD: &str = "clientMutationId lead { id status enterpriseName uscc country reason duplicateOf { id } } userErrors { field message code }";

fn lead_input(key: &str, name: &str) -> Value {
    json!({ "idempotencyKey": key, "enterpriseName": name, "country": "CN", "clientMutationId": "m1",
            "uscc": "91350100M000100Y43", "estimatedInvestment": "50000000.00", "contactName": "周明" })
}

async fn partner_key(app: &TestApp, name: &str) -> (i64, String) {
    let pid = Fixtures { db: &app.db }.partner(name).await;
    (pid, app.key(Role::Partner, Some(pid)).await)
}

#[tokio::test]
async fn a_partner_submits_a_lead_and_sees_it() {
    let app = spawn_app().await;
    let (_, key) = partner_key(&app, "协会甲").await;
    let audits = app.count("audit_log").await;
    let r = mutate(&app, Some(&key), "submitLead", lead_input("k1", "福州新材料有限公司"), LEAD).await;
    let p = payload(&r, "submitLead");
    assert_eq!(p["clientMutationId"], "m1");
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["lead"]["status"], "SUBMITTED");
    assert_eq!(p["lead"]["uscc"], "91350100M000100Y43");
    assert!(p["lead"]["duplicateOf"].is_null());
    assert_eq!(app.count("audit_log").await, audits + 1);
    let data =
        app.query(Some(&key), "{ leads { totalCount nodes { enterpriseName contact { name } } } }", json!({})).await;
    assert_eq!(data["leads"]["totalCount"], 1);
    assert_eq!(data["leads"]["nodes"][0]["contact"]["name"], "周明");
}

#[tokio::test]
async fn resubmitting_with_the_same_key_returns_the_first_lead_and_writes_nothing() {
    let app = spawn_app().await;
    let (_, key) = partner_key(&app, "协会甲").await;
    let first = mutate(&app, Some(&key), "submitLead", lead_input("k1", "福州新材料有限公司"), LEAD).await;
    let audits = app.count("audit_log").await;
    let again = mutate(&app, Some(&key), "submitLead", lead_input("k1", "福州新材料有限公司"), LEAD).await;
    assert_eq!(payload(&again, "submitLead")["lead"]["id"], payload(&first, "submitLead")["lead"]["id"]);
    assert_eq!(app.count("leads").await, 1);
    assert_eq!(app.count("audit_log").await, audits, "a replay writes no audit entry");

    let conflict = mutate(&app, Some(&key), "submitLead", lead_input("k1", "另一家公司"), LEAD).await;
    let p = payload(&conflict, "submitLead");
    assert_user_error(p, "IDEMPOTENCY_CONFLICT", &["input", "idempotencyKey"]);
    assert!(p["lead"].is_null());
    assert_eq!(app.count("leads").await, 1);
}

#[tokio::test]
async fn twenty_racing_submissions_with_one_key_leave_one_lead() {
    let app = spawn_app().await;
    let (_, key) = partner_key(&app, "协会甲").await;
    let audits = app.count("audit_log").await;
    let calls = (0..20).map(|_| mutate(&app, Some(&key), "submitLead", lead_input("race", "竞速科技有限公司"), LEAD));
    let results = futures::future::join_all(calls).await;
    let ids: std::collections::HashSet<String> = results
        .iter()
        .map(|r| {
            let p = payload(r, "submitLead");
            assert_eq!(p["userErrors"], json!([]), "{p}");
            p["lead"]["id"].as_str().expect("id").to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every answer names the same lead");
    assert_eq!(app.count("leads").await, 1);
    assert_eq!(app.count("audit_log").await, audits + 1);
}

#[tokio::test]
async fn the_same_key_from_two_partners_makes_two_leads() {
    let app = spawn_app().await;
    let (_, a) = partner_key(&app, "协会甲").await;
    let (_, b) = partner_key(&app, "机构乙").await;
    mutate(&app, Some(&a), "submitLead", lead_input("k", "甲公司"), LEAD).await;
    let r = mutate(
        &app,
        Some(&b),
        "submitLead",
        json!({ "idempotencyKey": "k", "enterpriseName": "乙公司", "country": "DE" }),
        LEAD,
    )
    .await;
    assert_eq!(payload(&r, "submitLead")["lead"]["status"], "SUBMITTED");
    assert_eq!(app.count("leads").await, 2);
}

#[tokio::test]
async fn a_lead_for_a_known_enterprise_or_an_open_lead_is_a_duplicate() {
    let app = spawn_app().await;
    let (_, a) = partner_key(&app, "协会甲").await;
    let (_, b) = partner_key(&app, "机构乙").await;
    Fixtures { db: &app.db }.enterprise("Nordwind Components GmbH", "DE").await;
    // Same enterprise by name, other case, width and company form.
    let r = mutate(
        &app,
        Some(&a),
        "submitLead",
        json!({ "idempotencyKey": "1", "enterpriseName": "ＮＯＲＤＷＩＮＤ components Co., Ltd.", "country": "DE" }),
        LEAD,
    )
    .await;
    let p = payload(&r, "submitLead");
    assert_eq!(p["lead"]["status"], "DUPLICATE");
    assert!(p["lead"]["reason"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(p["lead"]["duplicateOf"].is_null(), "the link is staff-only");

    // Same USCC as another partner's open lead, under another name.
    mutate(&app, Some(&a), "submitLead", lead_input("2", "福州新材料有限公司"), LEAD).await;
    let r = mutate(&app, Some(&b), "submitLead", lead_input("3", "福州新材料股份公司"), LEAD).await;
    let dup = payload(&r, "submitLead")["lead"]["id"].clone();
    assert_eq!(payload(&r, "submitLead")["lead"]["status"], "DUPLICATE");

    let staff = app.key(Role::Staff, None).await;
    let data = app
        .query(
            Some(&staff),
            "query($id: ID!) { node(id: $id) { ... on Lead { duplicateOf { enterpriseName } } } }",
            json!({ "id": dup }),
        )
        .await;
    assert_eq!(data["node"]["duplicateOf"]["enterpriseName"], "福州新材料有限公司");
}

#[tokio::test]
async fn invalid_leads_are_user_errors_with_field_paths_and_nothing_is_written() {
    let app = spawn_app().await;
    let (_, key) = partner_key(&app, "协会甲").await;
    let audits = app.count("audit_log").await;
    let long = "长".repeat(201);
    let cases: Vec<(Value, &str, Vec<&str>)> = vec![
        (json!({ "uscc": "91350100M000100Y44" }), "INVALID_FORMAT", vec!["input", "uscc"]),
        (json!({ "uscc": "123" }), "INVALID_FORMAT", vec!["input", "uscc"]),
        (json!({ "country": "XX" }), "INVALID_FORMAT", vec!["input", "country"]),
        (json!({ "country": "DE" }), "INVALID_FORMAT", vec!["input", "uscc"]),
        (json!({ "estimatedInvestment": "-5" }), "OUT_OF_RANGE", vec!["input", "estimatedInvestment"]),
        (json!({ "estimatedInvestment": "五千万" }), "INVALID_FORMAT", vec!["input", "estimatedInvestment"]),
        (json!({ "estimatedInvestment": "1.001" }), "INVALID_FORMAT", vec!["input", "estimatedInvestment"]),
        (json!({ "enterpriseName": "  " }), "REQUIRED", vec!["input", "enterpriseName"]),
        (json!({ "enterpriseName": long }), "OUT_OF_RANGE", vec!["input", "enterpriseName"]),
        (json!({ "idempotencyKey": "" }), "REQUIRED", vec!["input", "idempotencyKey"]),
        (json!({ "contactEmail": "not-an-address" }), "INVALID_FORMAT", vec!["input", "contactEmail"]),
        (json!({ "sectorId": gid("Sector", 9999) }), "NOT_FOUND", vec!["input", "sectorId"]),
        (json!({ "sectorId": "garbage" }), "NOT_FOUND", vec!["input", "sectorId"]),
    ];
    for (k, (change, code, path)) in cases.into_iter().enumerate() {
        let mut input = lead_input(&format!("bad-{k}"), "福州新材料有限公司");
        for (f, v) in change.as_object().expect("object") {
            input[f] = v.clone();
        }
        let r = mutate(&app, Some(&key), "submitLead", input, LEAD).await;
        assert_eq!(r.status, 200);
        let p = payload(&r, "submitLead");
        assert_user_error(p, code, &path);
        assert!(p["lead"].is_null());
        assert_eq!(p["clientMutationId"], "m1");
    }
    assert_eq!(app.count("leads").await, 0);
    assert_eq!(app.count("audit_log").await, audits);
}

#[tokio::test]
async fn messages_are_chinese_and_english_on_request() {
    let app = spawn_app().await;
    let (_, key) = partner_key(&app, "协会甲").await;
    let mut input = lead_input("x", "甲公司");
    input["country"] = json!("XX");
    let r = mutate(&app, Some(&key), "submitLead", input.clone(), LEAD).await;
    let zh = payload(&r, "submitLead")["userErrors"][0]["message"].as_str().expect("message").to_owned();
    assert!(zh.contains("代码"), "{zh}");
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&key)
        .header("accept-language", "en-GB,en;q=0.9")
        .json(&json!({ "query": format!("mutation($input: SubmitLeadInput!) {{ submitLead(input: $input) {{ {LEAD} }} }}"), "variables": { "input": input } }))
        .send()
        .await
        .expect("request");
    let body: Value = resp.json().await.expect("json");
    let en = body["data"]["submitLead"]["userErrors"][0]["message"].as_str().expect("message");
    assert!(en.contains("ISO 3166"), "{en}");
}

#[tokio::test]
async fn submit_leads_answers_each_item_in_order_in_its_own_transaction() {
    let app = spawn_app().await;
    let (_, key) = partner_key(&app, "协会甲").await;
    let leads = json!([
        { "idempotencyKey": "a", "enterpriseName": "第一家公司", "country": "CN" },
        { "idempotencyKey": "b", "enterpriseName": "第二家公司", "country": "ZZ" },
        { "idempotencyKey": "c", "enterpriseName": "Third GmbH", "country": "DE" },
    ]);
    let r = app
        .post(
            Some(&key),
            &format!("mutation($input: SubmitLeadsInput!) {{ submitLeads(input: $input) {{ results {{ {LEAD} }} }} }}"),
            json!({ "input": { "leads": leads } }),
        )
        .await;
    let results = r.data()["submitLeads"]["results"].as_array().expect("results").clone();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["lead"]["enterpriseName"], "第一家公司");
    assert!(results[1]["lead"].is_null());
    assert_user_error(&results[1], "INVALID_FORMAT", &["input", "leads", "1", "country"]);
    assert_eq!(results[2]["lead"]["enterpriseName"], "Third GmbH");
    assert_eq!(app.count("leads").await, 2);

    let too_many: Vec<Value> =
        (0..101).map(|i| json!({ "idempotencyKey": i.to_string(), "enterpriseName": "x", "country": "CN" })).collect();
    let r = app
        .post(
            Some(&key),
            "mutation($input: SubmitLeadsInput!) { submitLeads(input: $input) { results { lead { id } } } }",
            json!({ "input": { "leads": too_many } }),
        )
        .await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(app.count("leads").await, 2);
}

#[tokio::test]
async fn only_partners_submit_and_only_their_own_leads_can_be_withdrawn() {
    let app = spawn_app().await;
    let (_, a) = partner_key(&app, "协会甲").await;
    let (_, b) = partner_key(&app, "机构乙").await;
    let staff = app.key(Role::Staff, None).await;
    for key in [None, Some(staff.as_str())] {
        let r = mutate(&app, key, "submitLead", lead_input("p", "甲公司"), LEAD).await;
        assert_eq!(r.error_code(), "FORBIDDEN");
    }
    assert_eq!(app.count("leads").await, 0);

    let r = mutate(&app, Some(&a), "submitLead", lead_input("w", "甲公司"), LEAD).await;
    let id = payload(&r, "submitLead")["lead"]["id"].clone();
    let r =
        mutate(&app, Some(&b), "withdrawLead", json!({ "leadId": id }), "lead { status } userErrors { field code }")
            .await;
    assert_user_error(payload(&r, "withdrawLead"), "NOT_FOUND", &["input", "leadId"]);
    let r =
        mutate(&app, Some(&a), "withdrawLead", json!({ "leadId": id }), "lead { status } userErrors { field code }")
            .await;
    assert_eq!(payload(&r, "withdrawLead")["lead"]["status"], "WITHDRAWN");
    let r =
        mutate(&app, Some(&a), "withdrawLead", json!({ "leadId": id }), "lead { status } userErrors { field code }")
            .await;
    assert_user_error(payload(&r, "withdrawLead"), "FORBIDDEN_TRANSITION", &["input", "leadId"]);
}

#[tokio::test]
async fn review_moves_only_as_the_rules_allow() {
    let app = spawn_app().await;
    let (_, a) = partner_key(&app, "协会甲").await;
    let staff = app.key(Role::Staff, None).await;
    let r = mutate(&app, Some(&a), "submitLead", lead_input("r", "甲公司"), LEAD).await;
    let id = payload(&r, "submitLead")["lead"]["id"].clone();
    let sel = "lead { status reason internalNote } userErrors { field code }";

    let r = mutate(&app, Some(&a), "reviewLead", json!({ "leadId": id, "decision": "ACCEPT" }), sel).await;
    assert_eq!(r.error_code(), "FORBIDDEN", "a partner cannot review");
    let r = mutate(&app, Some(&staff), "reviewLead", json!({ "leadId": id, "decision": "REJECT" }), sel).await;
    assert_user_error(payload(&r, "reviewLead"), "REQUIRED", &["input", "reason"]);
    let r = mutate(
        &app,
        Some(&staff),
        "reviewLead",
        json!({ "leadId": id, "decision": "START_REVIEW", "internalNote": "查资质" }),
        sel,
    )
    .await;
    assert_eq!(payload(&r, "reviewLead")["lead"]["status"], "UNDER_REVIEW");
    let r = mutate(&app, Some(&staff), "reviewLead", json!({ "leadId": id, "decision": "START_REVIEW" }), sel).await;
    assert_user_error(payload(&r, "reviewLead"), "FORBIDDEN_TRANSITION", &["input", "decision"]);
    let r = mutate(
        &app,
        Some(&staff),
        "reviewLead",
        json!({ "leadId": id, "decision": "REJECT", "reason": "不符合产业导向" }),
        sel,
    )
    .await;
    assert_eq!(payload(&r, "reviewLead")["lead"]["status"], "REJECTED");
    let r = mutate(&app, Some(&staff), "reviewLead", json!({ "leadId": id, "decision": "ACCEPT" }), sel).await;
    assert_user_error(payload(&r, "reviewLead"), "FORBIDDEN_TRANSITION", &["input", "decision"]);

    // The partner sees the reason, not the internal note.
    let data = app
        .query(
            Some(&a),
            "query($id: ID!) { node(id: $id) { ... on Lead { status reason internalNote } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["node"]["reason"], "不符合产业导向");
    assert!(data["node"]["internalNote"].is_null());
}
