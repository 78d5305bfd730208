#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "agreement_incentives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub incentive_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
