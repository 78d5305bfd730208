//! The GraphQL schema: types, root fields and the loaders that batch their reads.

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
