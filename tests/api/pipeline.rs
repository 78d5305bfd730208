//! The staff's pipeline over the API: the lead-to-production walk with the
//! report after each step, and every rule a mutation enforces.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, assert_user_error, gid, mutate, payload, spawn_app};

const REPORT: &str = "query($id: ID!) { campaign(id: $id) { report { agreementsSigned totalInvestment foreignCapital contractProjects contractForeignCapital } } }";

async fn report(app: &TestApp, key: &str, campaign: &Value) -> Value {
    app.query(Some(key), REPORT, json!({ "id": campaign })).await["campaign"]["report"].clone()
}

fn figures(n: i64, x: &str, y: &str, m: i64, z: &str) -> Value {
    json!({ "agreementsSigned": n, "totalInvestment": x, "foreignCapital": y, "contractProjects": m, "contractForeignCapital": z })
}

async fn ok<'a>(r: &'a crate::helpers::Gql, name: &str) -> &'a Value {
    let p = payload(r, name);
    assert_eq!(p["userErrors"], json!([]), "{name}: {p}");
    p
}

#[tokio::test]
async fn a_lead_walks_to_a_contract_and_the_report_counts_it_once() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let staff = app.key(Role::Staff, None).await;
    let pid = Fixtures { db: &app.db }.partner("协会甲").await;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let sector = gid("Sector", Fixtures { db: &app.db }.sector().await);

    let r = mutate(&app, Some(&admin), "createCampaign", json!({ "name": "11月长三角招商月", "region": "长三角", "startsOn": "2026-11-01", "endsOn": "2026-11-30", "targetAgreements": 10, "targetInvestment": "1000000000", "targetForeignCapital": "100000000" }), "campaign { id } userErrors { field code }").await;
    let november = ok(&r, "createCampaign").await["campaign"]["id"].clone();

    let r = mutate(&app, Some(&partner), "submitLead", json!({ "idempotencyKey": "L1", "enterpriseName": "Helios Energy Systems GmbH", "country": "DE", "sectorId": sector, "estimatedInvestment": "300000000" }), "lead { id } userErrors { field code }").await;
    let lead = ok(&r, "submitLead").await["lead"]["id"].clone();
    for decision in ["START_REVIEW", "ACCEPT"] {
        let r = mutate(
            &app,
            Some(&staff),
            "reviewLead",
            json!({ "leadId": lead, "decision": decision }),
            "lead { status } userErrors { field code }",
        )
        .await;
        ok(&r, "reviewLead").await;
    }
    let r = mutate(&app, Some(&staff), "convertLead", json!({ "leadId": lead, "projectName": "Helios 氢能装备项目", "campaignId": november }), "lead { status project { id } enterprise { name } } project { id stage plannedInvestment enterprise { name country } sourcePartner { name } } userErrors { field code }").await;
    let p = ok(&r, "convertLead").await;
    assert_eq!(p["project"]["stage"], "LEAD");
    assert_eq!(p["project"]["plannedInvestment"], "300000000.00");
    assert_eq!(p["project"]["enterprise"]["name"], "Helios Energy Systems GmbH");
    assert_eq!(p["project"]["enterprise"]["country"], "DE");
    assert_eq!(p["project"]["sourcePartner"]["name"], "协会甲");
    assert_eq!(p["lead"]["project"]["id"], p["project"]["id"]);
    let project = p["project"]["id"].clone();
    assert_eq!(report(&app, &staff, &november).await, figures(0, "0.00", "0.00", 0, "0.00"));

    for stage in ["CONTACTED", "NEGOTIATING"] {
        let r = mutate(
            &app,
            Some(&staff),
            "moveProjectStage",
            json!({ "projectId": project, "stage": stage, "note": "走访" }),
            "project { stage } userErrors { field code }",
        )
        .await;
        assert_eq!(ok(&r, "moveProjectStage").await["project"]["stage"], stage);
    }
    assert_eq!(report(&app, &staff, &november).await, figures(0, "0.00", "0.00", 0, "0.00"));

    // A framework agreement, counting for the campaign whose period holds the date.
    let r = mutate(&app, Some(&staff), "recordAgreement", json!({ "projectId": project, "kind": "FRAMEWORK", "signedOn": "2026-11-12", "totalInvestment": "300000000", "foreignCapital": "120000000" }), "agreement { id kind campaign { id } project { stage } } userErrors { field code }").await;
    let a = ok(&r, "recordAgreement").await;
    assert_eq!(a["agreement"]["campaign"]["id"], november);
    assert_eq!(a["agreement"]["project"]["stage"], "SIGNED");
    let agreement = a["agreement"]["id"].clone();
    assert_eq!(report(&app, &staff, &november).await, figures(1, "300000000.00", "120000000.00", 0, "0.00"));

    // Upgraded during a later campaign: it moves to the contract count of the
    // campaign it was first counted for, and is not counted again.
    let r = mutate(&app, Some(&admin), "createCampaign", json!({ "name": "12月招商月", "region": "珠三角", "startsOn": "2026-12-01", "endsOn": "2026-12-31", "targetAgreements": 5, "targetInvestment": "500000000", "targetForeignCapital": "0" }), "campaign { id } userErrors { field code }").await;
    let december = ok(&r, "createCampaign").await["campaign"]["id"].clone();
    let r = mutate(
        &app,
        Some(&staff),
        "upgradeAgreement",
        json!({ "agreementId": agreement, "upgradedOn": "2026-12-05", "foreignCapital": "150000000" }),
        "agreement { kind upgradedOn totalInvestment foreignCapital } userErrors { field code }",
    )
    .await;
    let u = ok(&r, "upgradeAgreement").await;
    assert_eq!(u["agreement"]["kind"], "CONTRACT");
    assert_eq!(u["agreement"]["upgradedOn"], "2026-12-05");
    assert_eq!(report(&app, &staff, &november).await, figures(1, "300000000.00", "150000000.00", 1, "150000000.00"));
    assert_eq!(report(&app, &staff, &december).await, figures(0, "0.00", "0.00", 0, "0.00"));

    let r = mutate(
        &app,
        Some(&staff),
        "recordCapitalArrival",
        json!({ "projectId": project, "arrivedOn": "2026-12-10", "amount": "90000000" }),
        "capitalArrival { amount project { capitalArrivals { totalCount } } } userErrors { field code }",
    )
    .await;
    let c = ok(&r, "recordCapitalArrival").await;
    assert_eq!(c["capitalArrival"]["amount"], "90000000.00");
    assert_eq!(c["capitalArrival"]["project"]["capitalArrivals"]["totalCount"], 1);
    assert_eq!(report(&app, &staff, &november).await, figures(1, "300000000.00", "150000000.00", 1, "150000000.00"));

    // A capital increase in December: amounts count there, the count does not.
    let r = mutate(&app, Some(&staff), "recordAgreement", json!({ "projectId": project, "kind": "CONTRACT", "signedOn": "2026-12-20", "totalInvestment": "50000000", "foreignCapital": "10000000", "isIncrease": true }), "agreement { isIncrease campaign { id } project { stage } } userErrors { field code }").await;
    let i = ok(&r, "recordAgreement").await;
    assert_eq!(i["agreement"]["campaign"]["id"], december);
    assert_eq!(i["agreement"]["project"]["stage"], "SIGNED");
    assert_eq!(report(&app, &staff, &december).await, figures(0, "50000000.00", "10000000.00", 0, "10000000.00"));
    assert_eq!(report(&app, &staff, &november).await["agreementsSigned"], 1);

    let data = app
        .query(
            Some(&staff),
            "query($id: ID!) { node(id: $id) { ... on Project { stageHistory { nodes { from to note } } } } }",
            json!({ "id": project }),
        )
        .await;
    let history: Vec<(Value, Value)> = data["node"]["stageHistory"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| (n["from"].clone(), n["to"].clone()))
        .collect();
    assert_eq!(
        history,
        vec![
            (json!("NEGOTIATING"), json!("SIGNED")),
            (json!("CONTACTED"), json!("NEGOTIATING")),
            (json!("LEAD"), json!("CONTACTED")),
            (Value::Null, json!("LEAD")),
        ]
    );
    // The partner follows its lead, but not the internal links.
    let data = app
        .query(
            Some(&partner),
            "query($id: ID!) { node(id: $id) { ... on Lead { status project { id } } } }",
            json!({ "id": lead }),
        )
        .await;
    assert_eq!(data["node"]["status"], "ACCEPTED");
    assert!(data["node"]["project"].is_null());
}

