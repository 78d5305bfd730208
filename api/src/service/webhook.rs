//! Webhooks: registration, the signing secret (encrypted at rest), target
//! checks against server-side request forgery, and listing deliveries.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use entity::{webhook, webhook_delivery};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::audit;
use super::outbox::EventKind;
use super::tx::{begin, now};
use super::write::{Actor, Checks, Noun, Problem, WriteError, WriteResult, not_found, refuse};
use crate::config::Config;
use crate::error::AppError;

pub const PENDING: &str = "PENDING";
pub const DELIVERED: &str = "DELIVERED";
pub const FAILED: &str = "FAILED";

const MAX_URL: usize = 2048;

/// Encrypts and decrypts webhook secrets with the key derived from
/// `ZHAOSHANG_SECRET_KEY` (SHA-256 of it, as the AES-256-GCM key).
pub struct SecretBox(Aes256Gcm);

impl SecretBox {
    pub fn from_config(config: &Config) -> Option<SecretBox> {
        let key = config.secret_key.as_deref().filter(|k| !k.is_empty())?;
        let digest = Sha256::digest(key.as_bytes());
        Aes256Gcm::new_from_slice(&digest).ok().map(SecretBox)
    }

    pub fn seal(&self, plain: &str) -> Option<String> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self.0.encrypt(&nonce, plain.as_bytes()).ok()?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Some(STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = STANDARD.decode(sealed).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        let nonce = <[u8; 12]>::try_from(nonce).ok()?;
        let plain = self.0.decrypt(&Nonce::from(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Addresses a webhook may never reach (unless private targets are allowed):
/// loopback, private, link-local, shared, unspecified, multicast, broadcast,
/// documentation and benchmarking ranges, and every IPv6 address that carries
/// such an IPv4 address inside it (see [`embedded_ipv4`]), since a translator
/// or tunnel on the way would deliver to the IPv4 address.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if embedded_ipv4(v6).into_iter().any(|v4| is_forbidden(IpAddr::V4(v4))) {
                return true;
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local, fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local, fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated), fec0::/10
                || (s[0], s[1]) == (0x2001, 0x0db8) // documentation, 2001:db8::/32
                || s[..4] == [0x0100, 0, 0, 0] // discard-only, 100::/64
                // NAT64 local-use (RFC 8215): the operator's own translator, to
                // networks of its choosing, with any RFC 6052 layout.
                || (s[0], s[1], s[2]) == (0x0064, 0xff9b, 0x0001)
        }
    }
}

/// The IPv4 addresses an IPv6 address carries for a translator or tunnel to
/// deliver to: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// IPv4-translated (`::ffff:0:a.b.c.d`, RFC 2765), the NAT64 well-known prefix
/// (`64:ff9b::a.b.c.d`, RFC 6052), 6to4 (`2002:aabb:ccdd::`, RFC 3056), and
/// Teredo (`2001:0::`, RFC 4380: the server, and the client's address stored
/// inverted).
pub fn embedded_ipv4(v6: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = v6.segments();
    let o = v6.octets();
    let last = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    match s {
        [0, 0, 0, 0, 0, 0 | 0xffff, ..] | [0, 0, 0, 0, 0xffff, 0, ..] | [0x0064, 0xff9b, 0, 0, 0, 0, ..] => {
            vec![last]
        }
        [0x2002, ..] => vec![Ipv4Addr::new(o[2], o[3], o[4], o[5])],
        [0x2001, 0, ..] => vec![Ipv4Addr::new(o[4], o[5], o[6], o[7]), Ipv4Addr::from(!u32::from(last))],
        _ => Vec::new(),
    }
}

/// Why a webhook target is refused. The client hears only [`TargetRefused::reason`]:
/// never the addresses a host resolved to, which would map the city's network.
#[derive(Debug)]
pub enum TargetRefused {
    NoHost,
    Unresolvable,
    NotAllowed,
}

impl From<TargetRefused> for crate::domain::problem::TargetRefused {
    /// What a client may learn: which kind of refusal, nothing more.
    fn from(r: TargetRefused) -> Self {
        match r {
            TargetRefused::NoHost => Self::NoHost,
            TargetRefused::Unresolvable | TargetRefused::NotAllowed => Self::NotAllowed,
        }
    }
}

