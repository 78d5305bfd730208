//! The webhook deliverer: every process runs one. It claims due deliveries from
//! the outbox (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that processes
//! share the work without sending one twice), POSTs each, signed, and records
//! the outcome: delivered, or retried with exponential backoff until the
//! attempts are spent. A delivery claimed by a process that died is claimed
//! again once its lock has expired, so a restart loses none.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{domain_event, webhook, webhook_delivery};
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseBackend, EntityTrait, FromQueryResult, IntoActiveModel, Statement,
};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::service::webhook::{self as webhooks, DELIVERED, FAILED, PENDING, SecretBox};
use crate::startup::AppState;

/// How long a claimed delivery is the claimer's.
const LOCK: Duration = Duration::from_secs(60);
/// Deliveries claimed at once.
const BATCH: i64 = 10;

pub fn start(app: AppState) {
    tokio::spawn(async move {
        let client_timeout = Duration::from_secs(app.config.webhook_timeout_secs);
        loop {
            match run_once(&app, client_timeout).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "webhook deliverer: a round failed"),
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
}

#[derive(FromQueryResult)]
struct Claimed {
    id: i64,
}

/// Claims up to BATCH due deliveries, sends them, records the outcomes.
async fn run_once(app: &AppState, timeout: Duration) -> Result<usize, sea_orm::DbErr> {
    let db = &app.db;
    let backend = db.get_database_backend();
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(LOCK).unwrap_or_default();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "UPDATE webhook_deliveries SET locked_until = $1 WHERE id IN (\
               SELECT id FROM webhook_deliveries WHERE status = $2 AND next_attempt_at <= $3 \
               AND (locked_until IS NULL OR locked_until < $3) ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id"
        }
        _ => {
            "UPDATE webhook_deliveries SET locked_until = $1 WHERE id IN (\
               SELECT id FROM webhook_deliveries WHERE status = $2 AND next_attempt_at <= $3 \
               AND (locked_until IS NULL OR locked_until < $3) ORDER BY id LIMIT $4) \
             RETURNING id"
        }
    };
    let claimed = Claimed::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [until.into(), PENDING.into(), now.into(), BATCH.into()],
    ))
    .all(db)
    .await?;
    let n = claimed.len();
    for c in claimed {
        deliver(app, c.id, timeout).await?;
    }
    Ok(n)
}

/// Why a delivery attempt failed, as the partner reads it
/// (`WebhookDelivery.failure`): a category, never the HTTP client's own text,
/// which names addresses and internals (that goes to the log). Stored by its
/// name in `webhook_deliveries.last_error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the delivery timeout.
    Timeout,
    /// The host name does not resolve.
    Dns,
    /// No connection to the resolved address.
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The receiver answered with a status other than 2xx (`lastResponseCode`).
    HttpStatus,
    /// The host resolves to an address webhooks may not reach.
    TargetRefused,
    /// The server cannot decrypt the webhook's secret, so cannot sign.
    SecretUnavailable,
    /// The webhook was deleted, or its event is gone: no further attempts.
    Gone,
    /// Anything else on the way (the request could not be built or sent).
    Request,
}

impl Failure {
    pub const ALL: [Failure; 9] = [
        Failure::Timeout,
        Failure::Dns,
        Failure::Connect,
        Failure::Tls,
        Failure::HttpStatus,
        Failure::TargetRefused,
        Failure::SecretUnavailable,
        Failure::Gone,
        Failure::Request,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Timeout => "TIMEOUT",
            Failure::Dns => "DNS",
            Failure::Connect => "CONNECT",
            Failure::Tls => "TLS",
            Failure::HttpStatus => "HTTP_STATUS",
            Failure::TargetRefused => "TARGET_REFUSED",
            Failure::SecretUnavailable => "SECRET_UNAVAILABLE",
            Failure::Gone => "GONE",
            Failure::Request => "REQUEST",
        }
    }

    /// The stored value's category; rows written before categories held
    /// short texts, read here by their wording.
    pub fn parse(stored: &str) -> Failure {
        if let Some(f) = Failure::ALL.into_iter().find(|f| f.as_str() == stored) {
            return f;
        }
        match stored {
            "timed out" => Failure::Timeout,
            "could not connect" => Failure::Connect,
            "the server cannot sign this delivery" => Failure::SecretUnavailable,
            "webhook deleted" | "webhook or event missing" => Failure::Gone,
            s if s.starts_with("HTTP ") => Failure::HttpStatus,
            _ => Failure::Request,
        }
    }

    /// A reqwest error's category: timeouts, then TLS anywhere in its causes,
    /// then connection failures.
    fn of(e: &reqwest::Error) -> Failure {
        if e.is_timeout() {
            return Failure::Timeout;
        }
        // From its causes only: reqwest's own text quotes the URL, whose
        // words (`https://tls.example.net`) say nothing of the failure.
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            let text = c.to_string().to_ascii_lowercase();
            if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
                return Failure::Tls;
            }
            cause = c.source();
        }
        if e.is_connect() { Failure::Connect } else { Failure::Request }
    }
}

