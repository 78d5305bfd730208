//! Connecting to the database and bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::Config;

/// Opens a pool. SQLite runs in WAL mode with a busy timeout, so that readers do
/// not block the writer and concurrent writers wait instead of failing with
/// "database is locked"; foreign keys are enforced as on PostgreSQL.
pub async fn connect(config: &Config) -> Result<DatabaseConnection, DbErr> {
    let mut conn = connect_sized(config, config.pool_size()).await?;
    // Statements sent for requests, for `/metrics` and the benchmark's statements per request.
    conn.set_metric_callback(|_| metrics::counter!("zhaoshang_db_statements_total").increment(1));
    Ok(conn)
}

/// The background work's own small pool (event bus, webhook deliverer), so that
/// it neither waits for nor takes the requests' connections.
pub async fn connect_background(config: &Config) -> Result<DatabaseConnection, DbErr> {
    connect_sized(config, 3).await
}

async fn connect_sized(config: &Config, size: u32) -> Result<DatabaseConnection, DbErr> {
    let mut opt = ConnectOptions::new(config.database_url.clone());
    opt.max_connections(size)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(config.db_acquire_timeout_secs))
        .acquire_timeout(Duration::from_secs(config.db_acquire_timeout_secs))
        // A connection that sat idle long enough to have died with the
        // network (or a restart) is pinged before use; a busy one is not, as
        // a ping on every checkout is a round trip per statement (issue 11).
        .test_before_acquire_if_idle_for(Duration::from_secs(10))
        .sqlx_logging(false);
    opt.map_sqlx_sqlite_opts(|o| {
        o.journal_mode(sqlx_sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx_sqlite::SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .create_if_missing(true)
    });
    // Plan every statement for its actual values. A generic plan cannot see
    // that `search_name LIKE '%华晟%'` holds no trigram, and then picks the
    // trigram index, which for such a term reads every entry (30 ms at 100k
    // projects instead of 3 ms through the sector and stage index).
    opt.map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    Database::connect(opt).await
}

/// The queue SQLite's writers wait in, in the order they came. SQLite lets one
/// transaction write at a time; without the queue, concurrent mutations each
/// took a pool connection and retried the write lock on the busy timeout,
/// sleeping 1 to 100 ms between tries, so that the unlucky ones waited far
/// longer than the work in front of them (p99 0.8–1.9 s with 16 writers).
/// A mutation now takes its turn first (a fair mutex) and finds the lock free.
/// PostgreSQL writers need no queue: their locks are per row.
#[derive(Clone, Default)]
pub struct WriteQueue(std::sync::Arc<tokio::sync::Mutex<()>>);

impl WriteQueue {
    /// For `db`: a queue on SQLite, none on PostgreSQL.
    pub fn for_connection(db: &DatabaseConnection) -> Option<WriteQueue> {
        (db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite).then(WriteQueue::default)
    }

    /// Waits for this writer's turn, which lasts as long as the guard.
    pub async fn turn(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.0.clone().lock_owned().await
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// True when every known migration has been applied (for `/readyz`).
pub async fn migrations_applied(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

mod sqlx_sqlite {
    pub use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
}
