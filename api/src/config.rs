//! One typed configuration, read from `ZHAOSHANG_*` environment variables (or the
//! matching command-line flags). Every variable is listed in `.env.example`.
//! A value that does not parse stops the process at start-up.

use std::net::SocketAddr;

use crate::domain::money::Money;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://zhaoshang.db?mode=rwc";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";
pub const DEFAULT_MAJOR_PROJECT_THRESHOLD: &str = "100000000";

#[derive(clap::Args, Clone, Debug)]
pub struct Config {
    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "ZHAOSHANG_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Address and port the HTTP server listens on.
    #[arg(long, env = "ZHAOSHANG_LISTEN", default_value = DEFAULT_LISTEN, global = true)]
    pub listen: SocketAddr,

    /// The office's time zone: dates and ISO weeks are counted in it.
    #[arg(long, env = "ZHAOSHANG_TIMEZONE", default_value = DEFAULT_TIMEZONE, global = true)]
    pub timezone: chrono_tz::Tz,

    /// The office's date, pinned (`YYYY-MM-DD`): deadlines and overdue flags are
    /// reckoned from it instead of the clock. For demonstrations and tests; unset
    /// in production.
    #[arg(long, env = "ZHAOSHANG_TODAY", global = true)]
    pub today: Option<chrono::NaiveDate>,

    /// Days an investor's service request has, from the day it is opened,
    /// unless a due date is given.
    #[arg(long, env = "ZHAOSHANG_REQUEST_DUE_DAYS", default_value_t = 10, global = true)]
    pub request_due_days: u32,

    /// Days the office has to respond to a partner's lead (it goes UNDER_REVIEW).
    #[arg(long, env = "ZHAOSHANG_LEAD_RESPOND_DAYS", default_value_t = 1, global = true)]
    pub lead_respond_days: u32,

    /// Days the office has to decide on a lead.
    #[arg(long, env = "ZHAOSHANG_LEAD_DECIDE_DAYS", default_value_t = 3, global = true)]
    pub lead_decide_days: u32,

    /// Days by which the partner hears the decision, from submission.
    #[arg(long, env = "ZHAOSHANG_LEAD_FEEDBACK_DAYS", default_value_t = 7, global = true)]
    pub lead_feedback_days: u32,

    /// Health: days after its primary agreement by which a project must have
    /// started construction (else RED `SIGNED_NOT_STARTED`).
    #[arg(long, env = "ZHAOSHANG_HEALTH_SIGNED_NOT_STARTED_DAYS", default_value_t = 365, global = true)]
    pub health_signed_not_started_days: u32,

    /// Health: days under construction without any capital arrival in as many
    /// days (RED `NO_CAPITAL_AFTER_START`).
    #[arg(long, env = "ZHAOSHANG_HEALTH_NO_CAPITAL_DAYS", default_value_t = 90, global = true)]
    pub health_no_capital_days: u32,

    /// Health: days after construction started by which arrived capital must
    /// reach `ZHAOSHANG_HEALTH_LOW_FUNDS_PERCENT` of the agreements' total
    /// (AMBER `LOW_FUNDS_IN_PLACE`).
    #[arg(long, env = "ZHAOSHANG_HEALTH_LOW_FUNDS_DAYS", default_value_t = 180, global = true)]
    pub health_low_funds_days: u32,

    /// Health: the share of the agreements' total investment, in percent with
    /// up to two decimals, that must have arrived (AMBER `LOW_FUNDS_IN_PLACE`).
    #[arg(long, env = "ZHAOSHANG_HEALTH_LOW_FUNDS_PERCENT", default_value = "15", value_parser = parse_basis_points, global = true)]
    pub health_low_funds_basis_points: u32,

    /// Health: days without a follow-up or a stage change (AMBER `NO_FOLLOW_UP`).
    #[arg(long, env = "ZHAOSHANG_HEALTH_NO_FOLLOW_UP_DAYS", default_value_t = 30, global = true)]
    pub health_no_follow_up_days: u32,

    /// Planned investment (yuan) at or above which a project is a major project (大项目).
    #[arg(long, env = "ZHAOSHANG_MAJOR_PROJECT_THRESHOLD", default_value = DEFAULT_MAJOR_PROJECT_THRESHOLD, value_parser = parse_money, global = true)]
    pub major_project_threshold: Money,

    /// Largest number of database connections in the pool; when unset, see
    /// [`Config::pool_size`].
    #[arg(long, env = "ZHAOSHANG_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,

