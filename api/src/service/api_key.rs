//! Creating API keys (the CLI and the demo use it; the mutation comes with the write side).

use chrono::{DateTime, Utc};
use entity::enums::Role;
use entity::{api_key, partner, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde::Serialize;

use super::audit;
use super::refs::{Ref, check_refs};
use super::tx::{begin, content_hash, finish, now, start};
use super::write::{Actor, Noun, Problem, WriteError, WriteResult, not_found, refuse};
use crate::auth::{display_prefix, generate_secret, hash_secret};
use crate::error::{AppError, AppResult};

/// A new key: the stored row and the secret, which exists nowhere else.
pub struct NewKey {
    pub key: api_key::Model,
    pub secret: String,
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    role: Role,
    partner_id: Option<i64>,
    staff_member_id: Option<i64>,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<NewKey> {
    if staff_member_id.is_some() && !matches!(role, Role::Staff | Role::Admin) {
        return Err(AppError::BadRequest("only STAFF and ADMIN keys are bound to a staff member".into()));
    }
    if let Some(id) = staff_member_id {
        let s = entity::staff_member::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
        if !s.is_active {
            return Err(AppError::BadRequest("the staff member is inactive".into()));
        }
    }
    match (role, partner_id) {
        (Role::Partner, None) => return Err(AppError::BadRequest("a PARTNER key needs a partner".into())),
        (Role::Partner, Some(pid)) => {
            partner::Entity::find_by_id(pid).one(db).await?.ok_or(AppError::NotFound)?;
        }
        (Role::Public, _) => return Err(AppError::BadRequest("PUBLIC needs no key".into())),
        (_, Some(_)) => return Err(AppError::BadRequest("only PARTNER keys belong to a partner".into())),
        _ => {}
    }
    let secret = generate_secret();
    let now = Utc::now();
    let key = api_key::ActiveModel {
        name: Set(name.to_owned()),
        role: Set(role),
        partner_id: Set(partner_id),
        staff_member_id: Set(staff_member_id),
        key_hash: Set(hash_secret(&secret)),
        key_prefix: Set(display_prefix(&secret)),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewKey { key, secret })
}

/// A key as `createApiKey` asks for it.
#[derive(Debug, Clone, Serialize)]
pub struct NewApiKey {
    pub name: String,
    pub role: Role,
    /// The partner a PARTNER key speaks for.
    pub partner_id: Option<i64>,
    /// The person a STAFF or ADMIN key is bound to.
    pub staff_member_id: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// `createApiKey` (ADMIN): the secret exists only in the first answer. A replay
/// of the same idempotency key returns the key without its secret, which is
/// stored nowhere.
pub async fn create_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: NewApiKey,
    key: Option<&str>,
) -> WriteResult<(api_key::Model, Option<String>)> {
    actor.require_admin()?;
    let (role, partner) = (cmd.role, cmd.partner_id);
    if role == Role::Partner && partner.is_none() {
        return Err(refuse("partner_id", Problem::PartnerRequired));
    }
    if role != Role::Partner && partner.is_some() {
        return Err(refuse("partner_id", Problem::PartnerOnlyForPartnerKeys));
    }
    if role == Role::Public {
        return Err(refuse("role", Problem::NoKeyForPublic));
    }
    if cmd.staff_member_id.is_some() && role == Role::Partner {
        return Err(refuse("staff_member_id", Problem::StaffOnlyForStaffKeys));
    }
    if cmd.expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(refuse("expires_at", Problem::NotInFuture));
    }
    let (txn, claim) = match start::<api_key::Entity>(db, actor, "createApiKey", key, content_hash(&cmd)).await? {
        Ok(t) => t,
        Err(replay) => return Ok((replay, None)),
    };
    check_refs(&txn, &[("partner_id", partner, Ref::Partner)]).await?;
    if let Some(pid) = partner {
        let active = partner::Entity::find_by_id(pid).one(&txn).await?.is_some_and(|p| p.is_active);
        if !active {
            return Err(refuse("partner_id", Problem::PartnerInactive));
        }
    }
    if let Some(sid) = cmd.staff_member_id {
        super::staff_member::check_bindable(&txn, "staff_member_id", sid).await?;
    }
    let new = create(&txn, &cmd.name, role, partner, cmd.staff_member_id, cmd.expires_at);
    let new: NewKey = new.await.map_err(WriteError::App)?;
    finish(txn, actor, claim, "createApiKey", "ApiKey", new.key.id, &new.key).await?;
    Ok((new.key, Some(new.secret)))
}

/// `revokeApiKey`: effective on the key's next request. Admins revoke any key,
/// a partner its own.
pub async fn revoke_api_key(db: &DatabaseConnection, actor: &Actor, key_id: i64) -> WriteResult<api_key::Model> {
    if !actor.principal.is_admin() && actor.principal.partner().is_none() {
        return Err(WriteError::Forbidden);
    }
    let txn = begin(db).await?;
    let current = super::lead::find_visible::<api_key::Entity, _>(&txn, actor, key_id)
        .await?
        .ok_or_else(|| not_found("api_key_id", Noun::ApiKey))?;
    if current.revoked_at.is_some() {
        return Err(refuse("api_key_id", Problem::KeyRevoked));
    }
    let t = now();
    let mut m = current.clone().into_active_model();
    m.revoked_at = Set(Some(t));
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "revokeApiKey", "ApiKey", after.id, Some(&current), Some(&after)).await?;
    super::outbox::key_revoked(&txn, after.id).await?;
    txn.commit().await?;
    Ok(after)
}

/// Revokes, at once, every key still valid that `which` selects (a partner's,
/// a staff member's), each with its KEY_REVOKED event so that open
/// subscriptions close.
pub(crate) async fn revoke_all<C: ConnectionTrait>(
    db: &C,
    which: sea_orm::sea_query::SimpleExpr,
) -> Result<(), sea_orm::DbErr> {
    let revoked =
        api_key::Entity::find().filter(which.clone()).filter(api_key::Column::RevokedAt.is_null()).all(db).await?;
    let t = now();
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, sea_orm::sea_query::Expr::value(t))
        .col_expr(api_key::Column::UpdatedAt, sea_orm::sea_query::Expr::value(t))
        .filter(which)
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    for key in &revoked {
        super::outbox::key_revoked(db, key.id).await?;
    }
    Ok(())
}
