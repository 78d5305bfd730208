//! The report's kept totals (`campaign_*_totals`) and the projects' kept
//! health dates (`projects.red_from`, `amber_from`, `health_tallies`): after every kind of
//! write that changes them, and between concurrent writers, they equal what
//! is computed afresh from the data.

use entity::enums::{AgreementKind, ProjectStage, Role};
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{Fixtures, TestApp, gid, mutate, payload, spawn_app};

const YI: i64 = 100_000_000 * 100;

/// The kept totals and health dates, then the same recomputed from the
/// data: equal.
pub(crate) async fn assert_totals_kept(app: &TestApp, after: &str) {
    use api::service::{health_dates, totals};
    let kept = totals::snapshot(&app.db).await.expect("kept totals");
    totals::refill(&app.db).await.expect("refill");
    let fresh = totals::snapshot(&app.db).await.expect("fresh totals");
    assert_eq!(kept, fresh, "after {after}: the kept totals differ from the agreements'");
    let kept = health_dates::snapshot(&app.db).await.expect("kept health dates");
    health_dates::recompute_all(&app.db).await.expect("recompute");
    let fresh = health_dates::snapshot(&app.db).await.expect("fresh health dates");
    assert!(!fresh.is_empty(), "after {after}: the projects have health dates");
    assert_eq!(kept, fresh, "after {after}: the kept health dates differ from the data's");
}

/// A mutation over HTTP that must be accepted.
async fn accepted(app: &TestApp, key: &str, name: &str, input: Value, selection: &str) -> Value {
    let r = mutate(app, Some(key), name, input, &format!("{selection} userErrors {{ field code }}")).await;
    let p = payload(&r, name).clone();
    assert_eq!(p["userErrors"], json!([]), "{name}: {}", r.body);
    p
}

#[tokio::test]
async fn the_kept_totals_equal_the_agreements_totals_after_every_kind_of_write() {
    let app = spawn_app().await;
    let (f, build) = (Fixtures { db: &app.db }, Build::new(&app.db));
    let (admin, staff) = (app.key(Role::Admin, None).await, app.key(Role::Staff, None).await);
    let november = f.campaign("11月", "2026-11-01", "2026-11-30", (10, 10 * YI, 0)).await;
    let (east, west) = (build.department("东区招商局").await.id, build.department("西区招商局").await.id);
    let zhang = crate::persons::staff_member(&app, &admin, "张磊", west).await;
    let p = f.project("合同项目", 3 * YI, true, None, Some(november)).await;
    let q = f.project("协议项目", 2 * YI, true, None, Some(november)).await;
    build.assign(p, Some(east), Some("王海涛"), ProjectStage::Negotiating).await;
    build.assign(q, Some(east), None, ProjectStage::Negotiating).await;
    let pid = gid("Project", p);

    let agreement = |project: i64, kind: &str, total: &str, increase: bool| {
        json!({ "projectId": gid("Project", project), "kind": kind, "signedOn": "2026-11-10",
                "totalInvestment": total, "foreignCapital": "1000000", "campaignId": gid("Campaign", november),
                "isIncrease": increase })
    };
    accepted(&app, &staff, "recordAgreement", agreement(p, "CONTRACT", "300000000", false), "agreement { id }").await;
    assert_totals_kept(&app, "a primary contract").await;
    accepted(&app, &staff, "recordAgreement", agreement(p, "CONTRACT", "50000000", true), "agreement { id }").await;
    assert_totals_kept(&app, "an increase").await;
    let framework =
        accepted(&app, &staff, "recordAgreement", agreement(q, "FRAMEWORK", "200000000", false), "agreement { id }")
            .await;
    let input = json!({ "agreementId": framework["agreement"]["id"], "upgradedOn": "2026-11-20",
                        "totalInvestment": "250000000.55" });
    accepted(&app, &staff, "upgradeAgreement", input, "agreement { kind }").await;
    assert_totals_kept(&app, "an upgrade to a contract with a new total").await;

    let input = json!({ "projectId": pid, "arrivedOn": "2026-11-25", "amount": "12345678.90" });
    accepted(&app, &staff, "recordCapitalArrival", input, "capitalArrival { id }").await;
    assert_totals_kept(&app, "a capital arrival").await;
    for stage in ["REGISTERED", "UNDER_CONSTRUCTION"] {
        let input = json!({ "projectId": pid, "stage": stage });
        accepted(&app, &staff, "moveProjectStage", input, "project { stage }").await;
    }
    assert_totals_kept(&app, "the start of construction").await;

    let other_sector =
        app.query(Some(&staff), "{ sectors { nodes { id } } }", json!({})).await["sectors"]["nodes"][1]["id"].clone();
    let input = json!({ "projectId": pid, "departmentId": gid("Department", west), "sectorId": other_sector });
    accepted(&app, &staff, "updateProject", input, "project { id }").await;
    assert_totals_kept(&app, "a move to another department and sector").await;
    let input = json!({ "projectId": pid, "responsibleStaffId": zhang });
    accepted(&app, &staff, "updateProject", input, "project { id }").await;
    assert_totals_kept(&app, "naming a responsible staff member").await;
    let input = json!({ "projectId": pid, "departmentId": null, "responsibleStaffId": null });
    accepted(&app, &staff, "updateProject", input, "project { id }").await;
    assert_totals_kept(&app, "clearing the department and the staff member").await;

    // What the report reads from them: the three agreements' 6.0000000055 亿.
    let report = "query($id: ID!) { campaign(id: $id) { report { agreementsSigned totalInvestment \
                  byDepartment { department { name } totalInvestment } } } }";
    let data = app.query(Some(&staff), report, json!({ "id": gid("Campaign", november) })).await;
    let r = &data["campaign"]["report"];
    assert_eq!(r["agreementsSigned"], 2);
    assert_eq!(r["totalInvestment"], "600000000.55");
    let rows: Vec<(Value, Value)> = r["byDepartment"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|d| (d["department"]["name"].clone(), d["totalInvestment"].clone()))
        .collect();
    assert!(rows.contains(&(Value::Null, json!("350000000.00"))), "the project without a department: {rows:?}");
    assert!(rows.contains(&(json!("东区招商局"), json!("250000000.55"))), "{rows:?}");
}

