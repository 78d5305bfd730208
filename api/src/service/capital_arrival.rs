//! Capital arrivals (到资): amounts actually paid in for a project, the basis
//! of 资金到位率.

use chrono::NaiveDate;
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde::Serialize;

use super::audit;
use super::idempotency::{self, Claimed, Key};
use super::totals::Tally;
use super::tx::{content_hash, load, now};
use super::write::{Actor, Noun, Problem, WriteResult, refuse};
use crate::domain::money::Money;

#[derive(Debug, Clone, Serialize)]
pub struct RecordArrival {
    pub project_id: i64,
    pub arrived_on: NaiveDate,
    pub amount: Money,
}

/// `recordCapitalArrival`: money actually paid in for a signed project.
pub async fn record_arrival(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: RecordArrival,
    key: Option<&str>,
) -> WriteResult<capital_arrival::Model> {
    actor.require_staff()?;
    if cmd.amount == Money::ZERO {
        return Err(refuse("amount", Problem::NotPositive));
    }
    let claim = Key { mutation: "recordCapitalArrival", key, hash: content_hash(&cmd) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim).await? {
        Claimed::Replay(id) => return load::<capital_arrival::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    let project = super::tx::locked::<project::Entity>(&txn, cmd.project_id, "project_id", Noun::Project).await?;
    let signed =
        agreement::Entity::find().filter(agreement::Column::PrimaryProjectId.eq(project.id)).count(&txn).await? > 0;
    if !signed {
        return Err(refuse("project_id", Problem::NotSigned));
    }
    let tally = Tally::before(&txn, &[project.id]).await?;
    let a = capital_arrival::ActiveModel {
        project_id: Set(project.id),
        arrived_on: Set(cmd.arrived_on),
        amount_fen: Set(cmd.amount.fen()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    tally.settle(&txn).await?;
    audit::record(&txn, actor, "recordCapitalArrival", "CapitalArrival", a.id, None, Some(&a)).await?;
    idempotency::complete(&txn, claimed, "CapitalArrival", a.id).await?;
    txn.commit().await?;
    Ok(a)
}
