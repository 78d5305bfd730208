//! Promotion events (推介活动).

use super::{Ids, Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::enums::EventKind;
use crate::graphql::types::incentive::Event;
use crate::service::write::{Checks, Noun};
use async_graphql::{Context, ID, InputObject, Object, Result};

/// A new promotion event.
#[derive(InputObject)]
pub struct CreateEventInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first event.
    pub idempotency_key: Option<String>,
    /// The campaign it belongs to.
    pub campaign_id: ID,
    /// Its title.
    pub title: String,
    /// What kind of event.
    pub kind: EventKind,
    /// The day it is held.
    pub held_on: Date,
    /// Where.
    pub place: Option<String>,
    /// The link, for an online event.
    pub link: Option<String>,
    /// The participating enterprises.
    pub participant_ids: Option<Vec<ID>>,
}

payload!(CreateEventPayload, event: Event, "The answer to `createEvent`.");

#[derive(Default)]
pub struct PromotionEventMutation;

#[Object]
impl PromotionEventMutation {
    /// Staff add a promotion event to a campaign.
    async fn create_event(&self, ctx: &Context<'_>, input: CreateEventInput) -> Result<CreateEventPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let cmd = crate::service::promotion_event::CreateEvent {
            campaign_id: Some(c.id("campaignId", &input.campaign_id, Noun::Campaign)),
            title: c.text("title", &input.title, 300),
            kind: input.kind.into(),
            held_on: input.held_on.0,
            place: c.optional_text("place", input.place.as_deref(), 300),
            link: c.optional_text("link", input.link.as_deref(), 1000),
            participant_ids: c.ids("participantIds", &input.participant_ids, Noun::Enterprise).unwrap_or_default(),
        };
        let k = input.idempotency_key.as_deref();
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::promotion_event::create_event(ctx.db(), &actor, cmd, k)).await;
        let (event, user_errors) = settle(ctx, result, Event)?;
        Ok(CreateEventPayload { client_mutation_id: input.client_mutation_id, event, user_errors })
    }
}
