//! The `/graphql` endpoint, following the GraphQL-over-HTTP specification:
//! the response media type follows `Accept`, GET serves queries only (and
//! GraphiQL to a browser), and a body that is not a GraphQL request is a 400
//! with a typed error, never a plain-text answer.

use std::net::SocketAddr;
use std::sync::Arc;

use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use tokio::time::Instant;

use axum::{
    Extension,
    body::Body,
    extract::{ConnectInfo, RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::IntoResponse,
};

pub(crate) mod wire;

use wire::{GetParams, MediaType, auth_error, error_response, first_code, negotiate, parse_body, read_body, status_of};

use crate::auth::Principal;
use crate::error::{AppError, ErrorCode};
use crate::graphql::context::{Language, RequestContext};
use crate::graphql::extensions::{Caller, Deadline, Operation, ResponseAllowance};
use crate::http::{HttpState, RequestIds};

pub(crate) async fn principal(state: &HttpState, headers: &HeaderMap) -> Result<Principal, AppError> {
    let header = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("invalid"));
    state.app.keys.authenticate(&state.app.db, header).await
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
        let ctx =
            RequestContext::new(&self.state.app, self.principal.clone(), Some(self.request_id.clone()), self.language);
        let gate = ctx.gate.clone();
        let op = Arc::new(Operation::default());
        let req =
            req.data(ctx).data(self.caller.clone()).data(self.deadline).data(self.allowance.clone()).data(op.clone());
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
        language: language(headers),
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
        Err(_) => {
            Err((ErrorCode::Timeout, format!("the request ran longer than {} s and was cancelled", limit.as_secs())))
        }
    };
    let (status, body, extra) = match answer {
        Ok(a) => a,
        Err((code, message)) => {
            return error_response(
                StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
                media,
                code,
                &message,
            );
        }
    };
    let body = match &body {
        BatchResponse::Single(r) => serde_json::to_string(&wire::Wire(r)),
        BatchResponse::Batch(rs) => serde_json::to_string(&rs.iter().map(wire::Wire).collect::<Vec<_>>()),
    };
    match body {
        Ok(body) if body.len() <= config.max_response_bytes.saturating_add(64 * 1024) => {
            let mut r = (status, [(header::CONTENT_TYPE, media.header())], body).into_response();
            r.headers_mut().extend(extra);
            r
        }
        Ok(_) => error_response(
            StatusCode::OK,
            media,
            ErrorCode::ResponseTooLarge,
            &format!(
                "the answer would exceed {} bytes; ask for fewer objects or smaller pages",
                config.max_response_bytes
            ),
        ),
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            error_response(StatusCode::INTERNAL_SERVER_ERROR, media, ErrorCode::Internal, "internal error")
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
            ErrorCode::BadRequest,
            "accept application/json or application/graphql-response+json",
        );
    };
    let config = &state.app.config;
    let read = std::time::Duration::from_secs(config.body_read_timeout_secs);
    if wire::is_multipart(&headers) {
        // An upload (the GraphQL multipart request specification) needs a key:
        // a browser sends a form cross-site without asking first, an
        // Authorization header only after CORS allows it.
        if headers.get(header::AUTHORIZATION).is_none() {
            return auth_error(AppError::Unauthenticated, media, language(&headers));
        }
        let principal = match principal(&state, &headers).await {
            Ok(p) => p,
            Err(e) => return auth_error(e, media, language(&headers)),
        };
        // Staff and partners upload (a partner for its leads): the public may
        // not send a body larger than ZHAOSHANG_MAX_BODY_BYTES. Only staff
        // upload videos (materials), so only they may send that much.
        let limit = if principal.is_staff() {
            config.max_upload_bytes.max(config.max_video_bytes)
        } else if principal.partner().is_some() {
            config.max_upload_bytes
        } else {
            let message = "only the office's staff and partners upload files";
            return error_response(StatusCode::FORBIDDEN, media, ErrorCode::Forbidden, message);
        };
        // A video takes longer to arrive than a request body.
        let read = if limit > config.max_upload_bytes { read.max(std::time::Duration::from_secs(600)) } else { read };
        let batch = match wire::read_multipart(&headers, body, limit, read, media).await {
            Ok(b) => b,
            Err(refused) => return refused,
        };
        return execute(&state, &headers, peer, &ids, principal, batch, media).await;
    }
    let body = match read_body(&headers, body, config.max_body_bytes, read, media).await {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let principal = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(e) => return auth_error(e, media, language(&headers)),
    };
    let batch = match parse_body(&body) {
        Ok(b) => b,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, media, ErrorCode::BadRequest, &message),
    };
    execute(&state, &headers, peer, &ids, principal, batch, media).await
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
            return error_response(
                StatusCode::BAD_REQUEST,
                MediaType::Json,
                ErrorCode::BadRequest,
                "malformed query string",
            );
        }
    };
    let wants_html = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if params.query.is_none() {
        if wants_html {
            return crate::http::graphiql::page();
        }
        return error_response(StatusCode::BAD_REQUEST, MediaType::Json, ErrorCode::BadRequest, "no query given");
    }
    let Some(media) = negotiate(&headers) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            ErrorCode::BadRequest,
            "accept application/json or application/graphql-response+json",
        );
    };
    let req = match params.into_request(media) {
        Ok(req) => req,
        Err(refused) => return refused,
    };
    let principal = match principal(&state, &headers).await {
        Ok(p) => p,
        Err(e) => return auth_error(e, media, language(&headers)),
    };
    execute(&state, &headers, peer, &ids, principal, BatchRequest::Single(req), media).await
}

/// The language of the client's messages, from `Accept-Language`.
pub(crate) fn language(headers: &HeaderMap) -> Language {
    Language::from_header(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}
