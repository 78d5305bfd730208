//! Campaigns (招商活动): listing, and their key sectors and quotas.

use chrono::NaiveDate;
use entity::{campaign, campaign_sector, event, quota, sector};
use sea_orm::{ColumnTrait, Condition, EntityTrait, JoinType, QuerySelect, RelationDef, Select};

use super::filter::{all, gte, lte, search};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};

#[derive(Debug, Default, Clone)]
pub struct CampaignFilter {
    pub search: Option<String>,
    pub region: Option<String>,
    /// Campaigns whose period contains this date.
    pub active_on: Option<NaiveDate>,
    pub starts_from: Option<NaiveDate>,
    pub starts_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignOrderField {
    CreatedAt,
    StartsOn,
    Name,
}

pub fn condition(f: &CampaignFilter) -> Option<Condition> {
    Some(all([
        search(campaign::Column::SearchName, f.search.as_deref()),
        f.region.clone().map(|r| campaign::Column::Region.eq(r)),
        lte(campaign::Column::StartsOn, f.active_on),
        gte(campaign::Column::EndsOn, f.active_on),
        gte(campaign::Column::StartsOn, f.starts_from),
        lte(campaign::Column::StartsOn, f.starts_to),
    ]))
}

pub fn ordering(field: CampaignOrderField, direction: Direction) -> Ordering<campaign::Entity> {
    use campaign::{Column, Model};
    match field {
        CampaignOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        CampaignOrderField::StartsOn => Ordering {
            name: "STARTS_ON",
            column: Column::StartsOn,
            direction,
            key: |m: &Model| SortKey::Date(m.starts_on),
        },
        CampaignOrderField::Name => {
            Ordering { name: "NAME", column: Column::Name, direction, key: |m: &Model| SortKey::Text(m.name.clone()) }
        }
    }
}

/// `Campaign.sectors`: the campaign's key sectors (重点招商领域).
pub struct CampaignSectors;

impl ChildList for CampaignSectors {
    type Entity = sector::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("campaign_sectors", "campaign_id")
    }
    fn base() -> Select<sector::Entity> {
        sector::Entity::find().join(JoinType::InnerJoin, join_def().rev())
    }
    fn order() -> Ordering<sector::Entity> {
        super::catalog::sector::ordering(super::catalog::NamedOrderField::Name, Direction::Asc)
    }
}

fn join_def() -> RelationDef {
    campaign_sector::Entity::belongs_to(sector::Entity)
        .from(campaign_sector::Column::SectorId)
        .to(sector::Column::Id)
        .into()
}

/// `Campaign.quotas`: the campaign's targets per department and person.
pub struct CampaignQuotas;

impl ChildList for CampaignQuotas {
    type Entity = quota::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("quotas", "campaign_id")
    }
    fn order() -> Ordering<quota::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: quota::Column::CreatedAt,
            direction: Direction::Asc,
            key: |m: &quota::Model| SortKey::Time(m.created_at),
        }
    }
}

/// `Campaign.events`: its promotion events, latest first.
pub struct CampaignEvents;

impl ChildList for CampaignEvents {
    type Entity = event::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("events", "campaign_id")
    }
    fn order() -> Ordering<event::Entity> {
        super::event::ordering(super::event::EventOrderField::HeldOn, Direction::Desc)
    }
}
