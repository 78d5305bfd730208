#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "quotas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub department_id: i64,
    /// Empty for the department's own quota.
    pub person: String,
    /// The staff member of a quota split per person (then `person` is their name).
    pub staff_member_id: Option<i64>,
    pub target_agreements: i32,
    pub target_investment_fen: i64,
    pub target_foreign_capital_fen: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
