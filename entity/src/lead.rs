#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "leads")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: i64,
    pub idempotency_key: String,
    pub request_hash: String,
    pub status: LeadStatus,
    pub enterprise_name: String,
    pub search_name: String,
    pub dedupe_key: String,
    pub uscc: Option<String>,
    pub country: String,
    pub sector_id: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub estimated_investment_fen: Option<i64>,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub internal_note: Option<String>,
    pub duplicate_of_lead_id: Option<i64>,
    pub duplicate_of_enterprise_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub project_id: Option<i64>,
    pub assigned_department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub assigned_at: Option<DateTimeUtc>,
    pub respond_due_on: Option<Date>,
    pub decide_due_on: Option<Date>,
    pub feedback_due_on: Option<Date>,
    /// The office's date the lead was decided: ACCEPTED, REJECTED or DUPLICATE.
    pub decided_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
