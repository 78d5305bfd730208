#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "parks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub search_name: String,
    pub description: Option<String>,
    /// WGS-84 longitude in 10⁻⁷ degree.
    pub longitude_e7: Option<i64>,
    /// WGS-84 latitude in 10⁻⁷ degree.
    pub latitude_e7: Option<i64>,
    /// An RFC 7946 Polygon or MultiPolygon, as JSON text.
    pub boundary: Option<String>,
    /// Land area in hundredths of a 亩.
    pub area_mu_centi: Option<i64>,
    /// Land still available in hundredths of a 亩.
    pub available_land_mu_centi: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
