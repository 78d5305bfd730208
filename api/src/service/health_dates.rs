//! Project health kept as dates, so that counting and filtering by level
//! reads an index instead of evaluating six rules over every project.
//!
//! Every rule of [`super::health`], once it holds, holds on every later day
//! until the project's data change: so a project's data give the first
//! office day on which a RED rule holds (`projects.red_from`) and the first on
//! which an AMBER one does (`projects.amber_from`). On day `t` the project is RED if
//! `red_from <= t`, else AMBER if `amber_from <= t`, else GREEN: the same as
//! the rules evaluated on `t`, which a test checks. The dates are recomputed
//! by every write that changes a project's data (see [`super::totals::Tally`]),
//! with the thresholds and time zone stored in `health_basis`; a start with
//! other thresholds recomputes them all.
//!
//! Per department, `health_tallies` holds +1 on the day a project turns RED
//! or AMBER and -1 on the day an AMBER one turns RED: the sum of a level's
//! rows up to a date is the number of projects at that level on it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::enums::{ProjectStage, ServiceRequestStatus};
use entity::{agreement, capital_arrival, follow_up, project, project_stage_change, service_request};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement, Value,
};
use serde::{Deserialize, Serialize};

use super::health::{Checkup, Level, Thresholds};

/// The date of a rule that holds whatever the day (STALLED, or no follow-up
/// or stage change ever).
pub const ALWAYS: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => panic!("0001-01-01 is a date"),
};

/// What the rules read of one project, with times as the office's dates.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub stage: Option<ProjectStage>,
    /// Its primary agreement's signing date.
    pub signed_on: Option<NaiveDate>,
    /// The day of its latest move to UNDER_CONSTRUCTION.
    pub started_on: Option<NaiveDate>,
    /// The day of its latest stage change of any kind.
    pub moved_on: Option<NaiveDate>,
    pub last_arrival_on: Option<NaiveDate>,
    pub arrived_fen: i64,
    /// Its agreements' total investment.
    pub agreed_fen: i64,
    pub last_follow_up_on: Option<NaiveDate>,
    /// The earliest due date of its open or accepted service requests.
    pub first_due_on: Option<NaiveDate>,
}

/// The first day a RED and an AMBER rule holds, None if none will on these data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dates {
    pub red_from: Option<NaiveDate>,
    pub amber_from: Option<NaiveDate>,
}

fn plus(d: NaiveDate, days: u32) -> NaiveDate {
    d.checked_add_signed(Duration::days(days.into())).unwrap_or(NaiveDate::MAX)
}

/// The rules of [`super::health::Reason`], each as the first day it holds.
pub fn dates(f: &Facts, t: &Thresholds) -> Dates {
    use ProjectStage::*;
    let Some(stage) = f.stage else { return Dates::default() };
    let before_construction = matches!(stage, Lead | Contacted | Negotiating | Signed | Registered);
    let started = matches!(stage, UnderConstruction | InProduction);
    // SIGNED_NOT_STARTED: signed `signed_not_started_days` ago, not started.
    let signed_not_started = f.signed_on.filter(|_| before_construction).map(|d| plus(d, t.signed_not_started_days));
    // NO_CAPITAL_AFTER_START: started that long ago, nothing arrived since.
    let no_capital = f.started_on.filter(|_| stage == UnderConstruction).map(|s| {
        let since_start = plus(s, t.no_capital_days);
        f.last_arrival_on.map_or(since_start, |a| Ord::max(since_start, plus(a, t.no_capital_days)))
    });
    // OVERDUE_REQUESTS: the day after the earliest due date.
    let overdue = f.first_due_on.map(|d| plus(d, 1));
    // LOW_FUNDS_IN_PLACE: started `low_funds_days` ago with too little arrived.
    let low = i128::from(f.arrived_fen) * 10_000 < i128::from(f.agreed_fen) * i128::from(t.low_funds_basis_points);
    let low_funds = f.started_on.filter(|_| started && low).map(|s| plus(s, t.low_funds_days));
    // NO_FOLLOW_UP: neither a follow-up nor a stage change for that long.
    let no_follow_up = (!matches!(stage, Lost | InProduction)).then(|| {
        let last = Ord::max(f.last_follow_up_on, f.moved_on);
        last.map_or(ALWAYS, |d| plus(d, t.no_follow_up_days))
    });
    let stalled = (stage == Stalled).then_some(ALWAYS);
    let first = |ds: &[Option<NaiveDate>]| ds.iter().flatten().min().copied();
    Dates {
        red_from: first(&[signed_not_started, no_capital, overdue]),
        amber_from: first(&[low_funds, no_follow_up, stalled]),
    }
}

