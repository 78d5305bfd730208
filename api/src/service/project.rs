//! Investment projects (项目) and their pipeline history.

use entity::enums::ProjectStage;
use entity::{capital_arrival, project, project_stage_change};
use sea_orm::{ColumnTrait, Condition};

use super::filter::{all, eq, gte, lte, search};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use crate::auth::Principal;
use crate::domain::money::Money;
use crate::service::visibility::sees_internal_fields;

#[derive(Debug, Default, Clone)]
pub struct ProjectFilter {
    pub search: Option<String>,
    pub sector_id: Option<i64>,
    pub stage: Option<ProjectStage>,
    pub campaign_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub park_id: Option<i64>,
    pub department_id: Option<i64>,
    pub is_high_tech: Option<bool>,
    pub is_major: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_published: Option<bool>,
    pub min_investment: Option<Money>,
    pub max_investment: Option<Money>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectOrderField {
    CreatedAt,
    UpdatedAt,
    Name,
    PlannedInvestment,
}

/// The filter's condition. Filtering on a field the principal may not see (the
/// enterprise, department or campaign of a published project, for the public)
/// matches nothing, so that a filter cannot reveal a hidden link.
pub fn condition(f: &ProjectFilter, principal: &Principal, major_threshold: Money) -> Option<Condition> {
    use project::Column as C;
    let internal = f.campaign_id.is_some() || f.enterprise_id.is_some() || f.department_id.is_some();
    if internal && !sees_internal_fields(principal) {
        return None;
    }
    let major = f.is_major.map(|m| {
        if m {
            C::PlannedInvestmentFen.gte(major_threshold.fen())
        } else {
            C::PlannedInvestmentFen.lt(major_threshold.fen())
        }
    });
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::SectorId, f.sector_id),
        eq(C::Stage, f.stage),
        eq(C::CampaignId, f.campaign_id),
        eq(C::EnterpriseId, f.enterprise_id),
        eq(C::ParkId, f.park_id),
        eq(C::DepartmentId, f.department_id),
        eq(C::IsHighTech, f.is_high_tech),
        major,
        eq(C::IsForeignInvested, f.is_foreign_invested),
        eq(C::IsPublished, f.is_published),
        gte(C::PlannedInvestmentFen, f.min_investment.map(Money::fen)),
        lte(C::PlannedInvestmentFen, f.max_investment.map(Money::fen)),
    ]))
}

pub fn ordering(field: ProjectOrderField, direction: Direction) -> Ordering<project::Entity> {
    use project::{Column, Model};
    match field {
        ProjectOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        ProjectOrderField::UpdatedAt => Ordering {
            name: "UPDATED_AT",
            column: Column::UpdatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.updated_at),
        },
        ProjectOrderField::Name => {
            Ordering { name: "NAME", column: Column::Name, direction, key: |m: &Model| SortKey::Text(m.name.clone()) }
        }
        ProjectOrderField::PlannedInvestment => Ordering {
            name: "PLANNED_INVESTMENT",
            column: Column::PlannedInvestmentFen,
            direction,
            key: |m: &Model| SortKey::Int(m.planned_investment_fen),
        },
    }
}

/// `Enterprise.projects`.
pub struct EnterpriseProjects;

impl ChildList for EnterpriseProjects {
    type Entity = project::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("projects", "enterprise_id")
    }
    fn order() -> Ordering<project::Entity> {
        ordering(ProjectOrderField::CreatedAt, Direction::Desc)
    }
}

/// `Project.stageHistory`: every change of stage, latest first.
pub struct StageHistory;

impl ChildList for StageHistory {
    type Entity = project_stage_change::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("project_stage_changes", "project_id")
    }
    fn order() -> Ordering<project_stage_change::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: project_stage_change::Column::CreatedAt,
            direction: Direction::Desc,
            key: |m: &project_stage_change::Model| SortKey::Time(m.created_at),
        }
    }
}

/// `Project.capitalArrivals`: money actually paid in (到资), latest first.
pub struct CapitalArrivals;

impl ChildList for CapitalArrivals {
    type Entity = capital_arrival::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("capital_arrivals", "project_id")
    }
    fn order() -> Ordering<capital_arrival::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: capital_arrival::Column::CreatedAt,
            direction: Direction::Desc,
            key: |m: &capital_arrival::Model| SortKey::Time(m.created_at),
        }
    }
}
