//! Partner organisations, their leads and their API keys.

use entity::enums::{LeadStatus, PartnerKind, Role};
use entity::{api_key, audit_log, lead, partner};
use sea_orm::Condition;

use super::filter::{all, eq, gte, lte, search};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};

#[derive(Debug, Default, Clone)]
pub struct PartnerFilter {
    pub search: Option<String>,
    pub kind: Option<PartnerKind>,
    pub is_active: Option<bool>,
}

pub fn partner_condition(f: &PartnerFilter) -> Option<Condition> {
    use partner::Column as C;
    Some(all([search(C::SearchName, f.search.as_deref()), eq(C::Kind, f.kind), eq(C::IsActive, f.is_active)]))
}

#[derive(Debug, Default, Clone)]
pub struct LeadFilter {
    pub search: Option<String>,
    pub status: Option<LeadStatus>,
    pub partner_id: Option<i64>,
    pub sector_id: Option<i64>,
    pub country: Option<String>,
}

pub fn lead_condition(f: &LeadFilter) -> Option<Condition> {
    use lead::Column as C;
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::Status, f.status),
        eq(C::PartnerId, f.partner_id),
        eq(C::SectorId, f.sector_id),
        eq(C::Country, f.country.as_ref().map(|c| c.to_ascii_uppercase())),
    ]))
}

#[derive(Debug, Default, Clone)]
pub struct ApiKeyFilter {
    pub partner_id: Option<i64>,
    pub role: Option<Role>,
}

pub fn api_key_condition(f: &ApiKeyFilter) -> Option<Condition> {
    use api_key::Column as C;
    Some(all([eq(C::PartnerId, f.partner_id), eq(C::Role, f.role)]))
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<i64>,
    pub action: Option<String>,
    pub actor_key_id: Option<i64>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

pub fn audit_condition(f: &AuditFilter) -> Option<Condition> {
    use audit_log::Column as C;
    Some(all([
        eq(C::EntityType, f.entity_type.clone()),
        eq(C::EntityId, f.entity_id),
        eq(C::Action, f.action.clone()),
        eq(C::ActorKeyId, f.actor_key_id),
        gte(C::CreatedAt, f.from),
        lte(C::CreatedAt, f.to),
    ]))
}

/// Orders by creation time: the one order of leads, keys and the audit log.
macro_rules! created_at_ordering {
    ($fn:ident, $m:ident) => {
        pub fn $fn(direction: Direction) -> Ordering<$m::Entity> {
            Ordering {
                name: "CREATED_AT",
                column: $m::Column::CreatedAt,
                direction,
                key: |m: &$m::Model| SortKey::Time(m.created_at),
            }
        }
    };
}

created_at_ordering!(lead_ordering, lead);
created_at_ordering!(api_key_ordering, api_key);
created_at_ordering!(audit_ordering, audit_log);

pub fn partner_ordering(by_name: bool, direction: Direction) -> Ordering<partner::Entity> {
    if by_name {
        Ordering {
            name: "NAME",
            column: partner::Column::Name,
            direction,
            key: |m: &partner::Model| SortKey::Text(m.name.clone()),
        }
    } else {
        Ordering {
            name: "CREATED_AT",
            column: partner::Column::CreatedAt,
            direction,
            key: |m: &partner::Model| SortKey::Time(m.created_at),
        }
    }
}

/// `Partner.leads`.
pub struct PartnerLeads;

impl ChildList for PartnerLeads {
    type Entity = lead::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("leads", "partner_id")
    }
    fn order() -> Ordering<lead::Entity> {
        lead_ordering(Direction::Desc)
    }
}

/// `Partner.apiKeys`.
pub struct PartnerApiKeys;

impl ChildList for PartnerApiKeys {
    type Entity = api_key::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("api_keys", "partner_id")
    }
    fn order() -> Ordering<api_key::Entity> {
        api_key_ordering(Direction::Desc)
    }
}
