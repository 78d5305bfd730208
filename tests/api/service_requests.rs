//! Service requests (企业诉求): their walk to resolution, their deadlines on the
//! office's date, and who may see them.

use chrono::NaiveDate;
use entity::enums::Role;
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{TestApp, assert_user_error, gid, mutate, payload, spawn_app_with, spawn_on};

const REQUEST: &str = "serviceRequest { id status dueOn isOverdue resolution satisfaction closedAt
    department { name } assignee { name } } userErrors { field code message }";

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A server whose office date is `today`.
async fn on(today: &str) -> TestApp {
    spawn_app_with(|c| c.today = Some(day(today))).await
}

struct World {
    staff: String,
    enterprise: String,
    project: String,
    department: String,
    other_department: String,
    member: String,
}

async fn world(app: &TestApp) -> World {
    let build = Build::new(&app.db);
    let (dept, other) = (build.department("市商务局").await, build.department("自然资源局").await);
    let enterprise = build.enterprise("上海星河新材料有限公司", "CN").await;
    let project = build.project("星河新材料基地", "120000000", Some(enterprise.id), None, true).await;
    let admin = app.key(Role::Admin, None).await;
    let input = json!({ "name": "王海涛", "departmentId": gid("Department", dept.id) });
    let r = mutate(app, Some(&admin), "createStaffMember", input, "staffMember { id }").await;
    World {
        staff: app.key(Role::Staff, None).await,
        enterprise: gid("Enterprise", enterprise.id),
        project: gid("Project", project.id),
        department: gid("Department", dept.id),
        other_department: gid("Department", other.id),
        member: payload(&r, "createStaffMember")["staffMember"]["id"].as_str().expect("id").to_owned(),
    }
}

async fn open(app: &TestApp, w: &World, extra: Value) -> crate::helpers::Gql {
    let mut input = json!({ "enterpriseId": w.enterprise, "projectId": w.project, "category": "LAND",
        "title": "用地指标未落实", "description": "二期用地指标尚未下达", "departmentId": w.department });
    for (k, v) in extra.as_object().expect("object") {
        input[k] = v.clone();
    }
    mutate(app, Some(&w.staff), "openServiceRequest", input, REQUEST).await
}

async fn step(app: &TestApp, w: &World, name: &str, input: Value) -> Value {
    let r = mutate(app, Some(&w.staff), name, input, REQUEST).await;
    payload(&r, name).clone()
}

#[tokio::test]
async fn a_request_walks_to_closed_and_a_dissatisfied_enterprise_reopens_it() {
    let app = on("2026-11-20").await;
    let w = world(&app).await;
    let r = open(&app, &w, json!({ "assigneeId": w.member })).await;
    let opened = payload(&r, "openServiceRequest")["serviceRequest"].clone();
    assert_eq!(opened["status"], "OPEN", "{}", r.body);
    assert_eq!(opened["dueOn"], "2026-11-30", "ten days by default");
    assert_eq!(opened["assignee"]["name"], "王海涛");
    let id = json!({ "serviceRequestId": opened["id"] });
    let with = |extra: Value| {
        let mut v = id.clone();
        for (k, x) in extra.as_object().expect("object") {
            v[k] = x.clone();
        }
        v
    };

    let p = step(&app, &w, "resolveServiceRequest", with(json!({ "resolution": "x" }))).await;
    assert_user_error(&p, "FORBIDDEN_TRANSITION", &["input", "serviceRequestId"]);
    let p = step(&app, &w, "acceptServiceRequest", with(json!({ "note": "已受理" }))).await;
    assert_eq!(p["serviceRequest"]["status"], "ACCEPTED", "{p}");
    let p = step(&app, &w, "acceptServiceRequest", id.clone()).await;
    assert_user_error(&p, "FORBIDDEN_TRANSITION", &["input", "serviceRequestId"]);
    let p = step(&app, &w, "resolveServiceRequest", with(json!({ "resolution": "已协调下达用地指标" }))).await;
    assert_eq!(
        (&p["serviceRequest"]["status"], &p["serviceRequest"]["resolution"]),
        (&json!("RESOLVED"), &json!("已协调下达用地指标"))
    );
    let p =
        step(&app, &w, "closeServiceRequest", with(json!({ "satisfaction": "DISSATISFIED", "note": "指标仍未到位" })))
            .await;
    assert_eq!(p["serviceRequest"]["status"], "ACCEPTED", "dissatisfied reopens: {p}");
    assert_eq!(p["serviceRequest"]["satisfaction"], "DISSATISFIED");
    step(&app, &w, "resolveServiceRequest", with(json!({ "resolution": "指标已下达" }))).await;
    let p = step(&app, &w, "closeServiceRequest", with(json!({ "satisfaction": "SATISFIED" }))).await;
    assert_eq!(p["serviceRequest"]["status"], "CLOSED", "{p}");
    assert!(p["serviceRequest"]["closedAt"].is_string());
    let p = step(&app, &w, "reassignServiceRequest", with(json!({ "departmentId": w.other_department }))).await;
    assert_user_error(&p, "FORBIDDEN_TRANSITION", &["input", "serviceRequestId"]);

    let q = "query($id: ID!) { node(id: $id) { ... on ServiceRequest { history(first: 20) { totalCount nodes { from to note changedByRole } } } } }";
    let data = app.query(Some(&w.staff), q, json!({ "id": opened["id"] })).await;
    let moves: Vec<(Value, Value)> = data["node"]["history"]["nodes"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (h["from"].clone(), h["to"].clone()))
        .collect();
    let expected = [
        (Value::Null, "OPEN"),
        (json!("OPEN"), "ACCEPTED"),
        (json!("ACCEPTED"), "RESOLVED"),
        (json!("RESOLVED"), "ACCEPTED"),
        (json!("ACCEPTED"), "RESOLVED"),
        (json!("RESOLVED"), "CLOSED"),
    ];
    assert_eq!(moves, expected.iter().map(|(f, t)| (f.clone(), json!(t))).collect::<Vec<_>>());
    assert_eq!(data["node"]["history"]["nodes"][3]["note"], "指标仍未到位");
    crate::totals::assert_totals_kept(&app, "a request walks to closed and a dissatisfied enterprise reopens it").await;
}

