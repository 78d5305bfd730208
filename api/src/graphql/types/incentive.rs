//! `Incentive` (policy incentives) and `Event` (promotion events).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{campaign, event, incentive};

use super::campaign::Campaign;
use super::catalog::Sector;
use super::enterprise::Enterprise;
use super::enums::{EventKind, IncentiveKind};
use super::{load, page};
use crate::domain::money::Money;
use crate::graphql::connection::{Conn, children};

use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::graphql::scalars::{Date, Decimal};
use crate::service::{enterprise as enterprise_svc, incentive as svc, promotion_event as event_svc};

/// A policy incentive (优惠政策) with machine-readable eligibility rules.
pub struct Incentive(pub incentive::Model);

/// Who qualifies for an incentive; every rule given must hold.
#[derive(SimpleObject)]
pub struct Eligibility {
    /// Minimum planned investment.
    pub min_investment: Option<Decimal>,
    /// Minimum foreign capital.
    pub min_foreign_capital: Option<Decimal>,
    /// High-tech projects only.
    pub high_tech_only: bool,
    /// Foreign-invested projects only.
    pub foreign_invested_only: bool,
}

/// A policy incentive (优惠政策) with machine-readable eligibility rules.
#[Object]
impl Incentive {
    /// The incentive's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Incentive", self.0.id)
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What kind of support it gives.
    async fn kind(&self) -> IncentiveKind {
        self.0.kind.into()
    }
    /// The issuing authority.
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }
    /// A summary of the policy.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The policy document's number.
    async fn document_number(&self) -> Option<&str> {
        self.0.document_number.as_deref()
    }
    /// In the public catalogue.
    async fn is_published(&self) -> bool {
        self.0.is_published
    }
    /// First day of validity.
    async fn valid_from(&self) -> Option<Date> {
        self.0.valid_from.map(Date)
    }
    /// Last day of validity.
    async fn valid_to(&self) -> Option<Date> {
        self.0.valid_to.map(Date)
    }
    /// The eligibility rules besides sectors.
    async fn eligibility(&self) -> Eligibility {
        Eligibility {
            min_investment: self.0.min_investment_fen.map(|f| Money::from_fen(f).into()),
            min_foreign_capital: self.0.min_foreign_capital_fen.map(|f| Money::from_fen(f).into()),
            high_tech_only: self.0.high_tech_only,
            foreign_invested_only: self.0.foreign_invested_only,
        }
    }
    /// The sectors it is limited to; empty means every sector.
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Sector>> {
        children::<svc::IncentiveSectors, _>(ctx.loader(), self.0.id, page(first, after, last, before), Sector).await
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Filters for `incentives`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct IncentiveFilter {
    /// Text in the title.
    pub search: Option<String>,
    /// The kind.
    pub kind: Option<IncentiveKind>,
    /// Published or not.
    pub is_published: Option<bool>,
    /// Incentives whose eligibility names this sector.
    pub sector_id: Option<ID>,
    /// Incentives valid on this date.
    pub valid_on: Option<Date>,
}

impl IncentiveFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::IncentiveFilter, ()> {
        Ok(svc::IncentiveFilter {
            search: self.search.clone(),
            kind: self.kind.map(Into::into),
            is_published: self.is_published,
            sector_id: ids::filter_id(&self.sector_id, "Sector")?,
            valid_on: self.valid_on.map(|d| d.0),
        })
    }
}

order_input!(
    IncentiveOrder,
    IncentiveOrderField,
    "incentives",
    remote = "svc::IncentiveOrderField",
    [
        /// When it was created.
        CreatedAt,
        /// Its title.
        Title,
    ]
);

/// A promotion event (推介活动) of a campaign.
pub struct Event(pub event::Model);

/// A promotion event (推介活动) of a campaign.
#[Object]
impl Event {
    /// The event's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Event", self.0.id)
    }
    /// Its title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What kind of event.
    async fn kind(&self) -> EventKind {
        self.0.kind.into()
    }
    /// The day it is held.
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    /// Where.
    async fn place(&self) -> Option<&str> {
        self.0.place.as_deref()
    }
    /// The link, for an online event.
    async fn link(&self) -> Option<&str> {
        self.0.link.as_deref()
    }
    /// The campaign it belongs to.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load::<campaign::Entity, _>(ctx, Some(self.0.campaign_id), Campaign).await
    }
    /// The participating enterprises.
    async fn participants(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Enterprise>> {
        children::<enterprise_svc::EventParticipants, _>(
            ctx.loader(),
            self.0.id,
            page(first, after, last, before),
            Enterprise,
        )
        .await
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `events`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct EventFilter {
    /// Text in the title.
    pub search: Option<String>,
    /// The campaign.
    pub campaign_id: Option<ID>,
    /// The kind.
    pub kind: Option<EventKind>,
    /// Held on or after.
    pub held_from: Option<Date>,
    /// Held on or before.
    pub held_to: Option<Date>,
}

impl EventFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<event_svc::EventFilter, ()> {
        Ok(event_svc::EventFilter {
            search: self.search.clone(),
            campaign_id: ids::filter_id(&self.campaign_id, "Campaign")?,
            kind: self.kind.map(Into::into),
            held_from: self.held_from.map(|d| d.0),
            held_to: self.held_to.map(|d| d.0),
        })
    }
}

order_input!(
    EventOrder,
    EventOrderField,
    "events",
    remote = "event_svc::EventOrderField",
    [
        /// When it was created.
        CreatedAt,
        /// The day it is held.
        HeldOn,
    ]
);
