//! Industrial parks (园区): where projects land.

use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseConnection};

use super::tx::{content_hash, finish, now, start, unique_or};
use super::write::{Actor, Noun, Problem, WriteResult, refuse};
use crate::domain::text::fold;

pub async fn create_park(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    description: Option<String>,
    key: Option<&str>,
) -> WriteResult<park::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<park::Entity>(db, actor, "createPark", key, content_hash(&(&name, &description))).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let p = park::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        description: Set(description),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(refuse("name", Problem::Exists(Noun::Park))))?;
    finish(txn, actor, claim, "createPark", "Park", p.id, &p).await?;
    Ok(p)
}
