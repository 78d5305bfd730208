//! `importLedger` over the GraphQL multipart request specification: rows
//! checked by the mutations' rules, errors per row and column, natural keys
//! that make a second import change nothing, and the encodings Excel saves.

use entity::enums::{AgreementKind, Role};
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, spawn_app};
use crate::ledgers::{column, download, sheet};

const SELECTION: &str = "rowsRead rowsCreated rowsUpdated rowsUnchanged rowErrors { row column code message } userErrors { field code message }";

/// `importLedger` with `bytes` as the file: the HTTP status and the payload.
pub(crate) async fn import(
    app: &TestApp,
    key: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
    dry_run: bool,
) -> (u16, Value) {
    let query = format!("mutation($input: ImportLedgerInput!) {{ importLedger(input: $input) {{ {SELECTION} }} }}");
    let operations =
        json!({ "query": query, "variables": { "input": { "kind": kind, "file": null, "dryRun": dry_run } } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let body: Value = r.json().await.expect("JSON");
    (status, body)
}

fn payload(body: &Value) -> &Value {
    assert!(body["errors"].is_null(), "{body}");
    &body["data"]["importLedger"]
}

fn counts(p: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| p[k].as_u64().unwrap_or_else(|| panic!("{k} in {p}"));
    (n("rowsRead"), n("rowsCreated"), n("rowsUpdated"), n("rowsUnchanged"))
}

/// A USCC with the right check character, numbered `n`.
fn uscc(n: u32) -> String {
    let first = format!("91310000MA1FL{n:04}");
    format!("{first}{}", api::domain::uscc::check_char(&first).expect("a check character"))
}

fn csv(rows: &[Vec<String>]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("a row");
    }
    String::from_utf8(w.into_inner().expect("bytes")).expect("UTF-8")
}

#[tokio::test]
async fn exported_ledgers_import_back_with_no_changes() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let audit = app.count("audit_log").await;
    for (ledger, kind) in [("enterprises", "ENTERPRISES"), ("projects", "PROJECTS"), ("agreements", "AGREEMENTS")] {
        let file = download(&app, Some(&staff), &format!("/exports/{ledger}.xlsx")).await;
        assert_eq!(file.status, 200);
        let rows = file_rows(&file.bytes, ledger);
        let (status, body) = import(&app, &staff, kind, &format!("{ledger}.xlsx"), file.bytes, false).await;
        assert_eq!(status, 200, "{body}");
        let p = payload(&body);
        assert_eq!(p["rowErrors"], json!([]), "{ledger}");
        assert_eq!(counts(p), (rows, 0, 0, rows), "{ledger}: {p}");
    }
    assert_eq!(app.count("audit_log").await, audit, "nothing was written");
}

fn file_rows(bytes: &[u8], ledger: &str) -> u64 {
    let title = match ledger {
        "enterprises" => "企业台账",
        "projects" => "项目台账",
        _ => "签约台账",
    };
    sheet(bytes, title).len() as u64 - 1
}