impl Dates {
    /// The level on `today`.
    pub fn level_on(&self, today: NaiveDate) -> Level {
        if self.red_from.is_some_and(|d| d <= today) {
            Level::Red
        } else if self.amber_from.is_some_and(|d| d <= today) {
            Level::Amber
        } else {
            Level::Green
        }
    }

    /// The rows this project adds to `health_tallies`: (level, day, +1 or -1).
    pub fn tallies(&self) -> Vec<(Level, NaiveDate, i64)> {
        let mut out = Vec::new();
        if let Some(r) = self.red_from {
            out.push((Level::Red, r, 1));
        }
        if let Some(a) = self.amber_from {
            match self.red_from {
                None => out.push((Level::Amber, a, 1)),
                Some(r) if a < r => out.extend([(Level::Amber, a, 1), (Level::Amber, r, -1)]),
                Some(_) => {}
            }
        }
        out
    }
}

pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Red => "RED",
        Level::Amber => "AMBER",
        Level::Green => "GREEN",
    }
}

/// What the dates are computed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    pub thresholds: Thresholds,
    pub timezone: String,
}

impl Basis {
    pub fn of(checkup: &Checkup) -> Self {
        Basis { thresholds: checkup.thresholds, timezone: checkup.tz.name().to_owned() }
    }

    fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }
}

/// The basis stored with the dates, if any.
pub async fn stored_basis<C: ConnectionTrait>(db: &C) -> Result<Option<Basis>, DbErr> {
    let sql = Statement::from_string(db.get_database_backend(), "SELECT basis FROM health_basis WHERE id = 1");
    let Some(row) = db.query_one_raw(sql).await? else { return Ok(None) };
    let text: String = row.try_get("", "basis")?;
    Ok(serde_json::from_str(&text).ok())
}

/// At start: when the stored basis differs from `checkup`'s (or there is
/// none), stores it and recomputes every project's dates. True if it did.
pub async fn ensure(db: &sea_orm::DatabaseConnection, checkup: &Checkup) -> Result<bool, DbErr> {
    let basis = Basis::of(checkup);
    if stored_basis(db).await?.as_ref() == Some(&basis) {
        return Ok(false);
    }
    let txn = super::tx::begin(db).await?;
    let text = serde_json::to_string(&basis).unwrap_or_default();
    let stmt = Query::insert()
        .into_table(Alias::new("health_basis"))
        .columns([Alias::new("id"), Alias::new("basis")])
        .values_panic([Expr::val(1).into(), Expr::val(text).into()])
        .on_conflict(OnConflict::column(Alias::new("id")).update_column(Alias::new("basis")).to_owned())
        .to_owned();
    txn.execute_raw(txn.get_database_backend().build(&stmt)).await?;
    recompute_all(&txn).await?;
    txn.commit().await?;
    // Every project's row was rewritten: the planner's statistics of the
    // health columns are fresh only after this (a freshly seeded database
    // planned `projects(filter: { health: RED })` from empty columns, 30×
    // slower at 1m projects, until autovacuum came by).
    db.execute_unprepared("ANALYZE projects").await?;
    Ok(true)
}

/// Recomputes every project's dates and the tallies from scratch, with the
/// stored basis (nothing without one: the next start computes them). For
/// bulk loads that bypassed the writes, and the reference a test holds the
/// kept dates to.
pub async fn recompute_all<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    let Some(basis) = stored_basis(db).await? else { return Ok(()) };
    db.execute_unprepared("DELETE FROM health_tallies").await?;
    let mut tallies: HashMap<(i64, Level, NaiveDate), i64> = HashMap::new();
    let mut after = 0i64;
    loop {
        let ids: Vec<i64> = project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .filter(project::Column::Id.gt(after))
            .order_by_asc(project::Column::Id)
            .limit(2000)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        let computed = compute(db, &ids, &basis).await?;
        for (department, d) in computed.values() {
            for (level, day, delta) in d.tallies() {
                *tallies.entry((*department, level, day)).or_default() += delta;
            }
        }
        store(db, &computed).await?;
    }
    let rows: Vec<_> = tallies.into_iter().filter(|(_, n)| *n != 0).collect();
    for chunk in rows.chunks(1000) {
        let mut stmt = Query::insert();
        stmt.into_table(Alias::new("health_tallies"))
            .columns(["department_id", "level", "on_date", "delta"].map(Alias::new));
        for ((department, level, day), n) in chunk {
            stmt.values_panic([
                Expr::val(*department).into(),
                Expr::val(level_name(*level)).into(),
                Expr::val(*day).into(),
                Expr::val(*n).into(),
            ]);
        }
        db.execute_raw(db.get_database_backend().build(&stmt)).await?;
    }
    Ok(())
}

