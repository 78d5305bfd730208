//! The office's set-up mutations and who may call them.

use entity::enums::Role;
use serde_json::json;

use crate::helpers::{Fixtures, assert_user_error, gid, mutate, payload, spawn_app};

#[tokio::test]
async fn staff_and_partners_cannot_manage_partners_keys_or_campaigns() {
    let app = spawn_app().await;
    let pid = Fixtures { db: &app.db }.partner("协会甲").await;
    let staff = app.key(Role::Staff, None).await;
    let audits = app.count("audit_log").await;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let calls = [
        ("createPartner", json!({ "name": "新机构", "kind": "PROMOTION_AGENCY" }), "partner { id }"),
        ("deactivatePartner", json!({ "partnerId": gid("Partner", pid) }), "partner { id }"),
        ("createApiKey", json!({ "name": "k", "role": "ADMIN" }), "secret"),
        (
            "createCampaign",
            json!({ "name": "c", "region": "r", "startsOn": "2026-11-01", "endsOn": "2026-11-30", "targetAgreements": 1, "targetInvestment": "1", "targetForeignCapital": "1" }),
            "campaign { id }",
        ),
        ("createSector", json!({ "code": "X", "name": "x" }), "sector { id }"),
    ];
    for key in [None, Some(staff.as_str()), Some(partner.as_str())] {
        for (name, input, sel) in &calls {
            let r = mutate(&app, key, name, input.clone(), sel).await;
            assert_eq!(r.error_code(), "FORBIDDEN", "{name} with {key:?}: {}", r.body);
        }
    }
    for (name, input, sel) in [
        (
            "createProject",
            json!({ "name": "p", "sectorId": gid("Sector", 1), "plannedInvestment": "1" }),
            "project { id }",
        ),
        ("createEnterprise", json!({ "name": "e", "country": "CN" }), "enterprise { id }"),
    ] {
        for key in [None, Some(partner.as_str())] {
            let r = mutate(&app, key, name, input.clone(), sel).await;
            assert_eq!(r.error_code(), "FORBIDDEN", "{name}");
        }
    }
    assert_eq!(app.count("audit_log").await, audits, "a refused call writes no audit entry");
    assert_eq!(app.count("campaigns").await, 0);
}

#[tokio::test]
async fn an_admin_manages_keys_and_revocation_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let r = mutate(
        &app,
        Some(&admin),
        "createPartner",
        json!({ "name": "长三角新能源产业协会", "kind": "INDUSTRY_ASSOCIATION" }),
        "partner { id } userErrors { code }",
    )
    .await;
    let partner = payload(&r, "createPartner")["partner"]["id"].clone();
    let r = mutate(
        &app,
        Some(&admin),
        "createPartner",
        json!({ "name": "长三角新能源产业协会", "kind": "INDUSTRY_ASSOCIATION" }),
        "partner { id } userErrors { field code }",
    )
    .await;
    assert_user_error(payload(&r, "createPartner"), "ALREADY_EXISTS", &["input", "name"]);

    let r = mutate(
        &app,
        Some(&admin),
        "createApiKey",
        json!({ "name": "脚本", "role": "PARTNER" }),
        "secret userErrors { field code }",
    )
    .await;
    assert_user_error(payload(&r, "createApiKey"), "REQUIRED", &["input", "partnerId"]);
    let r = mutate(
        &app,
        Some(&admin),
        "createApiKey",
        json!({ "name": "脚本", "role": "PARTNER", "partnerId": partner }),
        "apiKey { id role lastUsedAt partner { name } } secret userErrors { code }",
    )
    .await;
    let p = payload(&r, "createApiKey");
    let secret = p["secret"].as_str().expect("secret").to_owned();
    let key_id = p["apiKey"]["id"].clone();
    assert!(p["apiKey"]["lastUsedAt"].is_null());
    let viewer = app.query(Some(&secret), "{ viewer { role partner { name } } }", json!({})).await;
    assert_eq!(viewer["viewer"]["partner"]["name"], "长三角新能源产业协会");
    let keys =
        app.query(Some(&admin), "{ apiKeys(filter: {role: PARTNER}) { nodes { id lastUsedAt } } }", json!({})).await;
    assert!(keys["apiKeys"]["nodes"][0]["lastUsedAt"].is_string());

    let r = mutate(
        &app,
        Some(&admin),
        "revokeApiKey",
        json!({ "apiKeyId": key_id }),
        "apiKey { revokedAt } userErrors { code }",
    )
    .await;
    assert!(payload(&r, "revokeApiKey")["apiKey"]["revokedAt"].is_string());
    let r = app.post(Some(&secret), "{ viewer { role } }", json!({})).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn deactivating_a_partner_revokes_its_keys() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let pid = Fixtures { db: &app.db }.partner("机构乙").await;
    let key = app.key(Role::Partner, Some(pid)).await;
    let r = mutate(
        &app,
        Some(&admin),
        "deactivatePartner",
        json!({ "partnerId": gid("Partner", pid) }),
        "partner { isActive } userErrors { code }",
    )
    .await;
    assert_eq!(payload(&r, "deactivatePartner")["partner"]["isActive"], false);
    assert_eq!(app.post(Some(&key), "{ viewer { role } }", json!({})).await.status, 401);
    let data = app.query(Some(&admin), "{ apiKeys(filter: {role: PARTNER}) { nodes { revokedAt } } }", json!({})).await;
    assert!(data["apiKeys"]["nodes"][0]["revokedAt"].is_string());
}

