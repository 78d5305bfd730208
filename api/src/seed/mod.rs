//! Data that is not the domain's: the demo campaign month (`seed --demo`,
//! `serve --demo`) and data at scale for the benchmark (`seed --scale`).

pub mod demo;
mod demo_catalogue;
mod demo_daily;
pub mod demo_map;
mod names;
pub mod scale;
