//! The briefing as a workbook, one sheet per part.

use super::*;

/// The briefing as a workbook: figures, departments (with the supervision
/// columns), persons, sectors and weeks, one sheet each; amounts in yuan.
pub fn xlsx(b: &Briefing) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format as Cells, Workbook};
    let x = |e: rust_xlsxwriter::XlsxError| AppError::internal(anyhow::anyhow!("xlsx: {e}"));
    let bold = Cells::new().set_bold();
    let money = Cells::new().set_num_format("#,##0.00");
    let ratio = Cells::new().set_num_format("0.0%");
    let yuan = |m: Money| m.fen() as f64 / 100.0;
    let mut wb = Workbook::new();
    let c = &b.campaign;
    let f = &b.figures;
    {
        let ws = wb.add_worksheet().set_name("概况").map_err(x)?;
        let rows: [(&str, Option<f64>, Option<String>, bool); 12] = [
            ("招商活动", None, Some(c.name.clone()), false),
            ("区域", None, Some(c.region.clone()), false),
            ("期间", None, Some(format!("{} 至 {}", c.starts_on, c.ends_on)), false),
            ("简报", None, Some(report::summary(f)), false),
            ("签约数（个）", Some(f.agreements_signed as f64), None, false),
            ("任务签约数（个）", Some(c.target_agreements as f64), None, false),
            ("总投资（元）", Some(yuan(f.total_investment)), None, true),
            ("任务总投资（元）", Some(yuan(Money::from_fen(c.target_investment_fen))), None, true),
            ("外资（元）", Some(yuan(f.foreign_capital)), None, true),
            ("任务外资（元）", Some(yuan(Money::from_fen(c.target_foreign_capital_fen))), None, true),
            ("合同项目数（个）", Some(f.contract_projects as f64), None, false),
            ("合同外资（元）", Some(yuan(f.contract_foreign_capital)), None, true),
        ];
        for (i, (k, n, s, is_money)) in rows.iter().enumerate() {
            let r = i as u32;
            ws.write_string_with_format(r, 0, *k, &bold).map_err(x)?;
            match (n, s) {
                (Some(n), _) if *is_money => ws.write_number_with_format(r, 1, *n, &money).map(|_| ()),
                (Some(n), _) => ws.write_number(r, 1, *n).map(|_| ()),
                (None, Some(s)) => ws.write_string(r, 1, s).map(|_| ()),
                (None, None) => Ok(()),
            }
            .map_err(x)?;
        }
        for (i, (k, v)) in
            [("开工率", b.breakdown.start_rate), ("资金到位率", b.breakdown.funds_in_place_rate)].iter().enumerate()
        {
            let r = rows.len() as u32 + i as u32;
            ws.write_string_with_format(r, 0, *k, &bold).map_err(x)?;
            if let Some(v) = v {
                ws.write_number_with_format(r, 1, *v, &ratio).map_err(x)?;
            }
        }
        ws.set_column_width(0, 20).map_err(x)?;
        ws.set_column_width(1, 80).map_err(x)?;
    }
    fn header(
        ws: &mut rust_xlsxwriter::Worksheet,
        names: &[&str],
        bold: &Cells,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        for (i, n) in names.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *n, bold)?;
            ws.set_column_width(i as u16, (crate::ledger::export::display_width(n) + 4).max(10) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }
    {
        let ws = wb.add_worksheet().set_name("部门排名").map_err(x)?;
        header(ws, &[RANKING.as_slice(), SUPERVISION.as_slice()].concat(), &bold).map_err(x)?;
        for (i, d) in b.breakdown.departments.iter().enumerate() {
            let r = i as u32 + 1;
            if let Some(rank) = d.rank {
                ws.write_number(r, 0, rank).map_err(x)?;
            }
            ws.write_string(r, 1, department_name(d)).map_err(x)?;
            ws.write_number(r, 2, d.actual.agreements as f64).map_err(x)?;
            if let Some(t) = d.target {
                ws.write_number(r, 3, t.agreements).map_err(x)?;
                ws.write_number_with_format(r, 5, yuan(t.investment), &money).map_err(x)?;
            }
            ws.write_number_with_format(r, 4, yuan(d.actual.investment), &money).map_err(x)?;
            ws.write_number_with_format(r, 6, yuan(d.actual.foreign_capital), &money).map_err(x)?;
            if let Some(s) = d.score {
                ws.write_number(r, 7, s).map_err(x)?;
            }
            let s = &d.supervision;
            for (j, v) in [s.red_projects, s.amber_projects, s.overdue_requests, s.overdue_leads].iter().enumerate() {
                ws.write_number(r, 8 + j as u16, *v as f64).map_err(x)?;
            }
        }
    }
    {
        let ws = wb.add_worksheet().set_name("人员").map_err(x)?;
        header(
            ws,
            &["部门", "排名", "人员", "签约数", "任务签约数", "总投资（元）", "任务总投资（元）", "得分"],
            &bold,
        )
        .map_err(x)?;
        let mut r = 0u32;
        for d in &b.breakdown.departments {
            for p in &d.persons {
                r += 1;
                ws.write_string(r, 0, department_name(d)).map_err(x)?;
                if let Some(rank) = p.rank {
                    ws.write_number(r, 1, rank).map_err(x)?;
                }
                ws.write_string(r, 2, &p.person).map_err(x)?;
                ws.write_number(r, 3, p.actual.agreements as f64).map_err(x)?;
                ws.write_number(r, 4, p.target.agreements).map_err(x)?;
                ws.write_number_with_format(r, 5, yuan(p.actual.investment), &money).map_err(x)?;
                ws.write_number_with_format(r, 6, yuan(p.target.investment), &money).map_err(x)?;
                if let Some(s) = p.score {
                    ws.write_number(r, 7, s).map_err(x)?;
                }
            }
        }
    }
    {
        let ws = wb.add_worksheet().set_name("行业").map_err(x)?;
        header(ws, &["行业", "签约数", "总投资（元）", "外资（元）"], &bold).map_err(x)?;
        for (i, s) in b.breakdown.sectors.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, b.sector_names.get(&s.sector_id).map(String::as_str).unwrap_or("—")).map_err(x)?;
            ws.write_number(r, 1, s.actual.agreements as f64).map_err(x)?;
            ws.write_number_with_format(r, 2, yuan(s.actual.investment), &money).map_err(x)?;
            ws.write_number_with_format(r, 3, yuan(s.actual.foreign_capital), &money).map_err(x)?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("逐周").map_err(x)?;
        header(ws, &["周", "起始日", "签约数", "总投资（元）", "累计签约数", "累计总投资（元）"], &bold).map_err(x)?;
        let date = Cells::new().set_num_format("yyyy-mm-dd");
        for (i, w) in b.breakdown.weeks.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &w.week).map_err(x)?;
            ws.write_datetime_with_format(r, 1, &w.starts_on, &date).map_err(x)?;
            ws.write_number(r, 2, w.actual.agreements as f64).map_err(x)?;
            ws.write_number_with_format(r, 3, yuan(w.actual.investment), &money).map_err(x)?;
            ws.write_number(r, 4, w.cumulative.agreements as f64).map_err(x)?;
            ws.write_number_with_format(r, 5, yuan(w.cumulative.investment), &money).map_err(x)?;
        }
    }
    wb.save_to_buffer().map_err(x)
}
