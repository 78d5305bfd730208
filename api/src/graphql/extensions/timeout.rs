//! The time limit: a query or mutation, over any transport (and a whole
//! batch, through the [`Deadline`] its transport attaches), is cancelled when
//! its time is up; an
//! open transaction then rolls back. Work that does not wait on anything (a
//! large introspection answer) yields between fields, so the limit fires on
//! time, and each field checks the deadline before it runs.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo};
use async_graphql::{Response, ServerResult, Value};
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

impl ExtensionFactory for Timeout {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TimeoutExtension { limit: self.limit, deadline: OnceLock::new() })
    }
}

struct TimeoutExtension {
    limit: Duration,
    deadline: OnceLock<Instant>,
}

fn timed_out(limit: Duration) -> async_graphql::ServerError {
    ErrorCode::Timeout.error(format!("the request ran longer than {} s and was cancelled", limit.as_secs()))
}

#[async_trait::async_trait]
impl Extension for TimeoutExtension {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let own = Instant::now() + self.limit;
        let deadline = ctx.data_opt::<Deadline>().map_or(own, |d| own.min(Instant::from_std(d.0)));
        let _ = self.deadline.set(deadline);
        match tokio::time::timeout_at(deadline, next.run(ctx, operation_name)).await {
            Ok(response) if Instant::now() < deadline => response,
            _ => {
                tracing::warn!(seconds = self.limit.as_secs(), "operation timed out");
                Response::from_errors(vec![timed_out(self.limit)])
            }
        }
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if self.deadline.get().is_some_and(|d| Instant::now() >= *d) {
            return Err(timed_out(self.limit));
        }
        // Lets the runtime (and the deadline above) in between fields that never wait.
        tokio::task::consume_budget().await;
        next.run(ctx, info).await
    }
}
