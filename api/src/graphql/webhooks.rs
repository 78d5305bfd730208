//! Webhooks in the API: `createWebhook`, `deleteWebhook`, `webhooks`,
//! `webhookDeliveries`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery};

use super::context::{Ctx, OrGql};
use super::ids;
use super::mutation::{Ids, Need, checked, need, settle};
use crate::error::AppError;
use crate::service::outbox::EventKind;
use crate::service::write::{Checks, Noun};

/// What partners can hear of, by webhook or subscription.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "EventKind")]
pub enum WebhookEvent {
    /// A lead's status changed (`data`: `leadId`, `partnerId`, `status`, `previousStatus`).
    LeadStatusChanged,
    /// An agreement was recorded on a project from one of the partner's leads.
    AgreementRecorded,
    /// A project from one of the partner's leads moved to another pipeline stage.
    ProjectStageChanged,
}
use crate::service::webhook as svc;

/// Where a partner's events are POSTed, signed with the webhook's secret.
pub struct Webhook(pub webhook::Model);

/// Where a partner's events are POSTed, signed with the webhook's secret.
#[Object]
impl Webhook {
    /// The webhook's id.
    async fn id(&self) -> ID {
        ids::encode("Webhook", self.0.id)
    }
    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// The events it receives.
    async fn events(&self) -> Vec<WebhookEvent> {
        self.0.events.split(',').filter_map(EventKind::parse).map(Into::into).collect()
    }
    /// The partner whose events these are.
    async fn partner_id(&self) -> ID {
        ids::encode("Partner", self.0.partner_id)
    }
    /// When it was registered.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Why a delivery attempt failed: a category, never the HTTP client's text.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::realtime::deliver::Failure")]
pub enum WebhookDeliveryFailure {
    /// No answer within the delivery timeout (10 s).
    Timeout,
    /// The URL's host name does not resolve.
    Dns,
    /// No connection to the host's address (refused, unreachable).
    Connect,
    /// The TLS handshake failed: the certificate or the protocol.
    Tls,
    /// The receiver answered with a status other than 2xx: see `lastResponseCode`.
    HttpStatus,
    /// The host now resolves to an address webhooks may not reach (private,
    /// loopback, link-local …).
    TargetRefused,
    /// The server cannot sign the delivery (its secret key changed); the
    /// office is alerted. Attempts continue on the usual schedule.
    SecretUnavailable,
    /// The webhook was deleted or its event is gone: no further attempts.
    Gone,
    /// The request could not be built or sent for another reason.
    Request,
}

/// One event sent (or to be sent) to one webhook.
pub struct WebhookDelivery(pub webhook_delivery::Model);

/// One event sent (or to be sent) to one webhook.
#[Object]
impl WebhookDelivery {
    /// The delivery's id.
    async fn id(&self) -> ID {
        ids::encode("WebhookDelivery", self.0.id)
    }
    /// The event's id, as sent in `X-Zhaoshang-Delivery`.
    async fn event_id(&self) -> String {
        self.0.event_id.to_string()
    }
    /// `PENDING`, `DELIVERED` or `FAILED` (given up).
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// The HTTP status of the last attempt, if the receiver answered.
    async fn last_response_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// Why the last attempt failed, null once delivered.
    async fn failure(&self) -> Option<WebhookDeliveryFailure> {
        self.0.last_error.as_deref().map(|s| crate::realtime::deliver::Failure::parse(s).into())
    }
    /// Why the last attempt failed, in words: `HTTP 503` for a status, else
    /// the failure's name (`TIMEOUT`, `DNS` …). Prefer `failure`.
    async fn last_error(&self) -> Option<String> {
        use crate::realtime::deliver::Failure;
        let failure = Failure::parse(self.0.last_error.as_deref()?);
        Some(match (failure, self.0.last_status_code) {
            (Failure::HttpStatus, Some(code)) => format!("HTTP {code}"),
            (f, _) => f.as_str().to_owned(),
        })
    }
    /// When the next attempt is due, while pending.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        crate::realtime::deliver::due(&self.0)
    }
    /// When the receiver accepted it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// When it was queued (with the change that raised the event).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

fn limit(first: Option<i32>) -> Result<u64> {
    match first {
        None => Ok(20),
        Some(n) if (0..=100).contains(&n) => Ok(n as u64),
        Some(n) => Err(AppError::Validation(format!("`first` asks for {n} items; a list holds 0 to 100")).into()),
    }
}

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Webhooks, newest first: a partner's own; staff all, or one partner's.
    async fn webhooks(&self, ctx: &Context<'_>, partner_id: Option<ID>, first: Option<i32>) -> Result<Vec<Webhook>> {
        let partner = partner_id.as_ref().and_then(|id| ids::decode_as(id, "Partner"));
        let rows =
            svc::list(ctx.db(), &ctx.request().actor(), partner, limit(first)?).await.map_err(AppError::from).gql()?;
        Ok(rows.into_iter().map(Webhook).collect())
    }