/// The signature header's value: HMAC-SHA256 of the secret over
/// `timestamp + "." + body`, hex.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return String::new() };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The Standard Webhooks signature (`webhook-signature`), made by that
/// specification's own library: `v1,` and the base64 HMAC-SHA256, keyed with
/// the secret's base64 part decoded, of `id.timestamp.body`. None if the
/// secret's part is not base64 (no secret this server made).
pub fn standard_signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    standardwebhooks::Webhook::new(secret).ok()?.sign(id, timestamp, body.as_bytes()).ok()
}

/// The JSON body of an event's delivery.
pub fn body(event: &domain_event::Model) -> String {
    let data = crate::ids::event_data(serde_json::from_str(&event.data).unwrap_or(Value::Null));
    json!({
        "id": event.id.to_string(),
        "type": event.kind,
        "occurredAt": event.occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    })
    .to_string()
}

fn backoff(base_ms: u64, attempts: i32) -> chrono::Duration {
    let factor = 2u64.saturating_pow(attempts.saturating_sub(1).clamp(0, 20) as u32);
    chrono::Duration::milliseconds(base_ms.saturating_mul(factor).min(3_600_000) as i64)
}

async fn deliver(app: &AppState, id: i64, timeout: Duration) -> Result<(), sea_orm::DbErr> {
    let db = &app.db;
    let Some(row) = webhook_delivery::Entity::find_by_id(id).one(db).await? else { return Ok(()) };
    let hook = webhook::Entity::find_by_id(row.webhook_id).one(db).await?;
    let event = domain_event::Entity::find_by_id(row.event_id).one(db).await?;
    let secret =
        SecretBox::from_config(&app.config).and_then(|s| hook.as_ref().and_then(|h| s.open(&h.secret_encrypted)));
    let outcome = match (&hook, &event, &secret) {
        (Some(h), Some(e), Some(secret)) if h.deleted_at.is_none() => send(app, h, e, secret, timeout).await,
        (Some(h), _, _) if h.deleted_at.is_some() => Err((None, Failure::Gone, true)),
        (_, _, None) => {
            tracing::error!(
                webhook = row.webhook_id,
                "a webhook secret cannot be decrypted: is the server's secret key the one it was sealed with?"
            );
            Err((None, Failure::SecretUnavailable, false))
        }
        _ => Err((None, Failure::Gone, true)),
    };
    let now = Utc::now();
    let attempts = row.attempts + 1;
    let mut m = row.into_active_model();
    m.attempts = Set(attempts);
    m.locked_until = Set(None);
    m.updated_at = Set(now);
    match outcome {
        Ok(code) => {
            m.status = Set(DELIVERED.into());
            m.last_status_code = Set(Some(code));
            m.last_error = Set(None);
            m.delivered_at = Set(Some(now));
        }
        Err((code, failure, give_up)) => {
            m.last_status_code = Set(code);
            m.last_error = Set(Some(failure.as_str().to_owned()));
            if give_up || attempts >= app.config.webhook_max_attempts {
                m.status = Set(FAILED.into());
            } else {
                m.next_attempt_at = Set(now + backoff(app.config.webhook_retry_base_ms, attempts));
            }
        }
    }
    m.update(db).await?;
    Ok(())
}

/// POSTs the event; `Ok(status)` for a 2xx, else the status if any, why, and
/// whether to give up at once.
async fn send(
    app: &AppState,
    hook: &webhook::Model,
    event: &domain_event::Model,
    secret: &str,
    timeout: Duration,
) -> Result<i32, (Option<i32>, Failure, bool)> {
    let url = reqwest::Url::parse(&hook.url).map_err(|_| (None, Failure::Request, true))?;
    // Checked again now, on the address that will be used, and pinned to it.
    let addrs = webhooks::resolve(&url, app.config.webhook_allow_private).await.map_err(|e| {
        let failure = match e {
            webhooks::TargetRefused::Unresolvable | webhooks::TargetRefused::NoHost => Failure::Dns,
            webhooks::TargetRefused::NotAllowed => Failure::TargetRefused,
        };
        (None, failure, false)
    })?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .resolve_to_addrs(&host, &addrs)
        .build()
        .map_err(|e| {
            tracing::error!(error = %e, "webhook client");
            (None, Failure::Request, false)
        })?;
    let body = body(event);
    let timestamp = Utc::now().timestamp();
    let id = event.id.to_string();
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .header("user-agent", "zhaoshang-webhooks")
        .header("x-zhaoshang-event", &event.kind)
        .header("x-zhaoshang-delivery", &id)
        .header("x-zhaoshang-timestamp", timestamp.to_string())
        .header("x-zhaoshang-signature", signature(secret, timestamp, &body))
        // The same delivery as Standard Webhooks names and signs it.
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string());
    if let Some(standard) = standard_signature(secret, &id, timestamp, &body) {
        request = request.header("webhook-signature", standard);
    }
    let response = request.body(body).send().await.map_err(|e| {
        // The library's text names addresses and internals: the partner reads a kind, the log the rest.
        let failure = Failure::of(&e);
        tracing::info!(webhook = hook.id, failure = failure.as_str(), error = %e, "webhook delivery failed");
        (None, failure, false)
    })?;
    let status = response.status().as_u16() as i32;
    if response.status().is_success() { Ok(status) } else { Err((Some(status), Failure::HttpStatus, false)) }
}

/// When the next attempt of a pending delivery is due, for display.
pub fn due(row: &webhook_delivery::Model) -> Option<DateTime<Utc>> {
    (row.status == PENDING).then_some(row.next_attempt_at)
}
