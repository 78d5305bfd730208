//! `Project`, its stage history and capital arrivals.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{
    campaign, capital_arrival, department, enterprise, park, partner, project, project_stage_change, sector,
    staff_member,
};

use super::agreement::Agreement;
use super::campaign::Campaign;
use super::catalog::{Department, Park, Sector};
use super::enterprise::Enterprise;
use super::enums::{ProjectStage, Role};
use super::follow_up::FollowUp;
use super::geo::{BoundingBoxInput, GeoPoint};
use super::health::{HealthLevel, ProjectHealth};
use super::incentive::Incentive;
use super::partner::Partner;
use super::service_request::ServiceRequest;
use super::staff_member::StaffMember;
use super::{load, page};
use crate::domain::geo::Position;
use crate::domain::money::Money;
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::{Ctx, OrGql};
use crate::graphql::ids;
use crate::graphql::loaders::EligibleKey;
use crate::graphql::scalars::{Date, Decimal};
use crate::service::visibility::sees_internal_fields;
use crate::service::{agreement as agreement_svc, project as svc};

/// An investment project (项目): one investment intention moving through the
/// pipeline. Published projects form the public promotion catalogue.
pub struct Project(pub project::Model);

impl Project {
    fn internal<T>(ctx: &Context<'_>, value: T) -> Option<T> {
        sees_internal_fields(ctx.principal()).then_some(value)
    }
}

/// An investment project (项目): one investment intention moving through the
/// pipeline. Published projects form the public promotion catalogue.
#[Object]
impl Project {
    /// The project's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Project", self.0.id)
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
        crate::graphql::connection::children::<crate::service::attachment::ProjectAttachments, _>(
            ctx.loader(),
            self.0.id,
            page,
            wrap,
        )
        .await
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the project is.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Its stage in the pipeline.
    async fn stage(&self) -> ProjectStage {
        self.0.stage.into()
    }
    /// Planned total investment.
    async fn planned_investment(&self) -> Decimal {
        Money::from_fen(self.0.planned_investment_fen).into()
    }
    /// Planned foreign capital.
    async fn foreign_capital(&self) -> Decimal {
        Money::from_fen(self.0.foreign_capital_fen).into()
    }
    /// A high-tech project (高科技).
    async fn is_high_tech(&self) -> bool {
        self.0.is_high_tech
    }
    /// A major project (大项目): planned investment at or above the configured
    /// threshold (1 亿元 by default).
    async fn is_major(&self, ctx: &Context<'_>) -> bool {
        self.0.planned_investment_fen >= ctx.state().config.major_project_threshold.fen()
    }
    /// Foreign direct investment (外商直接投资).
    async fn is_foreign_invested(&self) -> bool {
        self.0.is_foreign_invested
    }
    /// In the public promotion catalogue.
    async fn is_published(&self) -> bool {
        self.0.is_published
    }
    /// The investing enterprise; null before an investor is known, and for
    /// anyone but staff.
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        load::<enterprise::Entity, _>(ctx, self.0.enterprise_id, Enterprise).await
    }
    /// Its industry.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        load::<sector::Entity, _>(ctx, Some(self.0.sector_id), Sector).await
    }
    /// The industrial park where it lands.
    async fn park(&self, ctx: &Context<'_>) -> Result<Option<Park>> {
        load::<park::Entity, _>(ctx, self.0.park_id, Park).await
    }
    /// Where it lands (WGS-84), when known.
    async fn location(&self) -> Option<GeoPoint> {
        Position::stored(self.0.longitude_e7, self.0.latitude_e7).map(GeoPoint::from)
    }
    /// The department that owns it (staff only).
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        load::<department::Entity, _>(ctx, self.0.department_id, Department).await
    }
    /// The campaign it is worked under (staff only).
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load::<campaign::Entity, _>(ctx, Self::internal(ctx, self.0.campaign_id).flatten(), Campaign).await
    }
    /// The responsible person's name (staff only): the free text given, else
    /// the responsible staff member's name.
    #[graphql(deprecation = "Use `responsibleStaff`; free text cannot be ranked or held to account.")]
    async fn responsible_person(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if let Some(name) = Self::internal(ctx, self.0.responsible_person.clone()).flatten() {
            return Ok(Some(name));
        }
        let staff = load::<staff_member::Entity, _>(ctx, self.0.responsible_staff_id, |m| m.name).await?;
        Ok(staff)
    }
    /// The staff member responsible for it (staff only): their person row in
    /// the report counts its agreements.
    async fn responsible_staff(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.responsible_staff_id, StaffMember).await
    }
    /// Internal notes (staff only).
    async fn notes(&self, ctx: &Context<'_>) -> Option<&str> {
        Self::internal(ctx, self.0.notes.as_deref()).flatten()
    }
    /// The partner whose lead brought the project (staff only).
    async fn source_partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        load::<partner::Entity, _>(ctx, Self::internal(ctx, self.0.source_partner_id).flatten(), Partner).await
    }
    /// Its signed agreements: the primary one and any increases (staff only).
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Agreement>> {
        children::<agreement_svc::ProjectAgreements, _>(
            ctx.loader(),
            self.0.id,
            page(first, after, last, before),
            Agreement,
        )
        .await
    }
    /// Every change of stage, latest first (staff only).
    async fn stage_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<StageChange>> {
        children::<svc::StageHistory, _>(ctx.loader(), self.0.id, page(first, after, last, before), StageChange).await
    }
    /// Capital actually paid in (到资), latest first (staff only).
    async fn capital_arrivals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<CapitalArrival>> {
        children::<svc::CapitalArrivals, _>(ctx.loader(), self.0.id, page(first, after, last, before), CapitalArrival)
            .await
    }
    /// The incentives the project qualifies for today, by their eligibility rules
    /// (published ones only, for anyone but staff).
    async fn eligible_incentives(&self, ctx: &Context<'_>) -> Result<Vec<Incentive>> {
        let list = ctx.loader().load_one(EligibleKey(self.0.id)).await.gql()?.unwrap_or_default();
        Ok(list.into_iter().map(Incentive).collect())
    }
    /// Its health (项目体检): the rules it breaks and the worst of them
    /// (staff only; null for others).
    async fn health(&self, ctx: &Context<'_>) -> Result<Option<ProjectHealth>> {
        if !sees_internal_fields(ctx.principal()) {
            return Ok(None);
        }
        let reasons = ctx.loader().load_one(crate::graphql::loaders::HealthKey(self.0.id)).await.gql()?;
        let reasons = reasons.unwrap_or_default();
        let level = crate::service::health::level(&reasons).into();
        Ok(Some(ProjectHealth { level, reasons: reasons.into_iter().map(Into::into).collect() }))
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
        children::<crate::service::follow_up::ProjectFollowUps, _>(ctx.loader(), self.0.id, page, FollowUp).await
    }
    /// The day of the latest follow-up, in the office's time zone (staff only).
    async fn last_follow_up_on(&self, ctx: &Context<'_>) -> Result<Option<Date>> {
        if !ctx.principal().is_staff() {
            return Ok(None);
        }
        let key = crate::graphql::loaders::LastFollowUpKey::Project(self.0.id);
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
        children::<crate::service::service_request::ProjectRequests, _>(ctx.loader(), self.0.id, page, ServiceRequest)
            .await
    }
    /// When the project was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When the project was last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// One change of a project's stage.