#[tokio::test]
async fn concurrent_agreements_in_one_department_all_count() {
    let app = spawn_app().await;
    let (f, build) = (Fixtures { db: &app.db }, Build::new(&app.db));
    let staff = app.key(Role::Staff, None).await;
    let november = f.campaign("11月", "2026-11-01", "2026-11-30", (10, 10 * YI, 0)).await;
    let east = build.department("东区招商局").await.id;
    let mut projects = Vec::new();
    for i in 0..8 {
        let p = f.project(&format!("项目{i}"), YI, true, None, Some(november)).await;
        build.assign(p, Some(east), Some("王海涛"), ProjectStage::Negotiating).await;
        projects.push(p);
    }
    let signings = projects.iter().map(|p| {
        let input = json!({ "projectId": gid("Project", *p), "kind": "CONTRACT", "signedOn": "2026-11-10",
                            "totalInvestment": "100000000", "foreignCapital": "0" });
        let staff = staff.clone();
        let app = &app;
        async move { accepted(app, &staff, "recordAgreement", input, "agreement { id }").await }
    });
    futures::future::join_all(signings).await;
    let report = "query($id: ID!) { campaign(id: $id) { report { agreementsSigned totalInvestment } } }";
    let data = app.query(Some(&staff), report, json!({ "id": gid("Campaign", november) })).await;
    assert_eq!(data["campaign"]["report"], json!({ "agreementsSigned": 8, "totalInvestment": "800000000.00" }));
    assert_totals_kept(&app, "eight concurrent signings").await;
}

#[tokio::test]
async fn signings_and_stage_moves_at_once_in_one_department_all_land() {
    let app = spawn_app().await;
    let (f, build) = (Fixtures { db: &app.db }, Build::new(&app.db));
    let staff = app.key(Role::Staff, None).await;
    let november = f.campaign("11月", "2026-11-01", "2026-11-30", (10, 10 * YI, 0)).await;
    let east = build.department("东区招商局").await.id;
    let (mut unsigned, mut signed) = (Vec::new(), Vec::new());
    for i in 0..8 {
        let p = f.project(&format!("项目{i}"), YI, true, None, Some(november)).await;
        build.assign(p, Some(east), None, ProjectStage::Negotiating).await;
        if i % 2 == 0 {
            f.agreement(p, november, AgreementKind::Contract, "2026-11-10", YI, 0, true).await;
            signed.push(p);
        } else {
            unsigned.push(p);
        }
    }
    // Each signing queues a stage event and each move too: they share the
    // department's health tally of today and the campaign's fund totals.
    let sign = unsigned.iter().map(|p| {
        let input = json!({ "projectId": gid("Project", *p), "kind": "CONTRACT", "signedOn": "2026-11-12",
                            "totalInvestment": "100000000", "foreignCapital": "0" });
        ("recordAgreement", input, "agreement { id }")
    });
    let mv = signed.iter().map(|p| {
        ("moveProjectStage", json!({ "projectId": gid("Project", *p), "stage": "REGISTERED" }), "project { stage }")
    });
    let writes = sign.chain(mv).map(|(name, input, selection)| {
        let (app, staff) = (&app, staff.clone());
        async move { accepted(app, &staff, name, input, selection).await }
    });
    futures::future::join_all(writes).await;
    assert_totals_kept(&app, "four signings and four stage moves at once").await;
}
