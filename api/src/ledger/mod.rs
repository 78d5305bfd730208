//! The office's ledgers (台账): fixed-column Excel workbooks of enterprises,
//! projects, agreements, leads and service requests, written for download and
//! read back to import a department's existing records. One layout per ledger
//! ([`layout`]) serves both directions, so an exported ledger imports back
//! unchanged.

pub mod export;
pub mod import;
pub mod labels;
pub mod layout;

pub use layout::{Cell, Ledger};
