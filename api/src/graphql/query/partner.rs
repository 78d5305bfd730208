use async_graphql::{Context, Object, Result};
use entity::{api_key, audit_log, lead, partner};

use crate::graphql::context::Ctx;
use crate::graphql::types::audit::{AuditEntry, AuditFilter};

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::types::partner::{ApiKey, ApiKeyFilter, Lead, LeadFilter, Partner, PartnerFilter};
use crate::graphql::types::{
    ApiKeyOrder, AuditEntryOrder, LeadOrder, OrderDirection, PartnerOrder, PartnerOrderField, page,
};
use crate::service::catalog::NamedOrderField;
use crate::service::partner as svc;

#[derive(Default)]
pub struct PartnerQuery;

fn direction<T>(order: Option<T>, f: impl Fn(T) -> OrderDirection) -> OrderDirection {
    order.map(f).unwrap_or(OrderDirection::Desc)
}

#[Object]
impl PartnerQuery {
    /// Leads: a partner's own, or all for staff.
    #[allow(clippy::too_many_arguments)]
    async fn leads(
        &self,
        ctx: &Context<'_>,
        filter: Option<LeadFilter>,
        order_by: Option<LeadOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Lead>> {
        let filter = filter.unwrap_or_default();
        let today = ctx.state().today();
        let cond = filter.to_service().ok().and_then(|f| svc::lead_condition(&f, today, ctx.principal()));
        let order = svc::lead_ordering(direction(order_by, |o| o.direction).into());
        root_list::<lead::Entity, _>(ctx, cond, order, page(first, after, last, before), Lead).await
    }

    /// Partner organisations: a partner sees itself, staff see all.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        filter: Option<PartnerFilter>,
        order_by: Option<PartnerOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Partner>> {
        let o =
            order_by.unwrap_or(PartnerOrder { field: PartnerOrderField::CreatedAt, direction: OrderDirection::Desc });
        let by_name = NamedOrderField::from(o.field) == NamedOrderField::Name;
        let f = svc::PartnerFilter::from(&filter.unwrap_or_default());
        let order = svc::partner_ordering(by_name, o.direction.into());
        root_list::<partner::Entity, _>(
            ctx,
            svc::partner_condition(&f),
            order,
            page(first, after, last, before),
            Partner,
        )
        .await
    }

    /// API keys, without secrets: a partner's own; all for admins.
    #[allow(clippy::too_many_arguments)]
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        filter: Option<ApiKeyFilter>,
        order_by: Option<ApiKeyOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<ApiKey>> {
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| svc::api_key_condition(&f));
        let order = svc::api_key_ordering(direction(order_by, |o| o.direction).into());
        root_list::<api_key::Entity, _>(ctx, cond, order, page(first, after, last, before), ApiKey).await
    }

    /// The audit trail of every change (admins only).
    #[allow(clippy::too_many_arguments)]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        order_by: Option<AuditEntryOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<AuditEntry>> {
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| svc::audit_condition(&f));
        let order = svc::audit_ordering(direction(order_by, |o| o.direction).into());
        root_list::<audit_log::Entity, _>(ctx, cond, order, page(first, after, last, before), AuditEntry).await
    }
}
