use std::path::Path;

#[test]
fn the_checked_in_schema_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let generated = api::graphql::schema::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).expect("write schema.graphql");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql` (or UPDATE_SCHEMA=1 cargo test)"
    );
}

#[test]
fn every_type_and_field_of_the_schema_is_documented() {
    let sdl = api::graphql::schema::sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).expect("valid SDL");
    let mut missing = Vec::new();
    for def in &doc.definitions {
        if let async_graphql::parser::types::TypeSystemDefinition::Type(t) = def {
            let t = &t.node;
            let name = t.name.node.as_str();
            if name.starts_with("__") {
                continue;
            }
            if t.description.is_none() {
                missing.push(name.to_owned());
            }
            use async_graphql::parser::types::TypeKind;
            let fields = match &t.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                TypeKind::Enum(e) => {
                    for v in &e.values {
                        if v.node.description.is_none() {
                            missing.push(format!("{name}.{}", v.node.value.node));
                        }
                    }
                    continue;
                }
                TypeKind::InputObject(i) => {
                    for f in &i.fields {
                        if f.node.description.is_none() {
                            missing.push(format!("{name}.{}", f.node.name.node));
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            for f in fields {
                if f.node.description.is_none() {
                    missing.push(format!("{name}.{}", f.node.name.node));
                }
                for a in &f.node.arguments {
                    if a.node.description.is_none() {
                        missing.push(format!("{name}.{}({}:)", f.node.name.node, a.node.name.node));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}
