//! The time limit: a query or mutation, over any transport (and a whole
//! batch, through the [`Deadline`] its transport attaches), is cancelled when
//! its time is up; an
//! open transaction then rolls back. Work that does not wait on anything (a
//! large introspection answer) yields before each root field and each field
//! with a selection set (leaves resolve without the hook, see
//! `PolicyExtension::resolves_leaf_fields`), so the limit fires on time, and
//! those fields check the deadline before they run.

use std::sync::OnceLock;
use std::time::Duration;

use async_graphql::extensions::ExtensionContext;
use async_graphql::{Response, ServerResult};
use tokio::time::Instant;

use super::Deadline;
use crate::error::ErrorCode;

pub struct Timeout {
    limit: Duration,
}

impl Timeout {
    pub fn new(limit: Duration) -> Self {
        Timeout { limit }
    }
}

impl Timeout {
    /// The policy's state for one request.
    pub(super) fn create(&self) -> TimeoutExtension {
        TimeoutExtension { limit: self.limit, deadline: OnceLock::new() }
    }
}

pub(super) struct TimeoutExtension {
    limit: Duration,
    deadline: OnceLock<Instant>,
}

fn timed_out(limit: Duration) -> async_graphql::ServerError {
    ErrorCode::Timeout.error(format!("the request ran longer than {} s and was cancelled", limit.as_secs()))
}

impl TimeoutExtension {
    /// Runs a query or mutation until its deadline (its own, or its batch's
    /// if sooner); past it, the work is dropped and the answer is TIMEOUT.
    pub(super) async fn run(&self, ctx: &ExtensionContext<'_>, work: impl Future<Output = Response>) -> Response {
        let own = Instant::now() + self.limit;
        let deadline = ctx.data_opt::<Deadline>().map_or(own, |d| own.min(Instant::from_std(d.0)));
        let _ = self.deadline.set(deadline);
        match tokio::time::timeout_at(deadline, work).await {
            Ok(response) if Instant::now() < deadline => response,
            _ => {
                tracing::warn!(seconds = self.limit.as_secs(), "operation timed out");
                Response::from_errors(vec![timed_out(self.limit)])
            }
        }
    }

    /// Before each root field and field with a selection set: refused once
    /// the deadline has passed, and a yield,
    /// so that work that never waits lets the deadline in.
    pub(super) async fn before_field(&self) -> ServerResult<()> {
        if self.deadline.get().is_some_and(|d| Instant::now() >= *d) {
            return Err(timed_out(self.limit));
        }
        tokio::task::consume_budget().await;
        Ok(())
    }
}
