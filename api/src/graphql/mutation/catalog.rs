//! The office's managed lists: departments, sectors and parks.

use super::{Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::types::catalog::{Department, Park, Sector};
use crate::service::write::{Checks, MAX_NAME, MAX_TEXT, Problem};
use async_graphql::{Context, InputObject, Object, Result};

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

#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Admins add a department.
    async fn create_department(
        &self,
        ctx: &Context<'_>,
        input: CreateDepartmentInput,
    ) -> Result<CreateDepartmentPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let name = c.text("name", &input.name, MAX_NAME);
        let k = input.idempotency_key.as_deref();
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::department::create_department(ctx.db(), &actor, name, k)).await;
        let (department, user_errors) = settle(ctx, result, Department)?;
        Ok(CreateDepartmentPayload { client_mutation_id: input.client_mutation_id, department, user_errors })
    }

    /// Admins add a sector to the managed list.
    async fn create_sector(&self, ctx: &Context<'_>, input: CreateSectorInput) -> Result<CreateSectorPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let code = c.text("code", &input.code, 32).to_ascii_uppercase();
        if !code.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
            c.add("code", Problem::Code);
        }
        let name = c.text("name", &input.name, 100);
        let k = input.idempotency_key.as_deref();
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::sector::create_sector(ctx.db(), &actor, code, name, k)).await;
        let (sector, user_errors) = settle(ctx, result, Sector)?;
        Ok(CreateSectorPayload { client_mutation_id: input.client_mutation_id, sector, user_errors })
    }

    /// Admins add an industrial park.
    async fn create_park(&self, ctx: &Context<'_>, input: CreateParkInput) -> Result<CreateParkPayload> {
        need(ctx, Need::Admin)?;
        let mut c = Checks::new();
        let name = c.text("name", &input.name, MAX_NAME);
        let description = c.optional_text("description", input.description.as_deref(), MAX_TEXT);
        let k = input.idempotency_key.as_deref();
        let actor = ctx.request().actor();
        let result = checked(c, || crate::service::park::create_park(ctx.db(), &actor, name, description, k)).await;
        let (park, user_errors) = settle(ctx, result, Park)?;
        Ok(CreateParkPayload { client_mutation_id: input.client_mutation_id, park, user_errors })
    }
}