struct Setup {
    staff: String,
    admin: String,
    project: String,
    campaign: String,
}

async fn setup(app: &TestApp) -> Setup {
    let f = Fixtures { db: &app.db };
    let campaign = f.campaign("11月", "2026-11-01", "2026-11-30", (10, 0, 0)).await;
    let project = f.project("测试项目", 100_000_000_00, false, None, Some(campaign)).await;
    Setup {
        staff: app.key(Role::Staff, None).await,
        admin: app.key(Role::Admin, None).await,
        project: gid("Project", project),
        campaign: gid("Campaign", campaign),
    }
}

const AGREEMENT: &str = "agreement { id } userErrors { field message code }";

#[tokio::test]
async fn stage_moves_the_rules_forbid_are_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let (history, audits) = (app.count("project_stage_changes").await, app.count("audit_log").await);
    let sel = "project { stage } userErrors { field code }";
    for stage in ["SIGNED", "REGISTERED", "IN_PRODUCTION", "CONTACTED"] {
        // The fixture project is NEGOTIATING: backwards, to SIGNED by hand, or past SIGNED.
        let r =
            mutate(&app, Some(&s.staff), "moveProjectStage", json!({ "projectId": s.project, "stage": stage }), sel)
                .await;
        assert_user_error(payload(&r, "moveProjectStage"), "FORBIDDEN_TRANSITION", &["input", "stage"]);
    }
    let r =
        mutate(&app, Some(&s.staff), "moveProjectStage", json!({ "projectId": s.project, "stage": "STALLED" }), sel)
            .await;
    assert_eq!(payload(&r, "moveProjectStage")["project"]["stage"], "STALLED");
    let r =
        mutate(&app, Some(&s.staff), "moveProjectStage", json!({ "projectId": s.project, "stage": "LEAD" }), sel).await;
    assert_user_error(payload(&r, "moveProjectStage"), "FORBIDDEN_TRANSITION", &["input", "stage"]);
    let r = mutate(
        &app,
        Some(&s.staff),
        "moveProjectStage",
        json!({ "projectId": s.project, "stage": "NEGOTIATING" }),
        sel,
    )
    .await;
    assert_eq!(payload(&r, "moveProjectStage")["project"]["stage"], "NEGOTIATING");
    let r = mutate(
        &app,
        Some(&s.staff),
        "moveProjectStage",
        json!({ "projectId": gid("Project", 9999), "stage": "LOST" }),
        sel,
    )
    .await;
    assert_user_error(payload(&r, "moveProjectStage"), "NOT_FOUND", &["input", "projectId"]);
    // Two moves made: two history rows, and two audit entries.
    assert_eq!(app.count("project_stage_changes").await, history + 2);
    assert_eq!(app.count("audit_log").await, audits + 2);
}

