//! A campaign's report beyond the five figures: per department against its
//! quota (and per responsible person), per sector, per ISO week, the start rate
//! (开工率) and the funds-in-place rate (资金到位率). Every figure is a GROUP BY in
//! the database, for any number of campaigns at once; what comes back is a few
//! rows per department, sector or day, never the agreements themselves.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use entity::{department, lead, quota, service_request};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
    Value,
};

use super::health::{Checkup, Level};
use crate::domain::money::Money;
use crate::error::AppResult;

/// Counts and amounts of agreements, by the counting rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actual {
    /// Primary agreements (increases not counted).
    pub agreements: i64,
    pub investment: Money,
    pub foreign_capital: Money,
}

impl std::ops::AddAssign for Actual {
    fn add_assign(&mut self, o: Actual) {
        self.agreements += o.agreements;
        self.investment = self.investment + o.investment;
        self.foreign_capital = self.foreign_capital + o.foreign_capital;
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    pub agreements: i32,
    pub investment: Money,
    pub foreign_capital: Money,
}

/// count ÷ count target × 50% + amount ÷ amount target × 50%; where one target
/// is 0 the other weighs 100%; with both 0 there is no score.
pub fn score(actual: &Actual, target: &Target) -> Option<f64> {
    let count = (target.agreements > 0).then(|| actual.agreements as f64 / target.agreements as f64);
    let amount = (target.investment.fen() > 0).then(|| actual.investment.fen() as f64 / target.investment.fen() as f64);
    match (count, amount) {
        (Some(c), Some(a)) => Some(c * 0.5 + a * 0.5),
        (Some(c), None) => Some(c),
        (None, Some(a)) => Some(a),
        (None, None) => None,
    }
}

/// Ranks from 1 (best score) down; equal scores share a rank (1, 2, 2, 4).
pub fn rank(scores: &[Option<f64>]) -> Vec<Option<i32>> {
    scores.iter().map(|s| s.map(|s| 1 + scores.iter().filter(|o| o.is_some_and(|o| o > s)).count() as i32)).collect()
}

/// A person's share of a department's quota: a staff member's (matched on
/// projects' `responsible_staff_id`) or, deprecated, a free-text name's
/// (matched on the `responsible_person` of projects without a staff member).
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub person: String,
    pub staff_member_id: Option<i64>,
    pub target: Target,
    pub actual: Actual,
    pub score: Option<f64>,
    /// Among the department's persons, as departments are ranked.
    pub rank: Option<i32>,
}

/// Who answers for a project in the person rows: its staff member, else its
/// free-text name.
type Responsible = (Option<i64>, Option<String>);

#[derive(Debug, Clone)]
pub struct DepartmentRow {
    /// None: the projects without a department.
    pub department: Option<department::Model>,
    pub target: Option<Target>,
    pub actual: Actual,
    pub score: Option<f64>,
    pub rank: Option<i32>,
    pub persons: Vec<PersonRow>,
    pub supervision: Supervision,
}

/// What a department answers for on the office's date, whatever the
/// campaign (督办): its red and amber projects, its overdue service requests
/// and the overdue leads assigned to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Supervision {
    pub red_projects: i64,
    pub amber_projects: i64,
    pub overdue_requests: i64,
    pub overdue_leads: i64,
}

/// [`Supervision`] of every department (None: projects without one): three
/// GROUP BY statements, the projects' levels from the kept health tallies.
pub async fn supervision<C: ConnectionTrait>(
    db: &C,
    checkup: &Checkup,
) -> Result<HashMap<Option<i64>, Supervision>, sea_orm::DbErr> {
    async fn counts<C: ConnectionTrait, E: EntityTrait>(
        db: &C,
        by: E::Column,
        condition: impl sea_orm::sea_query::IntoCondition,
    ) -> Result<Vec<(Option<i64>, i64)>, sea_orm::DbErr> {
        E::find()
            .select_only()
            .column(by)
            .column_as(sea_orm::sea_query::Expr::val(1).count(), "n")
            .filter(condition)
            .group_by(by)
            .into_tuple()
            .all(db)
            .await
    }
    let mut out: HashMap<Option<i64>, Supervision> = HashMap::new();
    for ((d, level), n) in super::health_dates::counts(db, checkup.today).await? {
        let row = out.entry(d).or_default();
        match level {
            Level::Red => row.red_projects = n,
            _ => row.amber_projects = n,
        }
    }
    let late = super::service_request::overdue(checkup.today, true);
    for (d, n) in counts::<_, service_request::Entity>(db, service_request::Column::DepartmentId, late).await? {
        out.entry(d).or_default().overdue_requests = n;
    }
    let late = super::lead::overdue(checkup.today, true);
    for (d, n) in counts::<_, lead::Entity>(db, lead::Column::AssignedDepartmentId, late).await? {
        out.entry(d).or_default().overdue_leads = n;
    }
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct SectorRow {
    pub sector_id: i64,
    pub actual: Actual,
}

#[derive(Debug, Clone)]
pub struct WeekRow {
    /// ISO week, e.g. "2026-W46".
    pub week: String,
    pub starts_on: NaiveDate,
    pub actual: Actual,
    pub cumulative: Actual,
}

#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub departments: Vec<DepartmentRow>,
    pub sectors: Vec<SectorRow>,
    pub weeks: Vec<WeekRow>,
    pub start_rate: Option<f64>,
    pub funds_in_place_rate: Option<f64>,
}

