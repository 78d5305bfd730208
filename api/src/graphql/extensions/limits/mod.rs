//! The limits policy: the query text's size, then the document's measure (see
//! [`measure`]), checked right after parsing and before validation or anything
//! else walks it (async-graphql's own checks included); parse and validation failures get their codes; and, while
//! the operation runs, the size of its answer.

mod measure;
mod rules;

pub use measure::{check, check_size};
pub use rules::{Limits, ListSizes, Measure, OperationKind, Refusal, TextProblem};

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, NextParseQuery, NextPrepareRequest, NextResolve, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError, ServerResult, Value, Variables};

use super::{Operation, ResponseAllowance};
use crate::error::ErrorCode;

pub struct LimitsPolicy {
    limits: Limits,
    max_response_bytes: usize,
    /// The introspection lists' sizes, from the schema's registry on first use.
    sizes: Arc<OnceLock<ListSizes>>,
}

impl LimitsPolicy {
    pub fn new(limits: Limits, max_response_bytes: usize) -> Self {
        LimitsPolicy { limits, max_response_bytes, sizes: Arc::default() }
    }
}

impl LimitsPolicy {
    /// The policy's state for one request.
    pub(super) fn create(&self) -> LimitsExtension {
        LimitsExtension {
            limits: self.limits,
            max_response_bytes: self.max_response_bytes,
            sizes: self.sizes.clone(),
            operation: OnceLock::new(),
            allowance: OnceLock::new(),
        }
    }
}

pub(super) struct LimitsExtension {
    limits: Limits,
    max_response_bytes: usize,
    sizes: Arc<OnceLock<ListSizes>>,
    operation: OnceLock<Arc<Operation>>,
    allowance: OnceLock<Arc<ResponseAllowance>>,
}

impl From<Refusal> for ServerError {
    fn from(r: Refusal) -> Self {
        r.code().error(r.message())
    }
}

/// Gives each error without a code the one of the stage that failed.
pub(super) fn with_code(mut errors: Vec<ServerError>, code: ErrorCode) -> Vec<ServerError> {
    for e in errors.iter_mut() {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", code.as_str());
        }
    }
    errors
}

/// About how many bytes a resolved field adds to the JSON answer:
/// `"name":value,`. For a field with a selection set (`Resolved::Selection`)
/// an object in its value counts only its braces, its own fields being
/// counted as they resolve; a leaf's value (`Resolved::Leaf`) counts whole,
/// objects included, as a scalar such as `GeoJSON` can be one.
fn approximate_size(name: &str, value: Option<&Value>, resolved: Resolved) -> usize {
    fn size(v: &Value, resolved: Resolved) -> usize {
        match v {
            Value::Null => 4,
            Value::Boolean(_) => 5,
            Value::Number(_) => 12,
            Value::String(s) => s.len() + 2,
            Value::Enum(e) => e.len() + 2,
            Value::Binary(b) => b.len() * 2,
            Value::List(items) => 2 + items.iter().map(|i| size(i, resolved) + 1).sum::<usize>(),
            Value::Object(_) if resolved == Resolved::Selection => 2,
            Value::Object(fields) => 2 + fields.iter().map(|(k, v)| k.len() + 4 + size(v, resolved)).sum::<usize>(),
        }
    }
    name.len() + 4 + value.map_or(4, |v| size(v, resolved))
}

/// How a field's value was resolved, for [`approximate_size`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Resolved {
    /// Through `resolve`: a root field or a field with a selection set.
    Selection,
    /// A leaf below the root, shown to `leaf_resolved`.
    Leaf,
}

