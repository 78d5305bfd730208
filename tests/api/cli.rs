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
