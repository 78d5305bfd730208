//! The command line as a person uses it: campaigns listed with the ids that
//! `report --campaign` takes, an unknown id named with the way to list them,
//! roles spelt as the API spells them, and the kept rows checked.

use crate::helpers::{TestApp, spawn_app};

/// `zhaoshang ARGS` over the test's database: (success, stdout, stderr).
async fn zhaoshang(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(args)
        .env("ZHAOSHANG_DATABASE_URL", &app.config.database_url)
        .env("ZHAOSHANG_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .await
        .expect("run zhaoshang");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("UTF-8 output");
    (out.status.success(), text(out.stdout), text(out.stderr))
}

#[tokio::test]
async fn the_cli_lists_campaigns_and_names_an_unknown_one_with_the_way_to_list_them() {
    let app = spawn_app().await;
    app.load_demo().await;
    let (ok, listed, _) = zhaoshang(&app, &["campaigns"]).await;
    assert!(ok);
    let november = crate::helpers::gid("Campaign", 2);
    let line = listed.lines().find(|l| l.starts_with(&november)).unwrap_or_else(|| panic!("{november} in {listed}"));
    assert!(line.contains("2026-11-01") && line.contains("2026年11月长三角招商月"), "{line}");

    let unknown = crate::helpers::gid("Campaign", 99);
    let (ok, _, err) = zhaoshang(&app, &["report", "--campaign", &unknown]).await;
    assert!(!ok, "an unknown campaign fails");
    assert!(err.contains(&unknown) && err.contains("zhaoshang campaigns"), "{err}");
    let (ok, _, err) = zhaoshang(&app, &["report"]).await;
    assert!(!ok && err.contains(&november) && err.contains("--campaign"), "{err}");
    let (ok, csv, _) = zhaoshang(&app, &["report", "--campaign", &november, "--format", "csv"]).await;
    assert!(ok && csv.lines().count() > 1, "{csv}");

    // The JSON names its fields as the API does, with the API's figures.
    let (ok, json, err) = zhaoshang(&app, &["report", "--campaign", &november, "--format", "json"]).await;
    assert!(ok, "{err}");
    let cli: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let staff = app.key(entity::enums::Role::Staff, None).await;
    let q = "query($id: ID!) { campaign(id: $id) { report { agreementsSigned totalInvestment
             byDepartment { department { name } agreementsSigned redProjects amberProjects } } } }";
    let api = app.query(Some(&staff), q, serde_json::json!({ "id": november })).await["campaign"]["report"].clone();
    assert_eq!(cli["agreementsSigned"], api["agreementsSigned"], "{json}");
    assert_eq!(cli["totalInvestment"], api["totalInvestment"]);
    let rows = |v: &serde_json::Value, name: &dyn Fn(&serde_json::Value) -> serde_json::Value| {
        v["byDepartment"]
            .as_array()
            .expect("byDepartment")
            .iter()
            .map(|d| (name(d), d["agreementsSigned"].clone(), d["redProjects"].clone(), d["amberProjects"].clone()))
            .collect::<Vec<_>>()
    };
    let by_name = |d: &serde_json::Value| d["department"]["name"].clone();
    let api_rows = rows(&api, &by_name);
    let cli_rows = rows(&cli, &|d: &serde_json::Value| d["department"].clone());
    assert_eq!(cli_rows.len(), api_rows.len(), "{cli_rows:?} vs {api_rows:?}");
    // Each named department's row alike (the row without one is named by the CLI).
    for row in api_rows.iter().filter(|r| !r.0.is_null()) {
        let same = cli_rows.iter().find(|r| r.0 == row.0).unwrap_or_else(|| panic!("{row:?} in {cli_rows:?}"));
        assert_eq!(same, row);
    }
}

