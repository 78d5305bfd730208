//! Project health (项目体检): each rule at its threshold, a project moving
//! GREEN → AMBER → RED as the office's date and the data change (the date
//! moves by starting servers with a later `today` on the same database; no
//! sleeping), and `projects(filter: { health })` paged both ways.

use chrono::{Duration, NaiveDate, Utc};
use entity::enums::{AgreementKind, ProjectStage, Role};
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{TestApp, gid, mutate, payload, spawn_app, spawn_on};

const HEALTH: &str = "query($id: ID!) { node(id: $id) { ... on Project { health { level reasons } } } }";

/// The office's date today.
fn today(app: &TestApp) -> NaiveDate {
    Utc::now().with_timezone(&app.config.timezone).date_naive()
}

/// The same database seen `days` days from now.
async fn after(app: &TestApp, days: i64) -> TestApp {
    let mut config = app.config.clone();
    config.today = Some(today(app) + Duration::days(days));
    spawn_on(config).await
}

async fn health(app: &TestApp, key: &str, project: i64) -> Value {
    app.query(Some(key), HEALTH, json!({ "id": gid("Project", project) })).await["node"]["health"].clone()
}

fn is(level: &str, reasons: &[&str]) -> Value {
    json!({ "level": level, "reasons": reasons })
}

#[tokio::test]
async fn a_project_turns_amber_without_follow_up_and_red_a_year_after_signing_without_construction() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let build = Build::new(&app.db);
    let day0 = today(&app);
    let campaign =
        build.campaign("全年招商", (&(day0 - Duration::days(400)).to_string(), &day0.to_string()), (1, "1", "0")).await;
    let p = build.project("氢能装备项目", "300000000", None, Some(campaign.id), false).await;
    assert_eq!(health(&app, &staff, p.id).await, is("GREEN", &[]));
    assert_eq!(health(&after(&app, 29).await, &staff, p.id).await, is("GREEN", &[]), "29 days is not yet too long");
    assert_eq!(health(&after(&app, 30).await, &staff, p.id).await, is("AMBER", &["NO_FOLLOW_UP"]), "30 days is");

    // Signed 364 days ago: not yet; 365 days ago: RED.
    let signed = (day0 - Duration::days(364)).to_string();
    build.agreement(p.id, campaign.id, AgreementKind::Contract, &signed, ("300000000", "0"), false).await;
    assert_eq!(health(&app, &staff, p.id).await, is("GREEN", &[]), "signed 364 days ago");
    let later = after(&app, 1).await;
    assert_eq!(health(&later, &staff, p.id).await, is("RED", &["SIGNED_NOT_STARTED"]), "365 days");

    // A stall is AMBER at once; an overdue request makes it RED.
    let q = build.project("新材料基地", "120000000", None, None, false).await;
    build.assign(q.id, None, None, ProjectStage::Stalled).await;
    assert_eq!(health(&app, &staff, q.id).await, is("AMBER", &["STALLED"]));
    crate::totals::assert_totals_kept(
        &app,
        "a project turns amber without follow up and red a year after signing without construction",
    )
    .await;
}

#[tokio::test]
async fn funds_in_place_and_capital_after_start_are_judged_at_their_thresholds() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let build = Build::new(&app.db);
    let day0 = today(&app);
    let campaign =
        build.campaign("全年招商", (&(day0 - Duration::days(30)).to_string(), &day0.to_string()), (1, "1", "0")).await;
    let mut projects = Vec::new();
    // 14.99% and 15.00% of 100,000,000 arrived on the day construction started.
    for (name, arrived) in [("低到资项目", "14990000"), ("达标项目", "15000000")] {
        let p = build.project(name, "100000000", None, Some(campaign.id), false).await;
        build.agreement(p.id, campaign.id, AgreementKind::Contract, &day0.to_string(), ("100000000", "0"), false).await;
        build.assign(p.id, None, None, ProjectStage::UnderConstruction).await;
        build.arrival(p.id, &day0.to_string(), arrived).await;
        projects.push(p.id);
    }
    let (low, enough) = (projects[0], projects[1]);
    // 89 days on: only the missing follow-up (construction rules not yet due).
    let day89 = after(&app, 89).await;
    for p in [low, enough] {
        assert_eq!(health(&day89, &staff, p).await, is("AMBER", &["NO_FOLLOW_UP"]), "89 days");
    }
    let day90 = after(&app, 90).await;
    assert_eq!(health(&day90, &staff, enough).await, is("RED", &["NO_CAPITAL_AFTER_START", "NO_FOLLOW_UP"]));
    let day179 = after(&app, 179).await;
    assert!(
        !health(&day179, &staff, low).await["reasons"]
            .as_array()
            .expect("reasons")
            .contains(&json!("LOW_FUNDS_IN_PLACE"))
    );
    let day180 = after(&app, 180).await;
    let low_reasons = health(&day180, &staff, low).await["reasons"].clone();
    assert!(low_reasons.as_array().expect("reasons").contains(&json!("LOW_FUNDS_IN_PLACE")), "14.99%: {low_reasons}");
    let enough_reasons = health(&day180, &staff, enough).await["reasons"].clone();
    assert!(
        !enough_reasons.as_array().expect("reasons").contains(&json!("LOW_FUNDS_IN_PLACE")),
        "15%: {enough_reasons}"
    );
    crate::totals::assert_totals_kept(&app, "funds in place and capital after start are judged at their thresholds")
        .await;
}

