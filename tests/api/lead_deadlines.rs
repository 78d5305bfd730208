//! Lead assignment and the deadlines the city commits to (江门's rule: respond
//! in 1 day, decide in 3, feedback in 7), as the office's date moves.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{TestApp, assert_user_error, gid, mutate, payload, spawn_app_with, spawn_on};

const LEAD: &str = "lead { id status respondDueOn decideDueOn feedbackDueOn isOverdue
    assignedDepartment { name } assignee { name } } userErrors { field code message }";

/// The same database seen on another office date.
async fn on_day(app: &TestApp, day: &str) -> TestApp {
    let mut config = app.config.clone();
    config.today = Some(day.parse().expect("date"));
    spawn_on(config).await
}

async fn lead_as(app: &TestApp, key: &str, id: &Value) -> Value {
    let q = "query($id: ID!) { node(id: $id) { ... on Lead { status respondDueOn decideDueOn feedbackDueOn isOverdue
        assignedDepartment { name } } } overdue: leads(filter: { isOverdue: true }) { totalCount } }";
    app.query(Some(key), q, json!({ "id": id })).await
}

#[tokio::test]
async fn a_leads_deadlines_follow_it_as_the_offices_date_moves() {
    let app = spawn_app_with(|c| c.today = Some("2026-11-20".parse().expect("date"))).await;
    let pid = Build::new(&app.db).partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let staff = app.key(Role::Staff, None).await;
    let input = json!({ "idempotencyKey": "L1", "enterpriseName": "福州新材料有限公司", "country": "CN" });
    let r = mutate(&app, Some(&partner), "submitLead", input, LEAD).await;
    let lead = payload(&r, "submitLead")["lead"].clone();
    let id = lead["id"].clone();
    assert_eq!(lead["feedbackDueOn"], "2026-11-27", "the partner sees when it will hear");
    assert_eq!((&lead["respondDueOn"], &lead["decideDueOn"]), (&Value::Null, &Value::Null), "the rest is the office's");
    let seen = lead_as(&app, &staff, &id).await;
    assert_eq!(
        (&seen["node"]["respondDueOn"], &seen["node"]["decideDueOn"]),
        (&json!("2026-11-21"), &json!("2026-11-23"))
    );
    assert_eq!((&seen["node"]["isOverdue"], &seen["overdue"]["totalCount"]), (&json!(false), &json!(0)));

    // Unanswered the day after its response was due: late, and the partner sees it.
    let day22 = on_day(&app, "2026-11-22").await;
    let seen = lead_as(&day22, &partner, &id).await;
    assert_eq!((&seen["node"]["isOverdue"], &seen["overdue"]["totalCount"]), (&json!(true), &json!(1)));
    let r = mutate(&day22, Some(&staff), "reviewLead", json!({ "leadId": id, "decision": "START_REVIEW" }), LEAD).await;
    assert_eq!(payload(&r, "reviewLead")["lead"]["status"], "UNDER_REVIEW");
    assert_eq!(lead_as(&day22, &staff, &id).await["node"]["isOverdue"], false, "answered, the decision not yet due");

    // Undecided after the decision was due; deciding ends it.
    let day24 = on_day(&app, "2026-11-24").await;
    let seen = lead_as(&day24, &staff, &id).await;
    assert_eq!((&seen["node"]["isOverdue"], &seen["overdue"]["totalCount"]), (&json!(true), &json!(1)));
    mutate(&day24, Some(&staff), "reviewLead", json!({ "leadId": id, "decision": "ACCEPT" }), LEAD).await;
    let seen = lead_as(&day24, &partner, &id).await;
    assert_eq!((&seen["node"]["status"], &seen["node"]["isOverdue"]), (&json!("ACCEPTED"), &json!(false)));
}

#[tokio::test]
async fn staff_assign_an_undecided_lead_to_a_department_and_only_staff_see_where() {
    let app = spawn_app_with(|c| c.today = Some("2026-11-20".parse().expect("date"))).await;
    let build = Build::new(&app.db);
    let (dept, other) = (build.department("市商务局").await, build.department("高新区").await);
    let admin = app.key(Role::Admin, None).await;
    let input = json!({ "name": "王海涛", "departmentId": gid("Department", other.id) });
    let r = mutate(&app, Some(&admin), "createStaffMember", input, "staffMember { id }").await;
    let member = payload(&r, "createStaffMember")["staffMember"]["id"].clone();
    let pid = build.partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let staff = app.key(Role::Staff, None).await;
    let input = json!({ "idempotencyKey": "L1", "enterpriseName": "福州新材料有限公司", "country": "CN" });
    let r = mutate(&app, Some(&partner), "submitLead", input, LEAD).await;
    let id = payload(&r, "submitLead")["lead"]["id"].clone();

    let assign = |department: u32, assignee: Value| {
        let d = if department == 0 { dept.id } else { other.id };
        json!({ "leadId": id, "departmentId": gid("Department", d), "assigneeId": assignee })
    };
    let r = mutate(&app, Some(&staff), "assignLead", assign(0, member.clone()), LEAD).await;
    assert_user_error(payload(&r, "assignLead"), "OUT_OF_RANGE", &["input", "assigneeId"]);
    let r = mutate(&app, Some(&partner), "assignLead", assign(1, member.clone()), LEAD).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = mutate(&app, Some(&staff), "assignLead", assign(1, member.clone()), LEAD).await;
    let p = payload(&r, "assignLead");
    assert_eq!(
        (&p["lead"]["assignedDepartment"]["name"], &p["lead"]["assignee"]["name"]),
        (&json!("高新区"), &json!("王海涛")),
        "{p}"
    );

    let q = "query($d: ID!) { leads(filter: { assignedDepartmentId: $d }) { totalCount nodes { assignedDepartment { name } } } }";
    let d = gid("Department", other.id);
    assert_eq!(app.query(Some(&staff), q, json!({ "d": d })).await["leads"]["totalCount"], 1);
    assert_eq!(
        app.query(Some(&partner), q, json!({ "d": d })).await["leads"]["totalCount"],
        0,
        "where is the office's business"
    );
    let mine = app
        .query(Some(&partner), "{ leads { nodes { assignedDepartment { name } assignee { name } } } }", json!({}))
        .await;
    assert_eq!(mine["leads"]["nodes"][0], json!({ "assignedDepartment": null, "assignee": null }));

    mutate(
        &app,
        Some(&staff),
        "reviewLead",
        json!({ "leadId": id, "decision": "REJECT", "reason": "不符合产业导向" }),
        LEAD,
    )
    .await;
    let r = mutate(&app, Some(&staff), "assignLead", assign(1, Value::Null), LEAD).await;
    assert_user_error(payload(&r, "assignLead"), "FORBIDDEN_TRANSITION", &["input", "leadId"]);
    let audit =
        app.query(Some(&admin), r#"{ auditLog(filter: { action: "assignLead" }) { totalCount } }"#, json!({})).await;
    assert_eq!(audit["auditLog"]["totalCount"], 1);
}
