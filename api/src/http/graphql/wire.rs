//! The wire format of GraphQL over HTTP: media types by `Accept`, the body of a
//! POST, status codes, error-only answers, and the GraphiQL page.

use async_graphql::{BatchRequest, Request, Response};
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use serde::{Deserialize, Serialize, ser::SerializeMap};
use serde_json::json;

use crate::error::{AppError, ErrorCode};
use crate::messages::Language;

pub(super) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaType {
    GraphqlResponse,
    Json,
}

impl MediaType {
    pub(super) fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// The media type to answer in, chosen from `Accept` as RFC 9110 (section
/// 12.5.1) says: each media range carries a weight (`q`, 1 unless given; 0
/// means "not this"), and the most specific range matching a type (its exact
/// name with matching parameters, then its name, then `type/*`, then `*/*`)
/// gives that type its weight. The heaviest acceptable type wins; at equal
/// weight a type named outright beats one reached by a wildcard, and
/// graphql-response+json beats json when both are named (so `*/*` alone is
/// json, as legacy clients expect). No header is json; None when nothing
/// acceptable remains (406).
pub(super) fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    if headers.get(header::ACCEPT).is_none() {
        return Some(MediaType::Json);
    }
    // Several Accept lines make one list (RFC 9110, 5.3).
    let accept: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    let ranges: Vec<(mime::Mime, u16)> = accept
        .iter()
        .flat_map(|line| line.split(','))
        .filter_map(|range| {
            // Optional white space around `;` is allowed; the parser takes none.
            let range: Vec<&str> = range.split(';').map(str::trim).collect();
            let range: mime::Mime = range.join(";").parse().ok()?;
            let q = match range.get_param("q") {
                None => 1000,
                Some(q) => qvalue(q.as_str())?,
            };
            Some((range, q))
        })
        .collect();
    [(MediaType::GraphqlResponse, GRAPHQL_RESPONSE), (MediaType::Json, JSON)]
        .into_iter()
        .filter_map(|(media, name)| {
            let ours: mime::Mime = name.parse().ok()?;
            let (specificity, q) =
                ranges.iter().filter_map(|(range, q)| Some((matches(range, &ours)?, *q))).max_by_key(|(s, _)| *s)?;
            let named = specificity >= 3;
            // Named both: graphql-response+json; reached by wildcards only: json.
            let preferred = named == (media == MediaType::GraphqlResponse);
            (q > 0).then_some((q, named, preferred, media))
        })
        .max_by_key(|&(q, named, preferred, _)| (q, named, preferred))
        .map(|(.., media)| media)
}

/// How specifically `range` names `ours`: 4 with matching parameters, 3 by
/// name, 2 by `type/*`, 1 by `*/*`; None when it does not. A range's
/// parameters other than `q` must be ours (`charset=utf-8`, any case).
fn matches(range: &mime::Mime, ours: &mime::Mime) -> Option<u8> {
    let params: Vec<_> = range.params().filter(|(name, _)| *name != "q").collect();
    for (name, value) in &params {
        let fits = *name == mime::CHARSET && value.as_str().eq_ignore_ascii_case("utf-8");
        if !fits {
            return None;
        }
    }
    if range.type_() == mime::STAR && range.subtype() == mime::STAR {
        Some(1)
    } else if range.type_() != ours.type_() {
        None
    } else if range.subtype() == mime::STAR {
        Some(2)
    } else if range.subtype() == ours.subtype() && range.suffix() == ours.suffix() {
        Some(if params.is_empty() { 3 } else { 4 })
    } else {
        None
    }
}

/// An RFC 9110 qvalue (`0`, `0.5`, `1.000`) in thousandths; None if malformed.
fn qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// A response as it goes on the wire. A request error (nothing ran: the
/// document did not parse or validate) has no `data` entry, as the GraphQL
/// specification's "Response Format" says; after execution began, `data` is
/// there, `null` included.
pub(super) struct Wire<'a>(pub(super) &'a Response);

impl Serialize for Wire<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = serializer.serialize_map(None)?;
        if !crate::graphql::failed_before_execution(r) {
            map.serialize_entry("data", &r.data)?;
        }
        if !r.extensions.is_empty() {
            map.serialize_entry("extensions", &r.extensions)?;
        }
        if !r.errors.is_empty() {
            map.serialize_entry("errors", &r.errors)?;
        }
        map.end()
    }
}

