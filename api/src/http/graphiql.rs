//! GraphiQL served from the binary: the page at `GET /graphql` (for a browser)
//! and its files under `/graphiql/{VERSION}/`, vendored from npm with their
//! licences (`assets/graphiql/README.md`), so that it works on an intranet
//! with no internet. The page loads nothing from anywhere else, and its
//! Content-Security-Policy allows nothing else.

use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// The vendored GraphiQL's version, part of every asset's path.
pub const VERSION: &str = "3.9.0";

/// Each file: its name, media type and bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("graphiql.min.js", "text/javascript; charset=utf-8", include_bytes!("../../../assets/graphiql/graphiql.min.js")),
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../../../assets/graphiql/graphiql.min.css")),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../assets/graphiql/react-dom.production.min.js"),
    ),
    ("start.js", "text/javascript; charset=utf-8", include_bytes!("../../../assets/graphiql/start.js")),
    ("LICENSE-graphiql", "text/plain; charset=utf-8", include_bytes!("../../../assets/graphiql/LICENSE-graphiql")),
    ("LICENSE-react", "text/plain; charset=utf-8", include_bytes!("../../../assets/graphiql/LICENSE-react")),
];

/// Only this server's own files; GraphiQL's styles set attributes inline and
/// its fonts and icons are data: URLs; the API and its WebSocket are on this
/// origin.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'none'";

/// The page.
pub fn page() -> Response {
    let v = VERSION;
    let html = format!(
        r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>zhaoshang GraphiQL</title>
    <link rel="stylesheet" href="/graphiql/{v}/graphiql.min.css">
    <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/{v}/react.production.min.js"></script>
    <script src="/graphiql/{v}/react-dom.production.min.js"></script>
    <script src="/graphiql/{v}/graphiql.min.js"></script>
    <script src="/graphiql/{v}/start.js"></script>
  </body>
</html>
"#
    );
    let mut r = Html(html).into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// `GET /graphiql/{version}/{file}`: a vendored file, cached for a year (its
/// path changes with its version); 404 for anything else.
pub async fn asset(Path((version, file)): Path<(String, String)>) -> Response {
    let found = (version == VERSION).then(|| ASSETS.iter().find(|(name, ..)| *name == file)).flatten();
    let Some((_, media, bytes)) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        *bytes,
    )
        .into_response()
}
