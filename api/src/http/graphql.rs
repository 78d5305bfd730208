//! The `/graphql` endpoint, following the GraphQL-over-HTTP specification:
//! the response media type follows `Accept`, GET serves queries only (and
//! GraphiQL to a browser), and a body that is not a GraphQL request is a 400
//! with a typed error, never a plain-text answer.

use std::net::SocketAddr;
use std::sync::Arc;

use async_graphql::{BatchRequest, BatchResponse, Request, Response, http::GraphiQLSource};
use tokio::time::Instant;

use axum::{
    body::{Body, Bytes},
    Extension,
    extract::{ConnectInfo, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse},
};
use serde::Deserialize;
use serde_json::json;

use super::{HttpState, RequestIds};
use crate::auth::{self, Principal};
use crate::error::{AppError, ErrorCode};
use crate::graphql::context::{Language, RequestContext};
use crate::graphql::extensions::{Caller, Deadline, Operation, ResponseAllowance};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// The media type to answer in, from `Accept`; None when the client accepts
/// neither (406).
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let types: Vec<&str> = accept.split(',').map(|t| t.split(';').next().unwrap_or("").trim()).collect();
    if types.contains(&GRAPHQL_RESPONSE) {
        Some(MediaType::GraphqlResponse)
    } else if types.iter().any(|t| *t == JSON || *t == "*/*" || *t == "application/*") {
        Some(MediaType::Json)
    } else {
        None
    }
}

/// A response carrying only errors, each with its `extensions.code`.
fn error_response(status: StatusCode, media: MediaType, code: &str, message: &str) -> axum::response::Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, [(header::CONTENT_TYPE, media.header())], body.to_string()).into_response()
}

async fn principal(state: &HttpState, headers: &HeaderMap) -> Result<Principal, AppError> {
    let header = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("invalid"));
    auth::authenticate(&state.app.db, header).await
}

fn auth_error(e: AppError, media: MediaType) -> axum::response::Response {
    match e {
        AppError::Unauthenticated => {
            let mut r = error_response(StatusCode::UNAUTHORIZED, media, "UNAUTHENTICATED", &e.to_string());
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
        other => {
            tracing::error!(error = ?other, "authentication failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error")
        }
    }
}

/// The code of a response's first error, if it has one.
fn first_code(response: &Response) -> Option<ErrorCode> {
    let code = response.errors.first()?.extensions.as_ref()?.get("code")?;
    match code {
        async_graphql::Value::String(s) => ErrorCode::parse(s),
        _ => None,
    }
}

/// The status of an answer: 429 and 504 for the budget and the time limit;
/// under application/json 200 for any well-formed request; under
/// graphql-response+json 4xx when every operation failed before execution.
fn status_of(media: MediaType, responses: &[Response]) -> StatusCode {
    let codes: Vec<Option<ErrorCode>> = responses.iter().map(first_code).collect();
    if codes.iter().any(|c| *c == Some(ErrorCode::RateLimited)) && responses.len() == 1 {
        return StatusCode::TOO_MANY_REQUESTS;
    }
    if codes.iter().any(|c| *c == Some(ErrorCode::Timeout)) {
        return StatusCode::GATEWAY_TIMEOUT;
    }
    if media == MediaType::GraphqlResponse
        && responses.iter().all(|r| r.data == async_graphql::Value::Null && !r.errors.is_empty())
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// What one request (one operation, or a batch) runs with: who asks, whose
/// budget pays, and the deadline and answer size they share.
struct Run<'a> {
    state: &'a HttpState,
    principal: Principal,
    caller: Caller,
    deadline: Deadline,
    allowance: Arc<ResponseAllowance>,
    request_id: String,
    language: Language,
}

impl Run<'_> {
    /// Executes one operation through the schema and its policies; returns the
    /// response and the operation's record.
    async fn one(&self, req: Request) -> (Response, Arc<Operation>) {
        let ctx = RequestContext::new(&self.state.app, self.principal.clone(), Some(self.request_id.clone()), self.language);
        let gate = ctx.gate.clone();
        let op = Arc::new(Operation::default());
        let req = req
            .data(ctx)
            .data(self.caller.clone())
            .data(self.deadline)
            .data(self.allowance.clone())
            .data(op.clone());
        let schema = if self.principal.key_id.is_some() { &self.state.schema } else { &self.state.public_schema };
        (gate.resolver(schema.execute(req)).await, op)
    }
}

