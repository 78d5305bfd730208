//! Limits on what one operation may ask for, checked on the parsed document
//! before anything runs: the document's size, depth (introspection has its own,
//! decided by the fields selected, never by a name), complexity by the
//! contract's formula, aliases, page sizes, mutation fields, and the text of
//! arguments.
//!
//! The walk is linear in the document: each fragment is measured once and its
//! measure reused wherever it is spread, so a chain of fragments that each
//! spread the next twice costs as many steps as it has selections, while its
//! complexity (which doubles at each link) is still counted in full and refused.
//! Field types come from the schema's registry, so that a plain list is charged
//! what it can return, not one object.

use std::collections::HashMap;

use async_graphql::Value;
use async_graphql::Variables;
use async_graphql::parser::types::{
    ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaTypeName, Registry};
use async_graphql::{Name, Positioned};

use super::rules::*;
use crate::service::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// What a selection set costs, by one walk.
#[derive(Debug, Default, Clone, Copy)]
struct Cost {
    objects: u64,
    depth: usize,
    introspection_depth: usize,
    aliases: u64,
    /// Root fields of a mutation, aliases included.
    mutation_fields: u64,
    /// Field selections once every fragment spread is expanded: what the
    /// executor (and async-graphql's own recursion check) will walk.
    fields: u64,
}

impl Cost {
    fn add(self, other: Cost) -> Cost {
        Cost {
            objects: self.objects.saturating_add(other.objects),
            depth: self.depth.max(other.depth),
            introspection_depth: self.introspection_depth.max(other.introspection_depth),
            aliases: self.aliases.saturating_add(other.aliases),
            mutation_fields: self.mutation_fields.saturating_add(other.mutation_fields),
            fields: self.fields.saturating_add(other.fields),
        }
    }
}

struct Walker<'a> {
    registry: &'a Registry,
    sizes: &'a ListSizes,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    defaults: HashMap<&'a str, Value>,
    /// Each fragment's cost (by the page of the connection it is spread in, for
    /// fragments on a connection), once measured; `None` while it is being
    /// measured (a cycle, which validation refuses, counts nothing).
    fragments: HashMap<(&'a str, Option<u64>), Option<Cost>>,
    check_text: bool,
    error: Option<Refusal>,
}

fn is_introspection(name: &str) -> bool {
    name == "__schema" || name == "__type"
}

impl<'a> Walker<'a> {
    fn refuse(&mut self, refusal: Refusal) {
        if self.error.is_none() {
            self.error = Some(refusal);
        }
    }

    /// A variable's value as the executor will see it: given, else its
    /// default. Read by reference: a large variable is never copied.
    fn var(&self, name: &Name) -> Option<&Value> {
        self.variables.get(name).or_else(|| self.defaults.get(name.as_str())).filter(|v| **v != Value::Null)
    }

