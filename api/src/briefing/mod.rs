//! The office's briefing on a campaign (`zhaoshang report`): a self-contained
//! HTML page with the summary sentence, target gauges, departments against their
//! quotas in rank order and the cumulative weekly line against the target, all
//! charts as inline SVG drawn by plotters; a CSV per department (UTF-8 with BOM,
//! so spreadsheet programs read the Chinese text); or JSON.

use std::collections::HashMap;

use entity::{campaign, sector};
use plotters::prelude::*;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde::Serialize;

use crate::domain::money::Money;
use crate::error::{AppError, AppResult};
use crate::service::breakdown::{self, Breakdown};
use crate::service::report::{self, Figures};

/// Everything the briefing shows, gathered in a handful of statements.
pub struct Briefing {
    pub campaign: campaign::Model,
    pub figures: Figures,
    pub breakdown: Breakdown,
    pub sector_names: HashMap<i64, String>,
    /// The supervision list (督办清单) on the briefing's date.
    pub red: Vec<crate::service::health::RedProject>,
    pub department_names: HashMap<i64, String>,
    /// Every park, for the map.
    pub parks: Vec<entity::park::Model>,
    /// The located projects whose primary agreement counts for the campaign.
    pub signed: Vec<entity::project::Model>,
}

/// The briefing of a campaign; its supervision counts on `checkup`'s date.
pub async fn load(
    db: &DatabaseConnection,
    campaign_id: i64,
    checkup: &crate::service::health::Checkup,
) -> AppResult<Briefing> {
    let campaign = campaign::Entity::find_by_id(campaign_id).one(db).await?.ok_or(AppError::NotFound)?;
    let figures = report::figures(db, &[campaign_id]).await?.remove(&campaign_id).unwrap_or_default();
    let breakdown =
        breakdown::breakdowns(db, &[campaign_id], Some(checkup)).await?.remove(&campaign_id).unwrap_or_default();
    let sector_names = sector::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let red = crate::service::health::red_list(db, checkup).await?;
    let department_names =
        entity::department::Entity::find().all(db).await?.into_iter().map(|d| (d.id, d.name)).collect();
    let parks = entity::park::Entity::find().order_by_asc(entity::park::Column::Id).all(db).await?;
    let signed = signed_projects(db, campaign_id).await?;
    Ok(Briefing { campaign, figures, breakdown, sector_names, red, department_names, parks, signed })
}

/// The located projects whose primary agreement counts for the campaign (the
/// report's N): one statement.
async fn signed_projects(db: &DatabaseConnection, campaign_id: i64) -> AppResult<Vec<entity::project::Model>> {
    use entity::{agreement, project};
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Query};
    let with_agreement = Query::select()
        .column(agreement::Column::ProjectId)
        .from(agreement::Entity)
        .and_where(agreement::Column::CampaignId.eq(campaign_id))
        .and_where(agreement::Column::IsIncrease.eq(false))
        .to_owned();
    Ok(project::Entity::find()
        .filter(project::Column::Id.in_subquery(with_agreement))
        .filter(project::Column::LongitudeE7.is_not_null())
        .order_by_desc(project::Column::PlannedInvestmentFen)
        .all(db)
        .await?)
}

/// Colour of the bars of actual results, also used by the tests to count them.
pub const ACTUAL_COLOUR: RGBColor = RGBColor(0xC0, 0x39, 0x2B);
const TARGET_COLOUR: RGBColor = RGBColor(0x95, 0xA5, 0xA6);
const FONT: &str = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";

fn department_name(row: &breakdown::DepartmentRow) -> String {
    row.department.as_ref().map(|d| d.name.clone()).unwrap_or_else(|| "未分配部门".into())
}

fn yi(m: Money) -> f64 {
    // A float for drawing only; every printed figure comes from the exact value.
    m.fen() as f64 / 1e10
}

fn draw_error<E: std::fmt::Debug>(e: E) -> AppError {
    AppError::internal(anyhow::anyhow!("chart: {e:?}"))
}

