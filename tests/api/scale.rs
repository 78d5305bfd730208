//! `seed --scale`: the benchmark's dataset is consistent and the database stays usable.

use entity::enums::Role;
use serde_json::json;

use crate::helpers::{gid, mutate, payload, spawn_app};

#[tokio::test]
async fn a_scaled_dataset_is_consistent_and_writable_afterwards() {
    let app = spawn_app().await;
    let summary = api::seed::scale::seed(&app.db, 2_000).await.expect("seed");
    assert_eq!((summary.projects, summary.enterprises, summary.agreements), (2_000, 1_000, 660));
    assert_eq!(summary.bench_campaign_agreements, 200);
    assert_eq!(app.count("projects").await, 2_000);
    assert_eq!(app.count("leads").await, 200);

    let staff = app.key(Role::Staff, None).await;
    let q = "query($id: ID!) { campaign(id: $id) { report { agreementsSigned byDepartment { agreementsSigned } } } }";
    let report = app.query(Some(&staff), q, json!({ "id": gid("Campaign", summary.bench_campaign_id) })).await;
    let report = &report["campaign"]["report"];
    assert_eq!(report["agreementsSigned"], 200, "{report}");
    let by_department: i64 = report["byDepartment"]
        .as_array()
        .expect("departments")
        .iter()
        .filter_map(|d| d["agreementsSigned"].as_i64())
        .sum();
    assert!(by_department <= 200 && by_department > 150, "{report}");

    // New rows get fresh ids after the explicit ones (PostgreSQL's sequences were moved on).
    let partner = app.key(Role::Partner, Some(1)).await;
    let input =
        json!({ "idempotencyKey": "after-seed", "enterpriseName": "规模测试后新线索有限公司", "country": "CN" });
    let r = mutate(&app, Some(&partner), "submitLead", input, "lead { id status }").await;
    let lead = &payload(&r, "submitLead")["lead"];
    assert_eq!(lead["id"], gid("Lead", 201), "{}", r.body);

    // A second seed refuses to run over the data.
    assert!(api::seed::scale::seed(&app.db, 10).await.is_err());
}