    fn argument<'f>(&self, field: &'f Field, name: &str) -> Option<&'f async_graphql_value::Value> {
        field.arguments.iter().find(|(n, _)| n.node.as_str() == name).map(|(_, v)| &v.node)
    }

    fn int_argument(&self, field: &Field, name: &str) -> Option<i64> {
        match self.argument(field, name)? {
            async_graphql_value::Value::Number(n) => n.as_i64(),
            async_graphql_value::Value::Variable(v) => match self.var(v)? {
                Value::Number(n) => n.as_i64(),
                _ => None,
            },
            _ => None,
        }
    }

    /// How many items a list argument holds.
    fn list_len(&self, field: &Field, name: &str) -> Option<u64> {
        match self.argument(field, name)? {
            async_graphql_value::Value::List(items) => Some(items.len() as u64),
            async_graphql_value::Value::Variable(v) => match self.var(v)? {
                Value::List(items) => Some(items.len() as u64),
                _ => None,
            },
            _ => None,
        }
    }

    /// Refuses control characters and over-long texts written in a query's
    /// arguments; variables were checked once, before the walk (a mutation's
    /// texts are checked field by field, as user errors).
    fn check_texts(&mut self, field: &Field) {
        if !self.check_text {
            return;
        }
        for (name, value) in &field.arguments {
            if let Some(reason) = literal_text_problem(&value.node) {
                self.refuse(Refusal::TextRefused { argument: name.node.to_string(), reason });
            }
        }
    }

    /// How many items a plain list field can return.
    fn list_bound(&self, parent: &str, field: &Field) -> u64 {
        let s = self.sizes;
        match (parent, field.name.node.as_str()) {
            ("__Schema", "types") => s.types,
            ("__Type", "fields") => s.fields,
            ("__Type", "inputFields") => s.input_fields,
            ("__Type", "enumValues") => s.enum_values,
            ("__Type", "interfaces") => s.interfaces,
            ("__Type", "possibleTypes") => s.possible_types,
            ("__Field" | "__Directive", "args") => s.args,
            (_, "userErrors") => USER_ERRORS_BOUND,
            (_, "nodes") if field.arguments.iter().any(|(n, _)| n.node == "ids") => {
                self.list_len(field, "ids").unwrap_or(PLAIN_LIST_BOUND)
            }
            _ => PLAIN_LIST_BOUND,
        }
    }

    /// The cost of `set`, selected on the type named `on`; `page` is the page
    /// size when `on` is a connection.
    fn selection_set(&mut self, set: &'a SelectionSet, on: &'a str, page: Option<u64>) -> Cost {
        let mut total = Cost::default();
        for sel in &set.items {
            let cost = match &sel.node {
                Selection::Field(f) => self.field(&f.node, on, page),
                Selection::InlineFragment(i) => {
                    let on = i.node.type_condition.as_ref().map_or(on, |c| c.node.on.node.as_str());
                    let inner = self.selection_set(&i.node.selection_set.node, on, page);
                    Cost { fields: inner.fields.saturating_add(1), ..inner }
                }
                Selection::FragmentSpread(s) => {
                    let inner = self.fragment(&s.node.fragment_name.node, page);
                    // The spread itself is a step of every walk that expands it.
                    Cost { fields: inner.fields.saturating_add(1), ..inner }
                }
            };
            total = total.add(cost);
        }
        total
    }

    fn fragment(&mut self, name: &'a Name, page: Option<u64>) -> Cost {
        let Some(def) = self.doc.fragments.get(name) else {
            self.refuse(Refusal::UnknownFragment(name.to_string()));
            return Cost::default();
        };
        let on = def.node.type_condition.node.on.node.as_str();
        let page = page.filter(|_| is_connection(self.registry, on));
        let key = (name.as_str(), page);
        match self.fragments.get(&key) {
            Some(Some(cost)) => return *cost,
            Some(None) => return Cost::default(),
            None => {}
        }
        self.fragments.insert(key, None);
        let cost = self.selection_set(&def.node.selection_set.node, on, page);
        self.fragments.insert(key, Some(cost));
        cost
    }

    /// The contract's cost: an object field 1 plus its children; a connection
    /// 1 plus its page size times the cost of one node (an edge object is not
    /// counted, its node is); a plain list what it can return; scalars 0. A
    /// mutation's root field also costs [`ROW_COST`] per row it may write.
    fn field(&mut self, field: &'a Field, parent: &'a str, page: Option<u64>) -> Cost {
        self.check_texts(field);
        for arg in ["first", "last"] {
            if let Some(size) = self.int_argument(field, arg)
                && !(0..=MAX_PAGE_SIZE as i64).contains(&size)
            {
                self.refuse(Refusal::PageTooLarge { field: field.name.node.to_string(), size });
            }
        }
        let name = field.name.node.as_str();
        let aliases = u64::from(field.alias.is_some());
        let at_root = parent == self.registry.query_type;
        let is_mutation = self.registry.mutation_type.as_deref() == Some(parent);
        let writes = if is_mutation { ROW_COST.saturating_mul(self.rows(field)) } else { 0 };
        let mutation_fields = u64::from(is_mutation);
        // `__schema` and `__type` are answered by the executor, not registered on the query type.
        let ty = match name {
            "__schema" if at_root => Some("__Schema!"),
            "__type" if at_root => Some("__Type"),
            _ => self.registry.concrete_type_by_name(parent).and_then(|t| t.field_by_name(name)).map(|f| f.ty.as_str()),
        };
        let set = &field.selection_set.node;
        let Some(ty) = ty.filter(|_| !set.items.is_empty()) else {
            // A scalar or enum (or a field validation will refuse) returns no object.
            return Cost { objects: writes, depth: 1, aliases, mutation_fields, fields: 1, ..Cost::default() };
        };
        let named = MetaTypeName::concrete_typename(ty);
        let inner_page = is_connection(self.registry, named).then(|| {
            self.int_argument(field, "first")
                .or_else(|| self.int_argument(field, "last"))
                .unwrap_or(DEFAULT_PAGE_SIZE as i64)
                .clamp(0, MAX_PAGE_SIZE as i64) as u64
        });
        let children = self.selection_set(set, named, inner_page);
        let (bound, own) = match (page, name) {
            (Some(p), "nodes") => (p, 1),
            (Some(p), "edges") => (p, 0),
            _ if MetaTypeName::create(ty).is_list() => (self.list_bound(parent, field), 1),
            _ => (1, 1),
        };
        let depth = children.depth.max(children.introspection_depth) + 1;
        let (depth, introspection_depth) =
            if at_root && is_introspection(name) { (0, depth) } else { (depth, children.introspection_depth) };
        Cost {
            objects: bound.saturating_mul(children.objects.saturating_add(own)).saturating_add(writes),
            depth,
            introspection_depth,
            aliases: aliases.saturating_add(children.aliases),
            mutation_fields,
            fields: children.fields.saturating_add(1),
        }
    }

    /// Rows a mutation root field may write: one, or one per item of the lists
    /// of objects in its input (`submitLeads`' leads).
    fn rows(&self, field: &Field) -> u64 {
        fn lists(v: &Value) -> u64 {
            match v {
                Value::Object(map) => map
                    .values()
                    .map(|v| match v {
                        Value::List(items) if items.iter().any(|i| matches!(i, Value::Object(_))) => items.len() as u64,
                        other => lists(other),
                    })
                    .sum(),
                _ => 0,
            }
        }
        fn literal(w: &Walker<'_>, v: &async_graphql_value::Value) -> u64 {
            use async_graphql_value::Value as Ast;
            match v {
                Ast::Variable(name) => w.var(name).map_or(0, lists),
                Ast::Object(map) => map
                    .values()
                    .map(|v| match v {
                        Ast::List(items) if items.iter().any(|i| matches!(i, Ast::Object(_) | Ast::Variable(_))) => {
                            items.len() as u64
                        }
                        Ast::Variable(name) => match w.var(name) {
                            Some(Value::List(items)) if items.iter().any(|i| matches!(i, Value::Object(_))) => {
                                items.len() as u64
                            }
                            Some(other) => lists(other),
                            None => 0,
                        },
                        other => literal(w, other),
                    })
                    .sum(),
                _ => 0,
            }
        }
        field.arguments.iter().map(|(_, v)| literal(self, &v.node)).sum::<u64>().max(1)
    }
}

