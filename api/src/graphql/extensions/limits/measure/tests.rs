//! The walker's formula, measured through the real schema's registry.

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::{Schema, SchemaEnv, ServerResult};

use super::*;
use crate::error::ErrorCode;
use crate::graphql::{mutation::Mutation, query::Query, subscription::Subscription};

/// The real schema's registry, captured once by an extension on a request
/// that touches no data.
fn env() -> &'static SchemaEnv {
    static ENV: OnceLock<SchemaEnv> = OnceLock::new();
    struct Capture;
    struct CaptureExt;
    impl ExtensionFactory for Capture {
        fn create(&self) -> Arc<dyn Extension> {
            Arc::new(CaptureExt)
        }
    }
    #[async_trait::async_trait]
    impl Extension for CaptureExt {
        async fn parse_query(
            &self,
            ctx: &ExtensionContext<'_>,
            query: &str,
            variables: &Variables,
            next: NextParseQuery<'_>,
        ) -> ServerResult<ExecutableDocument> {
            let _ = ENV.set(ctx.schema_env.clone());
            next.run(ctx, query, variables).await
        }
    }
    if ENV.get().is_none() {
        let schema = Schema::build(Query::default(), Mutation::default(), Subscription).extension(Capture).finish();
        futures::executor::block_on(schema.execute("{ __typename }"));
    }
    ENV.get().expect("captured")
}

fn measure_with(q: &str, variables: serde_json::Value, limits: &Limits) -> Result<Measure, Refusal> {
    let env = env();
    let doc = async_graphql::parser::parse_query(q).expect("parses");
    let sizes = ListSizes::of(&env.registry);
    check(&env.registry, &sizes, &doc, None, &Variables::from_json(variables), limits)
}

fn measure(q: &str) -> Result<Measure, Refusal> {
    measure_with(q, serde_json::json!({}), &Limits::default())
}

#[test]
fn a_connection_costs_its_page_times_its_node() {
    // projects: 1 + 50 × (node 1 + sector 1) = 101.
    assert_eq!(measure("{ projects(first: 50) { nodes { name sector { name } } } }").unwrap().complexity, 101);
    // Default page 20: 1 + 20 × 1; the edge object is not counted, its node is.
    assert_eq!(measure("{ projects { edges { cursor node { name } } } }").unwrap().complexity, 21);
    // Scalars cost nothing.
    assert_eq!(measure("{ viewer { role } }").unwrap().complexity, 1);
}

#[test]
fn nested_connections_multiply() {
    let q = "{ projects(first: 100) { nodes { agreements(first: 100) { nodes { project { stageHistory(first: 100) { nodes { note } } } } } } } }";
    assert_eq!(measure(q).unwrap_err().code(), ErrorCode::QueryTooComplex);
}

#[test]
fn depth_counts_through_fragments_and_introspection_has_its_own_limit() {
    let deep = "{ a: projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }";
    assert_eq!(measure(deep).unwrap_err().code(), ErrorCode::QueryTooDeep);
    let via_fragment = "query __schema { ...F } fragment F on Query { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { enterprise { projects { nodes { name } } } } } } } } } } } }";
    assert_eq!(measure(via_fragment).unwrap_err().code(), ErrorCode::QueryTooDeep);
    let introspection =
        "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }";
    let m = measure(introspection).unwrap();
    assert_eq!((m.depth, m.introspection_depth), (0, 9));
}

#[test]
fn aliases_page_sizes_and_mutation_fields_are_capped() {
    let many: String = (0..31).map(|i| format!("a{i}: viewer {{ role }} ")).collect();
    assert_eq!(measure(&format!("{{ {many} }}")).unwrap_err().code(), ErrorCode::TooManyAliases);
    assert_eq!(
        measure("{ projects(first: 101) { nodes { id } } }").unwrap_err().code(),
        ErrorCode::GraphqlValidationFailed
    );
    let mutations: String =
        (0..11).map(|i| format!("m{i}: withdrawLead(input: {{ leadId: \"x\" }}) {{ clientMutationId }} ")).collect();
    let refused = measure(&format!("mutation {{ {mutations} }}")).unwrap_err();
    assert_eq!(refused, Refusal::TooManyMutations { fields: 11, limit: 10 });
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
    let refused = measure_with(&q, serde_json::json!({}), &limits).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::QueryTooComplex);
}

#[test]
fn a_fragment_cycle_does_not_hang() {
    let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A viewer { role } }";
    assert!(measure(q).is_ok());
}

#[test]
fn a_fragment_chain_is_measured_once_per_fragment_yet_charged_in_full() {
    // Sixty links: 2^59 `viewer` selections when expanded, measured in sixty steps.
    let mut q = String::from("query{...F0}");
    for i in 0..59 {
        q.push_str(&format!(" fragment F{i} on Query{{...F{j} ...F{j}}}", j = i + 1));
    }
    q.push_str(" fragment F59 on Query{viewer{role}}");
    let limits = Limits { complexity: u64::MAX, selections: usize::MAX, ..Limits::default() };
    assert_eq!(measure_with(&q, serde_json::json!({}), &limits).unwrap().complexity, 1 << 59);
}

#[test]
fn a_variable_is_read_as_given_else_by_its_default() {
    let q = "query($n: Int = 100) { projects(first: $n) { nodes { id } } }";
    assert_eq!(measure_with(q, serde_json::json!({}), &Limits::default()).unwrap().complexity, 101);
    assert_eq!(measure_with(q, serde_json::json!({ "n": 5 }), &Limits::default()).unwrap().complexity, 6);
}

