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

use chrono::{NaiveDate, NaiveDateTime};
use entity::enums::*;
use entity::*;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::labels::{Labelled, parse_flag};
use super::layout::{Ledger, h};
use crate::domain::money::Money;
use crate::domain::problem::{UserError, UserErrorCode};
use crate::domain::text::dedupe_key;
use crate::error::AppResult;
use crate::messages::Language;
use crate::service::agreement::{self as agreements, RecordAgreement};
use crate::service::enterprise::{self as enterprises, EnterpriseFields};
use crate::service::project::{self as projects, ProjectFields};
use crate::service::write::{Actor, Change, Checks, MAX_NAME, MAX_TEXT, Noun, Patch, Problem, WriteError};

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

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum In {
    Empty,
    Text(String),
    Number(f64),
    DateTime(NaiveDateTime),
}

/// A sheet: its header row and the rows below, with their row numbers.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u32, Vec<In>)>,
}

/// The file's table: a workbook's sheet named after the ledger (else its
/// first sheet), or a CSV file.
pub fn read(bytes: &[u8], ledger: Ledger) -> Result<Table, FileError> {
    if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes, ledger) } else { read_csv(bytes) }
}

fn read_xlsx(bytes: &[u8], ledger: Ledger) -> Result<Table, FileError> {
    use calamine::{Data, Reader, Xlsx};
    let unreadable = |e: &dyn std::fmt::Display| FileError::Unreadable(format!("not a readable .xlsx workbook: {e}"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = names.iter().find(|n| *n == ledger.title()).or(names.first()).cloned();
    let Some(name) = name else { return Ok(Table::default()) };
    let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c) as usize;
    let mut rows = range.rows().enumerate().map(|(i, row)| {
        let mut cells = vec![In::Empty; first_col];
        cells.extend(row.iter().map(|c| match c {
            Data::Empty => In::Empty,
            Data::String(s) if s.trim().is_empty() => In::Empty,
            Data::String(s) => In::Text(s.clone()),
            Data::Float(f) => In::Number(*f),
            Data::Int(i) => In::Number(*i as f64),
            Data::Bool(b) => In::Text(if *b { "是" } else { "否" }.into()),
            Data::DateTime(d) => d.as_datetime().map(In::DateTime).unwrap_or(In::Empty),
            Data::DateTimeIso(s) | Data::DurationIso(s) => In::Text(s.clone()),
            Data::Error(e) => In::Text(format!("#{e:?}")),
        }));
        (first_row + i as u32 + 1, cells)
    });
    let headers = match rows.next() {
        Some((_, cells)) => cells.iter().map(header_text).collect(),
        None => Vec::new(),
    };
    Ok(Table { headers, rows: rows.collect() })
}

fn header_text(c: &In) -> String {
    match c {
        In::Text(s) => s.trim().to_owned(),
        _ => String::new(),
    }
}

/// CSV as spreadsheet programs save it: UTF-8 (with or without a byte-order
/// mark) or, failing that, GB18030.
fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let text: std::borrow::Cow<str> = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.into()
    } else {
        let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(FileError::Unreadable("neither an .xlsx workbook nor a CSV file in UTF-8 or GB18030".into()));
        }
        s
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| FileError::Unreadable(format!("not a readable CSV file: {e}")))?;
        let cells: Vec<In> =
            record.iter().map(|c| if c.trim().is_empty() { In::Empty } else { In::Text(c.to_owned()) }).collect();
        rows.push((i as u32 + 1, cells));
    }
    let mut rows = rows.into_iter();
    let headers = rows.next().map(|(_, cells)| cells.iter().map(header_text).collect()).unwrap_or_default();
    Ok(Table { headers, rows: rows.collect() })
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

