//! Building the application: connect, migrate, bind, serve, shut down gracefully.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::db;
use crate::graphql::{Audience, build_schema};
use crate::http::{HttpState, router};

/// What every part of the service shares: the database and the configuration.
/// Attached once to the schema (`.data()`) and handed to the background tasks;
/// nothing global.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// The object store files live in.
    pub files: crate::files::Files,
    /// Keys recently authenticated by this process.
    pub keys: Arc<crate::auth::KeyCache>,
    /// On SQLite, the queue mutations take their turn in.
    pub writes: Option<crate::db::WriteQueue>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Arc<Config>) -> AppState {
        let files = crate::files::Files::from_config(&config);
        let writes = crate::db::WriteQueue::for_connection(&db);
        AppState { db, config, files, keys: Default::default(), writes }
    }

    /// What project health is checked against: the office's date, its time
    /// zone, the thresholds.
    pub fn checkup(&self) -> crate::service::health::Checkup {
        crate::service::health::Checkup {
            today: self.today(),
            tz: self.config.timezone,
            thresholds: self.config.health(),
        }
    }

    /// Today in the office's time zone, or the date `ZHAOSHANG_TODAY` pins.
    pub fn today(&self) -> chrono::NaiveDate {
        self.config.today.unwrap_or_else(|| chrono::Utc::now().with_timezone(&self.config.timezone).date_naive())
    }
}

pub struct App {
    listener: TcpListener,
    router: axum::Router,
    db: DatabaseConnection,
    grace: std::time::Duration,
    header_read_timeout: std::time::Duration,
}

impl App {
    /// Connects to the database, applies pending migrations and binds the
    /// listener (port 0 picks a free port).
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        Self::with_connection(config, db).await
    }

    /// As [`App::build`], over a connection the caller made (and migrated).
    pub async fn with_connection(config: Config, db: DatabaseConnection) -> anyhow::Result<App> {
        let listener = TcpListener::bind(config.listen).await?;
        crate::http::metrics::handle();
        // Shown from the start, at 0, rather than from the first refusal on.
        metrics::counter!("zhaoshang_rate_limited_total").increment(0);
        let grace = std::time::Duration::from_secs(config.shutdown_grace_secs);
        let header_read_timeout = std::time::Duration::from_secs(config.header_read_timeout_secs);
        let app = AppState::new(db.clone(), Arc::new(config));
        if crate::service::health_dates::ensure(&db, &app.checkup()).await? {
            tracing::info!("project health dates computed with the configured thresholds and time zone");
        }
        let budgets = Arc::new(crate::budget::Budgets::new(&app.config));
        let background = db::connect_background(&app.config).await?;
        let bus = crate::realtime::bus::EventBus::start(background.clone()).await;
        app.keys.follow(&bus);
        if app.config.webhook_worker {
            crate::realtime::deliver::start(AppState { db: background, ..app.clone() });
        }
        let router = router(HttpState {
            schema: build_schema(app.clone(), Audience::Keyed, budgets.clone()),
            public_schema: build_schema(app.clone(), Audience::Public, budgets.clone()),
            app,
            budgets,
            bus,
            connections: Default::default(),
            downloads: Arc::new(tokio::sync::Semaphore::new(crate::http::downloads::CONCURRENT)),
        });
        Ok(App { listener, router, db, grace, header_read_timeout })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Serves until SIGINT or SIGTERM, then lets requests in flight finish.
    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal`; then stops accepting and lets requests in flight
    /// finish for up to the grace period.
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let addr = self.listener.local_addr()?;
        tracing::info!(%addr, "listening");
        let grace = self.grace;
        let graceful = crate::http::serve::serve(self.listener, self.router, self.header_read_timeout, signal).await;
        if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
            tracing::warn!(seconds = grace.as_secs(), "requests still in flight after the grace period; stopping");
        }
        // A connection still checked out (a request cut at the deadline) must not keep the process alive.
        if tokio::time::timeout(std::time::Duration::from_secs(5), self.db.close_by_ref()).await.is_err() {
            tracing::warn!("database connections still in use at exit");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
