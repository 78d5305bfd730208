//! A campaign's figures, per the counting rules of domain.md, computed by the
//! database from the kept totals: one statement for any number of campaigns.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::totals::Amounts;

use crate::domain::money::Money;
use crate::error::AppResult;

/// The five figures of the fixed summary sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    /// Primary agreements (increases not counted).
    pub agreements_signed: i64,
    /// All agreements' total investment (increases by their increment).
    pub total_investment: Money,
    pub foreign_capital: Money,
    /// Primary agreements of kind CONTRACT.
    pub contract_projects: i64,
    /// Foreign capital of CONTRACT agreements, increases included.
    pub contract_foreign_capital: Money,
}

/// The figures of each of `campaign_ids`: one statement over the kept totals
/// (see [`super::totals`]), whatever the number of agreements.
pub async fn figures(db: &DatabaseConnection, campaign_ids: &[i64]) -> AppResult<HashMap<i64, Figures>> {
    let mut out: HashMap<i64, Figures> = campaign_ids.iter().map(|id| (*id, Figures::default())).collect();
    if campaign_ids.is_empty() {
        return Ok(out);
    }
    // `SUM` of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite: the
    // cast gives both the same exact integer type.
    let sums = Amounts::COLUMNS.map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}")).join(", ");
    let sql = format!(
        "SELECT campaign_id, {sums} FROM campaign_person_totals WHERE campaign_id IN ({{ids}}) GROUP BY campaign_id"
    );
    for row in db.query_all_raw(super::breakdown::statement(db, &sql, campaign_ids)).await? {
        let a = Amounts::from_row(&row)?;
        out.insert(
            row.try_get("", "campaign_id")?,
            Figures {
                agreements_signed: a.agreements,
                total_investment: Money::from_fen(a.investment_fen),
                foreign_capital: Money::from_fen(a.foreign_capital_fen),
                contract_projects: a.contract_agreements,
                contract_foreign_capital: Money::from_fen(a.contract_foreign_capital_fen),
            },
        );
    }
    Ok(out)
}

/// The report's sentence, amounts in 亿元 rounded half-up to two places.
pub fn summary(f: &Figures) -> String {
    format!(
        "共签订合同、协议{}个，总投资{}亿元，合同、协议外资{}亿元，其中合同项目{}个，合同利用外资{}亿元。",
        f.agreements_signed,
        f.total_investment.yi_yuan(),
        f.foreign_capital.yi_yuan(),
        f.contract_projects,
        f.contract_foreign_capital.yi_yuan()
    )
}

/// actual ÷ target, None when the target is 0.
pub fn completion(actual: i64, target: i64) -> Option<f64> {
    (target != 0).then(|| actual as f64 / target as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_has_the_fixed_form() {
        let f = Figures {
            agreements_signed: 12,
            total_investment: Money::from_yuan(1_234_567_890),
            foreign_capital: Money::from_yuan(50_000_000),
            contract_projects: 7,
            contract_foreign_capital: Money::from_yuan(30_000_000),
        };
        assert_eq!(
            summary(&f),
            "共签订合同、协议12个，总投资12.35亿元，合同、协议外资0.50亿元，其中合同项目7个，合同利用外资0.30亿元。"
        );
    }

    #[test]
    fn completion_is_none_for_a_zero_target() {
        assert_eq!(completion(5, 0), None);
        assert_eq!(completion(5, 10), Some(0.5));
    }
}
