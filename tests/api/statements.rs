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
