//! `AuditEntry`: the audit trail as the API names things.
//!
//! The trail stores each row as the service wrote it (row ids, amounts in
//! fen); this module renders it in the API's terms on the way out.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{api_key, audit_log, staff_member};
use serde_json::{Map, Value};

use super::enums::Role;
use super::load;
use super::partner::ApiKey;
use super::staff_member::StaffMember;
use crate::domain::money::Money;
use crate::graphql::ids;
use crate::service::partner as svc;

/// Columns that are the store's own business: search keys, hashes, secrets,
/// the marker that makes an agreement its project's primary one, the stage a
/// paused project returns to, and where a file's bytes lie in the store.
const INTERNAL: &[&str] = &[
    "search_name",
    "dedupe_key",
    "key_hash",
    "request_hash",
    "secret_encrypted",
    "idempotency_key",
    "primary_project_id",
    "paused_from_stage",
    "search_title",
    "storage_key",
];

/// The API type a stored reference column names.
fn referenced_type(column: &str) -> Option<&'static str> {
    Some(match column {
        "sector_id" => "Sector",
        "department_id" => "Department",
        "park_id" => "Park",
        "campaign_id" => "Campaign",
        "enterprise_id" | "duplicate_of_enterprise_id" => "Enterprise",
        "project_id" => "Project",
        "agreement_id" => "Agreement",
        "event_id" => "Event",
        "incentive_id" => "Incentive",
        "partner_id" | "source_partner_id" | "actor_partner_id" => "Partner",
        "lead_id" | "duplicate_of_lead_id" => "Lead",
        "webhook_id" => "Webhook",
        "key_id" | "actor_key_id" | "changed_by_key_id" => "ApiKey",
        "staff_member_id" | "actor_staff_id" | "changed_by_staff_id" | "assignee_id" | "responsible_staff_id" => {
            "StaffMember"
        }
        _ => return None,
    })
}

/// `planned_investment` as the API spells it: `plannedInvestment`.
fn camel(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for ch in column.chars() {
        match ch {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// A stored row snapshot in the API's terms (see [`AuditEntry::before`]).
fn api_json(stored: &str, entity_type: &str) -> String {
    let Ok(Value::Object(row)) = serde_json::from_str::<Value>(stored) else {
        return stored.to_owned();
    };
    let mut out = Map::new();
    let mut contact = Map::new();
    let mut location = Map::new();
    for (column, value) in row {
        if INTERNAL.contains(&column.as_str()) {
            continue;
        }
        if let Some(part) = column.strip_prefix("contact_") {
            contact.insert(part.to_owned(), value);
        } else if let Some(axis) = column.strip_suffix("_e7") {
            // Positions as `GeoPoint` shows them: degrees.
            let degrees = value.as_i64().map(|e7| Value::from(e7 as f64 / 10_000_000.0));
            location.insert(axis.to_owned(), degrees.unwrap_or(Value::Null));
        } else if let Some(area) = column.strip_suffix("_mu_centi") {
            let mu =
                value.as_i64().map(|c| Value::String(crate::domain::geo::Mu::from_centi(c).to_decimal().to_string()));
            out.insert(format!("{}Mu", camel(area)), mu.unwrap_or(Value::Null));
        } else if column == "boundary" {
            let geometry = value.as_str().and_then(|b| serde_json::from_str(b).ok());
            out.insert(column, geometry.unwrap_or(Value::Null));
        } else if let Some(amount) = column.strip_suffix("_fen") {
            let yuan = value.as_i64().map(|fen| Value::String(Money::from_fen(fen).to_string()));
            out.insert(camel(amount), yuan.unwrap_or(Value::Null));
        } else if column == "id" {
            out.insert(column, global(entity_type, &value));
        } else if let Some(t) = referenced_type(&column) {
            out.insert(camel(&column), global(t, &value));
        } else {
            out.insert(camel(&column), value);
        }
    }
    if !contact.is_empty() {
        out.insert("contact".into(), Value::Object(contact));
    }
    if !location.is_empty() {
        let point = if location.values().any(Value::is_null) { Value::Null } else { Value::Object(location) };
        out.insert("location".into(), point);
    }
    Value::Object(out).to_string()
}

fn global(type_name: &str, id: &Value) -> Value {
    id.as_i64().map_or(Value::Null, |n| Value::String(ids::encode(type_name, n).0))
}

/// One entry of the audit trail: who changed what, when, from what to what.
pub struct AuditEntry(pub audit_log::Model);

/// One entry of the audit trail: who changed what, when, from what to what.
#[Object]
impl AuditEntry {
    /// The entry's global id.
    pub async fn id(&self) -> ID {
        ids::encode("AuditEntry", self.0.id)
    }
    /// The mutation, e.g. `recordAgreement`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The type of the object changed, e.g. `Agreement`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The global id of the object changed.
    async fn entity_id(&self) -> ID {
        ids::encode(&self.0.entity_type, self.0.entity_id)
    }
    /// The role of whoever made the change.
    async fn actor_role(&self) -> Role {
        self.0.actor_role.into()
    }
    /// The staff member who made the change, when the key was bound to one.
    async fn staff_member(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.actor_staff_id, StaffMember).await
    }
    /// The key that made the change.
    async fn actor_key(&self, ctx: &Context<'_>) -> Result<Option<ApiKey>> {
        load::<api_key::Entity, _>(ctx, self.0.actor_key_id, ApiKey).await
    }
    /// The object's fields before, as a JSON object named as the API names
    /// them: ids global, amounts in yuan as decimal strings, enum values by
    /// their GraphQL names; contact details only marked `(changed)` or
    /// `(unchanged)`. Null for a creation.
    async fn before(&self) -> Option<String> {
        self.0.before.as_deref().map(|v| api_json(v, &self.0.entity_type))
    }
    /// The object's fields after, as `before` gives them; null for a deletion.
    async fn after(&self) -> Option<String> {
        self.0.after.as_deref().map(|v| api_json(v, &self.0.entity_type))
    }
    /// The request that made the change.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// When.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `auditLog`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct AuditFilter {
    /// The object changed (its global id).
    pub entity_id: Option<ID>,
    /// The type of object changed, e.g. `Project`.
    pub entity_type: Option<String>,
    /// The mutation, e.g. `moveProjectStage`.
    pub action: Option<String>,
    /// The key that made the change.
    pub actor_key_id: Option<ID>,
    /// Changes made at or after this time.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Changes made at or before this time.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

impl AuditFilter {
    /// The service's filter; Err when an id names nothing.
    pub fn to_service(&self) -> Result<svc::AuditFilter, ()> {
        let entity = match &self.entity_id {
            None => None,
            Some(id) => Some(ids::decode(id).ok_or(())?),
        };
        if let (Some((kind, _)), Some(t)) = (&entity, &self.entity_type) {
            if kind != t {
                return Err(());
            }
        }
        Ok(svc::AuditFilter {
            entity_type: entity.as_ref().map(|(k, _)| k.clone()).or_else(|| self.entity_type.clone()),
            entity_id: entity.map(|(_, n)| n),
            action: self.action.clone(),
            actor_key_id: ids::filter_id(&self.actor_key_id, "ApiKey")?,
            from: self.from,
            to: self.to,
        })
    }
}