/// How long resolving a webhook's host may take.
const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Resolves a webhook URL's host and refuses it when any address it resolves to
/// is forbidden. Returns the addresses to connect to (the caller pins them, so
/// that a second lookup cannot answer differently). The details go to the log.
pub async fn resolve(url: &reqwest::Url, allow_private: bool) -> Result<Vec<SocketAddr>, TargetRefused> {
    let host = url.host_str().ok_or(TargetRefused::NoHost)?;
    let port = url.port_or_known_default().ok_or(TargetRefused::NoHost)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let lookup = tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, port))).await;
    let addrs: Vec<SocketAddr> = match lookup {
        Ok(Ok(a)) => a.collect(),
        Err(_) => {
            tracing::info!(host, "webhook host lookup timed out");
            return Err(TargetRefused::Unresolvable);
        }
        Ok(Err(e)) => {
            tracing::info!(host, error = %e, "webhook host does not resolve");
            return Err(TargetRefused::Unresolvable);
        }
    };
    if addrs.is_empty() {
        return Err(TargetRefused::Unresolvable);
    }
    if !allow_private && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
        tracing::warn!(host, address = %bad.ip(), "webhook target refused: private or reserved address");
        return Err(TargetRefused::NotAllowed);
    }
    Ok(addrs)
}

pub struct NewWebhook {
    pub url: String,
    pub events: Vec<EventKind>,
    pub partner_id: Option<i64>,
}

/// Whose webhooks the caller manages: a partner its own, an admin any partner's.
fn owner(actor: &Actor, named: Option<i64>) -> WriteResult<i64> {
    match (actor.principal.partner(), actor.principal.is_admin(), named) {
        (Some(own), _, None) => Ok(own),
        (Some(own), _, Some(p)) if p == own => Ok(own),
        (Some(_), _, Some(_)) => Err(not_found("partner_id", Noun::Partner)),
        (None, true, Some(p)) => Ok(p),
        (None, true, None) => Err(refuse("partner_id", Problem::PartnerRequired)),
        _ => Err(WriteError::Forbidden),
    }
}

