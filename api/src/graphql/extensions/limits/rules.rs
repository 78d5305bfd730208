//! What the limits are, what an operation measures, and why one is refused.

use async_graphql::registry::{MetaType, Registry};

use crate::error::ErrorCode;
use crate::service::pagination::MAX_PAGE_SIZE;

/// Points one written row costs: a mutation is charged by the rows it may
/// write, on top of the objects it returns.
pub const ROW_COST: u64 = 10;

/// Longest text a query argument (a filter's `search`, an id) may hold, in characters.
pub const MAX_ARGUMENT_TEXT: usize = 1_000;

/// What a plain list (not a connection) of objects is charged when nothing more
/// precise is known; such lists return at most this many items.
pub const PLAIN_LIST_BOUND: u64 = 100;

/// What a payload's `userErrors` is charged: at most one error per input
/// field, and no input has more than this many.
pub const USER_ERRORS_BOUND: u64 = 20;

/// What [`Refusal::DocumentTooLarge`] counts for a query text too long.
pub const QUERY_TEXT: &str = "bytes of query text";

/// The limits in force (api-contract.md, "Limits"); configurable.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub depth: usize,
    pub introspection_depth: usize,
    pub complexity: u64,
    pub aliases: usize,
    /// Whether `__schema` and `__type` are answered at all.
    pub introspection: bool,
    /// Longest query text, in bytes.
    pub query_bytes: usize,
    /// Most selections (fields, spreads, inline fragments) in one document.
    pub selections: usize,
    /// Most fragment definitions in one document.
    pub fragments: usize,
    /// Most root fields of a mutation (aliases included).
    pub mutation_fields: usize,
}

impl Limits {
    /// Most field selections once fragments are expanded: ten times the
    /// selections a document may hold.
    pub fn expanded_selections(&self) -> u64 {
        (self.selections as u64).saturating_mul(10)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 10,
            introspection_depth: 15,
            complexity: 50_000,
            aliases: 30,
            introspection: true,
            query_bytes: 64 * 1024,
            selections: 5_000,
            fragments: 200,
            mutation_fields: 10,
        }
    }
}

/// Why an operation is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooDeep { depth: usize, limit: usize },
    TooComplex { cost: u64, limit: u64 },
    TooManyAliases { aliases: u64, limit: usize },
    TooManyMutations { fields: usize, limit: usize },
    PageTooLarge { field: String, size: i64 },
    DocumentTooLarge { what: &'static str, count: usize, limit: usize },
    TextRefused { argument: String, reason: TextProblem },
    UnknownFragment(String),
    IntrospectionOff,
}

impl Refusal {
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::TooDeep { .. } => ErrorCode::QueryTooDeep,
            Refusal::DocumentTooLarge { what: QUERY_TEXT, .. } => ErrorCode::PayloadTooLarge,
            Refusal::TooComplex { .. } | Refusal::DocumentTooLarge { .. } => ErrorCode::QueryTooComplex,
            Refusal::TooManyAliases { .. } | Refusal::TooManyMutations { .. } => ErrorCode::TooManyAliases,
            Refusal::PageTooLarge { .. }
            | Refusal::TextRefused { .. }
            | Refusal::UnknownFragment(_)
            | Refusal::IntrospectionOff => ErrorCode::GraphqlValidationFailed,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::TooDeep { depth, limit } => {
                format!("the query is {depth} levels deep; at most {limit} are allowed")
            }
            Refusal::TooComplex { cost, limit } => {
                format!("the query may return {cost} objects; at most {limit} are allowed")
            }
            Refusal::TooManyAliases { aliases, limit } => {
                format!("the query uses {aliases} aliases; at most {limit} are allowed")
            }
            Refusal::TooManyMutations { fields, limit } => {
                format!("the mutation selects {fields} root fields; at most {limit} are allowed")
            }
            Refusal::PageTooLarge { field, size } => {
                format!("`{field}` asks for {size} items; a page holds 0 to {MAX_PAGE_SIZE}")
            }
            Refusal::DocumentTooLarge { what, count, limit } => {
                format!("the document has {count} {what}; at most {limit} are allowed")
            }
            Refusal::TextRefused { argument, reason: TextProblem::Control } => {
                format!("`{argument}` contains a control or bidirectional-override character")
            }
            Refusal::TextRefused { argument, reason: TextProblem::TooLong(max) } => {
                format!("`{argument}` is longer than {max} characters")
            }
            Refusal::UnknownFragment(name) => format!("unknown fragment `{name}`"),
            Refusal::IntrospectionOff => "introspection (`__schema`, `__type`) is switched off on this server".into(),
        }
    }
}

/// What is wrong with a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    Control,
    TooLong(usize),
}

/// What the operation asks for.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub depth: usize,
    pub introspection_depth: usize,
    pub complexity: u64,
    pub aliases: u64,
    /// Field selections with every fragment expanded.
    pub expanded: u64,
    pub kind: Option<OperationKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

/// How many items the introspection lists hold in this schema, so that
/// introspection is charged for what it returns. Per type, the average: a full
/// introspection (every type with its fields) is then charged about what it
/// returns.
#[derive(Debug, Clone, Copy)]
pub struct ListSizes {
    pub(super) types: u64,
    pub(super) fields: u64,
    pub(super) input_fields: u64,
    pub(super) enum_values: u64,
    pub(super) args: u64,
    pub(super) interfaces: u64,
    pub(super) possible_types: u64,
}

impl ListSizes {
    pub fn of(registry: &Registry) -> ListSizes {
        let types = registry.types.len().max(1) as u64;
        let (mut fields, mut args, mut inputs, mut values, mut interfaces, mut possible) = (0, 0, 0, 0, 0, 0);
        for ty in registry.types.values() {
            match ty {
                MetaType::Object { fields: f, .. } => {
                    fields += f.len() as u64;
                    args += f.values().map(|f| f.args.len() as u64).sum::<u64>();
                }
                MetaType::Interface { fields: f, possible_types, .. } => {
                    fields += f.len() as u64;
                    possible += possible_types.len() as u64;
                    // Each implementation names the interface once.
                    interfaces += possible_types.len() as u64;
                }
                MetaType::Union { possible_types, .. } => possible += possible_types.len() as u64,
                MetaType::InputObject { input_fields, .. } => inputs += input_fields.len() as u64,
                MetaType::Enum { enum_values, .. } => values += enum_values.len() as u64,
                MetaType::Scalar { .. } => {}
            }
        }
        let per_type = |n: u64| n.div_ceil(types).max(1);
        ListSizes {
            types,
            fields: per_type(fields),
            input_fields: per_type(inputs),
            enum_values: per_type(values),
            args: per_type(args.div_ceil(fields.max(1)) * types),
            interfaces: per_type(interfaces),
            possible_types: per_type(possible),
        }
    }
}

/// Most values (scalars, list items, object fields) all variables together may hold.
pub const MAX_VARIABLE_VALUES: usize = 50_000;
