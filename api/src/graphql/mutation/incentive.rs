//! Policy incentives (优惠政策): creating, updating and publishing them.

use super::{Ids, Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::enums::IncentiveKind;
use crate::graphql::types::incentive::Incentive;
use crate::service::incentive::IncentiveFields;
use crate::service::write::{Checks, MAX_NAME, MAX_TEXT, Noun};
use async_graphql::{Context, ID, InputObject, Object, Result};
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

#[derive(Default)]
pub struct IncentiveMutation;

#[Object]
impl IncentiveMutation {
    /// Admins add a policy incentive with its eligibility rules.
    async fn create_incentive(&self, ctx: &Context<'_>, input: CreateIncentiveInput) -> Result<CreateIncentivePayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let sector_ids = c.ids("sectorIds", &input.sector_ids, Noun::Sector);
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
        let actor = ctx.request().actor();
        let k = input.idempotency_key.as_deref();
        let result = checked(c, || crate::service::incentive::create_incentive(ctx.db(), &actor, f, k)).await;
        let (incentive, user_errors) = settle(ctx, result, Incentive)?;
        Ok(CreateIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }

    /// Admins change an incentive.
    async fn update_incentive(&self, ctx: &Context<'_>, input: UpdateIncentiveInput) -> Result<UpdateIncentivePayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let sector_ids = c.ids("sectorIds", &input.sector_ids, Noun::Sector);
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
        let id = c.id("incentiveId", &input.incentive_id, Noun::Incentive);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::incentive::update_incentive(
                ctx.db(),
                &actor,
                id,
                f,
                input.expected_updated_at,
                "updateIncentive",
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
        let mut c = Checks::new();
        let id = c.id("incentiveId", &input.incentive_id, Noun::Incentive);
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::incentive::update_incentive(ctx.db(), &actor, id, f, None, "publishIncentive")
        })
        .await;
        let (incentive, user_errors) = settle(ctx, result, Incentive)?;
        Ok(PublishIncentivePayload { client_mutation_id: input.client_mutation_id, incentive, user_errors })
    }
}