/// The enterprise a row names by USCC, else by name (normalised as for
/// duplicate detection); NOT_FOUND at the column that named none.
async fn find_enterprise(
    db: &impl ConnectionTrait,
    row: &mut Row<'_>,
    required: bool,
) -> Result<Option<enterprise::Model>, WriteError> {
    if let Some(uscc) = row.raw(h::USCC) {
        let uscc = crate::domain::uscc::Uscc::parse(&uscc).map_or(uscc.to_ascii_uppercase(), |u| u.into_string());
        let found = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(uscc)).one(db).await?;
        if found.is_none() {
            row.checks.add(h::USCC, Problem::NotFound(Noun::Enterprise));
        }
        return Ok(found);
    }
    let Some(name) = row.raw(h::ENTERPRISE) else {
        if required {
            row.checks.add(h::ENTERPRISE, Problem::Required);
        }
        return Ok(None);
    };
    let mut found =
        enterprise::Entity::find().filter(enterprise::Column::DedupeKey.eq(dedupe_key(&name))).all(db).await?;
    if found.len() != 1 {
        row.checks.add(h::ENTERPRISE, Problem::NotFound(Noun::Enterprise));
        return Ok(None);
    }
    Ok(found.pop())
}

/// Text fields as a change: the same value is left alone, another is set,
/// an emptied cell clears it.
fn text_patch(current: &Option<String>, wanted: Option<String>) -> Patch<String> {
    match (current, wanted) {
        (c, w) if *c == w => Patch::Keep,
        (_, Some(w)) => Patch::Set(w),
        (_, None) => Patch::Clear,
    }
}

fn id_patch(current: Option<i64>, wanted: Option<i64>) -> Patch<i64> {
    match wanted {
        w if w == current => Patch::Keep,
        Some(w) => Patch::Set(w),
        None => Patch::Clear,
    }
}

fn changed<T: PartialEq>(current: T, wanted: T) -> Option<T> {
    (current != wanted).then_some(wanted)
}

/// A change only for a column the file has.
fn only<T>(has: bool, change: Option<T>) -> Option<T> {
    change.filter(|_| has)
}

fn only_patch<T>(has: bool, change: Patch<T>) -> Patch<T> {
    if has { change } else { Patch::Keep }
}

fn is_kept<T>(p: &Patch<T>) -> bool {
    matches!(p, Patch::Keep)
}

/// Whether a change's fields (`Option`s, then `Patch`es) leave everything as it is.
macro_rules! changes_nothing {
    ($f:expr; $($option:ident),*; $($patch:ident),*) => {
        $( $f.$option.is_none() )&&* && $( is_kept(&$f.$patch) )&&*
    };
}

