//! The office's managed lists: departments, sectors and parks.

use super::{Ids, Need, Patches, checked, need, patch_with, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::types::catalog::{Department, Park, Sector};
use crate::graphql::types::geo::{CoordinateSystem, GeoJson, GeoPointInput};
use crate::service::park::ParkFields;
use crate::service::write::{Change, Checks, MAX_NAME, MAX_TEXT, Noun, Problem, WriteError};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

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

/// Changes to a park, its place on the investment map included: a field left
/// out stays as it is; `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateParkInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The park.
    pub park_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its name.
    pub name: Option<String>,
    /// What it offers.
    pub description: MaybeUndefined<String>,
    /// Where its map marker stands.
    pub location: MaybeUndefined<GeoPointInput>,
    /// Its boundary: a GeoJSON Polygon or MultiPolygon geometry (at most
    /// 10,000 positions); rings are closed and at least four positions long,
    /// and are rewound by the right-hand rule if given the other way round.
    pub boundary: MaybeUndefined<GeoJson>,
    /// Its land area in 亩, e.g. `"12500.50"`.
    pub area_mu: MaybeUndefined<String>,
    /// Land still available in 亩, at most the area.
    pub available_land_mu: MaybeUndefined<String>,
    /// Its leading sectors (主导产业), all of them.
    pub sector_ids: Option<Vec<ID>>,
    /// The datum of `location` and `boundary` (default WGS84).
    #[graphql(default)]
    pub coordinate_system: CoordinateSystem,
}

payload!(UpdateParkPayload, park: Park, "The answer to `updatePark`.");

impl TryFrom<&UpdateParkInput> for Change<ParkFields> {
    type Error = WriteError;

    fn try_from(input: &UpdateParkInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let id = c.id("parkId", &input.park_id, Noun::Park);
        let system = input.coordinate_system.into();
        let fields = ParkFields {
            name: input.name.as_deref().map(|n| c.text("name", n, MAX_NAME)),
            description: c.patch_text("description", &input.description, MAX_TEXT),
            location: patch_with(&input.location, |p| c.position("location", p.longitude, p.latitude, system)),
            boundary: patch_with(&input.boundary, |b| c.boundary("boundary", &b.0, system)),
            area: patch_with(&input.area_mu, |a| c.area("areaMu", a)),
            available_land: patch_with(&input.available_land_mu, |a| c.area("availableLandMu", a)),
            sector_ids: c.ids("sectorIds", &input.sector_ids, Noun::Sector),
        };
        c.finish().map(|()| Change { id, expected_updated_at: input.expected_updated_at, fields })
    }
}

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

    /// Admins change a park: its place on the investment map, land and
    /// leading sectors. Positions may be given in GCJ-02 or BD-09 and are
    /// kept in WGS-84.
    async fn update_park(&self, ctx: &Context<'_>, input: UpdateParkInput) -> Result<UpdateParkPayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result = async { crate::service::park::update_park(ctx.db(), &actor, Change::try_from(&input)?).await };
        let (park, user_errors) = settle(ctx, result.await, Park)?;
        Ok(UpdateParkPayload { client_mutation_id: input.client_mutation_id, park, user_errors })
    }
}
