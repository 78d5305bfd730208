//! Persons as staff members: a project's responsible staff member, quotas per
//! staff member, and the report's person rows scored and ranked.

use entity::enums::{AgreementKind, ProjectStage, Role};
use serde_json::{Value, json};

use crate::builders::Build;
use crate::helpers::{Fixtures, TestApp, assert_user_error, gid, mutate, payload, spawn_app};

const YI: i64 = 100_000_000 * 100;
const QUOTA: &str = "quota { id person staffMember { name } targetAgreements } userErrors { field code message }";

pub(crate) async fn staff_member(app: &TestApp, admin: &str, name: &str, department: i64) -> Value {
    let input = json!({ "name": name, "departmentId": gid("Department", department) });
    let r = mutate(app, Some(admin), "createStaffMember", input, "staffMember { id } userErrors { code }").await;
    let p = payload(&r, "createStaffMember");
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p["staffMember"]["id"].clone()
}

/// `setDepartmentQuota` over HTTP: (agreements, investment in 亿) for `who`
/// (`{}` for the department's own, `{ staffMemberId }` or `{ person }`).
async fn set_quota(app: &TestApp, admin: &str, campaign: i64, department: i64, who: Value, n: i32, yi: i64) -> Value {
    let mut input = json!({
        "campaignId": gid("Campaign", campaign),
        "departmentId": gid("Department", department),
        "targetAgreements": n,
        "targetInvestment": format!("{}", yi * 100_000_000),
        "targetForeignCapital": "0",
    });
    for (k, v) in who.as_object().expect("who").clone() {
        input[k] = v;
    }
    payload(&mutate(app, Some(admin), "setDepartmentQuota", input, QUOTA).await, "setDepartmentQuota").clone()
}

/// A signed project of `department` whose person is `responsible` (fields of
/// `updateProject`), with a primary contract of `total_fen`.
async fn signed(app: &TestApp, staff: &str, campaign: i64, department: i64, responsible: Value, total_fen: i64) -> i64 {
    let f = Fixtures { db: &app.db };
    let p = f.project(&format!("项目{total_fen}{responsible}"), total_fen, true, None, Some(campaign)).await;
    Build::new(&app.db).assign(p, Some(department), None, ProjectStage::Negotiating).await;
    let mut input = json!({ "projectId": gid("Project", p) });
    for (k, v) in responsible.as_object().expect("fields").clone() {
        input[k] = v;
    }
    let r = mutate(app, Some(staff), "updateProject", input, "userErrors { field code }").await;
    assert_eq!(payload(&r, "updateProject")["userErrors"], json!([]), "{}", r.body);
    f.agreement(p, campaign, AgreementKind::Contract, "2026-11-10", total_fen, 0, true).await;
    p
}

/// An admin key, a staff key and a November campaign (10 agreements, 10 亿).
async fn office(app: &TestApp) -> (String, String, i64) {
    let (admin, staff) = (app.key(Role::Admin, None).await, app.key(Role::Staff, None).await);
    let campaign = Fixtures { db: &app.db }.campaign("11月", "2026-11-01", "2026-11-30", (10, 10 * YI, 0)).await;
    (admin, staff, campaign)
}

