use entity::enums::Role;
use serde_json::json;

use crate::helpers::spawn_app;

const NESTED: &str = "query($n: Int!) { projects(first: $n) { totalCount edges { cursor node {
    id name enterprise { name } sector { name } park { name }
    agreements { totalCount nodes { kind totalInvestment campaign { name } } } } } } }";

#[tokio::test]
async fn a_nested_project_page_costs_the_same_statements_at_5_and_50_rows() {
    let app = spawn_app().await;
    app.load_demo().await;
    let key = app.key(Role::Staff, None).await;
    // Warm up (the key's last use is written once a minute).
    app.query(Some(&key), NESTED, json!({ "n": 1 })).await;

    let mut counts = Vec::new();
    for n in [5, 50] {
        let before = app.statements();
        let data = app.query(Some(&key), NESTED, json!({ "n": n })).await;
        counts.push(app.statements() - before);
        assert_eq!(data["projects"]["edges"].as_array().map(Vec::len), Some(n as usize));
    }
    eprintln!("statements per request for 5 and 50 projects: {counts:?}");
    assert_eq!(counts[0], counts[1], "statements for 5 and 50 rows: {counts:?}");
    assert!(counts[0] <= 10, "statements per request: {}", counts[0]);
}

// The benchmark's mix (bench/mix.py): each query's statement count must not
// depend on the page size, the rows it finds or the data around them.
const PAGE: &str = "edges { cursor node { id name stage plannedInvestment enterprise { id name }
  sector { id name } park { id name } agreements(first: 5) { nodes { id kind totalInvestment signedOn } } } }
  pageInfo { hasNextPage endCursor }";

/// The demo with a STAFF key whose first use (its last-use stamp, written
/// once a minute) is behind it, so that counts see only the query's statements.
async fn demo_with_staff() -> (crate::helpers::TestApp, String) {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    app.query(Some(&staff), "{ viewer { role } }", json!({})).await;
    (app, staff)
}

async fn statements_of(app: &crate::helpers::TestApp, key: &str, query: &str, variables: serde_json::Value) -> usize {
    let before = app.statements();
    app.query(Some(key), query, variables).await;
    app.statements() - before
}

#[tokio::test]
async fn every_query_of_the_benchmark_mix_costs_a_constant_number_of_statements() {
    let (app, staff) = demo_with_staff().await;
    // A negotiating project: its sector, and two words of its name to search for.
    let probe = "{ projects(first: 1, filter: { stage: NEGOTIATING }) { nodes { name sector { id } } } }";
    let probe = app.query(Some(&staff), probe, json!({})).await["projects"]["nodes"][0].clone();
    let sector = probe["sector"]["id"].clone();
    let name: Vec<char> = probe["name"].as_str().expect("name").chars().collect();
    let (head, tail): (String, String) = (name[..2].iter().collect(), name[name.len() - 2..].iter().collect());

    let q1 = format!("query($n: Int) {{ projects(first: $n) {{ {PAGE} }} }}");
    let q2 = format!("query($n: Int, $f: ProjectFilter) {{ projects(first: $n, filter: $f) {{ {PAGE} }} }}");
    let q3 = format!("query($n: Int, $a: String) {{ projects(first: $n, after: $a) {{ {PAGE} }} }}");
    let deep = app.query(Some(&staff), &q1, json!({ "n": 100 })).await;
    let deep = app.query(Some(&staff), &q3, json!({ "n": 100, "a": deep["projects"]["pageInfo"]["endCursor"] })).await
        ["projects"]["pageInfo"]["endCursor"]
        .clone();
    let filter = |search: &str| json!({ "sectorId": sector, "stage": "NEGOTIATING", "search": search });
    let q4 = "query($id: ID!) { node(id: $id) { ... on Project { id name stage plannedInvestment enterprise { id name } sector { name } } } }";
    let q5 = "query($id: ID!) { campaign(id: $id) { name report { agreementsSigned totalInvestment foreignCapital
        contractProjects contractForeignCapital agreementsCompletion summary startRate fundsInPlaceRate
        byDepartment { department { name } agreementsSigned totalInvestment score rank }
        bySector { sector { name } agreementsSigned totalInvestment } } } }";

    let mut table = Vec::new();
    let mut pair = |name: &str, a: usize, b: usize| {
        assert_eq!(a, b, "{name}: {a} and {b} statements");
        table.push(format!("{name}: {a}"));
    };
    pair(
        "1 first page (5 / 50 rows)",
        statements_of(&app, &staff, &q1, json!({ "n": 5 })).await,
        statements_of(&app, &staff, &q1, json!({ "n": 50 })).await,
    );
    let mut sizes = Vec::new();
    for (n, term) in [(1, &head), (50, &tail)] {
        let found = app.query(Some(&staff), &q2, json!({ "n": n, "f": filter(term) })).await;
        sizes.push(found["projects"]["edges"].as_array().map(Vec::len).unwrap_or(0));
    }
    assert!(sizes[0] == 1 && sizes[1] >= 1, "both searches find projects: {sizes:?}");
    pair(
        &format!("2 filtered page ({} / {} rows; {head} / {tail})", sizes[0], sizes[1]),
        statements_of(&app, &staff, &q2, json!({ "n": 1, "f": filter(&head) })).await,
        statements_of(&app, &staff, &q2, json!({ "n": 50, "f": filter(&tail) })).await,
    );
    pair(
        "3 deep page (5 / 50 rows)",
        statements_of(&app, &staff, &q3, json!({ "n": 5, "a": deep })).await,
        statements_of(&app, &staff, &q3, json!({ "n": 50, "a": deep })).await,
    );
    pair(
        "4 node (two projects)",
        statements_of(&app, &staff, q4, json!({ "id": crate::helpers::gid("Project", 1) })).await,
        statements_of(&app, &staff, q4, json!({ "id": crate::helpers::gid("Project", 250) })).await,
    );
    pair(
        "5 report (October / November campaign)",
        statements_of(&app, &staff, q5, json!({ "id": crate::helpers::gid("Campaign", 1) })).await,
        statements_of(&app, &staff, q5, json!({ "id": crate::helpers::gid("Campaign", 2) })).await,
    );
    let partner = app.key(Role::Partner, Some(1)).await;
    let lead = |k: &str| {
        json!({ "input": { "idempotencyKey": k, "enterpriseName": format!("基准测试线索{k}有限公司"), "country": "CN",
            "contactEmail": "bench@example.com", "estimatedInvestment": "50000000" } })
    };
    let q6 = "mutation($input: SubmitLeadInput!) { submitLead(input: $input) { lead { id status } userErrors { field code } } }";
    statements_of(&app, &partner, q6, lead("warm-up")).await;
    pair(
        "6 submitLead (two fresh keys)",
        statements_of(&app, &partner, q6, lead("bench-a")).await,
        statements_of(&app, &partner, q6, lead("bench-b")).await,
    );
    eprintln!("statements per request: {table:#?}");
}

