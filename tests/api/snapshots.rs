//! What a client reads, pinned as JSON snapshots under `tests/api/snapshots/`:
//! the campaign report, a page of projects with nested fields, and refused
//! inputs in both languages. Ids, cursors and times are redacted by name.
//! After an intended change: `cargo insta review` (or `INSTA_UPDATE=always`).

use entity::enums::{AgreementKind, Role};
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{TestApp, gid, spawn_app};

const REPORT: &str = include_str!("documents/report.graphql");
const PROJECTS: &str = include_str!("documents/projects.graphql");
const CREATE_ENTERPRISE: &str = include_str!("documents/create_enterprise.graphql");
const UPDATE_ENTERPRISE: &str = include_str!("documents/update_enterprise.graphql");

/// November's campaign with two projects: a contract with a later increase,
/// and a framework agreement.
async fn november(app: &TestApp) -> i64 {
    let build = Build::new(&app.db);
    let campaign =
        build.campaign("11月长三角招商月", ("2026-11-01", "2026-11-30"), (10, "1000000000", "100000000")).await;
    let helios = build.enterprise("Helios Energy Systems GmbH", "DE").await;
    let xinghe = build.enterprise("上海星河新材料有限公司", "CN").await;
    let p1 = build.project("Helios 氢能装备项目", "300000000", Some(helios.id), Some(campaign.id), true).await;
    let p2 = build.project("星河新材料基地", "120000000", Some(xinghe.id), Some(campaign.id), false).await;
    let contract = AgreementKind::Contract;
    build.agreement(p1.id, campaign.id, contract, "2026-11-05", ("300000000", "50000000"), false).await;
    build.agreement(p2.id, campaign.id, AgreementKind::Framework, "2026-11-12", ("120000000", "0"), false).await;
    build.agreement(p1.id, campaign.id, contract, "2026-11-20", ("20000000.50", "5000000"), true).await;
    campaign.id
}

#[tokio::test]
async fn the_campaign_report_reads_as_the_office_signs_it() {
    let app = spawn_app().await;
    let campaign = november(&app).await;
    let staff = app.key(Role::Staff, None).await;
    let data = app.query(Some(&staff), REPORT, json!({ "id": gid("Campaign", campaign) })).await;
    insta::assert_json_snapshot!("campaign_report", data);
}

#[tokio::test]
async fn a_page_of_projects_with_nested_fields_reads_as_pinned() {
    let app = spawn_app().await;
    november(&app).await;
    let staff = app.key(Role::Staff, None).await;
    let data = app.query(Some(&staff), PROJECTS, json!({ "first": 10 })).await;
    insta::assert_json_snapshot!("projects_page", data, {
        ".projects.pageInfo.startCursor" => "[cursor]",
        ".projects.pageInfo.endCursor" => "[cursor]",
        ".projects.edges[].cursor" => "[cursor]",
        ".projects.edges[].node.id" => "[id]",
        ".projects.edges[].node.enterprise.id" => "[id]",
    });
}

#[tokio::test]
async fn a_refused_input_names_each_field_with_its_code_in_both_languages() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let input = json!({
        "clientMutationId": "m1",
        "name": "  ",
        "country": "XX",
        "uscc": "91310000MA1FL0000X",
        "sectorId": gid("Project", 1),
        "contact": { "email": "not-an-address", "phone": "1".repeat(51) },
        "notes": "a\u{202e}b",
    });
    for (language, name) in [(None, "refused_enterprise_zh"), (Some("en"), "refused_enterprise_en")] {
        let r = app.post_in(language, Some(&staff), CREATE_ENTERPRISE, json!({ "input": input })).await;
        insta::assert_json_snapshot!(name, r.data());
    }
    assert_eq!(app.count("enterprises").await, 0, "a refused input writes nothing");
    assert_eq!(app.count("audit_log").await, 0);
}

