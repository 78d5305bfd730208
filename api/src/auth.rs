//! API keys to principals. A key is 256 random bits shown once; the database
//! keeps only its SHA-256, so a leaked table reveals no usable key.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use entity::{api_key, enums::Role, partner};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Who is asking: the role, the partner a partner key belongs to, and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    pub partner_id: Option<i64>,
    pub key_id: Option<i64>,
    /// The staff member the key is bound to: changes made with it name the person.
    pub staff_member_id: Option<i64>,
    /// When the key stops working, if it expires: an open WebSocket is closed then.
    pub expires_at: Option<chrono::DateTime<Utc>>,
}

impl Principal {
    pub const PUBLIC: Principal =
        Principal { role: Role::Public, partner_id: None, key_id: None, staff_member_id: None, expires_at: None };

    /// Who a key speaks for.
    pub fn of_key(key: &api_key::Model) -> Principal {
        Principal {
            role: key.role,
            partner_id: key.partner_id,
            key_id: Some(key.id),
            staff_member_id: key.staff_member_id,
            expires_at: key.expires_at,
        }
    }

    /// Staff and admins: the office's own people.
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Staff)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The partner's id when the principal is a partner.
    pub fn partner(&self) -> Option<i64> {
        if self.role == Role::Partner { self.partner_id } else { None }
    }
}

const KEY_PREFIX: &str = "zs_";
/// How often `last_used_at` is written for a key in steady use.
const LAST_USED_RESOLUTION: Duration = Duration::seconds(60);

/// A new random key: `zs_` and 43 characters of URL-safe base64.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The first characters of a key, safe to show and log.
pub fn display_prefix(secret: &str) -> String {
    secret.chars().take(10).collect()
}

/// Whether a key still speaks for anyone: not revoked, not expired, and for
/// a partner key, its partner active. (A signed download link is checked
/// against its key with this too.)
pub async fn usable(db: &DatabaseConnection, key: &api_key::Model) -> AppResult<bool> {
    if key.revoked_at.is_some() || key.expires_at.is_some_and(|t| t <= Utc::now()) {
        return Ok(false);
    }
    if key.role == Role::Partner {
        return Ok(match key.partner_id {
            Some(pid) => partner::Entity::find_by_id(pid).one(db).await?.is_some_and(|p| p.is_active),
            None => false,
        });
    }
    Ok(true)
}

/// Resolves an `Authorization` header. No header is the public; anything else
/// must be a valid, unexpired, unrevoked key of an active partner (for partner
/// keys), or the request is refused: never a silent downgrade to public.
pub async fn authenticate(db: &DatabaseConnection, header: Option<&str>) -> AppResult<Principal> {
    let Some(header) = header else {
        return Ok(Principal::PUBLIC);
    };
    // The scheme is case-insensitive (RFC 9110, section 11.1).
    let secret = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, rest)| rest.trim())
        .filter(|s| s.starts_with(KEY_PREFIX))
        .ok_or(AppError::Unauthenticated)?;
    let key = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_secret(secret)))
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let now = Utc::now();
    if !usable(db, &key).await? {
        return Err(AppError::Unauthenticated);
    }
    if key.last_used_at.is_none_or(|t| now - t > LAST_USED_RESOLUTION) {
        let principal = Principal::of_key(&key);
        let mut active: api_key::ActiveModel = key.into();
        active.last_used_at = Set(Some(now));
        active.update(db).await?;
        return Ok(principal);
    }
    Ok(Principal::of_key(&key))
}
