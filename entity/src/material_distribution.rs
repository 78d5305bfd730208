#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "material_distributions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub material_id: i64,
    pub enterprise_id: Option<i64>,
    /// The enterprise as a partner names it (partners do not see the office's enterprises).
    pub enterprise_name: Option<String>,
    pub event_id: Option<i64>,
    pub channel: DistributionChannel,
    pub distributed_on: Date,
    pub staff_member_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub recorded_by_key_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