    /// How long a request waits for a database connection before it fails, in seconds.
    #[arg(long, env = "ZHAOSHANG_DB_ACQUIRE_TIMEOUT_SECS", default_value_t = 5, global = true)]
    pub db_acquire_timeout_secs: u64,

    /// Deepest nesting of fields an operation may select.
    #[arg(long, env = "ZHAOSHANG_MAX_DEPTH", default_value_t = 10, global = true)]
    pub max_depth: usize,

    /// Depth limit of introspection (`__schema`, `__type`), for GraphiQL and code generators.
    #[arg(long, env = "ZHAOSHANG_MAX_INTROSPECTION_DEPTH", default_value_t = 15, global = true)]
    pub max_introspection_depth: usize,

    /// Most objects an operation may return, by the contract's complexity formula.
    #[arg(long, env = "ZHAOSHANG_MAX_COMPLEXITY", default_value_t = 50_000, global = true)]
    pub max_complexity: u64,

    /// Most aliases in one operation.
    #[arg(long, env = "ZHAOSHANG_MAX_ALIASES", default_value_t = 30, global = true)]
    pub max_aliases: usize,

    /// Longest query text of one operation, in bytes.
    #[arg(long, env = "ZHAOSHANG_MAX_QUERY_BYTES", default_value_t = 64 * 1024, global = true)]
    pub max_query_bytes: usize,

    /// Most selections (fields, fragment spreads, inline fragments) in one document.
    #[arg(long, env = "ZHAOSHANG_MAX_SELECTIONS", default_value_t = 5_000, global = true)]
    pub max_selections: usize,

    /// Most fragment definitions in one document.
    #[arg(long, env = "ZHAOSHANG_MAX_FRAGMENTS", default_value_t = 200, global = true)]
    pub max_fragments: usize,

    /// Most root fields (aliases included) of one mutation.
    #[arg(long, env = "ZHAOSHANG_MAX_MUTATION_FIELDS", default_value_t = 10, global = true)]
    pub max_mutation_fields: usize,

    /// Largest answer of one request (all operations of a batch together), in bytes of JSON.
    #[arg(long, env = "ZHAOSHANG_MAX_RESPONSE_BYTES", default_value_t = 8 * 1024 * 1024, global = true)]
    pub max_response_bytes: usize,

    /// Seconds a client has to send a request's headers (a slow or silent
    /// connection is closed after it), and that a kept-alive connection may idle.
    #[arg(long, env = "ZHAOSHANG_HEADER_READ_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub header_read_timeout_secs: u64,

    /// Seconds a client has to send a request's body.
    #[arg(long, env = "ZHAOSHANG_BODY_READ_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub body_read_timeout_secs: u64,

    /// Most operations in one batch (the public may not batch).
    #[arg(long, env = "ZHAOSHANG_MAX_BATCH", default_value_t = 100, global = true)]
    pub max_batch: usize,

    /// Largest request body, in bytes.
    #[arg(long, env = "ZHAOSHANG_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// Largest file a GraphQL multipart request uploads (`importLedger`), in bytes.
    #[arg(long, env = "ZHAOSHANG_MAX_UPLOAD_BYTES", default_value_t = 20 * 1024 * 1024, global = true)]
    pub max_upload_bytes: usize,

    /// Largest video (a material's 宣传片) in bytes; other files keep to
    /// `ZHAOSHANG_MAX_UPLOAD_BYTES`.
    #[arg(long, env = "ZHAOSHANG_MAX_VIDEO_BYTES", default_value_t = 512 * 1024 * 1024, global = true)]
    pub max_video_bytes: usize,

    /// Where files are stored: a folder (`./files`, `file:///srv/files`) or
    /// `s3://bucket/prefix` (credentials and endpoint from the `AWS_*` variables).
    #[arg(long, env = "ZHAOSHANG_FILES_URL", default_value = "./files", global = true)]
    pub files_url: String,

    /// Seconds a download link (`Attachment.downloadUrl`) stays valid.
    #[arg(long, env = "ZHAOSHANG_DOWNLOAD_URL_TTL_SECS", default_value_t = 300, global = true)]
    pub download_url_ttl_secs: u64,

    /// Longest a request may run, in seconds; then it is cancelled.
    #[arg(long, env = "ZHAOSHANG_REQUEST_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub request_timeout_secs: u64,

    /// Charge requests against per-key cost budgets (off only for benchmarks).
    #[arg(long, env = "ZHAOSHANG_BUDGETS_ENABLED", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub budgets_enabled: bool,

