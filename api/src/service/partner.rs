//! Partner organisations, their leads and their API keys.

use entity::enums::{LeadStatus, PartnerKind, Role};
use entity::{api_key, audit_log, lead, partner, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};

use super::audit;
use super::filter::{all, eq, gte, lte, search};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use super::tx::{begin, content_hash, finish, now, start, unique_or};
use super::write::{Actor, Noun, Problem, WriteResult, refuse};
use crate::domain::text::fold;

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
    pub assigned_department_id: Option<i64>,
    pub is_overdue: Option<bool>,
}

/// The filter's condition, overdue reckoned from `today`. Where a lead was
/// assigned is the office's business: filtering on it matches nothing for
/// anyone else, so that counting rows cannot reveal it.
pub fn lead_condition(
    f: &LeadFilter,
    today: chrono::NaiveDate,
    principal: &crate::auth::Principal,
) -> Option<Condition> {
    use lead::Column as C;
    if f.assigned_department_id.is_some() && !principal.is_staff() {
        return None;
    }
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::AssignedDepartmentId, f.assigned_department_id),
        f.is_overdue.map(|late| super::lead::overdue(today, late)),
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

pub async fn create_partner(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    kind: PartnerKind,
    key: Option<&str>,
) -> WriteResult<partner::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<partner::Entity>(db, actor, "createPartner", key, content_hash(&(&name, kind))).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let p = partner::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        kind: Set(kind),
        is_active: Set(true),
        deactivated_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(refuse("name", Problem::Exists(Noun::Partner))))?;
    finish(txn, actor, claim, "createPartner", "Partner", p.id, &p).await?;
    Ok(p)
}

/// `deactivatePartner`: the partner and all its keys stop working at once.
pub async fn deactivate_partner(
    db: &DatabaseConnection,
    actor: &Actor,
    partner_id: i64,
) -> WriteResult<partner::Model> {
    actor.require_admin()?;
    let txn = begin(db).await?;
    let current = super::tx::locked::<partner::Entity>(&txn, partner_id, "partner_id", Noun::Partner).await?;
    if !current.is_active {
        return Err(refuse("partner_id", Problem::PartnerInactive));
    }
    let t = now();
    let mut m = current.clone().into_active_model();
    m.is_active = Set(false);
    m.deactivated_at = Set(Some(t));
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    super::api_key::revoke_all(&txn, api_key::Column::PartnerId.eq(after.id)).await?;
    // Its webhooks stop: deleted, their pending deliveries given up.
    entity::webhook::Entity::update_many()
        .col_expr(entity::webhook::Column::DeletedAt, sea_orm::sea_query::Expr::value(t))
        .filter(entity::webhook::Column::PartnerId.eq(after.id))
        .filter(entity::webhook::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(&txn, actor, "deactivatePartner", "Partner", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}