async fn execute(
    state: &HttpState,
    headers: &HeaderMap,
    peer: SocketAddr,
    ids: &RequestIds,
    principal: Principal,
    batch: BatchRequest,
    media: MediaType,
) -> axum::response::Response {
    let config = &state.app.config;
    let limit = std::time::Duration::from_secs(config.request_timeout_secs);
    let deadline = Instant::now() + limit;
    let run = Run {
        state,
        caller: state.budgets.caller(&principal, Some(peer), headers),
        principal,
        deadline: Deadline(deadline.into_std()),
        allowance: ResponseAllowance::new(config.max_response_bytes),
        request_id: ids.server.clone(),
        language: Language::from_header(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())),
    };
    let work = async {
        match batch {
            BatchRequest::Single(req) => {
                let (resp, op) = run.one(req).await;
                let mut extra = resp.http_headers.clone();
                if let Some(wait) = op.retry_after()
                    && let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
                {
                    extra.insert(header::RETRY_AFTER, v);
                }
                let status = status_of(media, std::slice::from_ref(&resp));
                Ok((status, BatchResponse::Single(resp), extra))
            }
            BatchRequest::Batch(reqs) => {
                if run.principal.role == entity::enums::Role::Public {
                    return Err((ErrorCode::BatchTooLarge, "batches need an API key; send one operation".to_owned()));
                }
                if reqs.len() > config.max_batch {
                    let message = format!("a batch holds at most {} operations", config.max_batch);
                    return Err((ErrorCode::BatchTooLarge, message));
                }
                let mut out = Vec::with_capacity(reqs.len());
                for req in reqs {
                    out.push(run.one(req).await.0);
                }
                let status = if out.iter().any(|r| first_code(r) == Some(ErrorCode::Timeout)) {
                    StatusCode::GATEWAY_TIMEOUT
                } else {
                    StatusCode::OK
                };
                Ok((status, BatchResponse::Batch(out), HeaderMap::new()))
            }
        }
    };
    // The policies time each operation out; this covers what lies between them.
    let answer = match tokio::time::timeout_at((deadline + std::time::Duration::from_millis(500)).into(), work).await {
        Ok(answer) => answer,
        Err(_) => Err((ErrorCode::Timeout, format!("the request ran longer than {} s and was cancelled", limit.as_secs()))),
    };
    let (status, body, extra) = match answer {
        Ok(a) => a,
        Err((code, message)) => {
            return error_response(StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST), media, code.as_str(), &message);
        }
    };
    match serde_json::to_string(&body) {
        Ok(body) if body.len() <= config.max_response_bytes.saturating_add(64 * 1024) => {
            let mut r = (status, [(header::CONTENT_TYPE, media.header())], body).into_response();
            r.headers_mut().extend(extra);
            r
        }
        Ok(_) => error_response(
            StatusCode::OK,
            media,
            ErrorCode::ResponseTooLarge.as_str(),
            &format!("the answer would exceed {} bytes; ask for fewer objects or smaller pages", config.max_response_bytes),
        ),
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error")
        }
    }
}

pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(ids): Extension<RequestIds>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let Some(media) = negotiate(&headers) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "BAD_REQUEST",
            "accept application/json or application/graphql-response+json",
        );
    };
    // The media type itself, parameters (`; charset=utf-8`) aside: `application/jsonx` is not JSON.
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(JSON) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "BAD_REQUEST",
            "send the request as application/json",
        );
    }
    let max = state.app.config.max_body_bytes;
    let too_large = || {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            media,
            "PAYLOAD_TOO_LARGE",
            &format!("the body exceeds {max} bytes"),
        )
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return too_large();
    }
    // A body that trickles in is cut off, as one that is too large.
    let read = std::time::Duration::from_secs(state.app.config.body_read_timeout_secs);
    let body: Bytes = match tokio::time::timeout(read, axum::body::to_bytes(body, max)).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => return too_large(),
        Err(_) => {
            return error_response(
                StatusCode::REQUEST_TIMEOUT,
                media,
                ErrorCode::Timeout.as_str(),
                &format!("the request body did not arrive within {} s", read.as_secs()),
            );
        }
    };
    let principal = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(e) => return auth_error(e, media),
    };
    let batch = match parse_body(&body) {
        Ok(b) => b,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", &message),
    };
    execute(&state, &headers, peer, &ids, principal, batch, media).await
}

