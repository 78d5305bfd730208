//! The staff's pipeline mutations.

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::{Need, checked, id_ref, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::agreement::Agreement;
use crate::graphql::types::enterprise::Enterprise;
use crate::graphql::types::enums::{AgreementKind, EnterpriseSize, EnterpriseStatus, Priority, ProjectStage};
use crate::graphql::types::project::{CapitalArrival, Project};
use crate::service::agreement::AgreementRefs;
use crate::service::enterprise::{EnterpriseFields, EnterpriseRefs};
use crate::service::project::{ProjectFields, ProjectRefs};
use crate::service::write::{Checks, MAX_NAME, MAX_TEXT};

/// An enterprise's contact person.
#[derive(InputObject, Clone, Default)]
pub struct ContactInput {
    /// The person's name.
    pub name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// A new target enterprise.
#[derive(InputObject)]
pub struct CreateEnterpriseInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first enterprise.
    pub idempotency_key: Option<String>,
    /// Its registered name.
    pub name: String,
    /// Country or region, ISO 3166-1 alpha-2.
    pub country: String,
    /// Its USCC (Chinese companies only).
    pub uscc: Option<String>,
    /// Its sector.
    pub sector_id: Option<ID>,
    /// Its size.
    pub size: Option<EnterpriseSize>,
    /// A Fortune Global 500 company.
    pub is_fortune500: Option<bool>,
    /// A foreign-invested company.
    pub is_foreign_invested: Option<bool>,
    /// A listed company.
    pub is_listed: Option<bool>,
    /// A, B or C.
    pub priority: Option<Priority>,
    /// Where the city stands with it.
    pub status: Option<EnterpriseStatus>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// The contact person.
    pub contact: Option<ContactInput>,
    /// Internal notes.
    pub notes: Option<String>,
}

payload!(CreateEnterprisePayload, enterprise: Enterprise, "The answer to `createEnterprise`.");

/// Changes to an enterprise; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateEnterpriseInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The enterprise.
    pub enterprise_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its registered name.
    pub name: Option<String>,
    /// Country or region.
    pub country: Option<String>,
    /// Its USCC.
    pub uscc: Option<String>,
    /// Its sector.
    pub sector_id: Option<ID>,
    /// Its size.
    pub size: Option<EnterpriseSize>,
    /// A Fortune Global 500 company.
    pub is_fortune500: Option<bool>,
    /// A foreign-invested company.
    pub is_foreign_invested: Option<bool>,
    /// A listed company.
    pub is_listed: Option<bool>,
    /// A, B or C.
    pub priority: Option<Priority>,
    /// Where the city stands with it.
    pub status: Option<EnterpriseStatus>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// The contact person.
    pub contact: Option<ContactInput>,
    /// Internal notes.
    pub notes: Option<String>,
}

payload!(UpdateEnterprisePayload, enterprise: Enterprise, "The answer to `updateEnterprise`.");

/// A new investment project; a promoted project may have no investor yet.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first project.
    pub idempotency_key: Option<String>,
    /// Its name.
    pub name: String,
    /// Its sector.
    pub sector_id: ID,
    /// Planned total investment in yuan, e.g. `"500000000"`.
    pub planned_investment: String,
    /// The investing enterprise, once known.
    pub enterprise_id: Option<ID>,
    /// Planned foreign capital in yuan.
    pub foreign_capital: Option<String>,
    /// A high-tech project.
    pub is_high_tech: Option<bool>,
    /// Foreign direct investment (default: when foreign capital is given).
    pub is_foreign_invested: Option<bool>,
    /// The campaign it is worked under.
    pub campaign_id: Option<ID>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// The park where it lands.
    pub park_id: Option<ID>,
    /// The responsible person.
    pub responsible_person: Option<String>,
    /// In the public catalogue.
    pub is_published: Option<bool>,
    /// What the project is.
    pub description: Option<String>,
    /// Internal notes.
    pub notes: Option<String>,
}

payload!(CreateProjectPayload, project: Project, "The answer to `createProject`.");

