#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    /// The project's id for its primary agreement, None for an increase: a unique
    /// index on it allows one primary agreement per project.
    pub primary_project_id: Option<i64>,
    pub campaign_id: i64,
    pub event_id: Option<i64>,
    pub kind: AgreementKind,
    pub signed_on: Date,
    pub total_investment_fen: i64,
    pub foreign_capital_fen: i64,
    pub is_increase: bool,
    pub upgraded_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