/// A horizontal gauge: actual against target, with the completion printed.
fn gauge(title: &str, actual: f64, target: f64, label: &str, size: (u32, u32)) -> AppResult<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let max = target.max(actual).max(1e-9) * 1.1;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{title}  {label}"), (FONT, size.1 as f64 / 6.0))
            .margin(8)
            .x_label_area_size(18)
            .build_cartesian_2d(0f64..max, 0f64..1f64)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_y_axis()
            .x_labels(4)
            .label_style((FONT, 11))
            .draw()
            .map_err(draw_error)?;
        chart.draw_series([Rectangle::new([(0.0, 0.2), (actual, 0.8)], ACTUAL_COLOUR.filled())]).map_err(draw_error)?;
        if target > 0.0 {
            chart
                .draw_series(LineSeries::new([(target, 0.0), (target, 1.0)], BLACK.stroke_width(2)))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// Departments in rank order: agreements signed (red) against the quota (grey
/// outline), one bar per department.
fn departments_chart(b: &Briefing, size: Option<(u32, u32)>) -> AppResult<String> {
    let rows = &b.breakdown.departments;
    let n = rows.len().max(1) as i32;
    let mut svg = String::new();
    {
        let width = (120 + rows.len() * 110) as u32;
        let size = size.unwrap_or((width.max(480), 380));
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let max = rows
            .iter()
            .map(|r| r.actual.agreements.max(r.target.map(|t| t.agreements as i64).unwrap_or(0)))
            .max()
            .unwrap_or(1)
            .max(1) as f64
            * 1.15;
        let names: Vec<String> = rows.iter().map(department_name).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption("各部门签约数与任务（按排名；灰框为任务）", (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(40)
            .build_cartesian_2d((0..n).into_segmented(), 0f64..max)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(rows.len().max(1))
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    names.get(*i as usize).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .label_style((FONT, 12))
            .y_desc("签约数（个）")
            .draw()
            .map_err(draw_error)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(TARGET_COLOUR.stroke_width(2))
                    .margin(6)
                    .data(rows.iter().enumerate().filter_map(|(i, r)| Some((i as i32, r.target?.agreements as f64)))),
            )
            .map_err(draw_error)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(ACTUAL_COLOUR.filled())
                    .margin(24)
                    .data(rows.iter().enumerate().map(|(i, r)| (i as i32, r.actual.agreements as f64))),
            )
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// Cumulative investment per ISO week against the campaign's target.
fn weekly_chart(b: &Briefing, size: (u32, u32)) -> AppResult<String> {
    let weeks = &b.breakdown.weeks;
    let target = yi(Money::from_fen(b.campaign.target_investment_fen));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let max = weeks.iter().map(|w| yi(w.cumulative.investment)).fold(target, f64::max).max(1e-9) * 1.1;
        let labels: Vec<String> = weeks.iter().map(|w| w.week.clone()).collect();
        let mut chart = ChartBuilder::on(&root)
            .caption("累计总投资（亿元）与目标", (FONT, 18))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..(weeks.len().max(1) as f64 - 1.0).max(1.0), 0f64..max)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_labels(weeks.len().max(2))
            .x_label_formatter(&|x| labels.get(x.round() as usize).cloned().unwrap_or_default())
            .label_style((FONT, 11))
            .draw()
            .map_err(draw_error)?;
        chart
            .draw_series(LineSeries::new(
                weeks.iter().enumerate().map(|(i, w)| (i as f64, yi(w.cumulative.investment))),
                ACTUAL_COLOUR.stroke_width(3),
            ))
            .map_err(draw_error)?
            .label("累计总投资")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], ACTUAL_COLOUR.stroke_width(3)));
        chart
            .draw_series(LineSeries::new(
                [(0.0, target), ((weeks.len().max(1) as f64 - 1.0).max(1.0), target)],
                BLACK.stroke_width(1),
            ))
            .map_err(draw_error)?
            .label("目标")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.stroke_width(1)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 12))
            .border_style(BLACK)
            .background_style(WHITE)
            .draw()
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "—".into())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The three target gauges: agreements, total investment, foreign capital.
fn gauges(b: &Briefing, size: (u32, u32)) -> AppResult<[String; 3]> {
    let c = &b.campaign;
    let f = &b.figures;
    Ok([
        gauge(
            "签约数",
            f.agreements_signed as f64,
            c.target_agreements as f64,
            &format!(
                "{} / {} 个 · {}",
                f.agreements_signed,
                c.target_agreements,
                percent(report::completion(f.agreements_signed, c.target_agreements as i64))
            ),
            size,
        )?,
        gauge(
            "总投资（亿元）",
            yi(f.total_investment),
            yi(Money::from_fen(c.target_investment_fen)),
            &format!(
                "{} / {} · {}",
                f.total_investment.yi_yuan(),
                Money::from_fen(c.target_investment_fen).yi_yuan(),
                percent(report::completion(f.total_investment.fen(), c.target_investment_fen))
            ),
            size,
        )?,
        gauge(
            "合同、协议外资（亿元）",
            yi(f.foreign_capital),
            yi(Money::from_fen(c.target_foreign_capital_fen)),
            &format!(
                "{} / {} · {}",
                f.foreign_capital.yi_yuan(),
                Money::from_fen(c.target_foreign_capital_fen).yi_yuan(),
                percent(report::completion(f.foreign_capital.fen(), c.target_foreign_capital_fen))
            ),
            size,
        )?,
    ])
}

