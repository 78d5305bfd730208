//! Reading a department's ledger back: the layout of the export (see
//! [`super::layout`]), from an .xlsx workbook (calamine) or a CSV file in
//! UTF-8, UTF-8 with a byte-order mark, or GB18030 (as Excel saves it in
//! China). Columns are found by their header, in any order; columns the
//! import does not read (stage, created) are ignored.
//!
//! Each row is checked with the mutations' own rules and written by the
//! mutations' own commands (`createEnterprise`, `updateProject`,
//! `recordAgreement`, …), in a savepoint of the import's one transaction: a
//! row with an error writes nothing and is reported with its row number,
//! column and catalogue code; the others are written. A dry run rolls the
//! whole transaction back. Rows match existing objects by natural key
//! (enterprise: USCC, else normalised name; project: enterprise and name;
//! agreement: project, kind and signing date), so importing a file twice
//! changes nothing the second time, and an edited cell changes only its field.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::*;
use entity::*;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::labels::{Labelled, parse_flag};
use super::layout::{Ledger, h};

mod read;
mod rows;
use crate::domain::money::Money;
use crate::domain::problem::{UserError, UserErrorCode};
use crate::domain::text::dedupe_key;
use crate::error::AppResult;
use crate::messages::Language;
use crate::service::agreement::{self as agreements, RecordAgreement};
use crate::service::enterprise::{self as enterprises, EnterpriseFields};
use crate::service::project::{self as projects, ProjectFields};
use crate::service::write::{Actor, Change, Checks, MAX_NAME, MAX_TEXT, Noun, Patch, Problem, WriteError};
pub use read::{In, Table, read};
use rows::{agreement_row, enterprise_row, project_row};

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub rows_read: u64,
    pub rows_created: u64,
    pub rows_updated: u64,
    pub rows_unchanged: u64,
    pub row_errors: Vec<RowError>,
}

/// One problem on one row: the spreadsheet's row number (the header is row
/// 1), the column's header, the catalogue code and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: u32,
    pub column: Option<String>,
    pub code: UserErrorCode,
    pub message: String,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Neither an .xlsx workbook nor a CSV file in a known encoding.
    Unreadable(String),
    /// A column the ledger needs has no header.
    MissingColumn(&'static str),
    /// The ledger is written, not read (leads, service requests).
    NotImportable,
}

/// One row's cells by header, and its problems, each at its column.
struct Row<'a> {
    cells: &'a [In],
    at: &'a HashMap<&'static str, usize>,
    checks: Checks,
}

impl<'a> Row<'a> {
    fn cell(&self, header: &'static str) -> &In {
        self.at.get(header).and_then(|&i| self.cells.get(i)).unwrap_or(&In::Empty)
    }