/// A response carrying only errors, each with its `extensions.code`.
pub(crate) fn error_response(
    status: StatusCode,
    media: MediaType,
    code: ErrorCode,
    message: &str,
) -> axum::response::Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    (status, [(header::CONTENT_TYPE, media.header())], body.to_string()).into_response()
}

/// The code of a response's first error, if it has one.
pub(super) fn first_code(response: &Response) -> Option<ErrorCode> {
    let code = response.errors.first()?.extensions.as_ref()?.get("code")?;
    match code {
        async_graphql::Value::String(s) => ErrorCode::parse(s),
        _ => None,
    }
}

/// The status of an answer: 429 and 504 for the budget and the time limit;
/// under application/json 200 for any well-formed request; under
/// graphql-response+json 4xx when every operation failed before execution
/// (a field's error that made `data` null is still a 200).
pub(super) fn status_of(media: MediaType, responses: &[Response]) -> StatusCode {
    let codes: Vec<Option<ErrorCode>> = responses.iter().map(first_code).collect();
    if codes.iter().any(|c| *c == Some(ErrorCode::RateLimited)) && responses.len() == 1 {
        return StatusCode::TOO_MANY_REQUESTS;
    }
    if codes.iter().any(|c| *c == Some(ErrorCode::Timeout)) {
        return StatusCode::GATEWAY_TIMEOUT;
    }
    if media == MediaType::GraphqlResponse && responses.iter().all(crate::graphql::failed_before_execution) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// A POST body as the GraphQL-over-HTTP specification requires it: an object (or,
/// for a batch, a list of objects) with a string `query`, and `operationName`,
/// `variables` and `extensions` of the right JSON types when present.
pub(super) fn parse_body(body: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the body is not JSON (line {}, column {})", e.line(), e.column()))?;
    match &value {
        serde_json::Value::Array(items) if items.is_empty() => return Err("the batch is empty".into()),
        serde_json::Value::Array(items) => items.iter().try_for_each(check_request)?,
        single => check_request(single)?,
    }
    serde_json::from_value(value).map_err(|_| "the body is not a GraphQL request".to_owned())
}

/// One GraphQL request's parameters, whichever way they came (a POST body, a
/// GET's query string): a string `query`; `operationName` a string;
/// `variables` and `extensions` objects (a JSON string holding an object is
/// not one); each may be `null` but `query`.
fn check_request(v: &serde_json::Value) -> Result<(), String> {
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
}

/// The query string of a GET.
#[derive(Deserialize)]
pub(super) struct GetParams {
    pub(super) query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

impl GetParams {
    /// The request a GET asks for, its parameters checked as a POST body's
    /// are (`variables` and `extensions` JSON objects, URL-encoded): anything
    /// else is a 400. A mutation is refused with 405 before anything runs:
    /// GET may only read.
    pub(super) fn into_request(self, media: MediaType) -> Result<Request, axum::response::Response> {
        let bad = |message: &str| error_response(StatusCode::BAD_REQUEST, media, ErrorCode::BadRequest, message);
        let mut params = serde_json::Map::new();
        params.insert("query".into(), self.query.unwrap_or_default().into());
        if let Some(op) = self.operation_name {
            params.insert("operationName".into(), op.into());
        }
        for (raw, name) in [(self.variables, "variables"), (self.extensions, "extensions")] {
            let Some(raw) = raw else { continue };
            match serde_json::from_str::<serde_json::Value>(&raw) {
                Ok(v) => params.insert(name.into(), v),
                Err(_) => return Err(bad(&format!("`{name}` is not JSON"))),
            };
        }
        let params = serde_json::Value::Object(params);
        check_request(&params).map_err(|message| bad(&message))?;
        let mut req: Request = serde_json::from_value(params).map_err(|_| bad("not a GraphQL request"))?;
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
                let message = "only queries may be sent with GET; use POST";
                let mut r = error_response(StatusCode::METHOD_NOT_ALLOWED, media, ErrorCode::BadRequest, message);
                r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
                return Err(r);
            }
        }
        Ok(req)
    }
}