/// Recomputes the dates of `ids` with the stored basis and stores them.
pub async fn refresh<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<(), DbErr> {
    let Some(basis) = stored_basis(db).await? else { return Ok(()) };
    let computed = compute(db, ids, &basis).await?;
    store(db, &computed).await
}

/// The stored (department, dates) of `ids`: department 0 is none.
pub async fn load<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<HashMap<i64, (i64, Dates)>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let stmt = Query::select()
        .columns(["id", "department_id", "red_from", "amber_from"].map(Alias::new))
        .from(project::Entity)
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .to_owned();
    let mut out = HashMap::new();
    for row in db.query_all_raw(db.get_database_backend().build(&stmt)).await? {
        let dates = Dates { red_from: row.try_get("", "red_from")?, amber_from: row.try_get("", "amber_from")? };
        let department: Option<i64> = row.try_get("", "department_id")?;
        out.insert(row.try_get::<i64>("", "id")?, (department.unwrap_or(0), dates));
    }
    Ok(out)
}

/// `UPDATE projects SET red_from, amber_from FROM (VALUES …)`: one statement
/// for any number of projects, the same on both databases.
async fn store<C: ConnectionTrait>(db: &C, computed: &HashMap<i64, (i64, Dates)>) -> Result<(), DbErr> {
    if computed.is_empty() {
        return Ok(());
    }
    let postgres = db.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
    let mut values = Vec::with_capacity(computed.len() * 3);
    let mut rows = Vec::with_capacity(computed.len());
    for (id, (_, d)) in computed {
        let n = values.len();
        rows.push(if postgres {
            format!("(${}::bigint, ${}::date, ${}::date)", n + 1, n + 2, n + 3)
        } else {
            "(?, ?, ?)".to_owned()
        });
        values.extend([Value::from(*id), Value::ChronoDate(d.red_from), Value::ChronoDate(d.amber_from)]);
    }
    let sql = format!(
        "UPDATE projects SET red_from = v.column2, amber_from = v.column3 FROM (VALUES {}) AS v \
         WHERE projects.id = v.column1",
        rows.join(", ")
    );
    db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await?;
    Ok(())
}

/// The (department, dates) of `ids` from their data: seven statements.
async fn compute<C: ConnectionTrait>(db: &C, ids: &[i64], basis: &Basis) -> Result<HashMap<i64, (i64, Dates)>, DbErr> {
    let facts = facts(db, ids, basis.tz()).await?;
    Ok(facts.into_iter().map(|(id, (department, f))| (id, (department, dates(&f, &basis.thresholds)))).collect())
}