#[tokio::test]
async fn persons_are_staff_members_scored_and_ranked_within_their_department() {
    let app = spawn_app().await;
    let build = Build::new(&app.db);
    let (admin, staff, c) = office(&app).await;
    let zone = build.department("高新区").await.id;
    let (wang, li) = (staff_member(&app, &admin, "王海涛", zone).await, staff_member(&app, &admin, "李雯", zone).await);

    set_quota(&app, &admin, c, zone, json!({}), 4, 4).await;
    let q = set_quota(&app, &admin, c, zone, json!({ "staffMemberId": wang }), 2, 2).await;
    assert_eq!((&q["quota"]["person"], &q["quota"]["staffMember"]["name"]), (&json!("王海涛"), &json!("王海涛")));
    set_quota(&app, &admin, c, zone, json!({ "staffMemberId": li }), 1, 1).await;
    let legacy = set_quota(&app, &admin, c, zone, json!({ "person": "赵磊" }), 1, 1).await;
    assert_eq!(legacy["quota"]["staffMember"], Value::Null);
    // Setting a staff member's quota again replaces it.
    let again = set_quota(&app, &admin, c, zone, json!({ "staffMemberId": wang }), 2, 2).await;
    assert_eq!(again["quota"]["id"], q["quota"]["id"]);

    let mine = signed(&app, &staff, c, zone, json!({ "responsibleStaffId": wang }), YI).await;
    signed(&app, &staff, c, zone, json!({ "responsibleStaffId": li }), YI).await;
    signed(&app, &staff, c, zone, json!({ "responsiblePerson": "赵磊" }), YI / 2).await;
    // A free-text name is not the staff member of the same name.
    signed(&app, &staff, c, zone, json!({ "responsiblePerson": "王海涛" }), YI).await;

    let query = "query($id: ID!) { campaign(id: $id) { report { byDepartment { department { name } agreementsSigned
        persons { person staffMember { name } agreementsSigned totalInvestment score rank } } } } }";
    let data = app.query(Some(&staff), query, json!({ "id": gid("Campaign", c) })).await;
    let row = &data["campaign"]["report"]["byDepartment"][0];
    assert_eq!((&row["department"]["name"], &row["agreementsSigned"]), (&json!("高新区"), &json!(4)));
    // 李雯 1/1 and 1亿/1亿 = 1.0; 赵磊 1/1·½ + 0.5/1·½ = 0.75; 王海涛 1/2·½ + 1/2·½ = 0.5.
    let persons: Vec<(Value, Value, Value, Option<f64>, Value)> = row["persons"]
        .as_array()
        .expect("persons")
        .iter()
        .map(|p| {
            let (name, staff, n) =
                (p["person"].clone(), p["staffMember"]["name"].clone(), p["agreementsSigned"].clone());
            (name, staff, n, p["score"].as_f64(), p["rank"].clone())
        })
        .collect();
    assert_eq!(
        persons,
        vec![
            (json!("李雯"), json!("李雯"), json!(1), Some(1.0), json!(1)),
            (json!("赵磊"), Value::Null, json!(1), Some(0.75), json!(2)),
            (json!("王海涛"), json!("王海涛"), json!(1), Some(0.5), json!(3)),
        ]
    );

    // The project names its staff member; the deprecated name follows it.
    let q = "query($id: ID!) { node(id: $id) { ... on Project { responsibleStaff { name } responsiblePerson } } }";
    let id = gid("Project", mine);
    let seen = app.query(Some(&staff), q, json!({ "id": id })).await;
    assert_eq!(seen["node"], json!({ "responsibleStaff": { "name": "王海涛" }, "responsiblePerson": "王海涛" }));
    let pid = build.partner("协会甲").await.id;
    let partner = app.key(Role::Partner, Some(pid)).await;
    for key in [None, Some(partner.as_str())] {
        let seen = app.query(key, q, json!({ "id": id })).await;
        assert_eq!(seen["node"], json!({ "responsibleStaff": null, "responsiblePerson": null }), "{key:?}");
    }
}