    /// The cell as text, trimmed; None when empty. A number reads as written
    /// (a phone number typed as a number has no `.0`).
    fn raw(&self, header: &'static str) -> Option<String> {
        match self.cell(header) {
            In::Empty => None,
            In::Text(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            In::Number(f) => Some(format!("{f}")),
            In::DateTime(t) => Some(t.to_string()),
        }
    }

    fn text(&mut self, header: &'static str, max: usize) -> Option<String> {
        let raw = self.raw(header);
        self.checks.optional_text(header, raw.as_deref(), max)
    }

    fn required(&mut self, header: &'static str, max: usize) -> String {
        let raw = self.raw(header).unwrap_or_default();
        self.checks.text(header, &raw, max)
    }

    /// Yuan: a number cell, or text such as `1,250,000.00`; at most two
    /// decimals, as in the API.
    fn money(&mut self, header: &'static str) -> Option<Money> {
        let raw = match self.cell(header) {
            In::Number(f) => format!("{f}"),
            _ => self.raw(header)?.replace([',', '，', ' '], ""),
        };
        Some(self.checks.money(header, &raw))
    }

    fn date(&mut self, header: &'static str) -> Option<NaiveDate> {
        match self.cell(header) {
            In::DateTime(t) => Some(t.date()),
            In::Empty => None,
            _ => {
                let raw = self.raw(header)?;
                let parsed = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
                    .iter()
                    .find_map(|f| NaiveDate::parse_from_str(&raw, f).ok());
                if parsed.is_none() {
                    self.checks.add(header, Problem::NotADate);
                }
                parsed
            }
        }
    }

    fn flag(&mut self, header: &'static str) -> Option<bool> {
        let raw = self.raw(header)?;
        let v = parse_flag(&raw);
        if v.is_none() {
            self.checks.add(header, Problem::NotAChoice { choices: "是、否".into() });
        }
        v
    }

    fn label<T: Labelled>(&mut self, header: &'static str) -> Option<T> {
        let raw = self.raw(header)?;
        let v = T::from_label(&raw);
        if v.is_none() {
            self.checks.add(header, Problem::NotAChoice { choices: T::choices() });
        }
        v
    }

    /// A catalogue entry named by the cell (by name, or a sector's code).
    fn named(&mut self, header: &'static str, names: &Names, noun: Noun) -> Option<i64> {
        let raw = self.raw(header)?;
        let id = names.get(&raw);
        if id.is_none() {
            self.checks.add(header, Problem::NotFound(noun));
        }
        id
    }
}

/// Names (and codes) to ids; a name two rows share names neither.
#[derive(Default)]
struct Names(HashMap<String, Option<i64>>);

impl Names {
    fn add(&mut self, name: &str, id: i64) {
        self.0
            .entry(name.trim().to_owned())
            .and_modify(|v| {
                if *v != Some(id) {
                    *v = None
                }
            })
            .or_insert(Some(id));
    }

    /// The name, and the GraphQL id (which tells apart two of the same name).
    fn add_with_id(&mut self, name: &str, type_name: &str, id: i64) {
        self.add(name, id);
        self.add(&crate::ids::encode(type_name, id).0, id);
    }

    fn get(&self, name: &str) -> Option<i64> {
        self.0.get(name.trim()).copied().flatten()
    }
}

/// The catalogues rows name things in.
struct Catalogue {
    sectors: Names,
    departments: Names,
    parks: Names,
    campaigns: Names,
}

impl Catalogue {
    async fn load(db: &impl ConnectionTrait) -> AppResult<Catalogue> {
        let mut c = Catalogue {
            sectors: Names::default(),
            departments: Names::default(),
            parks: Names::default(),
            campaigns: Names::default(),
        };
        for s in sector::Entity::find().all(db).await? {
            c.sectors.add_with_id(&s.name, "Sector", s.id);
            c.sectors.add(&s.code, s.id);
        }
        for d in department::Entity::find().all(db).await? {
            c.departments.add_with_id(&d.name, "Department", d.id);
        }
        for p in park::Entity::find().all(db).await? {
            c.parks.add_with_id(&p.name, "Park", p.id);
        }
        for k in campaign::Entity::find().all(db).await? {
            c.campaigns.add_with_id(&k.name, "Campaign", k.id);
        }
        Ok(c)
    }
}

/// How a row ended.
enum Done {
    Created,
    Updated,
    Unchanged,
}

/// The headers a ledger cannot be read without.
fn required_headers(ledger: Ledger) -> &'static [&'static str] {
    match ledger {
        Ledger::Enterprises => &[h::ENTERPRISE],
        Ledger::Projects => &[h::PROJECT, h::SECTOR],
        Ledger::Agreements => &[h::PROJECT, h::KIND, h::SIGNED_ON, h::TOTAL],
        Ledger::Leads | Ledger::ServiceRequests => &[],
    }
}

