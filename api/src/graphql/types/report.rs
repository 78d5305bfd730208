//! The report's breakdowns: per department and person, per sector, per week;
//! and a partner's performance.

use async_graphql::{Context, Object, Result, SimpleObject};
use entity::{sector, staff_member};

use super::catalog::{Department, Sector};
use super::load;
use super::staff_member::StaffMember;
use crate::graphql::scalars::{Date, Decimal};
use crate::service::breakdown::{DepartmentRow, Performance, PersonRow, SectorRow, WeekRow};

/// A department's result against its quota. The row whose `department` is null
/// gathers the projects without a department.
pub struct DepartmentResult(pub DepartmentRow);

/// A department's result against its quota. The row whose `department` is null
/// gathers the projects without a department.
#[Object]
impl DepartmentResult {
    /// The department; null for projects without one.
    async fn department(&self) -> Option<Department> {
        self.0.department.clone().map(Department)
    }
    /// Its quota's target number of agreements; null without a quota.
    async fn target_agreements(&self) -> Option<i32> {
        self.0.target.map(|t| t.agreements)
    }
    /// Its quota's target investment; null without a quota.
    async fn target_investment(&self) -> Option<Decimal> {
        self.0.target.map(|t| t.investment.into())
    }
    /// Its quota's target foreign capital; null without a quota.
    async fn target_foreign_capital(&self) -> Option<Decimal> {
        self.0.target.map(|t| t.foreign_capital.into())
    }
    /// Primary agreements of its projects.
    async fn agreements_signed(&self) -> i32 {
        self.0.actual.agreements as i32
    }
    /// Total investment of its projects' agreements.
    async fn total_investment(&self) -> Decimal {
        self.0.actual.investment.into()
    }
    /// Foreign capital of its projects' agreements.
    async fn foreign_capital(&self) -> Decimal {
        self.0.actual.foreign_capital.into()
    }
    /// agreements ÷ target × 50% + investment ÷ target × 50% (one half weighs
    /// 100% where the other target is 0); 1.0 = quota met; null without a quota
    /// or with both targets 0.
    async fn score(&self) -> Option<f64> {
        self.0.score
    }
    /// 1 = best score; null for unranked departments.
    async fn rank(&self) -> Option<i32> {
        self.0.rank
    }
    /// Its projects at RED health today (督办), whatever the campaign.
    async fn red_projects(&self) -> i64 {
        self.0.supervision.red_projects
    }
    /// Its projects at AMBER health today.
    async fn amber_projects(&self) -> i64 {
        self.0.supervision.amber_projects
    }
    /// Its service requests overdue today.
    async fn overdue_requests(&self) -> i64 {
        self.0.supervision.overdue_requests
    }
    /// Partners' leads assigned to it and overdue today.
    async fn overdue_leads(&self) -> i64 {
        self.0.supervision.overdue_leads
    }
    /// The department's quota split per person, in rank order (unranked last,
    /// by name): each staff member's share matched on projects'
    /// `responsibleStaff`, a free-text name's (deprecated) on the
    /// `responsiblePerson` of projects without one.
    async fn persons(&self) -> Vec<PersonResult> {
        self.0.persons.iter().cloned().map(PersonResult).collect()
    }
}

/// A responsible person's result against their share of a department's quota.
pub struct PersonResult(pub PersonRow);

/// A responsible person's result against their share of a department's quota.
#[Object]
impl PersonResult {
    /// The person's name (the staff member's, where the quota names one).
    async fn person(&self) -> &str {
        &self.0.person
    }
    /// The staff member whose share this is; null for a quota split by
    /// free-text name.
    async fn staff_member(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.staff_member_id, StaffMember).await
    }
    /// Target number of agreements.
    async fn target_agreements(&self) -> i32 {
        self.0.target.agreements
    }
    /// Target investment.
    async fn target_investment(&self) -> Decimal {
        self.0.target.investment.into()
    }
    /// Primary agreements of the person's projects.
    async fn agreements_signed(&self) -> i32 {
        self.0.actual.agreements as i32
    }
    /// Total investment of the person's projects' agreements.
    async fn total_investment(&self) -> Decimal {
        self.0.actual.investment.into()
    }
    /// Target foreign capital.
    async fn target_foreign_capital(&self) -> Decimal {
        self.0.target.foreign_capital.into()
    }
    /// Foreign capital of the person's projects' agreements.
    async fn foreign_capital(&self) -> Decimal {
        self.0.actual.foreign_capital.into()
    }
    /// The score, as for a department: 1.0 = share met; null with both
    /// targets 0.
    async fn score(&self) -> Option<f64> {
        self.0.score
    }
    /// 1 = best score among the department's persons (ties share a rank);
    /// null when unscored.
    async fn rank(&self) -> Option<i32> {
        self.0.rank
    }
}

