//! Global object ids: opaque to clients, `base64url("Type:id")` inside.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

pub fn encode(type_name: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// The type name and row id inside a global id, if it is one.
pub fn decode(id: &str) -> Option<(String, i64)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (kind, n) = raw.split_once(':')?;
    Some((kind.to_owned(), n.parse().ok()?))
}

/// The row id if `id` is a global id of `type_name`.
pub fn decode_as(id: &str, type_name: &str) -> Option<i64> {
    decode(id).filter(|(k, _)| k == type_name).map(|(_, n)| n)
}

/// For filters: `Some(None)` when the client passed an id that names no object of
/// `type_name` (the filter then matches nothing), `Some(Some(n))` for a good id.
pub fn filter_id(id: &Option<ID>, type_name: &str) -> Result<Option<i64>, ()> {
    match id {
        None => Ok(None),
        Some(id) => decode_as(id, type_name).map(Some).ok_or(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let id = encode("Project", 42);
        assert_eq!(decode(&id), Some(("Project".into(), 42)));
        assert_eq!(decode_as(&id, "Project"), Some(42));
        assert_eq!(decode_as(&id, "Lead"), None);
        assert_eq!(decode("!!"), None);
    }
}

/// Which global-id type each id field of a stored event names.
const EVENT_ID_FIELDS: [(&str, &str); 5] = [
    ("leadId", "Lead"),
    ("partnerId", "Partner"),
    ("projectId", "Project"),
    ("agreementId", "Agreement"),
    ("campaignId", "Campaign"),
];

/// A stored event's data as partners read it (in webhook bodies and
/// subscription items): row ids become global ids. Events stored with global
/// ids already (before row ids were stored) pass unchanged.
pub fn event_data(mut data: serde_json::Value) -> serde_json::Value {
    if let Some(map) = data.as_object_mut() {
        for (field, type_name) in EVENT_ID_FIELDS {
            if let Some(id) = map.get(field).and_then(serde_json::Value::as_i64) {
                map.insert(field.to_owned(), serde_json::Value::String(encode(type_name, id).0));
            }
        }
    }
    data
}
