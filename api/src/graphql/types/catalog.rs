//! `Sector`, `Park` and `Department`: the office's managed lists.

use async_graphql::{ID, Object};
use entity::{department, park, sector};

use crate::graphql::ids;

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