/// Imports `table` as `ledger` for `actor` (staff), in one transaction that a
/// dry run rolls back; `progress` hears (rows done, rows in all).
pub async fn import(
    db: &DatabaseConnection,
    actor: &Actor,
    ledger: Ledger,
    table: &Table,
    dry_run: bool,
    language: Language,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Result<Outcome, FileError>, WriteError> {
    actor.require_staff()?;
    if !ledger.importable() {
        return Ok(Err(FileError::NotImportable));
    }
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    for column in ledger.columns(true).into_iter().filter(|c| c.imported) {
        if let Some(i) = table.headers.iter().position(|h| h == column.header) {
            at.insert(column.header, i);
        }
    }
    if let Some(missing) = required_headers(ledger).iter().find(|h| !at.contains_key(*h)) {
        return Ok(Err(FileError::MissingColumn(missing)));
    }
    let actor = Actor { via: Some("importLedger"), ..actor.clone() };
    let txn = crate::service::tx::begin(db).await?;
    let catalogue = Catalogue::load(&txn).await?;
    let mut outcome = Outcome::default();
    let total = table.rows.len() as u64;
    for (done, (number, cells)) in table.rows.iter().enumerate() {
        progress(done as u64, total);
        if cells.iter().all(|c| *c == In::Empty) {
            continue;
        }
        outcome.rows_read += 1;
        // A savepoint of our own per row, released whatever happens: the
        // commands' nested ones are rolled back but never released, and a
        // failed row must not leave a subtransaction behind.
        txn.execute_unprepared("SAVEPOINT import_row").await?;
        let row = Row { cells, at: &at, checks: Checks::new() };
        let result = match ledger {
            Ledger::Enterprises => enterprise_row(&txn, &actor, &catalogue, row).await,
            Ledger::Projects => project_row(&txn, &actor, &catalogue, row).await,
            Ledger::Agreements => agreement_row(&txn, &actor, &catalogue, row).await,
            Ledger::Leads | Ledger::ServiceRequests => unreachable!("not importable"),
        };
        if result.is_err() {
            txn.execute_unprepared("ROLLBACK TO SAVEPOINT import_row").await?;
        }
        txn.execute_unprepared("RELEASE SAVEPOINT import_row").await?;
        match result {
            Ok(Done::Created) => outcome.rows_created += 1,
            Ok(Done::Updated) => outcome.rows_updated += 1,
            Ok(Done::Unchanged) => outcome.rows_unchanged += 1,
            Err(WriteError::User(errors)) => {
                outcome.row_errors.extend(errors.iter().map(|e| row_error(*number, ledger, e, language)));
            }
            Err(WriteError::Forbidden) => return Err(WriteError::Forbidden),
            Err(WriteError::App(e)) => return Err(WriteError::App(e)),
        }
    }
    progress(total, total);
    if dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(Ok(outcome))
}

/// A user error as a row error: the column is the header the command's field
/// came from.
fn row_error(row: u32, ledger: Ledger, e: &UserError, language: Language) -> RowError {
    let field = e.field.join(".");
    let column: Option<&str> = match field.as_str() {
        "name" if ledger == Ledger::Enterprises => Some(h::ENTERPRISE),
        "name" => Some(h::PROJECT),
        "uscc" => Some(h::USCC),
        "country" => Some(h::COUNTRY),
        "sector_id" => Some(h::SECTOR),
        "department_id" => Some(h::DEPARTMENT),
        "park_id" => Some(h::PARK),
        "campaign_id" => Some(h::CAMPAIGN),
        "enterprise_id" => Some(h::ENTERPRISE),
        "project_id" => Some(h::PROJECT),
        "planned_investment" => Some(h::PLANNED),
        "foreign_capital" => Some(h::FOREIGN_CAPITAL),
        "total_investment" => Some(h::TOTAL),
        "is_increase" => Some(h::INCREASE),
        "kind" => Some(h::KIND),
        "signed_on" => Some(h::SIGNED_ON),
        f if ledger.columns(true).iter().any(|c| c.header == f) => Some(f),
        _ => None,
    };
    let shown = column.unwrap_or(&field);
    RowError {
        row,
        column: column.map(str::to_owned),
        code: e.code(),
        message: crate::messages::user_error(&e.problem, shown, language),
    }
}
