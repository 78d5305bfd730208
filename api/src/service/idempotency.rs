//! Idempotent creation: the same key holder sending the same idempotency key
//! again gets the first result back and writes nothing, also when both requests
//! race; the same key with other content is `IDEMPOTENCY_CONFLICT`.
//!
//! The claim is the transaction's first write, guarded by a unique index: a
//! racing twin blocks on it until the first commits (or rolls back), then either
//! replays the first result or, if the first failed, goes ahead itself.

use entity::idempotency_key;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use super::tx::{begin, is_unique_violation, now};
use super::write::{Actor, Problem, WriteError, WriteResult, refuse};

/// An optional idempotency key on a mutation, with the content it guards.
pub struct Key<'a> {
    pub mutation: &'a str,
    pub key: Option<&'a str>,
    pub hash: String,
}

/// Either a fresh transaction to do the work in, or the id the first request created.
pub enum Claimed {
    Fresh(DatabaseTransaction, Option<i64>),
    Replay(i64),
}

pub fn conflict() -> WriteError {
    refuse("idempotency_key", Problem::IdempotencyConflict)
}

/// Longest idempotency key, in characters.
pub const MAX_KEY: usize = 200;

/// An idempotency key is stored trimmed: not empty, no control characters, at
/// most [`MAX_KEY`].
fn check_key(key: &str) -> WriteResult<()> {
    if key.is_empty() {
        return Err(refuse("idempotency_key", Problem::Required));
    }
    if crate::domain::text::has_forbidden_char(key) {
        return Err(refuse("idempotency_key", Problem::ForbiddenCharacter));
    }
    if key.chars().count() > MAX_KEY {
        return Err(refuse("idempotency_key", Problem::TooLong { max: MAX_KEY }));
    }
    Ok(())
}

/// Begins the mutation's transaction and claims its key, if it has one.
pub async fn claim<C: super::tx::Db>(db: &C, actor: &Actor, key: &Key<'_>) -> WriteResult<Claimed> {
    let k = key.key.map(str::trim);
    if let Some(k) = k {
        check_key(k)?;
    }
    let txn = begin(db).await?;
    let Some(k) = k else {
        return Ok(Claimed::Fresh(txn, None));
    };
    let row = idempotency_key::ActiveModel {
        holder: Set(actor.holder()),
        mutation: Set(key.mutation.to_owned()),
        key: Set(k.to_owned()),
        request_hash: Set(key.hash.clone()),
        result_type: Set(String::new()),
        result_id: Set(0),
        created_at: Set(now()),
        ..Default::default()
    };
    match row.insert(&txn).await {
        Ok(claim) => Ok(Claimed::Fresh(txn, Some(claim.id))),
        Err(e) if is_unique_violation(&e) => {
            txn.rollback().await?;
            let first = idempotency_key::Entity::find()
                .filter(idempotency_key::Column::Holder.eq(actor.holder()))
                .filter(idempotency_key::Column::Mutation.eq(key.mutation))
                .filter(idempotency_key::Column::Key.eq(k))
                .one(db)
                .await?
                .ok_or_else(|| WriteError::App(crate::error::AppError::internal(e)))?;
            if first.request_hash != key.hash { Err(conflict()) } else { Ok(Claimed::Replay(first.result_id)) }
        }
        Err(e) => Err(e.into()),
    }
}

/// Records what the claimed key produced, in the same transaction.
pub async fn complete(
    txn: &DatabaseTransaction,
    claim: Option<i64>,
    result_type: &str,
    result_id: i64,
) -> WriteResult<()> {
    if let Some(id) = claim {
        idempotency_key::ActiveModel {
            id: Set(id),
            result_type: Set(result_type.to_owned()),
            result_id: Set(result_id),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    Ok(())
}
