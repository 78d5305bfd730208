use entity::enums::AgreementKind;
use serde_json::json;

use crate::helpers::{Fixtures, gid, spawn_app};

#[tokio::test]
async fn large_amounts_sum_exactly_through_the_api() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let campaign = f.campaign("精度测试", "2026-11-01", "2026-11-30", (10, 0, 0)).await;
    let p1 = f.project("甲", 1, false, None, Some(campaign)).await;
    let p2 = f.project("乙", 1, false, None, Some(campaign)).await;
    // 987654321098.76 + 123456789012.34 yuan, as fen.
    f.agreement(p1, campaign, AgreementKind::Contract, "2026-11-05", 98_765_432_109_876, 98_765_432_109_876, true)
        .await;
    f.agreement(p2, campaign, AgreementKind::Contract, "2026-11-06", 12_345_678_901_234, 12_345_678_901_234, true)
        .await;
    let admin = app.key(entity::enums::Role::Admin, None).await;

    let data = app
        .query(
            Some(&admin),
            "query($id: ID!) { campaign(id: $id) { report { totalInvestment foreignCapital contractForeignCapital } } }",
            json!({ "id": gid("Campaign", campaign) }),
        )
        .await;
    let report = &data["campaign"]["report"];
    assert_eq!(report["totalInvestment"], "1111111110111.10");
    assert_eq!(report["foreignCapital"], "1111111110111.10");
    assert_eq!(report["contractForeignCapital"], "1111111110111.10");

    let data = app
        .query(
            Some(&admin),
            "{ agreements(orderBy: {field: TOTAL_INVESTMENT, direction: DESC}) { nodes { totalInvestment } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["agreements"]["nodes"][0]["totalInvestment"], "987654321098.76");
    assert_eq!(data["agreements"]["nodes"][1]["totalInvestment"], "123456789012.34");
}
