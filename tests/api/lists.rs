use std::collections::HashSet;

use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, spawn_app};

const ROOT_LISTS: &[&str] = &[
    "campaigns",
    "departments",
    "sectors",
    "parks",
    "enterprises",
    "projects",
    "agreements",
    "incentives",
    "events",
    "leads",
    "partners",
    "apiKeys",
    "auditLog",
];

fn ids(page: &Value) -> Vec<String> {
    page["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
}

/// Walks a list page by page, forwards (`first`/`after`) or backwards
/// (`last`/`before`); returns the ids in list order and the reported total.
async fn walk(app: &TestApp, key: &str, field: &str, size: i32, backward: bool) -> (Vec<String>, i64) {
    let (args, cursor_field, more_field) = if backward {
        ("last: $n, before: $c", "startCursor", "hasPreviousPage")
    } else {
        ("first: $n, after: $c", "endCursor", "hasNextPage")
    };
    let query = format!(
        "query($n: Int!, $c: String) {{ {field}({args}) {{ totalCount nodes {{ id }} \
         pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
    );
    let mut cursor = Value::Null;
    let mut out: Vec<String> = Vec::new();
    let mut total;
    for _ in 0..1000 {
        let data = app.query(Some(key), &query, json!({ "n": size, "c": cursor })).await;
        let page = &data[field];
        total = page["totalCount"].as_i64().expect("totalCount");
        let mut got = ids(page);
        assert!(got.len() <= size as usize);
        if backward {
            got.extend(out);
            out = got;
        } else {
            out.extend(got);
        }
        if !page["pageInfo"][more_field].as_bool().expect("pageInfo") {
            return (out, total);
        }
        cursor = page["pageInfo"][cursor_field].clone();
    }
    panic!("{field}: more than 1000 pages");
}

#[tokio::test]
async fn every_root_list_pages_forwards_and_backwards_without_losing_or_repeating_a_row() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    for field in ROOT_LISTS {
        let (forward, total) = walk(&app, &admin, field, 7, false).await;
        let unique: HashSet<_> = forward.iter().collect();
        assert_eq!(unique.len(), forward.len(), "{field}: a row was repeated");
        assert_eq!(forward.len() as i64, total, "{field}: pages and totalCount disagree");
        let (backward, _) = walk(&app, &admin, field, 7, true).await;
        assert_eq!(forward, backward, "{field}: walking backwards gives another order");
        if *field == "projects" {
            assert_eq!(total, 300);
        }
    }
}

#[tokio::test]
async fn pages_stay_whole_while_rows_are_added() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    for i in 0..25 {
        f.project(&format!("项目{i}"), 100, true, None, None).await;
    }
    let q = "query($c: String) { projects(first: 10, after: $c) { nodes { id } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let data = app.query(None, q, json!({ "c": cursor })).await;
        seen.extend(ids(&data["projects"]));
        // A new project arrives between every two pages.
        f.project("新来的项目", 100, true, None, None).await;
        if !data["projects"]["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false) {
            break;
        }
        cursor = data["projects"]["pageInfo"]["endCursor"].clone();
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), 25);
    assert_eq!(unique.len(), 25);
}

#[tokio::test]
async fn a_nested_list_pages_like_a_root_list() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    let q = "query($n: Int!, $c: String) { projects(first: 3, filter: {stage: IN_PRODUCTION}) { nodes {
        stageHistory(first: $n, after: $c) { totalCount nodes { id to } pageInfo { hasNextPage endCursor } } } } }";
    let first = app.query(Some(&admin), q, json!({ "n": 4, "c": null })).await;
    for (k, project) in first["projects"]["nodes"].as_array().expect("nodes").iter().enumerate() {
        let h = &project["stageHistory"];
        // LEAD … IN_PRODUCTION: seven changes, latest first.
        assert_eq!(h["totalCount"], 7);
        assert_eq!(h["nodes"][0]["to"], "IN_PRODUCTION");
        assert_eq!(h["pageInfo"]["hasNextPage"], true);
        let next = app.query(Some(&admin), q, json!({ "n": 4, "c": h["pageInfo"]["endCursor"] })).await;
        let rest = &next["projects"]["nodes"][k]["stageHistory"];
        assert_eq!(rest["nodes"].as_array().map(Vec::len), Some(3));
        assert_eq!(rest["nodes"][2]["to"], "LEAD");
        assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    }
}

