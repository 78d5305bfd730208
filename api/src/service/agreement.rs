//! Signed agreements (签约).

use super::project::record_stage;
use super::write::invalid_amount_pair;
use chrono::NaiveDate;
use entity::enums::{AgreementKind, ProjectStage};
use entity::{agreement, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter,
};
use serde::Serialize;

use super::audit;
use super::filter::{all, eq, gte, lte};
use super::idempotency::{self, Claimed, Key};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::totals::Tally;
use super::tx::{content_hash, load, now};
use super::write::{Actor, Noun, Problem, WriteResult, not_found, refuse};
use crate::domain::money::Money;
use crate::domain::stage;

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

#[derive(Debug, Clone, Serialize)]
pub struct RecordAgreement {
    pub project_id: i64,
    pub kind: AgreementKind,
    pub signed_on: NaiveDate,
    pub total_investment: Money,
    pub foreign_capital: Money,
    pub campaign_id: Option<i64>,
    pub event_id: Option<i64>,
    pub is_increase: bool,
    pub incentive_ids: Vec<i64>,
}

/// The campaign an agreement counts for: the one named, else the single active
/// campaign whose period contains the signing date; otherwise `NO_CAMPAIGN`.
pub(crate) async fn campaign_for<C: ConnectionTrait>(
    db: &C,
    named: Option<i64>,
    signed_on: NaiveDate,
) -> WriteResult<i64> {
    if let Some(id) = named {
        return Ok(id);
    }
    let candidates = campaign::Entity::find()
        .filter(campaign::Column::IsActive.eq(true))
        .filter(campaign::Column::StartsOn.lte(signed_on))
        .filter(campaign::Column::EndsOn.gte(signed_on))
        .all(db)
        .await?;
    match candidates.as_slice() {
        [one] => Ok(one.id),
        list => Err(refuse("campaign_id", Problem::NoCampaign { ambiguous: !list.is_empty() })),
    }
}

