//! Writing a ledger as an .xlsx workbook: the rows the caller may see, read in
//! batches of [`BATCH`] by id and written through rust_xlsxwriter's constant
//! memory mode, so that memory stays bounded whatever the number of rows. A
//! second sheet (导出说明) says what was exported, when, by whom, with which
//! filter.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Utc};
use entity::*;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use sea_orm::{
    Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::labels::{Labelled, flag};
use super::layout::{Cell, Column, Kind, Ledger};
use crate::auth::Principal;
use crate::domain::money::Money;
use crate::error::{AppError, AppResult};
use crate::service::health::Checkup;
use crate::service::pagination::Keyed;
use crate::service::visibility::{Visible, restrict};
use crate::service::{agreement as agreements, enterprise as enterprises, partner as partners};
use crate::service::{project as projects, service_request as requests};

/// Rows read per statement.
pub const BATCH: u64 = 2_000;

/// The list filter an export applies: the service's filter of the ledger's
/// GraphQL list.
#[derive(Debug, Clone)]
pub enum Filter {
    Enterprises(enterprises::EnterpriseFilter),
    Projects(projects::ProjectFilter),
    Agreements(agreements::AgreementFilter),
    Leads(partners::LeadFilter),
    ServiceRequests(requests::RequestFilter),
    /// A filter naming an object that does not exist: no rows, as in GraphQL.
    Nothing,
}

/// What to export.
#[derive(Debug, Clone)]
pub struct Export {
    pub ledger: Ledger,
    pub filter: Filter,
    /// The empty import template: the header row only.
    pub template: bool,
    /// The filter as the caller gave it, for the description sheet.
    pub filter_text: String,
    /// Who asked, for the description sheet.
    pub by: String,
}

/// The context rows are written in.
pub struct Scope<'a> {
    pub db: &'a DatabaseConnection,
    pub principal: &'a Principal,
    pub checkup: &'a Checkup,
    pub major_threshold: Money,
}

fn xlsx(e: XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// The workbook of `export` and the number of data rows; save it with [`save`].
pub async fn workbook(scope: &Scope<'_>, export: &Export) -> AppResult<(Workbook, u64)> {
    let staff = scope.principal.is_staff();
    let columns = export.ledger.columns(staff);
    let mask: Vec<usize> = {
        let all = export.ledger.columns(true);
        columns.iter().map(|c| all.iter().position(|a| a.header == c.header).unwrap_or(0)).collect()
    };
    let mut workbook = Workbook::new();
    let rows = {
        let ws = workbook.add_worksheet_with_constant_memory().map_err(xlsx)?;
        ws.set_name(export.ledger.title()).map_err(xlsx)?;
        let mut sheet = Sheet::new(ws, columns, mask, scope.checkup.tz)?;
        if !export.template {
            let names = Names::load(scope.db).await?;
            match &export.filter {
                Filter::Nothing => {}
                Filter::Enterprises(f) => {
                    let cond = enterprises::condition(f);
                    stream::<enterprise::Entity, _>(scope, cond, &mut sheet, |rows, _| {
                        Ok(rows.iter().map(|e| names.enterprise_row(e)).collect())
                    })
                    .await?
                }
                Filter::Projects(f) => {
                    let cond = projects::condition(f, scope.principal, scope.major_threshold, scope.checkup);
                    stream::<project::Entity, _>(scope, cond, &mut sheet, |rows, related| {
                        Ok(rows.iter().map(|p| names.project_row(p, related)).collect())
                    })
                    .await?
                }
                Filter::Agreements(f) => {
                    let cond = agreements::condition(f);
                    stream::<agreement::Entity, _>(scope, cond, &mut sheet, |rows, related| {
                        Ok(rows.iter().map(|a| names.agreement_row(a, related)).collect())
                    })
                    .await?
                }
                Filter::Leads(f) => {
                    let cond = partners::lead_condition(f, scope.checkup.today, scope.principal);
                    let today = scope.checkup.today;
                    stream::<lead::Entity, _>(scope, cond, &mut sheet, |rows, _| {
                        Ok(rows.iter().map(|l| names.lead_row(l, today)).collect())
                    })
                    .await?
                }
                Filter::ServiceRequests(f) => {
                    let cond = requests::condition(f, scope.checkup.today);
                    let today = scope.checkup.today;
                    stream::<service_request::Entity, _>(scope, cond, &mut sheet, |rows, related| {
                        Ok(rows.iter().map(|r| names.request_row(r, related, today)).collect())
                    })
                    .await?
                }
            }
        }
        sheet.finish()?
    };
    describe(&mut workbook, export, rows, scope.checkup.tz)?;
    Ok((workbook, rows))
}

/// Writes the workbook out (CPU work: call it off the async threads).
pub fn save(mut workbook: Workbook, out: impl Write + Send) -> AppResult<()> {
    workbook.save_to_writer(out).map_err(xlsx)
}

/// The enterprises and projects a batch of rows names, read in one statement each.
#[derive(Default)]
pub struct Related {
    enterprises: HashMap<i64, enterprise::Model>,
    projects: HashMap<i64, project::Model>,
    events: HashMap<i64, String>,
}

/// Which enterprise, project and event ids a row of `E` names.
trait Links {
    fn links(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        (None, None, None)
    }
}
impl Links for enterprise::Model {}
impl Links for lead::Model {}
impl Links for project::Model {
    fn links(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        (self.enterprise_id, None, None)
    }
}
impl Links for agreement::Model {
    fn links(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        (None, Some(self.project_id), self.event_id)
    }
}
impl Links for service_request::Model {
    fn links(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        (Some(self.enterprise_id), self.project_id, None)
    }
}

/// The rows of `E` with these ids, in one statement.
async fn by_id<E: Keyed>(db: &DatabaseConnection, mut ids: Vec<i64>) -> AppResult<HashMap<i64, E::Model>> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = E::find().filter(Expr::col((E::default(), E::id_column())).is_in(ids)).all(db).await?;
    Ok(rows.into_iter().map(|m| (E::id_of(&m), m)).collect())
}

