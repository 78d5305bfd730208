//! `Campaign`, its quotas and its report.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{campaign, department, quota, staff_member};

use super::catalog::{Department, Sector};
use super::incentive::Event;
use super::report::{DepartmentResult, SectorResult, WeekResult};
use super::staff_member::StaffMember;
use super::{load, page};
use crate::domain::money::Money;
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::{Ctx, OrGql};
use crate::graphql::ids;
use crate::graphql::loaders::{BreakdownKey, CampaignDistributionsKey, ReportKey};
use crate::graphql::scalars::{Date, Decimal};
use crate::service::visibility::sees_internal_fields;
use crate::service::{campaign as svc, report};

/// A campaign (招商活动): a drive over a period aimed at a source region, with
/// targets for signed agreements, total investment and foreign capital.
pub struct Campaign(pub campaign::Model);

/// A campaign (招商活动): a drive over a period aimed at a source region, with
/// targets for signed agreements, total investment and foreign capital.
#[Object]
impl Campaign {
    /// The campaign's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Campaign", self.0.id)
    }
    /// Its name, e.g. "2026年11月长三角招商月".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The source region it aims at, e.g. 长三角, 珠三角, or a country.
    async fn region(&self) -> &str {
        &self.0.region
    }
    /// First day of the campaign (office time zone).
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// Last day of the campaign, inclusive.
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// Whether agreements signed in its period count for it by default.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }
    /// Target number of signed agreements (staff only; null otherwise).
    async fn target_agreements(&self, ctx: &Context<'_>) -> Option<i32> {
        sees_internal_fields(ctx.principal()).then_some(self.0.target_agreements)
    }
    /// Target total investment (staff only).
    async fn target_investment(&self, ctx: &Context<'_>) -> Option<Decimal> {
        sees_internal_fields(ctx.principal()).then(|| Money::from_fen(self.0.target_investment_fen).into())
    }
    /// Target foreign capital (staff only).
    async fn target_foreign_capital(&self, ctx: &Context<'_>) -> Option<Decimal> {
        sees_internal_fields(ctx.principal()).then(|| Money::from_fen(self.0.target_foreign_capital_fen).into())
    }
    /// The campaign's results against its targets (staff only; null otherwise).
    async fn report(&self, ctx: &Context<'_>) -> Result<Option<CampaignReport>> {
        if !sees_internal_fields(ctx.principal()) {
            return Ok(None);
        }
        let figures = ctx.loader().load_one(ReportKey(self.0.id)).await.gql()?.unwrap_or_default();
        Ok(Some(CampaignReport { figures, campaign: self.0.clone() }))
    }
    /// Its key sectors (重点招商领域).
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Sector>> {
        children::<svc::CampaignSectors, _>(ctx.loader(), self.0.id, page(first, after, last, before), Sector).await
    }
    /// Its targets broken down per department and person (staff only).
    async fn quotas(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Quota>> {
        children::<svc::CampaignQuotas, _>(ctx.loader(), self.0.id, page(first, after, last, before), Quota).await
    }
    /// Its promotion events, latest first (staff only).
    async fn events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Event>> {
        children::<svc::CampaignEvents, _>(ctx.loader(), self.0.id, page(first, after, last, before), Event).await
    }
    /// When the campaign was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When the campaign was last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// A campaign's results, per the office's counting rules: each agreement counts
/// for exactly one campaign; a project's primary agreement counts once; a capital
/// increase adds its amounts but not to the counts.
pub struct CampaignReport {
    figures: report::Figures,
    campaign: campaign::Model,
}

impl CampaignReport {
    async fn breakdown(&self, ctx: &Context<'_>) -> Result<std::sync::Arc<crate::service::breakdown::Breakdown>> {
        self.breakdown_with(ctx, false).await
    }

    /// `supervised`: with the department rows' supervision counts, which scan
    /// every project and so are computed only when asked for.
    async fn breakdown_with(
        &self,
        ctx: &Context<'_>,
        supervised: bool,
    ) -> Result<std::sync::Arc<crate::service::breakdown::Breakdown>> {
        let key = BreakdownKey { campaign_id: self.campaign.id, supervised };
        Ok(ctx.loader().load_one(key).await.gql()?.unwrap_or_default())
    }
}

/// A campaign's results, per the office's counting rules: each agreement counts
/// for exactly one campaign; a project's primary agreement counts once; a capital
/// increase adds its amounts but not to the counts.
#[Object]
impl CampaignReport {
    /// N: primary agreements signed (签订合同、协议), increases not counted.
    async fn agreements_signed(&self) -> i32 {
        self.figures.agreements_signed as i32
    }
    /// X: total investment of all the campaign's agreements (总投资), increases by their increment.
    async fn total_investment(&self) -> Decimal {
        self.figures.total_investment.into()
    }
    /// Y: their foreign capital (合同、协议外资), likewise.
    async fn foreign_capital(&self) -> Decimal {
        self.figures.foreign_capital.into()
    }
    /// Promotion materials distributed (资料分发) on the campaign's days, by
    /// staff and partners alike.
    async fn materials_distributed(&self, ctx: &Context<'_>) -> Result<i32> {
        let n = ctx.loader().load_one(CampaignDistributionsKey(self.campaign.id)).await.gql()?.unwrap_or(0);
        Ok(i32::try_from(n).unwrap_or(i32::MAX))
    }
    /// M: primary agreements of kind CONTRACT (合同项目).
    async fn contract_projects(&self) -> i32 {
        self.figures.contract_projects as i32
    }
    /// Z: foreign capital of CONTRACT agreements, increases included (合同利用外资).
    async fn contract_foreign_capital(&self) -> Decimal {
        self.figures.contract_foreign_capital.into()
    }
    /// agreementsSigned ÷ targetAgreements; null when the target is 0.
    async fn agreements_completion(&self) -> Option<f64> {
        report::completion(self.figures.agreements_signed, self.campaign.target_agreements as i64)
    }
    /// totalInvestment ÷ targetInvestment; null when the target is 0.
    async fn investment_completion(&self) -> Option<f64> {
        report::completion(self.figures.total_investment.fen(), self.campaign.target_investment_fen)
    }
    /// foreignCapital ÷ targetForeignCapital; null when the target is 0.
    async fn foreign_capital_completion(&self) -> Option<f64> {
        report::completion(self.figures.foreign_capital.fen(), self.campaign.target_foreign_capital_fen)
    }
    /// Each department against its quota, in rank order (unranked ones after).
    /// The row of projects without a department is listed when they have
    /// agreements in the campaign, or when supervision counts
    /// (`redProjects`, `amberProjects`, `overdueRequests`, `overdueLeads`) are
    /// selected and it has something to supervise.
    async fn by_department(&self, ctx: &Context<'_>) -> Result<Vec<DepartmentResult>> {
        let look = ctx.look_ahead();
        let supervised =
            ["redProjects", "amberProjects", "overdueRequests", "overdueLeads"].iter().any(|f| look.field(f).exists());
        Ok(self.breakdown_with(ctx, supervised).await?.departments.iter().cloned().map(DepartmentResult).collect())
    }
    /// Each sector's agreements, largest investment first.
    async fn by_sector(&self, ctx: &Context<'_>) -> Result<Vec<SectorResult>> {
        Ok(self.breakdown(ctx).await?.sectors.iter().cloned().map(SectorResult).collect())
    }
    /// Agreements per ISO week (office time zone), with running totals.
    async fn weekly(&self, ctx: &Context<'_>) -> Result<Vec<WeekResult>> {
        Ok(self.breakdown(ctx).await?.weeks.iter().cloned().map(WeekResult).collect())
    }
    /// 开工率: of the projects whose primary agreement counts here, the share
    /// under construction or in production; null without such projects.
    async fn start_rate(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        Ok(self.breakdown(ctx).await?.start_rate)
    }
    /// 资金到位率: capital arrived for those projects ÷ their agreements' total
    /// investment in this campaign; null when that is 0.
    async fn funds_in_place_rate(&self, ctx: &Context<'_>) -> Result<Option<f64>> {
        Ok(self.breakdown(ctx).await?.funds_in_place_rate)
    }
    /// The result in the office's fixed sentence, amounts in 亿元 rounded half-up
    /// to two decimals: 共签订合同、协议N个，总投资X亿元，…
    async fn summary(&self) -> String {
        report::summary(&self.figures)
    }
}

/// A department's (or one of its people's) share of a campaign's targets (任务分解).
pub struct Quota(pub quota::Model);

/// A department's (or one of its people's) share of a campaign's targets (任务分解).
#[Object]
impl Quota {
    /// The quota's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Quota", self.0.id)
    }
    /// The campaign.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load::<campaign::Entity, _>(ctx, Some(self.0.campaign_id), Campaign).await
    }
    /// The department.
    async fn department(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        load::<department::Entity, _>(ctx, Some(self.0.department_id), Department).await
    }
    /// The person's name, for a quota split per person (the staff member's
    /// name when it names one); null for the department's own.
    async fn person(&self) -> Option<&str> {
        Some(self.0.person.as_str()).filter(|p| !p.is_empty())
    }
    /// The staff member whose share this is; null for the department's own
    /// quota and for one split by free-text name.
    async fn staff_member(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.staff_member_id, StaffMember).await
    }
    /// Target number of signed agreements.
    async fn target_agreements(&self) -> i32 {
        self.0.target_agreements
    }
    /// Target total investment.
    async fn target_investment(&self) -> Decimal {
        Money::from_fen(self.0.target_investment_fen).into()
    }
    /// Target foreign capital.
    async fn target_foreign_capital(&self) -> Decimal {
        Money::from_fen(self.0.target_foreign_capital_fen).into()
    }
}

/// Filters for `campaigns`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct CampaignFilter {
    /// Text in the name.
    pub search: Option<String>,
    /// The source region, exactly.
    pub region: Option<String>,
    /// Campaigns whose period contains this date.
    pub active_on: Option<Date>,
    /// Campaigns starting on or after this date.
    pub starts_from: Option<Date>,
    /// Campaigns starting on or before this date.
    pub starts_to: Option<Date>,
}

impl From<&CampaignFilter> for svc::CampaignFilter {
    fn from(f: &CampaignFilter) -> Self {
        Self {
            search: f.search.clone(),
            region: f.region.clone(),
            active_on: f.active_on.map(|d| d.0),
            starts_from: f.starts_from.map(|d| d.0),
            starts_to: f.starts_to.map(|d| d.0),
        }
    }
}

order_input!(
    CampaignOrder,
    CampaignOrderField,
    "campaigns",
    remote = "svc::CampaignOrderField",
    [
        /// When the campaign was created.
        CreatedAt,
        /// Its first day.
        StartsOn,
        /// Its name.
        Name,
    ]
);
