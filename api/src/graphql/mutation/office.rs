//! The office's set-up mutations (ADMIN; `createEvent` for staff too).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::{Need, checked, id_ref, input_path, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::campaign::{Campaign, Quota};
use crate::graphql::types::catalog::{Department, Park, Sector};
use crate::graphql::types::enums::{EventKind, IncentiveKind, PartnerKind, Role};
use crate::graphql::types::incentive::{Event, Incentive};
use crate::graphql::types::partner::{ApiKey, Partner};
use crate::service::campaign::CampaignFields;
use crate::service::incentive::IncentiveFields;
use crate::service::write::{Checks, MAX_NAME, MAX_TEXT};

/// Decodes a list of ids of one type: the row ids, and whether any did not decode.
fn id_list(ids: Option<Vec<ID>>, type_name: &str) -> (Option<Vec<i64>>, bool) {
    match ids {
        None => (None, false),
        Some(list) => {
            let refs: Vec<_> = list.iter().map(|i| id_ref(&Some(i.clone()), type_name).0).collect();
            let bad = refs.iter().any(Option::is_none);
            (Some(refs.into_iter().flatten().collect()), bad)
        }
    }
}

/// A new campaign.
#[derive(InputObject)]
pub struct CreateCampaignInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first campaign.
    pub idempotency_key: Option<String>,
    /// Its name.
    pub name: String,
    /// The source region it aims at.
    pub region: String,
    /// First day.
    pub starts_on: Date,
    /// Last day, inclusive.
    pub ends_on: Date,
    /// Target number of signed agreements.
    pub target_agreements: i32,
    /// Target total investment in yuan.
    pub target_investment: String,
    /// Target foreign capital in yuan.
    pub target_foreign_capital: String,
    /// Its key sectors.
    pub sector_ids: Option<Vec<ID>>,
}

payload!(CreateCampaignPayload, campaign: Campaign, "The answer to `createCampaign`.");

/// Changes to a campaign; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateCampaignInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The campaign.
    pub campaign_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its name.
    pub name: Option<String>,
    /// The source region.
    pub region: Option<String>,
    /// First day.
    pub starts_on: Option<Date>,
    /// Last day.
    pub ends_on: Option<Date>,
    /// Target number of signed agreements.
    pub target_agreements: Option<i32>,
    /// Target total investment in yuan.
    pub target_investment: Option<String>,
    /// Target foreign capital in yuan.
    pub target_foreign_capital: Option<String>,
    /// Whether agreements default to it in its period.
    pub is_active: Option<bool>,
    /// Its key sectors (replaces the list).
    pub sector_ids: Option<Vec<ID>>,
}

payload!(UpdateCampaignPayload, campaign: Campaign, "The answer to `updateCampaign`.");

/// A department's (or person's) quota in a campaign; setting it again replaces it.
#[derive(InputObject)]
pub struct SetDepartmentQuotaInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The campaign.
    pub campaign_id: ID,
    /// The department.
    pub department_id: ID,
    /// A responsible person in the department, for a quota split per person.
    pub person: Option<String>,
    /// Target number of signed agreements.
    pub target_agreements: i32,
    /// Target total investment in yuan.
    pub target_investment: String,
    /// Target foreign capital in yuan.
    pub target_foreign_capital: String,
}

payload!(SetDepartmentQuotaPayload, quota: Quota, "The answer to `setDepartmentQuota`.");

/// A new department.
#[derive(InputObject)]
pub struct CreateDepartmentInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first department.
    pub idempotency_key: Option<String>,
    /// Its name.
    pub name: String,
}

payload!(CreateDepartmentPayload, department: Department, "The answer to `createDepartment`.");

/// A new sector.
#[derive(InputObject)]
pub struct CreateSectorInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first sector.
    pub idempotency_key: Option<String>,
    /// A short stable code, e.g. `HYDROGEN`.
    pub code: String,
    /// Its name.
    pub name: String,
}

payload!(CreateSectorPayload, sector: Sector, "The answer to `createSector`.");

/// A new industrial park.
#[derive(InputObject)]
pub struct CreateParkInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first park.
    pub idempotency_key: Option<String>,
    /// Its name.
    pub name: String,
    /// What it offers.
    pub description: Option<String>,
}

