//! Investment projects (项目) and their pipeline: `createProject`,
//! `updateProject`, `moveProjectStage`, `recordCapitalArrival`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::{Ids, Need, Patches, checked, need, patch_with, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::enums::ProjectStage;
use crate::graphql::types::geo::{CoordinateSystem, GeoPointInput};
use crate::graphql::types::project::{CapitalArrival, Project};
use crate::service::project::{self as service, ProjectFields};
use crate::service::write::{Change, Checks, MAX_NAME, MAX_TEXT, Noun, WriteError};

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
    /// The responsible person's name.
    #[graphql(
        deprecation = "Name a staff member as `responsibleStaffId`; free text cannot be ranked or held to account."
    )]
    pub responsible_person: Option<String>,
    /// The responsible staff member (active; any department).
    pub responsible_staff_id: Option<ID>,
    /// In the public catalogue.
    pub is_published: Option<bool>,
    /// What the project is.
    pub description: Option<String>,
    /// Internal notes.
    pub notes: Option<String>,
    /// Where it lands.
    pub location: Option<GeoPointInput>,
    /// The datum of `location` (default WGS84).
    #[graphql(default)]
    pub coordinate_system: CoordinateSystem,
}

payload!(CreateProjectPayload, project: Project, "The answer to `createProject`.");

/// Changes to a project: a field left out stays as it is; `null` clears an
/// optional one.
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
    pub enterprise_id: MaybeUndefined<ID>,
    /// Planned foreign capital in yuan.
    pub foreign_capital: Option<String>,
    /// A high-tech project.
    pub is_high_tech: Option<bool>,
    /// Foreign direct investment.
    pub is_foreign_invested: Option<bool>,
    /// The campaign.
    pub campaign_id: MaybeUndefined<ID>,
    /// The owning department.
    pub department_id: MaybeUndefined<ID>,
    /// The park.
    pub park_id: MaybeUndefined<ID>,
    /// The responsible person's name.
    #[graphql(
        deprecation = "Name a staff member as `responsibleStaffId`; free text cannot be ranked or held to account."
    )]
    pub responsible_person: MaybeUndefined<String>,
    /// The responsible staff member (active; any department); `null` clears it.
    pub responsible_staff_id: MaybeUndefined<ID>,
    /// In the public catalogue.
    pub is_published: Option<bool>,
    /// What the project is.
    pub description: MaybeUndefined<String>,
    /// Internal notes.
    pub notes: MaybeUndefined<String>,
    /// Where it lands; `null` clears it.
    pub location: MaybeUndefined<GeoPointInput>,
    /// The datum of `location` (default WGS84).
    #[graphql(default)]
    pub coordinate_system: CoordinateSystem,
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

impl TryFrom<&CreateProjectInput> for ProjectFields {
    type Error = WriteError;

    fn try_from(input: &CreateProjectInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let f = ProjectFields {
            name: Some(c.text("name", &input.name, MAX_NAME)),
            description: c.optional_text("description", input.description.as_deref(), MAX_TEXT).into(),
            sector_id: Some(c.id("sectorId", &input.sector_id, Noun::Sector)),
            planned_investment: Some(c.money("plannedInvestment", &input.planned_investment)),
            foreign_capital: c.optional_money("foreignCapital", input.foreign_capital.as_deref()),
            enterprise_id: c.optional_id("enterpriseId", &input.enterprise_id, Noun::Enterprise).into(),
            campaign_id: c.optional_id("campaignId", &input.campaign_id, Noun::Campaign).into(),
            department_id: c.optional_id("departmentId", &input.department_id, Noun::Department).into(),
            park_id: c.optional_id("parkId", &input.park_id, Noun::Park).into(),
            responsible_person: c.optional_text("responsiblePerson", input.responsible_person.as_deref(), 100).into(),
            responsible_staff_id: c
                .optional_id("responsibleStaffId", &input.responsible_staff_id, Noun::StaffMember)
                .into(),
            is_high_tech: input.is_high_tech,
            is_foreign_invested: input.is_foreign_invested,
            is_published: input.is_published,
            notes: c.optional_text("notes", input.notes.as_deref(), MAX_TEXT).into(),
            location: input
                .location
                .and_then(|p| c.position("location", p.longitude, p.latitude, input.coordinate_system.into()))
                .into(),
        };
        c.finish().map(|()| f)
    }
}

