//! `GET /files/{id}?key=K&expires=T&signature=S`: an attachment's bytes, by
//! the signed link `Attachment.downloadUrl` gives (see `crate::files`).
//!
//! The link is checked first (signature, expiry), then the key it was minted
//! for (still valid, and sent with the request: a link made for a key is no
//! use to anyone else; a public link, for a published material's file, works
//! for anyone),
//! then the attachment's visibility to that key as it stands now: a link
//! does not outlive the right to the file. Refusals: 403 for a link that is
//! forged, altered, expired or used by another key; 404 for a file the key may
//! not (or no longer) see. Single byte ranges are served (206, 416), for
//! video players.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entity::{api_key, attachment};
use sea_orm::EntityTrait;

use super::HttpState;
use super::graphql::wire::{MediaType, error_response};
use crate::auth::Principal;
use crate::error::ErrorCode;

#[derive(serde::Deserialize)]
pub struct LinkParams {
    key: i64,
    expires: i64,
    signature: String,
}

fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    error_response(status, MediaType::Json, code, message)
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "file download failed");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal, "internal error")
}

/// The one range of `Range: bytes=…` within `len` bytes: Ok(None) for none
/// (or several, or a unit other than bytes: the whole file, as RFC 9110
/// allows), Err for a range that cannot be satisfied (every range of an
/// empty file is one). The unit's name is case-insensitive (RFC 9110, 14.1).
fn range(headers: &HeaderMap, len: u64) -> Result<Option<std::ops::Range<u64>>, ()> {
    let Some(spec) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some((unit, spec)) = spec.trim().split_once('=') else { return Ok(None) };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return Ok(None);
    }
    if spec.contains(',') {
        return Ok(None);
    }
    let (start, end) = spec.split_once('-').ok_or(())?;
    let (start, end) = (start.trim(), end.trim());
    let r = if start.is_empty() {
        let n: u64 = end.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        len.saturating_sub(n)..len
    } else {
        let s: u64 = start.parse().map_err(|_| ())?;
        let e = if end.is_empty() { len } else { end.parse::<u64>().map_err(|_| ())?.saturating_add(1).min(len) };
        if s >= len || e <= s {
            return Err(());
        }
        s..e
    };
    if r.is_empty() { Err(()) } else { Ok(Some(r)) }
}

/// `GET /files/{id}`.
pub async fn download(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let app = &state.app;
    let forbidden = |m: &str| refuse(StatusCode::FORBIDDEN, ErrorCode::Forbidden, m);
    let Ok(link) = serde_urlencoded::from_str::<LinkParams>(raw.as_deref().unwrap_or("")) else {
        return forbidden("a file is downloaded by the link its downloadUrl gives");
    };
    let not_found = || refuse(StatusCode::NOT_FOUND, ErrorCode::NotFound, "no file has this id");
    let Some(id) = crate::ids::decode_as(&id, "Attachment") else { return not_found() };
    if !app.files.verify(id, link.key, link.expires, &link.signature) {
        return forbidden("this link is not valid; ask for a new downloadUrl");
    }
    if link.expires < chrono::Utc::now().timestamp() {
        return forbidden("this link has expired; ask for a new downloadUrl");
    }
    // Who the link speaks for, as things stand now.
    let principal = if link.key == 0 {
        Principal::PUBLIC
    } else {
        match api_key::Entity::find_by_id(link.key).one(&app.db).await {
            Ok(Some(k)) => match crate::auth::usable(&app.db, &k).await {
                Ok(true) => Principal::of_key(&k),
                Ok(false) => return forbidden("the key this link was made for is no longer valid"),
                Err(e) => return internal(e),
            },
            Ok(None) => return forbidden("the key this link was made for is no longer valid"),
            Err(e) => return internal(e),
        }
    };
    // A public link works for anyone; a key's link only with that key.
    if link.key != 0 {
        match super::graphql::principal(&state, &headers).await {
            Ok(caller) if caller.key_id.unwrap_or(0) == link.key => {}
            _ => {
                return forbidden("this link works only with the key it was made for, sent as Authorization: Bearer …");
            }
        }
    }
    let row = match crate::service::listing::by_ids::<attachment::Entity>(&app.db, &principal, &[id]).await {
        Ok(mut rows) => rows.remove(&id),
        Err(e) => return internal(e),
    };
    let Some(file) = row else { return not_found() };
    let len = u64::try_from(file.byte_size).unwrap_or(0);
    let wanted = match range(&headers, len) {
        Ok(r) => r,
        Err(()) => {
            let mut r =
                refuse(StatusCode::RANGE_NOT_SATISFIABLE, ErrorCode::BadRequest, "the range lies outside the file");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };
    let got = match app.files.get(&file.storage_key, wanted.clone()).await {
        Ok(g) => g,
        Err(e) => return internal(e),
    };
    let served = got.range.clone();
    let mut r = Body::from_stream(got.into_stream()).into_response();
    if let Some(w) = &wanted {
        *r.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {}-{}/{len}", w.start, served.end.saturating_sub(1))) {
            r.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    let h = r.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(served.end - served.start));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", file.sha256)) {
        h.insert(header::ETAG, v);
    }
    let ascii: String =
        file.file_name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    h.insert(header::CONTENT_DISPOSITION, super::downloads::attachment(&ascii, &file.file_name));
    // A link is per key and short-lived: nothing between may keep the file.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(value: &str, len: u64) -> Result<Option<std::ops::Range<u64>>, ()> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, value.parse().unwrap());
        range(&headers, len)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_writes_them() {
        assert_eq!(asked("bytes=0-9", 100), Ok(Some(0..10)));
        assert_eq!(asked("Bytes=90-", 100), Ok(Some(90..100)));
        assert_eq!(asked("bytes=-5", 100), Ok(Some(95..100)));
        assert_eq!(asked("bytes=-500", 100), Ok(Some(0..100)));
        assert_eq!(asked("bytes=50-5000", 100), Ok(Some(50..100)));
        assert_eq!(asked("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(asked("items=0-1", 100), Ok(None));
        assert_eq!(asked("bytes=100-", 100), Err(()));
        assert_eq!(asked("bytes=9-3", 100), Err(()));
        assert_eq!(asked("bytes=-0", 100), Err(()));
        assert_eq!(asked("bytes=x-", 100), Err(()));
    }

    #[test]
    fn every_range_of_an_empty_file_is_unsatisfiable() {
        for value in ["bytes=0-", "bytes=-1", "bytes=0-0"] {
            assert_eq!(asked(value, 0), Err(()), "{value}");
        }
    }
}
