//! `Enterprise`: a company the city courts.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{department, enterprise, sector};

use super::catalog::{Department, Sector};
use super::enums::{EnterpriseSize, EnterpriseStatus, Priority};
use super::follow_up::FollowUp;
use super::project::Project;
use super::service_request::ServiceRequest;
use super::{load, page};
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::{Ctx, OrGql};
use crate::graphql::ids;
use crate::graphql::scalars::{CountryCode, Date, Uscc};
use crate::service::{enterprise as svc, project as project_svc};

/// A target enterprise (目标企业).
pub struct Enterprise(pub enterprise::Model);

/// An enterprise's contact person (sensitive: staff only).
#[derive(SimpleObject)]
pub struct EnterpriseContact {
    /// The person's name.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A target enterprise (目标企业).
#[Object]
impl Enterprise {
    /// The enterprise's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Enterprise", self.0.id)
    }
    /// Its registered name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its unified social credit code (Chinese companies only).
    async fn uscc(&self) -> Option<Uscc> {
        self.0.uscc.clone().map(Uscc)
    }
    /// Country or region of origin.
    async fn country(&self) -> CountryCode {
        CountryCode(self.0.country.clone())
    }
    /// Its industry.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        load::<sector::Entity, _>(ctx, self.0.sector_id, Sector).await
    }
    /// Its size.
    async fn size(&self) -> Option<EnterpriseSize> {
        self.0.size.map(Into::into)
    }
    /// A Fortune Global 500 company (攀高门).
    async fn is_fortune500(&self) -> bool {
        self.0.is_fortune500
    }
    /// A foreign-invested company (结洋亲).
    async fn is_foreign_invested(&self) -> bool {
        self.0.is_foreign_invested
    }
    /// A listed company.
    async fn is_listed(&self) -> bool {
        self.0.is_listed
    }
    /// The city's priority: A, B or C.
    async fn priority(&self) -> Priority {
        self.0.priority.into()
    }
    /// Where the city stands with it.
    async fn status(&self) -> EnterpriseStatus {
        self.0.status.into()
    }
    /// The department that owns the relationship.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        load::<department::Entity, _>(ctx, self.0.department_id, Department).await
    }
    /// The contact person (staff only).
    async fn contact(&self, ctx: &Context<'_>) -> Option<EnterpriseContact> {
        ctx.principal().is_staff().then(|| EnterpriseContact {
            name: self.0.contact_name.clone(),
            phone: self.0.contact_phone.clone(),
            email: self.0.contact_email.clone(),
        })
    }
    /// Internal notes (staff only).
    async fn notes(&self, ctx: &Context<'_>) -> Option<&str> {
        ctx.principal().is_staff().then_some(self.0.notes.as_deref()).flatten()
    }
    /// Its web site, an http or https URL.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// Its investment projects, latest first.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        children::<project_svc::EnterpriseProjects, _>(
            ctx.loader(),
            self.0.id,
            page(first, after, last, before),
            Project,
        )
        .await
    }
    /// The office's follow-ups (跟进记录), latest first (staff only).
    async fn follow_ups(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<FollowUp>> {
        let page = page(first, after, last, before);
        children::<crate::service::follow_up::EnterpriseFollowUps, _>(ctx.loader(), self.0.id, page, FollowUp).await
    }
    /// The day of the latest follow-up, in the office's time zone (staff only).
    async fn last_follow_up_on(&self, ctx: &Context<'_>) -> Result<Option<Date>> {
        if !ctx.principal().is_staff() {
            return Ok(None);
        }
        let key = crate::graphql::loaders::LastFollowUpKey::Enterprise(self.0.id);
        Ok(ctx.loader().load_one(key).await.gql()?.map(Date))
    }
    /// The investor's service requests (企业诉求), latest first (staff only).
    async fn service_requests(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ServiceRequest>> {
        let page = page(first, after, last, before);
        children::<crate::service::service_request::EnterpriseRequests, _>(
            ctx.loader(),
            self.0.id,
            page,
            ServiceRequest,
        )
        .await
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Filters for `enterprises`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct EnterpriseFilter {
    /// Text in the name.
    pub search: Option<String>,
    /// The sector.
    pub sector_id: Option<ID>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// Country or region code.
    pub country: Option<String>,
    /// The priority.
    pub priority: Option<Priority>,
    /// The status.
    pub status: Option<EnterpriseStatus>,
    /// Fortune Global 500 or not.
    pub is_fortune500: Option<bool>,
    /// Foreign-invested or not.
    pub is_foreign_invested: Option<bool>,
    /// Listed or not.
    pub is_listed: Option<bool>,
}

impl EnterpriseFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::EnterpriseFilter, ()> {
        Ok(svc::EnterpriseFilter {
            search: self.search.clone(),
            sector_id: ids::filter_id(&self.sector_id, "Sector")?,
            department_id: ids::filter_id(&self.department_id, "Department")?,
            country: self.country.clone(),
            priority: self.priority.map(Into::into),
            status: self.status.map(Into::into),
            is_fortune500: self.is_fortune500,
            is_foreign_invested: self.is_foreign_invested,
            is_listed: self.is_listed,
        })
    }
}

order_input!(
    EnterpriseOrder,
    EnterpriseOrderField,
    "enterprises",
    remote = "svc::EnterpriseOrderField",
    [
        /// When the enterprise was created.
        CreatedAt,
        /// Its name.
        Name,
    ]
);