#[tokio::test]
async fn agreements_follow_the_counting_rules() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let audits_before = app.count("audit_log").await;
    let input = |extra: Value| {
        let mut v = json!({ "projectId": s.project, "kind": "CONTRACT", "signedOn": "2026-11-10", "totalInvestment": "100000000", "foreignCapital": "0" });
        for (k, x) in extra.as_object().expect("object") {
            v[k] = x.clone();
        }
        v
    };
    // An increase before any primary agreement.
    let r = mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "isIncrease": true })), AGREEMENT).await;
    assert_user_error(payload(&r, "recordAgreement"), "FORBIDDEN_TRANSITION", &["input", "isIncrease"]);
    // No active campaign contains the date.
    let r =
        mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "signedOn": "2027-03-01" })), AGREEMENT).await;
    assert_user_error(payload(&r, "recordAgreement"), "NO_CAMPAIGN", &["input", "campaignId"]);
    // Foreign capital above the total.
    let r = mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "foreignCapital": "200000000" })), AGREEMENT)
        .await;
    assert_user_error(payload(&r, "recordAgreement"), "OUT_OF_RANGE", &["input", "foreignCapital"]);
    let r = mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "totalInvestment": "-1" })), AGREEMENT).await;
    assert_user_error(payload(&r, "recordAgreement"), "OUT_OF_RANGE", &["input", "totalInvestment"]);
    let r =
        mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "eventId": gid("Event", 77) })), AGREEMENT).await;
    assert_user_error(payload(&r, "recordAgreement"), "NOT_FOUND", &["input", "eventId"]);
    assert_eq!(app.count("agreements").await, 0);
    assert_eq!(app.count("audit_log").await, audits_before);

    let r = mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "idempotencyKey": "A1" })), AGREEMENT).await;
    let first = payload(&r, "recordAgreement")["agreement"]["id"].clone();
    assert!(first.is_string(), "{}", r.body);
    let audits = app.count("audit_log").await;
    // The same key again: the same agreement, nothing written.
    let r = mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "idempotencyKey": "A1" })), AGREEMENT).await;
    assert_eq!(payload(&r, "recordAgreement")["agreement"]["id"], first);
    assert_eq!(app.count("audit_log").await, audits);
    let r = mutate(
        &app,
        Some(&s.staff),
        "recordAgreement",
        input(json!({ "idempotencyKey": "A1", "totalInvestment": "5" })),
        AGREEMENT,
    )
    .await;
    assert_user_error(payload(&r, "recordAgreement"), "IDEMPOTENCY_CONFLICT", &["input", "idempotencyKey"]);
    // A second primary agreement.
    let r =
        mutate(&app, Some(&s.staff), "recordAgreement", input(json!({ "campaignId": s.campaign })), AGREEMENT).await;
    assert_user_error(payload(&r, "recordAgreement"), "ALREADY_SIGNED", &["input", "projectId"]);
    assert_eq!(app.count("agreements").await, 1);

    // A contract cannot be upgraded; an upgrade cannot precede the signing.
    let sel = "agreement { kind } userErrors { field code }";
    let r = mutate(
        &app,
        Some(&s.staff),
        "upgradeAgreement",
        json!({ "agreementId": first, "upgradedOn": "2026-11-20" }),
        sel,
    )
    .await;
    assert_user_error(payload(&r, "upgradeAgreement"), "FORBIDDEN_TRANSITION", &["input", "agreementId"]);

    // Two overlapping active campaigns: the date fits more than one.
    Fixtures { db: &app.db }.campaign("重叠", "2026-11-05", "2026-11-25", (1, 0, 0)).await;
    let other = gid("Project", Fixtures { db: &app.db }.project("另一个", 100, false, None, None).await);
    let r = mutate(&app, Some(&s.staff), "recordAgreement", json!({ "projectId": other, "kind": "FRAMEWORK", "signedOn": "2026-11-10", "totalInvestment": "100", "foreignCapital": "0" }), AGREEMENT).await;
    assert_user_error(payload(&r, "recordAgreement"), "NO_CAMPAIGN", &["input", "campaignId"]);
    let r = mutate(&app, Some(&s.staff), "recordAgreement", json!({ "projectId": other, "kind": "FRAMEWORK", "signedOn": "2026-11-03", "totalInvestment": "100", "foreignCapital": "0" }), "agreement { id kind } userErrors { field code }").await;
    let framework = payload(&r, "recordAgreement")["agreement"]["id"].clone();
    let r = mutate(
        &app,
        Some(&s.staff),
        "upgradeAgreement",
        json!({ "agreementId": framework, "upgradedOn": "2026-11-01" }),
        sel,
    )
    .await;
    assert_user_error(payload(&r, "upgradeAgreement"), "OUT_OF_RANGE", &["input", "upgradedOn"]);
    let _ = s.admin;
}

