//! Limits on what one operation may ask for, checked on the parsed document
//! before anything runs: depth (introspection has its own, decided by the fields
//! selected, never by a name), complexity by the contract's formula, aliases,
//! and page sizes. Fragments are followed where they are spread, so nesting
//! them cannot dodge a limit; a fragment cycle is cut (validation refuses it).

use std::collections::HashSet;

use async_graphql::parser::types::{
    ExecutableDocument, Field, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value, Variables};

use crate::service::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// The limits in force (api-contract.md, "Limits"); configurable.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub depth: usize,
    pub introspection_depth: usize,
    pub complexity: u64,
    pub aliases: usize,
    /// Whether `__schema` and `__type` are answered at all.
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { depth: 10, introspection_depth: 15, complexity: 50_000, aliases: 30, introspection: true }
    }
}

/// Why an operation is refused, with its `extensions.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooDeep { depth: usize, limit: usize },
    TooComplex { cost: u64, limit: u64 },
    TooManyAliases { aliases: usize, limit: usize },
    PageTooLarge { field: String, size: i64 },
    IntrospectionOff,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooDeep { .. } => "QUERY_TOO_DEEP",
            Refusal::TooComplex { .. } => "QUERY_TOO_COMPLEX",
            Refusal::TooManyAliases { .. } => "TOO_MANY_ALIASES",
            Refusal::PageTooLarge { .. } | Refusal::IntrospectionOff => "GRAPHQL_VALIDATION_FAILED",
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
            Refusal::PageTooLarge { field, size } => {
                format!("`{field}` asks for {size} items; a page holds 0 to {MAX_PAGE_SIZE}")
            }
            Refusal::IntrospectionOff => "introspection (`__schema`, `__type`) is switched off on this server".into(),
        }
    }
}

/// What the operation asks for.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub depth: usize,
    pub introspection_depth: usize,
    pub complexity: u64,
    pub aliases: usize,
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    aliases: usize,
    page_error: Option<Refusal>,
}

fn is_introspection(name: &str) -> bool {
    name == "__schema" || name == "__type"
}

impl<'a> Walker<'a> {
    fn fragment(&self, name: &Name) -> Option<&'a Positioned<FragmentDefinition>> {
        self.doc.fragments.get(name)
    }

    /// Every field selected directly in `set`, through inline fragments and spreads.
    fn fields(&self, set: &'a SelectionSet, path: &mut Vec<Name>, out: &mut Vec<&'a Positioned<Field>>) {
        for sel in &set.items {
            match &sel.node {
                Selection::Field(f) => out.push(f),
                Selection::InlineFragment(i) => self.fields(&i.node.selection_set.node, path, out),
                Selection::FragmentSpread(s) => {
                    let name = &s.node.fragment_name.node;
                    if path.contains(name) {
                        continue;
                    }
                    if let Some(def) = self.fragment(name) {
                        path.push(name.clone());
                        self.fields(&def.node.selection_set.node, path, out);
                        path.pop();
                    }
                }
            }
        }
    }

    fn int_argument(&self, field: &Field, name: &str) -> Option<i64> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node.as_str() == name)?;
        let resolved = value.node.clone().into_const_with(|var| {
            Ok::<_, std::convert::Infallible>(self.variables.get(&var).cloned().unwrap_or(Value::Null))
        });
        match resolved {
            Ok(Value::Number(n)) => n.as_i64(),
            _ => None,
        }
    }

    /// Depth of a selection set (a leaf field is depth 1).
    fn depth(&mut self, set: &'a SelectionSet, path: &mut Vec<Name>) -> usize {
        let mut fields = Vec::new();
        self.fields(set, path, &mut fields);
        let mut deepest = 0;
        for f in fields {
            let d = 1 + self.depth(&f.node.selection_set.node, path);
            deepest = deepest.max(d);
        }
        deepest
    }

    /// The contract's cost: an object field 1 plus its children; a connection
    /// its page size times the cost of one node, plus 1; scalars 0.
    fn cost(&mut self, set: &'a SelectionSet, path: &mut Vec<Name>) -> u64 {
        let mut fields = Vec::new();
        self.fields(set, path, &mut fields);
        let mut total: u64 = 0;
        for f in fields {
            let field = &f.node;
            if field.alias.is_some() {
                self.aliases += 1;
            }
            let first = self.int_argument(field, "first");
            let last = self.int_argument(field, "last");
            for size in [first, last].into_iter().flatten() {
                if !(0..=MAX_PAGE_SIZE as i64).contains(&size) && self.page_error.is_none() {
                    self.page_error = Some(Refusal::PageTooLarge { field: field.name.node.to_string(), size });
                }
            }
            if field.selection_set.node.items.is_empty() {
                continue;
            }
            let mut children = Vec::new();
            self.fields(&field.selection_set.node, path, &mut children);
            let is_connection = children.iter().any(|c| matches!(c.node.name.node.as_str(), "edges" | "nodes"));
            let cost = if is_connection {
                let page = first.or(last).unwrap_or(DEFAULT_PAGE_SIZE as i64).clamp(0, MAX_PAGE_SIZE as i64) as u64;
                let mut per_node: u64 = 0;
                let mut rest: u64 = 0;
                for c in children {
                    let sub = &c.node.selection_set.node;
                    match c.node.name.node.as_str() {
                        "nodes" => per_node = per_node.saturating_add(self.cost(sub, path).saturating_add(1)),
                        "edges" => {
                            // edges { node { … } }: the node is the object counted per item.
                            let mut inner = Vec::new();
                            self.fields(sub, path, &mut inner);
                            for e in inner {
                                if e.node.alias.is_some() {
                                    self.aliases += 1;
                                }
                                if e.node.name.node.as_str() == "node" {
                                    per_node = per_node
                                        .saturating_add(self.cost(&e.node.selection_set.node, path).saturating_add(1));
                                }
                            }
                        }
                        _ => {
                            if c.node.alias.is_some() {
                                self.aliases += 1;
                            }
                            if !c.node.selection_set.node.items.is_empty() {
                                rest = rest.saturating_add(self.cost(sub, path).saturating_add(1));
                            }
                        }
                    }
                }
                1u64.saturating_add(page.saturating_mul(per_node)).saturating_add(rest)
            } else {
                1u64.saturating_add(self.cost(&field.selection_set.node, path))
            };
            total = total.saturating_add(cost);
        }
        total
    }
}

