//! `FollowUp` (跟进记录, 拜访): the office's contacts with an enterprise (staff only).

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{enterprise, follow_up, project};

use super::enterprise::Enterprise;
use super::project::Project;
use super::staff_member::StaffMember;
use super::{load, page};
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::graphql::scalars::Date;
use crate::service::follow_up::{self as svc, FollowUpStaff};

/// How the office was in touch.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::FollowUpKind")]
pub enum FollowUpKind {
    /// A visit (拜访).
    Visit,
    /// A telephone call.
    Call,
    /// A meeting.
    Meeting,
    /// A video call.
    Video,
    /// A message: mail, WeChat, letter.
    Message,
}

order_input!(
    FollowUpOrder,
    FollowUpOrderField,
    "follow-ups",
    remote = "svc::FollowUpOrderField",
    [
        /// When the contact took place.
        OccurredAt,
        /// When it was recorded.
        CreatedAt,
    ]
);

/// A visit, call, meeting, video call or message with an enterprise (跟进记录),
/// with the staff present and the next step (staff only).
pub struct FollowUp(pub follow_up::Model);

/// A visit, call, meeting, video call or message with an enterprise (跟进记录),
/// with the staff present and the next step (staff only).
#[Object]
impl FollowUp {
    /// The follow-up's global id.
    pub async fn id(&self) -> ID {
        ids::encode("FollowUp", self.0.id)
    }
    /// The enterprise.
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        load::<enterprise::Entity, _>(ctx, Some(self.0.enterprise_id), Enterprise).await
    }
    /// The project it was about, if one.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        load::<project::Entity, _>(ctx, self.0.project_id, Project).await
    }
    /// How.
    async fn kind(&self) -> FollowUpKind {
        self.0.kind.into()
    }
    /// When it took place.
    async fn occurred_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.occurred_at
    }
    /// The staff members present, by name.
    async fn staff(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<StaffMember>> {
        children::<FollowUpStaff, _>(ctx.loader(), self.0.id, page(first, after, last, before), StaffMember).await
    }
    /// What was said and agreed.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// What happens next.
    async fn next_step(&self) -> Option<&str> {
        self.0.next_step.as_deref()
    }
    /// When the next step is due.
    async fn next_step_due_on(&self) -> Option<Date> {
        self.0.next_step_due_on.map(Date)
    }
    /// When it was recorded.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `followUps`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct FollowUpFilter {
    /// The enterprise.
    pub enterprise_id: Option<ID>,
    /// The project.
    pub project_id: Option<ID>,
    /// A staff member who was present.
    pub staff_member_id: Option<ID>,
    /// How.
    pub kind: Option<FollowUpKind>,
    /// On or after this day (the office's date).
    pub occurred_from: Option<Date>,
    /// On or before this day.
    pub occurred_to: Option<Date>,
    /// Next steps due before today (true), or not (false).
    pub is_next_step_overdue: Option<bool>,
}

impl FollowUpFilter {
    /// The service's filter; Err when an id names nothing (the list is then empty).
    pub fn to_service(&self) -> Result<svc::FollowUpFilter, ()> {
        Ok(svc::FollowUpFilter {
            enterprise_id: ids::filter_id(&self.enterprise_id, "Enterprise")?,
            project_id: ids::filter_id(&self.project_id, "Project")?,
            staff_member_id: ids::filter_id(&self.staff_member_id, "StaffMember")?,
            kind: self.kind.map(Into::into),
            occurred_from: self.occurred_from.map(|d| d.0),
            occurred_to: self.occurred_to.map(|d| d.0),
            next_step_overdue: self.is_next_step_overdue,
        })
    }
}