/// `SELECT … WHERE a.campaign_id IN (…)` with the backend's placeholders.
pub(crate) fn statement(db: &DatabaseConnection, sql: &str, ids: &[i64]) -> Statement {
    let backend = db.get_database_backend();
    let placeholders: Vec<String> = (1..=ids.len())
        .map(|i| if backend == sea_orm::DatabaseBackend::Postgres { format!("${i}") } else { "?".into() })
        .collect();
    let sql = sql.replace("{ids}", &placeholders.join(", "));
    Statement::from_sql_and_values(backend, sql, ids.iter().map(|i| Value::from(*i)))
}

/// A row of the campaign totals (see [`super::totals`]).
fn actual(row: &sea_orm::QueryResult) -> Result<Actual, sea_orm::DbErr> {
    let a = super::totals::Amounts::from_row(row)?;
    Ok(Actual {
        agreements: a.agreements,
        investment: Money::from_fen(a.investment_fen),
        foreign_capital: Money::from_fen(a.foreign_capital_fen),
    })
}

/// The breakdown of each campaign in `campaign_ids`; with each department's
/// [`Supervision`] on `checkup`'s date when given (four statements that scan
/// every project, whatever the campaign).
pub async fn breakdowns(
    db: &DatabaseConnection,
    campaign_ids: &[i64],
    checkup: Option<&Checkup>,
) -> AppResult<HashMap<i64, Breakdown>> {
    let mut out: HashMap<i64, Breakdown> = campaign_ids.iter().map(|id| (*id, Breakdown::default())).collect();
    if campaign_ids.is_empty() {
        return Ok(out);
    }
    let supervised = match checkup {
        Some(checkup) => supervision(db, checkup).await?,
        None => HashMap::new(),
    };

    // Actuals per campaign, department and responsible person, from the kept
    // totals (0 and '' stand for none; rows a write emptied are left out).
    let sql = "SELECT * FROM campaign_person_totals WHERE campaign_id IN ({ids}) AND (agreements <> 0 OR investment_fen <> 0)";
    let mut by_person: HashMap<(i64, Option<i64>), Vec<(Responsible, Actual)>> = HashMap::new();
    let some = |id: i64| (id != 0).then_some(id);
    for row in db.query_all_raw(statement(db, sql, campaign_ids)).await? {
        let key = (row.try_get::<i64>("", "campaign_id")?, some(row.try_get("", "department_id")?));
        let person: String = row.try_get("", "person")?;
        let who = (some(row.try_get("", "staff_member_id")?), (!person.is_empty()).then_some(person));
        by_person.entry(key).or_default().push((who, actual(&row)?));
    }
    let quotas = quota::Entity::find().filter(quota::Column::CampaignId.is_in(campaign_ids.to_vec())).all(db).await?;
    let departments = department::Entity::find().order_by_asc(department::Column::Name).all(db).await?;
    for (&campaign_id, b) in out.iter_mut() {
        let mut rows = Vec::new();
        let department_ids = departments.iter().map(|d| Some(d.id)).chain([None]);
        for (dept, id) in departments.iter().map(Some).chain([None]).zip(department_ids) {
            let people = by_person.get(&(campaign_id, id)).cloned().unwrap_or_default();
            let mut total = Actual::default();
            for (_, a) in &people {
                total += *a;
            }
            let of = |q: &&quota::Model| q.campaign_id == campaign_id && Some(q.department_id) == id;
            let target = quotas.iter().filter(of).find(|q| q.person.is_empty()).map(target_of);
            let mut persons: Vec<PersonRow> = quotas
                .iter()
                .filter(of)
                .filter(|q| q.staff_member_id.is_some() || !q.person.is_empty())
                .map(|q| {
                    let mut actual = Actual::default();
                    for ((staff, name), a) in &people {
                        let answers = match q.staff_member_id {
                            Some(id) => *staff == Some(id),
                            None => staff.is_none() && name.as_deref() == Some(q.person.as_str()),
                        };
                        if answers {
                            actual += *a;
                        }
                    }
                    let target = target_of(q);
                    PersonRow {
                        person: q.person.clone(),
                        staff_member_id: q.staff_member_id,
                        target,
                        actual,
                        score: score(&actual, &target),
                        rank: None,
                    }
                })
                .collect();
            let ranks = rank(&persons.iter().map(|p| p.score).collect::<Vec<_>>());
            for (p, r) in persons.iter_mut().zip(ranks) {
                p.rank = r;
            }
            persons.sort_by(|a, b| {
                (a.rank.is_none(), a.rank).cmp(&(b.rank.is_none(), b.rank)).then(a.person.cmp(&b.person))
            });
            let supervision = supervised.get(&id).copied().unwrap_or_default();
            // The row of projects without a department appears only when it has
            // agreements or something to supervise.
            if id.is_none() && people.is_empty() && supervision == Supervision::default() {
                continue;
            }
            let score = target.as_ref().and_then(|t| score(&total, t));
            let row = DepartmentRow {
                department: dept.cloned(),
                target,
                actual: total,
                score,
                rank: None,
                persons,
                supervision,
            };
            rows.push(row);
        }
        let ranks = rank(&rows.iter().map(|r| r.score).collect::<Vec<_>>());
        for (row, r) in rows.iter_mut().zip(ranks) {
            row.rank = r;
        }
        // Rank order; unranked rows after, by name.
        rows.sort_by_key(|r| (r.rank.is_none(), r.rank, r.department.is_none()));
        b.departments = rows;
    }

    let sql = "SELECT * FROM campaign_sector_totals WHERE campaign_id IN ({ids}) \
         AND (agreements <> 0 OR investment_fen <> 0) ORDER BY investment_fen DESC, sector_id";
    for row in db.query_all_raw(statement(db, sql, campaign_ids)).await? {
        let c: i64 = row.try_get("", "campaign_id")?;
        if let Some(b) = out.get_mut(&c) {
            b.sectors.push(SectorRow { sector_id: row.try_get("", "sector_id")?, actual: actual(&row)? });
        }
    }

    // Signing dates are the office's calendar dates: ISO weeks are counted on them.
    let sql =
        "SELECT * FROM campaign_day_totals WHERE campaign_id IN ({ids}) AND (agreements <> 0 OR investment_fen <> 0)";
    let mut days: HashMap<i64, BTreeMap<NaiveDate, Actual>> = HashMap::new();
    for row in db.query_all_raw(statement(db, sql, campaign_ids)).await? {
        let c: i64 = row.try_get("", "campaign_id")?;
        let d: NaiveDate = row.try_get("", "signed_on")?;
        let week_start = d - Duration::days(d.weekday().num_days_from_monday() as i64);
        *days.entry(c).or_default().entry(week_start).or_default() += actual(&row)?;
    }
    for (c, weeks) in days {
        let Some(b) = out.get_mut(&c) else { continue };
        let mut cumulative = Actual::default();
        for (starts_on, a) in weeks {
            cumulative += a;
            let iso = starts_on.iso_week();
            b.weeks.push(WeekRow {
                week: format!("{}-W{:02}", iso.year(), iso.week()),
                starts_on,
                actual: a,
                cumulative,
            });
        }
    }

    // 开工率 and 资金到位率, over the projects whose primary agreement counts here.
    let sql = "SELECT * FROM campaign_fund_totals WHERE campaign_id IN ({ids})";
    for row in db.query_all_raw(statement(db, sql, campaign_ids)).await? {
        let c: i64 = row.try_get("", "campaign_id")?;
        let Some(b) = out.get_mut(&c) else { continue };
        let (n, started): (i64, i64) = (row.try_get("", "primaries")?, row.try_get("", "started")?);
        let (arrived, invested): (i64, i64) = (row.try_get("", "arrived_fen")?, row.try_get("", "invested_fen")?);
        b.start_rate = (n > 0).then(|| started as f64 / n as f64);
        b.funds_in_place_rate = (invested > 0).then(|| arrived as f64 / invested as f64);
    }
    Ok(out)
}

