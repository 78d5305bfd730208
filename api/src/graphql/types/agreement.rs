//! `Agreement`: what was signed for a project.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{agreement, campaign, event, project};

use super::campaign::Campaign;
use super::enums::AgreementKind;
use super::incentive::{Event, Incentive};
use super::project::Project;
use super::{load, page};
use crate::domain::money::Money;
use crate::graphql::connection::{Conn, children};

use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::graphql::scalars::{Date, Decimal};
use crate::service::{agreement as svc, incentive as incentive_svc};

/// A signed agreement (签约): a contract or a framework agreement, or a capital
/// increase on a project that already has one.
pub struct Agreement(pub agreement::Model);

/// A signed agreement (签约): a contract or a framework agreement, or a capital
/// increase on a project that already has one.
#[Object]
impl Agreement {
    /// The agreement's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Agreement", self.0.id)
    }
    /// Its files (附件), latest first, as the caller may see them.
    async fn attachments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<crate::graphql::types::file::Attachment>> {
        let page = super::page(first, after, last, before);
        let wrap = crate::graphql::types::file::Attachment;
        crate::graphql::connection::children::<crate::service::attachment::AgreementAttachments, _>(
            ctx.loader(),
            self.0.id,
            page,
            wrap,
        )
        .await
    }
    /// Contract or framework agreement.
    async fn kind(&self) -> AgreementKind {
        self.0.kind.into()
    }
    /// The signing date.
    async fn signed_on(&self) -> Date {
        Date(self.0.signed_on)
    }
    /// Total investment; for an increase, the increment.
    async fn total_investment(&self) -> Decimal {
        Money::from_fen(self.0.total_investment_fen).into()
    }
    /// Foreign capital; for an increase, the increment.
    async fn foreign_capital(&self) -> Decimal {
        Money::from_fen(self.0.foreign_capital_fen).into()
    }
    /// A capital increase on a project that already has a primary agreement.
    async fn is_increase(&self) -> bool {
        self.0.is_increase
    }
    /// When a framework agreement was upgraded to a contract.
    async fn upgraded_on(&self) -> Option<Date> {
        self.0.upgraded_on.map(Date)
    }
    /// The campaign it counts for.
    async fn campaign(&self, ctx: &Context<'_>) -> Result<Option<Campaign>> {
        load::<campaign::Entity, _>(ctx, Some(self.0.campaign_id), Campaign).await
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        load::<project::Entity, _>(ctx, Some(self.0.project_id), Project).await
    }
    /// The event at which it was signed.
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        load::<event::Entity, _>(ctx, self.0.event_id, Event).await
    }
    /// The incentives promised in it.
    async fn incentives(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Incentive>> {
        children::<incentive_svc::AgreementIncentives, _>(
            ctx.loader(),
            self.0.id,
            page(first, after, last, before),
            Incentive,
        )
        .await
    }
    /// When it was recorded.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it was last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// Filters for `agreements`; fields combine with AND.
#[derive(InputObject, Default, Clone)]
pub struct AgreementFilter {
    /// The campaign it counts for.
    pub campaign_id: Option<ID>,
    /// The project.
    pub project_id: Option<ID>,
    /// The event.
    pub event_id: Option<ID>,
    /// Contract or framework.
    pub kind: Option<AgreementKind>,
    /// Increases only, or primary agreements only.
    pub is_increase: Option<bool>,
    /// Signed on or after.
    pub signed_from: Option<Date>,
    /// Signed on or before.
    pub signed_to: Option<Date>,
    /// Total investment at least this.
    pub min_investment: Option<Decimal>,
    /// Total investment at most this.
    pub max_investment: Option<Decimal>,
}

impl AgreementFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::AgreementFilter, ()> {
        Ok(svc::AgreementFilter {
            campaign_id: ids::filter_id(&self.campaign_id, "Campaign")?,
            project_id: ids::filter_id(&self.project_id, "Project")?,
            event_id: ids::filter_id(&self.event_id, "Event")?,
            kind: self.kind.map(Into::into),
            is_increase: self.is_increase,
            signed_from: self.signed_from.map(|d| d.0),
            signed_to: self.signed_to.map(|d| d.0),
            min_investment: self.min_investment.map(|d| d.0),
            max_investment: self.max_investment.map(|d| d.0),
        })
    }
}

order_input!(
    AgreementOrder,
    AgreementOrderField,
    "agreements",
    remote = "svc::AgreementOrderField",
    [
        /// When it was recorded.
        CreatedAt,
        /// The signing date.
        SignedOn,
        /// Total investment.
        TotalInvestment,
    ]
);
