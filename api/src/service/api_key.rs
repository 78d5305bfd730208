//! Creating API keys (the CLI and the demo use it; the mutation comes with the write side).

use chrono::{DateTime, Utc};
use entity::enums::Role;
use entity::{api_key, partner, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel};

use super::audit;
use super::refs::{IdRef, Ref, check_refs};
use super::tx::{begin, content_hash, finish, now, start};
use super::write::{Actor, UserErrorCode, WriteError, WriteResult, at, forbidden_transition, not_found, user_error};
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
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<NewKey> {
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

/// `createApiKey` (ADMIN): the secret exists only in the first answer. A replay
/// of the same idempotency key returns the key without its secret, which is
/// stored nowhere.
#[allow(clippy::too_many_arguments)]
pub async fn create_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    role: Role,
    partner: IdRef,
    expires_at: Option<DateTime<Utc>>,
    key: Option<&str>,
) -> WriteResult<(api_key::Model, Option<String>)> {
    actor.require_admin()?;
    if role == Role::Partner && !partner.1 {
        return Err(user_error(
            at("partnerId"),
            UserErrorCode::Required,
            "合作机构密钥须指定合作机构",
            "a PARTNER key needs a partner",
        ));
    }
    if role != Role::Partner && partner.1 {
        return Err(user_error(
            at("partnerId"),
            UserErrorCode::OutOfRange,
            "只有合作机构密钥属于合作机构",
            "only PARTNER keys belong to a partner",
        ));
    }
    if role == Role::Public {
        return Err(user_error(at("role"), UserErrorCode::OutOfRange, "公众访问无需密钥", "the public needs no key"));
    }
    if expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(user_error(
            at("expiresAt"),
            UserErrorCode::OutOfRange,
            "过期时间须晚于当前时间",
            "expiresAt must lie in the future",
        ));
    }
    let hash = content_hash(&(&name, role, partner.0, expires_at));
    let (txn, claim) = match start::<api_key::Entity>(db, actor, "createApiKey", key, hash).await? {
        Ok(t) => t,
        Err(replay) => return Ok((replay, None)),
    };
    check_refs(&txn, &[("partnerId", partner, Ref::Partner)]).await?;
    if let Some(pid) = partner.0 {
        let active = partner::Entity::find_by_id(pid).one(&txn).await?.is_some_and(|p| p.is_active);
        if !active {
            return Err(forbidden_transition("partnerId", "该合作机构已停用", "the partner is deactivated"));
        }
    }
    let new: NewKey = create(&txn, &name, role, partner.0, expires_at).await.map_err(WriteError::App)?;
    finish(txn, actor, claim, "createApiKey", "ApiKey", new.key.id, &new.key).await?;
    Ok((new.key, Some(new.secret)))
}

/// `revokeApiKey`: effective on the key's next request. Admins revoke any key,
/// a partner its own.
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    key_id: Option<i64>,
) -> WriteResult<api_key::Model> {
    if !actor.principal.is_admin() && actor.principal.partner().is_none() {
        return Err(WriteError::Forbidden);
    }
    let txn = begin(db).await?;
    let current = match key_id {
        Some(id) => super::lead::find_visible::<api_key::Entity, _>(&txn, actor, id).await?,
        None => None,
    }
    .ok_or_else(|| not_found("apiKeyId", "密钥", "API key"))?;
    if current.revoked_at.is_some() {
        return Err(forbidden_transition("apiKeyId", "该密钥已吊销", "the key is already revoked"));
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