/// `recordAgreement`: a project's primary agreement moves it to SIGNED; a second
/// primary one is `ALREADY_SIGNED`; an increase needs a primary agreement and
/// leaves the stage alone.
pub async fn record_agreement<C: super::tx::Db>(
    db: &C,
    actor: &Actor,
    cmd: RecordAgreement,
    key: Option<&str>,
) -> WriteResult<agreement::Model> {
    actor.require_staff()?;
    if cmd.foreign_capital > cmd.total_investment {
        return Err(invalid_amount_pair());
    }
    let claim = Key { mutation: "recordAgreement", key, hash: content_hash(&cmd) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim).await? {
        Claimed::Replay(id) => return load::<agreement::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    let project = super::tx::locked::<project::Entity>(&txn, cmd.project_id, "project_id", Noun::Project).await?;
    check_refs(&txn, &[("campaign_id", cmd.campaign_id, Ref::Campaign), ("event_id", cmd.event_id, Ref::Event)])
        .await?;
    let found =
        incentive::Entity::find().filter(incentive::Column::Id.is_in(cmd.incentive_ids.clone())).count(&txn).await?;
    if found as usize != cmd.incentive_ids.len() {
        return Err(not_found("incentive_ids", Noun::Incentive));
    }
    let primary =
        agreement::Entity::find().filter(agreement::Column::PrimaryProjectId.eq(project.id)).one(&txn).await?;
    match (cmd.is_increase, &primary) {
        (false, Some(_)) => {
            return Err(refuse("project_id", Problem::AlreadySigned));
        }
        (true, None) => {
            return Err(refuse("is_increase", Problem::IncreaseWithoutPrimary));
        }
        (false, None) if !stage::may_sign(project.stage) => {
            return Err(refuse("project_id", Problem::StageCannotSign));
        }
        _ => {}
    }
    let campaign_id = campaign_for(&txn, cmd.campaign_id, cmd.signed_on).await?;
    let tally = Tally::before(&txn, &[project.id]).await?;
    let t = now();
    let a = agreement::ActiveModel {
        project_id: Set(project.id),
        primary_project_id: Set((!cmd.is_increase).then_some(project.id)),
        campaign_id: Set(campaign_id),
        event_id: Set(cmd.event_id),
        kind: Set(cmd.kind),
        signed_on: Set(cmd.signed_on),
        total_investment_fen: Set(cmd.total_investment.fen()),
        foreign_capital_fen: Set(cmd.foreign_capital.fen()),
        is_increase: Set(cmd.is_increase),
        upgraded_on: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    };
    let a = match a.insert(&txn).await {
        Ok(a) => a,
        // The unique primary_project_id index settles a race between two primaries.
        Err(e) if super::tx::is_unique_violation(&e) => {
            return Err(refuse("project_id", Problem::AlreadySigned));
        }
        Err(e) => return Err(e.into()),
    };
    if !cmd.incentive_ids.is_empty() {
        agreement_incentive::Entity::insert_many(
            cmd.incentive_ids
                .iter()
                .map(|i| agreement_incentive::ActiveModel { agreement_id: Set(a.id), incentive_id: Set(*i) }),
        )
        .exec(&txn)
        .await?;
    }
    let signed = if !cmd.is_increase {
        let before = project.clone();
        let mut m = project.clone().into_active_model();
        m.stage = Set(ProjectStage::Signed);
        m.paused_from_stage = Set(None);
        m.updated_at = Set(t);
        let after = m.update(&txn).await?;
        record_stage(&txn, actor, after.id, Some(before.stage), ProjectStage::Signed, Some("登记主协议".into()))
            .await?;
        audit::record(&txn, actor, "recordAgreement", "Project", after.id, Some(&before), Some(&after)).await?;
        Some(after)
    } else {
        None
    };
    // Totals before events: every writer takes the totals' rows before the
    // outbox's lock, so that two writers never wait on each other in turn.
    tally.settle(&txn).await?;
    if let Some(after) = &signed {
        super::outbox::project_stage_changed(&txn, project.stage, after).await?;
    }
    audit::record(&txn, actor, "recordAgreement", "Agreement", a.id, None, Some(&a)).await?;
    super::outbox::agreement_recorded(&txn, &a, signed.as_ref().unwrap_or(&project)).await?;
    idempotency::complete(&txn, claimed, "Agreement", a.id).await?;
    txn.commit().await?;
    Ok(a)
}

/// `upgradeAgreement`: a framework agreement becomes a contract in place; it
/// stays counted once, for the campaign it was first counted for.
pub async fn upgrade_agreement(
    db: &DatabaseConnection,
    actor: &Actor,
    agreement_id: i64,
    upgraded_on: NaiveDate,
    total: Option<Money>,
    foreign: Option<Money>,
) -> WriteResult<agreement::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<agreement::Entity>(&txn, agreement_id, "agreement_id", Noun::Agreement).await?;
    // The project is locked too: its totals are settled below.
    super::tx::locked::<project::Entity>(&txn, current.project_id, "agreement_id", Noun::Agreement).await?;
    let tally = Tally::before(&txn, &[current.project_id]).await?;
    if current.kind != AgreementKind::Framework {
        return Err(refuse("agreement_id", Problem::NotFramework));
    }
    if upgraded_on < current.signed_on {
        return Err(refuse("upgraded_on", Problem::EndBeforeStart));
    }
    let total = total.map(Money::fen).unwrap_or(current.total_investment_fen);
    let foreign = foreign.map(Money::fen).unwrap_or(current.foreign_capital_fen);
    if foreign > total {
        return Err(invalid_amount_pair());
    }
    let mut m = current.clone().into_active_model();
    m.kind = Set(AgreementKind::Contract);
    m.upgraded_on = Set(Some(upgraded_on));
    m.total_investment_fen = Set(total);
    m.foreign_capital_fen = Set(foreign);
    m.updated_at = Set(now());
    let after = m.update(&txn).await?;
    tally.settle(&txn).await?;
    audit::record(&txn, actor, "upgradeAgreement", "Agreement", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}
