//! The HTTP surface: the GraphQL endpoint, health checks, and the middleware
//! around them (request ids, tracing, body limit).

pub mod budget;
mod graphql;
mod health;

use axum::{Router, http::HeaderName, routing::get};
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::graphql::{AppSchema, context::AppState};

#[derive(Clone)]
pub struct HttpState {
    pub schema: AppSchema,
    pub app: AppState,
    pub budgets: std::sync::Arc<budget::Budgets>,
}

pub fn router(state: HttpState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    });
    Router::new()
        // The handler reads the body itself, to answer an oversized one with a typed error.
        .route("/graphql", get(graphql::get).post(graphql::post).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(request_id)),
        )
}
