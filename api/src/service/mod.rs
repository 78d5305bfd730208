//! The domain logic: plain async functions over a database connection, knowing
//! nothing of GraphQL or HTTP, so that a resolver, the CLI and a test share them.

pub mod agreement;
pub mod api_key;
pub mod attachment;
pub mod audit;
pub mod breakdown;
pub mod campaign;
pub mod capital_arrival;
pub mod catalog;
pub mod department;
pub mod enterprise;
pub mod filter;
pub mod follow_up;
pub mod health;
pub mod health_dates;
pub mod idempotency;
pub mod incentive;
pub mod lead;
pub mod listing;
pub mod map;
pub mod material;
pub mod outbox;
pub mod pagination;
pub mod park;
pub mod partner;
pub mod project;
pub mod promotion_event;
pub mod quota;
pub mod refs;
pub mod report;
pub mod sector;
pub mod service_request;
pub mod staff_member;
pub mod totals;
pub mod tx;
pub mod visibility;
pub mod webhook;
pub mod write;

#[cfg(test)]
mod layering {
    use std::path::Path;

    /// Every `.rs` file below `dir`, with its text before any `#[cfg(test)]`.
    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("readable source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
                out.push((path.display().to_string(), code));
            }
        }
    }

    #[test]
    fn the_service_and_domain_layers_name_no_graphql_or_http() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root.join("service"), &mut files);
        sources(&root.join("domain"), &mut files);
        assert!(files.len() > 20, "the layers' files were found");
        let forbidden = ["async_graphql", "axum", "crate::graphql", "crate::http", "path: &Path"];
        let offending: Vec<String> = files
            .iter()
            .flat_map(|(file, code)| {
                code.lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .filter(|l| forbidden.iter().any(|f| l.contains(f)))
                    .map(move |l| format!("{file}: {}", l.trim()))
            })
            .collect();
        assert!(offending.is_empty(), "GraphQL or HTTP named below service/ or domain/:\n{}", offending.join("\n"));
    }
}