fn target_of(q: &quota::Model) -> Target {
    Target {
        agreements: q.target_agreements,
        investment: Money::from_fen(q.target_investment_fen),
        foreign_capital: Money::from_fen(q.target_foreign_capital_fen),
    }
}

/// What a partner's leads came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Performance {
    pub submitted: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicate: i64,
    pub converted: i64,
    /// Leads the partner was owed an answer on: decided, or undecided past
    /// their feedback date (leads without deadlines and withdrawn ones aside).
    pub answers_due: i64,
    /// Of those, the ones decided by their feedback date.
    pub answered_on_time: i64,
    pub projects_signed: i64,
    pub signed_investment: Money,
}

/// Each partner's performance on the office's date `today`: two GROUP BY
/// statements for any number of partners.
pub async fn performance(
    db: &DatabaseConnection,
    partner_ids: &[i64],
    today: NaiveDate,
) -> AppResult<HashMap<i64, Performance>> {
    let mut out: HashMap<i64, Performance> = partner_ids.iter().map(|id| (*id, Performance::default())).collect();
    if partner_ids.is_empty() {
        return Ok(out);
    }
    let count = |cond: &str| format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)");
    // A date literal compares with DATE columns on PostgreSQL and with ISO text on SQLite.
    let today = today.format("'%Y-%m-%d'");
    let sql = format!(
        "SELECT partner_id AS p, COUNT(*) AS submitted, {} AS accepted, {} AS rejected, {} AS duplicate, {} AS converted, \
         {} AS due, {} AS on_time \
         FROM leads WHERE partner_id IN ({{ids}}) GROUP BY partner_id",
        count("status = 'ACCEPTED'"),
        count("status = 'REJECTED'"),
        count("status = 'DUPLICATE'"),
        count("project_id IS NOT NULL"),
        count(&format!(
            "feedback_due_on IS NOT NULL AND (decided_on IS NOT NULL \
             OR (status IN ('SUBMITTED', 'UNDER_REVIEW') AND feedback_due_on < {today}))"
        )),
        count("feedback_due_on IS NOT NULL AND decided_on <= feedback_due_on"),
    );
    for row in db.query_all_raw(statement(db, &sql, partner_ids)).await? {
        let p: i64 = row.try_get("", "p")?;
        let e = out.entry(p).or_default();
        e.submitted = row.try_get("", "submitted")?;
        e.accepted = row.try_get("", "accepted")?;
        e.rejected = row.try_get("", "rejected")?;
        e.duplicate = row.try_get("", "duplicate")?;
        e.converted = row.try_get("", "converted")?;
        e.answers_due = row.try_get("", "due")?;
        e.answered_on_time = row.try_get("", "on_time")?;
    }
    let sql = "SELECT p.source_partner_id AS p, COUNT(DISTINCT p.id) AS n, \
         CAST(COALESCE(SUM(a.total_investment_fen), 0) AS BIGINT) AS x \
         FROM projects p JOIN agreements a ON a.project_id = p.id \
         WHERE p.source_partner_id IN ({ids}) GROUP BY p.source_partner_id";
    for row in db.query_all_raw(statement(db, sql, partner_ids)).await? {
        let p: i64 = row.try_get("", "p")?;
        let e = out.entry(p).or_default();
        e.projects_signed = row.try_get("", "n")?;
        e.signed_investment = Money::from_fen(row.try_get("", "x")?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: i32, yuan: i64) -> Target {
        Target { agreements: n, investment: Money::from_yuan(yuan), foreign_capital: Money::ZERO }
    }

    fn a(n: i64, yuan: i64) -> Actual {
        Actual { agreements: n, investment: Money::from_yuan(yuan), foreign_capital: Money::ZERO }
    }

    #[test]
    fn score_weighs_count_and_amount_half_each() {
        assert_eq!(score(&a(5, 50), &t(10, 100)), Some(0.5));
        assert_eq!(score(&a(10, 200), &t(10, 100)), Some(1.5));
    }

    #[test]
    fn a_zero_target_gives_the_other_half_full_weight() {
        assert_eq!(score(&a(3, 999), &t(6, 0)), Some(0.5));
        assert_eq!(score(&a(3, 25), &t(0, 100)), Some(0.25));
        assert_eq!(score(&a(3, 25), &t(0, 0)), None);
    }

    #[test]
    fn ranks_share_ties_and_skip_the_unscored() {
        assert_eq!(rank(&[Some(0.5), None, Some(0.9), Some(0.5)]), vec![Some(2), None, Some(1), Some(2)]);
    }
}
