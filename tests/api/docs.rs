//! The documents under `docs/` are written for partners and stand alone:
//! nothing in them points outside the repository.

use std::path::Path;

/// Every Markdown link target in `text`: what stands between `](` and `)`.
fn link_targets(text: &str) -> Vec<&str> {
    text.match_indices("](").filter_map(|(at, _)| text[at + 2..].split(')').next()).collect()
}

#[test]
fn the_documents_under_docs_link_only_to_files_in_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().expect("repository");
    let docs = root.join("docs");
    let mut read = 0;
    for entry in std::fs::read_dir(&docs).expect("docs/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        read += 1;
        let text = std::fs::read_to_string(&path).expect("text");
        let name = path.display();
        for scheme in ["http://", "https://", "../shared", "/work/"] {
            assert!(!text.contains(scheme), "{name} points outside the repository: `{scheme}`");
        }
        for target in link_targets(&text) {
            let file = target.split('#').next().unwrap_or(target);
            if file.is_empty() {
                continue; // an anchor in the same document
            }
            let resolved = docs.join(file).canonicalize();
            assert!(
                resolved.as_ref().is_ok_and(|p| p.starts_with(&root)),
                "{name} links to `{target}`, which is not a file of the repository"
            );
        }
    }
    assert!(read >= 2, "docs/ holds the partners' guide and the benchmarks");
}