#[tokio::test]
async fn a_file_with_two_bad_rows_among_twenty_reports_exactly_those_cells_and_writes_the_other_eighteen() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let mut rows = vec![vec![
        "企业名称".to_owned(),
        "统一社会信用代码".into(),
        "国家或地区".into(),
        "行业".into(),
        "世界500强".into(),
    ]];
    for i in 0..20 {
        let mut code = uscc(i);
        let mut sector = "新一代信息技术".to_owned();
        let mut flag = "否".to_owned();
        if i == 4 {
            // The right check character replaced by another.
            let right = code.pop();
            code.push(if right == Some('0') { '1' } else { '0' });
        }
        if i == 11 {
            sector = "不存在的行业".into();
            flag = "也许".into();
        }
        rows.push(vec![format!("测试企业{i:02}有限公司"), code, "CN".into(), sector, flag]);
    }
    let sectors = app.query(Some(&staff), "{ sectors { nodes { name } } }", json!({})).await;
    let known = sectors["sectors"]["nodes"][0]["name"].as_str().expect("a sector").to_owned();
    for r in rows.iter_mut().skip(1) {
        if r[3] == "新一代信息技术" {
            r[3] = known.clone();
        }
    }
    let (status, body) = import(&app, &staff, "ENTERPRISES", "企业.csv", csv(&rows).into_bytes(), false).await;
    assert_eq!(status, 200);
    let p = payload(&body);
    assert_eq!(counts(p), (20, 18, 0, 0), "{p}");
    let errors: Vec<(u64, String, String)> = p["rowErrors"]
        .as_array()
        .expect("rowErrors")
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (6, "统一社会信用代码".to_owned(), "INVALID_FORMAT".to_owned()),
            (13, "行业".to_owned(), "NOT_FOUND".to_owned()),
            (13, "世界500强".to_owned(), "INVALID_FORMAT".to_owned()),
        ]
    );
    assert!(p["rowErrors"][2]["message"].as_str().unwrap().contains("是、否"), "{p}");
    assert_eq!(app.count("enterprises").await, 18);
    let listed =
        app.query(Some(&staff), "{ enterprises(filter: {search: \"测试企业04\"}) { totalCount } }", json!({})).await;
    assert_eq!(listed["enterprises"]["totalCount"], 0, "the bad row wrote nothing");
}

