//! `Sector`, `Park` and `Department`: the office's managed lists.

use async_graphql::{Context, ID, Object, Result};
use entity::{department, park, sector};

use super::geo::{GeoJson, GeoPoint, Mu};
use super::page;
use super::project::Project;
use crate::domain::geo::{self, Position};
use crate::graphql::connection::{Conn, children};
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::service::park as svc;

/// An industry (产业/行业) that projects and enterprises belong to.
pub struct Sector(pub sector::Model);

/// An industry (产业/行业) that projects and enterprises belong to.
#[Object]
impl Sector {
    /// The sector's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Sector", self.0.id)
    }
    /// A short stable code, e.g. `NEW_ENERGY`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Its name, e.g. 新能源.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// An industrial park (园区) where projects land.
pub struct Park(pub park::Model);

/// An industrial park (园区) where projects land.
#[Object]
impl Park {
    /// The park's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Park", self.0.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the park offers.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Where it lies (WGS-84): the point its map marker stands on.
    async fn location(&self) -> Option<GeoPoint> {
        Position::stored(self.0.longitude_e7, self.0.latitude_e7).map(GeoPoint::from)
    }
    /// Its boundary: an RFC 7946 Polygon or MultiPolygon (WGS-84, exterior
    /// rings counterclockwise).
    async fn boundary(&self) -> Option<GeoJson> {
        self.0.boundary.as_deref().and_then(|b| serde_json::from_str(b).ok()).map(GeoJson)
    }
    /// Its land area in 亩.
    async fn area_mu(&self) -> Option<Mu> {
        self.0.area_mu_centi.map(|c| Mu(geo::Mu::from_centi(c)))
    }
    /// Land still available to new projects, in 亩.
    async fn available_land_mu(&self) -> Option<Mu> {
        self.0.available_land_mu_centi.map(|c| Mu(geo::Mu::from_centi(c)))
    }
    /// Its leading sectors (主导产业), by name.
    async fn sectors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Sector>> {
        children::<svc::ParkSectors, _>(ctx.loader(), self.0.id, page(first, after, last, before), Sector).await
    }
    /// The projects landing in it that the caller may see, latest first.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Conn<Project>> {
        children::<svc::ParkProjects, _>(ctx.loader(), self.0.id, page(first, after, last, before), Project).await
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}

/// A government unit (bureau, district, park committee) that carries quotas.
pub struct Department(pub department::Model);

/// A government unit (bureau, district, park committee) that carries quotas.
#[Object]
impl Department {
    /// The department's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Department", self.0.id)
    }
    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// When it was created.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }
}
