//! The report's breakdowns and the briefing, against figures computed here.

use entity::enums::{AgreementKind, ProjectStage, Role};
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{Fixtures, TestApp, gid, spawn_app};
use api::service::lead::Decision;

const YI: i64 = 100_000_000 * 100;

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

async fn department(app: &TestApp, name: &str) -> i64 {
    Build::new(&app.db).department(name).await.id
}

async fn quota(app: &TestApp, campaign: i64, department: i64, person: &str, n: i32, investment_fen: i64) {
    Build::new(&app.db).quota(campaign, department, person, n, &yuan(investment_fen)).await;
}

async fn assign(app: &TestApp, project: i64, department: Option<i64>, person: Option<&str>, stage: ProjectStage) {
    Build::new(&app.db).assign(project, department, person, stage).await;
}

#[tokio::test]
async fn departments_persons_sectors_weeks_and_rates_match_the_rows() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let c = f.campaign("11月", "2026-11-01", "2026-11-30", (10, 10 * YI, YI)).await;
    let (commerce, zone, district, idle) = (
        department(&app, "商务局").await,
        department(&app, "高新区").await,
        department(&app, "东城区").await,
        department(&app, "西城区").await,
    );
    quota(&app, c, commerce, "", 4, 4 * YI).await; // both targets
    quota(&app, c, zone, "", 0, 2 * YI).await; // amount target only
    quota(&app, c, zone, "王海涛", 0, YI).await; // a person's share
    quota(&app, c, idle, "", 0, 0).await; // both zero: unranked
    // district has no quota.

    // (department, person, stage, kind, signed_on, total, foreign, primary)
    let rows: Vec<(Option<i64>, Option<&str>, ProjectStage, AgreementKind, &str, i64, i64)> = vec![
        (Some(commerce), None, ProjectStage::UnderConstruction, AgreementKind::Contract, "2026-11-02", 2 * YI, YI / 2),
        (Some(commerce), None, ProjectStage::Signed, AgreementKind::Framework, "2026-11-03", YI, 0),
        (Some(zone), Some("王海涛"), ProjectStage::InProduction, AgreementKind::Contract, "2026-11-10", YI, YI / 10),
        (Some(district), None, ProjectStage::Registered, AgreementKind::Contract, "2026-11-11", YI / 2, 0),
        (None, None, ProjectStage::Signed, AgreementKind::Framework, "2026-11-16", YI / 4, 0),
    ];
    let mut projects = Vec::new();
    for (k, (dept, person, stage, kind, day, total, foreign)) in rows.iter().enumerate() {
        let p = f.project(&format!("项目{k}"), *total, false, None, Some(c)).await;
        f.agreement(p, c, *kind, day, *total, *foreign, true).await;
        assign(&app, p, *dept, *person, *stage).await;
        projects.push(p);
    }
    // An increase on the commerce bureau's first project, in week 47.
    f.agreement(projects[0], c, AgreementKind::Contract, "2026-11-17", YI, 0, false).await;
    // Capital arrived for two projects.
    for (p, amount) in [(projects[0], YI), (projects[2], YI / 2)] {
        Build::new(&app.db).arrival(p, "2026-11-20", &yuan(amount)).await;
    }

    let staff = app.key(Role::Staff, None).await;
    let q = "query($id: ID!) { campaign(id: $id) { report {
        byDepartment { department { name } targetAgreements targetInvestment agreementsSigned totalInvestment score rank
                       persons { person agreementsSigned totalInvestment score } }
        bySector { agreementsSigned totalInvestment }
        weekly { week startsOn agreementsSigned totalInvestment cumulativeAgreements cumulativeInvestment }
        startRate fundsInPlaceRate } } }";
    let data = app.query(Some(&staff), q, json!({ "id": gid("Campaign", c) })).await;
    let r = &data["campaign"]["report"];
    let by_name = |name: Option<&str>| -> Value {
        r["byDepartment"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|d| d["department"]["name"].as_str() == name)
            .cloned()
            .unwrap_or(Value::Null)
    };

    // Commerce: 2 agreements of 4, 2+1+1 (increase) = 4 亿 of 4 亿 → 0.5·0.5 + 1.0·0.5 = 0.75.
    let commerce_row = by_name(Some("商务局"));
    assert_eq!(commerce_row["agreementsSigned"], 2);
    assert_eq!(commerce_row["totalInvestment"], "400000000.00");
    assert_eq!(commerce_row["score"].as_f64(), Some(0.75));
    // High-tech zone: count target 0, so the amount weighs 100%: 1 亿 of 2 亿 = 0.5.
    let zone_row = by_name(Some("高新区"));
    assert_eq!(zone_row["score"].as_f64(), Some(0.5));
    assert_eq!(zone_row["persons"][0]["person"], "王海涛");
    assert_eq!(zone_row["persons"][0]["agreementsSigned"], 1);
    assert_eq!(zone_row["persons"][0]["score"].as_f64(), Some(1.0));
    assert_eq!((commerce_row["rank"].clone(), zone_row["rank"].clone()), (json!(1), json!(2)));
    // No quota, or both targets 0: listed, unranked.
    for name in ["东城区", "西城区"] {
        let row = by_name(Some(name));
        assert!(row["score"].is_null() && row["rank"].is_null(), "{name}: {row}");
    }
    assert_eq!(by_name(Some("东城区"))["agreementsSigned"], 1);
    assert!(by_name(Some("西城区"))["targetAgreements"] == 0);
    // Projects without a department: a row of their own.
    let none_row = by_name(None);
    assert_eq!(none_row["agreementsSigned"], 1);
    assert_eq!(none_row["totalInvestment"], "25000000.00");

    // One sector (the fixtures' default) holds everything.
    assert_eq!(r["bySector"], json!([{ "agreementsSigned": 5, "totalInvestment": "575000000.00" }]));

    // ISO weeks 45 (2–8 Nov), 46 (9–15), 47 (16–22).
    let weekly: Vec<(String, i64, String, i64)> = r["weekly"]
        .as_array()
        .expect("weeks")
        .iter()
        .map(|w| {
            (
                w["week"].as_str().unwrap_or("").to_owned(),
                w["agreementsSigned"].as_i64().unwrap_or(-1),
                w["totalInvestment"].as_str().unwrap_or("").to_owned(),
                w["cumulativeAgreements"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(
        weekly,
        vec![
            ("2026-W45".to_owned(), 2, "300000000.00".to_owned(), 2),
            ("2026-W46".to_owned(), 2, "150000000.00".to_owned(), 4),
            ("2026-W47".to_owned(), 1, "125000000.00".to_owned(), 5),
        ]
    );
    assert_eq!(r["weekly"][2]["cumulativeInvestment"], "575000000.00");
    assert_eq!(r["weekly"][0]["startsOn"], "2026-11-02");

    // 开工率: 2 of 5 projects under construction or in production.
    assert_eq!(r["startRate"].as_f64(), Some(2.0 / 5.0));
    // 资金到位率: 1.5 亿 arrived of 5.75 亿 signed.
    assert_eq!(r["fundsInPlaceRate"].as_f64(), Some((YI + YI / 2) as f64 / (5 * YI + YI * 3 / 4) as f64));
}

#[tokio::test]
async fn a_campaign_without_agreements_has_no_rates_and_no_nan() {
    let app = spawn_app().await;
    let c = Fixtures { db: &app.db }.campaign("空", "2026-12-01", "2026-12-31", (0, 0, 0)).await;
    let staff = app.key(Role::Staff, None).await;
    let data = app
        .query(Some(&staff), "query($id: ID!) { campaign(id: $id) { report { startRate fundsInPlaceRate weekly { week } bySector { agreementsSigned } byDepartment { score } } } }", json!({ "id": gid("Campaign", c) }))
        .await;
    let r = &data["campaign"]["report"];
    assert!(r["startRate"].is_null() && r["fundsInPlaceRate"].is_null());
    assert_eq!(r["weekly"], json!([]));
    assert_eq!(r["bySector"], json!([]));
    assert_eq!(r["byDepartment"], json!([]));
}

#[tokio::test]
async fn a_partner_sees_its_own_performance_and_so_do_staff() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let pid = f.partner("协会甲").await;
    let c = f.campaign("11月", "2026-11-01", "2026-11-30", (1, 0, 0)).await;
    let build = Build::new(&app.db);
    let converted = build.lead(pid, "已转化", Some(Decision::Accept)).await;
    let p = build.convert(converted.id, "来自线索的项目", Some(c)).await.id;
    f.agreement(p, c, AgreementKind::Contract, "2026-11-05", 3 * YI, 0, true).await;
    build.lead(pid, "被驳回", Some(Decision::Reject)).await;

    let q = "{ partners { nodes { performance { leadsSubmitted leadsAccepted leadsRejected leadsDuplicate leadsConverted projectsSigned signedInvestment } } } }";
    let partner = app.key(Role::Partner, Some(pid)).await;
    let data = app.query(Some(&partner), q, json!({})).await;
    assert_eq!(
        data["partners"]["nodes"][0]["performance"],
        json!({ "leadsSubmitted": 2, "leadsAccepted": 1, "leadsRejected": 1, "leadsDuplicate": 0, "leadsConverted": 1, "projectsSigned": 1, "signedInvestment": "300000000.00" })
    );
    let admin = app.key(Role::Admin, None).await;
    assert_eq!(app.query(Some(&admin), q, json!({})).await["partners"]["nodes"][0]["performance"]["leadsSubmitted"], 2);
    let staff = app.key(Role::Staff, None).await;
    assert_eq!(app.query(Some(&staff), q, json!({})).await["partners"]["nodes"][0]["performance"]["leadsSubmitted"], 2);
}

#[tokio::test]
async fn the_html_briefing_of_the_demo_shows_the_summary_and_one_bar_per_department() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    let data = app
        .query(
            Some(&admin),
            "{ campaigns(filter: {region: \"长三角\"}) { nodes { id report { summary byDepartment { rank } } } } }",
            json!({}),
        )
        .await;
    let campaign = &data["campaigns"]["nodes"][0];
    let id = api::graphql::ids::decode_as(campaign["id"].as_str().expect("id"), "Campaign").expect("campaign id");
    let state = api::startup::AppState::new(app.db.clone(), app.config.clone().into());
    let b = api::briefing::load(&app.db, id, &state.checkup()).await.expect("briefing");
    let html = api::briefing::html(&b).expect("html");
    assert!(html.contains(campaign["report"]["summary"].as_str().expect("summary")));
    // Self-contained: no script, no stylesheet or image fetched from elsewhere
    // (the only URL is the SVG namespace, which nothing fetches).
    for fetch in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!html.contains(fetch), "the briefing must not contain {fetch}");
    }

    // The supervision list (督办清单): one row per RED project, as the API lists them.
    let red = app
        .query(Some(&admin), "{ projects(filter: { health: RED }, first: 100) { nodes { name } } }", json!({}))
        .await;
    let red = red["projects"]["nodes"].as_array().expect("red").clone();
    assert!(!red.is_empty(), "the demo has overdue service requests");
    assert_eq!(html.matches("<tr data-red-project=").count(), red.len());
    let list = html.split("督办清单").nth(1).expect("supervision section");
    for p in &red {
        assert!(list.contains(p["name"].as_str().expect("name")), "{p} in the supervision list");
    }
    assert!(list.contains("企业诉求超期未办结"));

    let departments = campaign["report"]["byDepartment"].as_array().expect("rows").len();
    assert!(departments >= 6);
    assert_eq!(html.matches("<tr data-department=").count(), departments);
    let chart =
        html.split("部门任务完成情况").nth(1).and_then(|s| s.split("逐周进度").next()).expect("department section");
    let c = api::briefing::ACTUAL_COLOUR;
    let bar = format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
    assert_eq!(chart.matches(&bar).count(), departments, "one bar per department");

    let csv = api::briefing::csv(&b).expect("csv");
    assert!(csv.starts_with("\u{FEFF}".as_bytes()), "UTF-8 with BOM");
    assert_eq!(String::from_utf8(csv).expect("utf-8").lines().count(), departments + 1);
}
