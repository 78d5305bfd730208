//! Lead assignment and the deadlines the city commits to (江门's rule: respond
//! in 1 day, decide in 3, feedback in 7), as the office's date moves.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{TestApp, assert_user_error, gid, mutate, payload, spawn_app_with, spawn_on};
use crate::realtime::{create_webhook, receiver, wait_for, webhook_config};

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

#[tokio::test]
async fn assigning_a_submitted_lead_is_the_offices_response_and_its_partner_hears_of_it() {
    let app = spawn_app_with(|c| {
        webhook_config(c);
        c.today = Some("2026-11-20".parse().expect("date"));
    })
    .await;
    let build = Build::new(&app.db);
    let dept = build.department("高新区").await;
    let pid = build.partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let staff = app.key(Role::Staff, None).await;
    let hook = receiver(0).await;
    create_webhook(&app, &partner, &hook.url).await;
    let input = json!({ "idempotencyKey": "L1", "enterpriseName": "福州新材料有限公司", "country": "CN" });
    let r = mutate(&app, Some(&partner), "submitLead", input, LEAD).await;
    let id = payload(&r, "submitLead")["lead"]["id"].clone();

    let input = json!({ "leadId": id, "departmentId": gid("Department", dept.id) });
    let r = mutate(&app, Some(&staff), "assignLead", input.clone(), LEAD).await;
    assert_eq!(payload(&r, "assignLead")["lead"]["status"], "UNDER_REVIEW", "{}", r.body);
    wait_for("the partner's webhook", || !hook.seen.lock().expect("lock").is_empty()).await;
    // Reassigning changes nothing the partner sees, and it hears nothing more.
    let r = mutate(&app, Some(&staff), "assignLead", input, LEAD).await;
    assert_eq!(payload(&r, "assignLead")["userErrors"], json!([]));
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let seen = hook.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1, "one status change, one delivery");
    let body: Value = serde_json::from_str(&seen[0].1).expect("JSON");
    assert_eq!(body["type"], "LEAD_STATUS_CHANGED");
    assert_eq!((&body["data"]["leadId"], &body["data"]["status"]), (&id, &json!("UNDER_REVIEW")));
    assert_eq!(body["data"]["previousStatus"], "SUBMITTED");
    let seen = lead_as(&app, &partner, &id).await;
    assert_eq!(seen["node"]["isOverdue"], false, "responded on the day it came");
}

#[tokio::test]
async fn a_partners_on_time_answer_rate_counts_decisions_by_their_feedback_date() {
    let app = spawn_app_with(|c| c.today = Some("2026-11-20".parse().expect("date"))).await;
    let pid = Build::new(&app.db).partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let (staff, admin) = (app.key(Role::Staff, None).await, app.key(Role::Admin, None).await);
    let mut leads = Vec::new();
    for (k, name) in
        ["福州新材料有限公司", "厦门光电有限公司", "泉州纺织有限公司", "漳州食品有限公司"].iter().enumerate()
    {
        let input = json!({ "idempotencyKey": format!("L{k}"), "enterpriseName": name, "country": "CN" });
        let r = mutate(&app, Some(&partner), "submitLead", input, LEAD).await;
        leads.push(payload(&r, "submitLead")["lead"]["id"].clone());
    }
    let q = "query($id: ID!) { node(id: $id) { ... on Partner { performance {
        leadsSubmitted leadsDueForAnswer leadsAnsweredOnTime onTimeAnswerRate } } } }";
    let rate = |app: TestApp, key: String| async move {
        app.query(Some(&key), q, json!({ "id": gid("Partner", pid) })).await["node"]["performance"].clone()
    };
    let none_due =
        json!({ "leadsSubmitted": 4, "leadsDueForAnswer": 0, "leadsAnsweredOnTime": 0, "onTimeAnswerRate": null });
    assert_eq!(rate(app.sibling().await, partner.clone()).await, none_due);

    // Accepted two days in (on time: feedback was due 2026-11-27); one withdrawn.
    let day22 = on_day(&app, "2026-11-22").await;
    let decide =
        |lead: &Value, decision: &str| json!({ "leadId": lead, "decision": decision, "reason": "不符合产业导向" });
    mutate(&day22, Some(&staff), "reviewLead", decide(&leads[0], "ACCEPT"), LEAD).await;
    mutate(&day22, Some(&partner), "withdrawLead", json!({ "leadId": leads[3] }), LEAD).await;
    let seen = rate(day22, admin.clone()).await;
    assert_eq!((&seen["leadsDueForAnswer"], &seen["onTimeAnswerRate"]), (&json!(1), &json!(1.0)));

    // Rejected two days late; the third still waits past its feedback date.
    let day29 = on_day(&app, "2026-11-29").await;
    mutate(&day29, Some(&staff), "reviewLead", decide(&leads[1], "REJECT"), LEAD).await;
    let seen = rate(day29, partner.clone()).await;
    assert_eq!((&seen["leadsDueForAnswer"], &seen["leadsAnsweredOnTime"]), (&json!(3), &json!(1)));
    assert!((seen["onTimeAnswerRate"].as_f64().expect("a rate") - 1.0 / 3.0).abs() < 1e-9, "{seen}");
    let other = Build::new(&app.db).partner("协会乙").await.id;
    let other_key = app.key(Role::Partner, Some(other)).await;
    let seen = app.query(Some(&other_key), q, json!({ "id": gid("Partner", pid) })).await;
    assert_eq!(seen["node"]["performance"], Value::Null, "another partner's record is not ours to read");
}
