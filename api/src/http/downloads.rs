//! Files over HTTP, with the same keys and visibility as GraphQL:
//! - `GET /exports/{ledger}.xlsx?…` a ledger, filtered by the query parameters
//!   as the GraphQL list is by its `filter` argument; `?template=true` gives the
//!   empty import template. Staff export every ledger; a partner exports its
//!   own leads.
//! - `GET /reports/campaigns/{id}/briefing.{html|png|csv|xlsx}`: the campaign
//!   briefing (staff).
//! - `GET /map.geojson?…`: the investment map, filtered by the query
//!   parameters as `investmentMap` is by its `filter` (anyone; a key sees more).
//!
//! Refusals are JSON errors with codes: 401 without a valid key, 403 for a
//! ledger the key may not export, 404 for an unknown ledger, campaign or
//! format, 400 for a bad parameter, 429 while [`CONCURRENT`] downloads run.

use std::io::{Seek, SeekFrom};

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entity::enums::Role;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sea_orm::EntityTrait;

use super::HttpState;
use super::graphql::wire::{MediaType, auth_error, error_response};
use crate::auth::Principal;
use crate::error::{AppError, ErrorCode};
use crate::graphql::query::map::InvestmentMapFilter;
use crate::graphql::query_input::from_query;
use crate::graphql::types as gql;
use crate::ledger::Ledger;
use crate::ledger::export::{self, Export, Filter, Scope};

/// Downloads one process builds at once; more wait for a 429's Retry-After.
pub const CONCURRENT: usize = 2;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    error_response(status, MediaType::Json, code, message)
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "download failed");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error")
}

async fn caller(state: &HttpState, headers: &HeaderMap) -> Result<Principal, Response> {
    let language = super::graphql::language(headers);
    let p = super::graphql::principal(state, headers).await.map_err(|e| auth_error(e, MediaType::Json, language))?;
    if p.role == Role::Public {
        return Err(auth_error(AppError::Unauthenticated, MediaType::Json, language));
    }
    Ok(p)
}

/// `attachment` with the file name in ASCII and, for the Chinese name, in
/// RFC 8187's UTF-8 form.
pub fn attachment(ascii: &str, name: &str) -> HeaderValue {
    const ATTR: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');
    let encoded = utf8_percent_encode(name, ATTR);
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A file of `len` bytes read from `file` as the body is sent.
fn streamed(file: std::fs::File, len: u64, content_type: &'static str, disposition: HeaderValue) -> Response {
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
    let mut r = Body::from_stream(stream).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::CONTENT_DISPOSITION, disposition);
    r
}

fn busy() -> Response {
    let mut r = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        "other downloads are being prepared; try again shortly",
    );
    r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}

/// The query string's pairs, and `template` taken out of them.
fn parameters(raw: Option<&str>) -> Result<(Vec<(String, String)>, bool), Response> {
    let bad = |m: &str| refuse(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, m);
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| bad("malformed query string"))?;
    let mut template = false;
    let mut i = 0;
    while i < pairs.len() {
        if pairs[i].0 == "template" {
            template = match pairs.remove(i).1.as_str() {
                "true" => true,
                "false" => false,
                _ => return Err(bad("`template` is true or false")),
            };
        } else {
            i += 1;
        }
    }
    Ok((pairs, template))
}

/// The service filter of `ledger`'s GraphQL list, read from query parameters.
pub fn filter(ledger: Ledger, pairs: &[(String, String)]) -> Result<Filter, String> {
    fn or_nothing<T>(r: Result<T, ()>, f: impl FnOnce(T) -> Filter) -> Filter {
        r.map(f).unwrap_or(Filter::Nothing)
    }
    Ok(match ledger {
        Ledger::Enterprises => {
            or_nothing(from_query::<gql::enterprise::EnterpriseFilter>(pairs)?.to_service(), Filter::Enterprises)
        }
        Ledger::Projects => {
            or_nothing(from_query::<gql::project::ProjectFilter>(pairs)?.to_service(), Filter::Projects)
        }
        Ledger::Agreements => {
            or_nothing(from_query::<gql::agreement::AgreementFilter>(pairs)?.to_service(), Filter::Agreements)
        }
        Ledger::Leads => or_nothing(from_query::<gql::partner::LeadFilter>(pairs)?.to_service(), Filter::Leads),
        Ledger::ServiceRequests => or_nothing(
            from_query::<gql::service_request::ServiceRequestFilter>(pairs)?.to_service(),
            Filter::ServiceRequests,
        ),
    })
}

/// How the description sheet names who exported: the staff member or the key.
pub async fn who(db: &sea_orm::DatabaseConnection, p: &Principal) -> String {
    if let Some(id) = p.staff_member_id
        && let Ok(Some(s)) = entity::staff_member::Entity::find_by_id(id).one(db).await
    {
        return s.name;
    }
    if let Some(id) = p.key_id
        && let Ok(Some(k)) = entity::api_key::Entity::find_by_id(id).one(db).await
    {
        return format!("{}（{}）", k.name, crate::ledger::labels::role(p.role));
    }
    crate::ledger::labels::role(p.role).to_owned()
}

