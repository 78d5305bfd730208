//! `ServiceRequest` (企业诉求) and its history (staff only).

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{department, enterprise, project, service_request, service_request_change, staff_member};

use super::catalog::Department;
use super::enterprise::Enterprise;
use super::enums::Role;
use super::project::Project;
use super::staff_member::StaffMember;
use super::{load, page};
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::graphql::scalars::Date;
use crate::service::service_request::{self as svc, RequestHistory};

/// The kind of difficulty an investor meets.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::ServiceRequestCategory")]
pub enum ServiceRequestCategory {
    /// Land (用地).
    Land,
    /// Approvals and permits (审批).
    Approval,
    /// Financing (融资).
    Financing,
    /// Water, power, gas, roads (水电气路).
    Utilities,
    /// Hiring and talent (人才).
    Talent,
    /// A promised incentive not yet delivered (政策兑现).
    PolicyFulfilment,
    /// Anything else.
    Other,
}

/// Where a service request stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::ServiceRequestStatus")]
pub enum ServiceRequestStatus {
    /// Recorded, not yet taken up.
    Open,
    /// Taken up by its department (受理).
    Accepted,
    /// Dealt with (办结); awaiting the enterprise's verdict.
    Resolved,
    /// Closed with the enterprise satisfied (销号).
    Closed,
}

/// The enterprise's verdict on a resolved request.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::Satisfaction")]
pub enum Satisfaction {
    /// 满意.
    Satisfied,
    /// 基本满意.
    BasicallySatisfied,
    /// 不满意: the request is reopened (ACCEPTED).
    Dissatisfied,
}

order_input!(
    ServiceRequestOrder,
    ServiceRequestOrderField,
    "service requests",
    remote = "svc::RequestOrderField",
    [
        /// When the request was opened.
        CreatedAt,
        /// Its due date.
        DueOn,
    ]
);

/// A difficulty an investor meets (企业诉求), handed to a department with a
/// due date (staff only).
pub struct ServiceRequest(pub service_request::Model);

/// A difficulty an investor meets (企业诉求), handed to a department with a
/// due date (staff only).
#[Object]
impl ServiceRequest {
    /// The request's global id.
    pub async fn id(&self) -> ID {
        ids::encode("ServiceRequest", self.0.id)
    }
    /// Its files (附件), latest first, as the caller may see them.
    async fn attachments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<crate::graphql::types::file::Attachment>> {
        let page = super::page(first, after, last, before);
        let wrap = crate::graphql::types::file::Attachment;
        crate::graphql::connection::children::<crate::service::attachment::ServiceRequestAttachments, _>(
            ctx.loader(),
            self.0.id,
            page,
            wrap,
        )
        .await
    }
    /// The enterprise that raised it.
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        load::<enterprise::Entity, _>(ctx, Some(self.0.enterprise_id), Enterprise).await
    }
    /// The project it concerns, if one.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        load::<project::Entity, _>(ctx, self.0.project_id, Project).await
    }
    /// What kind of difficulty.
    async fn category(&self) -> ServiceRequestCategory {
        self.0.category.into()
    }
    /// A short title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The difficulty, as the enterprise put it.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// The department that answers for it.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        load::<department::Entity, _>(ctx, Some(self.0.department_id), Department).await
    }
    /// The staff member handling it, if one is named.
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.assignee_id, StaffMember).await
    }
    /// Where it stands.
    async fn status(&self) -> ServiceRequestStatus {
        self.0.status.into()
    }
    /// The day it must be resolved by.
    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }
    /// Not RESOLVED or CLOSED, and past its due date (the office's date).
    async fn is_overdue(&self, ctx: &Context<'_>) -> bool {
        svc::is_overdue(&self.0, ctx.state().today())
    }
    /// What was done, once resolved.
    async fn resolution(&self) -> Option<&str> {
        self.0.resolution.as_deref()
    }
    /// The enterprise's last verdict, if asked.
    async fn satisfaction(&self) -> Option<Satisfaction> {
        self.0.satisfaction.map(Into::into)
    }
    /// When it was opened.
    async fn opened_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.opened_at
    }
    /// When it was last resolved.
    async fn resolved_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.resolved_at
    }
    /// When it was closed.
    async fn closed_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.closed_at
    }
    /// Every move and handover, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ServiceRequestChange>> {
        children::<RequestHistory, _>(ctx.loader(), self.0.id, page(first, after, last, before), ServiceRequestChange)
            .await
    }
    /// When it last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// One step of a service request's history: a move or a handover.
pub struct ServiceRequestChange(pub service_request_change::Model);

/// One step of a service request's history: a move or a handover.
#[Object]
impl ServiceRequestChange {
    /// The entry's global id.
    pub async fn id(&self) -> ID {
        ids::encode("ServiceRequestChange", self.0.id)
    }
    /// The status before; null when the request was opened.
    async fn from(&self) -> Option<ServiceRequestStatus> {
        self.0.from_status.map(Into::into)
    }
    /// The status after.
    async fn to(&self) -> ServiceRequestStatus {
        self.0.to_status.into()
    }
    /// The department answering for it after the step.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        load::<department::Entity, _>(ctx, Some(self.0.department_id), Department).await
    }
    /// The assignee after the step.
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.assignee_id, StaffMember).await
    }
    /// Why, as given.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The staff member who took the step, when the key was bound to one.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.changed_by_staff_id, StaffMember).await
    }
    /// The role of the key that took it.
    async fn changed_by_role(&self) -> Role {
        self.0.changed_by_role.into()
    }
    /// When.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `serviceRequests`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct ServiceRequestFilter {
    /// Text in the title.
    pub search: Option<String>,
    /// The department answering for it.
    pub department_id: Option<ID>,
    /// The enterprise that raised it.
    pub enterprise_id: Option<ID>,
    /// The project it concerns.
    pub project_id: Option<ID>,
    /// Its status.
    pub status: Option<ServiceRequestStatus>,
    /// Its category.
    pub category: Option<ServiceRequestCategory>,
    /// Overdue (true) or not (false), on the office's date.
    pub is_overdue: Option<bool>,
    /// Due on or after this day.
    pub due_from: Option<Date>,
    /// Due on or before this day.
    pub due_to: Option<Date>,
}

impl ServiceRequestFilter {
    /// The service's filter; Err when an id names nothing (the list is then empty).
    pub fn to_service(&self) -> Result<svc::RequestFilter, ()> {
        Ok(svc::RequestFilter {
            search: self.search.clone(),
            department_id: ids::filter_id(&self.department_id, "Department")?,
            enterprise_id: ids::filter_id(&self.enterprise_id, "Enterprise")?,
            project_id: ids::filter_id(&self.project_id, "Project")?,
            status: self.status.map(Into::into),
            category: self.category.map(Into::into),
            is_overdue: self.is_overdue,
            due_from: self.due_from.map(|d| d.0),
            due_to: self.due_to.map(|d| d.0),
        })
    }
}
