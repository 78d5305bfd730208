//! `/metrics` in the Prometheus text format: requests by operation and outcome,
//! their latency, rate-limited requests, and the database pool's use.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::{extract::State, http::header, response::IntoResponse};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::HttpState;

/// Operation names become a label; past this many distinct ones, the rest count
/// as `other`, so that clients cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static NAMES: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();

/// The process's recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("zhaoshang_graphql_request_duration_seconds".into()),
                &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
            )
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already");
        }
        handle
    })
}

fn operation_label(name: Option<&str>) -> String {
    let Some(name) =
        name.filter(|n| !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    else {
        return "anonymous".into();
    };
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
        names.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// Records one GraphQL operation: its outcome (`ok` or the first error code) and duration.
pub fn record(operation: Option<&str>, outcome: &str, elapsed: Duration) {
    handle();
    let op = operation_label(operation);
    metrics::counter!("zhaoshang_graphql_requests_total", "operation" => op.clone(), "outcome" => outcome.to_owned())
        .increment(1);
    metrics::histogram!("zhaoshang_graphql_request_duration_seconds", "operation" => op).record(elapsed.as_secs_f64());
    if outcome == crate::error::ErrorCode::RateLimited.as_str() {
        metrics::counter!("zhaoshang_rate_limited_total").increment(1);
    }
}

/// Whether cost budgets are kept in this process because Redis is unreachable.
pub fn budget_fallback(active: bool) {
    handle();
    metrics::gauge!("zhaoshang_budget_fallback").set(if active { 1.0 } else { 0.0 });
}

/// One charge served by the process's own budget while Redis was unreachable.
pub fn budget_fallback_charge() {
    handle();
    metrics::counter!("zhaoshang_budget_fallback_charges_total").increment(1);
}

pub async fn render(State(state): State<HttpState>) -> impl IntoResponse {
    let handle = handle();
    let db = &state.app.db;
    let (size, idle) = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let p = db.get_postgres_connection_pool();
            (p.size(), p.num_idle())
        }
        _ => {
            let p = db.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        }
    };
    metrics::gauge!("zhaoshang_db_pool_connections", "state" => "idle").set(idle as f64);
    metrics::gauge!("zhaoshang_db_pool_connections", "state" => "in_use").set(size.saturating_sub(idle as u32) as f64);
    metrics::gauge!("zhaoshang_db_pool_max_connections").set(state.app.config.pool_size() as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render())
}
