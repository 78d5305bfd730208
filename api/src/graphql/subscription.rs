//! Subscriptions, served over `graphql-transport-ws` at `/graphql/ws`. Each
//! item is built from the event itself (no query unless selected); the object
//! it concerns (`lead`, `agreement`) can be selected into, read with the
//! subscriber's visibility as `node` would read it.

use async_graphql::{ComplexObject, Context, ErrorExtensions, ID, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, NaiveDate, Utc};
use futures::{Stream, StreamExt};
use sea_orm::ActiveEnum;
use serde_json::Value;
use tokio_stream::wrappers::BroadcastStream;

use super::context::Ctx;
use super::ids;
use super::scalars::{Date, Decimal};
use super::types::enums::{AgreementKind, LeadStatus};
use crate::domain::money::Money;
use crate::error::AppError;
use crate::realtime::bus::{Event, EventBus};
use crate::service::outbox::EventKind;

/// The root of every subscription (over `graphql-transport-ws` at `/graphql/ws`).
#[derive(Default)]
pub struct Subscription;

/// A lead moved from one status to another.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct LeadStatusChange {
    /// The lead's id.
    pub lead_id: ID,
    /// The partner that submitted it.
    pub partner_id: ID,
    /// The status now.
    pub status: LeadStatus,
    /// The status before.
    pub previous_status: LeadStatus,
    /// When it changed.
    pub changed_at: DateTime<Utc>,
}

#[ComplexObject]
impl LeadStatusChange {
    /// The lead as it is now, as the subscriber may see it (null if it may not).
    async fn lead(&self, ctx: &Context<'_>) -> Result<Option<super::types::partner::Lead>> {
        match super::types::node::resolve(ctx, &self.lead_id).await? {
            Some(super::types::node::Node::Lead(lead)) => Ok(Some(lead)),
            _ => Ok(None),
        }
    }
}

/// An agreement was recorded (select `agreement`, or fetch it with `node(id: agreementId)`).
#[derive(Clone)]
pub struct AgreementRecord {
    data: Value,
    occurred_at: DateTime<Utc>,
}

/// An agreement was recorded (select `agreement`, or fetch it with `node(id: agreementId)`).
#[Object]
impl AgreementRecord {
    /// The agreement's id.
    async fn agreement_id(&self) -> ID {
        ID(self.text("agreementId"))
    }
    /// The agreement, as the subscriber may see it: null for a partner, who
    /// sees agreements only through the figures here.
    async fn agreement(&self, ctx: &Context<'_>) -> Result<Option<super::types::agreement::Agreement>> {
        match super::types::node::resolve(ctx, &ID(self.text("agreementId"))).await? {
            Some(super::types::node::Node::Agreement(a)) => Ok(Some(a)),
            _ => Ok(None),
        }
    }
    /// Its project.
    async fn project_id(&self) -> ID {
        ID(self.text("projectId"))
    }
    /// The campaign it counts for.
    async fn campaign_id(&self) -> ID {
        ID(self.text("campaignId"))
    }
    /// Contract or framework agreement.
    async fn kind(&self) -> Option<AgreementKind> {
        entity::enums::AgreementKind::try_from_value(&self.text("kind")).ok().map(Into::into)
    }
    /// The signing date.
    async fn signed_on(&self) -> Option<Date> {
        self.text("signedOn").parse::<NaiveDate>().ok().map(Date)
    }
    /// Total investment (总投资), yuan.
    async fn total_investment(&self) -> Option<Decimal> {
        Money::parse(&self.text("totalInvestment")).ok().map(Decimal)
    }
    /// Foreign capital (外资), yuan.
    async fn foreign_capital(&self) -> Option<Decimal> {
        Money::parse(&self.text("foreignCapital")).ok().map(Decimal)
    }
    /// An increase of an earlier agreement's investment (增资).
    async fn is_increase(&self) -> bool {
        self.data["isIncrease"].as_bool().unwrap_or(false)
    }
    /// When it was recorded.
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.occurred_at
    }
}

impl AgreementRecord {
    fn text(&self, key: &str) -> String {
        self.data[key].as_str().unwrap_or_default().to_owned()
    }
}

/// The event's data as partners read it: global ids.
fn data(event: &Event) -> Value {
    crate::ids::event_data(serde_json::from_str(&event.data).unwrap_or(Value::Null))
}

fn lead_change(event: &Event) -> Option<LeadStatusChange> {
    let d = data(event);
    let status = |k: &str| entity::enums::LeadStatus::try_from_value(&d[k].as_str()?.to_owned()).ok().map(Into::into);
    Some(LeadStatusChange {
        lead_id: ID(d["leadId"].as_str()?.to_owned()),
        partner_id: ID(d["partnerId"].as_str()?.to_owned()),
        status: status("status")?,
        previous_status: status("previousStatus")?,
        changed_at: event.occurred_at,
    })
}

/// The bus's events of one kind that pass `keep`, as a stream (a subscriber
/// that falls too far behind skips what it missed rather than stall the bus).
fn events<F: Fn(&Event) -> bool + Send + 'static>(
    ctx: &Context<'_>,
    kind: EventKind,
    keep: F,
) -> Result<impl Stream<Item = Event> + use<F>> {
    let bus = ctx.data::<EventBus>()?;
    Ok(BroadcastStream::new(bus.subscribe()).filter_map(move |e| {
        let out = e.ok().filter(|e| e.kind == kind.as_str() && keep(e));
        async move { out }
    }))
}

/// The root of every subscription (over `graphql-transport-ws` at `/graphql/ws`).
#[Subscription]
impl Subscription {
    /// A lead's status changes. A partner hears of its own leads only; staff of
    /// every lead, or of one partner's with `partnerId`.
    async fn lead_status_changed(
        &self,
        ctx: &Context<'_>,
        partner_id: Option<ID>,
    ) -> Result<impl Stream<Item = LeadStatusChange> + use<>> {
        let principal = ctx.principal().clone();
        let wanted = match (principal.partner(), principal.is_staff()) {
            (Some(own), _) => Some(own),
            (None, true) => match &partner_id {
                Some(id) => Some(ids::decode_as(id, "Partner").ok_or_else(|| {
                    AppError::Validation(format!("`{}` is not a partner's id", id.as_str())).extend()
                })?),
                None => None,
            },
            (None, false) => return Err(AppError::Forbidden.extend()),
        };
        let stream =
            events(ctx, EventKind::LeadStatusChanged, move |e| wanted.is_none_or(|p| e.partner_id == Some(p)))?;
        Ok(stream.filter_map(|e| async move { lead_change(&e) }))
    }

    /// Agreements recorded in a campaign, as they are recorded. Staff hear of
    /// all; a partner of those on projects from its own leads.
    async fn agreement_recorded(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
    ) -> Result<impl Stream<Item = AgreementRecord> + use<>> {
        let principal = ctx.principal().clone();
        if !principal.is_staff() && principal.partner().is_none() {
            return Err(AppError::Forbidden.extend());
        }
        let campaign = ids::decode_as(&campaign_id, "Campaign").ok_or_else(|| {
            AppError::Validation(format!("`{}` is not a campaign's id", campaign_id.as_str())).extend()
        })?;
        let own = principal.partner();
        let stream = events(ctx, EventKind::AgreementRecorded, move |e| {
            e.campaign_id == Some(campaign) && own.is_none_or(|p| e.partner_id == Some(p))
        })?;
        Ok(stream.map(|e| AgreementRecord { data: data(&e), occurred_at: e.occurred_at }))
    }
}
