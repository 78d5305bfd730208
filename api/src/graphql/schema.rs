//! Building the schema, with its limits.

use std::sync::Arc;

use async_graphql::Schema;

use crate::budget::Budgets;

use super::mutation::Mutation;
use super::query::Query;
use super::subscription::Subscription;
use crate::startup::AppState;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Depth limit for operations (api-contract.md, "Limits").
pub const MAX_DEPTH: usize = 10;

/// Who the schema answers: callers with a key, or the public.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Keyed,
    /// No "did you mean" suggestions in validation errors: they would map the
    /// schema for someone without a key, field by field.
    Public,
}

/// The schema with its policies (limits, cost budgets, time limit, operation
/// log) registered once, for every transport.
pub fn build_schema(state: AppState, audience: Audience, budgets: Arc<Budgets>) -> AppSchema {
    let introspection = state.config.introspection;
    let config = state.config.clone();
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription)
        .with_registry(super::arguments::describe_arguments)
        .data(state);
    builder = super::extensions::register(builder, &config, budgets);
    if !introspection {
        builder = builder.disable_introspection();
    }
    if audience == Audience::Public {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .with_registry(super::arguments::describe_arguments)
        .finish()
        .sdl()
}