/// A sector's share of a campaign's result.
pub struct SectorResult(pub SectorRow);

/// A sector's share of a campaign's result.
#[Object]
impl SectorResult {
    /// The sector.
    async fn sector(&self, ctx: &Context<'_>) -> Result<Option<Sector>> {
        load::<sector::Entity, _>(ctx, Some(self.0.sector_id), Sector).await
    }
    /// Primary agreements in the sector.
    async fn agreements_signed(&self) -> i32 {
        self.0.actual.agreements as i32
    }
    /// Total investment in the sector.
    async fn total_investment(&self) -> Decimal {
        self.0.actual.investment.into()
    }
    /// Foreign capital in the sector.
    async fn foreign_capital(&self) -> Decimal {
        self.0.actual.foreign_capital.into()
    }
}

/// One ISO week (office time zone) of a campaign, and the running totals.
pub struct WeekResult(pub WeekRow);

/// One ISO week (office time zone) of a campaign, and the running totals.
#[Object]
impl WeekResult {
    /// The ISO week, e.g. `2026-W46`.
    async fn week(&self) -> &str {
        &self.0.week
    }
    /// Its Monday.
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    /// Primary agreements signed in the week.
    async fn agreements_signed(&self) -> i32 {
        self.0.actual.agreements as i32
    }
    /// Total investment signed in the week.
    async fn total_investment(&self) -> Decimal {
        self.0.actual.investment.into()
    }
    /// Foreign capital signed in the week.
    async fn foreign_capital(&self) -> Decimal {
        self.0.actual.foreign_capital.into()
    }
    /// Primary agreements up to the end of the week.
    async fn cumulative_agreements(&self) -> i32 {
        self.0.cumulative.agreements as i32
    }
    /// Total investment up to the end of the week.
    async fn cumulative_investment(&self) -> Decimal {
        self.0.cumulative.investment.into()
    }
    /// Foreign capital up to the end of the week.
    async fn cumulative_foreign_capital(&self) -> Decimal {
        self.0.cumulative.foreign_capital.into()
    }
}

/// What a partner's leads came to.
#[derive(SimpleObject)]
pub struct PartnerPerformance {
    /// Leads submitted.
    pub leads_submitted: i32,
    /// Leads accepted.
    pub leads_accepted: i32,
    /// Leads rejected.
    pub leads_rejected: i32,
    /// Leads marked duplicate.
    pub leads_duplicate: i32,
    /// Leads converted into projects.
    pub leads_converted: i32,
    /// Leads it was owed an answer on by today: decided, or undecided past
    /// their `feedbackDueOn` (withdrawn leads aside).
    pub leads_due_for_answer: i32,
    /// Of those, the ones decided on or before their `feedbackDueOn`.
    pub leads_answered_on_time: i32,
    /// `leadsAnsweredOnTime ÷ leadsDueForAnswer`, the city's promise to its
    /// partners kept; null when none was due.
    pub on_time_answer_rate: Option<f64>,
    /// Projects from its leads that have signed.
    pub projects_signed: i32,
    /// The total investment of those projects' agreements.
    pub signed_investment: Decimal,
    /// Promotion materials it recorded as passed on to enterprises (资料分发).
    pub materials_distributed: i32,
}

impl From<Performance> for PartnerPerformance {
    fn from(p: Performance) -> Self {
        PartnerPerformance {
            leads_submitted: p.submitted as i32,
            leads_accepted: p.accepted as i32,
            leads_rejected: p.rejected as i32,
            leads_duplicate: p.duplicate as i32,
            leads_converted: p.converted as i32,
            leads_due_for_answer: p.answers_due as i32,
            leads_answered_on_time: p.answered_on_time as i32,
            on_time_answer_rate: (p.answers_due > 0).then(|| p.answered_on_time as f64 / p.answers_due as f64),
            projects_signed: p.projects_signed as i32,
            signed_investment: p.signed_investment.into(),
            materials_distributed: 0,
        }
    }
}