/// Changes to a project; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The project.
    pub project_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its name.
    pub name: Option<String>,
    /// Its sector.
    pub sector_id: Option<ID>,
    /// Planned total investment in yuan.
    pub planned_investment: Option<String>,
    /// The investing enterprise.
    pub enterprise_id: Option<ID>,
    /// Planned foreign capital in yuan.
    pub foreign_capital: Option<String>,
    /// A high-tech project.
    pub is_high_tech: Option<bool>,
    /// Foreign direct investment.
    pub is_foreign_invested: Option<bool>,
    /// The campaign.
    pub campaign_id: Option<ID>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// The park.
    pub park_id: Option<ID>,
    /// The responsible person.
    pub responsible_person: Option<String>,
    /// In the public catalogue.
    pub is_published: Option<bool>,
    /// What the project is.
    pub description: Option<String>,
    /// Internal notes.
    pub notes: Option<String>,
}

payload!(UpdateProjectPayload, project: Project, "The answer to `updateProject`.");

/// Moves a project along the pipeline.
#[derive(InputObject)]
pub struct MoveProjectStageInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The project.
    pub project_id: ID,
    /// The stage to move to (SIGNED only by `recordAgreement`).
    pub stage: ProjectStage,
    /// Why, for the history.
    pub note: Option<String>,
}

payload!(MoveProjectStagePayload, project: Project, "The answer to `moveProjectStage`.");

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

/// Capital actually paid in for a signed project.
#[derive(InputObject)]
pub struct RecordCapitalArrivalInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first arrival.
    pub idempotency_key: Option<String>,
    /// The project.
    pub project_id: ID,
    /// The day the money arrived.
    pub arrived_on: Date,
    /// How much, in yuan.
    pub amount: String,
}

payload!(RecordCapitalArrivalPayload, capital_arrival: CapitalArrival, "The answer to `recordCapitalArrival`.");

