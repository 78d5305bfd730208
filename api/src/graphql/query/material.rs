//! `materials` and `materialDistributions`.

use async_graphql::{Context, Object, Result};
use entity::{material, material_distribution};

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::types::material::{
    Material, MaterialDistribution, MaterialDistributionFilter, MaterialDistributionOrder, MaterialFilter,
    MaterialOrder, MaterialOrderField,
};
use crate::graphql::types::{OrderDirection, page};
use crate::service::material as svc;

#[derive(Default)]
pub struct MaterialQuery;

#[Object]
impl MaterialQuery {
    /// Promotion materials (招商资料), latest first: published ones for
    /// everyone, all of them for staff.
    #[allow(clippy::too_many_arguments)]
    async fn materials(
        &self,
        ctx: &Context<'_>,
        filter: Option<MaterialFilter>,
        order_by: Option<MaterialOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Material>> {
        let cond = filter.unwrap_or_default().to_service().ok().map(|f| svc::condition(&f));
        let o =
            order_by.unwrap_or(MaterialOrder { field: MaterialOrderField::CreatedAt, direction: OrderDirection::Desc });
        let order = svc::ordering(o.field == MaterialOrderField::Title, o.direction.into());
        root_list::<material::Entity, _>(ctx, cond, order, page(first, after, last, before), Material).await
    }

    /// Distributions of materials (资料分发), latest first: all for staff, its
    /// own for a partner.
    #[allow(clippy::too_many_arguments)]
    async fn material_distributions(
        &self,
        ctx: &Context<'_>,
        filter: Option<MaterialDistributionFilter>,
        order_by: Option<MaterialDistributionOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<MaterialDistribution>> {
        let cond = filter.unwrap_or_default().to_service().ok().map(|f| svc::distribution_condition(&f));
        let direction = order_by.map_or(OrderDirection::Desc, |o| o.direction);
        let order = svc::distribution_ordering(direction.into());
        let page = page(first, after, last, before);
        root_list::<material_distribution::Entity, _>(ctx, cond, order, page, MaterialDistribution).await
    }
}
