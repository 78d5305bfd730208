//! A campaign's figures, per the counting rules of domain.md, computed by the
//! database: one GROUP BY statement for any number of campaigns.

use std::collections::HashMap;

use entity::agreement;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};

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

/// `SUM` of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite: the cast
/// gives both the same exact integer type.
fn sum(expr: &str) -> Expr {
    Expr::cust(format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)"))
}

pub async fn figures(db: &DatabaseConnection, campaign_ids: &[i64]) -> AppResult<HashMap<i64, Figures>> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = agreement::Entity::find()
        .select_only()
        .column(agreement::Column::CampaignId)
        .expr(sum("CASE WHEN is_increase THEN 0 ELSE 1 END"))
        .expr(sum("total_investment_fen"))
        .expr(sum("foreign_capital_fen"))
        .expr(sum("CASE WHEN kind = 'CONTRACT' AND NOT is_increase THEN 1 ELSE 0 END"))
        .expr(sum("CASE WHEN kind = 'CONTRACT' THEN foreign_capital_fen ELSE 0 END"))
        .filter(agreement::Column::CampaignId.is_in(campaign_ids.to_vec()))
        .group_by(agreement::Column::CampaignId)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Figures> = campaign_ids.iter().map(|id| (*id, Figures::default())).collect();
    for (id, n, total, foreign, m, contract_foreign) in rows {
        out.insert(
            id,
            Figures {
                agreements_signed: n,
                total_investment: Money::from_fen(total),
                foreign_capital: Money::from_fen(foreign),
                contract_projects: m,
                contract_foreign_capital: Money::from_fen(contract_foreign),
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
