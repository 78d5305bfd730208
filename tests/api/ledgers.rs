//! Ledgers and briefings over HTTP: what a spreadsheet program reads back
//! from the files equals what the GraphQL API answers on the same data.

use calamine::{Data, Reader, Xlsx};
use entity::enums::{AgreementKind, Role};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, gid, spawn_app};

pub(crate) struct Download {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub bytes: Vec<u8>,
}

impl Download {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
}

pub(crate) async fn download(app: &TestApp, key: Option<&str>, path: &str) -> Download {
    let mut req = app.client.get(format!("{}{path}", app.address));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.expect("request");
    let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    Download { status: r.status().as_u16(), content_type, disposition, bytes: r.bytes().await.expect("body").to_vec() }
}

/// The rows of a workbook's sheet as text: numbers with two decimals (amounts
/// are the only numbers in a ledger), dates as yyyy-mm-dd.
pub(crate) fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f:.2}"),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => {
                        let t = d.as_datetime().expect("a date");
                        if t.time() == chrono::NaiveTime::MIN { t.date().to_string() } else { t.to_string() }
                    }
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The column named `header`'s cells, below the header row.
pub(crate) fn column(rows: &[Vec<String>], header: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

#[tokio::test]
async fn an_exported_project_ledger_holds_the_rows_and_amounts_the_api_lists_to_the_fen() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let c = f.campaign("十一月招商月", "2026-11-01", "2026-11-30", (10, 1_000_000_000, 0)).await;
    let e = f.enterprise("华东精密机械有限公司", "CN").await;
    let big = f.project("超大型智造基地", 98_765_432_109_876, false, Some(e), Some(c)).await;
    f.project("新材料中试线", 12_345, true, Some(e), Some(c)).await;
    f.project("园区外项目", 100_00, false, None, None).await;
    f.agreement(big, c, AgreementKind::Contract, "2026-11-05", 98_765_432_109_876, 0, true).await;
    let staff = app.key(Role::Staff, None).await;

    let d = download(&app, Some(&staff), &format!("/exports/projects.xlsx?campaignId={}", gid("Campaign", c))).await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    assert_eq!(d.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(
        d.disposition.starts_with("attachment; filename=\"projects.xlsx\"; filename*=UTF-8''%E9%A1%B9"),
        "{}",
        d.disposition
    );
    let rows = sheet(&d.bytes, "项目台账");

    let q = "query($c: ID!) { projects(first: 100, filter: {campaignId: $c}) { totalCount nodes { name plannedInvestment stage } } }";
    let listed = app.query(Some(&staff), q, json!({ "c": gid("Campaign", c) })).await;
    let nodes = listed["projects"]["nodes"].as_array().expect("nodes");
    assert_eq!(rows.len() - 1, listed["projects"]["totalCount"].as_u64().expect("count") as usize);
    let mut from_api: Vec<(String, String)> = nodes
        .iter()
        .map(|n| (n["name"].as_str().unwrap().into(), n["plannedInvestment"].as_str().unwrap().into()))
        .collect();
    let mut from_file: Vec<(String, String)> =
        column(&rows, "项目名称").into_iter().zip(column(&rows, "计划总投资（元）")).collect();
    from_api.sort();
    from_file.sort();
    assert_eq!(from_file, from_api);
    assert!(from_file.contains(&("超大型智造基地".into(), "987654321098.76".into())));
    assert_eq!(column(&rows, "阶段"), vec!["签约".to_owned(), "在谈".to_owned()]);
    assert_eq!(column(&rows, "企业名称"), vec!["华东精密机械有限公司".to_owned(); 2]);

    let about = sheet(&d.bytes, "导出说明");
    let line = |k: &str| about.iter().find(|r| r[0] == k).map(|r| r[1].clone()).unwrap_or_default();
    assert_eq!(line("台账"), "项目台账");
    assert_eq!(line("记录数"), "2");
    assert_eq!(line("筛选条件"), format!("campaignId={}", gid("Campaign", c)));
    assert!(!line("导出时间").is_empty());
}

#[tokio::test]
async fn an_exported_agreement_ledger_reconciles_with_the_campaign_report() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let campaigns = app.query(Some(&staff), "{ campaigns(first: 10) { nodes { id name } } }", json!({})).await;
    let c = campaigns["campaigns"]["nodes"][0]["id"].as_str().expect("a campaign").to_owned();
    let report = app
        .query(
            Some(&staff),
            "query($c: ID!) { campaign(id: $c) { report { agreementsSigned totalInvestment foreignCapital } } }",
            json!({ "c": c }),
        )
        .await;
    let r = &report["campaign"]["report"];
    let d = download(&app, Some(&staff), &format!("/exports/agreements.xlsx?campaignId={c}")).await;
    assert_eq!(d.status, 200);
    let rows = sheet(&d.bytes, "签约台账");
    let primaries = column(&rows, "增资").iter().filter(|v| *v == "否").count();
    assert_eq!(primaries as u64, r["agreementsSigned"].as_u64().expect("count"));
    let fen = |col: &str| -> i64 {
        column(&rows, col).iter().map(|v| (v.parse::<f64>().expect("an amount") * 100.0).round() as i64).sum()
    };
    let api_fen = |v: &Value| -> i64 { (v.as_str().unwrap().parse::<f64>().unwrap() * 100.0).round() as i64 };
    assert_eq!(fen("总投资（元）"), api_fen(&r["totalInvestment"]));
    assert_eq!(fen("其中外资（元）"), api_fen(&r["foreignCapital"]));
}

