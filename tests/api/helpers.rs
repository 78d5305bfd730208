//! `spawn_app()` and the fixtures the tests share.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use api::config::Config;
use api::db;
use api::graphql::ids;
use api::service::api_key as api_keys;
use chrono::{NaiveDate, Utc};
use entity::enums::*;
use entity::*;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::{Value, json};

use crate::builders::Build;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    /// The configuration the server runs with (its database URL included).
    pub config: Config,
    statements: Arc<AtomicUsize>,
    cleanup: Cleanup,
}

enum Cleanup {
    /// A second server on another test's database: the first one cleans up.
    Nothing,
    SqliteFile(std::path::PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if !matches!(self.cleanup, Cleanup::Nothing) && !self.config.files_url.contains("://") {
            let _ = std::fs::remove_dir_all(&self.config.files_url);
        }
        match &self.cleanup {
            Cleanup::Nothing => {}
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: use a thread with its own.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                    rt.block_on(async {
                        if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                                .await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

fn unique_name() -> String {
    format!("zs_test_{}_{}", std::process::id(), rand_suffix())
}

fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{}_{}", COUNTER.fetch_add(1, Ordering::SeqCst), nanos)
}

/// Starts the real server on port 0 against a new, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// As [`spawn_app`], with the configuration changed by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (url, cleanup) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let name = unique_name();
            // The URL's own database need not exist: only the server must.
            let (admin, admin_url) = crate::services::admin_connection(&url).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at {} (TEST_DATABASE_URL) does not answer: {e}", crate::services::address(&url))
            });
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.ok();
            (crate::services::with_database(&url, &name), Cleanup::Postgres { admin_url, name })
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
            (format!("sqlite://{}?mode=rwc", path.display()), Cleanup::SqliteFile(path))
        }
    };
    let mut config = Config::with_database(url);
    if std::env::var("TEST_LOG").is_ok_and(|v| v == "1") {
        // The server's log on stderr, as `serve` writes it (see the README).
        api::telemetry::init(&config);
    }
    config.listen = "127.0.0.1:0".parse().expect("address");
    config.db_max_connections = Some(5);
    config.files_url = std::env::temp_dir().join(format!("{}-files", unique_name())).display().to_string();
    adjust(&mut config);
    let conn = db::connect(&config).await.expect("connect");
    db::migrate(&conn).await.expect("migrate");
    start(config, conn, cleanup).await
}

async fn start(config: Config, mut conn: DatabaseConnection, cleanup: Cleanup) -> TestApp {
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    conn.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let app = api::App::with_connection(config.clone(), conn.clone()).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp { address, client: reqwest::Client::new(), db: conn, config, statements, cleanup }
}

impl TestApp {
    /// A second server with its own connections and its own state, on this
    /// server's database: what another process behind a load balancer would be.
    pub async fn sibling(&self) -> TestApp {
        spawn_on(self.config.clone()).await
    }
}

/// A server with `config` on another test's (migrated) database, which that
/// test cleans up.
pub async fn spawn_on(config: Config) -> TestApp {
    let conn = db::connect(&config).await.expect("connect");
    start(config, conn, Cleanup::Nothing).await
}

/// A GraphQL response: status, and the JSON body.
pub struct Gql {
    pub status: u16,
    pub body: Value,
}

impl Gql {
    pub fn data(&self) -> &Value {
        assert!(self.body.get("errors").is_none(), "unexpected errors: {}", self.body);
        &self.body["data"]
    }

    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.body))
    }
}

impl TestApp {
    pub async fn post(&self, key: Option<&str>, query: &str, variables: Value) -> Gql {
        self.post_in(None, key, query, variables).await
    }

    /// As [`TestApp::post`], with `Accept-Language: language` when given.
    pub async fn post_in(&self, language: Option<&str>, key: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        if let Some(language) = language {
            req = req.header("accept-language", language);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let body = resp.json().await.expect("JSON body");
        check_errors(&body);
        Gql { status, body }
    }

    /// Runs a query and returns its `data`, failing the test on any error.
    pub async fn query(&self, key: Option<&str>, query: &str, variables: Value) -> Value {
        let r = self.post(key, query, variables).await;
        assert_eq!(r.status, 200, "status {} for {}", r.status, r.body);
        r.data().clone()
    }

    /// How many SQL statements the database connection has run so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    pub async fn key(&self, role: Role, partner_id: Option<i64>) -> String {
        api_keys::create(&self.db, "test", role, partner_id, None, None).await.expect("key").secret
    }

    pub async fn load_demo(&self) {
        api::seed::demo::seed(&self.db, NaiveDate::from_ymd_opt(2026, 11, 26).expect("date"))
            .await
            .expect("demo")
            .expect("empty database");
    }
}

pub fn gid(type_name: &str, id: i64) -> String {
    ids::encode(type_name, id).0
}

/// The world a test arranges, through the services (see `builders`); only a
/// lead linked to an existing project (conversion always makes a new one) is
/// inserted as a row.
pub struct Fixtures<'a> {
    pub db: &'a DatabaseConnection,
}

/// Fen as the yuan a command takes.
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