/// The briefing as one self-contained HTML page: no script, no fetch.
pub fn html(b: &Briefing) -> AppResult<String> {
    let c = &b.campaign;
    let f = &b.figures;
    let gauges = gauges(b, (360, 90))?;
    let mut rows = String::new();
    for r in &b.breakdown.departments {
        rows.push_str(&format!(
            "<tr data-department=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&department_name(r)),
            r.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
            escape(&department_name(r)),
            r.actual.agreements,
            r.target.map(|t| t.agreements.to_string()).unwrap_or_else(|| "—".into()),
            r.actual.investment.yi_yuan(),
            r.target.map(|t| t.investment.yi_yuan()).unwrap_or_else(|| "—".into()),
            r.score.map(|s| format!("{s:.2}")).unwrap_or_else(|| "—".into()),
        ));
    }
    let mut sectors = String::new();
    for s in &b.breakdown.sectors {
        sectors.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(b.sector_names.get(&s.sector_id).map(String::as_str).unwrap_or("—")),
            s.actual.agreements,
            s.actual.investment.yi_yuan()
        ));
    }
    let mut red = String::new();
    for r in &b.red {
        let department =
            r.project.department_id.and_then(|d| b.department_names.get(&d)).map_or("未分配部门", String::as_str);
        let reasons: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
        red.push_str(&format!(
            "<tr data-red-project=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            r.project.id,
            escape(department),
            escape(&r.project.name),
            escape(&reasons.join("；"))
        ));
    }
    if red.is_empty() {
        red.push_str("<tr><td colspan=\"3\">无红色项目</td></tr>\n");
    }
    Ok(format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title} · 招商工作简报</title>
