//! Staff members: named people whose keys make every change name them.

use entity::enums::Role;
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{TestApp, assert_user_error, gid, mutate, payload, spawn_app};

const STAFF: &str = "staffMember { id name phone isActive department { id name } } userErrors { field code message }";

async fn ok<'a>(r: &'a crate::helpers::Gql, name: &str) -> &'a Value {
    let p = payload(r, name);
    assert_eq!(p["userErrors"], json!([]), "{name}: {p}");
    p
}

/// A staff member of 市商务局 and a STAFF key bound to them.
async fn bound_key(app: &TestApp, admin: &str) -> (Value, String) {
    let dept = Build::new(&app.db).department("市商务局").await;
    let input = json!({ "name": "王海涛", "departmentId": gid("Department", dept.id), "phone": "+86 21 6000 0001" });
    let r = mutate(app, Some(admin), "createStaffMember", input, STAFF).await;
    let member = ok(&r, "createStaffMember").await["staffMember"].clone();
    assert_eq!(member["department"]["name"], "市商务局");
    let input = json!({ "name": "王海涛的密钥", "role": "STAFF", "staffMemberId": member["id"] });
    let r = mutate(
        app,
        Some(admin),
        "createApiKey",
        input,
        "secret apiKey { staffMember { name } } userErrors { field code }",
    )
    .await;
    let p = ok(&r, "createApiKey").await;
    assert_eq!(p["apiKey"]["staffMember"]["name"], "王海涛");
    (member, p["secret"].as_str().expect("secret").to_owned())
}

#[tokio::test]
async fn a_bound_key_names_its_staff_member_in_stage_history_and_the_audit_trail() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let unbound = app.key(Role::Staff, None).await;
    let (member, key) = bound_key(&app, &admin).await;
    let project = Build::new(&app.db).project("氢能装备项目", "300000000", None, None, false).await;
    let id = gid("Project", project.id);
    for (k, stage) in [(&key, "STALLED"), (&unbound, "NEGOTIATING")] {
        let r = mutate(
            &app,
            Some(k),
            "moveProjectStage",
            json!({ "projectId": id, "stage": stage }),
            "userErrors { code }",
        )
        .await;
        ok(&r, "moveProjectStage").await;
    }
    let q = "query($id: ID!) { node(id: $id) { ... on Project { stageHistory(first: 10) { nodes { to changedByRole changedBy { id name } } } } } }";
    let data = app.query(Some(&admin), q, json!({ "id": id })).await;
    let history = data["node"]["stageHistory"]["nodes"].as_array().expect("history").clone();
    let by_stage = |to: &str| history.iter().find(|h| h["to"] == to).cloned().unwrap_or(Value::Null);
    assert_eq!(by_stage("STALLED")["changedBy"]["name"], "王海涛", "{history:?}");
    assert_eq!(by_stage("STALLED")["changedBy"]["id"], member["id"]);
    assert_eq!(by_stage("NEGOTIATING")["changedBy"], Value::Null, "an unbound key names no one");
    assert_eq!(by_stage("NEGOTIATING")["changedByRole"], "STAFF");

    let q = r#"{ auditLog(filter: { action: "moveProjectStage" }) { nodes { staffMember { name } actorRole } } }"#;
    let entries = app.query(Some(&admin), q, json!({})).await["auditLog"]["nodes"].clone();
    let named: Vec<&Value> = entries.as_array().expect("entries").iter().map(|e| &e["staffMember"]["name"]).collect();
    // The builder's own move (as an unbound admin), the bound key's, the unbound key's.
    assert_eq!(named.len(), 3, "{entries}");
    assert_eq!(named.iter().filter(|n| ***n == json!("王海涛")).count(), 1, "{entries}");
    assert_eq!(named.iter().filter(|n| n.is_null()).count(), 2, "{entries}");
}

#[tokio::test]
async fn only_the_office_sees_staff_members() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let (member, _) = bound_key(&app, &admin).await;
    let pid = Build::new(&app.db).partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    let staff = app.key(Role::Staff, None).await;
    let q =
        "query($id: ID!) { staffMembers { totalCount nodes { name apiKeys { totalCount } } } node(id: $id) { id } }";
    for (key, seen) in [(None, 0), (Some(partner.as_str()), 0), (Some(staff.as_str()), 1), (Some(admin.as_str()), 1)] {
        let data = app.query(key, q, json!({ "id": member["id"] })).await;
        assert_eq!(data["staffMembers"]["totalCount"], seen, "{key:?}");
        assert_eq!(data["node"].is_null(), seen == 0, "{key:?}");
        if seen == 1 {
            // Keys are the admins' business: staff see none of them.
            let keys = if key == Some(admin.as_str()) { 1 } else { 0 };
            assert_eq!(data["staffMembers"]["nodes"][0]["apiKeys"]["totalCount"], keys);
        }
    }
    let input = json!({ "name": "李四", "departmentId": member["department"]["id"].clone() });
    let r = mutate(&app, Some(&staff), "createStaffMember", input, STAFF).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn staff_members_are_checked_and_a_departed_ones_keys_stop_working() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let r = mutate(
        &app,
        Some(&admin),
        "createStaffMember",
        json!({ "name": " ", "departmentId": gid("Project", 1) }),
        STAFF,
    )
    .await;
    let p = payload(&r, "createStaffMember");
    assert_user_error(p, "REQUIRED", &["input", "name"]);
    assert_user_error(p, "NOT_FOUND", &["input", "departmentId"]);

    let (member, key) = bound_key(&app, &admin).await;
    let pid = Build::new(&app.db).partner("协会甲").await.id;
    let input =
        json!({ "name": "k", "role": "PARTNER", "partnerId": gid("Partner", pid), "staffMemberId": member["id"] });
    let r = mutate(&app, Some(&admin), "createApiKey", input, "secret userErrors { field code }").await;
    assert_user_error(payload(&r, "createApiKey"), "OUT_OF_RANGE", &["input", "staffMemberId"]);

    let viewer = "{ viewer { role } }";
    assert_eq!(app.post(Some(&key), viewer, json!({})).await.status, 200);
    let input = json!({ "staffMemberId": member["id"], "isActive": false, "phone": null });
    let r = mutate(&app, Some(&admin), "updateStaffMember", input, STAFF).await;
    let gone = &ok(&r, "updateStaffMember").await["staffMember"];
    assert_eq!((&gone["isActive"], &gone["phone"]), (&json!(false), &Value::Null));
    let refused = app.post(Some(&key), viewer, json!({})).await;
    assert_eq!((refused.status, refused.error_code()), (401, "UNAUTHENTICATED"), "their key was revoked");

    let input = json!({ "name": "新密钥", "role": "STAFF", "staffMemberId": member["id"] });
    let r = mutate(&app, Some(&admin), "createApiKey", input, "secret userErrors { field code }").await;
    assert_user_error(payload(&r, "createApiKey"), "FORBIDDEN_TRANSITION", &["input", "staffMemberId"]);
}