/// Many nested pages at once on a pool of two connections, on several worker
/// threads as in the server: every request completes without a starved
/// connection acquisition (which would fail after 1 s with INTERNAL).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_nested_pages_on_a_small_pool_all_complete() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.db_max_connections = Some(2);
        // A starved request fails fast with INTERNAL instead of waiting.
        c.db_acquire_timeout_secs = 1;
    })
    .await;
    app.load_demo().await;
    let key = app.key(Role::Staff, None).await;
    let q1 = format!("query($n: Int) {{ projects(first: $n) {{ {PAGE} }} }}");
    for round in 0..4 {
        let answers = futures::future::join_all((0..32).map(|_| app.post(Some(&key), &q1, json!({ "n": 50 })))).await;
        for a in &answers {
            assert!(a.body.get("errors").is_none(), "round {round}: {}", a.body);
            assert_eq!(a.body["data"]["projects"]["edges"].as_array().map(Vec::len), Some(50));
        }
    }
}

/// Each field of the office's daily work on a page of projects costs the same
/// statements at 20 and 50 rows, on the demo's data (where every nested level
/// has rows). Selected all together, they do not yet (see the README).
#[tokio::test]
async fn each_daily_work_field_of_a_project_page_costs_the_same_statements_at_20_and_50_rows() {
    let (app, key) = demo_with_staff().await;
    for (name, selection, most) in [
        ("health", "health { level reasons }", 8),
        ("lastFollowUpOn", "lastFollowUpOn enterprise { lastFollowUpOn }", 5),
        ("followUps", "followUps(first: 3) { totalCount nodes { kind staff { nodes { name } } } }", 6),
        ("serviceRequests", "serviceRequests(first: 3) { totalCount nodes { status isOverdue assignee { name } } }", 6),
    ] {
        let q = format!("query($n: Int!) {{ projects(first: $n) {{ nodes {{ id {selection} }} }} }}");
        let mut counts = Vec::new();
        for n in [20, 50] {
            let before = app.statements();
            let data = app.query(Some(&key), &q, json!({ "n": n })).await;
            counts.push(app.statements() - before);
            assert_eq!(data["projects"]["nodes"].as_array().map(Vec::len), Some(n));
        }
        assert_eq!(counts[0], counts[1], "{name}: statements for 20 and 50 rows: {counts:?}");
        assert!(counts[0] <= most, "{name}: {} statements", counts[0]);
    }
    // Every nested level has rows on a page of 20, so each loader above ran.
    let q = "{ projects(first: 20) { nodes { followUps(first: 3) { nodes { staff { nodes { name } } } }
        serviceRequests(first: 3) { nodes { assignee { name } } } } } }";
    let nodes = app.query(Some(&key), q, json!({})).await["projects"]["nodes"].as_array().expect("nodes").clone();
    assert!(nodes.iter().any(|p| p["followUps"]["nodes"][0]["staff"]["nodes"][0]["name"].is_string()));
    assert!(nodes.iter().any(|p| p["serviceRequests"]["nodes"][0]["assignee"]["name"].is_string()));
}

#[tokio::test]
async fn the_reports_supervision_counts_cost_three_statements_and_only_when_selected() {
    let (app, staff) = demo_with_staff().await;
    let report = |columns: &str| {
        format!(
            "query($id: ID!) {{ campaign(id: $id) {{ report {{ byDepartment {{ department {{ name }} score {columns} }} }} }} }}"
        )
    };
    let id = json!({ "id": crate::helpers::gid("Campaign", 2) });
    let plain = statements_of(&app, &staff, &report(""), id.clone()).await;
    let red = statements_of(&app, &staff, &report("redProjects"), id.clone()).await;
    let all = statements_of(&app, &staff, &report("redProjects amberProjects overdueRequests overdueLeads"), id).await;
    assert_eq!((red, all), (plain + 3, plain + 3), "plain report: {plain} statements");
}