    /// Complexity points per minute of a partner key.
    #[arg(long, env = "ZHAOSHANG_BUDGET_PARTNER", default_value_t = 500_000, global = true)]
    pub budget_partner: u64,

    /// Complexity points per minute of a staff or admin key.
    #[arg(long, env = "ZHAOSHANG_BUDGET_STAFF", default_value_t = 2_000_000, global = true)]
    pub budget_staff: u64,

    /// Complexity points per minute of each client address without a key.
    #[arg(long, env = "ZHAOSHANG_BUDGET_PUBLIC", default_value_t = 100_000, global = true)]
    pub budget_public: u64,

    /// Redis for cost budgets shared by several processes, e.g. `redis://127.0.0.1:6379`;
    /// without it each process keeps its own. If Redis is unreachable, the process
    /// falls back to its own budgets until it is back.
    #[arg(long, env = "ZHAOSHANG_REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// Prefix of the Redis keys, so that several deployments can share one Redis.
    #[arg(long, env = "ZHAOSHANG_REDIS_PREFIX", default_value = "zhaoshang", global = true)]
    pub redis_prefix: String,

    /// Answer introspection queries (`__schema`, `__type`); partners' code generators need it.
    #[arg(long, env = "ZHAOSHANG_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub introspection: bool,

    /// Key that encrypts webhook secrets at rest (any long random string, e.g.
    /// `openssl rand -base64 32`); webhooks cannot be created without it.
    #[arg(long, env = "ZHAOSHANG_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,

    /// Let webhooks target loopback, private and link-local addresses (tests only).
    #[arg(long, env = "ZHAOSHANG_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set, global = true)]
    pub webhook_allow_private: bool,

    /// First retry of a failed webhook delivery after this many milliseconds, doubling each time (at most an hour).
    #[arg(long, env = "ZHAOSHANG_WEBHOOK_RETRY_BASE_MS", default_value_t = 5_000, global = true)]
    pub webhook_retry_base_ms: u64,

    /// Attempts of a webhook delivery before it is given up.
    #[arg(long, env = "ZHAOSHANG_WEBHOOK_MAX_ATTEMPTS", default_value_t = 12, global = true)]
    pub webhook_max_attempts: i32,

    /// Run this process's webhook deliverer (every process may; they share the queue).
    #[arg(long, env = "ZHAOSHANG_WEBHOOK_WORKER", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub webhook_worker: bool,

    /// Seconds a webhook receiver has to answer.
    #[arg(long, env = "ZHAOSHANG_WEBHOOK_TIMEOUT_SECS", default_value_t = 10, global = true)]
    pub webhook_timeout_secs: u64,

    /// Proxies whose `X-Forwarded-For` names the client, comma-separated addresses.
    #[arg(long, env = "ZHAOSHANG_TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Origins allowed to call the API from a browser, comma-separated (`*` for any).
    #[arg(long, env = "ZHAOSHANG_CORS_ORIGINS", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,

    /// On SIGTERM or Ctrl-C, how long requests in flight may take to finish, in seconds.
    #[arg(long, env = "ZHAOSHANG_SHUTDOWN_GRACE_SECS", default_value_t = 30, global = true)]
    pub shutdown_grace_secs: u64,

    /// Log format: `text` or `json`.
    #[arg(long, env = "ZHAOSHANG_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: LogFormat,

