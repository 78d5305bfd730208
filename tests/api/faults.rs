//! The database going away mid-run: requests fail fast with a typed error,
//! `/readyz` goes red, and the service recovers by itself when it returns.
//! The test owns a TCP proxy between the server and PostgreSQL and cuts it;
//! the shared PostgreSQL server itself is never stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::services::{Service, address, admin_connection, needs};

/// Forwards connections to `upstream` until cut; while cut, it drops every open
/// connection and refuses new ones.
async fn proxy(upstream: String) -> (u16, Arc<AtomicBool>, watch::Sender<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let cut = Arc::new(AtomicBool::new(false));
    let (generation, _) = watch::channel(0u64);
    let (cut2, gen2) = (cut.clone(), generation.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            if cut2.load(Ordering::SeqCst) {
                continue; // dropped: the connection is refused
            }
            let upstream = upstream.clone();
            let mut cut_signal = gen2.subscribe();
            tokio::spawn(async move {
                let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                    _ = cut_signal.changed() => {}
                }
            });
        }
    });
    (port, cut, generation)
}

async fn graphql(client: &reqwest::Client, address: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let r = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": "{ sectors { totalCount } }" }))
        .send()
        .await
        .expect("the server answers");
    (r.status().as_u16(), r.json().await.expect("json"), started.elapsed())
}

async fn ready(client: &reqwest::Client, address: &str) -> u16 {
    client.get(format!("{address}/readyz")).send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn with_the_database_gone_requests_fail_fast_and_the_service_recovers() {
    // PostgreSQL itself: the proxy in front of it is what the test cuts.
    let Some(url) = needs(Service::Postgres).await else { return };
    let (admin, admin_url) = admin_connection(&url).await.expect("PostgreSQL answered a moment ago");
    let name = format!("zs_fault_{}", std::process::id());
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.expect("drop");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create");
    let upstream = address(&admin_url);
    let (port, cut, generation) = proxy(upstream).await;
    let user = admin_url
        .split_once("://")
        .and_then(|(_, r)| r.split_once('@'))
        .map(|(u, _)| u.to_owned())
        .unwrap_or("postgres".into());

    let mut config = api::Config::with_database(format!("postgres://{user}@127.0.0.1:{port}/{name}"));
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.db_max_connections = Some(3);
    config.db_acquire_timeout_secs = 2;
    let app = api::App::build(config).await.expect("app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();

    let (status, body, _) = graphql(&client, &address).await;
    assert_eq!((status, body["data"]["sectors"]["totalCount"].clone()), (200, json!(12)));
    assert_eq!(ready(&client, &address).await, 200);

    // Cut: every connection drops, new ones are refused.
    cut.store(true, Ordering::SeqCst);
    generation.send_modify(|g| *g += 1);
    let (status, body, took) = graphql(&client, &address).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL", "{body}");
    assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("请求编号")), "{body}");
    assert!(took < Duration::from_secs(5), "failed after {took:?}");
    assert_eq!(ready(&client, &address).await, 503);

    // Restored: the pool reconnects by itself.
    cut.store(false, Ordering::SeqCst);
    let mut recovered = false;
    for _ in 0..20 {
        let (status, body, _) = graphql(&client, &address).await;
        if status == 200 && body["data"]["sectors"]["totalCount"] == 12 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the service did not recover");
    assert_eq!(ready(&client, &address).await, 200);

    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
}
