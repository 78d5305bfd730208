//! `Partner`, `Lead` and `ApiKey`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{api_key, department, enterprise, lead, partner, project, sector, staff_member};

use super::catalog::{Department, Sector};
use super::enterprise::Enterprise;
use super::enums::{LeadStatus, PartnerKind, Role};
use super::project::Project;
use super::staff_member::StaffMember;
use super::{load, page};
use crate::domain::money::Money;
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::{Ctx, OrGql};
use crate::graphql::ids;
use crate::graphql::loaders::{PartnerDistributionsKey, PerformanceKey};
use crate::graphql::scalars::{CountryCode, Date, Decimal, Uscc};
use crate::service::partner as svc;
use crate::service::visibility::sees_internal_fields;

/// A partner organisation: an industry association or a promotion agency that
/// submits leads.
pub struct Partner(pub partner::Model);

/// A partner organisation: an industry association or a promotion agency that
/// submits leads.
#[Object]
impl Partner {
    /// The partner's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Partner", self.0.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Association or agency.
    async fn kind(&self) -> PartnerKind {
        self.0.kind.into()
    }
    /// False once deactivated: its keys are revoked.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
    /// What its leads came to (the office's staff and the partner itself;
    /// null for other partners).
    async fn performance(&self, ctx: &Context<'_>) -> Result<Option<super::report::PartnerPerformance>> {
        let p = ctx.principal();
        if !(p.is_staff() || p.partner() == Some(self.0.id)) {
            return Ok(None);
        }
        let perf = ctx.loader().load_one(PerformanceKey(self.0.id)).await.gql()?.unwrap_or_default();
        let distributed = ctx.loader().load_one(PartnerDistributionsKey(self.0.id)).await.gql()?.unwrap_or(0);
        let mut perf: super::report::PartnerPerformance = perf.into();
        perf.materials_distributed = i32::try_from(distributed).unwrap_or(i32::MAX);
        Ok(Some(perf))
    }
    /// Its leads, latest first.
    async fn leads(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Lead>> {
        children::<svc::PartnerLeads, _>(ctx.loader(), self.0.id, page(first, after, last, before), Lead).await
    }
    /// Its API keys, latest first (no secrets).
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ApiKey>> {
        children::<svc::PartnerApiKeys, _>(ctx.loader(), self.0.id, page(first, after, last, before), ApiKey).await
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// A contact person given with a lead.
#[derive(SimpleObject)]
pub struct LeadContact {
    /// The person's name.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A partner's tip that an enterprise may invest (线索).
pub struct Lead(pub lead::Model);

/// A partner's tip that an enterprise may invest (线索).
#[Object]
impl Lead {
    /// The lead's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Lead", self.0.id)
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
        crate::graphql::connection::children::<crate::service::attachment::LeadAttachments, _>(
            ctx.loader(),
            self.0.id,
            page,
            wrap,
        )
        .await
    }
    /// Where the lead stands.
    async fn status(&self) -> LeadStatus {
        self.0.status.into()
    }
    /// The enterprise's name as submitted.
    async fn enterprise_name(&self) -> &str {
        &self.0.enterprise_name
    }
    /// Its USCC, for a Chinese enterprise.
    async fn uscc(&self) -> Option<Uscc> {
        self.0.uscc.clone().map(Uscc)
    }
    /// Its country or region.
    async fn country(&self) -> CountryCode {
        CountryCode(self.0.country.clone())
    }
    /// Its sector.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        load::<sector::Entity, _>(ctx, self.0.sector_id, Sector).await
    }
    /// The contact the partner gave.
    async fn contact(&self) -> LeadContact {
        LeadContact {
            name: self.0.contact_name.clone(),
            phone: self.0.contact_phone.clone(),
            email: self.0.contact_email.clone(),
        }
    }
    /// The investment the partner estimates.
    async fn estimated_investment(&self) -> Option<Decimal> {
        self.0.estimated_investment_fen.map(|f| Money::from_fen(f).into())
    }
    /// The partner's description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The partner that submitted it.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        load::<partner::Entity, _>(ctx, Some(self.0.partner_id), Partner).await
    }
    /// Why it was rejected or marked duplicate; the partner sees it.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Staff's internal note (staff only).
    async fn internal_note(&self, ctx: &Context<'_>) -> Option<&str> {
        sees_internal_fields(ctx.principal()).then_some(self.0.internal_note.as_deref()).flatten()
    }
    /// The department it is assigned to (staff only).
    async fn assigned_department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        let id = self.0.assigned_department_id.filter(|_| sees_internal_fields(ctx.principal()));
        load::<department::Entity, _>(ctx, id, Department).await
    }
    /// The staff member handling it (staff only).
    async fn assignee(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        let id = self.0.assignee_id.filter(|_| sees_internal_fields(ctx.principal()));
        load::<staff_member::Entity, _>(ctx, id, StaffMember).await
    }
    /// The day the office must have responded by (the lead UNDER_REVIEW; staff only).
    async fn respond_due_on(&self, ctx: &Context<'_>) -> Option<Date> {
        self.0.respond_due_on.filter(|_| sees_internal_fields(ctx.principal())).map(Date)
    }
    /// The day the office must have decided by (staff only).
    async fn decide_due_on(&self, ctx: &Context<'_>) -> Option<Date> {
        self.0.decide_due_on.filter(|_| sees_internal_fields(ctx.principal())).map(Date)
    }
    /// The day by which the partner hears the decision: what the city commits to.
    async fn feedback_due_on(&self) -> Option<Date> {
        self.0.feedback_due_on.map(Date)
    }
    /// Still unanswered after the response was due, or undecided after the
    /// decision was due, on the office's date.
    async fn is_overdue(&self, ctx: &Context<'_>) -> bool {
        crate::service::lead::is_overdue(&self.0, ctx.state().today())
    }
    /// The project it was converted into (staff only).
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        let id = sees_internal_fields(ctx.principal()).then_some(self.0.project_id).flatten();
        load::<project::Entity, _>(ctx, id, Project).await
    }
    /// The enterprise it was converted into or linked to (staff only).
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        let id = sees_internal_fields(ctx.principal()).then_some(self.0.enterprise_id).flatten();
        load::<enterprise::Entity, _>(ctx, id, Enterprise).await
    }
    /// The earlier lead it duplicates, if it duplicates a lead (staff only).
    async fn duplicate_of(&self, ctx: &Context<'_>) -> Result<Option<Lead>> {
        let id = sees_internal_fields(ctx.principal()).then_some(self.0.duplicate_of_lead_id).flatten();
        load::<lead::Entity, _>(ctx, id, Lead).await
    }
    /// The known enterprise it duplicates, if it duplicates one (staff only).
    async fn duplicate_of_enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        let id = sees_internal_fields(ctx.principal()).then_some(self.0.duplicate_of_enterprise_id).flatten();
        load::<enterprise::Entity, _>(ctx, id, Enterprise).await
    }
    /// When it was submitted.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// An API key. The secret is shown once at creation and never again.
