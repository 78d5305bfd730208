//! `investmentMap`: the 招商地图 as GeoJSON.

use async_graphql::{Context, ID, InputObject, Object, Result};

use crate::graphql::context::{Ctx, OrGql};
use crate::graphql::ids;
use crate::graphql::types::enums::ProjectStage;
use crate::graphql::types::geo::GeoJson;
use crate::service::map::{self as svc, MapFilter};

/// Which parks and projects the map shows (fields combined with AND).
#[derive(InputObject, Default)]
pub struct InvestmentMapFilter {
    /// Projects worked under this campaign (staff only: for others no project matches).
    pub campaign_id: Option<ID>,
    /// Parks leading this sector, and projects in it.
    pub sector_id: Option<ID>,
    /// This park and the projects landing in it.
    pub park_id: Option<ID>,
    /// Projects at this stage.
    pub stage: Option<ProjectStage>,
}

impl InvestmentMapFilter {
    /// The service's filter; Err when an id names nothing of its type.
    pub fn to_service(&self) -> Result<MapFilter, ()> {
        Ok(MapFilter {
            campaign_id: ids::filter_id(&self.campaign_id, "Campaign")?,
            sector_id: ids::filter_id(&self.sector_id, "Sector")?,
            park_id: ids::filter_id(&self.park_id, "Park")?,
            stage: self.stage.map(Into::into),
        })
    }
}

#[derive(Default)]
pub struct MapQuery;

#[Object]
impl MapQuery {
    /// The investment map (招商地图): an RFC 7946 FeatureCollection of the
    /// parks (boundary, else marker) and the located projects the caller may
    /// see (the public: published ones; at most 5,000, largest planned
    /// investment first). Each feature's `properties` carry `id`, `type`
    /// (`Park` or `Project`) and `name`; a park's `areaMu` and
    /// `availableLandMu`; a project's `stage`, `plannedInvestment` (yuan, a
    /// decimal string) and `parkId`. Also served as `GET /map.geojson`.
    async fn investment_map(&self, ctx: &Context<'_>, filter: Option<InvestmentMapFilter>) -> Result<GeoJson> {
        let filter = filter.unwrap_or_default();
        let Ok(filter) = filter.to_service() else {
            return Ok(GeoJson(serde_json::json!({ "type": "FeatureCollection", "features": [] })));
        };
        let app = ctx.state();
        let map =
            svc::investment_map(ctx.db(), ctx.principal(), &filter, app.config.major_project_threshold, &app.checkup())
                .await
                .gql()?;
        Ok(GeoJson(map))
    }
}