impl Related {
    async fn load<M: Links>(db: &DatabaseConnection, rows: &[M]) -> AppResult<Related> {
        let projects = by_id::<project::Entity>(db, rows.iter().filter_map(|r| r.links().1).collect()).await?;
        let enterprise_ids =
            rows.iter().filter_map(|r| r.links().0).chain(projects.values().filter_map(|p| p.enterprise_id));
        let enterprises = by_id::<enterprise::Entity>(db, enterprise_ids.collect()).await?;
        let events = by_id::<event::Entity>(db, rows.iter().filter_map(|r| r.links().2).collect()).await?;
        let events = events.into_iter().map(|(id, e)| (id, e.title)).collect();
        Ok(Related { enterprises, projects, events })
    }
}

/// Every row of `E` under `cond` that the principal may see, by id, in batches.
async fn stream<E, F>(
    scope: &Scope<'_>,
    cond: Option<Condition>,
    sheet: &mut Sheet<'_>,
    mut rows_of: F,
) -> AppResult<()>
where
    E: Visible + Keyed,
    E::Model: Links + Sync,
    F: FnMut(&[E::Model], &Related) -> AppResult<Vec<Vec<Cell>>>,
{
    let Some(cond) = cond else { return Ok(()) };
    let mut after = 0i64;
    loop {
        let select = E::find().filter(cond.clone()).filter(Expr::col((E::default(), E::id_column())).gt(after));
        let Some(select) = restrict(select, scope.principal) else { return Ok(()) };
        let batch = select.order_by_asc(E::id_column()).limit(BATCH).all(scope.db).await?;
        let Some(last) = batch.last() else { return Ok(()) };
        after = E::id_of(last);
        let related = Related::load(scope.db, &batch).await?;
        for row in rows_of(&batch, &related)? {
            sheet.row(row)?;
        }
        if (batch.len() as u64) < BATCH {
            return Ok(());
        }
    }
}

/// The names rows refer to by id: the catalogues, read once per export.
pub struct Names {
    sectors: HashMap<i64, String>,
    departments: HashMap<i64, String>,
    parks: HashMap<i64, String>,
    campaigns: HashMap<i64, String>,
    partners: HashMap<i64, String>,
    staff: HashMap<i64, String>,
}

