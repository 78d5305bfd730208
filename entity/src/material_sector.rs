#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "material_sectors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub material_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sector_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