pub struct StageChange(pub project_stage_change::Model);

/// One change of a project's stage.
#[Object]
impl StageChange {
    /// The change's global id.
    pub async fn id(&self) -> ID {
        ids::encode("StageChange", self.0.id)
    }
    /// The stage before; null for the project's first stage.
    async fn from(&self) -> Option<ProjectStage> {
        self.0.from_stage.map(Into::into)
    }
    /// The stage after.
    async fn to(&self) -> ProjectStage {
        self.0.to_stage.into()
    }
    /// The staff member who made the move, when the key was bound to one;
    /// null for partner keys and unbound keys.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.changed_by_staff_id, StaffMember).await
    }
    /// The role of whoever made the change.
    async fn changed_by_role(&self) -> Role {
        self.0.changed_by_role.into()
    }
    /// Why.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// When.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Capital actually paid in for a project (到资).
pub struct CapitalArrival(pub capital_arrival::Model);

/// Capital actually paid in for a project (到资).
#[Object]
impl CapitalArrival {
    /// The arrival's global id.
    pub async fn id(&self) -> ID {
        ids::encode("CapitalArrival", self.0.id)
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        load::<project::Entity, _>(ctx, Some(self.0.project_id), Project).await
    }
    /// The day the money arrived.
    async fn arrived_on(&self) -> Date {
        Date(self.0.arrived_on)
    }
    /// How much.
    async fn amount(&self) -> Decimal {
        Money::from_fen(self.0.amount_fen).into()
    }
    /// When it was recorded.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `projects`; fields combine with AND. Filters on the enterprise,
/// department or campaign match nothing for callers who may not see them.
#[derive(InputObject, Default, Clone)]
pub struct ProjectFilter {
    /// Text in the name: Chinese or Latin, case-insensitive for Latin letters.
    pub search: Option<String>,
    /// The sector.
    pub sector_id: Option<ID>,
    /// The stage.
    pub stage: Option<ProjectStage>,
    /// The campaign.
    pub campaign_id: Option<ID>,
    /// The investing enterprise.
    pub enterprise_id: Option<ID>,
    /// The park.
    pub park_id: Option<ID>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// High-tech or not.
    pub is_high_tech: Option<bool>,
    /// Major project or not.
    pub is_major: Option<bool>,
    /// Foreign direct investment or not.
    pub is_foreign_invested: Option<bool>,
    /// Published or not.
    pub is_published: Option<bool>,
    /// Planned investment at least this.
    pub min_investment: Option<Decimal>,
    /// Planned investment at most this.
    pub max_investment: Option<Decimal>,
    /// Its health level (staff only: for others it matches nothing).
    pub health: Option<HealthLevel>,
    /// Located inside this WGS-84 box (projects without a location never are).
    pub bounding_box: Option<BoundingBoxInput>,
}

impl ProjectFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::ProjectFilter, ()> {
        Ok(svc::ProjectFilter {
            search: self.search.clone(),
            sector_id: ids::filter_id(&self.sector_id, "Sector")?,
            stage: self.stage.map(Into::into),
            campaign_id: ids::filter_id(&self.campaign_id, "Campaign")?,
            enterprise_id: ids::filter_id(&self.enterprise_id, "Enterprise")?,
            park_id: ids::filter_id(&self.park_id, "Park")?,
            department_id: ids::filter_id(&self.department_id, "Department")?,
            is_high_tech: self.is_high_tech,
            is_major: self.is_major,
            is_foreign_invested: self.is_foreign_invested,
            is_published: self.is_published,
            min_investment: self.min_investment.map(|d| d.0),
            max_investment: self.max_investment.map(|d| d.0),
            health: self.health.map(Into::into),
            bounding_box: self.bounding_box.map(BoundingBoxInput::to_domain).transpose().map_err(|_| ())?,
        })
    }
}

order_input!(
    ProjectOrder,
    ProjectOrderField,
    "projects",
    remote = "svc::ProjectOrderField",
    [
        /// When the project was created.
        CreatedAt,
        /// When it was last changed.
        UpdatedAt,
        /// Its name.
        Name,
        /// Its planned investment.
        PlannedInvestment,
    ]
);