/// `GET /exports/{ledger}.xlsx`.
pub async fn export(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(ledger) = file.strip_suffix(".xlsx").and_then(Ledger::from_slug) else {
        let known: Vec<String> = Ledger::ALL.iter().map(|l| format!("{}.xlsx", l.slug())).collect();
        let message = format!("no such ledger; the ledgers are {}", known.join(", "));
        return refuse(StatusCode::NOT_FOUND, ErrorCode::NotFound, &message);
    };
    let principal = match caller(&state, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let allowed = principal.is_staff() || (ledger == Ledger::Leads && principal.partner().is_some());
    if !allowed {
        let message = "this key may not export this ledger (partners export their own leads)";
        return refuse(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message);
    }
    let (pairs, template) = match parameters(raw.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let filter = match filter(ledger, &pairs) {
        Ok(f) => f,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, &message),
    };
    let Ok(_permit) = state.downloads.clone().try_acquire_owned() else {
        return busy();
    };
    let filter_text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let app = &state.app;
    let checkup = app.checkup();
    let scope = Scope {
        db: &app.db,
        principal: &principal,
        checkup: &checkup,
        major_threshold: app.config.major_project_threshold,
    };
    let by = who(&app.db, &principal).await;
    let job = Export { ledger, filter, template, filter_text, by };
    let (workbook, _) = match export::workbook(&scope, &job).await {
        Ok(w) => w,
        Err(e) => return internal(e),
    };
    let saved = tokio::task::spawn_blocking(move || -> anyhow::Result<(std::fs::File, u64)> {
        let mut file = tempfile::tempfile()?;
        export::save(workbook, &mut file).map_err(|e| anyhow::anyhow!("{e}"))?;
        let len = file.seek(SeekFrom::End(0))?;
        file.seek(SeekFrom::Start(0))?;
        Ok((file, len))
    })
    .await;
    match saved {
        Ok(Ok((file, len))) => {
            let today = checkup.today;
            let suffix = if template { "导入模板" } else { &today.to_string() };
            let name = format!("{}-{suffix}.xlsx", ledger.title());
            streamed(file, len, XLSX, attachment(&format!("{}.xlsx", ledger.slug()), &name))
        }
        Ok(Err(e)) => internal(e),
        Err(e) => internal(e),
    }
}

/// `GET /reports/campaigns/{id}/briefing.{html|png|csv|xlsx}`.
pub async fn briefing(
    State(state): State<HttpState>,
    Path((campaign, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let format = match file.as_str() {
        "briefing.html" => crate::briefing::Format::Html,
        "briefing.csv" => crate::briefing::Format::Csv,
        "briefing.xlsx" => crate::briefing::Format::Xlsx,
        "briefing.png" => crate::briefing::Format::Png,
        _ => {
            let message = "no such file; a briefing is briefing.html, briefing.png, briefing.csv or briefing.xlsx";
            return refuse(StatusCode::NOT_FOUND, ErrorCode::NotFound, message);
        }
    };
    let principal = match caller(&state, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !principal.is_staff() {
        return refuse(StatusCode::FORBIDDEN, ErrorCode::Forbidden, "the briefing is for the office's staff");
    }
    let not_found = || refuse(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no campaign has this id");
    let Some(id) = crate::ids::decode_as(&campaign, "Campaign") else {
        return not_found();
    };
    let Ok(_permit) = state.downloads.clone().try_acquire_owned() else {
        return busy();
    };
    let b = match crate::briefing::load(&state.app.db, id, &state.app.checkup()).await {
        Ok(b) => b,
        Err(AppError::NotFound) => return not_found(),
        Err(e) => return internal(e),
    };
    let rendered = tokio::task::spawn_blocking(move || crate::briefing::render(&b, format)).await;
    let bytes = match rendered {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => return internal(e),
        Err(e) => return internal(e),
    };
    let ext = file.rsplit('.').next().unwrap_or("html");
    let disposition = attachment(&format!("briefing.{ext}"), &format!("招商简报.{ext}"));
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if format != crate::briefing::Format::Html {
        h.insert(header::CONTENT_DISPOSITION, disposition);
    }
    r
}

pub const GEOJSON: &str = "application/geo+json";

/// `GET /map.geojson`: `investmentMap` as a file (RFC 7946 §12's media type).
pub async fn map(State(state): State<HttpState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let language = super::graphql::language(&headers);
    let principal = match super::graphql::principal(&state, &headers).await {
        Ok(p) => p,
        Err(e) => return auth_error(e, MediaType::Json, language),
    };
    let (pairs, template) = match parameters(raw.as_deref()) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let filter = match from_query::<InvestmentMapFilter>(&pairs) {
        Ok(f) if !template => f,
        Ok(_) => return refuse(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, "the map has no template"),
        Err(message) => return refuse(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, &message),
    };
    let features = match filter.to_service() {
        Ok(f) => {
            let app = &state.app;
            let threshold = app.config.major_project_threshold;
            match crate::service::map::investment_map(&app.db, &principal, &f, threshold, &app.checkup()).await {
                Ok(map) => map,
                Err(e) => return internal(e),
            }
        }
        Err(()) => serde_json::json!({ "type": "FeatureCollection", "features": [] }),
    };
    let mut r = features.to_string().into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    h.insert(header::CONTENT_DISPOSITION, attachment("map.geojson", "招商地图.geojson"));
    r
}