#[test]
fn a_plain_list_is_charged_its_bound_and_nodes_by_its_ids() {
    let m = measure("{ projects(first: 1) { nodes { eligibleIncentives { title } } } }").unwrap();
    assert_eq!(m.complexity, 1 + (1 + PLAIN_LIST_BOUND));
    let m = measure(r#"{ nodes(ids: ["a", "b", "c"]) { id } }"#).unwrap();
    assert_eq!(m.complexity, 3);
}

#[test]
fn a_mutation_is_charged_per_row_it_may_write() {
    let q = "mutation($l: [SubmitLeadInput!]!) { submitLeads(input: { leads: $l }) { results { clientMutationId } } }";
    let leads: Vec<_> = (0..7).map(|i| serde_json::json!({ "idempotencyKey": i.to_string() })).collect();
    let m = measure_with(q, serde_json::json!({ "l": leads }), &Limits::default()).unwrap();
    // 7 rows × 10, plus the payload (1) and its results list (up to 100 items).
    assert_eq!(m.complexity, 7 * ROW_COST + 1 + PLAIN_LIST_BOUND);
}

#[test]
fn text_arguments_of_a_query_refuse_control_characters_and_excess_length() {
    let q = "query($s: String) { projects(filter: { search: $s }) { totalCount } }";
    for bad in [serde_json::json!("a\u{0}"), serde_json::json!("x".repeat(MAX_ARGUMENT_TEXT + 1))] {
        let refused = measure_with(q, serde_json::json!({ "s": bad }), &Limits::default()).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::GraphqlValidationFailed);
    }
    assert!(measure_with(q, serde_json::json!({ "s": "宁德 时代" }), &Limits::default()).is_ok());
}

#[test]
fn a_fragment_chain_of_scalars_is_refused_by_its_expanded_size_though_it_costs_nothing() {
    // Thirty links ending in `__typename`: no object, 2^29 selections when expanded.
    let mut q = String::from("query{...F0}");
    for i in 0..29 {
        q.push_str(&format!(" fragment F{i} on Query{{...F{j} ...F{j}}}", j = i + 1));
    }
    q.push_str(" fragment F29 on Query{__typename}");
    let refused = measure(&q).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::QueryTooComplex);
    assert!(refused.message().contains("expanded"), "{}", refused.message());
}

fn chain(links: usize, leaf: &str) -> String {
    let mut q = String::new();
    for i in 0..links - 1 {
        q.push_str(&format!(" fragment F{i} on Query{{...F{j} ...F{j}}}", j = i + 1));
    }
    q.push_str(&format!(" fragment F{} on Query{{{leaf}}}", links - 1));
    q
}

#[test]
fn an_operation_that_is_not_selected_is_measured_for_its_expansion_too() {
    // async-graphql expands every operation of the document, not only the selected one.
    let q = format!("query A {{ viewer {{ role }} }} query B {{ ...F0 }}{}", chain(24, "__typename"));
    let env = env();
    let doc = async_graphql::parser::parse_query(&q).expect("parses");
    let sizes = ListSizes::of(&env.registry);
    let refused = check(&env.registry, &sizes, &doc, Some("A"), &Variables::default(), &Limits::default()).unwrap_err();
    assert!(refused.message().contains("expanded"), "{}", refused.message());
}

#[test]
fn a_spread_of_an_unknown_fragment_is_refused_and_spreads_count_in_the_expansion() {
    let refused = measure(&format!("{{ ...F0 }}{}", chain(3, "...Nope"))).unwrap_err();
    assert_eq!(refused, Refusal::UnknownFragment("Nope".into()));
    // Twenty-five links of spreads alone: nothing but spreads, still 2^25 steps.
    let q = format!("{{ ...F0 }}{}", chain(25, "__typename"));
    assert!(measure(&q).unwrap_err().message().contains("expanded"));
}

#[test]
fn variables_are_counted_once_and_read_by_reference() {
    let big: Vec<String> = (0..MAX_VARIABLE_VALUES).map(|i| i.to_string()).collect();
    let refused =
        measure_with("query($v: [String]) { viewer { role } }", serde_json::json!({ "v": big }), &Limits::default())
            .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::QueryTooComplex);
    // A variable named by many arguments is not copied for each: ten thousand references to a
    // list of 40,000 texts are measured without building ten thousand lists.
    let list: Vec<String> = (0..40_000).map(|i| format!("t{i}")).collect();
    let refs: String = (0..10_000).map(|i| format!("a{i}: nodes(ids: $v) {{ id }} ")).collect();
    let q = format!("query($v: [ID!]!) {{ {refs} }}");
    let limits = Limits { aliases: usize::MAX, complexity: u64::MAX, selections: usize::MAX, ..Limits::default() };
    let m = measure_with(&q, serde_json::json!({ "v": list }), &limits).unwrap();
    assert_eq!(m.complexity, 10_000 * 40_000);
}

#[test]
fn a_payloads_user_errors_are_charged_their_bound_not_a_plain_lists() {
    let q = r#"mutation { createPark(input: { name: "x" }) { park { id } userErrors { field code } } }"#;
    // One row × 10, the payload, the park, and up to 20 user errors.
    assert_eq!(measure(q).unwrap().complexity, ROW_COST + 1 + 1 + USER_ERRORS_BOUND);
}
