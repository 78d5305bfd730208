//! Building the schema, with its limits.

use async_graphql::{EmptySubscription, Schema};

use super::context::AppState;
use super::mutation::Mutation;
use super::query::Query;

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

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

pub fn build_schema(state: AppState, audience: Audience) -> AppSchema {
    let introspection = state.config.introspection;
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription).data(state);
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
    Schema::build(Query::default(), Mutation::default(), EmptySubscription).finish().sdl()
}
