//! Creating API keys (the CLI and the demo use it; the mutation comes with the write side).

use chrono::{DateTime, Utc};
use entity::{api_key, enums::Role, partner};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

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