/// The operation `operation_name` selects, as GraphQL's rules pick it.
fn operation<'a>(
    doc: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    use async_graphql::parser::types::DocumentOperations;
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

/// Measures the operation and checks it against `limits`.
pub fn check(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    limits: &Limits,
) -> Result<Measure, Refusal> {
    let Some(op) = operation(doc, operation_name) else {
        // An unknown operation name is the executor's error to report.
        return Ok(Measure::default());
    };
    let mut w = Walker { doc, variables, aliases: 0, page_error: None };
    let mut path = Vec::new();
    let mut roots = Vec::new();
    w.fields(&op.node.selection_set.node, &mut path, &mut roots);
    let mut m = Measure::default();
    let mut seen = HashSet::new();
    for root in roots {
        let d = 1 + w.depth(&root.node.selection_set.node, &mut path);
        if is_introspection(root.node.name.node.as_str()) {
            if !limits.introspection {
                return Err(Refusal::IntrospectionOff);
            }
            m.introspection_depth = m.introspection_depth.max(d);
        } else {
            m.depth = m.depth.max(d);
        }
        seen.insert(root.node.response_key().node.clone());
    }
    m.complexity = w.cost(&op.node.selection_set.node, &mut path);
    m.aliases = w.aliases;
    if m.depth > limits.depth {
        return Err(Refusal::TooDeep { depth: m.depth, limit: limits.depth });
    }
    if m.introspection_depth > limits.introspection_depth {
        return Err(Refusal::TooDeep { depth: m.introspection_depth, limit: limits.introspection_depth });
    }
    if m.aliases > limits.aliases {
        return Err(Refusal::TooManyAliases { aliases: m.aliases, limit: limits.aliases });
    }
    if let Some(e) = w.page_error {
        return Err(e);
    }
    if m.complexity > limits.complexity {
        return Err(Refusal::TooComplex { cost: m.complexity, limit: limits.complexity });
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(q: &str) -> Result<Measure, Refusal> {
        let doc = async_graphql::parser::parse_query(q).expect("parses");
        check(&doc, None, &Variables::default(), &Limits::default())
    }

    #[test]
    fn a_connection_costs_its_page_times_its_node() {
        // projects: 1 + 50 × (node 1 + sector 1) = 101.
        assert_eq!(measure("{ projects(first: 50) { nodes { name sector { name } } } }").unwrap().complexity, 101);
        // Default page 20: 1 + 20 × 1.
        assert_eq!(measure("{ projects { edges { node { name } } } }").unwrap().complexity, 21);
        // Scalars cost nothing.
        assert_eq!(measure("{ viewer { role } }").unwrap().complexity, 1);
    }

    #[test]
    fn nested_connections_multiply() {
        let q = "{ projects(first: 100) { nodes { agreements(first: 100) { nodes { stageHistory: project { stageHistory(first: 100) { nodes { note } } } } } } } }";
        assert_eq!(measure(q).unwrap_err().code(), "QUERY_TOO_COMPLEX");
    }

    #[test]
    fn depth_counts_through_fragments_and_introspection_has_its_own_limit() {
        let deep = "{ a: projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }";
        assert_eq!(measure(deep).unwrap_err().code(), "QUERY_TOO_DEEP");
        let via_fragment = "query __schema { ...F } fragment F on Query { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }";
        assert_eq!(measure(via_fragment).unwrap_err().code(), "QUERY_TOO_DEEP");
        let introspection =
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }";
        assert!(measure(introspection).is_ok());
    }

    #[test]
    fn aliases_and_page_sizes_are_capped() {
        let many: String = (0..31).map(|i| format!("a{i}: viewer {{ role }} ")).collect();
        assert_eq!(measure(&format!("{{ {many} }}")).unwrap_err().code(), "TOO_MANY_ALIASES");
        assert_eq!(
            measure("{ projects(first: 101) { nodes { id } } }").unwrap_err().code(),
            "GRAPHQL_VALIDATION_FAILED"
        );
    }

    #[test]
    fn costs_saturate_instead_of_overflowing() {
        // Twenty nested pages of 100: 10^40 objects, far past u64 if multiplied naively.
        let depth = 20;
        let q = format!(
            "{}{}{}",
            "{ projects(first: 100) { nodes { enterprise ".repeat(depth),
            "{ id }",
            " } } }".repeat(depth)
        );
        let limits = Limits { depth: 1000, ..Limits::default() };
        let doc = async_graphql::parser::parse_query(&q).expect("parses");
        let refused = check(&doc, None, &Variables::default(), &limits).unwrap_err();
        assert_eq!(refused.code(), "QUERY_TOO_COMPLEX");
    }

    #[test]
    fn a_fragment_cycle_does_not_hang() {
        let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { role } }";
        assert!(measure(q).is_ok());
    }
}
