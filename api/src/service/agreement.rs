//! Signed agreements (签约).

use chrono::NaiveDate;
use entity::agreement;
use entity::enums::AgreementKind;
use sea_orm::Condition;

use super::filter::{all, eq, gte, lte};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use crate::domain::money::Money;

#[derive(Debug, Default, Clone)]
pub struct AgreementFilter {
    pub campaign_id: Option<i64>,
    pub project_id: Option<i64>,
    pub event_id: Option<i64>,
    pub kind: Option<AgreementKind>,
    pub is_increase: Option<bool>,
    pub signed_from: Option<NaiveDate>,
    pub signed_to: Option<NaiveDate>,
    pub min_investment: Option<Money>,
    pub max_investment: Option<Money>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementOrderField {
    CreatedAt,
    SignedOn,
    TotalInvestment,
}

pub fn condition(f: &AgreementFilter) -> Option<Condition> {
    use agreement::Column as C;
    Some(all([
        eq(C::CampaignId, f.campaign_id),
        eq(C::ProjectId, f.project_id),
        eq(C::EventId, f.event_id),
        eq(C::Kind, f.kind),
        eq(C::IsIncrease, f.is_increase),
        gte(C::SignedOn, f.signed_from),
        lte(C::SignedOn, f.signed_to),
        gte(C::TotalInvestmentFen, f.min_investment.map(Money::fen)),
        lte(C::TotalInvestmentFen, f.max_investment.map(Money::fen)),
    ]))
}

pub fn ordering(field: AgreementOrderField, direction: Direction) -> Ordering<agreement::Entity> {
    use agreement::{Column, Model};
    match field {
        AgreementOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        AgreementOrderField::SignedOn => Ordering {
            name: "SIGNED_ON",
            column: Column::SignedOn,
            direction,
            key: |m: &Model| SortKey::Date(m.signed_on),
        },
        AgreementOrderField::TotalInvestment => Ordering {
            name: "TOTAL_INVESTMENT",
            column: Column::TotalInvestmentFen,
            direction,
            key: |m: &Model| SortKey::Int(m.total_investment_fen),
        },
    }
}

/// `Project.agreements`: the primary agreement and any increases, latest first.
pub struct ProjectAgreements;

impl ChildList for ProjectAgreements {
    type Entity = agreement::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("agreements", "project_id")
    }
    fn order() -> Ordering<agreement::Entity> {
        ordering(AgreementOrderField::CreatedAt, Direction::Desc)
    }
}