pub struct ApiKey(pub api_key::Model);

/// An API key. The secret is shown once at creation and never again.
#[Object]
impl ApiKey {
    /// The key's global id.
    pub async fn id(&self) -> ID {
        ids::encode("ApiKey", self.0.id)
    }
    /// A name to recognise it by.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The first characters of the secret, to tell keys apart.
    async fn prefix(&self) -> &str {
        &self.0.key_prefix
    }
    /// The role it grants.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// The partner it belongs to, for a partner key.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        load::<partner::Entity, _>(ctx, self.0.partner_id, Partner).await
    }
    /// The staff member the key is bound to: changes made with it name them.
    async fn staff_member(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.staff_member_id, StaffMember).await
    }
    /// When it stops working.
    async fn expires_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.expires_at
    }
    /// When it was revoked.
    async fn revoked_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.revoked_at
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.last_used_at
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `partners`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct PartnerFilter {
    /// Text in the name.
    pub search: Option<String>,
    /// The kind.
    pub kind: Option<PartnerKind>,
    /// Active or deactivated.
    pub is_active: Option<bool>,
}

impl From<&PartnerFilter> for svc::PartnerFilter {
    fn from(f: &PartnerFilter) -> Self {
        Self { search: f.search.clone(), kind: f.kind.map(Into::into), is_active: f.is_active }
    }
}

/// Filters for `leads`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct LeadFilter {
    /// Text in the enterprise's name.
    pub search: Option<String>,
    /// The status.
    pub status: Option<LeadStatus>,
    /// The partner.
    pub partner_id: Option<ID>,
    /// The sector.
    pub sector_id: Option<ID>,
    /// The country or region code.
    pub country: Option<String>,
    /// The department it is assigned to (staff only: for others it matches nothing).
    pub assigned_department_id: Option<ID>,
    /// Past a deadline (true) or not (false), on the office's date.
    pub is_overdue: Option<bool>,
}

impl LeadFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::LeadFilter, ()> {
        Ok(svc::LeadFilter {
            search: self.search.clone(),
            status: self.status.map(Into::into),
            partner_id: ids::filter_id(&self.partner_id, "Partner")?,
            sector_id: ids::filter_id(&self.sector_id, "Sector")?,
            country: self.country.clone(),
            assigned_department_id: ids::filter_id(&self.assigned_department_id, "Department")?,
            is_overdue: self.is_overdue,
        })
    }
}

/// Filters for `apiKeys`.
#[derive(InputObject, Default, Clone)]
pub struct ApiKeyFilter {
    /// The partner.
    pub partner_id: Option<ID>,
    /// The role.
    pub role: Option<Role>,
}

impl ApiKeyFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::ApiKeyFilter, ()> {
        Ok(svc::ApiKeyFilter {
            partner_id: ids::filter_id(&self.partner_id, "Partner")?,
            role: self.role.map(Into::into),
        })
    }
}
