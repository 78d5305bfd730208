//! Campaigns and their quotas (任务分解): the admins' set-up of a drive.

use super::target;
use super::{Ids, Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::campaign::{Campaign, Quota};
use crate::service::campaign::{self as service, CampaignFields};
use crate::service::write::{Change, Checks, MAX_NAME, Noun, WriteError};
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

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
    /// A person's name, for a quota split per person. Deprecated: name the
    /// person as `staffMemberId`; giving both is `OUT_OF_RANGE`.
    pub person: Option<String>,
    /// The staff member (of this department, active) whose share this is, for
    /// a quota split per person.
    pub staff_member_id: Option<ID>,
    /// Target number of signed agreements.
    pub target_agreements: i32,
    /// Target total investment in yuan.
    pub target_investment: String,
    /// Target foreign capital in yuan.
    pub target_foreign_capital: String,
}

payload!(SetDepartmentQuotaPayload, quota: Quota, "The answer to `setDepartmentQuota`.");

impl TryFrom<&CreateCampaignInput> for CampaignFields {
    type Error = WriteError;

    fn try_from(input: &CreateCampaignInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let f = CampaignFields {
            name: Some(c.text("name", &input.name, MAX_NAME)),
            region: Some(c.text("region", &input.region, MAX_NAME)),
            starts_on: Some(input.starts_on.0),
            ends_on: Some(input.ends_on.0),
            target_agreements: target(&mut c, "targetAgreements", Some(input.target_agreements)),
            target_investment: Some(c.money("targetInvestment", &input.target_investment)),
            target_foreign_capital: Some(c.money("targetForeignCapital", &input.target_foreign_capital)),
            is_active: None,
            sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
        };
        c.finish().map(|()| f)
    }
}

impl TryFrom<&UpdateCampaignInput> for Change<CampaignFields> {
    type Error = WriteError;

    fn try_from(input: &UpdateCampaignInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let id = c.id("campaignId", &input.campaign_id, Noun::Campaign);
        let fields = CampaignFields {
            name: input.name.as_deref().map(|v| c.text("name", v, MAX_NAME)),
            region: input.region.as_deref().map(|v| c.text("region", v, MAX_NAME)),
            starts_on: input.starts_on.map(|d| d.0),
            ends_on: input.ends_on.map(|d| d.0),
            target_agreements: target(&mut c, "targetAgreements", input.target_agreements),
            target_investment: c.optional_money("targetInvestment", input.target_investment.as_deref()),
            target_foreign_capital: c.optional_money("targetForeignCapital", input.target_foreign_capital.as_deref()),
            is_active: input.is_active,
            sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
        };
        c.finish().map(|()| Change { id, expected_updated_at: input.expected_updated_at, fields })
    }
}

#[derive(Default)]
pub struct CampaignMutation;

#[Object]
impl CampaignMutation {
    /// Admins open a campaign with its targets and key sectors.
    async fn create_campaign(&self, ctx: &Context<'_>, input: CreateCampaignInput) -> Result<CreateCampaignPayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result = async {
            let fields = CampaignFields::try_from(&input)?;
            service::create_campaign(ctx.db(), &actor, fields, input.idempotency_key.as_deref()).await
        };
        let (campaign, user_errors) = settle(ctx, result.await, Campaign)?;
        Ok(CreateCampaignPayload { client_mutation_id: input.client_mutation_id, campaign, user_errors })
    }

    /// Admins change a campaign.
    async fn update_campaign(&self, ctx: &Context<'_>, input: UpdateCampaignInput) -> Result<UpdateCampaignPayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result = async { service::update_campaign(ctx.db(), &actor, Change::try_from(&input)?).await };
        let (campaign, user_errors) = settle(ctx, result.await, Campaign)?;
        Ok(UpdateCampaignPayload { client_mutation_id: input.client_mutation_id, campaign, user_errors })
    }

    /// Admins set a department's (or one person's) quota in a campaign.
    async fn set_department_quota(
        &self,
        ctx: &Context<'_>,
        input: SetDepartmentQuotaInput,
    ) -> Result<SetDepartmentQuotaPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let cmd = crate::service::quota::SetQuota {
            campaign_id: c.id("campaignId", &input.campaign_id, Noun::Campaign),
            department_id: c.id("departmentId", &input.department_id, Noun::Department),
            person: c.optional_text("person", input.person.as_deref(), 100).unwrap_or_default(),
            staff_member_id: c.optional_id("staffMemberId", &input.staff_member_id, Noun::StaffMember),
            target_agreements: target(&mut c, "targetAgreements", Some(input.target_agreements)).unwrap_or(0),
            target_investment: c.money("targetInvestment", &input.target_investment),
            target_foreign_capital: c.money("targetForeignCapital", &input.target_foreign_capital),
        };
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::quota::set_quota(ctx.db(), &actor, cmd)).await;
        let (quota, user_errors) = settle(ctx, result, Quota)?;
        Ok(SetDepartmentQuotaPayload { client_mutation_id: input.client_mutation_id, quota, user_errors })
    }
}
