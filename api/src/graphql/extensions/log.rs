//! One log line and one metrics sample per operation, with its name, the
//! caller's role, partner and key, its outcome (`ok` or the first error's
//! code) and its time; inside the request's span, so with its request id.
//! A subscription is logged once, with the outcome of its opening.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{Extension, ExtensionContext, NextRequest, NextSubscribe};
use async_graphql::{Request, Response};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::error::ErrorCode;
use crate::graphql::context::RequestContext;

pub struct OperationLog;

impl OperationLog {
    /// The policy's state for one request.
    pub(super) fn create(&self) -> LogExtension {
        LogExtension { name: Arc::default() }
    }
}

pub(super) struct LogExtension {
    /// Shared with a subscription's stream, which is made before the request is read.
    name: Arc<Mutex<Option<String>>>,
}

/// `ok`, or the code of the response's first error.
fn outcome(response: &Response) -> String {
    response
        .errors
        .first()
        .map(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .map(|c| c.to_string().trim_matches('"').to_owned())
                .unwrap_or_else(|| ErrorCode::Internal.as_str().into())
        })
        .unwrap_or_else(|| "ok".into())
}

/// Every error leaves with a code: the executor's own refusals of the request
/// (an unknown operation name) are validation failures, anything else without
/// a code is internal. An internal error's message is generic and names the
/// request id; its cause was logged where it happened.
fn finish(mut response: Response, request_id: Option<&str>) -> Response {
    let failed_before_execution = response.data == async_graphql::Value::Null;
    for e in response.errors.iter_mut() {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            let code = if failed_before_execution { ErrorCode::GraphqlValidationFailed } else { ErrorCode::Internal };
            if code == ErrorCode::Internal {
                tracing::error!(message = %e.message, path = ?e.path, "error without a code");
            }
            ext.set("code", code.as_str());
        }
        if ext.get("code") == Some(&async_graphql::Value::from(ErrorCode::Internal.as_str())) {
            e.message = format!("internal error (request id {})", request_id.unwrap_or("-"));
        }
    }
    response
}

fn log(ctx: Option<&RequestContext>, operation: Option<&str>, outcome: &str, started: Instant, kind: &str) {
    let elapsed = started.elapsed();
    crate::http::metrics::record(operation, outcome, elapsed);
    let p = ctx.map(|c| &c.principal);
    tracing::info!(
        operation = operation.unwrap_or("anonymous"),
        kind,
        role = ?p.map(|p| p.role),
        partner = p.and_then(|p| p.partner_id),
        key = p.and_then(|p| p.key_id),
        outcome = %outcome,
        elapsed_ms = elapsed.as_millis() as u64,
        "graphql"
    );
}

impl LogExtension {
    fn name(&self) -> Option<String> {
        self.name.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Remembers the operation's name, for the log line.
    pub(super) fn name_from(&self, request: &Request) {
        *self.name.lock().unwrap_or_else(|e| e.into_inner()) = request.operation_name.clone();
    }
}

#[async_trait::async_trait]
impl Extension for LogExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let request = ctx.data_opt::<RequestContext>();
        let response = finish(next.run(ctx).await, request.and_then(|r| r.request_id.as_deref()));
        log(request, self.name().as_deref(), &outcome(&response), started, "operation");
        response
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let started = Instant::now();
        let principal = ctx.data_opt::<RequestContext>().map(|c| c.principal.clone());
        let name = self.name.clone();
        let mut first = true;
        let stream = stream.map(|response| finish(response, None)).inspect(move |response| {
            if std::mem::take(&mut first) {
                let name = name.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let elapsed = started.elapsed();
                let outcome = outcome(response);
                crate::http::metrics::record(name.as_deref(), &outcome, elapsed);
                tracing::info!(
                    operation = name.as_deref().unwrap_or("anonymous"),
                    kind = "subscription",
                    role = ?principal.as_ref().map(|p| p.role),
                    partner = principal.as_ref().and_then(|p| p.partner_id),
                    key = principal.as_ref().and_then(|p| p.key_id),
                    outcome = %outcome,
                    "graphql"
                );
            }
        });
        next.run(ctx, stream.boxed())
    }
}
