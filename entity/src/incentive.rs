#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "incentives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub search_name: String,
    pub kind: IncentiveKind,
    pub issuer: String,
    pub summary: Option<String>,
    pub document_number: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub is_published: bool,
    pub min_investment_fen: Option<i64>,
    pub min_foreign_capital_fen: Option<i64>,
    pub high_tech_only: bool,
    pub foreign_invested_only: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
