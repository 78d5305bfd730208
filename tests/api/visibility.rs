//! Every cell of api-contract.md's "Who sees what", for each role, through root
//! lists, `totalCount`, `node`, `nodes` and nested fields. Hidden means absent:
//! never an error.

use entity::enums::{AgreementKind, ProjectStage, Role};
use entity::project_stage_change;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::builders::Build;
use crate::helpers::{Fixtures, TestApp, gid, spawn_app};

struct World {
    public_project: String,
    hidden_project: String,
    enterprise: String,
    agreement: String,
    department: String,
    event: String,
    hidden_incentive: String,
    campaign: String,
    own_lead: String,
    other_lead: String,
    other_partner: String,
    keys: Vec<(&'static str, Option<String>)>,
    /// Entries in the audit trail the builders left.
    audit_entries: i64,
    /// Rows of the public project's stage history.
    stage_changes: i64,
}

async fn world(app: &TestApp) -> World {
    let f = Fixtures { db: &app.db };
    let campaign = f.campaign("11月", "2026-11-01", "2026-11-30", (10, 100, 100)).await;
    let enterprise = f.enterprise("宁波远景新材料有限公司", "CN").await;
    let build = Build::new(&app.db);
    let dept = build.department("市商务局").await.id;
    let public_project = f.project("公开项目", 500, true, Some(enterprise), Some(campaign)).await;
    let hidden_project = f.project("内部项目", 500, false, Some(enterprise), Some(campaign)).await;
    let agreement = f.agreement(public_project, campaign, AgreementKind::Contract, "2026-11-03", 100, 0, true).await;
    build.assign(public_project, Some(dept), Some("王海涛"), ProjectStage::Signed).await;
    let event = build.event(campaign, "推介会", "2026-11-05").await.id;
    let mut incentives = Vec::new();
    for published in [true, false] {
        incentives.push(build.incentive(&format!("政策{published}"), published).await.id);
    }
    let partner_a = f.partner("协会甲").await;
    let partner_b = f.partner("机构乙").await;
    let own_lead = f.lead(partner_a, "线索甲", Some(public_project)).await;
    let other_lead = f.lead(partner_b, "线索乙", None).await;
    let keys = vec![
        ("PUBLIC", None),
        ("PARTNER", Some(app.key(Role::Partner, Some(partner_a)).await)),
        ("STAFF", Some(app.key(Role::Staff, None).await)),
        ("ADMIN", Some(app.key(Role::Admin, None).await)),
    ];
    // Partner B has a key too, which partner A must not see.
    app.key(Role::Partner, Some(partner_b)).await;
    World {
        public_project: gid("Project", public_project),
        hidden_project: gid("Project", hidden_project),
        enterprise: gid("Enterprise", enterprise),
        agreement: gid("Agreement", agreement),
        department: gid("Department", dept),
        event: gid("Event", event),
        hidden_incentive: gid("Incentive", incentives[1]),
        campaign: gid("Campaign", campaign),
        own_lead: gid("Lead", own_lead),
        other_lead: gid("Lead", other_lead),
        other_partner: gid("Partner", partner_b),
        keys,
        audit_entries: app.count("audit_log").await,
        stage_changes: project_stage_change::Entity::find()
            .filter(project_stage_change::Column::ProjectId.eq(public_project))
            .count(&app.db)
            .await
            .expect("stage history") as i64,
    }
}

/// Expected values per role, in the order PUBLIC, PARTNER, STAFF, ADMIN.
fn per_role<T: Clone>(values: [T; 4], role: &str) -> T {
    let i = ["PUBLIC", "PARTNER", "STAFF", "ADMIN"].iter().position(|r| *r == role).expect("role");
    values[i].clone()
}

#[tokio::test]
async fn each_role_sees_exactly_its_rows_in_lists_and_counts() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "{ projects { totalCount nodes { id } } enterprises { totalCount nodes { id } }
        agreements { totalCount nodes { id } } events { totalCount nodes { id } } departments { totalCount nodes { id } }
        incentives { totalCount nodes { id } } campaigns { totalCount nodes { id } } leads { totalCount nodes { id } }
        partners { totalCount nodes { id } } apiKeys { totalCount nodes { id } } auditLog { totalCount nodes { id } }
        sectors { totalCount } parks { totalCount } }";
    for (role, key) in &w.keys {
        let data = app.query(key.as_deref(), q, json!({})).await;
        let expected: [(&str, i64); 13] = [
            ("projects", per_role([1, 1, 2, 2], role)),
            ("enterprises", per_role([0, 0, 1, 1], role)),
            ("agreements", per_role([0, 0, 1, 1], role)),
            ("events", per_role([0, 0, 1, 1], role)),
            ("departments", per_role([0, 0, 1, 1], role)),
            ("incentives", per_role([1, 1, 2, 2], role)),
            ("campaigns", 1),
            ("leads", per_role([0, 1, 2, 2], role)),
            ("partners", per_role([0, 1, 2, 2], role)),
            // Partner A's one key; staff none; admin all four.
            ("apiKeys", per_role([0, 1, 0, 4], role)),
            ("auditLog", per_role([0, 0, 0, w.audit_entries], role)),
            ("sectors", 12),
            ("parks", 0),
        ];
        for (field, n) in expected {
            assert_eq!(data[field]["totalCount"], n, "{role} {field}: {}", data[field]);
            if let Some(nodes) = data[field]["nodes"].as_array() {
                assert_eq!(nodes.len() as i64, n.min(20), "{role} {field} nodes");
            }
        }
        if *role == "PARTNER" {
            assert_eq!(data["leads"]["nodes"][0]["id"], w.own_lead);
        }
    }
}