#[tokio::test]
async fn a_partner_exports_only_its_own_leads_without_the_offices_columns_and_no_other_ledger() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let mine = f.partner("长三角商会").await;
    let theirs = f.partner("珠三角协会").await;
    f.lead(mine, "甲公司", None).await;
    f.lead(mine, "乙公司", None).await;
    f.lead(theirs, "丙公司", None).await;
    let key = app.key(Role::Partner, Some(mine)).await;

    let d = download(&app, Some(&key), "/exports/leads.xlsx").await;
    assert_eq!(d.status, 200);
    let rows = sheet(&d.bytes, "线索台账");
    let mut names = column(&rows, "企业名称");
    names.sort();
    assert_eq!(names, ["乙公司", "甲公司"]);
    assert!(!rows[0].iter().any(|h| h == "承办部门" || h == "响应期限"), "{:?}", rows[0]);
    assert!(rows[0].iter().any(|h| h == "反馈期限"));
    // Naming another partner in the filter does not widen the export.
    let d = download(&app, Some(&key), &format!("/exports/leads.xlsx?partnerId={}", gid("Partner", theirs))).await;
    assert_eq!(sheet(&d.bytes, "线索台账").len(), 1);
    // Nor can a partner learn where its leads were assigned by filtering on it.
    let department = crate::builders::Build::new(&app.db).department("投资促进局").await.id;
    let assigned = f.lead(mine, "丁公司", None).await;
    let mut lead: entity::lead::ActiveModel =
        entity::lead::Entity::find_by_id(assigned).one(&app.db).await.unwrap().unwrap().into();
    lead.assigned_department_id = sea_orm::ActiveValue::Set(Some(department));
    sea_orm::ActiveModelTrait::update(lead, &app.db).await.expect("assigned");
    let by_department = format!("/exports/leads.xlsx?assignedDepartmentId={}", gid("Department", department));
    assert_eq!(sheet(&download(&app, Some(&key), &by_department).await.bytes, "线索台账").len(), 1, "no rows");
    let staff = app.key(Role::Staff, None).await;
    assert_eq!(sheet(&download(&app, Some(&staff), &by_department).await.bytes, "线索台账").len(), 2, "one row");

    for ledger in ["projects", "agreements", "enterprises", "service-requests"] {
        let d = download(&app, Some(&key), &format!("/exports/{ledger}.xlsx")).await;
        assert_eq!(d.status, 403, "{ledger}");
        assert_eq!(d.json()["errors"][0]["extensions"]["code"], "FORBIDDEN");
    }
    let d = download(&app, None, "/exports/leads.xlsx").await;
    assert_eq!(d.status, 401);
    assert_eq!(d.json()["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_export_filters_as_the_list_does_and_names_a_parameter_it_does_not_know() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    let c = f.campaign("十二月", "2026-12-01", "2026-12-31", (1, 100, 0)).await;
    let p = f.project("已签约项目", 500_00, false, None, Some(c)).await;
    f.project("在谈项目", 300_00, false, None, Some(c)).await;
    f.agreement(p, c, AgreementKind::Framework, "2026-12-02", 500_00, 0, true).await;
    let staff = app.key(Role::Staff, None).await;

    let d = download(&app, Some(&staff), "/exports/projects.xlsx?stage=SIGNED").await;
    assert_eq!(column(&sheet(&d.bytes, "项目台账"), "项目名称"), ["已签约项目"]);
    let d = download(&app, Some(&staff), "/exports/projects.xlsx?minInvestment=400&isPublished=false").await;
    assert_eq!(column(&sheet(&d.bytes, "项目台账"), "项目名称"), ["已签约项目"]);

    let d = download(&app, Some(&staff), "/exports/projects.xlsx?stag=SIGNED").await;
    assert_eq!(d.status, 400);
    let message = d.json()["errors"][0]["message"].as_str().unwrap_or("").to_owned();
    assert!(message.contains("`stag`") && message.contains("stage"), "{message}");
    let d = download(&app, Some(&staff), "/exports/projects.xlsx?stage=WON").await;
    assert_eq!(d.status, 400);
    let d = download(&app, Some(&staff), "/exports/projects.xlsx?isMajor=yes").await;
    assert_eq!(d.status, 400);
    let d = download(&app, Some(&staff), "/exports/payroll.xlsx").await;
    assert_eq!(d.status, 404);

    let d = download(&app, Some(&staff), "/exports/projects.xlsx?template=true").await;
    let rows = sheet(&d.bytes, "项目台账");
    assert_eq!(rows.len(), 1, "the template is the header row only");
    assert_eq!(rows[0][0], "项目名称");
}

#[tokio::test]
async fn the_briefing_downloads_as_a_png_of_the_stated_size_and_as_a_workbook_that_matches_the_report() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let campaigns = app.query(Some(&staff), "{ campaigns(first: 10) { nodes { id } } }", json!({})).await;
    let c = campaigns["campaigns"]["nodes"][0]["id"].as_str().expect("a campaign").to_owned();

    let d = download(&app, Some(&staff), &format!("/reports/campaigns/{c}/briefing.png")).await;
    assert_eq!((d.status, d.content_type.as_str()), (200, "image/png"));
    let decoder = png::Decoder::new(std::io::Cursor::new(d.bytes.clone()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut pixels).expect("decodes");
    assert_eq!(info.width, 1600);
    assert!(info.height > 800, "{}", info.height);
    // Chinese text drew glyphs: the title band is not blank.
    let stride = info.line_size;
    let inked =
        (20..70).flat_map(|y| (30..700).map(move |x| (y, x))).filter(|(y, x)| pixels[y * stride + x * 4] < 128).count();
    assert!(inked > 500, "the title drew {inked} dark pixels");

    let report = app
        .query(
            Some(&staff),
            "query($c: ID!) { campaign(id: $c) { report { agreementsSigned byDepartment { department { name } agreementsSigned totalInvestment redProjects } } } }",
            json!({ "c": c }),
        )
        .await;
    let d = download(&app, Some(&staff), &format!("/reports/campaigns/{c}/briefing.xlsx")).await;
    assert_eq!(d.status, 200);
    let book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(d.bytes.clone())).expect("xlsx");
    assert_eq!(book.sheet_names(), ["概况", "部门排名", "人员", "行业", "逐周"]);
    let rows = sheet(&d.bytes, "部门排名");
    let departments = report["campaign"]["report"]["byDepartment"].as_array().expect("rows");
    assert_eq!(rows.len() - 1, departments.len());
    for (row, api) in rows[1..].iter().zip(departments) {
        let name = api["department"]["name"].as_str().unwrap_or("未分配部门");
        assert_eq!(row[1], name);
        assert_eq!(row[2], format!("{}.00", api["agreementsSigned"]));
        assert_eq!(row[4], api["totalInvestment"].as_str().unwrap());
        assert_eq!(row[8], format!("{}.00", api["redProjects"]));
    }

    let d = download(&app, Some(&staff), &format!("/reports/campaigns/{c}/briefing.html")).await;
    assert!(d.content_type.starts_with("text/html") && String::from_utf8_lossy(&d.bytes).contains("共签订合同、协议"));
    let d = download(&app, Some(&staff), &format!("/reports/campaigns/{c}/briefing.csv")).await;
    assert!(d.bytes.starts_with("\u{FEFF}排名".as_bytes()));
    let partner = app.key(Role::Partner, Some(Fixtures { db: &app.db }.partner("某协会").await)).await;
    assert_eq!(download(&app, Some(&partner), &format!("/reports/campaigns/{c}/briefing.png")).await.status, 403);
    let unknown = gid("Campaign", 999_999);
    assert_eq!(download(&app, Some(&staff), &format!("/reports/campaigns/{unknown}/briefing.png")).await.status, 404);
    assert_eq!(download(&app, Some(&staff), &format!("/reports/campaigns/{c}/briefing.pdf")).await.status, 404);
}