async fn enterprise_row(
    db: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    catalogue: &Catalogue,
    mut row: Row<'_>,
) -> Result<Done, WriteError> {
    let name = row.required(h::ENTERPRISE, MAX_NAME);
    let country_raw = row.raw(h::COUNTRY).unwrap_or_else(|| "CN".into());
    let country = row.checks.country(h::COUNTRY, &country_raw);
    let uscc_raw = row.raw(h::USCC);
    let uscc = row.checks.uscc(h::USCC, uscc_raw.as_deref(), Some(&country));
    let sector_id = row.named(h::SECTOR, &catalogue.sectors, Noun::Sector);
    let department_id = row.named(h::DEPARTMENT, &catalogue.departments, Noun::Department);
    let size = row.label::<EnterpriseSize>(h::SIZE);
    let fortune500 = row.flag(h::FORTUNE500).unwrap_or(false);
    let foreign = row.flag(h::FOREIGN_ENTERPRISE).unwrap_or(false);
    let listed = row.flag(h::LISTED).unwrap_or(false);
    let priority = row.label::<Priority>(h::PRIORITY).unwrap_or(Priority::B);
    let status = row.label::<EnterpriseStatus>(h::STATUS).unwrap_or(EnterpriseStatus::Prospect);
    let contact_name = row.text(h::CONTACT, 100);
    let contact_phone = row.text(h::PHONE, 50);
    let email_raw = row.raw(h::EMAIL);
    let contact_email = row.checks.email(h::EMAIL, email_raw.as_deref());
    let website_raw = row.raw(h::WEBSITE);
    let website = row.checks.web_address(h::WEBSITE, website_raw.as_deref());
    let notes = row.text(h::NOTES, MAX_TEXT);
    let at = row.at;
    row.checks.finish()?;
    // A column the file does not have leaves its field as it is.
    let has = |header: &str| at.contains_key(header);

    // By USCC; else (a USCC given for the first time, or none) by name: one
    // enterprise of that normalised name, without a USCC when the row has one.
    let by_uscc = match &uscc {
        Some(u) => enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(u.clone())).one(db).await?,
        None => None,
    };
    let existing = match by_uscc {
        Some(e) => Some(e),
        None => {
            let mut same = enterprise::Entity::find().filter(enterprise::Column::DedupeKey.eq(dedupe_key(&name)));
            if uscc.is_some() {
                same = same.filter(enterprise::Column::Uscc.is_null());
            }
            let mut same = same.all(db).await?;
            if same.len() > 1 {
                return Err(crate::service::write::refuse(h::ENTERPRISE, Problem::Exists(Noun::Enterprise)));
            }
            same.pop()
        }
    };
    let Some(e) = existing else {
        let fields = EnterpriseFields {
            name: Some(name),
            country: Some(country),
            uscc: uscc.into(),
            sector_id: sector_id.into(),
            size: size.into(),
            is_fortune500: Some(fortune500),
            is_foreign_invested: Some(foreign),
            is_listed: Some(listed),
            priority: Some(priority),
            status: Some(status),
            department_id: department_id.into(),
            contact_name: contact_name.into(),
            contact_phone: contact_phone.into(),
            contact_email: contact_email.into(),
            notes: notes.into(),
            website: website.into(),
        };
        enterprises::create_enterprise(db, actor, fields, None).await?;
        return Ok(Done::Created);
    };
    let fields = EnterpriseFields {
        name: changed(e.name.clone(), name),
        country: only(has(h::COUNTRY), changed(e.country.clone(), country)),
        uscc: only_patch(has(h::USCC), text_patch(&e.uscc, uscc)),
        sector_id: only_patch(has(h::SECTOR), id_patch(e.sector_id, sector_id)),
        size: only_patch(
            has(h::SIZE),
            match size {
                s if s == e.size => Patch::Keep,
                Some(s) => Patch::Set(s),
                None => Patch::Clear,
            },
        ),
        is_fortune500: only(has(h::FORTUNE500), changed(e.is_fortune500, fortune500)),
        is_foreign_invested: only(has(h::FOREIGN_ENTERPRISE), changed(e.is_foreign_invested, foreign)),
        is_listed: only(has(h::LISTED), changed(e.is_listed, listed)),
        priority: only(has(h::PRIORITY), changed(e.priority, priority)),
        status: only(has(h::STATUS), changed(e.status, status)),
        department_id: only_patch(has(h::DEPARTMENT), id_patch(e.department_id, department_id)),
        contact_name: only_patch(has(h::CONTACT), text_patch(&e.contact_name, contact_name)),
        contact_phone: only_patch(has(h::PHONE), text_patch(&e.contact_phone, contact_phone)),
        contact_email: only_patch(has(h::EMAIL), text_patch(&e.contact_email, contact_email)),
        notes: only_patch(has(h::NOTES), text_patch(&e.notes, notes)),
        website: only_patch(has(h::WEBSITE), text_patch(&e.website, website)),
    };
    let unchanged = changes_nothing!(fields;
        name, country, is_fortune500, is_foreign_invested, is_listed, priority, status;
        uscc, sector_id, size, department_id, contact_name, contact_phone, contact_email, notes, website);
    if unchanged {
        return Ok(Done::Unchanged);
    }
    enterprises::update_enterprise(db, actor, Change { id: e.id, expected_updated_at: None, fields }).await?;
    Ok(Done::Updated)
}

