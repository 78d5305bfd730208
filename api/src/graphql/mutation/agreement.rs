//! Signed agreements (签约): `recordAgreement`, `upgradeAgreement`.

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{Ids, Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::agreement::Agreement;
use crate::graphql::types::enums::AgreementKind;
use crate::service::agreement::{self as service, RecordAgreement};
use crate::service::write::{Checks, Noun, WriteError};

/// A signed agreement, or a capital increase on a signed project.
#[derive(InputObject)]
pub struct RecordAgreementInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first agreement.
    pub idempotency_key: Option<String>,
    /// The project.
    pub project_id: ID,
    /// Contract or framework agreement.
    pub kind: AgreementKind,
    /// The signing date.
    pub signed_on: Date,
    /// Total investment in yuan (for an increase, the increment).
    pub total_investment: String,
    /// Foreign capital in yuan (for an increase, the increment).
    pub foreign_capital: String,
    /// The campaign it counts for; default: the single active campaign whose
    /// period contains the signing date.
    pub campaign_id: Option<ID>,
    /// The event at which it was signed.
    pub event_id: Option<ID>,
    /// A capital increase on a project with a primary agreement.
    pub is_increase: Option<bool>,
    /// The incentives promised.
    pub incentive_ids: Option<Vec<ID>>,
}

payload!(RecordAgreementPayload, agreement: Agreement, "The answer to `recordAgreement`.");

/// Turns a framework agreement into a contract, in place.
#[derive(InputObject)]
pub struct UpgradeAgreementInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The framework agreement.
    pub agreement_id: ID,
    /// The day of the upgrade.
    pub upgraded_on: Date,
    /// The revised total investment in yuan, if it changed.
    pub total_investment: Option<String>,
    /// The revised foreign capital in yuan, if it changed.
    pub foreign_capital: Option<String>,
}

payload!(UpgradeAgreementPayload, agreement: Agreement, "The answer to `upgradeAgreement`.");

impl TryFrom<&RecordAgreementInput> for RecordAgreement {
    type Error = WriteError;

    fn try_from(input: &RecordAgreementInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let cmd = RecordAgreement {
            project_id: c.id("projectId", &input.project_id, Noun::Project),
            kind: input.kind.into(),
            signed_on: input.signed_on.0,
            total_investment: c.money("totalInvestment", &input.total_investment),
            foreign_capital: c.money("foreignCapital", &input.foreign_capital),
            campaign_id: c.optional_id("campaignId", &input.campaign_id, Noun::Campaign),
            event_id: c.optional_id("eventId", &input.event_id, Noun::Event),
            is_increase: input.is_increase.unwrap_or(false),
            incentive_ids: c.ids("incentiveIds", &input.incentive_ids, Noun::Incentive).unwrap_or_default(),
        };
        c.finish().map(|()| cmd)
    }
}

#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// Staff record a signed agreement: a project's primary agreement moves it to
    /// SIGNED; an increase adds its amounts and leaves the stage alone.
    async fn record_agreement(&self, ctx: &Context<'_>, input: RecordAgreementInput) -> Result<RecordAgreementPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async {
            let cmd = RecordAgreement::try_from(&input)?;
            service::record_agreement(ctx.db(), &actor, cmd, input.idempotency_key.as_deref()).await
        };
        let (agreement, user_errors) = settle(ctx, result.await, Agreement)?;
        Ok(RecordAgreementPayload { client_mutation_id: input.client_mutation_id, agreement, user_errors })
    }

    /// Staff upgrade a framework agreement to a contract; it stays one agreement
    /// of the campaign it was first counted for.
    async fn upgrade_agreement(
        &self,
        ctx: &Context<'_>,
        input: UpgradeAgreementInput,
    ) -> Result<UpgradeAgreementPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let total = c.optional_money("totalInvestment", input.total_investment.as_deref());
        let foreign = c.optional_money("foreignCapital", input.foreign_capital.as_deref());
        let id = c.id("agreementId", &input.agreement_id, Noun::Agreement);
        let actor = ctx.request().actor();
        let result =
            checked(c, || service::upgrade_agreement(ctx.db(), &actor, id, input.upgraded_on.0, total, foreign)).await;
        let (agreement, user_errors) = settle(ctx, result, Agreement)?;
        Ok(UpgradeAgreementPayload { client_mutation_id: input.client_mutation_id, agreement, user_errors })
    }
}
