//! Campaign totals (报表汇总): the report's sums per grouping, kept in step with
//! the data by the writes that change them, so that a report reads a few
//! dozen rows however many agreements a campaign has.
//!
//! A write that touches a project's agreements, stage, capital, service
//! requests, follow-ups or the fields it is grouped by (department,
//! responsible person, sector) takes a [`Tally`] of the project's
//! contribution before it writes, and settles it after, in the same
//! transaction: its health dates are recomputed ([`super::health_dates`]) and
//! the difference is added to the totals and the health tallies.
//! The project's row is locked first, so two writes to one project settle one
//! after the other; rows are upserted in one fixed order, and before any event
//! is queued (the outbox's lock comes last), so writers sharing rows queue
//! rather than deadlock. `zhaoshang recompute` rebuilds both from the data. Migration 000011 fills the tables from the agreements;
//! [`refill`] does the same after a bulk load, and a test holds the two ways
//! equal.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{AgreementKind, ProjectStage};
use entity::{agreement, capital_arrival, project};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Value};

use super::health::Level;

/// The counting rules' five sums over some agreements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Primary agreements (increases not counted).
    pub agreements: i64,
    pub investment_fen: i64,
    pub foreign_capital_fen: i64,
    /// Primary agreements of kind CONTRACT.
    pub contract_agreements: i64,
    /// Foreign capital of CONTRACT agreements, increases included.
    pub contract_foreign_capital_fen: i64,
}

impl Amounts {
    fn of(a: &agreement::Model) -> Self {
        let contract = a.kind == AgreementKind::Contract;
        Amounts {
            agreements: i64::from(!a.is_increase),
            investment_fen: a.total_investment_fen,
            foreign_capital_fen: a.foreign_capital_fen,
            contract_agreements: i64::from(contract && !a.is_increase),
            contract_foreign_capital_fen: if contract { a.foreign_capital_fen } else { 0 },
        }
    }

    pub const COLUMNS: [&'static str; 5] =
        ["agreements", "investment_fen", "foreign_capital_fen", "contract_agreements", "contract_foreign_capital_fen"];

    fn values(&self) -> [i64; 5] {
        [
            self.agreements,
            self.investment_fen,
            self.foreign_capital_fen,
            self.contract_agreements,
            self.contract_foreign_capital_fen,
        ]
    }

    fn from_values(v: [i64; 5]) -> Self {
        Amounts {
            agreements: v[0],
            investment_fen: v[1],
            foreign_capital_fen: v[2],
            contract_agreements: v[3],
            contract_foreign_capital_fen: v[4],
        }
    }

    /// Read from a row of one of the amount tables.
    pub fn from_row(row: &sea_orm::QueryResult) -> Result<Self, DbErr> {
        let mut v = [0; 5];
        for (slot, column) in v.iter_mut().zip(Self::COLUMNS) {
            *slot = row.try_get("", column)?;
        }
        Ok(Self::from_values(v))
    }
}

impl std::ops::AddAssign for Amounts {
    fn add_assign(&mut self, o: Amounts) {
        let (a, b) = (self.values(), o.values());
        *self = Amounts::from_values(std::array::from_fn(|i| a[i] + b[i]));
    }
}

/// A campaign's inputs to the start rate (开工率) and the funds-in-place rate
/// (资金到位率), over the projects whose primary agreement counts for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funds {
    pub primaries: i64,
    /// Of those, the projects under construction or in production.
    pub started: i64,
    /// Their capital arrived.
    pub arrived_fen: i64,
    /// Their agreements' total investment in this campaign.
    pub invested_fen: i64,
}

impl Funds {
    const COLUMNS: [&'static str; 4] = ["primaries", "started", "arrived_fen", "invested_fen"];

    fn values(&self) -> [i64; 4] {
        [self.primaries, self.started, self.arrived_fen, self.invested_fen]
    }

    fn from_values(v: [i64; 4]) -> Self {
        Funds { primaries: v[0], started: v[1], arrived_fen: v[2], invested_fen: v[3] }
    }
}

impl std::ops::AddAssign for Funds {
    fn add_assign(&mut self, o: Funds) {
        let (a, b) = (self.values(), o.values());
        *self = Funds::from_values(std::array::from_fn(|i| a[i] + b[i]));
    }
}

/// A row key of one of the amount tables.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Cell {
    /// `campaign_person_totals`: department 0 is none; a staff member, else a
    /// free-text person ('' for none).
    Person { campaign: i64, department: i64, staff: i64, person: String },
    /// `campaign_sector_totals`.
    Sector { campaign: i64, sector: i64 },
    /// `campaign_day_totals`: the signing date.
    Day { campaign: i64, day: NaiveDate },
}