fn contact(c: &mut Checks, contact: Option<ContactInput>) -> (Option<String>, Option<String>, Option<String>) {
    let contact = contact.unwrap_or_default();
    (
        c.optional_text("contact.name", contact.name.as_deref(), 100),
        c.optional_text("contact.phone", contact.phone.as_deref(), 50),
        c.email("contact.email", contact.email.as_deref()),
    )
}

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Staff add a target enterprise.
    async fn create_enterprise(
        &self,
        ctx: &Context<'_>,
        input: CreateEnterpriseInput,
    ) -> Result<CreateEnterprisePayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let country = c.country("country", &input.country);
        let (contact_name, contact_phone, contact_email) = contact(&mut c, input.contact);
        let refs = EnterpriseRefs {
            sector: id_ref(&input.sector_id, "Sector"),
            department: id_ref(&input.department_id, "Department"),
        };
        let f = EnterpriseFields {
            name: Some(c.text("name", &input.name, MAX_NAME)),
            uscc: c.uscc("uscc", input.uscc.as_deref(), Some(&country)),
            country: Some(country),
            sector_id: refs.sector.0,
            size: input.size.map(Into::into),
            is_fortune500: input.is_fortune500,
            is_foreign_invested: input.is_foreign_invested,
            is_listed: input.is_listed,
            priority: input.priority.map(Into::into),
            status: input.status.map(Into::into),
            department_id: refs.department.0,
            contact_name,
            contact_phone,
            contact_email,
            notes: c.optional_text("notes", input.notes.as_deref(), MAX_TEXT),
        };
        let key = input.idempotency_key.as_deref().map(|k| c.text("idempotencyKey", k, MAX_NAME));
        let actor = ctx.request().actor();
        let result =
            checked(c, || crate::service::enterprise::create_enterprise(ctx.db(), &actor, f, refs, key.as_deref()))
                .await;
        let (enterprise, user_errors) = settle(ctx, result, Enterprise)?;
        Ok(CreateEnterprisePayload { client_mutation_id: input.client_mutation_id, enterprise, user_errors })
    }

    /// Staff change an enterprise.
    async fn update_enterprise(
        &self,
        ctx: &Context<'_>,
        input: UpdateEnterpriseInput,
    ) -> Result<UpdateEnterprisePayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let country = input.country.as_deref().map(|v| c.country("country", v));
        let (contact_name, contact_phone, contact_email) = contact(&mut c, input.contact);
        let refs = EnterpriseRefs {
            sector: id_ref(&input.sector_id, "Sector"),
            department: id_ref(&input.department_id, "Department"),
        };
        let f = EnterpriseFields {
            name: input.name.as_deref().map(|n| c.text("name", n, MAX_NAME)),
            uscc: c.uscc("uscc", input.uscc.as_deref(), country.as_deref()),
            country,
            sector_id: refs.sector.0,
            size: input.size.map(Into::into),
            is_fortune500: input.is_fortune500,
            is_foreign_invested: input.is_foreign_invested,
            is_listed: input.is_listed,
            priority: input.priority.map(Into::into),
            status: input.status.map(Into::into),
            department_id: refs.department.0,
            contact_name,
            contact_phone,
            contact_email,
            notes: c.optional_text("notes", input.notes.as_deref(), MAX_TEXT),
        };
        let id = id_ref(&Some(input.enterprise_id), "Enterprise").0;
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::enterprise::update_enterprise(ctx.db(), &actor, id, f, refs, input.expected_updated_at)
        })
        .await;
        let (enterprise, user_errors) = settle(ctx, result, Enterprise)?;
        Ok(UpdateEnterprisePayload { client_mutation_id: input.client_mutation_id, enterprise, user_errors })
    }

    /// Staff add a project at stage LEAD.
    async fn create_project(&self, ctx: &Context<'_>, input: CreateProjectInput) -> Result<CreateProjectPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let refs = ProjectRefs {
            sector: id_ref(&Some(input.sector_id), "Sector"),
            enterprise: id_ref(&input.enterprise_id, "Enterprise"),
            campaign: id_ref(&input.campaign_id, "Campaign"),
            department: id_ref(&input.department_id, "Department"),
            park: id_ref(&input.park_id, "Park"),
        };
        let f = ProjectFields {
            name: Some(c.text("name", &input.name, MAX_NAME)),
            description: c.optional_text("description", input.description.as_deref(), MAX_TEXT),
            sector_id: refs.sector.0,
            planned_investment: Some(c.money("plannedInvestment", &input.planned_investment)),
            foreign_capital: c.optional_money("foreignCapital", input.foreign_capital.as_deref()),
            enterprise_id: refs.enterprise.0,
            campaign_id: refs.campaign.0,
            department_id: refs.department.0,
            park_id: refs.park.0,
            responsible_person: c.optional_text("responsiblePerson", input.responsible_person.as_deref(), 100),
            is_high_tech: input.is_high_tech,
            is_foreign_invested: input.is_foreign_invested,
            is_published: input.is_published,
            notes: c.optional_text("notes", input.notes.as_deref(), MAX_TEXT),
        };
        let key = input.idempotency_key.as_deref().map(|k| c.text("idempotencyKey", k, MAX_NAME));
        let actor = ctx.request().actor();
        let result =
            checked(c, || crate::service::project::create_project(ctx.db(), &actor, f, refs, key.as_deref())).await;
        let (project, user_errors) = settle(ctx, result, Project)?;
        Ok(CreateProjectPayload { client_mutation_id: input.client_mutation_id, project, user_errors })
    }

    /// Staff change a project (its stage moves through `moveProjectStage`).
    async fn update_project(&self, ctx: &Context<'_>, input: UpdateProjectInput) -> Result<UpdateProjectPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let refs = ProjectRefs {
            sector: id_ref(&input.sector_id, "Sector"),
            enterprise: id_ref(&input.enterprise_id, "Enterprise"),
            campaign: id_ref(&input.campaign_id, "Campaign"),
            department: id_ref(&input.department_id, "Department"),
            park: id_ref(&input.park_id, "Park"),
        };
        let f = ProjectFields {
            name: input.name.as_deref().map(|n| c.text("name", n, MAX_NAME)),
            description: c.optional_text("description", input.description.as_deref(), MAX_TEXT),
            sector_id: refs.sector.0,
            planned_investment: c.optional_money("plannedInvestment", input.planned_investment.as_deref()),
            foreign_capital: c.optional_money("foreignCapital", input.foreign_capital.as_deref()),
            enterprise_id: refs.enterprise.0,
            campaign_id: refs.campaign.0,
            department_id: refs.department.0,
            park_id: refs.park.0,
            responsible_person: c.optional_text("responsiblePerson", input.responsible_person.as_deref(), 100),
            is_high_tech: input.is_high_tech,
            is_foreign_invested: input.is_foreign_invested,
            is_published: input.is_published,
            notes: c.optional_text("notes", input.notes.as_deref(), MAX_TEXT),
        };
        let id = id_ref(&Some(input.project_id), "Project").0;
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::project::update_project(ctx.db(), &actor, id, f, refs, input.expected_updated_at)
        })
        .await;
        let (project, user_errors) = settle(ctx, result, Project)?;
        Ok(UpdateProjectPayload { client_mutation_id: input.client_mutation_id, project, user_errors })
    }

    /// Staff move a project along the pipeline: forward only (skipping allowed),
    /// SIGNED only by an agreement, pausing to STALLED or LOST and back.
    async fn move_project_stage(
        &self,
        ctx: &Context<'_>,
        input: MoveProjectStageInput,
    ) -> Result<MoveProjectStagePayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let note = c.optional_text("note", input.note.as_deref(), MAX_TEXT);
        let id = id_ref(&Some(input.project_id), "Project").0;
        let actor = ctx.request().actor();
        let result =
            checked(c, || crate::service::project::move_stage(ctx.db(), &actor, id, input.stage.into(), note)).await;
        let (project, user_errors) = settle(ctx, result, Project)?;
        Ok(MoveProjectStagePayload { client_mutation_id: input.client_mutation_id, project, user_errors })
    }

    /// Staff record a signed agreement: a project's primary agreement moves it to
    /// SIGNED; an increase adds its amounts and leaves the stage alone.
    async fn record_agreement(&self, ctx: &Context<'_>, input: RecordAgreementInput) -> Result<RecordAgreementPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let incentive_refs: Vec<_> =
            input.incentive_ids.unwrap_or_default().into_iter().map(|i| id_ref(&Some(i), "Incentive")).collect();
        let refs = AgreementRefs {
            campaign: id_ref(&input.campaign_id, "Campaign"),
            event: id_ref(&input.event_id, "Event"),
            bad_incentives: incentive_refs.iter().any(|r| r.0.is_none()),
        };
        let cmd = crate::service::agreement::RecordAgreement {
            project_id: id_ref(&Some(input.project_id), "Project").0,
            kind: input.kind.into(),
            signed_on: input.signed_on.0,
            total_investment: c.money("totalInvestment", &input.total_investment),
            foreign_capital: c.money("foreignCapital", &input.foreign_capital),
            campaign_id: refs.campaign.0,
            event_id: refs.event.0,
            is_increase: input.is_increase.unwrap_or(false),
            incentive_ids: incentive_refs.iter().filter_map(|r| r.0).collect(),
        };
        let key = input.idempotency_key.as_deref().map(|k| c.text("idempotencyKey", k, MAX_NAME));
        let actor = ctx.request().actor();
        let result =
            checked(c, || crate::service::agreement::record_agreement(ctx.db(), &actor, cmd, refs, key.as_deref()))
                .await;
        let (agreement, user_errors) = settle(ctx, result, Agreement)?;
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
        let id = id_ref(&Some(input.agreement_id), "Agreement").0;
        let actor = ctx.request().actor();
        let result = checked(c, || {
            crate::service::agreement::upgrade_agreement(ctx.db(), &actor, id, input.upgraded_on.0, total, foreign)
        })
        .await;
        let (agreement, user_errors) = settle(ctx, result, Agreement)?;
        Ok(UpgradeAgreementPayload { client_mutation_id: input.client_mutation_id, agreement, user_errors })
    }

    /// Staff record capital paid in for a signed project (到资).
    async fn record_capital_arrival(
        &self,
        ctx: &Context<'_>,
        input: RecordCapitalArrivalInput,
    ) -> Result<RecordCapitalArrivalPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let cmd = crate::service::capital_arrival::RecordArrival {
            project_id: id_ref(&Some(input.project_id), "Project").0,
            arrived_on: input.arrived_on.0,
            amount: c.money("amount", &input.amount),
        };
        let key = input.idempotency_key.as_deref().map(|k| c.text("idempotencyKey", k, MAX_NAME));
        let actor = ctx.request().actor();
        let result =
            checked(c, || crate::service::capital_arrival::record_arrival(ctx.db(), &actor, cmd, key.as_deref())).await;
        let (capital_arrival, user_errors) = settle(ctx, result, CapitalArrival)?;
        Ok(RecordCapitalArrivalPayload { client_mutation_id: input.client_mutation_id, capital_arrival, user_errors })
    }
}
