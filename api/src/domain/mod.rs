//! Validated value types of the domain. Once a value is in one of these types it
//! is valid; each type's tests sit beside it.

pub mod coordinates;
pub mod country;
pub mod geo;
pub mod money;
pub mod problem;
pub mod stage;
pub mod text;
pub mod uscc;