#[tokio::test]
async fn page_sizes_over_the_cap_are_refused() {
    let app = spawn_app().await;
    Fixtures { db: &app.db }.campaign("c", "2026-11-01", "2026-11-30", (1, 1, 1)).await;
    for q in [
        "{ projects(first: 101) { nodes { id } } }",
        "{ projects(last: 101) { nodes { id } } }",
        "{ sectors(first: -1) { nodes { id } } }",
        "{ campaigns { nodes { sectors(first: 500) { nodes { id } } } } }",
    ] {
        let r = app.post(None, q, json!({})).await;
        assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{q}: {}", r.body);
    }
    let ok = app.query(None, "{ sectors(first: 100) { nodes { id } } }", json!({})).await;
    assert_eq!(ok["sectors"]["nodes"].as_array().map(Vec::len), Some(12));
}

#[tokio::test]
async fn a_cursor_from_another_order_is_refused() {
    let app = spawn_app().await;
    let data = app.query(None, "{ sectors(first: 1) { pageInfo { endCursor } } }", json!({})).await;
    let cursor = data["sectors"]["pageInfo"]["endCursor"].clone();
    let r = app
        .post(
            None,
            "query($c: String) { sectors(after: $c, orderBy: {field: NAME}) { nodes { id } } }",
            json!({ "c": cursor }),
        )
        .await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED");
    let r = app.post(None, "{ sectors(after: \"bm9wZQ\") { nodes { id } } }", json!({})).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED");
}

#[tokio::test]
async fn a_cursor_is_valid_only_for_its_list_order_field_and_direction() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    let page = "query($c: String, $d: OrderDirection!) { projects(first: 3, after: $c, orderBy: {field: NAME, direction: $d}) \
                { nodes { name } pageInfo { endCursor } } }";
    let asc = app.query(Some(&admin), page, json!({ "c": null, "d": "ASC" })).await;
    let cursor = asc["projects"]["pageInfo"]["endCursor"].clone();
    // The same place read the same way: the next page.
    let next = app.query(Some(&admin), page, json!({ "c": cursor, "d": "ASC" })).await;
    assert_eq!(next["projects"]["nodes"].as_array().map(Vec::len), Some(3));

    // The other direction, over `after` and `before`.
    let r = app.post(Some(&admin), page, json!({ "c": cursor, "d": "DESC" })).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);
    assert!(r.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("`after`")), "{}", r.body);
    let before =
        "query($c: String) { projects(last: 3, before: $c, orderBy: {field: NAME, direction: DESC}) { nodes { id } } }";
    let r = app.post(Some(&admin), before, json!({ "c": cursor })).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);
    assert!(r.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("`before`")), "{}", r.body);

    // A forged cursor of the right scope whose key has the wrong type (a
    // number for a name): refused as a cursor, never a database error.
    use base64::Engine;
    let forged =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"o":"projects:NAME:ASC","k":{"Int":1},"i":1}"#);
    let r = app.post(Some(&admin), page, json!({ "c": forged, "d": "ASC" })).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);

    // Another list ordered by the same field and direction.
    let other = "query($c: String) { enterprises(first: 3, after: $c, orderBy: {field: NAME, direction: ASC}) { nodes { id } } }";
    let r = app.post(Some(&admin), other, json!({ "c": cursor })).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);
}

