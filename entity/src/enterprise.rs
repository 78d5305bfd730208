#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "enterprises")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub search_name: String,
    pub dedupe_key: String,
    pub uscc: Option<String>,
    pub country: String,
    pub sector_id: Option<i64>,
    pub size: Option<EnterpriseSize>,
    pub is_fortune500: bool,
    pub is_foreign_invested: bool,
    pub is_listed: bool,
    pub priority: Priority,
    pub department_id: Option<i64>,
    pub status: EnterpriseStatus,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub notes: Option<String>,
    pub website: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
