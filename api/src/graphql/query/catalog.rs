use async_graphql::{Context, Object, Result};
use entity::{department, park, sector, staff_member};

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::types::catalog::{Department, Park, Sector};
use crate::graphql::types::staff_member::{StaffMember, StaffMemberFilter, StaffMemberOrder, StaffMemberOrderField};
use crate::graphql::types::{
    DepartmentOrder, DepartmentOrderField, NameFilter, OrderDirection, ParkOrder, ParkOrderField, SectorOrder,
    SectorOrderField, page,
};
use crate::service::catalog::{self as svc, NameFilter as SvcNameFilter};

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Industry sectors, by name unless ordered otherwise.
    #[allow(clippy::too_many_arguments)]
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        filter: Option<NameFilter>,
        order_by: Option<SectorOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Sector>> {
        let o = order_by.unwrap_or(SectorOrder { field: SectorOrderField::CreatedAt, direction: OrderDirection::Desc });
        let order = svc::sector::ordering(o.field.into(), o.direction.into());
        let f = SvcNameFilter::from(&filter.unwrap_or_default());
        root_list::<sector::Entity, _>(ctx, svc::sector::condition(&f), order, page(first, after, last, before), Sector)
            .await
    }

    /// Industrial parks.
    #[allow(clippy::too_many_arguments)]
    async fn parks(
        &self,
        ctx: &Context<'_>,
        filter: Option<NameFilter>,
        order_by: Option<ParkOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Park>> {
        let o = order_by.unwrap_or(ParkOrder { field: ParkOrderField::CreatedAt, direction: OrderDirection::Desc });
        let order = svc::park::ordering(o.field.into(), o.direction.into());
        let f = SvcNameFilter::from(&filter.unwrap_or_default());
        root_list::<park::Entity, _>(ctx, svc::park::condition(&f), order, page(first, after, last, before), Park).await
    }

    /// Government departments (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        filter: Option<NameFilter>,
        order_by: Option<DepartmentOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Department>> {
        let o = order_by
            .unwrap_or(DepartmentOrder { field: DepartmentOrderField::CreatedAt, direction: OrderDirection::Desc });
        let order = svc::department::ordering(o.field.into(), o.direction.into());
        let f = SvcNameFilter::from(&filter.unwrap_or_default());
        root_list::<department::Entity, _>(
            ctx,
            svc::department::condition(&f),
            order,
            page(first, after, last, before),
            Department,
        )
        .await
    }

    /// The office's staff members (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn staff_members(
        &self,
        ctx: &Context<'_>,
        filter: Option<StaffMemberFilter>,
        order_by: Option<StaffMemberOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<StaffMember>> {
        let o = order_by
            .unwrap_or(StaffMemberOrder { field: StaffMemberOrderField::CreatedAt, direction: OrderDirection::Desc });
        let order = crate::service::staff_member::ordering(o.field.into(), o.direction.into());
        let cond =
            filter.unwrap_or_default().to_service().ok().and_then(|f| crate::service::staff_member::condition(&f));
        root_list::<staff_member::Entity, _>(ctx, cond, order, page(first, after, last, before), StaffMember).await
    }
}
