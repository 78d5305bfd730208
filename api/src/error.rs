//! The one error type of the service and its codes (`extensions.code`).
//! An internal error keeps its cause for the log and shows the client nothing of it.

use sea_orm::DbErr;

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
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden => "FORBIDDEN",
            AppError::NotFound => "NOT_FOUND",
            AppError::BadRequest(_) => "BAD_REQUEST",
            AppError::Validation(_) => "GRAPHQL_VALIDATION_FAILED",
            AppError::Internal(_) => "INTERNAL",
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
