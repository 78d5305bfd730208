//! API keys to principals. A key is 256 random bits shown once; the database
//! keeps only its SHA-256, so a leaked table reveals no usable key.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use entity::{api_key, enums::Role, partner, staff_member};
use rand::RngCore;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
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
    // A member's keys are revoked when the member is deactivated; checked here
    // too, for a key bound in the same instant as the deactivation.
    if let Some(member) = key.staff_member_id {
        return Ok(staff_member::Entity::find_by_id(member).one(db).await?.is_some_and(|m| m.is_active));
    }
    Ok(true)
}

/// The secret of an `Authorization: Bearer zs_…` header; the scheme is
/// case-insensitive (RFC 9110, section 11.1).
fn bearer_secret(header: &str) -> AppResult<&str> {
    header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, rest)| rest.trim())
        .filter(|s| s.starts_with(KEY_PREFIX))
        .ok_or(AppError::Unauthenticated)
}

/// Resolves an `Authorization` header from the database. No header is the
/// public; anything else must be a valid, unexpired, unrevoked key of an
/// active partner (for partner keys), or the request is refused: never a
/// silent downgrade to public. Requests go through [`KeyCache`]; this is for
/// the checks that must see the database as it is now.
pub async fn authenticate(db: &DatabaseConnection, header: Option<&str>) -> AppResult<Principal> {
    let Some(header) = header else {
        return Ok(Principal::PUBLIC);
    };
    let key = lookup(db, &hash_secret(bearer_secret(header)?)).await?;
    Ok(key.principal)
}

/// A usable key as read from the database: who it speaks for, and when it was
/// last recorded as used (Unix seconds; 0 for never), shared by every copy so
/// that recording a use never puts an entry back into the cache.
#[derive(Debug, Clone)]
struct Known {
    principal: Principal,
    last_used: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Known {
    /// Whether this request is the one to record a use of the key (at most
    /// one per [`LAST_USED_RESOLUTION`]): the time to record.
    fn claim_use(&self) -> Option<i64> {
        use std::sync::atomic::Ordering;
        let now = Utc::now().timestamp();
        let last = self.last_used.load(Ordering::Relaxed);
        let due = now - last > LAST_USED_RESOLUTION.num_seconds();
        (due && self.last_used.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()).then_some(now)
    }

    /// Records a use at `at`: bookkeeping, whose failure (on SQLite, a write
    /// lock held too long) is logged and never fails the request.
    async fn record_use(db: &DatabaseConnection, id: i64, at: i64) {
        let at = chrono::DateTime::from_timestamp(at, 0).unwrap_or_else(Utc::now);
        let written = api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, sea_orm::sea_query::Expr::value(at))
            .filter(api_key::Column::Id.eq(id))
            .exec(db)
            .await;
        if let Err(e) = written {
            tracing::warn!(error = %e, key_id = id, "could not record when a key was last used");
        }
    }

    /// On a cached key: records the use in the background when due, so that
    /// a request with a known key never waits for it.
    fn used(&self, db: &DatabaseConnection) {
        if let Some(at) = self.claim_use() {
            let (db, id) = (db.clone(), self.principal.key_id.unwrap_or_default());
            tokio::spawn(async move { Known::record_use(&db, id, at).await });
        }
    }
}

/// The usable key whose hash is `hash`, its use recorded.
async fn lookup(db: &DatabaseConnection, hash: &str) -> AppResult<Known> {
    let key = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash))
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !usable(db, &key).await? {
        return Err(AppError::Unauthenticated);
    }
    let last = key.last_used_at.map_or(0, |t| t.timestamp());
    let known = Known { principal: Principal::of_key(&key), last_used: std::sync::Arc::new(last.into()) };
    // Read from the database anyway: recorded here, in line.
    if let Some(at) = known.claim_use() {
        Known::record_use(db, key.id, at).await;
    }
    Ok(known)
}

/// How long a key's principal is kept without being read again. Revocation
/// does not wait for it: a `KEY_REVOKED` event empties the cache of every
/// process as it arrives ([`KeyCache::forget_all`]); this bounds how long a
/// key stays usable should an event never arrive.
const CACHED_FOR: std::time::Duration = std::time::Duration::from_secs(30);
/// At most this many keys are kept (the least used go first).
const CACHED_KEYS: u64 = 10_000;

/// The keys this process has recently authenticated, by hash, so that a
/// request spends no statement on its key. Only usable keys are kept; an
/// unknown key is read from the database each time.
pub struct KeyCache {
    keys: moka::sync::Cache<String, Known>,
    /// Bumped by every [`KeyCache::forget_all`]: a lookup that began before a
    /// revocation does not put what it read back into the cache.
    generation: std::sync::atomic::AtomicU64,
}

impl Default for KeyCache {
    fn default() -> KeyCache {
        KeyCache {
            keys: moka::sync::Cache::builder().max_capacity(CACHED_KEYS).time_to_live(CACHED_FOR).build(),
            generation: Default::default(),
        }
    }
}

impl KeyCache {
    /// As [`authenticate`], from the cache when the key was seen recently.
    pub async fn authenticate(&self, db: &DatabaseConnection, header: Option<&str>) -> AppResult<Principal> {
        use std::sync::atomic::Ordering;
        let Some(header) = header else {
            return Ok(Principal::PUBLIC);
        };
        let hash = hash_secret(bearer_secret(header)?);
        if let Some(known) = self.keys.get(&hash) {
            if known.principal.expires_at.is_some_and(|t| t <= Utc::now()) {
                self.keys.invalidate(&hash);
                return Err(AppError::Unauthenticated);
            }
            known.used(db);
            return Ok(known.principal);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let known = lookup(db, &hash).await?;
        let principal = known.principal.clone();
        self.keys.insert(hash.clone(), known);
        if self.generation.load(Ordering::SeqCst) != generation {
            self.keys.invalidate(&hash);
        }
        Ok(principal)
    }

    /// Forgets every key: the next request with each reads it again.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.keys.invalidate_all();
    }

    /// Empties the cache at each `KEY_REVOKED` event of any process (a
    /// revoked key, a deactivated partner or staff member), and whenever
    /// events may have been missed.
    pub fn follow(self: &std::sync::Arc<Self>, bus: &crate::realtime::bus::EventBus) {
        use tokio::sync::broadcast::error::RecvError;
        let mut events = bus.subscribe();
        let cache = std::sync::Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let event = events.recv().await;
                let Some(cache) = cache.upgrade() else { return };
                match event {
                    Ok(e) if e.kind == crate::service::outbox::KEY_REVOKED => cache.forget_all(),
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => cache.forget_all(),
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }
}
