//! The audit trail: every successful mutation writes who, what, when, and the
//! values before and after, in the mutation's own transaction.

use entity::audit_log;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr};
use serde::Serialize;
use serde_json::Value;

use super::tx::now;
use super::write::Actor;

/// Fields whose values never go into the trail: contact details are recorded as
/// changed (not copied), and key hashes not at all.
const SENSITIVE: &[&str] = &["contact_name", "contact_phone", "contact_email"];
const OMITTED: &[&str] = &["key_hash", "request_hash"];

fn redact(value: Option<Value>, other: Option<&Value>) -> Option<String> {
    let mut value = value?;
    if let Value::Object(map) = &mut value {
        for k in OMITTED {
            map.remove(*k);
        }
        for k in SENSITIVE {
            if let Some(v) = map.get_mut(*k) {
                let before = other.and_then(|o| o.get(*k));
                let marker = match (v.is_null(), before) {
                    (true, _) => Value::Null,
                    (false, Some(b)) if b == v => Value::String("(unchanged)".into()),
                    _ => Value::String("(changed)".into()),
                };
                *v = marker;
            }
        }
    }
    Some(value.to_string())
}

/// Records one change. `before` is None for a creation, `after` None for a deletion.
pub async fn record<C: ConnectionTrait, M: Serialize>(
    db: &C,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: i64,
    before: Option<&M>,
    after: Option<&M>,
) -> Result<(), DbErr> {
    let before = before.and_then(|m| serde_json::to_value(m).ok());
    let after = after.and_then(|m| serde_json::to_value(m).ok());
    audit_log::ActiveModel {
        actor_key_id: Set(actor.principal.key_id),
        actor_role: Set(actor.principal.role),
        actor_partner_id: Set(actor.principal.partner_id),
        actor_staff_id: Set(actor.principal.staff_member_id),
        action: Set(match actor.via {
            Some(via) => format!("{via}:{action}"),
            None => action.to_owned(),
        }),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        before: Set(redact(before.clone(), after.as_ref())),
        after: Set(redact(after, before.as_ref())),
        request_id: Set(actor.request_id.clone()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contact_details_are_marked_not_copied() {
        let before = json!({ "name": "甲", "contact_phone": "123", "contact_email": "a@b.c", "key_hash": "x" });
        let after = json!({ "name": "乙", "contact_phone": "456", "contact_email": "a@b.c", "key_hash": "x" });
        let a = redact(Some(after.clone()), Some(&before)).unwrap();
        assert!(a.contains("\"(changed)\""));
        assert!(a.contains("\"(unchanged)\""));
        assert!(!a.contains("456") && !a.contains("a@b.c") && !a.contains("key_hash"));
        assert!(a.contains("乙"));
    }
}
