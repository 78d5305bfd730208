//! Promotion events (推介活动).

use chrono::NaiveDate;
use entity::enums::EventKind;
use entity::event;
use sea_orm::Condition;

use super::filter::{all, eq, gte, lte, search};
use super::pagination::{Direction, Ordering, SortKey};

#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub search: Option<String>,
    pub campaign_id: Option<i64>,
    pub kind: Option<EventKind>,
    pub held_from: Option<NaiveDate>,
    pub held_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOrderField {
    CreatedAt,
    HeldOn,
}

pub fn condition(f: &EventFilter) -> Option<Condition> {
    use event::Column as C;
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::CampaignId, f.campaign_id),
        eq(C::Kind, f.kind),
        gte(C::HeldOn, f.held_from),
        lte(C::HeldOn, f.held_to),
    ]))
}

pub fn ordering(field: EventOrderField, direction: Direction) -> Ordering<event::Entity> {
    use event::{Column, Model};
    match field {
        EventOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        EventOrderField::HeldOn => {
            Ordering { name: "HELD_ON", column: Column::HeldOn, direction, key: |m: &Model| SortKey::Date(m.held_on) }
        }
    }
}
