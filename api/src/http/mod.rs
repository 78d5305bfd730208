//! The HTTP surface: the GraphQL endpoint, health checks, and the middleware
//! around them (request ids, tracing, body limit).

pub mod budget;
mod graphql;
mod health;
pub mod metrics;

use axum::{
    Router,
    http::{HeaderName, HeaderValue, Method, header},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::graphql::{AppSchema, context::AppState};

#[derive(Clone)]
pub struct HttpState {
    /// For callers with a key.
    pub schema: AppSchema,
    /// For the public: the same schema without field suggestions.
    pub public_schema: AppSchema,
    pub app: AppState,
    pub budgets: std::sync::Arc<budget::Budgets>,
    pub bus: crate::realtime::bus::EventBus,
    pub connections: std::sync::Arc<crate::realtime::ws::Connections>,
}

/// CORS for the configured origins only; none by default.
fn cors(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER]);
    if origins.iter().any(|o| o == "*") {
        base.allow_origin(AllowOrigin::any())
    } else {
        base.allow_origin(AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok())))
    }
}

/// A panic in a handler is a bug: the client gets a typed INTERNAL error (and
/// the connection survives), the cause goes to the log.
fn panic_response(cause: Box<dyn std::any::Any + Send + 'static>) -> axum::http::Response<axum::body::Body> {
    let detail = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "handler panicked");
    let body = serde_json::json!({ "errors": [{ "message": "internal error", "extensions": { "code": "INTERNAL" } }] });
    axum::http::Response::builder()
        .status(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap_or_default()
}

pub fn router(state: HttpState) -> Router {
    let cors = cors(&state.app.config.cors_origins);
    let request_id = HeaderName::from_static("x-request-id");
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    });
    Router::new()
        // The handler reads the body itself, to answer an oversized one with a typed error.
        .route("/graphql", get(graphql::get).post(graphql::post).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/graphql/ws", get(crate::realtime::ws::upgrade))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CatchPanicLayer::custom(panic_response))
                .layer(cors)
                .layer(CompressionLayer::new()),
        )
}
