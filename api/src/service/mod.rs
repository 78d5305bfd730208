//! The domain logic: plain async functions over a database connection, knowing
//! nothing of GraphQL or HTTP, so that a resolver, the CLI and a test share them.

pub mod agreement;
pub mod api_keys;
pub mod audit;
pub mod breakdown;
pub mod campaign;
pub mod capital_arrival;
pub mod catalog;
pub mod department;
pub mod enterprise;
pub mod event;
pub mod events;
pub mod filter;
pub mod idempotency;
pub mod incentive;
pub mod leads;
pub mod listing;
pub mod pagination;
pub mod park;
pub mod partner;
pub mod project;
pub mod quota;
pub mod refs;
pub mod report;
pub mod sector;
pub mod tx;
pub mod visibility;
pub mod webhooks;
pub mod write;
