//! The investment map (招商地图) as an RFC 7946 FeatureCollection: the parks
//! (their boundary, else their marker) and the located projects the caller
//! may see. Two statements, whatever the filter.

use entity::enums::ProjectStage;
use entity::{park, park_sector, project};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Map, Value, json};

use super::project::ProjectFilter;
use super::visibility::restrict;
use crate::auth::Principal;
use crate::domain::geo::{Mu, Position};
use crate::domain::money::Money;
use crate::error::AppResult;

/// Most projects one map shows: those with the largest planned investment.
pub const MAX_PROJECTS: u64 = 5_000;

/// What the map shows: parks and projects alike are narrowed by `park_id`
/// and `sector_id` (a park by its leading sectors); projects also by
/// `campaign_id` (staff only: for others it matches no project) and `stage`.
#[derive(Debug, Clone, Default)]
pub struct MapFilter {
    pub campaign_id: Option<i64>,
    pub sector_id: Option<i64>,
    pub park_id: Option<i64>,
    pub stage: Option<ProjectStage>,
}

pub async fn investment_map(
    db: &DatabaseConnection,
    principal: &Principal,
    f: &MapFilter,
    major_threshold: Money,
    checkup: &super::health::Checkup,
) -> AppResult<Value> {
    let mut features = Vec::new();
    let mut parks = park::Entity::find().order_by_asc(park::Column::Id);
    if let Some(id) = f.park_id {
        parks = parks.filter(park::Column::Id.eq(id));
    }
    if let Some(sector) = f.sector_id {
        let leading = Query::select()
            .column(park_sector::Column::ParkId)
            .from(park_sector::Entity)
            .and_where(Expr::col(park_sector::Column::SectorId).eq(sector))
            .to_owned();
        parks = parks.filter(park::Column::Id.in_subquery(leading));
    }
    if let Some(parks) = restrict(parks, principal) {
        features.extend(parks.all(db).await?.iter().filter_map(park_feature));
    }
    let filter = ProjectFilter {
        campaign_id: f.campaign_id,
        sector_id: f.sector_id,
        park_id: f.park_id,
        stage: f.stage,
        ..Default::default()
    };
    let condition = super::project::condition(&filter, principal, major_threshold, checkup);
    let located = condition.map(|c| {
        Condition::all()
            .add(c)
            .add(project::Column::LongitudeE7.is_not_null())
            .add(project::Column::LatitudeE7.is_not_null())
    });
    if let Some(select) = located.and_then(|c| restrict(project::Entity::find().filter(c), principal)) {
        let projects = select
            .order_by_desc(project::Column::PlannedInvestmentFen)
            .order_by_asc(project::Column::Id)
            .limit(MAX_PROJECTS)
            .all(db)
            .await?;
        features.extend(projects.iter().filter_map(project_feature));
    }
    Ok(json!({ "type": "FeatureCollection", "features": features }))
}

fn feature(id: String, geometry: Value, properties: Map<String, Value>) -> Value {
    json!({ "type": "Feature", "id": id, "geometry": geometry, "properties": properties })
}

fn park_feature(p: &park::Model) -> Option<Value> {
    let boundary = p.boundary.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok());
    let geometry = boundary.or_else(|| Position::stored(p.longitude_e7, p.latitude_e7).map(Position::to_geometry))?;
    let id = crate::ids::encode("Park", p.id).0;
    let mut properties = Map::new();
    properties.insert("id".into(), id.clone().into());
    properties.insert("type".into(), "Park".into());
    properties.insert("name".into(), p.name.clone().into());
    let mu = |c: Option<i64>| c.map_or(Value::Null, |c| Mu::from_centi(c).to_decimal().to_string().into());
    properties.insert("areaMu".into(), mu(p.area_mu_centi));
    properties.insert("availableLandMu".into(), mu(p.available_land_mu_centi));
    Some(feature(id, geometry, properties))
}

fn project_feature(p: &project::Model) -> Option<Value> {
    let geometry = Position::stored(p.longitude_e7, p.latitude_e7)?.to_geometry();
    let id = crate::ids::encode("Project", p.id).0;
    let mut properties = Map::new();
    properties.insert("id".into(), id.clone().into());
    properties.insert("type".into(), "Project".into());
    properties.insert("name".into(), p.name.clone().into());
    properties.insert("stage".into(), sea_orm::ActiveEnum::to_value(&p.stage).into());
    let planned = Money::from_fen(p.planned_investment_fen).to_decimal().to_string();
    properties.insert("plannedInvestment".into(), planned.into());
    properties.insert("parkId".into(), p.park_id.map_or(Value::Null, |id| crate::ids::encode("Park", id).0.into()));
    Some(feature(id, geometry, properties))
}