/// Whether the type named `name` is a Relay connection.
fn is_connection(registry: &Registry, name: &str) -> bool {
    name.ends_with("Connection")
        && registry
            .concrete_type_by_name(name)
            .is_some_and(|t| t.field_by_name("pageInfo").is_some() && t.field_by_name("edges").is_some())
}

/// What a text argument may not hold: a control character (see
/// [`crate::domain::text::has_forbidden_char`]), or more than
/// [`MAX_ARGUMENT_TEXT`] characters.
fn text_problem(value: &Value) -> Option<TextProblem> {
    match value {
        Value::String(s) if crate::domain::text::has_forbidden_char(s) => Some(TextProblem::Control),
        Value::String(s) if s.chars().count() > MAX_ARGUMENT_TEXT => Some(TextProblem::TooLong(MAX_ARGUMENT_TEXT)),
        Value::List(items) => items.iter().find_map(text_problem),
        Value::Object(map) => map.values().find_map(text_problem),
        _ => None,
    }
}

/// A text problem in what a query writes literally (variables aside).
fn literal_text_problem(value: &async_graphql_value::Value) -> Option<TextProblem> {
    use async_graphql_value::Value as Ast;
    match value {
        Ast::String(s) if crate::domain::text::has_forbidden_char(s) => Some(TextProblem::Control),
        Ast::String(s) if s.chars().count() > MAX_ARGUMENT_TEXT => Some(TextProblem::TooLong(MAX_ARGUMENT_TEXT)),
        Ast::List(items) => items.iter().find_map(literal_text_problem),
        Ast::Object(map) => map.values().find_map(literal_text_problem),
        _ => None,
    }
}