#[tokio::test]
async fn keys_are_printed_with_the_apis_role_and_recompute_finds_the_kept_rows_right() {
    let app = spawn_app().await;
    app.load_demo().await;
    let (ok, out, err) = zhaoshang(&app, &["keys", "create", "--role", "STAFF", "--name", "台账员"]).await;
    assert!(ok, "{err}");
    assert!(out.starts_with("created STAFF key "), "{out}");
    let (ok, out, err) = zhaoshang(&app, &["recompute"]).await;
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "recomputed: 0 total rows and 0 health rows differed from the data");
}

#[tokio::test]
async fn settings_come_from_a_dotenv_file_and_piped_logs_carry_no_colour_codes() {
    let app = spawn_app().await;
    app.load_demo().await;
    let dir = std::env::temp_dir().join(format!("zhaoshang-dotenv-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("a folder");
    std::fs::write(
        dir.join(".env"),
        format!("ZHAOSHANG_DATABASE_URL={}\nZHAOSHANG_LOG=info\n", app.config.database_url),
    )
    .expect("a .env");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .arg("campaigns")
        .current_dir(&dir)
        .env_remove("ZHAOSHANG_DATABASE_URL")
        .env_remove("ZHAOSHANG_LOG")
        .output()
        .await
        .expect("run zhaoshang");
    let _ = std::fs::remove_dir_all(&dir);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("2026年11月长三角招商月"), "the demo's campaigns, from the .env's database: {stdout}");
    assert!(stderr.contains("INFO"), "info logs, as the .env asks: {stderr}");
    assert!(!stderr.contains('\u{1b}'), "no terminal escape codes in a pipe: {stderr:?}");
}

#[tokio::test]
async fn the_readmes_curl_example_answers_against_the_demo() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(entity::enums::Role::Admin, None).await;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme.find("```sh\ncurl ").expect("the README's curl example") + "```sh\n".len();
    let command = &readme[start..start + readme[start..].find("```").expect("its end")];
    let command = command.replace("zs_…", &admin).replace("http://127.0.0.1:8080", &app.address);
    // Asynchronously: the server answers on this test's runtime.
    let out = tokio::process::Command::new("sh").arg("-c").arg(&command).output().await.expect("sh and curl");
    assert!(out.status.success(), "{command}: {}", String::from_utf8_lossy(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON answer");
    assert_eq!(answer["data"]["viewer"]["role"], "ADMIN", "{answer}");
    let november = &answer["data"]["campaigns"]["nodes"][0];
    assert_eq!(november["name"], "2026年11月长三角招商月", "{answer}");
    let summary = november["report"]["summary"].as_str().expect("summary");
    assert!(summary.starts_with("共签订合同、协议64个，总投资148.28亿元，"), "{summary}");
}

#[tokio::test]
async fn the_cli_exports_a_ledger_and_imports_it_back_with_nothing_to_change() {
    let app = spawn_app().await;
    app.load_demo().await;
    let file = std::env::temp_dir().join(format!("zhaoshang-projects-{}.xlsx", rand::random::<u64>()));
    let path = file.to_str().expect("a path");
    let november = crate::helpers::gid("Campaign", 2);
    let (ok, _, err) = zhaoshang(&app, &["export", "projects", "--campaign", &november, "--out", path]).await;
    assert!(ok, "{err}");
    let rows = crate::ledgers::sheet(&std::fs::read(&file).expect("the file"), "项目台账").len() - 1;
    assert!(err.contains(&format!("项目台账: {rows} rows written")), "{err}");
    let (ok, out, err) = zhaoshang(&app, &["import", "projects", path, "--dry-run"]).await;
    let _ = std::fs::remove_file(&file);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!(
            "(dry run, nothing written): {rows} rows read, 0 created, 0 updated, {rows} unchanged, 0 errors"
        )),
        "{out}"
    );
    let (ok, _, err) = zhaoshang(&app, &["export", "leads", "--campaign", &november, "--out", path]).await;
    assert!(!ok && err.contains("`campaignId` is not a filter of this list"), "{err}");
}