impl Names {
    pub async fn load(db: &DatabaseConnection) -> AppResult<Names> {
        Ok(Names {
            sectors: sector::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.name)).collect(),
            departments: department::Entity::find().all(db).await?.into_iter().map(|d| (d.id, d.name)).collect(),
            parks: park::Entity::find().all(db).await?.into_iter().map(|p| (p.id, p.name)).collect(),
            campaigns: campaign::Entity::find().all(db).await?.into_iter().map(|c| (c.id, c.name)).collect(),
            partners: partner::Entity::find().all(db).await?.into_iter().map(|p| (p.id, p.name)).collect(),
            staff: staff_member::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.name)).collect(),
        })
    }

    fn name(map: &HashMap<i64, String>, id: Option<i64>) -> Cell {
        id.and_then(|i| map.get(&i)).cloned().into()
    }

    fn enterprise_row(&self, e: &enterprise::Model) -> Vec<Cell> {
        vec![
            e.name.clone().into(),
            e.uscc.clone().into(),
            e.country.clone().into(),
            Self::name(&self.sectors, e.sector_id),
            e.size.map(|s| s.label().into()).unwrap_or(Cell::Empty),
            Cell::Flag(e.is_fortune500),
            Cell::Flag(e.is_foreign_invested),
            Cell::Flag(e.is_listed),
            e.priority.label().into(),
            Self::name(&self.departments, e.department_id),
            e.status.label().into(),
            e.contact_name.clone().into(),
            e.contact_phone.clone().into(),
            e.contact_email.clone().into(),
            e.website.clone().into(),
            e.notes.clone().into(),
            Cell::DateTime(e.created_at),
        ]
    }

    fn project_row(&self, p: &project::Model, related: &Related) -> Vec<Cell> {
        let enterprise = p.enterprise_id.and_then(|id| related.enterprises.get(&id));
        vec![
            p.name.clone().into(),
            enterprise.map(|e| e.name.clone()).into(),
            enterprise.and_then(|e| e.uscc.clone()).into(),
            Self::name(&self.sectors, Some(p.sector_id)),
            p.stage.label().into(),
            Cell::Money(Money::from_fen(p.planned_investment_fen)),
            Cell::Money(Money::from_fen(p.foreign_capital_fen)),
            Self::name(&self.campaigns, p.campaign_id),
            Self::name(&self.departments, p.department_id),
            Self::name(&self.parks, p.park_id),
            p.responsible_person.clone().into(),
            Self::name(&self.staff, p.responsible_staff_id),
            Cell::Flag(p.is_high_tech),
            Cell::Flag(p.is_foreign_invested),
            Cell::Flag(p.is_published),
            p.description.clone().into(),
            p.notes.clone().into(),
            Cell::DateTime(p.created_at),
        ]
    }

    fn agreement_row(&self, a: &agreement::Model, related: &Related) -> Vec<Cell> {
        let project = related.projects.get(&a.project_id);
        let enterprise = project.and_then(|p| p.enterprise_id).and_then(|id| related.enterprises.get(&id));
        vec![
            project.map(|p| p.name.clone()).into(),
            enterprise.map(|e| e.name.clone()).into(),
            enterprise.and_then(|e| e.uscc.clone()).into(),
            a.kind.label().into(),
            Cell::Date(a.signed_on),
            Cell::Money(Money::from_fen(a.total_investment_fen)),
            Cell::Money(Money::from_fen(a.foreign_capital_fen)),
            Cell::Flag(a.is_increase),
            Self::name(&self.campaigns, Some(a.campaign_id)),
            a.event_id.and_then(|id| related.events.get(&id)).cloned().into(),
            Self::name(&self.departments, project.and_then(|p| p.department_id)),
            a.upgraded_on.into(),
            Cell::DateTime(a.created_at),
        ]
    }

    fn lead_row(&self, l: &lead::Model, today: chrono::NaiveDate) -> Vec<Cell> {
        vec![
            l.enterprise_name.clone().into(),
            l.uscc.clone().into(),
            l.country.clone().into(),
            Self::name(&self.sectors, l.sector_id),
            Self::name(&self.partners, Some(l.partner_id)),
            l.status.label().into(),
            l.estimated_investment_fen.map(|f| Cell::Money(Money::from_fen(f))).unwrap_or(Cell::Empty),
            l.contact_name.clone().into(),
            l.contact_phone.clone().into(),
            l.contact_email.clone().into(),
            l.description.clone().into(),
            Self::name(&self.departments, l.assigned_department_id),
            Self::name(&self.staff, l.assignee_id),
            l.respond_due_on.into(),
            l.decide_due_on.into(),
            l.feedback_due_on.into(),
            Cell::Flag(crate::service::lead::is_overdue(l, today)),
            Cell::DateTime(l.created_at),
        ]
    }

    fn request_row(&self, r: &service_request::Model, related: &Related, today: chrono::NaiveDate) -> Vec<Cell> {
        vec![
            related.enterprises.get(&r.enterprise_id).map(|e| e.name.clone()).into(),
            r.project_id.and_then(|id| related.projects.get(&id)).map(|p| p.name.clone()).into(),
            r.category.label().into(),
            r.title.clone().into(),
            r.description.clone().into(),
            Self::name(&self.departments, Some(r.department_id)),
            Self::name(&self.staff, r.assignee_id),
            r.status.label().into(),
            Cell::Date(r.due_on),
            Cell::Flag(requests::is_overdue(r, today)),
            r.resolution.clone().into(),
            r.satisfaction.map(|s| s.label().into()).unwrap_or(Cell::Empty),
            Cell::DateTime(r.opened_at),
            r.resolved_at.into(),
            r.closed_at.into(),
        ]
    }
}

/// The widest a column grows to fit its cells, in character widths.
const MAX_WIDTH: usize = 60;

/// The width of text as a spreadsheet shows it: CJK characters count twice.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 }).sum()
}

