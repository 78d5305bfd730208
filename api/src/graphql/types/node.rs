//! The `Node` interface and `viewer`.

use async_graphql::{Context, ID, Interface, Result, SimpleObject};
use entity::*;

use super::agreement::Agreement;
use super::audit::AuditEntry;
use super::campaign::{Campaign, Quota};
use super::catalog::{Department, Park, Sector};
use super::enterprise::Enterprise;
use super::enums::Role;
use super::file::Attachment;
use super::follow_up::FollowUp;
use super::incentive::{Event, Incentive};
use super::load;
use super::material::{Material, MaterialDistribution};
use super::partner::{ApiKey, Lead, Partner};
use super::project::{CapitalArrival, Project, StageChange};
use super::service_request::{ServiceRequest, ServiceRequestChange};
use super::staff_member::StaffMember;
use crate::graphql::ids;

/// An object with a globally unique id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global id: opaque, stable, never to be decoded."))]
pub enum Node {
    Campaign(Campaign),
    Quota(Quota),
    Sector(Sector),
    Park(Park),
    Department(Department),
    Enterprise(Enterprise),
    Project(Project),
    StageChange(StageChange),
    CapitalArrival(CapitalArrival),
    Agreement(Agreement),
    Incentive(Incentive),
    Event(Event),
    Lead(Lead),
    Partner(Partner),
    ApiKey(ApiKey),
    AuditEntry(AuditEntry),
    StaffMember(StaffMember),
    ServiceRequest(ServiceRequest),
    ServiceRequestChange(ServiceRequestChange),
    FollowUp(FollowUp),
    Attachment(Attachment),
    Material(Material),
    MaterialDistribution(MaterialDistribution),
}

/// The object behind a global id, or None if there is none or the caller may not see it.
pub async fn resolve(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let Some((kind, n)) = ids::decode(id) else { return Ok(None) };
    let id = Some(n);
    Ok(match kind.as_str() {
        "Campaign" => load::<campaign::Entity, _>(ctx, id, |m| Node::Campaign(Campaign(m))).await?,
        "Quota" => load::<quota::Entity, _>(ctx, id, |m| Node::Quota(Quota(m))).await?,
        "Sector" => load::<sector::Entity, _>(ctx, id, |m| Node::Sector(Sector(m))).await?,
        "Park" => load::<park::Entity, _>(ctx, id, |m| Node::Park(Park(m))).await?,
        "Department" => load::<department::Entity, _>(ctx, id, |m| Node::Department(Department(m))).await?,
        "StaffMember" => load::<staff_member::Entity, _>(ctx, id, |m| Node::StaffMember(StaffMember(m))).await?,
        "FollowUp" => load::<follow_up::Entity, _>(ctx, id, |m| Node::FollowUp(FollowUp(m))).await?,
        "Attachment" => load::<attachment::Entity, _>(ctx, id, |m| Node::Attachment(Attachment(m))).await?,
        "Material" => load::<material::Entity, _>(ctx, id, |m| Node::Material(Material(m))).await?,
        "MaterialDistribution" => {
            let wrap = |m| Node::MaterialDistribution(MaterialDistribution(m));
            load::<material_distribution::Entity, _>(ctx, id, wrap).await?
        }
        "ServiceRequest" => {
            load::<service_request::Entity, _>(ctx, id, |m| Node::ServiceRequest(ServiceRequest(m))).await?
        }
        "ServiceRequestChange" => {
            let wrap = |m| Node::ServiceRequestChange(ServiceRequestChange(m));
            load::<service_request_change::Entity, _>(ctx, id, wrap).await?
        }
        "Enterprise" => load::<enterprise::Entity, _>(ctx, id, |m| Node::Enterprise(Enterprise(m))).await?,
        "Project" => load::<project::Entity, _>(ctx, id, |m| Node::Project(Project(m))).await?,
        "StageChange" => {
            load::<project_stage_change::Entity, _>(ctx, id, |m| Node::StageChange(StageChange(m))).await?
        }
        "CapitalArrival" => {
            load::<capital_arrival::Entity, _>(ctx, id, |m| Node::CapitalArrival(CapitalArrival(m))).await?
        }
        "Agreement" => load::<agreement::Entity, _>(ctx, id, |m| Node::Agreement(Agreement(m))).await?,
        "Incentive" => load::<incentive::Entity, _>(ctx, id, |m| Node::Incentive(Incentive(m))).await?,
        "Event" => load::<event::Entity, _>(ctx, id, |m| Node::Event(Event(m))).await?,
        "Lead" => load::<lead::Entity, _>(ctx, id, |m| Node::Lead(Lead(m))).await?,
        "Partner" => load::<partner::Entity, _>(ctx, id, |m| Node::Partner(Partner(m))).await?,
        "ApiKey" => load::<api_key::Entity, _>(ctx, id, |m| Node::ApiKey(ApiKey(m))).await?,
        "AuditEntry" => load::<audit_log::Entity, _>(ctx, id, |m| Node::AuditEntry(AuditEntry(m))).await?,
        _ => None,
    })
}

/// Who is asking.
#[derive(SimpleObject)]
pub struct Viewer {
    /// The caller's role; `PUBLIC` without a key.
    pub role: Role,
    /// The caller's partner organisation, for a partner key.
    pub partner: Option<Partner>,
}
