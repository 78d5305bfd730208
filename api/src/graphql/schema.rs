//! Building the schema, with its limits.

use async_graphql::{EmptySubscription, Schema};

use super::context::AppState;
use super::mutation::Mutation;
use super::query::Query;

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// Depth limit for operations (api-contract.md, "Limits").
pub const MAX_DEPTH: usize = 10;

pub fn build_schema(state: AppState) -> AppSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription).data(state).finish()
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription).finish().sdl()
}
