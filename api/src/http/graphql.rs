//! The `/graphql` endpoint, following the GraphQL-over-HTTP specification:
//! the response media type follows `Accept`, GET serves queries only (and
//! GraphiQL to a browser), and a body that is not a GraphQL request is a 400
//! with a typed error, never a plain-text answer.

use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError, http::GraphiQLSource};
use std::net::SocketAddr;

use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse},
};
use serde::Deserialize;
use serde_json::json;

use super::{HttpState, budget};
use crate::auth::{self, Principal};
use crate::error::AppError;
use crate::graphql::context::{Language, RequestContext};
use crate::graphql::limits;

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

fn request_id(headers: &HeaderMap) -> String {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned()
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

/// Replaces the message of every INTERNAL error by a generic one with the request
/// id; the cause was logged where it happened.
fn scrub(mut response: Response, request_id: &str) -> Response {
    for e in response.errors.iter_mut() {
        let internal = e.extensions.as_ref().and_then(|x| x.get("code")).is_some_and(|c| c == &"INTERNAL".into());
        if internal {
            e.message = format!("internal error (request id {request_id})");
        }
    }
    response
}

/// Gives every error without a code one: validation failures come from
/// async-graphql without it.
fn classify(mut response: Response) -> Response {
    let failed_before_execution = response.data == async_graphql::Value::Null && !response.errors.is_empty();
    let code = if failed_before_execution { "GRAPHQL_VALIDATION_FAILED" } else { "INTERNAL" };
    for e in response.errors.iter_mut() {
        if !e.extensions.as_ref().is_some_and(|x| x.get("code").is_some()) {
            set_code(e, code);
        }
    }
    response
}

fn set_code(e: &mut ServerError, code: &str) {
    e.extensions.get_or_insert_with(Default::default).set("code", code);
}

fn status_of(media: MediaType, responses: &[&Response]) -> StatusCode {
    // application/json: 200 for any well-formed request. graphql-response+json:
    // 4xx when the request failed before execution (no `data`).
    if media == MediaType::GraphqlResponse
        && responses.iter().all(|r| r.data == async_graphql::Value::Null && !r.errors.is_empty())
    {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

async fn execute(
    state: &HttpState,
    headers: &HeaderMap,
    peer: SocketAddr,
    principal: Principal,
    batch: BatchRequest,
    media: MediaType,
) -> axum::response::Response {
    let rid = request_id(headers);
    let (account, per_minute) = state.budgets.account(&principal, Some(peer), headers);
    let language = Language::from_header(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let run = |req: Request| {
        let ctx = RequestContext::new(&state.app, principal.clone(), Some(rid.clone()), language);
        let schema = if principal.key_id.is_some() { state.schema.clone() } else { state.public_schema.clone() };
        let rid = rid.clone();
        let limits = state.app.config.limits();
        let (budgets, account) = (state.budgets.clone(), account.clone());
        let op_name = req.operation_name.clone();
        let (role, partner_id, key_id) = (principal.role, principal.partner_id, principal.key_id);
        let started = std::time::Instant::now();
        let work = async move {
            let gate = ctx.gate.clone();
            let mut req = req.data(ctx);
            let (operation, variables) = (req.operation_name.clone(), req.variables.clone());
            // Parsed once here, reused by the executor: a syntax error gets its own code.
            let measure = match req.parsed_query() {
                Err(mut e) => {
                    set_code(&mut e, "GRAPHQL_PARSE_FAILED");
                    return Response::from_errors(vec![e]);
                }
                Ok(doc) => match limits::check(doc, operation.as_deref(), &variables, &limits) {
                    Err(refusal) => {
                        let mut e = ServerError::new(refusal.message(), None);
                        set_code(&mut e, refusal.code());
                        return Response::from_errors(vec![e]);
                    }
                    Ok(m) => m,
                },
            };
            // Charged before it runs; what the answer did not use is given back.
            let charge = match budgets.charge(&account, per_minute, measure.complexity).await {
                Ok(c) => c,
                Err(wait) => {
                    let mut e = ServerError::new(
                        format!("over the budget of {per_minute} points a minute; retry in {} s", wait.as_secs()),
                        None,
                    );
                    set_code(&mut e, "RATE_LIMITED");
                    let mut r = Response::from_errors(vec![e]);
                    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().to_string()) {
                        r.http_headers.insert(header::RETRY_AFTER, v);
                    }
                    return r;
                }
            };
            let mut resp = scrub(classify(gate.resolver(schema.execute(req)).await), &rid);
            // The root `data` object is not counted, as in the complexity.
            let actual = budget::count_objects(&resp.data).saturating_sub(1).min(charge.requested);
            let (remaining, reset_at) = budgets
                .refund(&account, per_minute, charge.requested - actual)
                .await
                .unwrap_or((charge.remaining, charge.reset_at));
            resp.extensions.insert(
                "cost".into(),
                async_graphql::Value::from_json(json!({
                    "requested": charge.requested,
                    "actual": actual,
                    "remaining": remaining,
                    "resetAt": reset_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                }))
                .unwrap_or_default(),
            );
            resp
        };
        async move {
            let resp = work.await;
            let outcome = resp
                .errors
                .first()
                .and_then(|e| e.extensions.as_ref().and_then(|x| x.get("code")))
                .map(|c| c.to_string().trim_matches('"').to_owned())
                .unwrap_or_else(|| "ok".into());
            let elapsed = started.elapsed();
            super::metrics::record(op_name.as_deref(), &outcome, elapsed);
            // One line per operation, inside the request's span (and so with its id).
            tracing::info!(
                operation = op_name.as_deref().unwrap_or("anonymous"),
                role = ?role,
                partner = partner_id,
                key = key_id,
                outcome = %outcome,
                elapsed_ms = elapsed.as_millis() as u64,
                "graphql"
            );
            resp
        }
    };
    let (status, body) = match batch {
        BatchRequest::Single(req) => {
            let resp = run(req).await;
            let limited = resp
                .errors
                .iter()
                .any(|e| e.extensions.as_ref().and_then(|x| x.get("code")) == Some(&"RATE_LIMITED".into()));
            let status = if limited { StatusCode::TOO_MANY_REQUESTS } else { status_of(media, &[&resp]) };
            let extra = resp.http_headers.clone();
            let body = serde_json::to_string(&BatchResponse::Single(resp));
            if let Ok(body) = &body {
                let mut r = (status, [(header::CONTENT_TYPE, media.header())], body.clone()).into_response();
                r.headers_mut().extend(extra);
                return r;
            }
            (status, body)
        }
        BatchRequest::Batch(reqs) => {
            let max = state.app.config.max_batch;
            if principal.role == entity::enums::Role::Public {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    media,
                    "BATCH_TOO_LARGE",
                    "batches need an API key; send one operation",
                );
            }
            if reqs.len() > max {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    media,
                    "BATCH_TOO_LARGE",
                    &format!("a batch holds at most {max} operations"),
                );
            }
            let mut out = Vec::with_capacity(reqs.len());
            for req in reqs {
                out.push(run(req).await);
            }
            (StatusCode::OK, serde_json::to_string(&BatchResponse::Batch(out)))
        }
    };
    match body {
        Ok(body) => (status, [(header::CONTENT_TYPE, media.header())], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, media, "INTERNAL", "internal error")
        }
    }
}

