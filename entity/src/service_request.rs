#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A difficulty an investor meets (企业诉求), handed to a department.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "service_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub project_id: Option<i64>,
    pub category: ServiceRequestCategory,
    pub title: String,
    pub search_name: String,
    pub description: String,
    pub department_id: i64,
    pub assignee_id: Option<i64>,
    pub status: ServiceRequestStatus,
    pub due_on: Date,
    pub resolution: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub opened_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