#[tokio::test]
async fn an_empty_page_still_checks_its_cursor_and_tells_whether_more_follow() {
    let app = spawn_app().await;
    app.load_demo().await;
    let admin = app.key(Role::Admin, None).await;
    let q = "query($n: Int!, $c: String) { projects(first: $n, after: $c) \
             { totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let empty = app.query(Some(&admin), q, json!({ "n": 0, "c": null })).await;
    assert_eq!(empty["projects"]["totalCount"], 300);
    assert_eq!(empty["projects"]["nodes"], json!([]));
    assert_eq!(empty["projects"]["pageInfo"]["hasNextPage"], true, "300 rows follow an empty first page");

    // At the end of the list nothing follows.
    let last = app.query(Some(&admin), "{ projects(last: 1) { pageInfo { endCursor } } }", json!({})).await;
    let end = last["projects"]["pageInfo"]["endCursor"].clone();
    let after_end = app.query(Some(&admin), q, json!({ "n": 0, "c": end })).await;
    assert_eq!(after_end["projects"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(after_end["projects"]["pageInfo"]["hasPreviousPage"], true);

    // A bad cursor is refused however small the page.
    let r = app.post(Some(&admin), q, json!({ "n": 0, "c": "bm9wZQ" })).await;
    assert_eq!(r.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", r.body);

    // Nested lists too.
    let nested = app
        .query(
            Some(&admin),
            "{ projects(first: 3, filter: {stage: IN_PRODUCTION}) { nodes { stageHistory(first: 0) { nodes { id } pageInfo { hasNextPage } } } } }",
            json!({}),
        )
        .await;
    for p in nested["projects"]["nodes"].as_array().expect("nodes") {
        assert_eq!(p["stageHistory"]["pageInfo"]["hasNextPage"], true, "{p}");
    }
}

#[tokio::test]
async fn projects_filter_by_sector_stage_text_flags_and_amounts() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let all = "{ projects(first: 100) { nodes { id } } }";
    assert_eq!(app.query(Some(&staff), all, json!({})).await["projects"]["nodes"].as_array().map(Vec::len), Some(100));

    let q = "query($f: ProjectFilter) { projects(first: 100, filter: $f) { totalCount nodes {
        name stage sector { id } plannedInvestment isHighTech isMajor } } }";
    let sector = app
        .query(
            Some(&staff),
            "{ sectors(orderBy: {field: CREATED_AT, direction: ASC}, first: 1) { nodes { id } } }",
            json!({}),
        )
        .await["sectors"]["nodes"][0]["id"]
        .clone();
    let data = app.query(Some(&staff), q, json!({ "f": { "sectorId": sector, "stage": "NEGOTIATING" } })).await;
    let nodes = data["projects"]["nodes"].as_array().expect("nodes");
    assert!(!nodes.is_empty());
    assert_eq!(data["projects"]["totalCount"].as_u64(), Some(nodes.len() as u64));
    for n in nodes {
        assert_eq!(n["sector"]["id"], sector);
        assert_eq!(n["stage"], "NEGOTIATING");
    }

    let data = app.query(Some(&staff), q, json!({ "f": { "search": "机器人" } })).await;
    let nodes = data["projects"]["nodes"].as_array().expect("nodes");
    assert!(!nodes.is_empty());
    assert!(nodes.iter().all(|n| n["name"].as_str().is_some_and(|s| s.contains("机器人"))));

    let data = app
        .query(Some(&staff), q, json!({ "f": { "isHighTech": true, "isMajor": true, "minInvestment": "150000000" } }))
        .await;
    for n in data["projects"]["nodes"].as_array().expect("nodes") {
        assert_eq!(n["isHighTech"], true);
        assert_eq!(n["isMajor"], true);
        let amount: f64 = n["plannedInvestment"].as_str().expect("amount").parse().expect("number");
        assert!(amount >= 150_000_000.0);
    }

    let data = app.query(Some(&staff), q, json!({ "f": { "sectorId": "not-an-id" } })).await;
    assert_eq!(data["projects"]["totalCount"], 0);
}

