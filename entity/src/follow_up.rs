#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A visit, call, meeting, video call or message with an enterprise (跟进记录).
/// `occurred_on` is `occurred_at`'s date in the office's time zone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub project_id: Option<i64>,
    pub kind: FollowUpKind,
    pub occurred_at: DateTimeUtc,
    pub occurred_on: Date,
    pub summary: String,
    pub next_step: Option<String>,
    pub next_step_due_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