/// Registers a webhook; answers it with its secret, shown this once.
pub async fn create(
    db: &DatabaseConnection,
    config: &Config,
    actor: &Actor,
    input: NewWebhook,
) -> WriteResult<(webhook::Model, String)> {
    if actor.principal.partner().is_none() && !actor.principal.is_admin() {
        return Err(WriteError::Forbidden);
    }
    let mut c = Checks::new();
    let url = reqwest::Url::parse(input.url.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
    match &url {
        None => c.add("url", Problem::UrlScheme),
        Some(u) if !u.username().is_empty() || u.password().is_some() => c.add("url", Problem::UrlCredentials),
        Some(_) if input.url.len() > MAX_URL => c.add("url", Problem::TooLong { max: MAX_URL }),
        Some(u) => {
            if let Err(refused) = resolve(u, config.webhook_allow_private).await {
                c.add("url", Problem::UrlTarget(refused.into()));
            }
        }
    }
    if input.events.is_empty() {
        c.add("events", Problem::EventsRequired);
    }
    c.finish()?;
    let partner_id = owner(actor, input.partner_id)?;
    let secrets = SecretBox::from_config(config).ok_or_else(|| {
        tracing::error!("createWebhook refused: no secret key is configured (see .env.example)");
        WriteError::App(AppError::BadRequest("webhooks are not enabled on this server".into()))
    })?;
    // `whsec_` and the key in base64, as Standard Webhooks libraries read it.
    let secret = format!("whsec_{}", STANDARD.encode(rand::random::<[u8; 32]>()));
    let sealed =
        secrets.seal(&secret).ok_or_else(|| WriteError::App(AppError::BadRequest("encryption failed".into())))?;
    let mut kinds: Vec<&str> = input.events.iter().map(|k| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();

    let txn = begin(db).await?;
    let exists = entity::partner::Entity::find_by_id(partner_id).one(&txn).await?;
    if exists.is_none_or(|p| !p.is_active) {
        return Err(not_found("partner_id", Noun::Partner));
    }
    let hook = webhook::ActiveModel {
        partner_id: Set(partner_id),
        url: Set(url.map(|u| u.to_string()).unwrap_or_default()),
        events: Set(kinds.join(",")),
        secret_encrypted: Set(sealed),
        created_at: Set(now()),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "createWebhook", "Webhook", hook.id, None, Some(&summary(&hook))).await?;
    txn.commit().await?;
    Ok((hook, secret))
}

/// What the audit log keeps of a webhook: never its secret.
fn summary(h: &webhook::Model) -> serde_json::Value {
    let events: Vec<&str> = h.events.split(',').filter(|e| !e.is_empty()).collect();
    json!({ "id": h.id, "partner_id": h.partner_id, "url": h.url, "events": events, "deleted_at": h.deleted_at })
}

/// Visible to the caller: a partner's own, any for staff.
async fn find(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> Result<Option<webhook::Model>, sea_orm::DbErr> {
    let mut q = webhook::Entity::find_by_id(id).filter(webhook::Column::DeletedAt.is_null());
    if let Some(own) = actor.principal.partner() {
        q = q.filter(webhook::Column::PartnerId.eq(own));
    } else if !actor.principal.is_staff() {
        return Ok(None);
    }
    q.one(db).await
}

/// Deletes a webhook; its queued deliveries are given up.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i64) -> WriteResult<webhook::Model> {
    if actor.principal.partner().is_none() && !actor.principal.is_admin() {
        return Err(WriteError::Forbidden);
    }
    let txn = begin(db).await?;
    let current = find(&txn, actor, id).await?.ok_or_else(|| not_found("webhook_id", Noun::Webhook))?;
    let t = now();
    let mut m = current.clone().into_active_model();
    m.deleted_at = Set(Some(t));
    let after = m.update(&txn).await?;
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::Status, sea_orm::sea_query::Expr::value(FAILED))
        .col_expr(webhook_delivery::Column::LastError, sea_orm::sea_query::Expr::value("webhook deleted"))
        .col_expr(webhook_delivery::Column::UpdatedAt, sea_orm::sea_query::Expr::value(t))
        .filter(webhook_delivery::Column::WebhookId.eq(after.id))
        .filter(webhook_delivery::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    audit::record(&txn, actor, "deleteWebhook", "Webhook", after.id, Some(&summary(&current)), Some(&summary(&after)))
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// The caller's webhooks (staff: all, or one partner's), newest first.
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    partner_id: Option<i64>,
    limit: u64,
) -> Result<Vec<webhook::Model>, sea_orm::DbErr> {
    let mut q = webhook::Entity::find().filter(webhook::Column::DeletedAt.is_null());
    match (actor.principal.partner(), actor.principal.is_staff()) {
        (Some(own), _) => q = q.filter(webhook::Column::PartnerId.eq(own)),
        (None, true) => {
            if let Some(p) = partner_id {
                q = q.filter(webhook::Column::PartnerId.eq(p));
            }
        }
        _ => return Ok(Vec::new()),
    }
    q.order_by_desc(webhook::Column::Id).limit(limit).all(db).await
}

/// A webhook's deliveries, newest first; empty when the webhook is not the caller's.
pub async fn deliveries(
    db: &DatabaseConnection,
    actor: &Actor,
    webhook_id: i64,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, sea_orm::DbErr> {
    if find(db, actor, webhook_id).await?.is_none() {
        return Ok(Vec::new());
    }
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            // IPv6 forms that carry a forbidden IPv4 address inside.
            "::127.0.0.1",
            "::ffff:0:10.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::8.8.8.8",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            // Teredo: server 127.0.0.1, and a client 10.0.0.1 stored inverted.
            "2001:0:7f00:1::808:808",
            "2001:0:808:808::f5ff:fffe",
            "2001:db8::1",
            "fec0::1",
        ] {
            assert!(is_forbidden(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "2606:4700::1111",
            "8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:808:808::1",
            "2001:0:808:808::f7f7:f7f7",
        ] {
            assert!(!is_forbidden(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key() {
        let mut c = Config::with_database("sqlite::memory:");
        c.secret_key = Some("one key".into());
        let a = SecretBox::from_config(&c).unwrap();
        let sealed = a.seal("whsec_abc").unwrap();
        assert!(!sealed.contains("whsec_abc"));
        assert_eq!(a.open(&sealed).as_deref(), Some("whsec_abc"));
        c.secret_key = Some("another key".into());
        assert_eq!(SecretBox::from_config(&c).unwrap().open(&sealed), None);
    }
}
