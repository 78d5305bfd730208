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

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextRequest,
    NextResolve, NextSubscribe, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, SchemaBuilder, ServerError, ServerResult, ValidationResult, Value, Variables};
use futures::stream::BoxStream;

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

/// The four policies, registered as one extension: async-graphql runs every
/// registered extension's `resolve` for every root field and field with a
/// selection set, so one extension that composes them costs such a field one
/// hook instead of four (leaves go without, see `resolves_leaf_fields`).
pub struct Policies {
    log: log::OperationLog,
    timeout: timeout::Timeout,
    limits: limits::LimitsPolicy,
    cost: cost::Cost,
}

impl ExtensionFactory for Policies {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PolicyExtension {
            log: self.log.create(),
            timeout: self.timeout.create(),
            limits: self.limits.create(),
            cost: self.cost.create(),
        })
    }
}

/// One request's policies, in their order: the log sees every outcome, the
/// timeout covers the work, the limits run before the cost is charged.
struct PolicyExtension {
    log: log::LogExtension,
    timeout: timeout::TimeoutExtension,
    limits: limits::LimitsExtension,
    cost: cost::CostExtension,
}

#[async_trait::async_trait]
impl Extension for PolicyExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        self.log.request(ctx, next).await
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        self.log.subscribe(ctx, stream, next)
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.log.name_from(&request);
        self.limits.prepare_request(ctx, request, next).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        self.limits.parse_query(ctx, query, variables, next).await
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // Validation failures get their code; the cost is charged once validation passed.
        let result = self.cost.validation(ctx, next).await;
        result.map_err(|e| limits::with_code(e, crate::error::ErrorCode::GraphqlValidationFailed))
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.log.remember(ctx);
        let work = async {
            self.limits.start_execute(ctx);
            let response = self.cost.execute(ctx, operation_name, next).await;
            self.limits.finish_execute(response)
        };
        self.timeout.run(ctx, work).await
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        self.timeout.before_field().await?;
        // A mutation's field waits for its turn to write, on SQLite (see `WriteQueue`).
        let _turn = match (info.parent_type, info.path_node.parent) {
            ("Mutation", None) => match ctx.data_opt::<crate::startup::AppState>().and_then(|s| s.writes.as_ref()) {
                Some(queue) => Some(queue.turn().await),
                None => None,
            },
            _ => None,
        };
        self.limits.resolve(ctx, info, next).await
    }

    /// Leaves below the root and list items need none of the policies'
    /// per-field work (the timeout and the write queue act at the root and at
    /// objects), so they resolve without `resolve`'s boxed futures: most of a
    /// page's fields are leaves (issue 11's profile). Their bytes still count.
    fn resolves_leaf_fields(&self) -> bool {
        false
    }

    fn leaf_resolved(&self, _ctx: &ExtensionContext<'_>, response_key: &str, value: &Value) -> ServerResult<()> {
        self.limits.leaf_resolved(response_key, value)
    }
}

/// Registers the policies, once, for every transport.
pub fn register<Q, M, S>(
    builder: SchemaBuilder<Q, M, S>,
    config: &Config,
    budgets: Arc<Budgets>,
) -> SchemaBuilder<Q, M, S> {
    builder.extension(Policies {
        log: log::OperationLog,
        timeout: timeout::Timeout::new(Duration::from_secs(config.request_timeout_secs)),
        limits: limits::LimitsPolicy::new(config.limits(), config.max_response_bytes),
        cost: cost::Cost::new(budgets),
    })
}