impl Fixtures<'_> {
    fn build(&self) -> Build<'_> {
        Build::new(self.db)
    }

    pub async fn sector(&self) -> i64 {
        sector::Entity::find()
            .order_by_asc(sector::Column::Id)
            .one(self.db)
            .await
            .expect("query")
            .expect("default sectors")
            .id
    }

    pub async fn campaign(&self, name: &str, starts: &str, ends: &str, targets: (i32, i64, i64)) -> i64 {
        let targets = (targets.0, yuan(targets.1), yuan(targets.2));
        self.build().campaign(name, (starts, ends), (targets.0, &targets.1, &targets.2)).await.id
    }

    pub async fn enterprise(&self, name: &str, country: &str) -> i64 {
        self.build().enterprise(name, country).await.id
    }

    /// A project at NEGOTIATING.
    pub async fn project(
        &self,
        name: &str,
        planned_fen: i64,
        published: bool,
        enterprise: Option<i64>,
        campaign: Option<i64>,
    ) -> i64 {
        self.build().project(name, &yuan(planned_fen), enterprise, campaign, published).await.id
    }

    /// An agreement; `primary` false makes it an increase.
    #[allow(clippy::too_many_arguments)]
    pub async fn agreement(
        &self,
        project: i64,
        campaign: i64,
        kind: AgreementKind,
        signed_on: &str,
        total_fen: i64,
        foreign_fen: i64,
        primary: bool,
    ) -> i64 {
        let amounts = (yuan(total_fen), yuan(foreign_fen));
        self.build().agreement(project, campaign, kind, signed_on, (&amounts.0, &amounts.1), !primary).await.id
    }

    pub async fn partner(&self, name: &str) -> i64 {
        self.build().partner(name).await.id
    }

    pub async fn lead(&self, partner: i64, name: &str, project: Option<i64>) -> i64 {
        let now = Utc::now();
        lead::ActiveModel {
            partner_id: Set(partner),
            idempotency_key: Set(format!("k-{name}")),
            request_hash: Set("0".repeat(64)),
            status: Set(LeadStatus::Accepted),
            enterprise_name: Set(name.into()),
            search_name: Set(api::domain::text::fold(name)),
            dedupe_key: Set(api::domain::text::dedupe_key(name)),
            uscc: Set(None),
            country: Set("CN".into()),
            sector_id: Set(None),
            contact_name: Set(Some("周明".into())),
            contact_phone: Set(None),
            contact_email: Set(None),
            estimated_investment_fen: Set(None),
            description: Set(None),
            reason: Set(None),
            internal_note: Set(Some("staff only".into())),
            duplicate_of_lead_id: Set(None),
            duplicate_of_enterprise_id: Set(None),
            enterprise_id: Set(None),
            project_id: Set(project),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.db)
        .await
        .expect("lead")
        .id
    }
}

/// Sends `mutation($input: …Input!) { name(input: $input) { <selection> } }`.
pub async fn mutate(app: &TestApp, key: Option<&str>, name: &str, input: Value, selection: &str) -> Gql {
    let input_type = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} }} }}");
    app.post(key, &query, json!({ "input": input })).await
}

/// The payload of a mutation that must have been answered (no top-level error).
pub fn payload<'a>(r: &'a Gql, name: &str) -> &'a Value {
    &r.data()[name]
}

/// Asserts exactly one user error with this code and field path.
pub fn assert_user_error(payload: &Value, code: &str, path: &[&str]) {
    let errors = payload["userErrors"].as_array().unwrap_or_else(|| panic!("no userErrors in {payload}"));
    assert!(
        errors.iter().any(|e| e["code"] == code && e["field"] == json!(path)),
        "expected {code} at {path:?}, got {payload}"
    );
}

impl TestApp {
    /// Rows in a table: to prove that a refused mutation wrote nothing.
    pub async fn count(&self, table: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                self.db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

/// The user-error codes of the contract.
const USER_ERROR_CODES: [&str; 10] = [
    "REQUIRED",
    "INVALID_FORMAT",
    "OUT_OF_RANGE",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "ALREADY_SIGNED",
    "FORBIDDEN_TRANSITION",
    "STALE",
    "IDEMPOTENCY_CONFLICT",
    "NO_CAMPAIGN",
];

/// Whether a message names a Rust identifier instead of the API's: an enum
/// variant as Rust writes it (`UnderConstruction`), a path (`api::…`), or a
/// library's debug output.
fn names_rust(message: &str) -> Option<String> {
    use sea_orm::Iterable;
    let mut variants: Vec<String> = Vec::new();
    variants.extend(ProjectStage::iter().map(|v| format!("{v:?}")));
    variants.extend(LeadStatus::iter().map(|v| format!("{v:?}")));
    variants.extend(Role::iter().map(|v| format!("{v:?}")));
    let words: Vec<&str> = message.split(|c: char| !c.is_alphanumeric() && c != '_').collect();
    if let Some(v) = variants.iter().find(|v| words.contains(&v.as_str())) {
        return Some(v.clone());
    }
    ["::", "DbErr", "Some(", "None", "Err(", "Ok("].iter().find(|p| message.contains(*p)).map(|p| p.to_string())
}

/// Every error a client reads: a top-level code from the catalogue, a user
/// error code from the contract, and no Rust identifier in any message. Every
/// GraphQL response of the suite passes here.
pub fn check_errors(body: &Value) {
    fn walk(v: &Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(errors)) = map.get("userErrors") {
                    for e in errors {
                        let code = e["code"].as_str().unwrap_or_default();
                        assert!(USER_ERROR_CODES.contains(&code), "user error code outside the contract: {e}");
                        let message = e["message"].as_str().unwrap_or_default();
                        assert!(names_rust(message).is_none(), "a Rust identifier in a message: {e}");
                    }
                }
                map.values().for_each(walk);
            }
            Value::Array(items) => items.iter().for_each(walk),
            _ => {}
        }
    }
    let answers = match body {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    for answer in answers {
        for e in answer["errors"].as_array().into_iter().flatten() {
            let code = e["extensions"]["code"].as_str().unwrap_or_else(|| panic!("an error without a code: {e}"));
            assert!(api::error::ErrorCode::parse(code).is_some(), "a code outside the catalogue: {e}");
            let message = e["message"].as_str().unwrap_or_default();
            assert!(names_rust(message).is_none(), "a Rust identifier in a message: {e}");
        }
        walk(&answer["data"]);
    }
}
