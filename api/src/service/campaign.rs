//! Campaigns (招商活动): listing, and their key sectors and quotas.

use chrono::NaiveDate;
use entity::{campaign, campaign_sector, event, quota, sector, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use serde::Serialize;

use super::audit;
use super::filter::{all, gte, lte, search};
use super::listing::{ChildList, replace_links, sectors_through};
use super::pagination::{Direction, Ordering, SortKey};
use super::tx::{begin, check_fresh, content_hash, finish, guarded_update, load, now, start};
use super::write::{Actor, Change, Noun, Problem, WriteResult, not_found, refuse};
use crate::domain::money::Money;
use crate::domain::text::fold;

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

sectors_through!(
    CampaignSectors,
    campaign_sector,
    "campaign_sectors",
    "campaign_id",
    "`Campaign.sectors`: the campaign's key sectors (重点招商领域), by name."
);

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
        super::promotion_event::ordering(super::promotion_event::EventOrderField::HeldOn, Direction::Desc)
    }
}

/// A campaign's fields as a command gives them; for a change, absent leaves
/// a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CampaignFields {
    pub name: Option<String>,
    pub region: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub target_agreements: Option<i32>,
    pub target_investment: Option<Money>,
    pub target_foreign_capital: Option<Money>,
    pub is_active: Option<bool>,
    pub sector_ids: Option<Vec<i64>>,
}

pub(crate) fn check_period(starts: NaiveDate, ends: NaiveDate) -> WriteResult<()> {
    if ends < starts {
        return Err(refuse("ends_on", Problem::EndBeforeStart));
    }
    Ok(())
}

pub(crate) async fn check_sectors<C: ConnectionTrait>(db: &C, ids: &Option<Vec<i64>>) -> WriteResult<()> {
    let Some(ids) = ids else { return Ok(()) };
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    let found = sector::Entity::find().filter(sector::Column::Id.is_in(unique.clone())).count(db).await?;
    if found as usize != unique.len() {
        return Err(not_found("sector_ids", Noun::Sector));
    }
    Ok(())
}

pub(crate) async fn set_sectors<C: ConnectionTrait>(
    db: &C,
    campaign_id: i64,
    ids: &[i64],
) -> Result<(), sea_orm::DbErr> {
    replace_links(db, campaign_sector::Column::CampaignId, campaign_id, ids, |s| campaign_sector::ActiveModel {
        campaign_id: Set(campaign_id),
        sector_id: Set(s),
    })
    .await
}

pub async fn create_campaign(
    db: &DatabaseConnection,
    actor: &Actor,
    f: CampaignFields,
    key: Option<&str>,
) -> WriteResult<campaign::Model> {
    actor.require_admin()?;
    let (starts, ends) = (f.starts_on.unwrap_or_default(), f.ends_on.unwrap_or_default());
    check_period(starts, ends)?;
    let (txn, claim) = match start::<campaign::Entity>(db, actor, "createCampaign", key, content_hash(&f)).await? {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    check_sectors(&txn, &f.sector_ids).await?;
    let name = f.name.unwrap_or_default();
    let t = now();
    let c = campaign::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        region: Set(f.region.unwrap_or_default()),
        starts_on: Set(starts),
        ends_on: Set(ends),
        target_agreements: Set(f.target_agreements.unwrap_or(0)),
        target_investment_fen: Set(f.target_investment.unwrap_or_default().fen()),
        target_foreign_capital_fen: Set(f.target_foreign_capital.unwrap_or_default().fen()),
        is_active: Set(f.is_active.unwrap_or(true)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_sectors(&txn, c.id, f.sector_ids.as_deref().unwrap_or_default()).await?;
    finish(txn, actor, claim, "createCampaign", "Campaign", c.id, &c).await?;
    Ok(c)
}

pub async fn update_campaign(
    db: &DatabaseConnection,
    actor: &Actor,
    change: Change<CampaignFields>,
) -> WriteResult<campaign::Model> {
    actor.require_admin()?;
    let Change { id, expected_updated_at: expected, fields: f } = change;
    let txn = begin(db).await?;
    let current = super::tx::locked::<campaign::Entity>(&txn, id, "campaign_id", Noun::Campaign).await?;
    check_fresh(current.updated_at, expected)?;
    check_period(f.starts_on.unwrap_or(current.starts_on), f.ends_on.unwrap_or(current.ends_on))?;
    check_sectors(&txn, &f.sector_ids).await?;
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.name = Set(name);
    }
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v); } )*};
    }
    set!(region, starts_on, ends_on, target_agreements, is_active);
    if let Some(v) = f.target_investment {
        m.target_investment_fen = Set(v.fen());
    }
    if let Some(v) = f.target_foreign_capital {
        m.target_foreign_capital_fen = Set(v.fen());
    }
    guarded_update::<campaign::Entity, _, _>(
        &txn,
        m,
        campaign::Column::Id,
        current.id,
        campaign::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    if let Some(ids) = &f.sector_ids {
        set_sectors(&txn, current.id, ids).await?;
    }
    let after = load::<campaign::Entity>(&txn, current.id).await?;
    audit::record(&txn, actor, "updateCampaign", "Campaign", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}