impl TryFrom<&UpdateProjectInput> for Change<ProjectFields> {
    type Error = WriteError;

    fn try_from(input: &UpdateProjectInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let id = c.id("projectId", &input.project_id, Noun::Project);
        let fields = ProjectFields {
            name: input.name.as_deref().map(|n| c.text("name", n, MAX_NAME)),
            description: c.patch_text("description", &input.description, MAX_TEXT),
            sector_id: c.optional_id("sectorId", &input.sector_id, Noun::Sector),
            planned_investment: c.optional_money("plannedInvestment", input.planned_investment.as_deref()),
            foreign_capital: c.optional_money("foreignCapital", input.foreign_capital.as_deref()),
            enterprise_id: c.patch_id("enterpriseId", &input.enterprise_id, Noun::Enterprise),
            campaign_id: c.patch_id("campaignId", &input.campaign_id, Noun::Campaign),
            department_id: c.patch_id("departmentId", &input.department_id, Noun::Department),
            park_id: c.patch_id("parkId", &input.park_id, Noun::Park),
            responsible_person: c.patch_text("responsiblePerson", &input.responsible_person, 100),
            responsible_staff_id: c.patch_id("responsibleStaffId", &input.responsible_staff_id, Noun::StaffMember),
            is_high_tech: input.is_high_tech,
            is_foreign_invested: input.is_foreign_invested,
            is_published: input.is_published,
            notes: c.patch_text("notes", &input.notes, MAX_TEXT),
            location: patch_with(&input.location, |p| {
                c.position("location", p.longitude, p.latitude, input.coordinate_system.into())
            }),
        };
        c.finish().map(|()| Change { id, expected_updated_at: input.expected_updated_at, fields })
    }
}

impl TryFrom<&RecordCapitalArrivalInput> for crate::service::capital_arrival::RecordArrival {
    type Error = WriteError;

    fn try_from(input: &RecordCapitalArrivalInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let cmd = Self {
            project_id: c.id("projectId", &input.project_id, Noun::Project),
            arrived_on: input.arrived_on.0,
            amount: c.money("amount", &input.amount),
        };
        c.finish().map(|()| cmd)
    }
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Staff add a project at stage LEAD.
    async fn create_project(&self, ctx: &Context<'_>, input: CreateProjectInput) -> Result<CreateProjectPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async {
            let fields = ProjectFields::try_from(&input)?;
            service::create_project(ctx.db(), &actor, fields, input.idempotency_key.as_deref()).await
        };
        let (project, user_errors) = settle(ctx, result.await, Project)?;
        Ok(CreateProjectPayload { client_mutation_id: input.client_mutation_id, project, user_errors })
    }

    /// Staff change a project (its stage moves through `moveProjectStage`).
    async fn update_project(&self, ctx: &Context<'_>, input: UpdateProjectInput) -> Result<UpdateProjectPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async { service::update_project(ctx.db(), &actor, Change::try_from(&input)?).await };
        let (project, user_errors) = settle(ctx, result.await, Project)?;
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
        let id = c.id("projectId", &input.project_id, Noun::Project);
        let actor = ctx.request().actor();
        let result = checked(c, || service::move_stage(ctx.db(), &actor, id, input.stage.into(), note)).await;
        let (project, user_errors) = settle(ctx, result, Project)?;
        Ok(MoveProjectStagePayload { client_mutation_id: input.client_mutation_id, project, user_errors })
    }

    /// Staff record capital paid in for a signed project (到资).
    async fn record_capital_arrival(
        &self,
        ctx: &Context<'_>,
        input: RecordCapitalArrivalInput,
    ) -> Result<RecordCapitalArrivalPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async {
            let cmd = (&input).try_into()?;
            crate::service::capital_arrival::record_arrival(ctx.db(), &actor, cmd, input.idempotency_key.as_deref())
                .await
        };
        let (capital_arrival, user_errors) = settle(ctx, result.await, CapitalArrival)?;
        Ok(RecordCapitalArrivalPayload { client_mutation_id: input.client_mutation_id, capital_arrival, user_errors })
    }
}
