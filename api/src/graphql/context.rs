//! What every resolver reaches through its `Context`: the shared state, and the
//! request's principal and loader.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, dataloader::DataLoader};
use sea_orm::DatabaseConnection;

use super::loaders::AppLoader;
use crate::auth::Principal;
use crate::error::AppError;
use crate::startup::AppState;

/// One request's view: who asks, and the loader that batches (and caches, for
/// this request only) what they read.
pub struct RequestContext {
    pub principal: Principal,
    /// Serialises the loader's batches with the resolvers' polls (see `gate`).
    pub gate: Arc<super::gate::PollGate>,
    pub loader: Arc<DataLoader<AppLoader>>,
    pub request_id: Option<String>,
    pub language: Language,
}

pub use crate::messages::Language;

impl RequestContext {
    pub fn new(state: &AppState, principal: Principal, request_id: Option<String>, language: Language) -> Self {
        let loader = AppLoader {
            db: state.db.clone(),
            principal: principal.clone(),
            today: state.today(),
            checkup: state.checkup(),
        };
        let gate = Arc::new(super::gate::PollGate::default());
        let spawn_gate = gate.clone();
        // No delay: the gate already holds a batch back until the resolvers
        // have requested every key of their pass.
        let loader = DataLoader::new(loader, move |f| spawn_gate.spawn_batch(f)).delay(std::time::Duration::ZERO);
        RequestContext { principal, gate, loader: Arc::new(loader), request_id, language }
    }

    /// As [`RequestContext::new`], with an open gate: for subscriptions, whose
    /// items are resolved outside the request's gated execution.
    pub fn open(state: &AppState, principal: Principal, request_id: Option<String>, language: Language) -> Self {
        let loader = AppLoader {
            db: state.db.clone(),
            principal: principal.clone(),
            today: state.today(),
            checkup: state.checkup(),
        };
        let gate = Arc::new(super::gate::PollGate::open());
        let loader = DataLoader::new(loader, tokio::spawn).delay(std::time::Duration::from_millis(1));
        RequestContext { principal, gate, loader: Arc::new(loader), request_id, language }
    }

    /// The writer, for mutations.
    pub fn actor(&self) -> crate::service::write::Actor {
        crate::service::write::Actor {
            principal: self.principal.clone(),
            request_id: self.request_id.clone(),
            via: None,
        }
    }
}

/// Access to the state and request context from a resolver.
pub trait Ctx {
    fn state(&self) -> &AppState;
    fn request(&self) -> &RequestContext;
    fn db(&self) -> &DatabaseConnection {
        &self.state().db
    }
    fn principal(&self) -> &Principal {
        &self.request().principal
    }
    fn loader(&self) -> &Arc<DataLoader<AppLoader>> {
        &self.request().loader
    }
}

impl Ctx for Context<'_> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }
    fn request(&self) -> &RequestContext {
        self.data_unchecked::<RequestContext>()
    }
}

/// Maps the service's error to a GraphQL error with its `extensions.code`. The
/// cause of an internal error is logged here, once, and never shown.
pub fn to_gql(e: &AppError) -> async_graphql::Error {
    if let AppError::Internal(cause) = e {
        tracing::error!(error = ?cause, "internal error");
    }
    let code = e.code().as_str();
    async_graphql::Error::new(e.to_string()).extend_with(|_, ext| ext.set("code", code))
}

/// `?`-friendly conversion of service results.
pub trait OrGql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> OrGql<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_gql(&e))
    }
}

impl<T> OrGql<T> for Result<T, Arc<AppError>> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| to_gql(&e))
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        to_gql(self)
    }
}
