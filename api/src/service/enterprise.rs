//! Target enterprises (目标企业).

use entity::enums::{EnterpriseStatus, Priority};
use entity::{enterprise, event_participant};
use sea_orm::{Condition, EntityTrait, JoinType, QuerySelect, RelationDef, Select};

use super::filter::{all, eq, search};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};

#[derive(Debug, Default, Clone)]
pub struct EnterpriseFilter {
    pub search: Option<String>,
    pub sector_id: Option<i64>,
    pub department_id: Option<i64>,
    pub country: Option<String>,
    pub priority: Option<Priority>,
    pub status: Option<EnterpriseStatus>,
    pub is_fortune500: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_listed: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterpriseOrderField {
    CreatedAt,
    Name,
}

pub fn condition(f: &EnterpriseFilter) -> Option<Condition> {
    use enterprise::Column as C;
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::SectorId, f.sector_id),
        eq(C::DepartmentId, f.department_id),
        eq(C::Country, f.country.as_ref().map(|c| c.to_ascii_uppercase())),
        eq(C::Priority, f.priority),
        eq(C::Status, f.status),
        eq(C::IsFortune500, f.is_fortune500),
        eq(C::IsForeignInvested, f.is_foreign_invested),
        eq(C::IsListed, f.is_listed),
    ]))
}

pub fn ordering(field: EnterpriseOrderField, direction: Direction) -> Ordering<enterprise::Entity> {
    use enterprise::{Column, Model};
    match field {
        EnterpriseOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        EnterpriseOrderField::Name => {
            Ordering { name: "NAME", column: Column::Name, direction, key: |m: &Model| SortKey::Text(m.name.clone()) }
        }
    }
}

/// `Event.participants`: the enterprises taking part in an event.
pub struct EventParticipants;

impl ChildList for EventParticipants {
    type Entity = enterprise::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("event_participants", "event_id")
    }
    fn base() -> Select<enterprise::Entity> {
        let join: RelationDef = event_participant::Entity::belongs_to(enterprise::Entity)
            .from(event_participant::Column::EnterpriseId)
            .to(enterprise::Column::Id)
            .into();
        enterprise::Entity::find().join(JoinType::InnerJoin, join.rev())
    }
    fn order() -> Ordering<enterprise::Entity> {
        ordering(EnterpriseOrderField::Name, Direction::Asc)
    }
}
