//! `StaffMember` (工作人员): a named person of a department (staff only).

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{department, staff_member};

use super::catalog::Department;
use super::partner::ApiKey;
use super::{load, page};
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::service::staff_member::{self as svc, StaffKeys};

pub use super::{StaffMemberOrder, StaffMemberOrderField};

/// A named person of a department (工作人员). Changes made with a key bound
/// to them name them: in stage history and the audit trail.
pub struct StaffMember(pub staff_member::Model);

/// A named person of a department (工作人员). Changes made with a key bound
/// to them name them: in stage history and the audit trail.
#[Object]
impl StaffMember {
    /// The staff member's global id.
    pub async fn id(&self) -> ID {
        ids::encode("StaffMember", self.0.id)
    }
    /// Their name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Their department.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        load::<department::Entity, _>(ctx, Some(self.0.department_id), Department).await
    }
    /// Their work phone.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// False once they have left; their keys were revoked then.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
    /// The keys bound to them, newest first (admins only; empty for staff).
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ApiKey>> {
        children::<StaffKeys, _>(ctx.loader(), self.0.id, page(first, after, last, before), ApiKey).await
    }
    /// When they were added.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When they last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Filters for `staffMembers`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct StaffMemberFilter {
    /// Text in the name.
    pub search: Option<String>,
    /// Their department.
    pub department_id: Option<ID>,
    /// Active or gone.
    pub is_active: Option<bool>,
}

impl StaffMemberFilter {
    /// The service's filter; Err when an id names nothing (the list is then empty).
    pub fn to_service(&self) -> Result<svc::StaffFilter, ()> {
        Ok(svc::StaffFilter {
            search: self.search.clone(),
            department_id: ids::filter_id(&self.department_id, "Department")?,
            is_active: self.is_active,
        })
    }
}
