//! Industrial parks (园区): where projects land.

use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, IntoActiveModel};
use serde::Serialize;

use super::audit;
use super::listing::{children_by, replace_links, sectors_through};
use super::pagination::Direction;
use super::tx::{check_fresh, content_hash, finish, now, start, unique_or};
use super::write::{Actor, Change, Noun, Patch, Problem, WriteResult, refuse};
use crate::domain::geo::{Mu, Position};
use crate::domain::text::fold;

pub async fn create_park(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    description: Option<String>,
    key: Option<&str>,
) -> WriteResult<park::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<park::Entity>(db, actor, "createPark", key, content_hash(&(&name, &description))).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let p = park::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        description: Set(description),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(refuse("name", Problem::Exists(Noun::Park))))?;
    finish(txn, actor, claim, "createPark", "Park", p.id, &p).await?;
    Ok(p)
}

/// A park's fields as `updatePark` gives them: absent (or [`Patch::Keep`])
/// leaves a field as it is. Positions and boundaries are WGS-84 already.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParkFields {
    pub name: Option<String>,
    pub description: Patch<String>,
    pub location: Patch<Position>,
    /// An RFC 7946 Polygon or MultiPolygon as JSON text ([`crate::domain::geo::boundary`]).
    pub boundary: Patch<String>,
    pub area: Patch<Mu>,
    pub available_land: Patch<Mu>,
    /// The leading sectors, all of them; absent leaves them as they are.
    pub sector_ids: Option<Vec<i64>>,
}

/// `updatePark` (admins): its map data, land and leading sectors.
pub async fn update_park(
    db: &DatabaseConnection,
    actor: &Actor,
    change: Change<ParkFields>,
) -> WriteResult<park::Model> {
    let Change { id, expected_updated_at, fields: f } = change;
    actor.require_admin()?;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<park::Entity>(&txn, id, "park_id", Noun::Park).await?;
    check_fresh(current.updated_at, expected_updated_at)?;
    super::campaign::check_sectors(&txn, &f.sector_ids).await?;
    let area = f.area.map(Mu::centi).apply(current.area_mu_centi);
    let available = f.available_land.map(Mu::centi).apply(current.available_land_mu_centi);
    if let (Some(area), Some(available)) = (area, available)
        && available > area
    {
        return Err(refuse("available_land_mu", Problem::AvailableAboveArea));
    }
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.name = Set(name);
    }
    f.description.write_to(&mut m.description);
    let location = f.location.apply(Position::stored(current.longitude_e7, current.latitude_e7));
    m.longitude_e7 = Set(location.map(|p| p.longitude_e7));
    m.latitude_e7 = Set(location.map(|p| p.latitude_e7));
    f.boundary.write_to(&mut m.boundary);
    m.area_mu_centi = Set(area);
    m.available_land_mu_centi = Set(available);
    m.updated_at = Set(now());
    let after = m.update(&txn).await.map_err(unique_or(refuse("name", Problem::Exists(Noun::Park))))?;
    if let Some(ids) = &f.sector_ids {
        set_sectors(&txn, after.id, ids).await?;
    }
    audit::record(&txn, actor, "updatePark", "Park", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

async fn set_sectors<C: ConnectionTrait>(db: &C, park_id: i64, ids: &[i64]) -> Result<(), sea_orm::DbErr> {
    replace_links(db, park_sector::Column::ParkId, park_id, ids, |s| park_sector::ActiveModel {
        park_id: Set(park_id),
        sector_id: Set(s),
    })
    .await
}

sectors_through!(
    ParkSectors,
    park_sector,
    "park_sectors",
    "park_id",
    "`Park.sectors`: its leading sectors (主导产业), by name."
);

children_by!(
    ParkProjects,
    project,
    "projects",
    "park_id",
    super::project::ordering(super::project::ProjectOrderField::CreatedAt, Direction::Desc),
    "`Park.projects`: the projects landing in the park, latest first."
);
