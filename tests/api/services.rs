//! Outside services some tests need, and what a test does without one.
//!
//! The suite needs nothing but the Rust toolchain: on SQLite, with no
//! variable set, every test that needs PostgreSQL or Redis is not run and
//! says so on the terminal (past the test harness's output capture), naming
//! the variable that would run it. A service that is configured must answer:
//! a test that cannot reach it fails with the service's name and address.
//!
//! `TEST_SERVICES_REQUIRED` (a comma-separated list: `postgres,redis`) turns
//! "not run" into a failure for the services listed; `.ci/run` sets it so
//! that nothing is skipped there.

use std::io::Write;
use std::time::Duration;

/// A service outside the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// PostgreSQL, from `TEST_DATABASE_URL` (which also moves the whole suite onto it).
    Postgres,
    /// Redis, from `TEST_REDIS_URL`.
    Redis,
    /// An S3-compatible object store, from `TEST_FILES_URL` (`s3://bucket`),
    /// reached as the `AWS_*` variables say (`AWS_ENDPOINT` and so on).
    Files,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::Postgres => "PostgreSQL",
            Service::Redis => "Redis",
            Service::Files => "an S3-compatible store",
        }
    }

    /// Its key in `TEST_SERVICES_REQUIRED`.
    fn key(self) -> &'static str {
        match self {
            Service::Postgres => "postgres",
            Service::Redis => "redis",
            Service::Files => "files",
        }
    }

    fn variable(self) -> &'static str {
        match self {
            Service::Postgres => "TEST_DATABASE_URL",
            Service::Redis => "TEST_REDIS_URL",
            Service::Files => "TEST_FILES_URL",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Service::Postgres => "postgres://postgres@127.0.0.1:5432/test",
            Service::Redis => "redis://127.0.0.1:6379",
            Service::Files => {
                "s3://zhaoshang-test with AWS_ENDPOINT=http://127.0.0.1:5000 AWS_ALLOW_HTTP=true AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 (see .ci/run)"
            }
        }
    }

    /// The URL configured for this service, if any.
    fn url(self) -> Option<String> {
        let url = std::env::var(self.variable()).ok().filter(|u| !u.is_empty())?;
        match self {
            Service::Postgres => url.starts_with("postgres").then_some(url),
            Service::Redis => Some(url),
            Service::Files => url.starts_with("s3://").then_some(url),
        }
    }

    fn required(self) -> bool {
        std::env::var("TEST_SERVICES_REQUIRED")
            .is_ok_and(|list| list.split(',').any(|s| s.trim().eq_ignore_ascii_case(self.key())))
    }
}

/// The service's URL, checked to answer; `None` when it is not configured,
/// after writing to the terminal which test did not run and how to run it.
///
/// Panics when the service is configured but does not answer, and when it is
/// not configured but listed in `TEST_SERVICES_REQUIRED`.
pub async fn needs(service: Service) -> Option<String> {
    let test = std::thread::current().name().unwrap_or("this test").to_owned();
    let Some(url) = service.url() else {
        assert!(
            !service.required(),
            "{test} needs {}, which TEST_SERVICES_REQUIRED lists: set {}, for example {}",
            service.name(),
            service.variable(),
            service.example()
        );
        // Straight to the terminal: `eprintln!` would be captured and shown
        // only if the test failed.
        let _ = writeln!(
            std::io::stderr(),
            "not run: {test} needs {}; set {}={} to run it",
            service.name(),
            service.variable(),
            service.example()
        );
        return None;
    };
    if let Err(e) = reach(service, &url).await {
        let at =
            if service == Service::Files { std::env::var("AWS_ENDPOINT").unwrap_or_default() } else { address(&url) };
        panic!("{test} needs {} at {at}, which does not answer: {e}", service.name());
    }
    Some(url)
}

/// `url` naming database `name` instead of its own, its parameters
/// (`?sslmode=…`) kept.
pub fn with_database(url: &str, name: &str) -> String {
    let (path, query) = url.split_once('?').map_or((url, None), |(p, q)| (p, Some(q)));
    let scheme_end = path.find("://").map_or(0, |i| i + 3);
    let base = match path[scheme_end..].find('/') {
        Some(slash) => &path[..scheme_end + slash],
        None => path,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// `host:port` of a service URL, without its credentials.
pub fn address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    host.split(['/', '?']).next().unwrap_or(host).to_owned()
}

async fn reach(service: Service, url: &str) -> Result<(), String> {
    let attempt = async {
        match service {
            Service::Postgres => admin_connection(url).await.map(drop),
            Service::Redis => {
                let client = redis::Client::open(url).map_err(|e| e.to_string())?;
                let mut conn = client.get_multiplexed_async_connection().await.map_err(|e| e.to_string())?;
                redis::cmd("PING").query_async::<String>(&mut conn).await.map(drop).map_err(|e| e.to_string())
            }
            Service::Files => {
                // Any HTTP answer from the endpoint: the store is there.
                let endpoint = std::env::var("AWS_ENDPOINT").map_err(|_| "AWS_ENDPOINT is not set".to_owned())?;
                reqwest::get(&endpoint).await.map(drop).map_err(|e| format!("{endpoint}: {e}"))
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), attempt).await.map_err(|_| "no answer in 5 s".to_owned())?
}

/// A connection for creating and dropping databases on the PostgreSQL server
/// of `url`: to `url`'s own database, or, when that database does not exist
/// yet, to the server's `postgres` maintenance database. Returns the
/// connection and the URL it used.
pub async fn admin_connection(url: &str) -> Result<(sea_orm::DatabaseConnection, String), String> {
    match sea_orm::Database::connect(url).await {
        Ok(conn) => Ok((conn, url.to_owned())),
        Err(first) => {
            let maintenance = with_database(url, "postgres");
            match sea_orm::Database::connect(&maintenance).await {
                Ok(conn) => Ok((conn, maintenance)),
                Err(_) => Err(first.to_string()),
            }
        }
    }
}

#[test]
fn another_database_on_the_same_server_keeps_the_urls_parameters() {
    assert_eq!(
        with_database("postgres://u:p@db:5432/test?sslmode=require", "zs_1"),
        "postgres://u:p@db:5432/zs_1?sslmode=require"
    );
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432", "postgres"),
        "postgres://postgres@127.0.0.1:5432/postgres"
    );
    assert_eq!(with_database("postgres://h/a/b", "c"), "postgres://h/c");
}

#[test]
fn a_service_address_leaves_out_credentials_and_the_database() {
    assert_eq!(address("postgres://postgres:secret@db.example:5432/test?sslmode=require"), "db.example:5432");
    assert_eq!(address("redis://127.0.0.1:6379"), "127.0.0.1:6379");
}
