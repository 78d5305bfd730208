//! `Material` (招商资料) and `MaterialDistribution` (资料分发).

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{attachment, enterprise, event, material, material_distribution, partner, staff_member};

use super::catalog::Sector;
use super::enterprise::Enterprise;
use super::file::Attachment;
use super::incentive::Event;
use super::partner::Partner;
use super::staff_member::StaffMember;
use super::{load, page};
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::graphql::scalars::Date;
use crate::service::material as svc;

/// The kind of a promotion material.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::MaterialKind")]
pub enum MaterialKind {
    /// 招商手册: an investment brochure.
    Brochure,
    /// 宣传片: a promotional video.
    Video,
    /// A slide deck.
    Slides,
    /// 政策汇编: a digest of the incentives.
    PolicyDigest,
    /// A map (招商地图) in print.
    Map,
    /// Anything else.
    Other,
}

/// How a material reached an enterprise.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::DistributionChannel")]
pub enum DistributionChannel {
    /// Handed over in person.
    InPerson,
    /// Sent by e-mail.
    Email,
    /// At a promotion event.
    Event,
    /// Passed on by a partner.
    Partner,
    /// Sent by post.
    Post,
}

/// A promotion material (招商资料): a file or a link, published or not.
pub struct Material(pub material::Model);

/// A promotion material (招商资料): a file or a link, published or not.
#[Object]
impl Material {
    /// The material's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Material", self.0.id)
    }
    /// Its title, e.g. `2026 年新能源产业招商手册`.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What it is.
    async fn kind(&self) -> MaterialKind {
        self.0.kind.into()
    }
    /// Its language, a BCP 47 tag such as `zh-CN` or `en`.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// What it holds.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Its file, when it has one (its `downloadUrl` downloads it).
    async fn file(&self, ctx: &Context<'_>) -> Result<Option<Attachment>> {
        load::<attachment::Entity, _>(ctx, self.0.attachment_id, Attachment).await
    }
    /// Its external link (a video platform, a web page), when it has one.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Public: listed and downloadable by anyone.
    async fn is_published(&self) -> bool {
        self.0.is_published
    }
    /// The sectors it addresses.
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Sector>> {
        children::<svc::MaterialSectors, _>(ctx.loader(), self.0.id, page(first, after, last, before), Sector).await
    }
    /// Where it went, latest first: every distribution for staff, its own for
    /// a partner, none for the public.
    async fn distributions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<MaterialDistribution>> {
        let page = page(first, after, last, before);
        children::<svc::MaterialDistributions, _>(ctx.loader(), self.0.id, page, MaterialDistribution).await
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }
}

/// A material reaching an enterprise (资料分发).
pub struct MaterialDistribution(pub material_distribution::Model);

/// A material reaching an enterprise (资料分发).
#[Object]
impl MaterialDistribution {
    /// The distribution's global id.
    pub async fn id(&self) -> ID {
        ids::encode("MaterialDistribution", self.0.id)
    }
    /// The material.
    async fn material(&self, ctx: &Context<'_>) -> Result<Option<Material>> {
        load::<material::Entity, _>(ctx, Some(self.0.material_id), Material).await
    }
    /// The office's enterprise it reached (staff only).
    async fn enterprise(&self, ctx: &Context<'_>) -> Result<Option<Enterprise>> {
        load::<enterprise::Entity, _>(ctx, self.0.enterprise_id, Enterprise).await
    }
    /// The enterprise as the recorder named it.
    async fn enterprise_name(&self) -> Option<&str> {
        self.0.enterprise_name.as_deref()
    }
    /// The promotion event where it was handed over (staff only).
    async fn event(&self, ctx: &Context<'_>) -> Result<Option<Event>> {
        load::<event::Entity, _>(ctx, self.0.event_id, Event).await
    }
    /// How.
    async fn channel(&self) -> DistributionChannel {
        self.0.channel.into()
    }
    /// The day it was handed over.
    async fn distributed_on(&self) -> Date {
        Date(self.0.distributed_on)
    }
    /// The staff member who recorded it (staff only).
    async fn staff(&self, ctx: &Context<'_>) -> Result<Option<StaffMember>> {
        load::<staff_member::Entity, _>(ctx, self.0.staff_member_id, StaffMember).await
    }
    /// The partner that recorded it.
    async fn partner(&self, ctx: &Context<'_>) -> Result<Option<Partner>> {
        load::<partner::Entity, _>(ctx, self.0.partner_id, Partner).await
    }
    /// When it was recorded.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// Filters for `materials`; fields combine with AND.
#[derive(InputObject, Default)]
pub struct MaterialFilter {
    /// Text in the title.
    pub search: Option<String>,
    /// The kind.
    pub kind: Option<MaterialKind>,
    /// The language tag, exactly (`zh-CN`).
    pub language: Option<String>,
    /// Addressing this sector.
    pub sector_id: Option<ID>,
    /// Published or not.
    pub is_published: Option<bool>,
}

impl MaterialFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::MaterialFilter, ()> {
        Ok(svc::MaterialFilter {
            search: self.search.clone(),
            kind: self.kind.map(Into::into),
            language: self.language.clone(),
            sector_id: ids::filter_id(&self.sector_id, "Sector")?,
            is_published: self.is_published,
        })
    }
}

/// Filters for `materialDistributions`; fields combine with AND.
#[derive(InputObject, Default)]
pub struct MaterialDistributionFilter {
    /// The material.
    pub material_id: Option<ID>,
    /// The partner that recorded it.
    pub partner_id: Option<ID>,
    /// How.
    pub channel: Option<DistributionChannel>,
    /// Handed over on or after this day.
    pub distributed_from: Option<Date>,
    /// Handed over on or before this day.
    pub distributed_to: Option<Date>,
}

impl MaterialDistributionFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<svc::DistributionFilter, ()> {
        Ok(svc::DistributionFilter {
            material_id: ids::filter_id(&self.material_id, "Material")?,
            partner_id: ids::filter_id(&self.partner_id, "Partner")?,
            channel: self.channel.map(Into::into),
            distributed_from: self.distributed_from.map(|d| d.0),
            distributed_to: self.distributed_to.map(|d| d.0),
        })
    }
}

order_input!(
    MaterialOrder,
    MaterialOrderField,
    "materials",
    [
        /// When the material was created.
        CreatedAt,
        /// Its title.
        Title,
    ]
);

order_input!(
    MaterialDistributionOrder,
    MaterialDistributionOrderField,
    "material distributions",
    [
        /// The day it was handed over.
        DistributedOn,
    ]
);
