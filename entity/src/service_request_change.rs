#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

/// One step of a service request's history: a status move or a handover,
/// who made it and when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "service_request_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub service_request_id: i64,
    pub from_status: Option<ServiceRequestStatus>,
    pub to_status: ServiceRequestStatus,
    pub department_id: i64,
    pub assignee_id: Option<i64>,
    pub note: Option<String>,
    pub changed_by_key_id: Option<i64>,
    pub changed_by_staff_id: Option<i64>,
    pub changed_by_role: Role,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
