//! Project health (项目体检, the basis of 督办): six rules over a project's
//! data, each one SQL condition on `projects`, so that a page's reasons cost
//! one statement per rule whatever its size. The level is the worst reason's;
//! GREEN with none. Days are the office's calendar days. Lists filtered by
//! level and the report's counts read the same rules kept as dates
//! ([`super::health_dates`]).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, TimeZone};
use entity::enums::{ProjectStage, ServiceRequestStatus};
use entity::{agreement, capital_arrival, follow_up, project, project_stage_change, service_request};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, QueryStatementBuilder, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// How bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Green,
    Amber,
    Red,
}

/// Why a project is not GREEN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// RED: its primary agreement was signed `signed_not_started_days` or more
    /// ago and construction has not started.
    SignedNotStarted,
    /// RED: under construction for `no_capital_days` or more, with no capital
    /// arrival in the last `no_capital_days`.
    NoCapitalAfterStart,
    /// RED: one of its service requests is overdue.
    OverdueRequests,
    /// AMBER: construction started `low_funds_days` or more ago and arrived
    /// capital is under `low_funds_basis_points` of its agreements' total.
    LowFundsInPlace,
    /// AMBER: neither a follow-up nor a stage change for `no_follow_up_days`
    /// (not for LOST or IN_PRODUCTION projects).
    NoFollowUp,
    /// AMBER: paused at STALLED.
    Stalled,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::SignedNotStarted,
        Reason::NoCapitalAfterStart,
        Reason::OverdueRequests,
        Reason::LowFundsInPlace,
        Reason::NoFollowUp,
        Reason::Stalled,
    ];

    pub fn level(self) -> Level {
        match self {
            Reason::SignedNotStarted | Reason::NoCapitalAfterStart | Reason::OverdueRequests => Level::Red,
            Reason::LowFundsInPlace | Reason::NoFollowUp | Reason::Stalled => Level::Amber,
        }
    }
}

/// The rules' thresholds (ZHAOSHANG_HEALTH_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Thresholds {
    pub signed_not_started_days: u32,
    pub no_capital_days: u32,
    pub low_funds_days: u32,
    /// 1500 is 15.00%.
    pub low_funds_basis_points: u32,
    pub no_follow_up_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            signed_not_started_days: 365,
            no_capital_days: 90,
            low_funds_days: 180,
            low_funds_basis_points: 1500,
            no_follow_up_days: 30,
        }
    }
}

/// The office's date and time zone, and the thresholds: what the rules are
/// evaluated against.
#[derive(Debug, Clone, Copy)]
pub struct Checkup {
    pub today: NaiveDate,
    pub tz: chrono_tz::Tz,
    pub thresholds: Thresholds,
}

impl Checkup {
    /// The day `days` days before today.
    fn day(&self, days: u32) -> NaiveDate {
        self.today - Duration::days(days.into())
    }

    /// The first instant after the office's day `days` days ago: a timestamp
    /// before it fell on that day or earlier.
    fn end_of(&self, days: u32) -> chrono::DateTime<chrono::Utc> {
        let next = self.day(days) + Duration::days(1);
        let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.tz.from_local_datetime(&midnight).earliest().map(|t| t.to_utc()).unwrap_or_else(|| midnight.and_utc())
    }

    /// The SQL condition on `projects` that `reason` holds.
    pub fn holds(&self, reason: Reason) -> SimpleExpr {
        let t = &self.thresholds;
        let before_construction = [
            ProjectStage::Lead,
            ProjectStage::Contacted,
            ProjectStage::Negotiating,
            ProjectStage::Signed,
            ProjectStage::Registered,
        ];
        match reason {
            Reason::SignedNotStarted => {
                let signed = Query::select()
                    .expr(Expr::val(1))
                    .from(agreement::Entity)
                    .and_where(outer(agreement::Column::PrimaryProjectId))
                    .and_where(agreement::Column::SignedOn.lte(self.day(t.signed_not_started_days)))
                    .to_owned();
                Condition::all().add(project::Column::Stage.is_in(before_construction)).add(Expr::exists(signed)).into()
            }
            Reason::NoCapitalAfterStart => Condition::all()
                .add(project::Column::Stage.eq(ProjectStage::UnderConstruction))
                .add(started_before(self.end_of(t.no_capital_days)))
                .add(Expr::exists(arrived_since(self.day(t.no_capital_days))).not())
                .into(),
            Reason::OverdueRequests => {
                let late = Query::select()
                    .expr(Expr::val(1))
                    .from(service_request::Entity)
                    .and_where(outer(service_request::Column::ProjectId))
                    .and_where(
                        service_request::Column::Status
                            .is_in([ServiceRequestStatus::Open, ServiceRequestStatus::Accepted]),
                    )
                    .and_where(service_request::Column::DueOn.lt(self.today))
                    .to_owned();
                Expr::exists(late)
            }
            Reason::LowFundsInPlace => {
                let arrived = Query::select()
                    .expr(Expr::col(capital_arrival::Column::AmountFen).sum())
                    .from(capital_arrival::Entity)
                    .and_where(outer(capital_arrival::Column::ProjectId))
                    .to_owned();
                let total = Query::select()
                    .expr(Expr::col(agreement::Column::TotalInvestmentFen).sum())
                    .from(agreement::Entity)
                    .and_where(outer(agreement::Column::ProjectId))
                    .to_owned();
                let sum_of = |q: SelectStatement| -> SimpleExpr {
                    let sub = SimpleExpr::SubQuery(None, Box::new(q.into_sub_query_statement()));
                    Func::coalesce([sub, Expr::val(0)]).into()
                };
                let (arrived, total) = (sum_of(arrived), sum_of(total));
                Condition::all()
                    .add(project::Column::Stage.is_in([ProjectStage::UnderConstruction, ProjectStage::InProduction]))
                    .add(started_before(self.end_of(t.low_funds_days)))
                    .add(arrived.mul(10_000).lt(total.mul(i64::from(t.low_funds_basis_points))))
                    .into()
            }
            Reason::NoFollowUp => {
                let since = self.day(t.no_follow_up_days);
                let visited = Query::select()
                    .expr(Expr::val(1))
                    .from(follow_up::Entity)
                    .and_where(outer(follow_up::Column::ProjectId))
                    .and_where(follow_up::Column::OccurredOn.gt(since))
                    .to_owned();
                let moved = Query::select()
                    .expr(Expr::val(1))
                    .from(project_stage_change::Entity)
                    .and_where(outer(project_stage_change::Column::ProjectId))
                    .and_where(project_stage_change::Column::CreatedAt.gte(self.end_of(t.no_follow_up_days)))
                    .to_owned();
                Condition::all()
                    .add(project::Column::Stage.is_not_in([ProjectStage::Lost, ProjectStage::InProduction]))
                    .add(Expr::exists(visited).not())
                    .add(Expr::exists(moved).not())
                    .into()
            }
            Reason::Stalled => project::Column::Stage.eq(ProjectStage::Stalled),
        }
    }

