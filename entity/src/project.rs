#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub search_name: String,
    pub stage: ProjectStage,
    pub paused_from_stage: Option<ProjectStage>,
    pub planned_investment_fen: i64,
    pub foreign_capital_fen: i64,
    pub sector_id: i64,
    pub enterprise_id: Option<i64>,
    pub park_id: Option<i64>,
    pub department_id: Option<i64>,
    pub campaign_id: Option<i64>,
    /// Deprecated: the free-text name, kept for one release; see `responsible_staff_id`.
    pub responsible_person: Option<String>,
    pub responsible_staff_id: Option<i64>,
    pub is_high_tech: bool,
    pub is_foreign_invested: bool,
    pub is_published: bool,
    pub description: Option<String>,
    pub notes: Option<String>,
    pub lead_id: Option<i64>,
    pub source_partner_id: Option<i64>,
    /// WGS-84 longitude in 10⁻⁷ degree.
    pub longitude_e7: Option<i64>,
    /// WGS-84 latitude in 10⁻⁷ degree.
    pub latitude_e7: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