payload!(CreateParkPayload, park: Park, "The answer to `createPark`.");

/// A new promotion event.
#[derive(InputObject)]
pub struct CreateEventInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first event.
    pub idempotency_key: Option<String>,
    /// The campaign it belongs to.
    pub campaign_id: ID,
    /// Its title.
    pub title: String,
    /// What kind of event.
    pub kind: EventKind,
    /// The day it is held.
    pub held_on: Date,
    /// Where.
    pub place: Option<String>,
    /// The link, for an online event.
    pub link: Option<String>,
    /// The participating enterprises.
    pub participant_ids: Option<Vec<ID>>,
}

payload!(CreateEventPayload, event: Event, "The answer to `createEvent`.");

/// A new policy incentive.
#[derive(InputObject)]
pub struct CreateIncentiveInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first incentive.
    pub idempotency_key: Option<String>,
    /// Its title.
    pub title: String,
    /// What kind of support.
    pub kind: IncentiveKind,
    /// The issuing authority.
    pub issuer: String,
    /// A summary.
    pub summary: Option<String>,
    /// The policy document's number.
    pub document_number: Option<String>,
    /// First day of validity.
    pub valid_from: Option<Date>,
    /// Last day of validity.
    pub valid_to: Option<Date>,
    /// In the public catalogue (default false).
    pub is_published: Option<bool>,
    /// Eligibility: minimum planned investment in yuan.
    pub min_investment: Option<String>,
    /// Eligibility: minimum foreign capital in yuan.
    pub min_foreign_capital: Option<String>,
    /// Eligibility: high-tech projects only.
    pub high_tech_only: Option<bool>,
    /// Eligibility: foreign-invested projects only.
    pub foreign_invested_only: Option<bool>,
    /// Eligibility: these sectors only (none: all sectors).
    pub sector_ids: Option<Vec<ID>>,
}

payload!(CreateIncentivePayload, incentive: Incentive, "The answer to `createIncentive`.");

/// Changes to an incentive; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateIncentiveInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The incentive.
    pub incentive_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its title.
    pub title: Option<String>,
    /// What kind of support.
    pub kind: Option<IncentiveKind>,
    /// The issuing authority.
    pub issuer: Option<String>,
    /// A summary.
    pub summary: Option<String>,
    /// The policy document's number.
    pub document_number: Option<String>,
    /// First day of validity.
    pub valid_from: Option<Date>,
    /// Last day of validity.
    pub valid_to: Option<Date>,
    /// Eligibility: minimum planned investment in yuan.
    pub min_investment: Option<String>,
    /// Eligibility: minimum foreign capital in yuan.
    pub min_foreign_capital: Option<String>,
    /// Eligibility: high-tech projects only.
    pub high_tech_only: Option<bool>,
    /// Eligibility: foreign-invested projects only.
    pub foreign_invested_only: Option<bool>,
    /// Eligibility: these sectors only (replaces the list).
    pub sector_ids: Option<Vec<ID>>,
}

payload!(UpdateIncentivePayload, incentive: Incentive, "The answer to `updateIncentive`.");

/// Publishes (or withdraws) an incentive from the public catalogue.
#[derive(InputObject)]
pub struct PublishIncentiveInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The incentive.
    pub incentive_id: ID,
    /// True to publish (the default), false to withdraw.
    pub is_published: Option<bool>,
}

payload!(PublishIncentivePayload, incentive: Incentive, "The answer to `publishIncentive`.");

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

fn key(c: &mut Checks, key: &Option<String>) -> Option<String> {
    key.as_deref().map(|k| c.text("idempotencyKey", k, MAX_NAME))
}

fn target(c: &mut Checks, field: &str, n: Option<i32>) -> Option<i32> {
    if n.is_some_and(|n| n < 0) {
        c.add(field, crate::service::write::UserErrorCode::OutOfRange, "目标不能为负数", "a target cannot be negative");
    }
    n
}

#[derive(Default)]
pub struct OfficeMutation;

