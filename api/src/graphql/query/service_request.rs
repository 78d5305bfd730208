//! Root `serviceRequests` (staff only).

use async_graphql::{Context, Object, Result};
use entity::service_request;

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::context::Ctx;
use crate::graphql::types::service_request::{
    ServiceRequest, ServiceRequestFilter, ServiceRequestOrder, ServiceRequestOrderField,
};
use crate::graphql::types::{OrderDirection, page};
use crate::service::service_request as svc;

#[derive(Default)]
pub struct ServiceRequestQuery;

#[Object]
impl ServiceRequestQuery {
    /// Investors' service requests (企业诉求), latest first (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn service_requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<ServiceRequestFilter>,
        order_by: Option<ServiceRequestOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ServiceRequest>> {
        let o = order_by.unwrap_or(ServiceRequestOrder {
            field: ServiceRequestOrderField::CreatedAt,
            direction: OrderDirection::Desc,
        });
        let today = ctx.state().today();
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| svc::condition(&f, today));
        let order = svc::ordering(o.field.into(), o.direction.into());
        root_list::<service_request::Entity, _>(ctx, cond, order, page(first, after, last, before), ServiceRequest)
            .await
    }
}
