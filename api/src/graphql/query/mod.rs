//! The root `Query`, merged from one part per domain.

mod campaign;
mod catalog;
mod follow_up;
pub(crate) mod map;
mod material;
mod node;
mod partner;
mod pipeline;
mod service_request;

use async_graphql::{Context, MergedObject, OutputType, Result};
use sea_orm::Condition;

use super::connection::{Conn, from_listing};
use super::context::{Ctx, OrGql};
use crate::service::listing;
use crate::service::pagination::{Keyed, Ordering, PageRequest};
use crate::service::visibility::Visible;

/// The root of every query.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    campaign::CampaignQuery,
    catalog::CatalogQuery,
    pipeline::PipelineQuery,
    partner::PartnerQuery,
    service_request::ServiceRequestQuery,
    follow_up::FollowUpQuery,
    map::MapQuery,
    material::MaterialQuery,
    crate::graphql::webhooks::WebhookQuery,
);

/// A root list: the rows matching `filter` (None: nothing) that the caller may see.
async fn root_list<E, T>(
    ctx: &Context<'_>,
    filter: Option<Condition>,
    order: Ordering<E>,
    page: PageRequest,
    wrap: impl Fn(E::Model) -> T,
) -> Result<Conn<T>>
where
    E: Visible + Keyed,
    E::Model: Sync,
    T: OutputType,
{
    let listing = listing::list::<E>(ctx.db(), ctx.principal(), filter, &order, &page).await.gql()?;
    Ok(from_listing(ctx.db(), listing, wrap))
}