    /// Log filter in `tracing` syntax, e.g. `info` or `zhaoshang=debug,sqlx=warn`.
    #[arg(long, env = "ZHAOSHANG_LOG", default_value = "info,sqlx=warn,sea_orm=warn", global = true)]
    pub log_filter: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A percentage with up to two decimals, as basis points: `15` is 1500.
fn parse_basis_points(s: &str) -> Result<u32, String> {
    let d: rust_decimal::Decimal = s.trim().parse().map_err(|_| format!("`{s}` is not a percentage"))?;
    let bp = d * rust_decimal::Decimal::from(100);
    if bp.fract() != rust_decimal::Decimal::ZERO || bp.is_sign_negative() || bp > rust_decimal::Decimal::from(10_000) {
        return Err(format!("`{s}` is not a percentage from 0 to 100 with at most two decimals"));
    }
    u32::try_from(bp.trunc().mantissa()).map_err(|_| format!("`{s}` is out of range"))
}

fn parse_money(s: &str) -> Result<Money, String> {
    Money::parse(s).map_err(|e| e.to_string())
}

impl Config {
    /// The defaults, as a fresh process without any variable set would have them;
    /// for tests and tools that build a configuration in code.
    pub fn with_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            listen: DEFAULT_LISTEN.parse().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8080))),
            timezone: chrono_tz::Asia::Shanghai,
            today: None,
            request_due_days: 10,
            lead_respond_days: 1,
            lead_decide_days: 3,
            lead_feedback_days: 7,
            health_signed_not_started_days: 365,
            health_no_capital_days: 90,
            health_low_funds_days: 180,
            health_low_funds_basis_points: 1500,
            health_no_follow_up_days: 30,
            major_project_threshold: Money::from_fen(100_000_000 * 100),
            db_max_connections: None,
            db_acquire_timeout_secs: 5,
            max_depth: 10,
            max_introspection_depth: 15,
            max_complexity: 50_000,
            max_aliases: 30,
            max_query_bytes: 64 * 1024,
            max_selections: 5_000,
            max_fragments: 200,
            max_mutation_fields: 10,
            max_response_bytes: 8 * 1024 * 1024,
            header_read_timeout_secs: 10,
            body_read_timeout_secs: 10,
            max_batch: 100,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            max_video_bytes: 512 * 1024 * 1024,
            files_url: "./files".into(),
            download_url_ttl_secs: 300,
            request_timeout_secs: 10,
            budgets_enabled: true,
            budget_partner: 500_000,
            budget_staff: 2_000_000,
            budget_public: 100_000,
            redis_url: None,
            redis_prefix: "zhaoshang".into(),
            introspection: true,
            secret_key: None,
            webhook_allow_private: false,
            webhook_retry_base_ms: 5_000,
            webhook_max_attempts: 12,
            webhook_timeout_secs: 10,
            webhook_worker: true,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            shutdown_grace_secs: 30,
            log_format: LogFormat::Text,
            log_filter: "info".into(),
        }
    }

    pub fn limits(&self) -> crate::graphql::extensions::Limits {
        crate::graphql::extensions::Limits {
            depth: self.max_depth,
            introspection_depth: self.max_introspection_depth,
            complexity: self.max_complexity,
            aliases: self.max_aliases,
            introspection: self.introspection,
            query_bytes: self.max_query_bytes,
            selections: self.max_selections,
            fragments: self.max_fragments,
            mutation_fields: self.max_mutation_fields,
        }
    }

    /// The health rules' thresholds.
    pub fn health(&self) -> crate::service::health::Thresholds {
        crate::service::health::Thresholds {
            signed_not_started_days: self.health_signed_not_started_days,
            no_capital_days: self.health_no_capital_days,
            low_funds_days: self.health_low_funds_days,
            low_funds_basis_points: self.health_low_funds_basis_points,
            no_follow_up_days: self.health_no_follow_up_days,
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// The requests' pool size: `ZHAOSHANG_DB_MAX_CONNECTIONS` if set, else 16
    /// on PostgreSQL and twice the cores (2 to 16) on SQLite. SQLite answers
    /// inside this process, a connection per thread of work, so connections
    /// beyond the cores add no parallelism, while each keeps its own page cache
    /// and prepared statements: at 100k projects on 2 cores, 16 connections
    /// peaked at 182 MB and 4 at 110 MB, with q1 at 197 and 245 req/s.
    pub fn pool_size(&self) -> u32 {
        self.db_max_connections.unwrap_or_else(|| {
            if self.is_sqlite() {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
                (2 * cores).clamp(2, 16)
            } else {
                16
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Config, parse_basis_points};

    #[test]
    fn the_pool_is_sixteen_on_postgresql_twice_the_cores_on_sqlite_and_as_set_when_set() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
        assert_eq!(Config::with_database("postgres://h/db").pool_size(), 16);
        assert_eq!(Config::with_database("sqlite://z.db?mode=rwc").pool_size(), (2 * cores).clamp(2, 16));
        let mut set = Config::with_database("sqlite://z.db");
        set.db_max_connections = Some(7);
        assert_eq!(set.pool_size(), 7);
    }

    #[test]
    fn a_percentage_with_two_decimals_is_read_as_basis_points() {
        assert_eq!(parse_basis_points("15"), Ok(1500));
        assert_eq!(parse_basis_points("14.99"), Ok(1499));
        assert_eq!(parse_basis_points("100"), Ok(10_000));
        assert!(parse_basis_points("14.999").is_err());
        assert!(parse_basis_points("-1").is_err());
        assert!(parse_basis_points("101").is_err());
    }
}
