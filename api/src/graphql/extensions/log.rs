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
use crate::messages::{self, Language};

pub struct OperationLog;

impl OperationLog {
    /// The policy's state for one request.
    pub(super) fn create(&self) -> LogExtension {
        LogExtension { name: Arc::default(), client: Mutex::default() }
    }
}

pub(super) struct LogExtension {
    /// Shared with a subscription's stream, which is made before the request is read.
    name: Arc<Mutex<Option<String>>>,
    /// The request's id and the client's language, once execution has seen
    /// the request's context (the `request` hook runs before it is attached).
    client: Mutex<Option<(Option<String>, Language)>>,
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
/// a code is internal. An error whose code says everything is worded from the
/// catalogue in the client's language; an internal one also names the request
/// id (its cause was logged where it happened).
fn finish(mut response: Response, request_id: Option<&str>, language: Language) -> Response {
    let failed_before_execution = crate::graphql::failed_before_execution(&response);
    for e in response.errors.iter_mut() {
        // An argument whose scalar or validator refused it is the client's.
        let invalid_input = e.source::<async_graphql::InvalidInput>().is_some();
        let ext = e.extensions.get_or_insert_with(Default::default);
        let code = match ext.get("code") {
            Some(async_graphql::Value::String(c)) => ErrorCode::parse(c),
            _ => None,
        };
        let code = code.unwrap_or_else(|| {
            let code = if failed_before_execution || invalid_input {
                ErrorCode::GraphqlValidationFailed
            } else {
                ErrorCode::Internal
            };
            if code == ErrorCode::Internal {
                tracing::error!(message = %e.message, path = ?e.path, "error without a code");
            }
            ext.set("code", code.as_str());
            code
        });
        if let Some(text) = messages::top_level(code, language) {
            e.message = match code {
                ErrorCode::Internal => messages::with_request_id(text, request_id.unwrap_or("-"), language),
                _ => text.to_owned(),
            };
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

    /// Remembers whom the answer is for, from the context execution runs with.
    pub(super) fn remember(&self, ctx: &ExtensionContext<'_>) {
        if let Some(r) = ctx.data_opt::<RequestContext>() {
            *self.client.lock().unwrap_or_else(|e| e.into_inner()) = Some((r.request_id.clone(), r.language));
        }
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
        let response = next.run(ctx).await;
        let client = self.client.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (id, language) =
            client.unwrap_or_else(|| (request.and_then(|r| r.request_id.clone()), Language::default()));
        let response = finish(response, id.as_deref(), language);
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
        let request = ctx.data_opt::<RequestContext>();
        let principal = request.map(|c| c.principal.clone());
        let language = request.map(|c| c.language).unwrap_or_default();
        let name = self.name.clone();
        let mut first = true;
        let stream = stream.map(move |response| finish(response, None, language)).inspect(move |response| {
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
