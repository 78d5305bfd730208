//! Follow-ups (跟进记录): recorded with the staff present, listed and filtered,
//! and a project's and enterprise's last follow-up date.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{assert_user_error, gid, mutate, payload, spawn_app_with};

const FOLLOW_UP: &str = "followUp { id kind occurredAt summary nextStep nextStepDueOn
    staff { totalCount nodes { name } } project { name } enterprise { name } } userErrors { field code message }";

#[tokio::test]
async fn a_follow_up_names_the_staff_present_and_dates_the_last_contact() {
    let app = spawn_app_with(|c| c.today = Some("2026-11-20".parse().expect("date"))).await;
    let build = Build::new(&app.db);
    let dept = build.department("市商务局").await;
    let enterprise = build.enterprise("上海星河新材料有限公司", "CN").await;
    let project = build.project("星河新材料基地", "120000000", Some(enterprise.id), None, true).await;
    let admin = app.key(Role::Admin, None).await;
    let mut staff_ids = Vec::new();
    for name in ["王海涛", "李静"] {
        let input = json!({ "name": name, "departmentId": gid("Department", dept.id) });
        let r = mutate(&app, Some(&admin), "createStaffMember", input, "staffMember { id }").await;
        staff_ids.push(payload(&r, "createStaffMember")["staffMember"]["id"].clone());
    }
    let staff = app.key(Role::Staff, None).await;
    let (e, p) = (gid("Enterprise", enterprise.id), gid("Project", project.id));

    let base = json!({ "enterpriseId": e, "projectId": p, "kind": "VISIT", "occurredAt": "2026-11-10T02:00:00Z",
        "staffIds": staff_ids, "summary": "走访企业，了解二期用地需求", "nextStep": "协调自然资源局", "nextStepDueOn": "2026-11-17" });
    let with = |extra: Value| {
        let mut v = base.clone();
        for (k, x) in extra.as_object().expect("object") {
            v[k] = x.clone();
        }
        v
    };
    let r = mutate(&app, Some(&staff), "recordFollowUp", with(json!({ "staffIds": [] })), FOLLOW_UP).await;
    assert_user_error(payload(&r, "recordFollowUp"), "REQUIRED", &["input", "staffIds"]);
    let r =
        mutate(&app, Some(&staff), "recordFollowUp", with(json!({ "nextStepDueOn": "2026-11-09" })), FOLLOW_UP).await;
    assert_user_error(payload(&r, "recordFollowUp"), "OUT_OF_RANGE", &["input", "nextStepDueOn"]);
    let r =
        mutate(&app, Some(&staff), "recordFollowUp", with(json!({ "staffIds": [gid("Project", 1)] })), FOLLOW_UP).await;
    assert_user_error(payload(&r, "recordFollowUp"), "NOT_FOUND", &["input", "staffIds"]);
    assert_eq!(app.count("follow_ups").await, 0);

    let r = mutate(&app, Some(&staff), "recordFollowUp", base.clone(), FOLLOW_UP).await;
    let first = payload(&r, "recordFollowUp").clone();
    assert_eq!(first["userErrors"], json!([]), "{first}");
    assert_eq!(first["followUp"]["staff"]["totalCount"], 2);
    assert_eq!(first["followUp"]["staff"]["nodes"][0]["name"], "李静", "by name");
    // 23:30 UTC on the 18th is the 19th in Shanghai: the office's date counts.
    let later = with(
        json!({ "kind": "CALL", "occurredAt": "2026-11-18T23:30:00Z", "nextStep": null, "nextStepDueOn": null, "staffIds": [staff_ids[0]] }),
    );
    let r = mutate(&app, Some(&staff), "recordFollowUp", later, FOLLOW_UP).await;
    assert_eq!(payload(&r, "recordFollowUp")["userErrors"], json!([]));

    let q = "query($p: ID!, $s: ID!) { node(id: $p) { ... on Project { lastFollowUpOn enterprise { lastFollowUpOn }
            followUps { totalCount nodes { kind } } } }
        overdue: followUps(filter: { isNextStepOverdue: true }) { totalCount nodes { nextStep } }
        byLi: followUps(filter: { staffMemberId: $s }) { totalCount }
        calls: followUps(filter: { kind: CALL, occurredFrom: \"2026-11-19\", occurredTo: \"2026-11-19\" }) { totalCount } }";
    let data = app.query(Some(&staff), q, json!({ "p": p, "s": staff_ids[1] })).await;
    assert_eq!(data["node"]["lastFollowUpOn"], "2026-11-19");
    assert_eq!(data["node"]["enterprise"]["lastFollowUpOn"], "2026-11-19");
    assert_eq!(data["node"]["followUps"]["nodes"][0]["kind"], "CALL", "latest first");
    assert_eq!(
        (&data["overdue"]["totalCount"], &data["overdue"]["nodes"][0]["nextStep"]),
        (&json!(1), &json!("协调自然资源局"))
    );
    assert_eq!(data["byLi"]["totalCount"], 1);
    assert_eq!(data["calls"]["totalCount"], 1);

    let pid = build.partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let q = "query($p: ID!, $f: ID!) { followUps { totalCount } node(id: $f) { id }
        project: node(id: $p) { ... on Project { name lastFollowUpOn followUps { totalCount } } } }";
    for key in [None, Some(partner.as_str())] {
        let data = app.query(key, q, json!({ "p": p, "f": first["followUp"]["id"] })).await;
        assert_eq!(data["followUps"]["totalCount"], 0);
        assert!(data["node"].is_null());
        assert_eq!(data["project"]["name"], "星河新材料基地", "the project is published");
        assert_eq!(
            (&data["project"]["lastFollowUpOn"], &data["project"]["followUps"]["totalCount"]),
            (&Value::Null, &json!(0))
        );
    }
    crate::totals::assert_totals_kept(&app, "a follow up names the staff present and dates the last contact").await;
}
