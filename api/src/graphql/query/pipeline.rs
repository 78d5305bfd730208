use async_graphql::{Context, Object, Result};
use entity::{agreement, enterprise, event, incentive, project};

use super::root_list;
use crate::graphql::connection::Conn;
use crate::graphql::context::Ctx;
use crate::graphql::types::agreement::{Agreement, AgreementFilter, AgreementOrder, AgreementOrderField};
use crate::graphql::types::enterprise::{Enterprise, EnterpriseFilter, EnterpriseOrder, EnterpriseOrderField};
use crate::graphql::types::incentive::{
    Event, EventFilter, EventOrder, EventOrderField, Incentive, IncentiveFilter, IncentiveOrder, IncentiveOrderField,
};
use crate::graphql::types::project::{Project, ProjectFilter, ProjectOrder, ProjectOrderField};
use crate::graphql::types::{OrderDirection, page};
use crate::service::{agreement as agreement_svc, enterprise as enterprise_svc, promotion_event as event_svc};
use crate::service::{incentive as incentive_svc, project as project_svc};

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    /// Target enterprises (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn enterprises(
        &self,
        ctx: &Context<'_>,
        filter: Option<EnterpriseFilter>,
        order_by: Option<EnterpriseOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Enterprise>> {
        let o = order_by
            .unwrap_or(EnterpriseOrder { field: EnterpriseOrderField::CreatedAt, direction: OrderDirection::Desc });
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| enterprise_svc::condition(&f));
        let order = enterprise_svc::ordering(o.field.into(), o.direction.into());
        root_list::<enterprise::Entity, _>(ctx, cond, order, page(first, after, last, before), Enterprise).await
    }

    /// Investment projects: published ones for the public and partners, all for staff.
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        order_by: Option<ProjectOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        let o =
            order_by.unwrap_or(ProjectOrder { field: ProjectOrderField::CreatedAt, direction: OrderDirection::Desc });
        let threshold = ctx.state().config.major_project_threshold;
        let cond = filter
            .unwrap_or_default()
            .to_service()
            .ok()
            .and_then(|f| project_svc::condition(&f, ctx.principal(), threshold, &ctx.state().checkup()));
        let order = project_svc::ordering(o.field.into(), o.direction.into());
        root_list::<project::Entity, _>(ctx, cond, order, page(first, after, last, before), Project).await
    }

    /// Signed agreements (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgreementFilter>,
        order_by: Option<AgreementOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Agreement>> {
        let o = order_by
            .unwrap_or(AgreementOrder { field: AgreementOrderField::CreatedAt, direction: OrderDirection::Desc });
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| agreement_svc::condition(&f));
        let order = agreement_svc::ordering(o.field.into(), o.direction.into());
        root_list::<agreement::Entity, _>(ctx, cond, order, page(first, after, last, before), Agreement).await
    }

    /// Policy incentives: published ones for the public and partners, all for staff.
    #[allow(clippy::too_many_arguments)]
    async fn incentives(
        &self,
        ctx: &Context<'_>,
        filter: Option<IncentiveFilter>,
        order_by: Option<IncentiveOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Incentive>> {
        let o = order_by
            .unwrap_or(IncentiveOrder { field: IncentiveOrderField::CreatedAt, direction: OrderDirection::Desc });
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| incentive_svc::condition(&f));
        let order = incentive_svc::ordering(o.field.into(), o.direction.into());
        root_list::<incentive::Entity, _>(ctx, cond, order, page(first, after, last, before), Incentive).await
    }

    /// Promotion events (staff only).
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        order_by: Option<EventOrder>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Event>> {
        let o = order_by.unwrap_or(EventOrder { field: EventOrderField::CreatedAt, direction: OrderDirection::Desc });
        let cond = filter.unwrap_or_default().to_service().ok().and_then(|f| event_svc::condition(&f));
        let order = event_svc::ordering(o.field.into(), o.direction.into());
        root_list::<event::Entity, _>(ctx, cond, order, page(first, after, last, before), Event).await
    }
}