async fn project_row(
    db: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    catalogue: &Catalogue,
    mut row: Row<'_>,
) -> Result<Done, WriteError> {
    let name = row.required(h::PROJECT, MAX_NAME);
    let enterprise = find_enterprise(db, &mut row, false).await?;
    let enterprise_id = enterprise.as_ref().map(|e| e.id);
    let sector_id = row.named(h::SECTOR, &catalogue.sectors, Noun::Sector);
    if row.raw(h::SECTOR).is_none() {
        row.checks.add(h::SECTOR, Problem::Required);
    }
    let planned = row.money(h::PLANNED).unwrap_or_default();
    let foreign = row.money(h::FOREIGN_CAPITAL).unwrap_or_default();
    let campaign_id = row.named(h::CAMPAIGN, &catalogue.campaigns, Noun::Campaign);
    let department_id = row.named(h::DEPARTMENT, &catalogue.departments, Noun::Department);
    let park_id = row.named(h::PARK, &catalogue.parks, Noun::Park);
    let responsible = row.text(h::RESPONSIBLE, 100);
    let high_tech = row.flag(h::HIGH_TECH).unwrap_or(false);
    let foreign_invested = row.flag(h::FOREIGN_PROJECT).unwrap_or(foreign > Money::ZERO);
    let published = row.flag(h::PUBLISHED).unwrap_or(false);
    let description = row.text(h::DESCRIPTION, MAX_TEXT);
    let notes = row.text(h::NOTES, MAX_TEXT);
    let at = row.at;
    row.checks.finish()?;
    // A column the file does not have leaves its field as it is.
    let has = |header: &str| at.contains_key(header);

    let existing = project::Entity::find()
        .filter(match enterprise_id {
            Some(id) => project::Column::EnterpriseId.eq(id),
            None => project::Column::EnterpriseId.is_null(),
        })
        .filter(project::Column::Name.eq(name.clone()))
        .all(db)
        .await?;
    if existing.len() > 1 {
        return Err(crate::service::write::refuse(h::PROJECT, Problem::Exists(Noun::Project)));
    }
    let Some(p) = existing.into_iter().next() else {
        let fields = ProjectFields {
            name: Some(name),
            description: description.into(),
            sector_id,
            planned_investment: Some(planned),
            foreign_capital: Some(foreign),
            enterprise_id: enterprise_id.into(),
            campaign_id: campaign_id.into(),
            department_id: department_id.into(),
            park_id: park_id.into(),
            responsible_person: responsible.into(),
            responsible_staff_id: Patch::Keep,
            is_high_tech: Some(high_tech),
            is_foreign_invested: Some(foreign_invested),
            is_published: Some(published),
            notes: notes.into(),
        };
        projects::create_project(db, actor, fields, None).await?;
        return Ok(Done::Created);
    };
    let fields = ProjectFields {
        name: None,
        description: only_patch(has(h::DESCRIPTION), text_patch(&p.description, description)),
        sector_id: sector_id.and_then(|s| changed(p.sector_id, s)),
        planned_investment: only(
            has(h::PLANNED),
            changed(p.planned_investment_fen, planned.fen()).map(Money::from_fen),
        ),
        foreign_capital: only(
            has(h::FOREIGN_CAPITAL),
            changed(p.foreign_capital_fen, foreign.fen()).map(Money::from_fen),
        ),
        enterprise_id: Patch::Keep,
        campaign_id: only_patch(has(h::CAMPAIGN), id_patch(p.campaign_id, campaign_id)),
        department_id: only_patch(has(h::DEPARTMENT), id_patch(p.department_id, department_id)),
        park_id: only_patch(has(h::PARK), id_patch(p.park_id, park_id)),
        responsible_person: only_patch(has(h::RESPONSIBLE), text_patch(&p.responsible_person, responsible)),
        responsible_staff_id: Patch::Keep,
        is_high_tech: only(has(h::HIGH_TECH), changed(p.is_high_tech, high_tech)),
        is_foreign_invested: only(has(h::FOREIGN_PROJECT), changed(p.is_foreign_invested, foreign_invested)),
        is_published: only(has(h::PUBLISHED), changed(p.is_published, published)),
        notes: only_patch(has(h::NOTES), text_patch(&p.notes, notes)),
    };
    let unchanged = changes_nothing!(fields;
        name, sector_id, planned_investment, foreign_capital, is_high_tech, is_foreign_invested, is_published;
        description, enterprise_id, campaign_id, department_id, park_id, responsible_person, responsible_staff_id,
        notes);
    if unchanged {
        return Ok(Done::Unchanged);
    }
    projects::update_project(db, actor, Change { id: p.id, expected_updated_at: None, fields }).await?;
    Ok(Done::Updated)
}

