//! The GraphQL schema: types, root fields and the loaders that batch their reads.

pub mod arguments;
pub mod connection;
pub mod context;
pub mod extensions;
pub mod gate;
/// Global ids, shared with the webhooks: see [`crate::ids`].
pub use crate::ids;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod query_input;
pub mod scalars;
pub mod schema;
pub mod subscription;
pub mod types;
pub mod webhooks;

pub use schema::{AppSchema, Audience, build_schema};

/// Whether a response is a request error (GraphQL specification, "Request
/// Errors"): the document did not parse or validate, or the operation could
/// not start, so no field ran. Such errors carry no `path`; a field's error
/// does, even when it propagated up to make `data` null. The two refusals of
/// a running operation as a whole (`TIMEOUT`, `RESPONSE_TOO_LARGE`) have no
/// path either, but came after execution began.
pub fn failed_before_execution(response: &async_graphql::Response) -> bool {
    use crate::error::ErrorCode;
    let during_execution = |e: &async_graphql::ServerError| {
        let code = e.extensions.as_ref().and_then(|x| x.get("code"));
        matches!(code, Some(async_graphql::Value::String(c))
            if [ErrorCode::Timeout, ErrorCode::ResponseTooLarge].iter().any(|k| k.as_str() == c))
    };
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty() && !during_execution(e))
}