/// A refused key: 401 with `WWW-Authenticate: Bearer`.
pub(crate) fn auth_error(e: AppError, media: MediaType, language: Language) -> axum::response::Response {
    match e {
        AppError::Unauthenticated => {
            let message = crate::messages::top_level(ErrorCode::Unauthenticated, language).unwrap_or_default();
            let mut r = error_response(StatusCode::UNAUTHORIZED, media, ErrorCode::Unauthenticated, message);
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
        other => {
            tracing::error!(error = ?other, "authentication failed");
            let message = crate::messages::top_level(ErrorCode::Internal, language).unwrap_or_default();
            error_response(StatusCode::INTERNAL_SERVER_ERROR, media, ErrorCode::Internal, message)
        }
    }
}

/// Whether a POST is a GraphQL multipart request (a file upload).
pub(super) fn is_multipart(headers: &HeaderMap) -> bool {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("multipart/form-data")
}

/// A GraphQL multipart request: its operations, with one file of at most
/// `max_file` bytes (413 beyond), arriving within `read` (408).
pub(super) async fn read_multipart(
    headers: &HeaderMap,
    body: axum::body::Body,
    max_file: usize,
    read: std::time::Duration,
    media: MediaType,
) -> Result<BatchRequest, axum::response::Response> {
    use futures::TryStreamExt;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    // The file and the form's other fields (operations, map) together.
    let limit = max_file + 64 * 1024;
    let limited = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    let reader = limited.into_data_stream().map_err(std::io::Error::other).into_async_read();
    // With one file, async-graphql caps the whole stream at the file's limit:
    // give it the form fields' room too.
    let options = async_graphql::http::MultipartOptions::default().max_file_size(limit).max_num_files(1);
    let too_large = || {
        let message = format!("the upload exceeds {max_file} bytes");
        error_response(StatusCode::PAYLOAD_TOO_LARGE, media, ErrorCode::PayloadTooLarge, &message)
    };
    match tokio::time::timeout(read, async_graphql::http::receive_batch_body(content_type, reader, options)).await {
        Ok(Ok(batch)) => Ok(batch),
        Ok(Err(async_graphql::ParseRequestError::PayloadTooLarge)) => Err(too_large()),
        Ok(Err(async_graphql::ParseRequestError::InvalidMultipart(e))) if over_limit(&e) => Err(too_large()),
        Ok(Err(e)) if over_limit(&e) => Err(too_large()),
        Ok(Err(e)) => {
            let message = format!("not a GraphQL multipart request: {e}");
            Err(error_response(StatusCode::BAD_REQUEST, media, ErrorCode::BadRequest, &message))
        }
        Err(_) => {
            let message = format!("the request body did not arrive within {} s", read.as_secs());
            Err(error_response(StatusCode::REQUEST_TIMEOUT, media, ErrorCode::Timeout, &message))
        }
    }
}

/// Whether reading stopped at the body's length limit, wherever in the chain
/// of causes (multipart parsing wraps the limit's error in its own).
fn over_limit(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() || c.to_string().contains("length limit") {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The body of a POST: `application/json` itself (parameters such as
/// `charset` aside; `application/jsonx` is not JSON, 415), at most `max` bytes
/// (413), arriving within `read` (a body that trickles in is cut off, 408).
pub(super) async fn read_body(
    headers: &HeaderMap,
    body: axum::body::Body,
    max: usize,
    read: std::time::Duration,
    media: MediaType,
) -> Result<axum::body::Bytes, axum::response::Response> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case(JSON) {
        let message = "send the request as application/json";
        return Err(error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, media, ErrorCode::BadRequest, message));
    }
    let too_large = || {
        let message = format!("the body exceeds {max} bytes");
        error_response(StatusCode::PAYLOAD_TOO_LARGE, media, ErrorCode::PayloadTooLarge, &message)
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    match tokio::time::timeout(read, axum::body::to_bytes(body, max)).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => {
            let message = format!("the request body did not arrive within {} s", read.as_secs());
            Err(error_response(StatusCode::REQUEST_TIMEOUT, media, ErrorCode::Timeout, &message))
        }
    }
}