async fn agreement_row(
    db: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    catalogue: &Catalogue,
    mut row: Row<'_>,
) -> Result<Done, WriteError> {
    let name = row.required(h::PROJECT, MAX_NAME);
    let enterprise = find_enterprise(db, &mut row, false).await?;
    let kind = row.label::<AgreementKind>(h::KIND);
    if row.raw(h::KIND).is_none() {
        row.checks.add(h::KIND, Problem::Required);
    }
    let signed_on = row.date(h::SIGNED_ON);
    if row.raw(h::SIGNED_ON).is_none() {
        row.checks.add(h::SIGNED_ON, Problem::Required);
    }
    let total = row.money(h::TOTAL);
    if total.is_none() {
        row.checks.add(h::TOTAL, Problem::Required);
    }
    let foreign = row.money(h::FOREIGN_CAPITAL).unwrap_or_default();
    let increase = row.flag(h::INCREASE).unwrap_or(false);
    let campaign_id = row.named(h::CAMPAIGN, &catalogue.campaigns, Noun::Campaign);
    let project = if name.is_empty() {
        None
    } else {
        let found = project::Entity::find()
            .filter(match enterprise.as_ref() {
                Some(e) => project::Column::EnterpriseId.eq(e.id),
                None => project::Column::EnterpriseId.is_null(),
            })
            .filter(project::Column::Name.eq(name.clone()))
            .all(db)
            .await?;
        if found.len() != 1 {
            row.checks.add(h::PROJECT, Problem::NotFound(Noun::Project));
        }
        found.into_iter().next()
    };
    row.checks.finish()?;
    let (Some(project), Some(kind), Some(signed_on), Some(total)) = (project, kind, signed_on, total) else {
        return Err(crate::service::write::refuse(h::PROJECT, Problem::Required));
    };

    let existing = agreement::Entity::find()
        .filter(agreement::Column::ProjectId.eq(project.id))
        .filter(agreement::Column::Kind.eq(kind))
        .filter(agreement::Column::SignedOn.eq(signed_on))
        .one(db)
        .await?;
    if let Some(a) = existing {
        // Agreements are records of what was signed: the API changes them only
        // by upgrading a framework agreement, and neither can an import.
        let mut checks = Checks::new();
        if a.total_investment_fen != total.fen() {
            checks.add(h::TOTAL, Problem::Exists(Noun::Agreement));
        }
        if a.foreign_capital_fen != foreign.fen() {
            checks.add(h::FOREIGN_CAPITAL, Problem::Exists(Noun::Agreement));
        }
        if a.is_increase != increase {
            checks.add(h::INCREASE, Problem::Exists(Noun::Agreement));
        }
        if campaign_id.is_some_and(|c| c != a.campaign_id) {
            checks.add(h::CAMPAIGN, Problem::Exists(Noun::Agreement));
        }
        checks.finish()?;
        return Ok(Done::Unchanged);
    }
    let cmd = RecordAgreement {
        project_id: project.id,
        kind,
        signed_on,
        total_investment: total,
        foreign_capital: foreign,
        campaign_id,
        event_id: None,
        is_increase: increase,
        incentive_ids: Vec::new(),
    };
    agreements::record_agreement(db, actor, cmd, None).await?;
    Ok(Done::Created)
}
