//! The zhaoshang service: configuration, the GraphQL API over HTTP, and the
//! domain services behind it.

pub mod auth;
pub mod bench_floor;
pub mod briefing;
pub mod budget;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod files;
pub mod ids;
pub mod ledger;
pub mod messages;
pub mod seed;
pub mod service;
pub mod telemetry;

pub use config::Config;
pub use startup::App;
pub mod graphql;
pub mod http;
pub mod realtime;
pub mod startup;