#[async_trait::async_trait]
impl Extension for LimitsExtension {
    /// Parses the document once (the executor reuses it) and measures it,
    /// before anything else walks it: async-graphql's own recursion check
    /// follows every fragment spread, which a chain of fragments makes
    /// exponential unless the expanded size is capped first.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if request.query.len() > self.limits.query_bytes {
            let (count, limit) = (request.query.len(), self.limits.query_bytes);
            return Err(Refusal::DocumentTooLarge { what: rules::QUERY_TEXT, count, limit }.into());
        }
        // The transport's record of the operation, or a new one.
        let key = std::any::TypeId::of::<Arc<Operation>>();
        let op = match request.data.get(&key).and_then(|d| d.downcast_ref::<Arc<Operation>>()) {
            Some(op) => op.clone(),
            None => {
                let op = Arc::new(Operation::default());
                request.data.insert(op.clone());
                op
            }
        };
        if let Some(name) = &request.operation_name {
            let _ = op.name.set(name.clone());
        }
        let name = request.operation_name.clone();
        let variables = request.variables.clone();
        let doc = request.parsed_query().map_err(|e| {
            // The parser also checks some of the specification's validation
            // rules (names defined twice, input fields given twice): those are
            // validation failures, the rest syntax.
            use async_graphql::parser::Error as Parse;
            let code = match e.source::<Parse>() {
                Some(
                    Parse::InputFieldDuplicated { .. }
                    | Parse::OperationDuplicated { .. }
                    | Parse::FragmentDuplicated { .. }
                    | Parse::MultipleOperations { .. }
                    | Parse::MissingOperation,
                ) => ErrorCode::GraphqlValidationFailed,
                _ => ErrorCode::GraphqlParseFailed,
            };
            with_code(vec![e], code).remove(0)
        })?;
        let sizes = self.sizes.get_or_init(|| ListSizes::of(&ctx.schema_env.registry));
        let measure = check(&ctx.schema_env.registry, sizes, doc, name.as_deref(), &variables, &self.limits)?;
        let _ = op.measure.set(measure);
        let _ = self.operation.set(op);
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|e| {
            // The document was parsed already; what fails here is the recursion
            // check, which also meets fragment cycles: a validation error.
            with_code(vec![e], ErrorCode::GraphqlValidationFailed).remove(0)
        })
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let name = info.alias.unwrap_or(info.name);
        let value = next.run(ctx, info).await?;
        self.take(approximate_size(name, value.as_ref(), Resolved::Selection))?;
        Ok(value)
    }
}

impl LimitsExtension {
    /// A leaf field resolved without the extensions' `resolve` (see
    /// `PolicyExtension::resolves_leaf_fields`): its bytes are taken all the same.
    pub(super) fn leaf_resolved(&self, response_key: &str, value: &Value) -> ServerResult<()> {
        self.take(approximate_size(response_key, Some(value), Resolved::Leaf))
    }

    /// Takes `bytes` of the answer's allowance; once it is spent, the
    /// operation is marked too large and the field fails.
    fn take(&self, bytes: usize) -> ServerResult<()> {
        if let Some(allowance) = self.allowance.get()
            && !allowance.take(bytes)
        {
            if let Some(op) = self.operation.get() {
                op.too_large.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            return Err(too_large(allowance.limit));
        }
        Ok(())
    }

    /// Before a query or mutation runs: the answer allowance it draws on (the
    /// batch's, or its own).
    pub(super) fn start_execute(&self, ctx: &ExtensionContext<'_>) {
        let allowance = ctx
            .data_opt::<Arc<ResponseAllowance>>()
            .cloned()
            .unwrap_or_else(|| ResponseAllowance::new(self.max_response_bytes));
        let _ = self.allowance.set(allowance);
    }

    /// After it ran: an answer that outgrew the allowance is refused whole.
    pub(super) fn finish_execute(&self, response: Response) -> Response {
        if self.operation.get().is_some_and(|o| o.too_large.load(std::sync::atomic::Ordering::Relaxed)) {
            return Response::from_errors(vec![too_large(self.max_response_bytes)]);
        }
        response
    }
}

fn too_large(limit: usize) -> ServerError {
    ErrorCode::ResponseTooLarge
        .error(format!("the answer would exceed {limit} bytes; ask for fewer objects or smaller pages"))
}