#[tokio::test]
async fn a_persons_quota_names_an_active_staff_member_of_its_department_or_a_name_not_both() {
    let app = spawn_app().await;
    let (f, build) = (Fixtures { db: &app.db }, Build::new(&app.db));
    let (admin, staff, c) = office(&app).await;
    let (zone, bureau) = (build.department("高新区").await.id, build.department("商务局").await.id);
    let wang = staff_member(&app, &admin, "王海涛", zone).await;

    let p = set_quota(&app, &admin, c, bureau, json!({ "staffMemberId": wang }), 1, 1).await;
    assert_user_error(&p, "OUT_OF_RANGE", &["input", "staffMemberId"]);
    let p = set_quota(&app, &admin, c, zone, json!({ "staffMemberId": wang, "person": "王海涛" }), 1, 1).await;
    assert_user_error(&p, "OUT_OF_RANGE", &["input", "person"]);
    let p = set_quota(&app, &admin, c, zone, json!({ "staffMemberId": gid("StaffMember", 999) }), 1, 1).await;
    assert_user_error(&p, "NOT_FOUND", &["input", "staffMemberId"]);
    // Every missing reference at once.
    let p = set_quota(&app, &admin, 999, 998, json!({ "staffMemberId": gid("StaffMember", 999) }), 1, 1).await;
    for field in ["campaignId", "departmentId", "staffMemberId"] {
        assert_user_error(&p, "NOT_FOUND", &["input", field]);
    }
    let q = "query($id: ID!) { campaign(id: $id) { quotas { totalCount } } }";
    let quotas = app.query(Some(&admin), q, json!({ "id": gid("Campaign", c) })).await;
    assert_eq!(quotas["campaign"]["quotas"]["totalCount"], 0, "a refused quota writes nothing");

    // A departed staff member answers for nothing new.
    let r = mutate(
        &app,
        Some(&admin),
        "updateStaffMember",
        json!({ "staffMemberId": wang, "isActive": false }),
        "userErrors { code }",
    )
    .await;
    assert_eq!(payload(&r, "updateStaffMember")["userErrors"], json!([]));
    let project = f.project("氢能项目", YI, false, None, Some(c)).await;
    let input = json!({ "projectId": gid("Project", project), "responsibleStaffId": wang });
    let r = mutate(
        &app,
        Some(&staff),
        "updateProject",
        input,
        "project { responsibleStaff { name } } userErrors { field code }",
    )
    .await;
    assert_user_error(payload(&r, "updateProject"), "FORBIDDEN_TRANSITION", &["input", "responsibleStaffId"]);
    let p = set_quota(&app, &admin, c, zone, json!({ "staffMemberId": wang }), 1, 1).await;
    assert_user_error(&p, "FORBIDDEN_TRANSITION", &["input", "staffMemberId"]);
}

#[tokio::test]
async fn the_demos_person_rows_are_named_staff_members_with_real_numbers() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    let q = r#"{ campaigns(first: 1, filter: { region: "长三角" }) { nodes { report { byDepartment { department { name }
        persons { person staffMember { name department { name } } agreementsSigned score rank } } } } } }"#;
    let data = app.query(Some(&admin), q, json!({})).await;
    let rows = data["campaigns"]["nodes"][0]["report"]["byDepartment"].as_array().expect("rows").clone();
    let persons: Vec<&Value> = rows.iter().flat_map(|r| r["persons"].as_array().expect("persons").iter()).collect();
    assert!(persons.len() >= 2, "{rows:?}");
    for p in &persons {
        assert_eq!(p["staffMember"]["name"], p["person"], "{p}");
        assert!(p["agreementsSigned"].as_i64() > Some(0), "each person has signed something: {p}");
    }
    let row = rows.iter().find(|r| r["persons"].as_array().is_some_and(|p| !p.is_empty())).expect("a split quota");
    assert_eq!(row["persons"][0]["staffMember"]["department"]["name"], row["department"]["name"]);
    assert_eq!(row["persons"][0]["rank"], 1);
    let signed: i64 = persons.iter().map(|p| p["agreementsSigned"].as_i64().expect("count")).sum();
    assert!(signed > 0, "the demo's persons have signed agreements: {persons:?}");

    let q = "{ projects(first: 100) { nodes { responsibleStaff { name } } } }";
    let data = app.query(Some(&admin), q, json!({})).await;
    let named =
        data["projects"]["nodes"].as_array().expect("nodes").iter().filter(|p| !p["responsibleStaff"].is_null());
    assert!(named.count() > 0, "the demo's projects name their responsible staff");
}