#[tokio::test]
async fn campaigns_quotas_and_incentives_are_set_up_with_checks() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let sel = "campaign { id name sectors { totalCount } } userErrors { field code }";
    let base = json!({ "name": "c", "region": "长三角", "startsOn": "2026-11-30", "endsOn": "2026-11-01", "targetAgreements": 1, "targetInvestment": "1", "targetForeignCapital": "0" });
    let r = mutate(&app, Some(&admin), "createCampaign", base.clone(), sel).await;
    assert_user_error(payload(&r, "createCampaign"), "OUT_OF_RANGE", &["input", "endsOn"]);
    let mut good = base.clone();
    good["startsOn"] = json!("2026-11-01");
    good["endsOn"] = json!("2026-11-30");
    good["sectorIds"] = json!([gid("Sector", 1), gid("Sector", 2)]);
    let r = mutate(&app, Some(&admin), "createCampaign", good, sel).await;
    let campaign = payload(&r, "createCampaign")["campaign"].clone();
    assert_eq!(campaign["sectors"]["totalCount"], 2);

    let r = mutate(
        &app,
        Some(&admin),
        "createDepartment",
        json!({ "name": "市商务局" }),
        "department { id } userErrors { code }",
    )
    .await;
    let dept = payload(&r, "createDepartment")["department"]["id"].clone();
    let q = "quota { person targetAgreements targetInvestment } userErrors { field code }";
    let r = mutate(&app, Some(&admin), "setDepartmentQuota", json!({ "campaignId": campaign["id"], "departmentId": dept, "targetAgreements": 5, "targetInvestment": "100000000", "targetForeignCapital": "0" }), q).await;
    assert_eq!(payload(&r, "setDepartmentQuota")["quota"]["targetAgreements"], 5);
    let r = mutate(&app, Some(&admin), "setDepartmentQuota", json!({ "campaignId": campaign["id"], "departmentId": dept, "targetAgreements": 7, "targetInvestment": "100000000", "targetForeignCapital": "0" }), q).await;
    assert_eq!(payload(&r, "setDepartmentQuota")["quota"]["targetAgreements"], 7);
    assert_eq!(app.count("quotas").await, 1, "setting a quota again replaces it");
    let r = mutate(&app, Some(&admin), "setDepartmentQuota", json!({ "campaignId": campaign["id"], "departmentId": gid("Department", 99), "targetAgreements": 1, "targetInvestment": "1", "targetForeignCapital": "0" }), q).await;
    assert_user_error(payload(&r, "setDepartmentQuota"), "NOT_FOUND", &["input", "departmentId"]);

    let i = "incentive { id isPublished } userErrors { field code }";
    let r = mutate(&app, Some(&admin), "createIncentive", json!({ "title": "补助", "kind": "SUBSIDY", "issuer": "市财政局", "validFrom": "2026-12-01", "validTo": "2026-01-01" }), i).await;
    assert_user_error(payload(&r, "createIncentive"), "OUT_OF_RANGE", &["input", "validTo"]);
    let r = mutate(
        &app,
        Some(&admin),
        "createIncentive",
        json!({ "title": "补助", "kind": "SUBSIDY", "issuer": "市财政局", "minInvestment": "100000000" }),
        i,
    )
    .await;
    let incentive = payload(&r, "createIncentive")["incentive"].clone();
    assert_eq!(incentive["isPublished"], false);
    assert_eq!(app.query(None, "{ incentives { totalCount } }", json!({})).await["incentives"]["totalCount"], 0);
    let r = mutate(&app, Some(&admin), "publishIncentive", json!({ "incentiveId": incentive["id"] }), i).await;
    assert_eq!(payload(&r, "publishIncentive")["incentive"]["isPublished"], true);
    assert_eq!(app.query(None, "{ incentives { totalCount } }", json!({})).await["incentives"]["totalCount"], 1);
}
