//! Capital arrivals (到资): amounts actually paid in for a project, the basis
//! of 资金到位率.

use chrono::NaiveDate;
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;

use super::audit;
use super::idempotency::{self, Claimed, Key};
use super::tx::{content_hash, load, now};
use super::write::{Actor, UserErrorCode, WriteResult, at, forbidden_transition, not_found, user_error};
use crate::domain::money::Money;

#[derive(Debug, Clone, Serialize)]
pub struct RecordArrival {
    pub project_id: Option<i64>,
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
        return Err(user_error(
            at("amount"),
            UserErrorCode::OutOfRange,
            "到资金额必须大于零",
            "the amount must be positive",
        ));
    }
    let claim = Key { mutation: "recordCapitalArrival", key, hash: content_hash(&cmd) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim).await? {
        Claimed::Replay(id) => return load::<capital_arrival::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    let project = match cmd.project_id {
        Some(id) => project::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found("projectId", "项目", "project"))?;
    let signed =
        agreement::Entity::find().filter(agreement::Column::PrimaryProjectId.eq(project.id)).count(&txn).await? > 0;
    if !signed {
        return Err(forbidden_transition(
            "projectId",
            "项目尚未签约，不能登记到资",
            "capital can arrive only for a signed project",
        ));
    }
    let a = capital_arrival::ActiveModel {
        project_id: Set(project.id),
        arrived_on: Set(cmd.arrived_on),
        amount_fen: Set(cmd.amount.fen()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "recordCapitalArrival", "CapitalArrival", a.id, None, Some(&a)).await?;
    idempotency::complete(&txn, claimed, "CapitalArrival", a.id).await?;
    txn.commit().await?;
    Ok(a)
}
