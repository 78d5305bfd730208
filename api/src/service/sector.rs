//! Sectors (产业): the managed list of industries.

use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseConnection};

use super::tx::{content_hash, finish, now, start, unique_or};
use super::write::{Actor, Noun, Problem, WriteResult, refuse};
use crate::domain::text::fold;

pub async fn create_sector(
    db: &DatabaseConnection,
    actor: &Actor,
    code: String,
    name: String,
    key: Option<&str>,
) -> WriteResult<sector::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<sector::Entity>(db, actor, "createSector", key, content_hash(&(&code, &name))).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let s = sector::ActiveModel {
        code: Set(code),
        search_name: Set(fold(&name)),
        name: Set(name),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(refuse("code", Problem::Exists(Noun::Sector))))?;
    finish(txn, actor, claim, "createSector", "Sector", s.id, &s).await?;
    Ok(s)
}