#[tokio::test]
async fn an_overdue_request_makes_a_project_red_and_the_red_filter_pages_both_ways() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let build = Build::new(&app.db);
    let dept = build.department("市商务局").await;
    let enterprise = build.enterprise("上海星河新材料有限公司", "CN").await;
    let mut projects = Vec::new();
    for k in 0..5 {
        projects.push(build.project(&format!("项目{k}"), "100000000", Some(enterprise.id), None, true).await.id);
    }
    // Requests on projects 0, 2 and 4, due in 10 days.
    for p in [projects[0], projects[2], projects[4]] {
        let input = json!({ "enterpriseId": gid("Enterprise", enterprise.id), "projectId": gid("Project", p), "category": "LAND",
            "title": "用地", "description": "用地指标", "departmentId": gid("Department", dept.id) });
        let r = mutate(&app, Some(&staff), "openServiceRequest", input, "userErrors { code }").await;
        assert_eq!(payload(&r, "openServiceRequest")["userErrors"], json!([]));
    }
    let day11 = after(&app, 11).await;
    assert_eq!(health(&day11, &staff, projects[0]).await, is("RED", &["OVERDUE_REQUESTS"]));
    assert_eq!(health(&day11, &staff, projects[1]).await, is("GREEN", &[]));

    let all = day11.query(Some(&staff), "{ projects(first: 100) { nodes { id health { level } } } }", json!({})).await;
    let mut expected: Vec<String> = all["projects"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["health"]["level"] == "RED")
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect();
    expected.sort();
    assert_eq!(expected.len(), 3);
    let page = "query($a: String, $b: String, $f: Int, $l: Int) { projects(filter: { health: RED }, first: $f, after: $a, last: $l, before: $b) {
        totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let (mut forwards, mut cursor) = (Vec::new(), Value::Null);
    loop {
        let data = day11.query(Some(&staff), page, json!({ "f": 1, "a": cursor })).await["projects"].clone();
        assert_eq!(data["totalCount"], 3);
        forwards
            .extend(data["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id").to_owned()));
        if data["pageInfo"]["hasNextPage"] != true {
            break;
        }
        cursor = data["pageInfo"]["endCursor"].clone();
    }
    let (mut backwards, mut cursor) = (Vec::new(), Value::Null);
    loop {
        let data = day11.query(Some(&staff), page, json!({ "l": 2, "b": cursor })).await["projects"].clone();
        let mut ids: Vec<String> =
            data["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect();
        ids.extend(backwards);
        backwards = ids;
        if data["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        cursor = data["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(forwards, backwards, "the same order both ways");
    forwards.sort();
    assert_eq!(forwards, expected);

    // The report holds departments to account: requests overdue in the
    // department's name, red projects in the row of projects without one.
    let day0 = today(&app).to_string();
    let campaign = build.campaign("督办", (&day0, &day0), (1, "1", "0")).await;
    let q = "query($c: ID!) { campaign(id: $c) { report { byDepartment { department { name } redProjects amberProjects overdueRequests overdueLeads } } } }";
    let rows = day11.query(Some(&staff), q, json!({ "c": gid("Campaign", campaign.id) })).await["campaign"]["report"]["byDepartment"].clone();
    let row = |name: Value| {
        rows.as_array().expect("rows").iter().find(|r| r["department"]["name"] == name).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(
        row(json!("市商务局")),
        json!({ "department": { "name": "市商务局" }, "redProjects": 0, "amberProjects": 0, "overdueRequests": 3, "overdueLeads": 0 })
    );
    assert_eq!(row(Value::Null)["redProjects"], 3, "{rows}");
    assert_eq!(row(Value::Null)["amberProjects"], 0, "11 days without follow-up is not yet AMBER: {rows}");

    // Health is the office's: null for the public, and its filter matches nothing.
    let public = day11
        .query(
            None,
            "{ projects(filter: { health: RED }) { totalCount } all: projects { nodes { health { level } } } }",
            json!({}),
        )
        .await;
    assert_eq!(public["projects"]["totalCount"], 0);
    assert_eq!(public["all"]["nodes"][0]["health"], Value::Null);
    crate::totals::assert_totals_kept(
        &app,
        "an overdue request makes a project red and the red filter pages both ways",
    )
    .await;
}