    /// The reasons of each of `ids`: one statement per rule.
    pub async fn reasons<C: ConnectionTrait>(
        &self,
        db: &C,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<Reason>>, sea_orm::DbErr> {
        let mut out: HashMap<i64, Vec<Reason>> = ids.iter().map(|id| (*id, Vec::new())).collect();
        for reason in Reason::ALL {
            let hits: Vec<i64> = project::Entity::find()
                .select_only()
                .column(project::Column::Id)
                .filter(project::Column::Id.is_in(ids.iter().copied()))
                .filter(self.holds(reason))
                .into_tuple()
                .all(db)
                .await?;
            for id in hits {
                out.entry(id).or_default().push(reason);
            }
        }
        Ok(out)
    }
}

/// The supervision list (督办清单): every RED project with its reasons, by
/// department name, then project name. Seven statements, the first reading
/// the kept health dates.
pub async fn red_list<C: ConnectionTrait>(db: &C, checkup: &Checkup) -> Result<Vec<RedProject>, sea_orm::DbErr> {
    let red = project::Entity::find().filter(super::health_dates::level_is(Level::Red, checkup.today)).all(db).await?;
    let ids: Vec<i64> = red.iter().map(|p| p.id).collect();
    let mut reasons = checkup.reasons(db, &ids).await?;
    let mut out: Vec<RedProject> = red
        .into_iter()
        .map(|p| RedProject { reasons: reasons.remove(&p.id).unwrap_or_default(), project: p })
        .collect();
    out.sort_by(|a, b| (a.project.department_id, &a.project.name).cmp(&(b.project.department_id, &b.project.name)));
    Ok(out)
}

/// A row of the supervision list.
#[derive(Debug, Clone)]
pub struct RedProject {
    pub project: project::Model,
    pub reasons: Vec<Reason>,
}

impl Reason {
    /// The reason as the office writes it.
    pub fn label(self) -> &'static str {
        match self {
            Reason::SignedNotStarted => "签约满一年未开工",
            Reason::NoCapitalAfterStart => "开工后长期无资金到位",
            Reason::OverdueRequests => "企业诉求超期未办结",
            Reason::LowFundsInPlace => "资金到位率偏低",
            Reason::NoFollowUp => "长期未跟进",
            Reason::Stalled => "项目停滞",
        }
    }
}

/// `<table>.<column> = projects.id`, for a subquery about the outer project.
fn outer<C: ColumnTrait>(column: C) -> SimpleExpr {
    Expr::col((column.entity_name(), column)).equals((project::Entity, project::Column::Id))
}

/// The project's latest move to UNDER_CONSTRUCTION was before `cutoff`: one
/// before it and none since, two conditions the planner turns into a semi-join
/// and an anti-join (a correlated MAX would be a subquery per project).
fn started_before(cutoff: chrono::DateTime<chrono::Utc>) -> SimpleExpr {
    let moved = |when: SimpleExpr| {
        Query::select()
            .expr(Expr::val(1))
            .from(project_stage_change::Entity)
            .and_where(outer(project_stage_change::Column::ProjectId))
            .and_where(project_stage_change::Column::ToStage.eq(ProjectStage::UnderConstruction))
            .and_where(when)
            .to_owned()
    };
    let before = moved(project_stage_change::Column::CreatedAt.lt(cutoff));
    let since = moved(project_stage_change::Column::CreatedAt.gte(cutoff));
    Condition::all().add(Expr::exists(before)).add(Expr::exists(since).not()).into()
}

/// A capital arrival of the project after `day`.
fn arrived_since(day: NaiveDate) -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(capital_arrival::Entity)
        .and_where(outer(capital_arrival::Column::ProjectId))
        .and_where(capital_arrival::Column::ArrivedOn.gt(day))
        .to_owned()
}

/// The level of a set of reasons: the worst, GREEN with none.
pub fn level(reasons: &[Reason]) -> Level {
    reasons.iter().map(|r| r.level()).max().unwrap_or(Level::Green)
}