#[tokio::test]
async fn a_gb18030_csv_with_chinese_names_imports_as_does_utf8_with_a_byte_order_mark() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let text = csv(&[
        vec!["企业名称".into(), "国家或地区".into(), "联系人".into(), "联系电话".into()],
        vec!["鄂尔多斯羊绒制品（上海）有限公司".into(), "CN".into(), "乌兰".into(), "13800000000".into()],
        vec!["𠀾字号老店".into(), "CN".into(), String::new(), String::new()],
    ]);
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gb).is_err(), "the file is not UTF-8");
    let (_, body) = import(&app, &staff, "ENTERPRISES", "企业.csv", gb.into_owned(), false).await;
    assert_eq!(counts(payload(&body)), (2, 2, 0, 0), "{body}");
    let q =
        "{ enterprises(first: 10, orderBy: {field: NAME, direction: ASC}) { nodes { name contact { name phone } } } }";
    let listed = app.query(Some(&staff), q, json!({})).await;
    let names: Vec<&str> =
        listed["enterprises"]["nodes"].as_array().unwrap().iter().map(|n| n["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"鄂尔多斯羊绒制品（上海）有限公司") && names.contains(&"𠀾字号老店"), "{names:?}");

    let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let (_, body) = import(&app, &staff, "ENTERPRISES", "企业.csv", bom, false).await;
    assert_eq!(counts(payload(&body)), (2, 0, 0, 2), "the same rows again, now in UTF-8 with a BOM: {body}");
}

#[tokio::test]
async fn the_same_file_twice_changes_nothing_and_an_edited_cell_updates_only_its_field_audited_as_an_import() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    f.enterprise("华东精密机械有限公司", "CN").await;
    let staff = app.key(Role::Staff, None).await;
    let admin = app.key(Role::Admin, None).await;
    let sectors = app.query(Some(&staff), "{ sectors { nodes { name } } }", json!({})).await;
    let sector = sectors["sectors"]["nodes"][0]["name"].as_str().unwrap().to_owned();
    let header =
        ["项目名称", "企业名称", "行业", "计划总投资（元）", "其中外资（元）", "备注"].map(String::from).to_vec();
    let row = |name: &str, planned: &str| {
        vec![name.into(), "华东精密机械有限公司".into(), sector.clone(), planned.into(), "0.00".into(), "首批".into()]
    };
    let file = csv(&[header.clone(), row("精密轴承产线", "987654321098.76"), row("智能装备基地", "50000000.00")]);

    let (_, body) = import(&app, &staff, "PROJECTS", "项目.csv", file.clone().into_bytes(), true).await;
    assert_eq!(counts(payload(&body)), (2, 2, 0, 0), "a dry run counts: {body}");
    assert_eq!(app.count("projects").await, 0, "and writes nothing");

    let (_, body) = import(&app, &staff, "PROJECTS", "项目.csv", file.clone().into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (2, 2, 0, 0), "{body}");
    let (_, body) = import(&app, &staff, "PROJECTS", "项目.csv", file.into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (2, 0, 0, 2), "{body}");
    let q = "{ projects(first: 10, orderBy: {field: NAME, direction: ASC}) { nodes { name plannedInvestment notes stage } } }";
    let before = app.query(Some(&staff), q, json!({})).await;
    assert!(before.to_string().contains("987654321098.76"), "{before}");

    let edited = csv(&[header, row("精密轴承产线", "987654321098.75"), row("智能装备基地", "50000000.00")]);
    let (_, body) = import(&app, &staff, "PROJECTS", "项目.csv", edited.into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (2, 0, 1, 1), "{body}");
    let after = app.query(Some(&staff), q, json!({})).await;
    let changed: Vec<(&Value, &Value)> = before["projects"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v, b["name"].clone())))
        .filter_map(|(k, v, name)| {
            let a = after["projects"]["nodes"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap();
            (a[&k] != *v).then_some((v, &a[&k]))
        })
        .map(|(b, a)| (b, a))
        .collect::<Vec<_>>();
    assert_eq!(changed, [(&json!("987654321098.76"), &json!("987654321098.75"))]);
    let audit = app
        .query(
            Some(&admin),
            r#"{ auditLog(filter: { action: "importLedger:updateProject" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(audit["auditLog"]["totalCount"], 1, "{audit}");

    // A file with fewer columns changes the cells it has and leaves the rest.
    let notes_only = csv(&[
        ["项目名称", "企业名称", "行业", "备注"].map(String::from).to_vec(),
        vec!["精密轴承产线".into(), "华东精密机械有限公司".into(), sector.clone(), "二期".into()],
    ]);
    let (_, body) = import(&app, &staff, "PROJECTS", "项目.csv", notes_only.into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (1, 0, 1, 0), "{body}");
    let last = app.query(Some(&staff), q, json!({})).await;
    let bearing =
        last["projects"]["nodes"].as_array().unwrap().iter().find(|n| n["name"] == "精密轴承产线").unwrap().clone();
    assert_eq!(
        (bearing["notes"].as_str(), bearing["plannedInvestment"].as_str()),
        (Some("二期"), Some("987654321098.75"))
    );
}

#[tokio::test]
async fn a_usccs_first_appearance_updates_the_enterprise_known_by_name_instead_of_adding_one() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let by_name = csv(&[vec!["企业名称".into()], vec!["闽江新材料股份有限公司".into()]]);
    let (_, body) = import(&app, &staff, "ENTERPRISES", "e.csv", by_name.into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (1, 1, 0, 0), "{body}");
    let code = uscc(7);
    let with_code =
        csv(&[vec!["企业名称".into(), "统一社会信用代码".into()], vec!["闽江新材料股份有限公司".into(), code.clone()]]);
    let (_, body) = import(&app, &staff, "ENTERPRISES", "e.csv", with_code.clone().into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (1, 0, 1, 0), "{body}");
    let (_, body) = import(&app, &staff, "ENTERPRISES", "e.csv", with_code.into_bytes(), false).await;
    assert_eq!(counts(payload(&body)), (1, 0, 0, 1), "{body}");
    assert_eq!(app.count("enterprises").await, 1);
    let listed = app.query(Some(&staff), "{ enterprises(first: 5) { nodes { uscc } } }", json!({})).await;
    assert_eq!(listed["enterprises"]["nodes"][0]["uscc"], code.as_str());
}

