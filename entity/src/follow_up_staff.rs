use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A staff member present at a follow-up.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "follow_up_staff")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub follow_up_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub staff_member_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