#[tokio::test]
async fn a_request_past_its_due_date_is_overdue_on_the_offices_date_until_resolved() {
    let app = on("2026-11-20").await;
    let w = world(&app).await;
    let r = open(&app, &w, json!({ "dueOn": "2026-11-25" })).await;
    let id = payload(&r, "openServiceRequest")["serviceRequest"]["id"].clone();
    let q = "query($id: ID!) { node(id: $id) { ... on ServiceRequest { isOverdue } }
        late: serviceRequests(filter: { isOverdue: true }) { totalCount }
        onTime: serviceRequests(filter: { isOverdue: false }) { totalCount } }";
    let seen = |data: Value| {
        (data["node"]["isOverdue"].clone(), data["late"]["totalCount"].clone(), data["onTime"]["totalCount"].clone())
    };
    assert_eq!(seen(app.query(Some(&w.staff), q, json!({ "id": id })).await), (json!(false), json!(0), json!(1)));

    // The same database seen on the due date, and on the day after it.
    for (today, late) in [("2026-11-25", false), ("2026-11-26", true)] {
        let mut config = app.config.clone();
        config.today = Some(day(today));
        let later = spawn_on(config).await;
        let expected = if late { (json!(true), json!(1), json!(0)) } else { (json!(false), json!(0), json!(1)) };
        assert_eq!(seen(later.query(Some(&w.staff), q, json!({ "id": id })).await), expected, "{today}");
        if late {
            let input = json!({ "serviceRequestId": id });
            step(&later, &w, "acceptServiceRequest", input.clone()).await;
            let mut resolve = input;
            resolve["resolution"] = json!("已办结");
            step(&later, &w, "resolveServiceRequest", resolve).await;
            let after = seen(later.query(Some(&w.staff), q, json!({ "id": id })).await);
            assert_eq!(after, (json!(false), json!(0), json!(1)), "a resolved request is not overdue");
        }
    }
}

#[tokio::test]
async fn a_request_is_checked_when_opened_and_handed_over() {
    let app = on("2026-11-20").await;
    let w = world(&app).await;
    let other = Build::new(&app.db).enterprise("Helios Energy Systems GmbH", "DE").await;
    let r = open(&app, &w, json!({ "enterpriseId": gid("Enterprise", other.id) })).await;
    assert_user_error(payload(&r, "openServiceRequest"), "OUT_OF_RANGE", &["input", "projectId"]);
    let r = open(&app, &w, json!({ "departmentId": w.other_department, "assigneeId": w.member })).await;
    assert_user_error(payload(&r, "openServiceRequest"), "OUT_OF_RANGE", &["input", "assigneeId"]);
    let r = open(&app, &w, json!({ "dueOn": "2026-11-19", "title": " " })).await;
    let p = payload(&r, "openServiceRequest");
    assert_user_error(p, "REQUIRED", &["input", "title"]);
    let r = open(&app, &w, json!({ "dueOn": "2026-11-19" })).await;
    assert_user_error(payload(&r, "openServiceRequest"), "OUT_OF_RANGE", &["input", "dueOn"]);
    assert_eq!(app.count("service_requests").await, 0, "a refused request writes nothing");

    let r = open(&app, &w, json!({})).await;
    let id = payload(&r, "openServiceRequest")["serviceRequest"]["id"].clone();
    let input = json!({ "serviceRequestId": id, "departmentId": w.other_department, "dueOn": "2026-12-10", "note": "转自然资源局办理" });
    let p = step(&app, &w, "reassignServiceRequest", input).await;
    assert_eq!(p["serviceRequest"]["department"]["name"], "自然资源局", "{p}");
    assert_eq!((&p["serviceRequest"]["status"], &p["serviceRequest"]["dueOn"]), (&json!("OPEN"), &json!("2026-12-10")));
}

#[tokio::test]
async fn partners_and_the_public_never_see_a_service_request() {
    let app = on("2026-11-20").await;
    let w = world(&app).await;
    let r = open(&app, &w, json!({})).await;
    let id = payload(&r, "openServiceRequest")["serviceRequest"]["id"].clone();
    let pid = Build::new(&app.db).partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let q = "query($id: ID!, $p: ID!) { serviceRequests { totalCount } node(id: $id) { id }
        project: node(id: $p) { ... on Project { name serviceRequests { totalCount } } } }";
    for (key, seen) in [(None, 0), (Some(partner.as_str()), 0), (Some(w.staff.as_str()), 1)] {
        let data = app.query(key, q, json!({ "id": id, "p": w.project })).await;
        assert_eq!(data["serviceRequests"]["totalCount"], seen, "{key:?}");
        assert_eq!(data["node"].is_null(), seen == 0, "{key:?}");
        assert_eq!(data["project"]["name"], "星河新材料基地", "the project is published");
        assert_eq!(data["project"]["serviceRequests"]["totalCount"], seen, "{key:?}");
    }
    let r = mutate(&app, Some(&partner), "acceptServiceRequest", json!({ "serviceRequestId": id }), REQUEST).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
}
