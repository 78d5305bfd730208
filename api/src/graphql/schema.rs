//! Building the schema, with its limits.

use async_graphql::{EmptyMutation, EmptySubscription, Schema};

use super::context::AppState;
use super::query::Query;

pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Depth limit for operations (api-contract.md, "Limits").
pub const MAX_DEPTH: usize = 10;

pub fn build_schema(state: AppState) -> AppSchema {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription).data(state).finish()
}

/// The schema's SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription).finish().sdl()
}