#[tokio::test]
async fn a_second_primary_agreement_is_already_signed_on_its_row_and_the_others_count_as_agreements_do() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let c = f.campaign("十一月招商月", "2026-11-01", "2026-11-30", (10, 1_000_000_000, 0)).await;
    let e = f.enterprise("华东精密机械有限公司", "CN").await;
    let signed = f.project("已签项目", 100_000_00, false, Some(e), Some(c)).await;
    f.project("新签项目", 200_000_00, false, Some(e), Some(c)).await;
    f.agreement(signed, c, AgreementKind::Contract, "2026-11-03", 100_000_00, 0, true).await;
    let staff = app.key(Role::Staff, None).await;
    let file = csv(&[
        ["项目名称", "企业名称", "协议类型", "签约日期", "总投资（元）", "其中外资（元）", "增资", "招商活动"]
            .map(String::from)
            .to_vec(),
        ["已签项目", "华东精密机械有限公司", "合同", "2026-11-20", "100000.00", "0", "否", "十一月招商月"]
            .map(String::from)
            .to_vec(),
        ["新签项目", "华东精密机械有限公司", "协议", "2026/11/21", "200000.00", "50000.00", "否", "十一月招商月"]
            .map(String::from)
            .to_vec(),
        ["已签项目", "华东精密机械有限公司", "合同", "2026-11-22", "30000.00", "0", "是", "十一月招商月"]
            .map(String::from)
            .to_vec(),
    ]);
    let (_, body) = import(&app, &staff, "AGREEMENTS", "签约.csv", file.into_bytes(), false).await;
    let p = payload(&body);
    assert_eq!(counts(p), (3, 2, 0, 0), "{p}");
    assert_eq!(p["rowErrors"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(
        (p["rowErrors"][0]["row"].as_u64(), p["rowErrors"][0]["code"].as_str()),
        (Some(2), Some("ALREADY_SIGNED"))
    );
    assert_eq!(p["rowErrors"][0]["column"], "项目名称");

    let report = app
        .query(
            Some(&staff),
            "query($c: ID!) { campaign(id: $c) { report { agreementsSigned totalInvestment foreignCapital } } }",
            json!({ "c": crate::helpers::gid("Campaign", c) }),
        )
        .await;
    let r = &report["campaign"]["report"];
    assert_eq!(r["agreementsSigned"], 2, "the imported primary counts, the increase does not: {r}");
    assert_eq!(r["totalInvestment"], "330000.00");
    assert_eq!(r["foreignCapital"], "50000.00");
    let exported = download(&app, Some(&staff), "/exports/agreements.xlsx").await;
    assert_eq!(column(&sheet(&exported.bytes, "签约台账"), "签约日期").len(), 3);
}

#[tokio::test]
async fn only_staff_import_and_a_file_that_is_not_a_ledger_is_refused_whole() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let partner = app.key(Role::Partner, Some(f.partner("某协会").await)).await;
    let (status, body) = import(&app, &partner, "ENTERPRISES", "a.csv", b"x".to_vec(), false).await;
    // Partners upload files (for their leads), but only staff import ledgers.
    assert_eq!(status, 200);
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body}");
    assert_eq!(body["data"], Value::Null);

    let staff = app.key(Role::Staff, None).await;
    let (_, body) =
        import(&app, &staff, "PROJECTS", "p.csv", "项目名称,备注\n某项目,无\n".as_bytes().to_vec(), false).await;
    let p = payload(&body);
    assert_eq!(p["userErrors"][0]["code"], "REQUIRED", "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["input", "file"]));
    assert!(p["userErrors"][0]["message"].as_str().unwrap().contains("行业"), "{p}");
    let (_, body) = import(&app, &staff, "PROJECTS", "p.xlsx", b"PK\x03\x04 not a zip".to_vec(), false).await;
    assert_eq!(payload(&body)["userErrors"][0]["code"], "INVALID_FORMAT");
    let (_, body) = import(&app, &staff, "PROJECTS", "p.csv", vec![0xFF, 0xFE, 0x81, 0x20, 0xFF], false).await;
    assert_eq!(payload(&body)["userErrors"][0]["code"], "INVALID_FORMAT", "{body}");

    // An upload needs a key: a form posted from another site carries none.
    let form = reqwest::multipart::Form::new().text("operations", "{}").text("map", "{}");
    let r = app.client.post(format!("{}/graphql", app.address)).multipart(form).send().await.expect("request");
    assert_eq!(r.status().as_u16(), 401);
}
