//! The integration suite: the real server on port 0, over HTTP, against a fresh
//! database per test (SQLite by default; PostgreSQL when TEST_DATABASE_URL is set).

mod builders;
mod health;
mod helpers;
mod services;

mod auth;
mod breakdown;
mod budgets;
mod cli;
mod docs;
mod execution;
mod faults;
mod files;
mod follow_ups;
mod fuzz;
mod http;
mod imports;
mod language;
mod lead_deadlines;
mod leads;
mod ledgers;
mod limits;
mod lists;
mod map;
mod money;
mod office;
mod operations;
mod persons;
mod pipeline;
mod realtime;
mod report;
mod scale;
mod schema;
mod security;
mod service_requests;
mod snapshots;
mod staff;
mod statements;
mod totals;
mod visibility;
