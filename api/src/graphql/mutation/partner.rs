//! Partners (合作机构) and API keys.

use super::{Ids, Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::types::enums::{PartnerKind, Role};
use crate::graphql::types::partner::{ApiKey, Partner};
use crate::service::api_key::NewApiKey;
use crate::service::write::{Checks, MAX_NAME, Noun};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

/// A new partner organisation.
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first partner.
    pub idempotency_key: Option<String>,
    /// Its name.
    pub name: String,
    /// Association or agency.
    pub kind: PartnerKind,
}

payload!(CreatePartnerPayload, partner: Partner, "The answer to `createPartner`.");

/// Deactivates a partner: its keys are revoked at once.
#[derive(InputObject)]
pub struct DeactivatePartnerInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The partner.
    pub partner_id: ID,
}

payload!(DeactivatePartnerPayload, partner: Partner, "The answer to `deactivatePartner`.");

/// A new API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first key, without its secret.
    pub idempotency_key: Option<String>,
    /// A name to recognise it by.
    pub name: String,
    /// The role it grants.
    pub role: Role,
    /// The partner, for a PARTNER key.
    pub partner_id: Option<ID>,
    /// The staff member a STAFF or ADMIN key is bound to: changes made with it
    /// then name the person.
    pub staff_member_id: Option<ID>,
    /// When it stops working.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The answer to `createApiKey`: the secret is shown here once and never again.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The client's own id for this mutation, echoed.
    pub client_mutation_id: Option<String>,
    /// The key, without its secret.
    pub api_key: Option<ApiKey>,
    /// The secret, to send as `Authorization: Bearer <secret>`: shown in this
    /// answer only (null on an idempotent replay). Store it now.
    pub secret: Option<String>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<super::UserError>,
}

/// Revokes a key; it fails from its next request on.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The key.
    pub api_key_id: ID,
}

payload!(RevokeApiKeyPayload, api_key: ApiKey, "The answer to `revokeApiKey`.");

#[derive(Default)]
pub struct PartnerMutation;

#[Object]
impl PartnerMutation {
    /// Admins add a partner organisation.
    async fn create_partner(&self, ctx: &Context<'_>, input: CreatePartnerInput) -> Result<CreatePartnerPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let name = c.text("name", &input.name, MAX_NAME);
        let k = input.idempotency_key.as_deref();
        let actor = ctx.request().actor();
        let result =
            checked(c, || crate::service::partner::create_partner(ctx.db(), &actor, name, input.kind.into(), k)).await;
        let (partner, user_errors) = settle(ctx, result, Partner)?;
        Ok(CreatePartnerPayload { client_mutation_id: input.client_mutation_id, partner, user_errors })
    }

    /// Admins deactivate a partner; its keys stop working at once.
    async fn deactivate_partner(
        &self,
        ctx: &Context<'_>,
        input: DeactivatePartnerInput,
    ) -> Result<DeactivatePartnerPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let id = c.id("partnerId", &input.partner_id, Noun::Partner);
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::partner::deactivate_partner(ctx.db(), &actor, id)).await;
        ctx.state().keys.forget_all();
        let (partner, user_errors) = settle(ctx, result, Partner)?;
        Ok(DeactivatePartnerPayload { client_mutation_id: input.client_mutation_id, partner, user_errors })
    }

    /// Admins create an API key; the secret is in this answer only.
    async fn create_api_key(&self, ctx: &Context<'_>, input: CreateApiKeyInput) -> Result<CreateApiKeyPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let cmd = NewApiKey {
            name: c.text("name", &input.name, MAX_NAME),
            role: input.role.into(),
            partner_id: c.optional_id("partnerId", &input.partner_id, Noun::Partner),
            staff_member_id: c.optional_id("staffMemberId", &input.staff_member_id, Noun::StaffMember),
            expires_at: input.expires_at,
        };
        let k = input.idempotency_key.as_deref();
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::api_key::create_api_key(ctx.db(), &actor, cmd, k)).await;
        let (new, user_errors) = settle(ctx, result, |k| k)?;
        let (api_key, secret) = new.map_or((None, None), |(key, secret)| (Some(ApiKey(key)), secret));
        Ok(CreateApiKeyPayload { client_mutation_id: input.client_mutation_id, api_key, secret, user_errors })
    }

    /// Revokes a key (admins any key, a partner its own); it fails from its next request on.
    async fn revoke_api_key(&self, ctx: &Context<'_>, input: RevokeApiKeyInput) -> Result<RevokeApiKeyPayload> {
        need(ctx, Need::PartnerOrAdmin)?;
        let mut c = Checks::new();
        let id = c.id("apiKeyId", &input.api_key_id, Noun::ApiKey);
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::api_key::revoke_api_key(ctx.db(), &actor, id)).await;
        // At once in this process; other processes forget on the KEY_REVOKED event.
        ctx.state().keys.forget_all();
        let (api_key, user_errors) = settle(ctx, result, ApiKey)?;
        Ok(RevokeApiKeyPayload { client_mutation_id: input.client_mutation_id, api_key, user_errors })
    }
}
