//! Policy incentives (优惠政策) and the rules that say which projects qualify.

use super::campaign::check_sectors;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::enums::IncentiveKind;
use entity::{agreement_incentive, incentive, incentive_sector, project, *};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    JoinType, QueryFilter, QuerySelect, RelationDef, Select,
};
use serde::Serialize;

use super::audit;
use super::filter::{all, eq, search};
use super::listing::{ChildList, replace_links, sectors_through};
use super::pagination::{Direction, Ordering, SortKey};
use super::tx::{begin, check_fresh, content_hash, finish, guarded_update, load, now, start};
use super::visibility::restrict;
use super::write::{Actor, Change, Noun, Patch, Problem, WriteResult, refuse};
use crate::auth::Principal;
use crate::domain::money::Money;
use crate::domain::text::fold;
use crate::error::AppResult;

#[derive(Debug, Default, Clone)]
pub struct IncentiveFilter {
    pub search: Option<String>,
    pub kind: Option<IncentiveKind>,
    pub is_published: Option<bool>,
    /// Incentives whose eligibility names this sector.
    pub sector_id: Option<i64>,
    /// Incentives valid on this date.
    pub valid_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncentiveOrderField {
    CreatedAt,
    Title,
}

pub fn condition(f: &IncentiveFilter) -> Option<Condition> {
    use incentive::Column as C;
    let sector = f.sector_id.map(|sid| {
        C::Id.in_subquery(
            Query::select()
                .column(incentive_sector::Column::IncentiveId)
                .from(incentive_sector::Entity)
                .and_where(incentive_sector::Column::SectorId.eq(sid))
                .to_owned(),
        )
    });
    let valid = f.valid_on.map(|d| {
        Condition::all()
            .add(Condition::any().add(C::ValidFrom.is_null()).add(C::ValidFrom.lte(d)))
            .add(Condition::any().add(C::ValidTo.is_null()).add(C::ValidTo.gte(d)))
    });
    Some(
        all([
            search(C::SearchName, f.search.as_deref()),
            eq(C::Kind, f.kind),
            eq(C::IsPublished, f.is_published),
            sector,
        ])
        .add_option(valid),
    )
}

pub fn ordering(field: IncentiveOrderField, direction: Direction) -> Ordering<incentive::Entity> {
    use incentive::{Column, Model};
    match field {
        IncentiveOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        IncentiveOrderField::Title => Ordering {
            name: "TITLE",
            column: Column::Title,
            direction,
            key: |m: &Model| SortKey::Text(m.title.clone()),
        },
    }
}

sectors_through!(
    IncentiveSectors,
    incentive_sector,
    "incentive_sectors",
    "incentive_id",
    "`Incentive.sectors`: the sectors an incentive is limited to (none: all sectors)."
);

/// `Agreement.incentives`: the incentives promised in an agreement.
pub struct AgreementIncentives;

impl ChildList for AgreementIncentives {
    type Entity = incentive::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("agreement_incentives", "agreement_id")
    }
    fn base() -> Select<incentive::Entity> {
        let join: RelationDef = agreement_incentive::Entity::belongs_to(incentive::Entity)
            .from(agreement_incentive::Column::IncentiveId)
            .to(incentive::Column::Id)
            .into();
        incentive::Entity::find().join(JoinType::InnerJoin, join.rev())
    }
    fn order() -> Ordering<incentive::Entity> {
        ordering(IncentiveOrderField::Title, Direction::Asc)
    }
}

/// Whether `project` meets an incentive's eligibility rules on `today`.
pub fn qualifies(
    inc: &incentive::Model,
    sectors: Option<&HashSet<i64>>,
    project: &project::Model,
    today: NaiveDate,
) -> bool {
    inc.valid_from.is_none_or(|d| d <= today)
        && inc.valid_to.is_none_or(|d| d >= today)
        && sectors.is_none_or(|s| s.is_empty() || s.contains(&project.sector_id))
        && inc.min_investment_fen.is_none_or(|min| project.planned_investment_fen >= min)
        && inc.min_foreign_capital_fen.is_none_or(|min| project.foreign_capital_fen >= min)
        && (!inc.high_tech_only || project.is_high_tech)
        && (!inc.foreign_invested_only || project.is_foreign_invested)
}