impl Cell {
    fn table_and_key(&self) -> (&'static str, Vec<(&'static str, Value)>) {
        match self {
            Cell::Person { campaign, department, staff, person } => (
                "campaign_person_totals",
                vec![
                    ("campaign_id", (*campaign).into()),
                    ("department_id", (*department).into()),
                    ("staff_member_id", (*staff).into()),
                    ("person", person.clone().into()),
                ],
            ),
            Cell::Sector { campaign, sector } => {
                ("campaign_sector_totals", vec![("campaign_id", (*campaign).into()), ("sector_id", (*sector).into())])
            }
            Cell::Day { campaign, day } => {
                ("campaign_day_totals", vec![("campaign_id", (*campaign).into()), ("signed_on", (*day).into())])
            }
        }
    }
}

/// What some projects add to the totals.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Contribution {
    cells: HashMap<Cell, Amounts>,
    funds: HashMap<i64, Funds>,
    /// `health_tallies` rows: (department, level, day) → +1/-1.
    health: HashMap<(i64, Level, NaiveDate), i64>,
}

impl Contribution {
    /// Adds a project with its agreements and its capital arrived.
    fn add(&mut self, p: &project::Model, agreements: &[&agreement::Model], arrived_fen: i64) {
        let department = p.department_id.unwrap_or(0);
        let (staff, person) = match p.responsible_staff_id {
            Some(s) => (s, String::new()),
            None => (0, p.responsible_person.clone().unwrap_or_default()),
        };
        let started = matches!(p.stage, ProjectStage::UnderConstruction | ProjectStage::InProduction);
        for a in agreements {
            let campaign = a.campaign_id;
            let amounts = Amounts::of(a);
            let cells = [
                Cell::Person { campaign, department, staff, person: person.clone() },
                Cell::Sector { campaign, sector: p.sector_id },
                Cell::Day { campaign, day: a.signed_on },
            ];
            for cell in cells {
                *self.cells.entry(cell).or_default() += amounts;
            }
            if !a.is_increase {
                let invested = agreements.iter().filter(|t| t.campaign_id == campaign).map(|t| t.total_investment_fen);
                *self.funds.entry(campaign).or_default() +=
                    Funds { primaries: 1, started: i64::from(started), arrived_fen, invested_fen: invested.sum() };
            }
        }
    }

    /// The contribution of `project_ids` as the database holds them now:
    /// four statements.
    pub async fn load<C: ConnectionTrait>(db: &C, project_ids: &[i64]) -> Result<Self, DbErr> {
        let mut out = Contribution::default();
        if project_ids.is_empty() {
            return Ok(out);
        }
        for (department, dates) in super::health_dates::load(db, project_ids).await?.into_values() {
            for (level, day, delta) in dates.tallies() {
                *out.health.entry((department, level, day)).or_default() += delta;
            }
        }
        let agreements =
            agreement::Entity::find().filter(agreement::Column::ProjectId.is_in(project_ids.to_vec())).all(db).await?;
        if agreements.is_empty() {
            return Ok(out);
        }
        let projects = project::Entity::find().filter(project::Column::Id.is_in(project_ids.to_vec())).all(db).await?;
        let arrived: HashMap<i64, i64> = capital_arrival::Entity::find()
            .select_only()
            .column(capital_arrival::Column::ProjectId)
            .expr(Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"))
            .filter(capital_arrival::Column::ProjectId.is_in(project_ids.to_vec()))
            .group_by(capital_arrival::Column::ProjectId)
            .into_tuple::<(i64, i64)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for p in &projects {
            let own: Vec<&agreement::Model> = agreements.iter().filter(|a| a.project_id == p.id).collect();
            out.add(p, &own, arrived.get(&p.id).copied().unwrap_or(0));
        }
        Ok(out)
    }
}

/// A project's contribution taken before a write, to be [settled](Tally::settle)
/// after it.
#[must_use = "a tally changes nothing until it is settled"]
pub struct Tally {
    project_ids: Vec<i64>,
    before: Contribution,
}

impl Tally {
    /// Call with the projects' rows locked, before writing.
    pub async fn before<C: ConnectionTrait>(db: &C, project_ids: &[i64]) -> Result<Self, DbErr> {
        Ok(Tally { project_ids: project_ids.to_vec(), before: Contribution::load(db, project_ids).await? })
    }

    /// For projects the write creates: they contributed nothing before.
    pub fn fresh(project_ids: &[i64]) -> Self {
        Tally { project_ids: project_ids.to_vec(), before: Contribution::default() }
    }

