//! The one error type of the service and its codes (`extensions.code`).
//! An internal error keeps its cause for the log and shows the client nothing of it.

use sea_orm::DbErr;

/// The closed catalogue of top-level error codes (`extensions.code`), as the
/// README's table lists them, with the HTTP status each answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadRequest,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    QueryTooDeep,
    QueryTooComplex,
    TooManyAliases,
    BatchTooLarge,
    PayloadTooLarge,
    ResponseTooLarge,
    Timeout,
    RateLimited,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::BadRequest,
        ErrorCode::GraphqlParseFailed,
        ErrorCode::GraphqlValidationFailed,
        ErrorCode::QueryTooDeep,
        ErrorCode::QueryTooComplex,
        ErrorCode::TooManyAliases,
        ErrorCode::BatchTooLarge,
        ErrorCode::PayloadTooLarge,
        ErrorCode::ResponseTooLarge,
        ErrorCode::Timeout,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::QueryTooDeep => "QUERY_TOO_DEEP",
            ErrorCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            ErrorCode::TooManyAliases => "TOO_MANY_ALIASES",
            ErrorCode::BatchTooLarge => "BATCH_TOO_LARGE",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    pub fn parse(code: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The status of a response whose operations all failed with this code,
    /// under `application/graphql-response+json` (under `application/json`
    /// a well-formed request is 200, except for the transport's own refusals:
    /// 401, 413, 429, 504).
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Timeout => 504,
            _ => 400,
        }
    }

    /// A GraphQL error with this code.
    pub fn error(self, message: impl Into<String>) -> async_graphql::ServerError {
        let mut e = async_graphql::ServerError::new(message, None);
        e.extensions.get_or_insert_with(Default::default).set("code", self.as_str());
        e
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid, expired or revoked API key")]
    Unauthenticated,
    #[error("not allowed for this key")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    /// The request does not fit the schema's rules (a page size over the cap, a bad cursor).
    #[error("{0}")]
    Validation(String),
    /// A file over its size limit; the message names the limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::BadRequest(_) => ErrorCode::BadRequest,
            AppError::Validation(_) => ErrorCode::GraphqlValidationFailed,
            AppError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<DbErr> for AppError {
    fn from(e: DbErr) -> Self {
        AppError::Internal(e.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;