/// The facts of `ids` (department 0 for none).
pub async fn facts<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    tz: chrono_tz::Tz,
) -> Result<HashMap<i64, (i64, Facts)>, DbErr> {
    let mut out: HashMap<i64, (i64, Facts)> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let ids = || ids.to_vec();
    let projects: Vec<(i64, ProjectStage, Option<i64>)> = project::Entity::find()
        .select_only()
        .columns([project::Column::Id, project::Column::Stage, project::Column::DepartmentId])
        .filter(project::Column::Id.is_in(ids()))
        .into_tuple()
        .all(db)
        .await?;
    for (id, stage, department) in projects {
        out.insert(id, (department.unwrap_or(0), Facts { stage: Some(stage), ..Default::default() }));
    }
    fn of(out: &mut HashMap<i64, (i64, Facts)>, id: i64) -> Option<&mut Facts> {
        out.get_mut(&id).map(|(_, f)| f)
    }
    let day = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();

    let agreements: Vec<(i64, Option<i64>, NaiveDate, i64)> = agreement::Entity::find()
        .select_only()
        .columns([
            agreement::Column::ProjectId,
            agreement::Column::PrimaryProjectId,
            agreement::Column::SignedOn,
            agreement::Column::TotalInvestmentFen,
        ])
        .filter(agreement::Column::ProjectId.is_in(ids()))
        .into_tuple()
        .all(db)
        .await?;
    for (id, primary, signed_on, total) in agreements {
        if let Some(f) = of(&mut out, id) {
            f.agreed_fen += total;
            if primary.is_some() {
                f.signed_on = Some(signed_on);
            }
        }
    }
    let arrivals: Vec<(i64, NaiveDate, i64)> = capital_arrival::Entity::find()
        .select_only()
        .columns([
            capital_arrival::Column::ProjectId,
            capital_arrival::Column::ArrivedOn,
            capital_arrival::Column::AmountFen,
        ])
        .filter(capital_arrival::Column::ProjectId.is_in(ids()))
        .into_tuple()
        .all(db)
        .await?;
    for (id, on, amount) in arrivals {
        if let Some(f) = of(&mut out, id) {
            f.arrived_fen += amount;
            f.last_arrival_on = Ord::max(f.last_arrival_on, Some(on));
        }
    }
    // The latest change of each project, and its latest move to construction.
    for to in [None, Some(ProjectStage::UnderConstruction)] {
        let mut latest = project_stage_change::Entity::find()
            .select_only()
            .column(project_stage_change::Column::ProjectId)
            .column_as(project_stage_change::Column::CreatedAt.max(), "at")
            .filter(project_stage_change::Column::ProjectId.is_in(ids()))
            .group_by(project_stage_change::Column::ProjectId);
        if let Some(stage) = to {
            latest = latest.filter(project_stage_change::Column::ToStage.eq(stage));
        }
        for (id, at) in latest.into_tuple::<(i64, Option<DateTime<Utc>>)>().all(db).await? {
            if let (Some(f), Some(at)) = (of(&mut out, id), at) {
                let slot = if to.is_some() { &mut f.started_on } else { &mut f.moved_on };
                *slot = Some(day(at));
            }
        }
    }
    let visits: Vec<(Option<i64>, Option<NaiveDate>)> = follow_up::Entity::find()
        .select_only()
        .column(follow_up::Column::ProjectId)
        .column_as(follow_up::Column::OccurredOn.max(), "on")
        .filter(follow_up::Column::ProjectId.is_in(ids()))
        .group_by(follow_up::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, on) in visits {
        if let Some(f) = id.and_then(|id| of(&mut out, id)) {
            f.last_follow_up_on = on;
        }
    }
    let open = [ServiceRequestStatus::Open, ServiceRequestStatus::Accepted];
    let requests: Vec<(Option<i64>, Option<NaiveDate>)> = service_request::Entity::find()
        .select_only()
        .column(service_request::Column::ProjectId)
        .column_as(service_request::Column::DueOn.min(), "on")
        .filter(service_request::Column::ProjectId.is_in(ids()))
        .filter(service_request::Column::Status.is_in(open))
        .group_by(service_request::Column::ProjectId)
        .into_tuple()
        .all(db)
        .await?;
    for (id, on) in requests {
        if let Some(f) = id.and_then(|id| of(&mut out, id)) {
            f.first_due_on = on;
        }
    }
    Ok(out)
}

/// Projects per department (None: without one) and level on `today`, from
/// the tallies: one statement.
pub async fn counts<C: ConnectionTrait>(db: &C, today: NaiveDate) -> Result<HashMap<(Option<i64>, Level), i64>, DbErr> {
    let stmt = Query::select()
        .columns(["department_id", "level"].map(Alias::new))
        .expr_as(Expr::cust("CAST(COALESCE(SUM(delta), 0) AS BIGINT)"), Alias::new("n"))
        .from(Alias::new("health_tallies"))
        .and_where(Expr::col(Alias::new("on_date")).lte(today))
        .group_by_columns(["department_id", "level"].map(Alias::new))
        .to_owned();
    let mut out = HashMap::new();
    for row in db.query_all_raw(db.get_database_backend().build(&stmt)).await? {
        let department: i64 = row.try_get("", "department_id")?;
        let level = match row.try_get::<String>("", "level")?.as_str() {
            "RED" => Level::Red,
            _ => Level::Amber,
        };
        out.insert(((department != 0).then_some(department), level), row.try_get("", "n")?);
    }
    Ok(out)
}

/// The condition on `projects` that a project is at `level` on `today`, read
/// from the stored dates (an index range for RED and AMBER; a page in the
/// default order walks the order index, which holds the dates too).
pub fn level_is(level: Level, today: NaiveDate) -> sea_orm::Condition {
    let col = |c: &str| Expr::col((project::Entity, Alias::new(c)));
    let on = |c: &str| col(c).lte(today);
    let not_yet = |c: &str| sea_orm::Condition::any().add(col(c).is_null()).add(col(c).gt(today));
    match level {
        Level::Red => sea_orm::Condition::all().add(on("red_from")),
        Level::Amber => sea_orm::Condition::all().add(on("amber_from")).add(not_yet("red_from")),
        Level::Green => sea_orm::Condition::all().add(not_yet("amber_from")).add(not_yet("red_from")),
    }
}