    /// Recomputes the projects' health dates, and adds what the write
    /// changed to the totals and tallies: one upsert per changed row.
    pub async fn settle<C: ConnectionTrait>(self, db: &C) -> Result<(), DbErr> {
        super::health_dates::refresh(db, &self.project_ids).await?;
        let after = Contribution::load(db, &self.project_ids).await?;
        let mut cells: HashMap<Cell, [i64; 5]> = HashMap::new();
        for (sign, c) in [(1, &after), (-1, &self.before)] {
            for (cell, a) in &c.cells {
                let d = cells.entry(cell.clone()).or_default();
                for (slot, v) in d.iter_mut().zip(a.values()) {
                    *slot += sign * v;
                }
            }
        }
        let mut funds: HashMap<i64, [i64; 4]> = HashMap::new();
        for (sign, c) in [(1, &after), (-1, &self.before)] {
            for (campaign, f) in &c.funds {
                let d = funds.entry(*campaign).or_default();
                for (slot, v) in d.iter_mut().zip(f.values()) {
                    *slot += sign * v;
                }
            }
        }
        // In one order for every writer (cells, campaigns, then tallies, each
        // by key), so that two writers sharing rows lock them in the same
        // order and queue instead of deadlocking.
        let cells: std::collections::BTreeMap<Cell, [i64; 5]> = cells.into_iter().collect();
        let funds: std::collections::BTreeMap<i64, [i64; 4]> = funds.into_iter().collect();
        for (cell, delta) in cells.into_iter().filter(|(_, d)| d.iter().any(|v| *v != 0)) {
            let (table, key) = cell.table_and_key();
            add(db, table, key, Amounts::COLUMNS.into_iter().zip(delta).collect()).await?;
        }
        for (campaign, delta) in funds.into_iter().filter(|(_, d)| d.iter().any(|v| *v != 0)) {
            let key = vec![("campaign_id", campaign.into())];
            add(db, "campaign_fund_totals", key, Funds::COLUMNS.into_iter().zip(delta).collect()).await?;
        }
        let mut health: HashMap<(i64, Level, NaiveDate), i64> = after.health;
        for (key, n) in self.before.health {
            *health.entry(key).or_default() -= n;
        }
        let health: std::collections::BTreeMap<(i64, Level, NaiveDate), i64> = health.into_iter().collect();
        for ((department, level, day), delta) in health.into_iter().filter(|(_, d)| *d != 0) {
            let key = vec![
                ("department_id", department.into()),
                ("level", super::health_dates::level_name(level).into()),
                ("on_date", day.into()),
            ];
            add(db, "health_tallies", key, vec![("delta", delta)]).await?;
        }
        Ok(())
    }
}

/// `INSERT … ON CONFLICT (key) DO UPDATE SET v = table.v + excluded.v`: the
/// same statement on both databases, and safe between concurrent writers.
async fn add<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
    key: Vec<(&'static str, Value)>,
    delta: Vec<(&'static str, i64)>,
) -> Result<(), DbErr> {
    let t = Alias::new(table);
    let columns = key.iter().map(|(c, _)| *c).chain(delta.iter().map(|(c, _)| *c)).map(Alias::new);
    let values: Vec<SimpleExpr> = key
        .iter()
        .map(|(_, v)| Expr::val(v.clone()).into())
        .chain(delta.iter().map(|(_, v)| Expr::val(*v).into()))
        .collect();
    let sums = delta.iter().map(|(c, _)| {
        let sum: SimpleExpr =
            Expr::col((t.clone(), Alias::new(*c))).add(Expr::col((Alias::new("excluded"), Alias::new(*c))));
        (Alias::new(*c), sum)
    });
    let stmt = Query::insert()
        .into_table(t.clone())
        .columns(columns)
        .values_panic(values)
        .on_conflict(OnConflict::columns(key.iter().map(|(c, _)| Alias::new(*c))).values(sums).to_owned())
        .to_owned();
    db.execute_raw(db.get_database_backend().build(&stmt)).await?;
    Ok(())
}

/// Empties the totals and fills them again from the agreements (after a bulk
/// load that bypassed the writes).
pub async fn refill<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    migration::campaign_totals::refill(db).await
}

/// The totals as stored, one line per non-zero row of the four tables in key
/// order: what a test compares with the totals after a [`refill`].
pub async fn snapshot<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    let mut lines = Vec::new();
    for table in migration::campaign_totals::TABLES {
        let sql = format!("SELECT * FROM {table}");
        for row in db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await? {
            let key = match table {
                "campaign_person_totals" => format!(
                    "{}/{}/{}/{}",
                    row.try_get::<i64>("", "campaign_id")?,
                    row.try_get::<i64>("", "department_id")?,
                    row.try_get::<i64>("", "staff_member_id")?,
                    row.try_get::<String>("", "person")?
                ),
                "campaign_sector_totals" => {
                    format!("{}/{}", row.try_get::<i64>("", "campaign_id")?, row.try_get::<i64>("", "sector_id")?)
                }
                "campaign_day_totals" => {
                    format!("{}/{}", row.try_get::<i64>("", "campaign_id")?, row.try_get::<NaiveDate>("", "signed_on")?)
                }
                _ => row.try_get::<i64>("", "campaign_id")?.to_string(),
            };
            let columns: &[&str] = if table == "campaign_fund_totals" { &Funds::COLUMNS } else { &Amounts::COLUMNS };
            let values = columns.iter().map(|c| row.try_get::<i64>("", c)).collect::<Result<Vec<_>, _>>()?;
            if values.iter().any(|v| *v != 0) {
                lines.push(format!("{table} {key} {values:?}"));
            }
        }
    }
    lines.sort();
    Ok(lines)
}