/// Counts the values of the variables, refusing more than [`MAX_VARIABLE_VALUES`].
fn count_values(variables: &Variables) -> Result<(), Refusal> {
    let mut count = 0usize;
    let mut stack: Vec<&Value> = variables.values().collect();
    while let Some(v) = stack.pop() {
        count += 1;
        if count > MAX_VARIABLE_VALUES {
            return Err(Refusal::DocumentTooLarge {
                what: "values in its variables",
                count,
                limit: MAX_VARIABLE_VALUES,
            });
        }
        match v {
            Value::List(items) => stack.extend(items.iter()),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    Ok(())
}

/// The operation `operation_name` selects, as GraphQL's rules pick it.
pub fn operation<'a>(
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

/// Counts the selections and fragments of a document, refusing one larger than
/// the limits before anything else looks at it.
pub fn check_size(doc: &ExecutableDocument, limits: &Limits) -> Result<(), Refusal> {
    if doc.fragments.len() > limits.fragments {
        let count = doc.fragments.len();
        return Err(Refusal::DocumentTooLarge { what: "fragments", count, limit: limits.fragments });
    }
    let mut count = 0usize;
    let mut stack: Vec<&SelectionSet> = doc.fragments.values().map(|f| &f.node.selection_set.node).collect();
    stack.extend(doc.operations.iter().map(|(_, op)| &op.node.selection_set.node));
    while let Some(set) = stack.pop() {
        count += set.items.len();
        if count > limits.selections {
            return Err(Refusal::DocumentTooLarge { what: "selections", count, limit: limits.selections });
        }
        for sel in &set.items {
            match &sel.node {
                Selection::Field(f) => stack.push(&f.node.selection_set.node),
                Selection::InlineFragment(i) => stack.push(&i.node.selection_set.node),
                Selection::FragmentSpread(_) => {}
            }
        }
    }
    Ok(())
}

/// The type an operation of kind `ty` selects on.
fn root_type(registry: &Registry, ty: OperationType) -> &str {
    match ty {
        OperationType::Query => registry.query_type.as_str(),
        OperationType::Mutation => registry.mutation_type.as_deref().unwrap_or(""),
        OperationType::Subscription => registry.subscription_type.as_deref().unwrap_or(""),
    }
}

/// Refuses a document whose expansion (every operation's, and every
/// fragment's, whether selected or not) is larger than the limit: async-graphql
/// walks all of them expanded, in its recursion check and validation, before
/// the selected operation runs.
fn check_expansion(
    registry: &Registry,
    sizes: &ListSizes,
    doc: &ExecutableDocument,
    variables: &Variables,
    limits: &Limits,
) -> Result<(), Refusal> {
    let mut w = Walker {
        registry,
        sizes,
        doc,
        variables,
        defaults: HashMap::new(),
        fragments: HashMap::new(),
        check_text: false,
        error: None,
    };
    let mut largest: u64 = 0;
    for (_, op) in doc.operations.iter() {
        let cost = w.selection_set(&op.node.selection_set.node, root_type(registry, op.node.ty), None);
        largest = largest.max(cost.fields);
    }
    for name in doc.fragments.keys() {
        largest = largest.max(w.fragment(name, None).fields);
    }
    if let Some(unknown @ Refusal::UnknownFragment(_)) = w.error {
        return Err(unknown);
    }
    let limit = limits.expanded_selections();
    if largest > limit {
        let count = usize::try_from(largest).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        return Err(Refusal::DocumentTooLarge {
            what: "field selections once its fragments are expanded",
            count,
            limit,
        });
    }
    Ok(())
}

/// Measures the operation and checks it against `limits`.
pub fn check(
    registry: &Registry,
    sizes: &ListSizes,
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    limits: &Limits,
) -> Result<Measure, Refusal> {
    check_size(doc, limits)?;
    count_values(variables)?;
    check_expansion(registry, sizes, doc, variables, limits)?;
    let Some(op) = operation(doc, operation_name) else {
        // An unknown operation name is the executor's error to report.
        return Ok(Measure::default());
    };
    let defaults = op
        .node
        .variable_definitions
        .iter()
        .filter_map(|d| d.node.default_value.as_ref().map(|v| (d.node.name.node.as_str(), v.node.clone())))
        .collect();
    let kind = match op.node.ty {
        OperationType::Query => OperationKind::Query,
        OperationType::Mutation => OperationKind::Mutation,
        OperationType::Subscription => OperationKind::Subscription,
    };
    let root = root_type(registry, op.node.ty);
    if kind != OperationKind::Mutation {
        for (name, value) in variables.iter() {
            if let Some(reason) = text_problem(value) {
                return Err(Refusal::TextRefused { argument: format!("${name}"), reason });
            }
        }
    }
    let mut w = Walker {
        registry,
        sizes,
        doc,
        variables,
        defaults,
        fragments: HashMap::new(),
        check_text: kind != OperationKind::Mutation,
        error: None,
    };
    let cost = w.selection_set(&op.node.selection_set.node, root, None);
    if !limits.introspection && cost.introspection_depth > 0 {
        return Err(Refusal::IntrospectionOff);
    }
    let m = Measure {
        depth: cost.depth,
        introspection_depth: cost.introspection_depth,
        complexity: cost.objects,
        aliases: cost.aliases,
        expanded: cost.fields,
        kind: Some(kind),
    };
    if m.depth > limits.depth {
        return Err(Refusal::TooDeep { depth: m.depth, limit: limits.depth });
    }
    if m.introspection_depth > limits.introspection_depth {
        return Err(Refusal::TooDeep { depth: m.introspection_depth, limit: limits.introspection_depth });
    }
    if cost.mutation_fields > limits.mutation_fields as u64 {
        let fields = usize::try_from(cost.mutation_fields).unwrap_or(usize::MAX);
        return Err(Refusal::TooManyMutations { fields, limit: limits.mutation_fields });
    }
    if m.aliases > limits.aliases as u64 {
        return Err(Refusal::TooManyAliases { aliases: m.aliases, limit: limits.aliases });
    }
    if let Some(e) = w.error {
        return Err(e);
    }
    if m.complexity > limits.complexity {
        return Err(Refusal::TooComplex { cost: m.complexity, limit: limits.complexity });
    }
    let expanded_limit = limits.expanded_selections();
    if m.expanded > expanded_limit {
        let count = usize::try_from(m.expanded).unwrap_or(usize::MAX);
        let limit = usize::try_from(expanded_limit).unwrap_or(usize::MAX);
        return Err(Refusal::DocumentTooLarge {
            what: "field selections once its fragments are expanded",
            count,
            limit,
        });
    }
    Ok(m)
}

#[cfg(test)]
mod tests;