<style>
body {{ font-family: {FONT}; margin: 24px auto; max-width: 1100px; color: #222; }}
h1 {{ font-size: 24px; margin-bottom: 4px; }} .period {{ color: #666; margin-top: 0; }}
.summary {{ font-size: 18px; background: #FDF2E9; border-left: 4px solid #C0392B; padding: 12px 16px; }}
.gauges {{ display: flex; gap: 12px; flex-wrap: wrap; }} .rates {{ color: #444; }}
table {{ border-collapse: collapse; margin: 12px 0; }} td, th {{ border: 1px solid #ccc; padding: 4px 10px; text-align: right; }}
td:nth-child(2), th:nth-child(2) {{ text-align: left; }}
</style></head>
<body>
<h1>{title}</h1>
<p class="period">{region} · {starts} 至 {ends}</p>
<p class="summary">{summary}</p>
<div class="gauges">{g0}{g1}{g2}</div>
<p class="rates">开工率 {start_rate} · 资金到位率 {funds_rate}</p>
<h2>部门任务完成情况</h2>
{departments_chart}
<table><thead><tr><th>排名</th><th>部门</th><th>签约数</th><th>任务</th><th>总投资（亿元）</th><th>任务（亿元）</th><th>得分</th></tr></thead>
<tbody>
{rows}</tbody></table>
<h2>逐周进度</h2>
{weekly_chart}
<h2>分行业</h2>
<table><thead><tr><th>行业</th><th>签约数</th><th>总投资（亿元）</th></tr></thead><tbody>
{sectors}</tbody></table>
<h2>督办清单</h2>
<table class="supervision"><thead><tr><th>责任部门</th><th>项目</th><th>原因</th></tr></thead><tbody>
{red}</tbody></table>
<h2>招商地图</h2>
{map}
</body></html>
"#,
        title = escape(&c.name),
        region = escape(&c.region),
        starts = c.starts_on,
        ends = c.ends_on,
        summary = report::summary(f),
        g0 = gauges[0],
        g1 = gauges[1],
        g2 = gauges[2],
        start_rate = percent(b.breakdown.start_rate),
        funds_rate = percent(b.breakdown.funds_in_place_rate),
        departments_chart = departments_chart(b, None)?,
        weekly_chart = weekly_chart(b, (640, 320))?,
        map = map::svg(&b.parks, &b.signed, 900, 560),
    ))
}

/// The department ranking's columns, in the CSV and the workbook.
const RANKING: [&str; 8] =
    ["排名", "部门", "签约数", "任务签约数", "总投资（元）", "任务总投资（元）", "外资（元）", "得分"];
/// The supervision columns the workbook adds (督办).
const SUPERVISION: [&str; 4] = ["红色项目", "黄色项目", "逾期诉求", "逾期线索"];

/// One CSV row per department, UTF-8 with a byte-order mark.
pub fn csv(b: &Briefing) -> AppResult<Vec<u8>> {
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        w.write_record(RANKING).map_err(AppError::internal)?;
        for r in &b.breakdown.departments {
            w.write_record([
                r.rank.map(|r| r.to_string()).unwrap_or_default(),
                department_name(r),
                r.actual.agreements.to_string(),
                r.target.map(|t| t.agreements.to_string()).unwrap_or_default(),
                r.actual.investment.to_string(),
                r.target.map(|t| t.investment.to_string()).unwrap_or_default(),
                r.actual.foreign_capital.to_string(),
                r.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
            ])
            .map_err(AppError::internal)?;
        }
        w.flush().map_err(AppError::internal)?;
    }
    Ok(out)
}

/// A row of `byDepartment`, named as `DepartmentResult` in the API (the
/// department by its name).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonDepartment {
    rank: Option<i32>,
    department: String,
    agreements_signed: i64,
    target_agreements: Option<i32>,
    total_investment: String,
    target_investment: Option<String>,
    score: Option<f64>,
    red_projects: i64,
    amber_projects: i64,
    overdue_requests: i64,
    overdue_leads: i64,
}

/// `report --format json`: the campaign, then `CampaignReport`'s fields as
/// the API names them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport {
    campaign: String,
    region: String,
    starts_on: String,
    ends_on: String,
    summary: String,
    agreements_signed: i64,
    total_investment: String,
    foreign_capital: String,
    contract_projects: i64,
    contract_foreign_capital: String,
    start_rate: Option<f64>,
    funds_in_place_rate: Option<f64>,
    by_department: Vec<JsonDepartment>,
}

/// The figures as JSON; amounts are strings with two decimals, as in the API.
pub fn json(b: &Briefing) -> AppResult<String> {
    let f = &b.figures;
    let report = JsonReport {
        campaign: b.campaign.name.clone(),
        region: b.campaign.region.clone(),
        starts_on: b.campaign.starts_on.to_string(),
        ends_on: b.campaign.ends_on.to_string(),
        summary: report::summary(f),
        agreements_signed: f.agreements_signed,
        total_investment: f.total_investment.to_string(),
        foreign_capital: f.foreign_capital.to_string(),
        contract_projects: f.contract_projects,
        contract_foreign_capital: f.contract_foreign_capital.to_string(),
        start_rate: b.breakdown.start_rate,
        funds_in_place_rate: b.breakdown.funds_in_place_rate,
        by_department: b
            .breakdown
            .departments
            .iter()
            .map(|r| JsonDepartment {
                rank: r.rank,
                department: department_name(r),
                agreements_signed: r.actual.agreements,
                target_agreements: r.target.map(|t| t.agreements),
                total_investment: r.actual.investment.to_string(),
                target_investment: r.target.map(|t| t.investment.to_string()),
                score: r.score,
                red_projects: r.supervision.red_projects,
                amber_projects: r.supervision.amber_projects,
                overdue_requests: r.supervision.overdue_requests,
                overdue_leads: r.supervision.overdue_leads,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).map_err(AppError::internal)
}

/// The forms a briefing is downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
    Xlsx,
    Png,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => crate::http::downloads::XLSX,
            Format::Png => "image/png",
        }
    }
}

/// The briefing in `format`: CPU work, to run off the async threads.
pub fn render(b: &Briefing, format: Format) -> AppResult<Vec<u8>> {
    match format {
        Format::Html => html(b).map(String::into_bytes),
        Format::Csv => csv(b),
        Format::Json => json(b).map(String::into_bytes),
        Format::Xlsx => xlsx(b),
        Format::Png => png(b),
    }
}

mod picture;
mod workbook;

pub use picture::{PNG_WIDTH, page_svg, png};
pub mod map;
pub use workbook::xlsx;