/// The incentives each project qualifies for, among those the principal may see.
/// Incentives are a short list the office maintains, so they are read whole
/// (two statements) and matched in memory, for any number of projects.
pub async fn eligible(
    db: &DatabaseConnection,
    principal: &Principal,
    projects: &[project::Model],
    today: NaiveDate,
) -> AppResult<HashMap<i64, Vec<incentive::Model>>> {
    let Some(select) = restrict(incentive::Entity::find(), principal) else {
        return Ok(HashMap::new());
    };
    let incentives = select.all(db).await?;
    let ids: Vec<i64> = incentives.iter().map(|i| i.id).collect();
    let mut sectors: HashMap<i64, HashSet<i64>> = HashMap::new();
    for link in
        incentive_sector::Entity::find().filter(incentive_sector::Column::IncentiveId.is_in(ids)).all(db).await?
    {
        sectors.entry(link.incentive_id).or_default().insert(link.sector_id);
    }
    Ok(projects
        .iter()
        .map(|p| {
            let list = incentives.iter().filter(|i| qualifies(i, sectors.get(&i.id), p, today)).cloned().collect();
            (p.id, list)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use entity::enums::ProjectStage;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn incentive() -> incentive::Model {
        let now = Utc::now();
        incentive::Model {
            id: 1,
            title: "t".into(),
            search_name: "t".into(),
            kind: IncentiveKind::Subsidy,
            issuer: "i".into(),
            summary: None,
            document_number: None,
            valid_from: None,
            valid_to: None,
            is_published: true,
            min_investment_fen: None,
            min_foreign_capital_fen: None,
            high_tech_only: false,
            foreign_invested_only: false,
            created_at: now,
            updated_at: now,
        }
    }

    fn project() -> project::Model {
        let now = Utc::now();
        project::Model {
            id: 1,
            name: "p".into(),
            search_name: "p".into(),
            stage: ProjectStage::Lead,
            paused_from_stage: None,
            planned_investment_fen: 100_000_000_00,
            foreign_capital_fen: 20_000_000_00,
            sector_id: 7,
            enterprise_id: None,
            park_id: None,
            department_id: None,
            campaign_id: None,
            responsible_person: None,
            responsible_staff_id: None,
            is_high_tech: false,
            is_foreign_invested: false,
            is_published: true,
            description: None,
            notes: None,
            lead_id: None,
            source_partner_id: None,
            longitude_e7: None,
            latitude_e7: None,
            created_at: now,
            updated_at: now,
        }
    }

    const TODAY: &str = "2026-11-26";

    #[test]
    fn no_rules_means_everyone_qualifies() {
        assert!(qualifies(&incentive(), None, &project(), day(TODAY)));
    }

    #[test]
    fn the_validity_period_counts() {
        let mut i = incentive();
        i.valid_to = Some(day("2026-11-25"));
        assert!(!qualifies(&i, None, &project(), day(TODAY)));
        i.valid_to = Some(day("2026-11-26"));
        assert!(qualifies(&i, None, &project(), day(TODAY)));
        i.valid_from = Some(day("2026-12-01"));
        assert!(!qualifies(&i, None, &project(), day(TODAY)));
    }

    #[test]
    fn sectors_limit_who_qualifies() {
        let i = incentive();
        assert!(qualifies(&i, Some(&HashSet::from([7, 8])), &project(), day(TODAY)));
        assert!(!qualifies(&i, Some(&HashSet::from([8])), &project(), day(TODAY)));
        assert!(qualifies(&i, Some(&HashSet::new()), &project(), day(TODAY)));
    }

    #[test]
    fn a_minimum_investment_is_inclusive() {
        let mut i = incentive();
        i.min_investment_fen = Some(100_000_000_00);
        assert!(qualifies(&i, None, &project(), day(TODAY)));
        i.min_investment_fen = Some(100_000_000_01);
        assert!(!qualifies(&i, None, &project(), day(TODAY)));
    }

    #[test]
    fn a_minimum_foreign_capital_is_inclusive() {
        let mut i = incentive();
        i.min_foreign_capital_fen = Some(20_000_000_00);
        assert!(qualifies(&i, None, &project(), day(TODAY)));
        i.min_foreign_capital_fen = Some(20_000_000_01);
        assert!(!qualifies(&i, None, &project(), day(TODAY)));
    }

    #[test]
    fn high_tech_only_needs_a_high_tech_project() {
        let mut i = incentive();
        i.high_tech_only = true;
        let mut p = project();
        assert!(!qualifies(&i, None, &p, day(TODAY)));
        p.is_high_tech = true;
        assert!(qualifies(&i, None, &p, day(TODAY)));
    }

    #[test]
    fn foreign_invested_only_needs_foreign_investment() {
        let mut i = incentive();
        i.foreign_invested_only = true;
        let mut p = project();
        assert!(!qualifies(&i, None, &p, day(TODAY)));
        p.is_foreign_invested = true;
        assert!(qualifies(&i, None, &p, day(TODAY)));
    }
}

/// An incentive's fields as a command gives them: for a creation, absent is
/// the default; for a change, absent (or [`Patch::Keep`]) leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IncentiveFields {
    pub title: Option<String>,
    pub kind: Option<IncentiveKind>,
    pub issuer: Option<String>,
    pub summary: Patch<String>,
    pub document_number: Patch<String>,
    pub valid_from: Patch<NaiveDate>,
    pub valid_to: Patch<NaiveDate>,
    pub is_published: Option<bool>,
    pub min_investment: Patch<Money>,
    pub min_foreign_capital: Patch<Money>,
    pub high_tech_only: Option<bool>,
    pub foreign_invested_only: Option<bool>,
    pub sector_ids: Option<Vec<i64>>,
}

pub(crate) fn check_validity(from: Option<NaiveDate>, to: Option<NaiveDate>) -> WriteResult<()> {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(refuse("valid_to", Problem::EndBeforeStart));
        }
    }
    Ok(())
}