#[tokio::test]
async fn an_update_based_on_a_stale_read_is_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let data = app
        .query(
            Some(&s.staff),
            "query($id: ID!) { node(id: $id) { ... on Project { updatedAt } } }",
            json!({ "id": s.project }),
        )
        .await;
    let seen = data["node"]["updatedAt"].clone();
    let sel = "project { name plannedInvestment updatedAt } userErrors { field code }";
    let r = mutate(&app, Some(&s.staff), "updateProject", json!({ "projectId": s.project, "expectedUpdatedAt": seen, "name": "改名后的项目", "plannedInvestment": "200000000" }), sel).await;
    let p = payload(&r, "updateProject");
    assert_eq!(p["project"]["name"], "改名后的项目");
    assert_eq!(p["project"]["plannedInvestment"], "200000000.00");
    let audits = app.count("audit_log").await;
    // Someone else's change came first: the old timestamp is stale now.
    let r = mutate(
        &app,
        Some(&s.staff),
        "updateProject",
        json!({ "projectId": s.project, "expectedUpdatedAt": seen, "name": "又一个名字" }),
        sel,
    )
    .await;
    assert_user_error(payload(&r, "updateProject"), "STALE", &["input", "expectedUpdatedAt"]);
    assert_eq!(app.count("audit_log").await, audits);
    let data = app
        .query(
            Some(&s.staff),
            "query($id: ID!) { node(id: $id) { ... on Project { name } } }",
            json!({ "id": s.project }),
        )
        .await;
    assert_eq!(data["node"]["name"], "改名后的项目");
}