#[tokio::test]
async fn search_finds_chinese_and_latin_names_case_insensitively() {
    let app = spawn_app().await;
    let f = Fixtures { db: &app.db };
    f.enterprise("苏州瑞科新能源科技有限公司", "CN").await;
    f.enterprise("Nordwind Components GmbH", "DE").await;
    f.enterprise("100% Pure_Data Ltd.", "GB").await;
    let staff = app.key(Role::Staff, None).await;
    let q = "query($s: String) { enterprises(filter: {search: $s}) { nodes { name } } }";
    for (term, expected) in [
        ("瑞科新能源", vec!["苏州瑞科新能源科技有限公司"]),
        ("NORDWIND", vec!["Nordwind Components GmbH"]),
        ("components gmbh", vec!["Nordwind Components GmbH"]),
        ("ＮＯＲＤ", vec!["Nordwind Components GmbH"]),
        ("100%", vec!["100% Pure_Data Ltd."]),
        ("u_e", vec![]),
    ] {
        let data = app.query(Some(&staff), q, json!({ "s": term })).await;
        let names: Vec<&str> =
            data["enterprises"]["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["name"].as_str()).collect();
        assert_eq!(names, expected, "search {term:?}");
    }
}

#[tokio::test]
async fn search_folds_text_the_unicode_way_on_write_and_on_search() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    // Written through the API, so the stored fold is the service's.
    for (name, country) in [("GROSSHANDEL Weber KG", "DE"), ("Ὀδυσσεύς Shipping", "GR"), ("ﬁnanz Café GmbH", "DE")]
    {
        let r = crate::helpers::mutate(
            &app,
            Some(&staff),
            "createEnterprise",
            json!({ "name": name, "country": country }),
            "enterprise { id } userErrors { code }",
        )
        .await;
        assert_eq!(crate::helpers::payload(&r, "createEnterprise")["userErrors"], json!([]), "{}", r.body);
    }
    let q = "query($s: String) { enterprises(filter: {search: $s}) { nodes { name } } }";
    for (term, expected) in [
        ("großhandel", "GROSSHANDEL Weber KG"),
        ("Großhandel", "GROSSHANDEL Weber KG"),
        ("ὈΔΥΣΣΕΎΣ", "Ὀδυσσεύς Shipping"),
        ("finanz", "ﬁnanz Café GmbH"),
        ("cafe\u{301}", "ﬁnanz Café GmbH"),
    ] {
        let data = app.query(Some(&staff), q, json!({ "s": term })).await;
        let names: Vec<&str> =
            data["enterprises"]["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["name"].as_str()).collect();
        assert_eq!(names, [expected], "search {term:?}");
    }
}

#[tokio::test]
async fn lists_order_by_the_requested_field_and_direction() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let data = app
        .query(Some(&staff), "{ projects(first: 100, orderBy: {field: PLANNED_INVESTMENT, direction: ASC}) { nodes { plannedInvestment } } }", json!({}))
        .await;
    let amounts: Vec<f64> = data["projects"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["plannedInvestment"].as_str().expect("s").parse().expect("n"))
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] <= w[1]), "not ascending");

    let data = app
        .query(Some(&staff), "{ agreements(first: 100, orderBy: {field: SIGNED_ON, direction: DESC}, filter: {signedFrom: \"2026-11-01\", signedTo: \"2026-11-15\"}) { nodes { signedOn } } }", json!({}))
        .await;
    let dates: Vec<&str> =
        data["agreements"]["nodes"].as_array().expect("nodes").iter().filter_map(|n| n["signedOn"].as_str()).collect();
    assert!(!dates.is_empty());
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "not descending");
    assert!(dates.iter().all(|d| ("2026-11-01"..="2026-11-15").contains(d)));

    let data = app
        .query(
            Some(&staff),
            "{ enterprises(first: 100, filter: {country: \"de\"}) { totalCount nodes { country } } }",
            json!({}),
        )
        .await;
    assert!(data["enterprises"]["totalCount"].as_i64() > Some(0));
    assert!(data["enterprises"]["nodes"].as_array().expect("nodes").iter().all(|n| n["country"] == "DE"));
}
