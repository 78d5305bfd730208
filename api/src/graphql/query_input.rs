//! A GraphQL input object read from URL query parameters, for the HTTP
//! downloads: `?campaignId=…&stage=SIGNED` is the list's `filter` argument
//! `{ campaignId: "…", stage: SIGNED }`, checked by the same input type, so a
//! download filters exactly as the GraphQL list does.

use async_graphql::indexmap::IndexMap;
use async_graphql::registry::{MetaType, Registry};
use async_graphql::{InputType, Name, Pos, Value};

/// `T` from `(name, value)` pairs; an unknown or repeated name, or a value its
/// field's type refuses, is an error naming the parameter.
pub fn from_query<T: InputType>(pairs: &[(String, String)]) -> Result<T, String> {
    let mut registry = Registry::default();
    T::create_type_info(&mut registry);
    let Some(MetaType::InputObject { input_fields, .. }) = registry.types.get(T::type_name().as_ref()) else {
        return Err("this list takes no filter".into());
    };
    let mut object = IndexMap::new();
    for (key, raw) in pairs {
        let Some(field) = input_fields.get(key) else {
            let known: Vec<&str> = input_fields.keys().map(String::as_str).collect();
            return Err(format!("`{key}` is not a filter of this list; its filters are {}", known.join(", ")));
        };
        let name = Name::new(key);
        if object.contains_key(&name) {
            return Err(format!("`{key}` is given twice"));
        }
        let ty = field.ty.trim_end_matches('!');
        let value = match ty {
            "Boolean" => match raw.as_str() {
                "true" => Value::Boolean(true),
                "false" => Value::Boolean(false),
                _ => return Err(format!("`{key}` is true or false, not `{raw}`")),
            },
            "Int" => Value::Number(raw.parse::<i32>().map_err(|_| format!("`{key}` is a whole number"))?.into()),
            t if t.starts_with('[') => return Err(format!("`{key}` takes a list, which a query string cannot give")),
            t if matches!(registry.types.get(t), Some(MetaType::Enum { .. })) => Value::Enum(Name::new(raw)),
            _ => Value::String(raw.clone()),
        };
        object.insert(name, value);
    }
    T::parse(Some(Value::Object(object))).map_err(|e| {
        let message = e.into_server_error(Pos::default()).message;
        format!("the filter is not valid: {message}")
    })
}
