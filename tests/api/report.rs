use entity::enums::{AgreementKind, Role};
use serde_json::json;

use crate::helpers::{Fixtures, gid, spawn_app};

const REPORT: &str = "query($id: ID!) { campaign(id: $id) { targetAgreements report {
    agreementsSigned totalInvestment foreignCapital contractProjects contractForeignCapital
    agreementsCompletion investmentCompletion foreignCapitalCompletion summary } } }";

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[tokio::test]
async fn the_report_equals_sums_computed_from_the_rows() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let yi = 100_000_000 * 100; // 1 亿元 in fen
    let november = f.campaign("11月", "2026-11-01", "2026-11-30", (4, 10 * yi, 0)).await;
    let other = f.campaign("10月", "2026-10-01", "2026-10-31", (1, yi, yi)).await;
    // (project, campaign, kind, total, foreign, primary)
    let rows = [
        ("合同项目", november, AgreementKind::Contract, 3 * yi + 12_345, 50_000_000_00, true),
        ("协议项目", november, AgreementKind::Framework, 2 * yi, 10_000_000_00, true),
        ("合同项目", november, AgreementKind::Contract, yi / 2, 5_000_000_00, false), // an increase
        ("协议项目", november, AgreementKind::Framework, yi / 4, 1_000_000_00, false), // an increase
        ("别的活动", other, AgreementKind::Contract, 7 * yi, 7 * yi, true),
    ];
    let mut projects = std::collections::HashMap::new();
    for (name, ..) in rows {
        if !projects.contains_key(name) {
            projects.insert(name, f.project(name, yi, false, None, None).await);
        }
    }
    for (name, campaign, kind, total, foreign, primary) in rows {
        f.agreement(projects[name], campaign, kind, "2026-11-10", total, foreign, primary).await;
    }

    // Independently: the counting rules applied to the rows above.
    let mine: Vec<_> = rows.iter().filter(|r| r.1 == november).collect();
    let n = mine.iter().filter(|r| r.5).count() as i64;
    let x: i64 = mine.iter().map(|r| r.3).sum();
    let y: i64 = mine.iter().map(|r| r.4).sum();
    let m = mine.iter().filter(|r| r.5 && r.2 == AgreementKind::Contract).count() as i64;
    let z: i64 = mine.iter().filter(|r| r.2 == AgreementKind::Contract).map(|r| r.4).sum();

    let admin = app.key(Role::Admin, None).await;
    let data = app.query(Some(&admin), REPORT, json!({ "id": gid("Campaign", november) })).await;
    let r = &data["campaign"]["report"];
    assert_eq!(r["agreementsSigned"], n);
    assert_eq!(r["totalInvestment"], yuan(x));
    assert_eq!(r["foreignCapital"], yuan(y));
    assert_eq!(r["contractProjects"], m);
    assert_eq!(r["contractForeignCapital"], yuan(z));
    assert_eq!(r["agreementsCompletion"].as_f64(), Some(n as f64 / 4.0));
    assert_eq!(r["investmentCompletion"].as_f64(), Some(x as f64 / (10 * yi) as f64));
    assert!(r["foreignCapitalCompletion"].is_null(), "a zero target has no completion: {r}");
    // 5.75000123 亿 → 5.75; 0.66 亿 foreign; contract foreign 0.55 亿.
    assert_eq!(
        r["summary"],
        "共签订合同、协议2个，总投资5.75亿元，合同、协议外资0.66亿元，其中合同项目1个，合同利用外资0.55亿元。"
    );
}

#[tokio::test]
async fn a_campaign_without_agreements_reports_zeros() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let c = f.campaign("空", "2026-12-01", "2026-12-31", (0, 0, 0)).await;
    let admin = app.key(Role::Staff, None).await;
    let data = app.query(Some(&admin), REPORT, json!({ "id": gid("Campaign", c) })).await;
    let r = &data["campaign"]["report"];
    assert_eq!(r["agreementsSigned"], 0);
    assert_eq!(r["totalInvestment"], "0.00");
    assert!(r["agreementsCompletion"].is_null());
    assert_eq!(
        r["summary"],
        "共签订合同、协议0个，总投资0.00亿元，合同、协议外资0.00亿元，其中合同项目0个，合同利用外资0.00亿元。"
    );
}