pub(crate) async fn set_incentive_sectors<C: ConnectionTrait>(
    db: &C,
    id: i64,
    ids: &[i64],
) -> Result<(), sea_orm::DbErr> {
    replace_links(db, incentive_sector::Column::IncentiveId, id, ids, |s| incentive_sector::ActiveModel {
        incentive_id: Set(id),
        sector_id: Set(s),
    })
    .await
}

pub async fn create_incentive(
    db: &DatabaseConnection,
    actor: &Actor,
    f: IncentiveFields,
    key: Option<&str>,
) -> WriteResult<incentive::Model> {
    actor.require_admin()?;
    check_validity(f.valid_from.set().copied(), f.valid_to.set().copied())?;
    let (txn, claim) = match start::<incentive::Entity>(db, actor, "createIncentive", key, content_hash(&f)).await? {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    check_sectors(&txn, &f.sector_ids).await?;
    let title = f.title.unwrap_or_default();
    let t = now();
    let i = incentive::ActiveModel {
        search_name: Set(fold(&title)),
        title: Set(title),
        kind: Set(f.kind.unwrap_or(IncentiveKind::Subsidy)),
        issuer: Set(f.issuer.unwrap_or_default()),
        summary: Set(f.summary.value()),
        document_number: Set(f.document_number.value()),
        valid_from: Set(f.valid_from.value()),
        valid_to: Set(f.valid_to.value()),
        is_published: Set(f.is_published.unwrap_or(false)),
        min_investment_fen: Set(f.min_investment.value().map(Money::fen)),
        min_foreign_capital_fen: Set(f.min_foreign_capital.value().map(Money::fen)),
        high_tech_only: Set(f.high_tech_only.unwrap_or(false)),
        foreign_invested_only: Set(f.foreign_invested_only.unwrap_or(false)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_incentive_sectors(&txn, i.id, f.sector_ids.as_deref().unwrap_or_default()).await?;
    finish(txn, actor, claim, "createIncentive", "Incentive", i.id, &i).await?;
    Ok(i)
}

pub async fn update_incentive(
    db: &DatabaseConnection,
    actor: &Actor,
    change: Change<IncentiveFields>,
    action: &str,
) -> WriteResult<incentive::Model> {
    actor.require_admin()?;
    let Change { id, expected_updated_at: expected, fields: f } = change;
    let txn = begin(db).await?;
    let current = super::tx::locked::<incentive::Entity>(&txn, id, "incentive_id", Noun::Incentive).await?;
    check_fresh(current.updated_at, expected)?;
    check_validity(f.valid_from.clone().apply(current.valid_from), f.valid_to.clone().apply(current.valid_to))?;
    check_sectors(&txn, &f.sector_ids).await?;
    let mut m = current.clone().into_active_model();
    if let Some(title) = f.title {
        m.search_name = Set(fold(&title));
        m.title = Set(title);
    }
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v); } )*};
    }
    macro_rules! patch {
        ($($field:ident),*) => {$( f.$field.write_to(&mut m.$field); )*};
    }
    set!(kind, issuer, is_published, high_tech_only, foreign_invested_only);
    patch!(summary, document_number, valid_from, valid_to);
    f.min_investment.map(Money::fen).write_to(&mut m.min_investment_fen);
    f.min_foreign_capital.map(Money::fen).write_to(&mut m.min_foreign_capital_fen);
    guarded_update::<incentive::Entity, _, _>(
        &txn,
        m,
        incentive::Column::Id,
        current.id,
        incentive::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    if let Some(ids) = &f.sector_ids {
        set_incentive_sectors(&txn, current.id, ids).await?;
    }
    let after = load::<incentive::Entity>(&txn, current.id).await?;
    audit::record(&txn, actor, action, "Incentive", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}