/// Runs the request under the configured time limit: past it, the execution is
/// dropped (an open transaction rolls back) and the client gets TIMEOUT.
async fn execute_in_time(
    state: &HttpState,
    headers: &HeaderMap,
    peer: SocketAddr,
    principal: Principal,
    batch: BatchRequest,
    media: MediaType,
) -> axum::response::Response {
    let limit = std::time::Duration::from_secs(state.app.config.request_timeout_secs);
    match tokio::time::timeout(limit, execute(state, headers, peer, principal, batch, media)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            error_response(
                StatusCode::GATEWAY_TIMEOUT,
                media,
                "TIMEOUT",
                &format!("the request ran longer than {} s and was cancelled", limit.as_secs()),
            )
        }
    }
}

pub async fn post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
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
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.starts_with(JSON) {
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
    let body: Bytes = match axum::body::to_bytes(body, max).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let principal = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(e) => return auth_error(e, media),
    };
    let batch = match parse_body(&body) {
        Ok(b) => b,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, media, "BAD_REQUEST", &message),
    };
    execute_in_time(&state, &headers, peer, principal, batch, media).await
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
            return Html(GraphiQLSource::build().endpoint("/graphql").title("zhaoshang GraphiQL").finish())
                .into_response();
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
    execute_in_time(&state, &headers, peer, principal, BatchRequest::Single(req), media).await
}