    /// A webhook's deliveries, newest first, with status, attempts and the last response code.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        webhook_id: ID,
        first: Option<i32>,
    ) -> Result<Vec<WebhookDelivery>> {
        let Some(id) = ids::decode_as(&webhook_id, "Webhook") else { return Ok(Vec::new()) };
        let rows =
            svc::deliveries(ctx.db(), &ctx.request().actor(), id, limit(first)?).await.map_err(AppError::from).gql()?;
        Ok(rows.into_iter().map(WebhookDelivery).collect())
    }
}

/// Registers a URL for a partner's events.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// An http or https URL; private and loopback addresses are refused.
    pub url: String,
    /// The events to receive.
    pub events: Vec<WebhookEvent>,
    /// For an admin: the partner the webhook is for. A partner's key registers its own.
    pub partner_id: Option<ID>,
}

/// The answer to `createWebhook`: the webhook, and its signing secret, shown this once.
#[derive(SimpleObject)]
pub struct CreateWebhookPayload {
    /// The client's own id for this mutation, echoed.
    pub client_mutation_id: Option<String>,
    /// The webhook, unless the input was refused.
    pub webhook: Option<Webhook>,
    /// Signs every delivery (`X-Zhaoshang-Signature`); only shown here.
    pub secret: Option<String>,
    /// What was wrong with the input; nothing was written.
    pub user_errors: Vec<super::mutation::UserError>,
}

/// Deletes a webhook; its pending deliveries are given up.
#[derive(InputObject)]
pub struct DeleteWebhookInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The webhook.
    pub webhook_id: ID,
}

/// The answer to `deleteWebhook`.
#[derive(SimpleObject)]
pub struct DeleteWebhookPayload {
    /// The client's own id for this mutation, echoed.
    pub client_mutation_id: Option<String>,
    /// The deleted webhook.
    pub webhook: Option<Webhook>,
    /// What was wrong with the input; nothing was written.
    pub user_errors: Vec<super::mutation::UserError>,
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers a webhook for a partner's events (a partner its own, an admin any partner's).
    async fn create_webhook(&self, ctx: &Context<'_>, input: CreateWebhookInput) -> Result<CreateWebhookPayload> {
        need(ctx, Need::PartnerOrAdmin)?;
        let mut c = Checks::new();
        let new = svc::NewWebhook {
            url: input.url,
            events: input.events.into_iter().map(Into::into).collect(),
            partner_id: c.optional_id("partnerId", &input.partner_id, Noun::Partner),
        };
        let actor = ctx.request().actor();
        let result = checked(c, || svc::create(ctx.db(), &ctx.state().config, &actor, new)).await;
        let (created, user_errors) = settle(ctx, result, |(hook, secret)| (Webhook(hook), secret))?;
        let (webhook, secret) = created.map(|(w, s)| (Some(w), Some(s))).unwrap_or((None, None));
        Ok(CreateWebhookPayload { client_mutation_id: input.client_mutation_id, webhook, secret, user_errors })
    }

    /// Deletes a webhook.
    async fn delete_webhook(&self, ctx: &Context<'_>, input: DeleteWebhookInput) -> Result<DeleteWebhookPayload> {
        need(ctx, Need::PartnerOrAdmin)?;
        let mut c = Checks::new();
        let id = c.id("webhookId", &input.webhook_id, Noun::Webhook);
        let actor = ctx.request().actor();
        let result = checked(c, || svc::delete(ctx.db(), &actor, id)).await;
        let (webhook, user_errors) = settle(ctx, result, Webhook)?;
        Ok(DeleteWebhookPayload { client_mutation_id: input.client_mutation_id, webhook, user_errors })
    }
}
