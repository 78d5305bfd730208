//! The HTTP surface: the GraphQL endpoint, health checks, and the middleware
//! around them (request ids, tracing, body limit).

pub mod downloads;
pub mod files;
pub mod graphiql;
pub(crate) mod graphql;
mod health;
pub mod metrics;
pub mod serve;
pub mod ws;

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
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::graphql::AppSchema;
use crate::startup::AppState;

#[derive(Clone)]
pub struct HttpState {
    /// For callers with a key.
    pub schema: AppSchema,
    /// For the public: the same schema without field suggestions.
    pub public_schema: AppSchema,
    pub app: AppState,
    pub budgets: std::sync::Arc<crate::budget::Budgets>,
    pub bus: crate::realtime::bus::EventBus,
    pub connections: std::sync::Arc<ws::Connections>,
    /// Ledger exports and briefings in progress: each holds a permit.
    pub downloads: std::sync::Arc<tokio::sync::Semaphore>,
}

/// CORS for the configured origins only; none by default.
fn cors(origins: &[String]) -> CorsLayer {
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::RANGE,
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
            header::CONTENT_DISPOSITION,
        ]);
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
    let body = serde_json::json!({ "errors": [{ "message": "internal error", "extensions": { "code": crate::error::ErrorCode::Internal.as_str() } }] });
    axum::http::Response::builder()
        .status(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap_or_default()
}

/// A request's ids: the server's own, always made here (it goes to the log,
/// the audit trail and INTERNAL messages), and the client's `X-Request-Id`
/// when it is short and well-formed (logged beside it and echoed back; a
/// client never chooses what the audit trail records).
#[derive(Debug, Clone)]
pub struct RequestIds {
    pub server: String,
    pub client: Option<String>,
}

/// Longest client request id accepted.
const MAX_CLIENT_REQUEST_ID: usize = 64;

fn well_formed(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CLIENT_REQUEST_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    hex::encode(bytes)
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

async fn request_ids(mut req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let client =
        req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).filter(|v| well_formed(v)).map(str::to_owned);
    let ids = RequestIds { server: new_request_id(), client };
    let shown = ids.client.clone().unwrap_or_else(|| ids.server.clone());
    req.extensions_mut().insert(ids);
    let mut response = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&shown) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}

pub fn router(state: HttpState) -> Router {
    let cors = cors(&state.app.config.cors_origins);
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let ids = req.extensions().get::<RequestIds>();
        let id = ids.map_or("", |i| i.server.as_str());
        let client = ids.and_then(|i| i.client.as_deref()).unwrap_or("");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, client_request_id = %client)
    });
    // Files are served as stored, by ranges: never compressed on the way.
    let files = Router::new().route("/files/{id}", get(files::download));
    let compressed = Router::new()
        // The handler reads the body itself, to answer an oversized one with a typed error.
        .route("/graphql", get(graphql::get).post(graphql::post).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/graphql/ws", get(ws::upgrade))
        .route("/graphiql/{version}/{file}", get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/exports/{file}", get(downloads::export))
        .route("/reports/campaigns/{campaign}/{file}", get(downloads::briefing))
        .route("/map.geojson", get(downloads::map))
        .layer(CompressionLayer::new());
    compressed.merge(files).with_state(state).layer(
        ServiceBuilder::new()
            .layer(axum::middleware::from_fn(request_ids))
            .layer(trace)
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(cors)
            // Answers are per caller and never to be cached or sniffed.
            .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            )),
    )
}