#[Object]
impl OfficeMutation {
    /// Admins open a campaign with its targets and key sectors.
    async fn create_campaign(&self, ctx: &Context<'_>, input: CreateCampaignInput) -> Result<CreateCampaignPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let (sector_ids, bad) = id_list(input.sector_ids, "Sector");
        let f = CampaignFields {
            name: Some(c.text("name", &input.name, MAX_NAME)),
            region: Some(c.text("region", &input.region, MAX_NAME)),
            starts_on: Some(input.starts_on.0),
            ends_on: Some(input.ends_on.0),
            target_agreements: target(&mut c, "targetAgreements", Some(input.target_agreements)),
            target_investment: Some(c.money("targetInvestment", &input.target_investment)),
            target_foreign_capital: Some(c.money("targetForeignCapital", &input.target_foreign_capital)),
            is_active: None,
            sector_ids,
        };
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::campaign::create_campaign(ctx.db(), &actor, f, bad, k.as_deref(), &input_path())
        })
        .await;
        let (campaign, user_errors) = settle(ctx, result, Campaign)?;
        Ok(CreateCampaignPayload { client_mutation_id: input.client_mutation_id, campaign, user_errors })
    }

    /// Admins change a campaign.
    async fn update_campaign(&self, ctx: &Context<'_>, input: UpdateCampaignInput) -> Result<UpdateCampaignPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let (sector_ids, bad) = id_list(input.sector_ids, "Sector");
        let f = CampaignFields {
            name: input.name.as_deref().map(|v| c.text("name", v, MAX_NAME)),
            region: input.region.as_deref().map(|v| c.text("region", v, MAX_NAME)),
            starts_on: input.starts_on.map(|d| d.0),
            ends_on: input.ends_on.map(|d| d.0),
            target_agreements: target(&mut c, "targetAgreements", input.target_agreements),
            target_investment: c.optional_money("targetInvestment", input.target_investment.as_deref()),
            target_foreign_capital: c.optional_money("targetForeignCapital", input.target_foreign_capital.as_deref()),
            is_active: input.is_active,
            sector_ids,
        };
        let id = id_ref(&Some(input.campaign_id), "Campaign").0;
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::campaign::update_campaign(
                ctx.db(),
                &actor,
                id,
                f,
                bad,
                input.expected_updated_at,
                &input_path(),
            )
        })
        .await;
        let (campaign, user_errors) = settle(ctx, result, Campaign)?;
        Ok(UpdateCampaignPayload { client_mutation_id: input.client_mutation_id, campaign, user_errors })
    }

    /// Admins set a department's (or one person's) quota in a campaign.
    async fn set_department_quota(
        &self,
        ctx: &Context<'_>,
        input: SetDepartmentQuotaInput,
    ) -> Result<SetDepartmentQuotaPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let refs = (id_ref(&Some(input.campaign_id), "Campaign"), id_ref(&Some(input.department_id), "Department"));
        let cmd = crate::service::quota::SetQuota {
            campaign_id: refs.0.0,
            department_id: refs.1.0,
            person: c.optional_text("person", input.person.as_deref(), 100).unwrap_or_default(),
            target_agreements: target(&mut c, "targetAgreements", Some(input.target_agreements)).unwrap_or(0),
            target_investment: c.money("targetInvestment", &input.target_investment),
            target_foreign_capital: c.money("targetForeignCapital", &input.target_foreign_capital),
        };
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::quota::set_quota(ctx.db(), &actor, cmd, refs, &input_path())).await;
        let (quota, user_errors) = settle(ctx, result, Quota)?;
        Ok(SetDepartmentQuotaPayload { client_mutation_id: input.client_mutation_id, quota, user_errors })
    }

    /// Admins add a department.
    async fn create_department(
        &self,
        ctx: &Context<'_>,
        input: CreateDepartmentInput,
    ) -> Result<CreateDepartmentPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let name = c.text("name", &input.name, MAX_NAME);
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::department::create_department(ctx.db(), &actor, name, k.as_deref(), &input_path())
        })
        .await;
        let (department, user_errors) = settle(ctx, result, Department)?;
        Ok(CreateDepartmentPayload { client_mutation_id: input.client_mutation_id, department, user_errors })
    }

    /// Admins add a sector to the managed list.
    async fn create_sector(&self, ctx: &Context<'_>, input: CreateSectorInput) -> Result<CreateSectorPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let code = c.text("code", &input.code, 32).to_ascii_uppercase();
        if !code.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            c.add(
                "code",
                crate::service::write::UserErrorCode::InvalidFormat,
                "代码只能包含字母、数字和下划线",
                "a code holds letters, digits and underscores only",
            );
        }
        let name = c.text("name", &input.name, 100);
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::sector::create_sector(ctx.db(), &actor, code, name, k.as_deref(), &input_path())
        })
        .await;
        let (sector, user_errors) = settle(ctx, result, Sector)?;
        Ok(CreateSectorPayload { client_mutation_id: input.client_mutation_id, sector, user_errors })
    }

    /// Admins add an industrial park.
    async fn create_park(&self, ctx: &Context<'_>, input: CreateParkInput) -> Result<CreateParkPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let name = c.text("name", &input.name, MAX_NAME);
        let description = c.optional_text("description", input.description.as_deref(), MAX_TEXT);
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::park::create_park(ctx.db(), &actor, name, description, k.as_deref(), &input_path())
        })
        .await;
        let (park, user_errors) = settle(ctx, result, Park)?;
        Ok(CreateParkPayload { client_mutation_id: input.client_mutation_id, park, user_errors })
    }

    /// Staff add a promotion event to a campaign.
    async fn create_event(&self, ctx: &Context<'_>, input: CreateEventInput) -> Result<CreateEventPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new(&["input"]);
        let campaign = id_ref(&Some(input.campaign_id), "Campaign");
        let (participants, bad) = id_list(input.participant_ids, "Enterprise");
        let cmd = crate::service::event::CreateEvent {
            campaign_id: campaign.0,
            title: c.text("title", &input.title, 300),
            kind: input.kind.into(),
            held_on: input.held_on.0,
            place: c.optional_text("place", input.place.as_deref(), 300),
            link: c.optional_text("link", input.link.as_deref(), 1000),
            participant_ids: participants.unwrap_or_default(),
        };
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::event::create_event(ctx.db(), &actor, cmd, campaign, bad, k.as_deref(), &input_path())
        })
        .await;
        let (event, user_errors) = settle(ctx, result, Event)?;
        Ok(CreateEventPayload { client_mutation_id: input.client_mutation_id, event, user_errors })
    }

    /// Admins add a policy incentive with its eligibility rules.
    async fn create_incentive(&self, ctx: &Context<'_>, input: CreateIncentiveInput) -> Result<CreateIncentivePayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let (sector_ids, bad) = id_list(input.sector_ids, "Sector");
        let f = IncentiveFields {
            title: Some(c.text("title", &input.title, 300)),
            kind: Some(input.kind.into()),
            issuer: Some(c.text("issuer", &input.issuer, MAX_NAME)),
            summary: c.optional_text("summary", input.summary.as_deref(), MAX_TEXT),
            document_number: c.optional_text("documentNumber", input.document_number.as_deref(), 100),
            valid_from: input.valid_from.map(|d| d.0),
            valid_to: input.valid_to.map(|d| d.0),
            is_published: input.is_published,
            min_investment: c.optional_money("minInvestment", input.min_investment.as_deref()),
            min_foreign_capital: c.optional_money("minForeignCapital", input.min_foreign_capital.as_deref()),
            high_tech_only: input.high_tech_only,
            foreign_invested_only: input.foreign_invested_only,
            sector_ids,
        };
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::incentive::create_incentive(ctx.db(), &actor, f, bad, k.as_deref(), &input_path())
        })
        .await;
        let (incentive, user_errors) = settle(ctx, result, Incentive)?;
        Ok(CreateIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }

    /// Admins change an incentive.
    async fn update_incentive(&self, ctx: &Context<'_>, input: UpdateIncentiveInput) -> Result<UpdateIncentivePayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let (sector_ids, bad) = id_list(input.sector_ids, "Sector");
        let f = IncentiveFields {
            title: input.title.as_deref().map(|v| c.text("title", v, 300)),
            kind: input.kind.map(Into::into),
            issuer: input.issuer.as_deref().map(|v| c.text("issuer", v, MAX_NAME)),
            summary: c.optional_text("summary", input.summary.as_deref(), MAX_TEXT),
            document_number: c.optional_text("documentNumber", input.document_number.as_deref(), 100),
            valid_from: input.valid_from.map(|d| d.0),
            valid_to: input.valid_to.map(|d| d.0),
            is_published: None,
            min_investment: c.optional_money("minInvestment", input.min_investment.as_deref()),
            min_foreign_capital: c.optional_money("minForeignCapital", input.min_foreign_capital.as_deref()),
            high_tech_only: input.high_tech_only,
            foreign_invested_only: input.foreign_invested_only,
            sector_ids,
        };
        let id = id_ref(&Some(input.incentive_id), "Incentive").0;
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::incentive::update_incentive(
                ctx.db(),
                &actor,
                id,
                f,
                bad,
                input.expected_updated_at,
                "updateIncentive",
                &input_path(),
            )
        })
        .await;
        let (incentive, user_errors) = settle(ctx, result, Incentive)?;
        Ok(UpdateIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }

    /// Admins publish an incentive to the public catalogue, or withdraw it.
    async fn publish_incentive(
        &self,
        ctx: &Context<'_>,
        input: PublishIncentiveInput,
    ) -> Result<PublishIncentivePayload> {
        need(ctx, Need::Admin)?;
        let f = IncentiveFields {
            title: None,
            kind: None,
            issuer: None,
            summary: None,
            document_number: None,
            valid_from: None,
            valid_to: None,
            is_published: Some(input.is_published.unwrap_or(true)),
            min_investment: None,
            min_foreign_capital: None,
            high_tech_only: None,
            foreign_invested_only: None,
            sector_ids: None,
        };
        let id = id_ref(&Some(input.incentive_id), "Incentive").0;
        let result = crate::service::incentive::update_incentive(
            ctx.db(),
            &ctx.request().actor(),
            id,
            f,
            false,
            None,
            "publishIncentive",
            &input_path(),
        )
        .await;
        let (incentive, user_errors) = settle(ctx, result, Incentive)?;
        Ok(PublishIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }

    /// Admins add a partner organisation.
    async fn create_partner(&self, ctx: &Context<'_>, input: CreatePartnerInput) -> Result<CreatePartnerPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let name = c.text("name", &input.name, MAX_NAME);
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::partner::create_partner(
                ctx.db(),
                &actor,
                name,
                input.kind.into(),
                k.as_deref(),
                &input_path(),
            )
        })
        .await;
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
        let id = id_ref(&Some(input.partner_id), "Partner").0;
        let result =
            crate::service::partner::deactivate_partner(ctx.db(), &ctx.request().actor(), id, &input_path()).await;
        let (partner, user_errors) = settle(ctx, result, Partner)?;
        Ok(DeactivatePartnerPayload { client_mutation_id: input.client_mutation_id, partner, user_errors })
    }

    /// Admins create an API key; the secret is in this answer only.
    async fn create_api_key(&self, ctx: &Context<'_>, input: CreateApiKeyInput) -> Result<CreateApiKeyPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new(&["input"]);
        let name = c.text("name", &input.name, MAX_NAME);
        let partner = id_ref(&input.partner_id, "Partner");
        let k = key(&mut c, &input.idempotency_key);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::api_keys::create_api_key(
                ctx.db(),
                &actor,
                name,
                input.role.into(),
                partner,
                input.expires_at,
                k.as_deref(),
                &input_path(),
            )
        })
        .await;
        let (new, user_errors) = settle(ctx, result, |k| k)?;
        let (api_key, secret) = new.map_or((None, None), |(key, secret)| (Some(ApiKey(key)), secret));
        Ok(CreateApiKeyPayload { client_mutation_id: input.client_mutation_id, api_key, secret, user_errors })
    }

    /// Revokes a key (admins any key, a partner its own); it fails from its next request on.
    async fn revoke_api_key(&self, ctx: &Context<'_>, input: RevokeApiKeyInput) -> Result<RevokeApiKeyPayload> {
        let id = id_ref(&Some(input.api_key_id), "ApiKey").0;
        let result =
            crate::service::api_keys::revoke_api_key(ctx.db(), &ctx.request().actor(), id, &input_path()).await;
        let (api_key, user_errors) = settle(ctx, result, ApiKey)?;
        Ok(RevokeApiKeyPayload { client_mutation_id: input.client_mutation_id, api_key, user_errors })
    }
}