struct Formats {
    header: Format,
    money: Format,
    date: Format,
    datetime: Format,
    text: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold().set_align(FormatAlign::Center).set_background_color("#DDEBF7"),
            money: Format::new().set_num_format("#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            // Text cells stay text: a USCC or phone number is not a number.
            text: Format::new().set_num_format("@"),
        }
    }
}

/// A worksheet being filled row by row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    columns: Vec<&'static Column>,
    /// For each written column, its index in the full row.
    mask: Vec<usize>,
    widths: Vec<usize>,
    formats: Formats,
    row: u32,
    tz: chrono_tz::Tz,
}

impl<'a> Sheet<'a> {
    fn new(
        ws: &'a mut Worksheet,
        columns: Vec<&'static Column>,
        mask: Vec<usize>,
        tz: chrono_tz::Tz,
    ) -> AppResult<Self> {
        let formats = Formats::new();
        for (i, c) in columns.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, c.header, &formats.header).map_err(xlsx)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx)?;
        let widths = columns.iter().map(|c| display_width(c.header)).collect();
        Ok(Sheet { ws, columns, mask, widths, formats, row: 0, tz })
    }

    fn row(&mut self, full: Vec<Cell>) -> AppResult<()> {
        self.row += 1;
        let r = self.row;
        for (i, &at) in self.mask.iter().enumerate() {
            let c = i as u16;
            let shown = match &full[at] {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    self.ws.write_string_with_format(r, c, s, &self.formats.text).map_err(xlsx)?;
                    display_width(s)
                }
                Cell::Money(m) => {
                    // A double holds 15 significant digits: every amount up to
                    // 10^12 yuan reads back to the fen.
                    let yuan = m.fen() as f64 / 100.0;
                    self.ws.write_number_with_format(r, c, yuan, &self.formats.money).map_err(xlsx)?;
                    m.to_string().len() + m.to_string().len() / 3
                }
                Cell::Date(d) => {
                    self.ws.write_datetime_with_format(r, c, d, &self.formats.date).map_err(xlsx)?;
                    10
                }
                Cell::DateTime(t) => {
                    let local = t.with_timezone(&self.tz).naive_local();
                    self.ws.write_datetime_with_format(r, c, &local, &self.formats.datetime).map_err(xlsx)?;
                    19
                }
                Cell::Flag(b) => {
                    self.ws.write_string(r, c, flag(*b)).map_err(xlsx)?;
                    2
                }
            };
            self.widths[i] = self.widths[i].max(shown);
        }
        Ok(())
    }

    /// Column widths that fit, and the autofilter over the rows written.
    fn finish(self) -> AppResult<u64> {
        for (i, w) in self.widths.iter().enumerate() {
            let kind_min = if self.columns[i].kind == Kind::Text { 4 } else { 10 };
            self.ws.set_column_width(i as u16, ((*w).max(kind_min) + 2).min(MAX_WIDTH) as f64).map_err(xlsx)?;
        }
        let last = self.columns.len().saturating_sub(1) as u16;
        self.ws.autofilter(0, 0, self.row, last).map_err(xlsx)?;
        Ok(u64::from(self.row))
    }
}

/// The description sheet: what, when, by whom, which filter, how many rows.
fn describe(workbook: &mut Workbook, export: &Export, rows: u64, tz: chrono_tz::Tz) -> AppResult<()> {
    let bold = Format::new().set_bold();
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let ws = workbook.add_worksheet();
    ws.set_name("导出说明").map_err(xlsx)?;
    let now: DateTime<Utc> = Utc::now();
    let filter = if export.filter_text.is_empty() {
        "无（全部可见记录）".to_owned()
    } else {
        export.filter_text.clone()
    };
    let lines: [(&str, String); 6] = [
        ("台账", export.ledger.title().to_owned()),
        ("导出人", export.by.clone()),
        ("筛选条件", filter),
        ("记录数", rows.to_string()),
        ("金额单位", "元（精确到分）".to_owned()),
        (
            "说明",
            if export.template {
                "导入模板：按表头填写后用 importLedger 导入".to_owned()
            } else {
                "每行一条调用方可见的记录".to_owned()
            },
        ),
    ];
    ws.write_string_with_format(0, 0, "导出时间", &bold).map_err(xlsx)?;
    ws.write_datetime_with_format(0, 1, &now.with_timezone(&tz).naive_local(), &when).map_err(xlsx)?;
    for (i, (k, v)) in lines.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, *k, &bold).map_err(xlsx)?;
        ws.write_string(r, 1, v).map_err(xlsx)?;
    }
    ws.set_column_width(0, 12).map_err(xlsx)?;
    ws.set_column_width(1, 60).map_err(xlsx)?;
    Ok(())
}
