//! Departments (部门): the government units that answer for quotas.

use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, DatabaseConnection};

use super::tx::{content_hash, finish, now, start, unique_or};
use super::write::{Actor, Noun, Problem, WriteResult, refuse};
use crate::domain::text::fold;

pub async fn create_department(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    key: Option<&str>,
) -> WriteResult<department::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<department::Entity>(db, actor, "createDepartment", key, content_hash(&name)).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let d = department::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(refuse("name", Problem::Exists(Noun::Department))))?;
    finish(txn, actor, claim, "createDepartment", "Department", d.id, &d).await?;
    Ok(d)
}