#[tokio::test]
async fn enterprises_are_validated_and_unique_by_uscc() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let sel = "enterprise { id name uscc contact { email } } userErrors { field code }";
    let input = json!({ "name": "福州新材料有限公司", "country": "CN", "uscc": "91350100M000100Y43", "contact": { "name": "张伟", "email": "zhang@example.com" } });
    let r = mutate(&app, Some(&s.staff), "createEnterprise", input.clone(), sel).await;
    assert_eq!(payload(&r, "createEnterprise")["enterprise"]["contact"]["email"], "zhang@example.com");
    let r = mutate(&app, Some(&s.staff), "createEnterprise", input, sel).await;
    assert_user_error(payload(&r, "createEnterprise"), "ALREADY_EXISTS", &["input", "uscc"]);
    let r = mutate(
        &app,
        Some(&s.staff),
        "createEnterprise",
        json!({ "name": "x", "country": "CN", "contact": { "email": "nope" } }),
        sel,
    )
    .await;
    assert_user_error(payload(&r, "createEnterprise"), "INVALID_FORMAT", &["input", "contact", "email"]);
    assert_eq!(app.count("enterprises").await, 1);

    // The audit trail records that the contact was set, never the contact itself.
    let data = app
        .query(
            Some(&s.admin),
            "{ auditLog(filter: {entityType: \"Enterprise\"}) { totalCount nodes { action after entityId } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["auditLog"]["totalCount"], 1);
    let after = data["auditLog"]["nodes"][0]["after"].as_str().expect("after");
    assert!(after.contains("(changed)") && !after.contains("zhang@example.com"), "{after}");
}

#[tokio::test]
async fn an_enterprise_keeps_its_website_until_null_clears_it() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let sel = "enterprise { id website } userErrors { field code }";
    let input = json!({ "name": "Helios Energy Systems GmbH", "country": "DE", "website": "ftp://helios.example" });
    let r = mutate(&app, Some(&staff), "createEnterprise", input, sel).await;
    assert_user_error(payload(&r, "createEnterprise"), "INVALID_FORMAT", &["input", "website"]);

    let input =
        json!({ "name": "Helios Energy Systems GmbH", "country": "DE", "website": "https://helios.example/en" });
    let r = mutate(&app, Some(&staff), "createEnterprise", input, sel).await;
    let created = ok(&r, "createEnterprise").await["enterprise"].clone();
    assert_eq!(created["website"], "https://helios.example/en");

    let r = mutate(
        &app,
        Some(&staff),
        "updateEnterprise",
        json!({ "enterpriseId": created["id"], "name": "Helios Energy Systems AG" }),
        sel,
    )
    .await;
    assert_eq!(ok(&r, "updateEnterprise").await["enterprise"]["website"], "https://helios.example/en");
    let r =
        mutate(&app, Some(&staff), "updateEnterprise", json!({ "enterpriseId": created["id"], "website": null }), sel)
            .await;
    assert_eq!(ok(&r, "updateEnterprise").await["enterprise"]["website"], Value::Null);
}
