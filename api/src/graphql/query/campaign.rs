use async_graphql::{Context, ID, Object, Result};
use entity::campaign;

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::ids;
use crate::graphql::types::campaign::{Campaign, CampaignFilter, CampaignOrder, CampaignOrderField};
use crate::graphql::types::{OrderDirection, load, page};
use crate::service::campaign as svc;

#[derive(Default)]
pub struct CampaignQuery;

#[Object]
impl CampaignQuery {
    /// Campaigns, newest first by default.
    #[allow(clippy::too_many_arguments)]
    async fn campaigns(
        &self,
        ctx: &Context<'_>,
        filter: Option<CampaignFilter>,
        order_by: Option<CampaignOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Campaign>> {
        let f = svc::CampaignFilter::from(&filter.unwrap_or_default());
        let o =
            order_by.unwrap_or(CampaignOrder { field: CampaignOrderField::CreatedAt, direction: OrderDirection::Desc });
        let order = svc::ordering(o.field.into(), o.direction.into());
        root_list(ctx, svc::condition(&f), order, page(first, after, last, before), Campaign).await
    }

    /// One campaign by id.
    async fn campaign(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Campaign>> {
        load::<campaign::Entity, _>(ctx, ids::decode_as(&id, "Campaign"), Campaign).await
    }
}
