//! Promotion materials: `createMaterial`, `updateMaterial`,
//! `recordMaterialDistribution`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::{Ids, Need, Patches, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::material::{DistributionChannel, Material, MaterialDistribution, MaterialKind};
use crate::service::material::{self as service, MaterialFields, RecordDistribution};
use crate::service::write::{Change, Checks, MAX_NAME, MAX_TEXT, Noun, Patch, Problem, WriteError};

/// A new promotion material: a file (uploaded first with `uploadFile`), a
/// link, or both.
#[derive(InputObject)]
pub struct CreateMaterialInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first material.
    pub idempotency_key: Option<String>,
    /// Its title.
    pub title: String,
    /// What it is.
    pub kind: MaterialKind,
    /// Its language, a BCP 47 tag such as `zh-CN` (the default) or `en`.
    pub language: Option<String>,
    /// What it holds.
    pub description: Option<String>,
    /// The sectors it addresses.
    pub sector_ids: Option<Vec<ID>>,
    /// Its file: an uploaded attachment not attached elsewhere.
    pub file_id: Option<ID>,
    /// Its external link (http or https).
    pub url: Option<String>,
    /// Public at once (default false).
    pub is_published: Option<bool>,
}

payload!(CreateMaterialPayload, material: Material, "The answer to `createMaterial`.");

/// Changes to a material: a field left out stays as it is; `null` clears an
/// optional one (a material keeps a file or a link).
#[derive(InputObject)]
pub struct UpdateMaterialInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The material.
    pub material_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its title.
    pub title: Option<String>,
    /// What it is.
    pub kind: Option<MaterialKind>,
    /// Its language tag.
    pub language: Option<String>,
    /// What it holds.
    pub description: MaybeUndefined<String>,
    /// The sectors it addresses, all of them.
    pub sector_ids: Option<Vec<ID>>,
    /// Its file (the one it had stays, unattached, until removed).
    pub file_id: MaybeUndefined<ID>,
    /// Its external link.
    pub url: MaybeUndefined<String>,
    /// Public or not.
    pub is_published: Option<bool>,
}

payload!(UpdateMaterialPayload, material: Material, "The answer to `updateMaterial`.");

/// A material handed to an enterprise.
#[derive(InputObject)]
pub struct RecordMaterialDistributionInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first distribution.
    pub idempotency_key: Option<String>,
    /// The material (for a partner: a published one).
    pub material_id: ID,
    /// The office's enterprise (staff only).
    pub enterprise_id: Option<ID>,
    /// The enterprise in words (how a partner names it).
    pub enterprise_name: Option<String>,
    /// The promotion event (staff only).
    pub event_id: Option<ID>,
    /// How.
    pub channel: DistributionChannel,
    /// The day it was handed over.
    pub distributed_on: Date,
}

payload!(
    RecordMaterialDistributionPayload,
    material_distribution: MaterialDistribution,
    "The answer to `recordMaterialDistribution`."
);

/// A BCP 47 language tag, loosely: letters, digits and hyphens, at most 35.
fn language(c: &mut Checks, value: Option<&str>) -> Option<String> {
    let v = c.optional_text("language", value, 35)?;
    if !v.split('-').all(|part| !part.is_empty() && part.chars().all(|ch| ch.is_ascii_alphanumeric())) {
        c.add("language", Problem::Code);
    }
    Some(v)
}

#[derive(Default)]
pub struct MaterialMutation;

#[Object]
impl MaterialMutation {
    /// Staff add a promotion material (招商资料).
    async fn create_material(&self, ctx: &Context<'_>, input: CreateMaterialInput) -> Result<CreateMaterialPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async {
            let mut c = Checks::new();
            let f = MaterialFields {
                title: Some(c.text("title", &input.title, MAX_NAME)),
                kind: Some(input.kind.into()),
                language: language(&mut c, input.language.as_deref()),
                description: c.optional_text("description", input.description.as_deref(), MAX_TEXT).into(),
                url: c.web_address("url", input.url.as_deref()).into(),
                file_id: c.optional_id("fileId", &input.file_id, Noun::Attachment).into(),
                is_published: input.is_published,
                sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
            };
            c.finish()?;
            service::create_material(ctx.db(), &actor, f, input.idempotency_key.as_deref()).await
        };
        let (material, user_errors) = settle(ctx, result.await, Material)?;
        Ok(CreateMaterialPayload { client_mutation_id: input.client_mutation_id, material, user_errors })
    }

    /// Staff change a material, publish or withdraw it.
    async fn update_material(&self, ctx: &Context<'_>, input: UpdateMaterialInput) -> Result<UpdateMaterialPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async {
            let mut c = Checks::new();
            let id = c.id("materialId", &input.material_id, Noun::Material);
            let url = match &input.url {
                MaybeUndefined::Undefined => Patch::Keep,
                MaybeUndefined::Null => Patch::Clear,
                MaybeUndefined::Value(v) => c.web_address("url", Some(v)).map_or(Patch::Clear, Patch::Set),
            };
            let f = MaterialFields {
                title: input.title.as_deref().map(|t| c.text("title", t, MAX_NAME)),
                kind: input.kind.map(Into::into),
                language: language(&mut c, input.language.as_deref()),
                description: c.patch_text("description", &input.description, MAX_TEXT),
                url,
                file_id: c.patch_id("fileId", &input.file_id, Noun::Attachment),
                is_published: input.is_published,
                sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
            };
            c.finish()?;
            let change = Change { id, expected_updated_at: input.expected_updated_at, fields: f };
            service::update_material(ctx.db(), &actor, change).await
        };
        let (material, user_errors) = settle(ctx, result.await, Material)?;
        Ok(UpdateMaterialPayload { client_mutation_id: input.client_mutation_id, material, user_errors })
    }

    /// Staff, or a partner for itself, record that a material reached an
    /// enterprise (资料分发).
    async fn record_material_distribution(
        &self,
        ctx: &Context<'_>,
        input: RecordMaterialDistributionInput,
    ) -> Result<RecordMaterialDistributionPayload> {
        let p = ctx.principal();
        if !(p.is_staff() || p.partner().is_some()) {
            return Err(super::forbidden());
        }
        let actor = ctx.request().actor();
        let result = async {
            let mut c = Checks::new();
            let cmd = RecordDistribution {
                material_id: c.id("materialId", &input.material_id, Noun::Material),
                enterprise_id: c.optional_id("enterpriseId", &input.enterprise_id, Noun::Enterprise),
                enterprise_name: c.optional_text("enterpriseName", input.enterprise_name.as_deref(), MAX_NAME),
                event_id: c.optional_id("eventId", &input.event_id, Noun::Event),
                channel: input.channel.into(),
                distributed_on: input.distributed_on.0,
            };
            c.finish()?;
            service::record_distribution(ctx.db(), &actor, cmd, input.idempotency_key.as_deref()).await
        };
        let result: Result<_, WriteError> = result.await;
        let (material_distribution, user_errors) = settle(ctx, result, MaterialDistribution)?;
        Ok(RecordMaterialDistributionPayload {
            client_mutation_id: input.client_mutation_id,
            material_distribution,
            user_errors,
        })
    }
}
