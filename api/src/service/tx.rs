//! The shared write machinery: transactions, the clock, unique-index
//! conflicts, idempotent creation, audited commits and the optimistic lock of
//! `update*` mutations. A leaf: it imports no noun module.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use entity::*;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QuerySelect, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde::Serialize;

use super::audit;
use super::idempotency::{self, Claimed, Key};
use super::pagination::Keyed;
use super::write::{Actor, Noun, Problem, WriteError, WriteResult, not_found, refuse};

/// What a write runs on: the pool, or a transaction it then nests in as a
/// savepoint (an import's rows, all in the import's transaction).
pub trait Db: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> {}
impl<T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>> Db for T {}

/// A write transaction. On SQLite it takes the write lock at BEGIN, so that two
/// writers queue on the busy timeout instead of one failing when it upgrades a
/// read lock; PostgreSQL ignores the mode. Inside a transaction (an import's
/// row), it is a savepoint.
pub async fn begin<C: Db>(db: &C) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Now, to the microsecond: what both databases store, so that a timestamp read
/// back compares equal to the one written (`expectedUpdatedAt`).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// For `map_err` on a write guarded by a unique index: a violation is the user
/// error `conflict` (the index decides, also between racing requests), anything
/// else an internal error.
pub fn unique_or(conflict: WriteError) -> impl FnOnce(DbErr) -> WriteError {
    move |e| if is_unique_violation(&e) { conflict } else { e.into() }
}

/// SHA-256 of a command's content, to tell a retry from a conflicting reuse of an
/// idempotency key.
pub fn content_hash<T: Serialize>(value: &T) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

/// Begins a `create*` mutation: its transaction and idempotency claim, or the
/// row the first request with the same key created.
pub(crate) async fn start<E: Keyed>(
    db: &DatabaseConnection,
    actor: &Actor,
    mutation: &str,
    key: Option<&str>,
    hash: String,
) -> WriteResult<Result<(DatabaseTransaction, Option<i64>), E::Model>> {
    match idempotency::claim(db, actor, &Key { mutation, key, hash }).await? {
        Claimed::Replay(id) => Ok(Err(load::<E>(db, id).await?)),
        Claimed::Fresh(txn, claim) => Ok(Ok((txn, claim))),
    }
}

/// Ends a `create*` mutation: audit entry, idempotency result, commit.
pub(crate) async fn finish<M: Serialize>(
    txn: DatabaseTransaction,
    actor: &Actor,
    claim: Option<i64>,
    action: &str,
    entity_type: &str,
    id: i64,
    row: &M,
) -> WriteResult<()> {
    audit::record(&txn, actor, action, entity_type, id, None, Some(row)).await?;
    idempotency::complete(&txn, claim, entity_type, id).await?;
    txn.commit().await?;
    Ok(())
}

pub(crate) fn stale() -> WriteError {
    refuse("expected_updated_at", Problem::Stale)
}

/// `STALE` unless `expected` (when given) is the row's `updated_at`.
pub fn check_fresh(current: DateTime<Utc>, expected: Option<DateTime<Utc>>) -> WriteResult<()> {
    match expected {
        Some(e) if e != current => Err(stale()),
        _ => Ok(()),
    }
}

/// Runs `update` only if the row still has `updated_at`: the optimistic lock that
/// makes a concurrent change `STALE` on both databases.
pub(crate) async fn guarded_update<E, A, C>(
    db: &C,
    mut active: A,
    id_col: E::Column,
    id: i64,
    updated_col: E::Column,
    seen: DateTime<Utc>,
) -> WriteResult<()>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    active.set(updated_col, now().into());
    let res = E::update_many().set(active).filter(id_col.eq(id)).filter(updated_col.eq(seen)).exec(db).await?;
    if res.rows_affected == 0 { Err(stale()) } else { Ok(()) }
}

/// The row a command names, locked for the rest of the transaction;
/// NOT_FOUND at `field` when there is none.
pub(crate) async fn locked<E: Keyed>(
    txn: &DatabaseTransaction,
    id: i64,
    field: &str,
    noun: Noun,
) -> WriteResult<E::Model> {
    E::find().filter(E::id_column().eq(id)).lock_exclusive().one(txn).await?.ok_or_else(|| not_found(field, noun))
}

pub(crate) async fn load<E: Keyed>(db: &impl ConnectionTrait, id: i64) -> WriteResult<E::Model> {
    E::find()
        .filter(E::id_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| WriteError::App(crate::error::AppError::internal(anyhow::anyhow!("row {id} vanished"))))
}
