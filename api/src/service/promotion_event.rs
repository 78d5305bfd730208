//! Promotion events (推介活动).

use chrono::NaiveDate;
use entity::enums::EventKind;
use entity::{event, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

use super::filter::{all, eq, gte, lte, search};
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::{content_hash, finish, now, start};
use super::write::{Actor, Noun, WriteResult, not_found};
use crate::domain::text::fold;

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

#[derive(Debug, Clone, Serialize)]
pub struct CreateEvent {
    pub campaign_id: Option<i64>,
    pub title: String,
    pub kind: EventKind,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub link: Option<String>,
    pub participant_ids: Vec<i64>,
}

/// `createEvent` (staff): a promotion event of a campaign, with its participants.
pub async fn create_event(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: CreateEvent,
    key: Option<&str>,
) -> WriteResult<event::Model> {
    actor.require_staff()?;
    let (txn, claim) = match start::<event::Entity>(db, actor, "createEvent", key, content_hash(&cmd)).await? {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    check_refs(&txn, &[("campaign_id", cmd.campaign_id, Ref::Campaign)]).await?;
    let mut ids = cmd.participant_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let found = enterprise::Entity::find().filter(enterprise::Column::Id.is_in(ids.clone())).count(&txn).await?;
    if found as usize != ids.len() {
        return Err(not_found("participant_ids", Noun::Enterprise));
    }
    let t = now();
    let e = event::ActiveModel {
        campaign_id: Set(cmd.campaign_id.unwrap_or_default()),
        search_name: Set(fold(&cmd.title)),
        title: Set(cmd.title),
        kind: Set(cmd.kind),
        held_on: Set(cmd.held_on),
        place: Set(cmd.place),
        link: Set(cmd.link),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !ids.is_empty() {
        event_participant::Entity::insert_many(
            ids.into_iter().map(|p| event_participant::ActiveModel { event_id: Set(e.id), enterprise_id: Set(p) }),
        )
        .exec(&txn)
        .await?;
    }
    finish(txn, actor, claim, "createEvent", "Event", e.id, &e).await?;
    Ok(e)
}