/// The kept dates and tallies, one line per project and per non-zero tally
/// in key order: what a test compares with them after [`recompute_all`].
pub async fn snapshot<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let mut lines = Vec::new();
    let sql = "SELECT id, department_id, red_from, amber_from FROM projects ORDER BY id";
    for row in db.query_all_raw(Statement::from_string(backend, sql)).await? {
        let (red, amber): (Option<NaiveDate>, Option<NaiveDate>) =
            (row.try_get("", "red_from")?, row.try_get("", "amber_from")?);
        let (id, department): (i64, Option<i64>) = (row.try_get("", "id")?, row.try_get("", "department_id")?);
        lines.push(format!("project {id} of {department:?}: red from {red:?}, amber from {amber:?}"));
    }
    let sql = "SELECT department_id, level, on_date, delta FROM health_tallies WHERE delta <> 0 \
               ORDER BY department_id, level, on_date";
    for row in db.query_all_raw(Statement::from_string(backend, sql)).await? {
        let (department, level): (i64, String) = (row.try_get("", "department_id")?, row.try_get("", "level")?);
        let (day, delta): (NaiveDate, i64) = (row.try_get("", "on_date")?, row.try_get("", "delta")?);
        lines.push(format!("tally {department} {level} {day}: {delta}"));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn at(stage: ProjectStage) -> Facts {
        Facts { stage: Some(stage), moved_on: Some(d("2026-01-01")), ..Default::default() }
    }

    const T: Thresholds = Thresholds {
        signed_not_started_days: 365,
        no_capital_days: 90,
        low_funds_days: 180,
        low_funds_basis_points: 1500,
        no_follow_up_days: 30,
    };

    #[test]
    fn a_signed_project_turns_red_on_the_365th_day_without_construction() {
        let f = Facts { signed_on: Some(d("2025-03-01")), ..at(ProjectStage::Signed) };
        let dates = dates(&f, &T);
        assert_eq!(dates.red_from, Some(d("2026-03-01")));
        assert_eq!(dates.level_on(d("2026-02-28")), Level::Amber, "day 364: only the missing follow-up");
        assert_eq!(dates.level_on(d("2026-03-01")), Level::Red);
    }

    #[test]
    fn no_capital_counts_from_the_later_of_the_start_and_the_last_arrival() {
        let f = Facts {
            started_on: Some(d("2026-01-01")),
            last_arrival_on: Some(d("2026-02-01")),
            arrived_fen: 100,
            agreed_fen: 100,
            ..at(ProjectStage::UnderConstruction)
        };
        assert_eq!(dates(&f, &T).red_from, Some(d("2026-05-02")), "90 days after the last arrival");
    }

    #[test]
    fn low_funds_is_under_15_percent_not_at_it() {
        let base = Facts { started_on: Some(d("2026-01-01")), agreed_fen: 10_000, ..at(ProjectStage::InProduction) };
        let under = Facts { arrived_fen: 1_499, ..base.clone() };
        let at_threshold = Facts { arrived_fen: 1_500, ..base };
        assert_eq!(dates(&under, &T).amber_from, Some(d("2026-06-30")), "180 days after the start");
        assert_eq!(dates(&at_threshold, &T).amber_from, None);
    }

    #[test]
    fn an_overdue_request_is_red_the_day_after_it_falls_due() {
        let f = Facts { first_due_on: Some(d("2026-11-10")), ..at(ProjectStage::InProduction) };
        assert_eq!(dates(&f, &T), Dates { red_from: Some(d("2026-11-11")), amber_from: None });
    }

    #[test]
    fn a_stalled_project_is_always_amber_and_one_never_touched_too() {
        assert_eq!(dates(&at(ProjectStage::Stalled), &T).amber_from, Some(ALWAYS));
        let untouched = Facts { stage: Some(ProjectStage::Lead), ..Default::default() };
        assert_eq!(dates(&untouched, &T).amber_from, Some(ALWAYS));
    }

    #[test]
    fn an_amber_project_leaves_the_amber_tally_when_it_turns_red() {
        let dates = Dates { red_from: Some(d("2026-12-01")), amber_from: Some(d("2026-11-01")) };
        assert_eq!(
            dates.tallies(),
            vec![
                (Level::Red, d("2026-12-01"), 1),
                (Level::Amber, d("2026-11-01"), 1),
                (Level::Amber, d("2026-12-01"), -1)
            ]
        );
        let red_first = Dates { red_from: Some(d("2026-10-01")), amber_from: Some(d("2026-11-01")) };
        assert_eq!(red_first.tallies(), vec![(Level::Red, d("2026-10-01"), 1)]);
    }
}