#[tokio::test]
async fn hidden_objects_are_null_through_node_and_nodes() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let cases: [(&String, [bool; 4]); 9] = [
        (&w.public_project, [true, true, true, true]),
        (&w.hidden_project, [false, false, true, true]),
        (&w.enterprise, [false, false, true, true]),
        (&w.agreement, [false, false, true, true]),
        (&w.department, [false, false, true, true]),
        (&w.event, [false, false, true, true]),
        (&w.hidden_incentive, [false, false, true, true]),
        (&w.other_lead, [false, false, true, true]),
        (&w.other_partner, [false, false, true, true]),
    ];
    let ids: Vec<&String> = cases.iter().map(|c| c.0).collect();
    for (role, key) in &w.keys {
        let data =
            app.query(key.as_deref(), "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": ids })).await;
        for (k, (id, visible)) in cases.iter().enumerate() {
            let want = per_role(*visible, role);
            let got = &data["nodes"][k];
            assert_eq!(!got.is_null(), want, "{role} nodes[{k}]");
            let one = app.query(key.as_deref(), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
            assert_eq!(!one["node"].is_null(), want, "{role} node({id})");
            if want {
                assert_eq!(&one["node"]["id"], *id);
            }
        }
    }
}

#[tokio::test]
async fn nested_fields_hide_what_the_caller_may_not_see() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "query($p: ID!, $c: ID!, $l: ID!) {
        node(id: $p) { ... on Project { enterprise { id contact { name } } department { id } campaign { id }
            responsiblePerson notes agreements { totalCount nodes { id } } stageHistory { totalCount } } }
        campaign(id: $c) { name targetAgreements targetInvestment report { agreementsSigned } }
        lead: node(id: $l) { ... on Lead { enterpriseName reason internalNote contact { name } project { id } enterprise { id } duplicateOf { id } } } }";
    for (role, key) in &w.keys {
        let data =
            app.query(key.as_deref(), q, json!({ "p": w.public_project, "c": w.campaign, "l": w.own_lead })).await;
        let staff = per_role([false, false, true, true], role);
        let p = &data["node"];
        assert_eq!(!p["enterprise"].is_null(), staff, "{role} Project.enterprise");
        assert_eq!(!p["department"].is_null(), staff, "{role} Project.department");
        assert_eq!(!p["campaign"].is_null(), staff, "{role} Project.campaign");
        assert_eq!(!p["responsiblePerson"].is_null(), staff, "{role} Project.responsiblePerson");
        assert_eq!(!p["notes"].is_null(), staff, "{role} Project.notes");
        assert_eq!(p["agreements"]["totalCount"], if staff { 1 } else { 0 }, "{role} Project.agreements");
        assert_eq!(p["agreements"]["nodes"].as_array().map(Vec::len), Some(if staff { 1 } else { 0 }));
        assert_eq!(
            p["stageHistory"]["totalCount"],
            if staff { w.stage_changes } else { 0 },
            "{role} Project.stageHistory"
        );
        if staff {
            assert_eq!(p["enterprise"]["contact"]["name"], "张伟");
        }
        let c = &data["campaign"];
        assert_eq!(c["name"], "11月");
        assert_eq!(!c["targetAgreements"].is_null(), staff, "{role} Campaign.targetAgreements");
        assert_eq!(!c["targetInvestment"].is_null(), staff);
        assert_eq!(!c["report"].is_null(), staff, "{role} Campaign.report");
        let l = &data["lead"];
        let sees_lead = per_role([false, true, true, true], role);
        assert_eq!(!l.is_null(), sees_lead, "{role} own lead");
        if sees_lead {
            assert_eq!(l["contact"]["name"], "周明", "a partner sees the contact it gave");
            assert_eq!(!l["internalNote"].is_null(), staff, "{role} Lead.internalNote");
            assert_eq!(!l["project"].is_null(), staff, "{role} Lead.project");
            assert!(l["duplicateOf"].is_null());
        }
    }
}

#[tokio::test]
async fn filters_on_hidden_links_match_nothing_for_outsiders() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let q = "query($e: ID!) { projects(filter: {enterpriseId: $e}) { totalCount } }";
    for (role, key) in &w.keys {
        let data = app.query(key.as_deref(), q, json!({ "e": w.enterprise })).await;
        assert_eq!(data["projects"]["totalCount"], per_role([0, 0, 2, 2], role), "{role}");
    }
}
