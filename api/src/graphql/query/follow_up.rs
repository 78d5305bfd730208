//! Root `followUps` (staff only).

use async_graphql::{Context, Object, Result};
use entity::follow_up;

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::context::Ctx;
use crate::graphql::types::follow_up::{FollowUp, FollowUpFilter, FollowUpOrder, FollowUpOrderField};
use crate::graphql::types::{OrderDirection, page};
use crate::service::follow_up as svc;

#[derive(Default)]
pub struct FollowUpQuery;

#[Object]
impl FollowUpQuery {
    /// The office's follow-ups (跟进记录), latest first (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn follow_ups(
        &self,
        ctx: &Context<'_>,
        filter: Option<FollowUpFilter>,
        order_by: Option<FollowUpOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<FollowUp>> {
        let o = order_by
            .unwrap_or(FollowUpOrder { field: FollowUpOrderField::OccurredAt, direction: OrderDirection::Desc });
        let today = ctx.state().today();
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| svc::condition(&f, today));
        let order = svc::ordering(o.field.into(), o.direction.into());
        root_list::<follow_up::Entity, _>(ctx, cond, order, page(first, after, last, before), FollowUp).await
    }
}
