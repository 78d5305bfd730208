//! What operators rely on: metrics, request ids, CORS, compression.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome_and_show_the_pool() {
    let app = spawn_app().await;
    let q = json!({ "query": "query MetricsProbe { viewer { role } }", "operationName": "MetricsProbe" });
    let r = app.client.post(format!("{}/graphql", app.address)).json(&q).send().await.expect("request");
    assert_eq!(r.status(), 200);
    let deep = json!({ "operationName": "MetricsDeep", "query": "query MetricsDeep { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }" });
    app.client.post(format!("{}/graphql", app.address)).json(&deep).send().await.expect("request");

    let r = app.client.get(format!("{}/metrics", app.address)).send().await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap_or("").starts_with("text/plain"));
    let text = r.text().await.expect("text");
    assert!(text.contains(r#"zhaoshang_graphql_requests_total{operation="MetricsProbe",outcome="ok"}"#), "{text}");
    assert!(
        text.contains(r#"zhaoshang_graphql_requests_total{operation="MetricsDeep",outcome="QUERY_TOO_DEEP"}"#),
        "{text}"
    );
    assert!(text.contains("zhaoshang_graphql_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains(r#"zhaoshang_db_pool_connections{state="idle"}"#), "{text}");
}

#[tokio::test]
async fn a_request_id_is_returned_and_a_given_one_is_kept() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let r = app.client.post(&url).json(&json!({ "query": "{ viewer { role } }" })).send().await.expect("request");
    assert!(r.headers().get("x-request-id").is_some_and(|v| !v.is_empty()));
    let r = app
        .client
        .post(&url)
        .header("x-request-id", "trace-4711")
        .json(&json!({ "query": "{ viewer { role } }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers()["x-request-id"], "trace-4711");
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    let app = spawn_app_with(|c| c.cors_origins = vec!["https://office.example.gov.cn".into()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let r = preflight("https://office.example.gov.cn").await.expect("request");
    assert_eq!(
        r.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
        Some("https://office.example.gov.cn")
    );
    let r = preflight("https://elsewhere.example.com").await.expect("request");
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let query = "{ sectors(first: 100) { nodes { id code name createdAt } } }";
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("request");
    assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
}

#[tokio::test]
async fn readyz_is_red_while_a_migration_is_pending_and_green_by_itself_once_applied() {
    use migration::{Migrator, MigratorTrait};
    let app = spawn_app().await;
    let readyz = || async {
        let r = app.client.get(format!("{}/readyz", app.address)).send().await.expect("request");
        (r.status().as_u16(), r.json::<serde_json::Value>().await.expect("json"))
    };
    assert_eq!(readyz().await, (200, json!({ "status": "ready" })));
    // The running server's database loses its last migration, as when a new
    // release's migration has not been applied yet.
    Migrator::down(&app.db, Some(1)).await.expect("roll back one migration");
    assert_eq!(readyz().await, (503, json!({ "status": "migrations pending" })));
    Migrator::up(&app.db, None).await.expect("apply it again");
    assert_eq!(readyz().await, (200, json!({ "status": "ready" })));
}

/// The `zhaoshang serve` process on a free port over the test's database.
async fn serve_process(app: &crate::helpers::TestApp, grace_secs: u64) -> (tokio::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .arg("serve")
        .env("ZHAOSHANG_DATABASE_URL", &app.config.database_url)
        .env("ZHAOSHANG_LISTEN", format!("127.0.0.1:{port}"))
        .env("ZHAOSHANG_SHUTDOWN_GRACE_SECS", grace_secs.to_string())
        .env("ZHAOSHANG_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start zhaoshang serve");
    for _ in 0..200 {
        let up = app.client.get(format!("http://127.0.0.1:{port}/healthz")).send().await;
        if up.is_ok_and(|r| r.status() == 200) {
            return (child, port);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("zhaoshang serve did not come up on port {port}");
}

fn sigterm(child: &tokio::process::Child) {
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(status.success());
}

#[tokio::test]
async fn on_sigterm_a_request_in_flight_finishes_new_ones_are_refused_and_the_process_exits_0() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let (mut child, port) = serve_process(&app, 10).await;

    // A request whose body is still arriving when the signal comes.
    let body = r#"{"query":"{ viewer { role } }"}"#;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(&body.as_bytes()[..10]).await.expect("write part of the body");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    sigterm(&child);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let refused = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
    assert!(refused.is_err(), "the listener is closed once shutdown begins");
    assert!(child.try_wait().expect("status").is_none(), "the process waits for the request in flight");

    stream.write_all(&body.as_bytes()[10..]).await.expect("write the rest");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""role":"PUBLIC""#), "{answer}");

    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("exits after the request")
        .expect("status");
    assert_eq!(status.code(), Some(0));
}

#[tokio::test]
async fn a_request_that_outlasts_the_grace_period_is_cut_and_the_process_still_exits_0() {
    use tokio::io::AsyncWriteExt;
    let app = spawn_app().await;
    let (mut child, port) = serve_process(&app, 1).await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
    let head =
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    stream.write_all(head.as_bytes()).await.expect("write head");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    sigterm(&child);
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), child.wait())
        .await
        .expect("exits after the grace period")
        .expect("status");
    assert_eq!(status.code(), Some(0));
    let waited = started.elapsed();
    assert!(waited >= std::time::Duration::from_millis(900), "waited the grace period: {waited:?}");
}
