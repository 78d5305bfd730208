//! Policy incentives (优惠政策): creating, updating and publishing them.

use super::{Ids, Need, Patches, checked, need, patch, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::enums::IncentiveKind;
use crate::graphql::types::incentive::Incentive;
use crate::service::incentive::{self as service, IncentiveFields};
use crate::service::write::{Change, Checks, MAX_NAME, MAX_TEXT, Noun, WriteError};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

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

/// Changes to an incentive: a field left out stays as it is; `null` clears
/// an optional one.
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
    pub summary: MaybeUndefined<String>,
    /// The policy document's number.
    pub document_number: MaybeUndefined<String>,
    /// First day of validity.
    pub valid_from: MaybeUndefined<Date>,
    /// Last day of validity.
    pub valid_to: MaybeUndefined<Date>,
    /// Eligibility: minimum planned investment in yuan.
    pub min_investment: MaybeUndefined<String>,
    /// Eligibility: minimum foreign capital in yuan.
    pub min_foreign_capital: MaybeUndefined<String>,
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

impl TryFrom<&CreateIncentiveInput> for IncentiveFields {
    type Error = WriteError;

    fn try_from(input: &CreateIncentiveInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let f = IncentiveFields {
            title: Some(c.text("title", &input.title, 300)),
            kind: Some(input.kind.into()),
            issuer: Some(c.text("issuer", &input.issuer, MAX_NAME)),
            summary: c.optional_text("summary", input.summary.as_deref(), MAX_TEXT).into(),
            document_number: c.optional_text("documentNumber", input.document_number.as_deref(), 100).into(),
            valid_from: input.valid_from.map(|d| d.0).into(),
            valid_to: input.valid_to.map(|d| d.0).into(),
            is_published: input.is_published,
            min_investment: c.optional_money("minInvestment", input.min_investment.as_deref()).into(),
            min_foreign_capital: c.optional_money("minForeignCapital", input.min_foreign_capital.as_deref()).into(),
            high_tech_only: input.high_tech_only,
            foreign_invested_only: input.foreign_invested_only,
            sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
        };
        c.finish().map(|()| f)
    }
}

impl TryFrom<&UpdateIncentiveInput> for Change<IncentiveFields> {
    type Error = WriteError;

    fn try_from(input: &UpdateIncentiveInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let id = c.id("incentiveId", &input.incentive_id, Noun::Incentive);
        let fields = IncentiveFields {
            title: input.title.as_deref().map(|v| c.text("title", v, 300)),
            kind: input.kind.map(Into::into),
            issuer: input.issuer.as_deref().map(|v| c.text("issuer", v, MAX_NAME)),
            summary: c.patch_text("summary", &input.summary, MAX_TEXT),
            document_number: c.patch_text("documentNumber", &input.document_number, 100),
            valid_from: patch(&input.valid_from),
            valid_to: patch(&input.valid_to),
            is_published: None,
            min_investment: c.patch_money("minInvestment", &input.min_investment),
            min_foreign_capital: c.patch_money("minForeignCapital", &input.min_foreign_capital),
            high_tech_only: input.high_tech_only,
            foreign_invested_only: input.foreign_invested_only,
            sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
        };
        c.finish().map(|()| Change { id, expected_updated_at: input.expected_updated_at, fields })
    }
}

#[derive(Default)]
pub struct IncentiveMutation;

#[Object]
impl IncentiveMutation {
    /// Admins add a policy incentive with its eligibility rules.
    async fn create_incentive(&self, ctx: &Context<'_>, input: CreateIncentiveInput) -> Result<CreateIncentivePayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result = async {
            let fields = IncentiveFields::try_from(&input)?;
            service::create_incentive(ctx.db(), &actor, fields, input.idempotency_key.as_deref()).await
        };
        let (incentive, user_errors) = settle(ctx, result.await, Incentive)?;
        Ok(CreateIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }

    /// Admins change an incentive.
    async fn update_incentive(&self, ctx: &Context<'_>, input: UpdateIncentiveInput) -> Result<UpdateIncentivePayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result =
            async { service::update_incentive(ctx.db(), &actor, Change::try_from(&input)?, "updateIncentive").await };
        let (incentive, user_errors) = settle(ctx, result.await, Incentive)?;
        Ok(UpdateIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }

    /// Admins publish an incentive to the public catalogue, or withdraw it.
    async fn publish_incentive(
        &self,
        ctx: &Context<'_>,
        input: PublishIncentiveInput,
    ) -> Result<PublishIncentivePayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let id = c.id("incentiveId", &input.incentive_id, Noun::Incentive);
        let fields = IncentiveFields { is_published: Some(input.is_published.unwrap_or(true)), ..Default::default() };
        let change = Change { id, expected_updated_at: None, fields };
        let actor = ctx.request().actor();
        let result = checked(c, || service::update_incentive(ctx.db(), &actor, change, "publishIncentive")).await;
        let (incentive, user_errors) = settle(ctx, result, Incentive)?;
        Ok(PublishIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }
}
