//! The policies every operation passes, whatever its transport (HTTP, a batch,
//! the WebSocket): limits on the document and on the response, the cost budget,
//! the time limit, and the operation's log line and metrics. They are
//! async-graphql extensions registered once in `build_schema`, so a transport
//! cannot forget one.
//!
//! A transport tells them who is asking by attaching data to the request (or,
//! on the WebSocket, to the connection): the [`Caller`] whose budget pays, and
//! for a batch a shared [`Deadline`] and [`ResponseAllowance`]. Each operation
//! gets an [`Operation`] record that the policies share and the transport may
//! read afterwards (HTTP reads `retry_after` for its `Retry-After` header).

pub mod cost;
pub mod limits;
mod log;
mod timeout;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use async_graphql::SchemaBuilder;

use crate::budget::Budgets;
use crate::config::Config;

pub use cost::count_objects;
pub use limits::{Limits, Measure, Refusal};

/// Whose budget an operation is charged to, and its size per minute.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: String,
    pub per_minute: u64,
}

/// When a request (all operations of a batch together) must be done.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Instant);

/// How many bytes of answer a request (all operations of a batch together) may
/// produce. Counted as fields resolve, so that an answer too large is refused
/// before it is held in memory whole.
#[derive(Debug)]
pub struct ResponseAllowance {
    limit: usize,
    used: AtomicUsize,
}

impl ResponseAllowance {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(ResponseAllowance { limit, used: AtomicUsize::new(0) })
    }

    /// Takes `bytes`; false once the allowance is spent.
    fn take(&self, bytes: usize) -> bool {
        self.used.fetch_add(bytes, Ordering::Relaxed).saturating_add(bytes) <= self.limit
    }
}

/// One operation, as its policies see it.
#[derive(Debug, Default)]
pub struct Operation {
    name: OnceLock<String>,
    measure: OnceLock<Measure>,
    retry_after: OnceLock<Duration>,
    too_large: AtomicBool,
}

impl Operation {
    /// The operation's name, once the request has been read.
    pub fn name(&self) -> Option<&str> {
        self.name.get().map(String::as_str)
    }

    pub fn measure(&self) -> Option<&Measure> {
        self.measure.get()
    }

    /// How long the caller must wait, when the budget refused the operation.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after.get().copied()
    }
}

/// Registers the policies, outermost first: the log sees every outcome, the
/// timeout covers the rest, the limits run before the cost is charged.
pub fn register<Q, M, S>(
    builder: SchemaBuilder<Q, M, S>,
    config: &Config,
    budgets: Arc<Budgets>,
) -> SchemaBuilder<Q, M, S> {
    builder
        .extension(log::OperationLog)
        .extension(timeout::Timeout::new(Duration::from_secs(config.request_timeout_secs)))
        .extension(limits::LimitsPolicy::new(config.limits(), config.max_response_bytes))
        .extension(cost::Cost::new(budgets))
}