/// A POST body as the GraphQL-over-HTTP specification requires it: an object (or,
/// for a batch, a list of objects) with a string `query`, and `operationName`,
/// `variables` and `extensions` of the right JSON types when present.
fn parse_body(body: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not a GraphQL request: {e}"))?;
    let check = |v: &serde_json::Value| -> Result<(), String> {
        let Some(obj) = v.as_object() else {
            return Err("a GraphQL request is a JSON object".into());
        };
        match obj.get("query") {
            Some(serde_json::Value::String(_)) => {}
            Some(_) => return Err("`query` must be a string".into()),
            None => return Err("the request has no `query`".into()),
        }
        if obj.get("operationName").is_some_and(|v| !(v.is_string() || v.is_null())) {
            return Err("`operationName` must be a string".into());
        }
        for key in ["variables", "extensions"] {
            if obj.get(key).is_some_and(|v| !(v.is_object() || v.is_null())) {
                return Err(format!("`{key}` must be an object"));
            }
        }
        Ok(())
    };
    match &value {
        serde_json::Value::Array(items) if items.is_empty() => return Err("the batch is empty".into()),
        serde_json::Value::Array(items) => items.iter().try_for_each(check)?,
        single => check(single)?,
    }
    serde_json::from_value(value).map_err(|e| format!("the body is not a GraphQL request: {e}"))
}

/// The GraphiQL page, with a Content-Security-Policy that lets it load only its
/// own scripts and styles (from unpkg, where the stock page takes them) and
/// talk only to this server, and that no other site may frame it.
fn graphiql() -> axum::response::Response {
    const CSP: &str = "default-src 'none'; script-src 'unsafe-inline' https://unpkg.com; \
        style-src 'unsafe-inline' https://unpkg.com; img-src https://graphql.org data:; font-src https://unpkg.com data:; \
        connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    let page = GraphiQLSource::build().endpoint("/graphql").title("zhaoshang GraphiQL").finish();
    let mut r = Html(page).into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

#[derive(Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

pub async fn get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(ids): Extension<RequestIds>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> axum::response::Response {
    let params: GetParams = match serde_urlencoded::from_str(raw.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(_) => {
            return error_response(StatusCode::BAD_REQUEST, MediaType::Json, "BAD_REQUEST", "malformed query string");
        }
    };
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    let Some(query) = params.query else {
        if wants_html {
            return graphiql();
        }
        return error_response(StatusCode::BAD_REQUEST, MediaType::Json, "BAD_REQUEST", "no query given");
    };
    let Some(media) = negotiate(&headers) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "BAD_REQUEST",
            "accept application/json or application/graphql-response+json",
        );
    };
    let mut req = Request::new(query);
    if let Some(op) = params.operation_name {
        req = req.operation_name(op);
    }
    for (raw, name) in [(&params.variables, "variables"), (&params.extensions, "extensions")] {
        let Some(raw) = raw else { continue };
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(v) if name == "variables" => req = req.variables(async_graphql::Variables::from_json(v)),
            Ok(_) => {}
            Err(_) => {
                return error_response(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", &format!("`{name}` is not JSON"));
            }
        }
    }
    // GET may only read: a mutation over GET is refused with 405 before anything runs.
    let operation = req.operation_name.clone();
    if let Ok(doc) = req.parsed_query() {
        let is_mutation = doc.operations.iter().any(|(name, op)| {
            let selected = match (&operation, name) {
                (Some(wanted), Some(n)) => wanted.as_str() == n.as_str(),
                (None, _) => true,
                (Some(_), None) => false,
            };
            selected && op.node.ty != async_graphql::parser::types::OperationType::Query
        });
        if is_mutation {
            let mut r = error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                media,
                "BAD_REQUEST",
                "only queries may be sent with GET; use POST",
            );
            r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
    }
    let principal = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(e) => return auth_error(e, media),
    };
    execute(&state, &headers, peer, &ids, principal, BatchRequest::Single(req), media).await
}