#[tokio::test]
async fn null_clears_an_optional_field_and_a_field_left_out_stays() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let build = Build::new(&app.db);
    let e = build.enterprise("上海星河新材料有限公司", "CN").await;
    let id = gid("Enterprise", e.id);
    let set = json!({ "enterpriseId": id, "uscc": "91110000802100433B", "notes": "首次接洽" });
    let r = app.post(Some(&staff), UPDATE_ENTERPRISE, json!({ "input": set })).await;
    let after = &r.data()["updateEnterprise"];
    assert_eq!(after["userErrors"], json!([]), "{after}");
    assert_eq!(after["enterprise"]["notes"], "首次接洽");
    assert_eq!(after["enterprise"]["uscc"], "91110000802100433B");

    let clear = json!({ "enterpriseId": id, "notes": null, "uscc": null, "contact": { "phone": null } });
    let r = app.post(Some(&staff), UPDATE_ENTERPRISE, json!({ "input": clear })).await;
    let e = &r.data()["updateEnterprise"]["enterprise"];
    assert_eq!(e["notes"], Value::Null);
    assert_eq!(e["uscc"], Value::Null);
    assert_eq!(e["contact"]["phone"], Value::Null);
    assert_eq!(e["contact"]["name"], "张伟", "a field left out stays");
    assert_eq!(e["contact"]["email"], "zhang@example.com");
    assert_eq!(e["name"], "上海星河新材料有限公司");
}

#[tokio::test]
async fn top_level_errors_speak_the_clients_language() {
    let app = spawn_app().await;
    let input = json!({ "input": { "name": "甲公司", "country": "CN" } });
    let zh = app.post(None, CREATE_ENTERPRISE, input.clone()).await;
    assert_eq!(zh.error_code(), "FORBIDDEN");
    assert_eq!(zh.body["errors"][0]["message"], "该密钥无权执行此操作");
    let en = app.post_in(Some("en-GB,en;q=0.9"), None, CREATE_ENTERPRISE, input.clone()).await;
    assert_eq!(en.body["errors"][0]["message"], "not allowed for this key");

    let bad = app.post_in(Some("en"), Some("zs_not_a_key"), CREATE_ENTERPRISE, input.clone()).await;
    assert_eq!((bad.status, bad.error_code()), (401, "UNAUTHENTICATED"));
    assert_eq!(bad.body["errors"][0]["message"], "invalid, expired or revoked API key");
    let bad = app.post(Some("zs_not_a_key"), CREATE_ENTERPRISE, input).await;
    assert_eq!(bad.body["errors"][0]["message"], "API 密钥无效、已过期或已吊销");
}

#[tokio::test]
async fn an_audit_entry_reads_like_the_api() {
    let app = spawn_app().await;
    let campaign = november(&app).await;
    let (staff, admin) = (app.key(Role::Staff, None).await, app.key(Role::Admin, None).await);
    let projects = app.query(Some(&staff), PROJECTS, json!({ "first": 1 })).await;
    let project = projects["projects"]["edges"][0]["node"]["id"].clone();
    let change = json!({ "projectId": project, "plannedInvestment": "350000000.5", "campaignId": null, "notes": null });
    let r = crate::helpers::mutate(&app, Some(&staff), "updateProject", change, "userErrors { code }").await;
    assert_eq!(r.data()["updateProject"]["userErrors"], json!([]));

    let q =
        r#"{ auditLog(filter: { action: "updateProject" }) { nodes { action entityType entityId before after } } }"#;
    let data = app.query(Some(&admin), q, json!({})).await;
    let entry = &data["auditLog"]["nodes"][0];
    assert_eq!(entry["entityId"], project);
    let side = |name: &str| -> Value { serde_json::from_str(entry[name].as_str().expect("JSON text")).expect("JSON") };
    let (before, after) = (side("before"), side("after"));
    assert_eq!(before["id"], project, "the object's own id is its global id");
    assert_eq!(before["campaignId"], gid("Campaign", campaign), "references are global ids");
    assert_eq!(after["campaignId"], Value::Null);
    assert_eq!(
        (&before["plannedInvestment"], &after["plannedInvestment"]),
        (&json!("300000000.00"), &json!("350000000.50"))
    );
    assert_eq!(after["stage"], "SIGNED", "enum values by their GraphQL names");
    for internal in ["searchName", "search_name", "plannedInvestmentFen", "planned_investment_fen", "dedupeKey"] {
        assert!(after.get(internal).is_none(), "{internal} in {after}");
    }
    insta::assert_json_snapshot!("audit_entry_after", after, {
        ".id" => "[id]", ".enterpriseId" => "[id]", ".sectorId" => "[id]",
        ".createdAt" => "[time]", ".updatedAt" => "[time]",
    });
}
