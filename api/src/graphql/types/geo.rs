//! The investment map's types: `GeoPoint`, the `GeoJSON` and `Mu` scalars,
//! `CoordinateSystem`, and the inputs that carry positions.

use async_graphql::{Enum, InputObject, InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};

use crate::domain::coordinates::System;
use crate::domain::geo::{self, Position};

/// A WGS-84 position in degrees (RFC 7946's datum).
#[derive(SimpleObject)]
pub struct GeoPoint {
    /// Degrees east, -180 to 180.
    pub longitude: f64,
    /// Degrees north, -90 to 90.
    pub latitude: f64,
}

impl From<Position> for GeoPoint {
    fn from(p: Position) -> Self {
        GeoPoint { longitude: p.longitude(), latitude: p.latitude() }
    }
}

/// A position as given, in the datum `coordinateSystem` names.
#[derive(InputObject, Clone, Copy)]
pub struct GeoPointInput {
    /// Degrees east, -180 to 180.
    pub longitude: f64,
    /// Degrees north, -90 to 90.
    pub latitude: f64,
}

/// The datum of positions given as input; the service converts them to WGS-84.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum CoordinateSystem {
    /// WGS-84, as GPS and RFC 7946 GeoJSON use.
    #[default]
    #[graphql(name = "WGS84")]
    Wgs84,
    /// GCJ-02 (国测局坐标), as the AMap (高德) and Tencent map pickers give.
    #[graphql(name = "GCJ02")]
    Gcj02,
    /// BD-09 (百度坐标), as the Baidu map picker gives.
    #[graphql(name = "BD09")]
    Bd09,
}

impl From<CoordinateSystem> for System {
    fn from(c: CoordinateSystem) -> Self {
        match c {
            CoordinateSystem::Wgs84 => System::Wgs84,
            CoordinateSystem::Gcj02 => System::Gcj02,
            CoordinateSystem::Bd09 => System::Bd09,
        }
    }
}

/// A WGS-84 box, as RFC 7946 §5 orders a bbox: a `west` greater than `east`
/// crosses the antimeridian.
#[derive(InputObject, Clone, Copy)]
pub struct BoundingBoxInput {
    /// Western edge, degrees east.
    #[graphql(validator(custom = "longitude"))]
    pub west: f64,
    /// Southern edge, degrees north.
    #[graphql(validator(custom = "latitude"))]
    pub south: f64,
    /// Eastern edge, degrees east.
    #[graphql(validator(custom = "longitude"))]
    pub east: f64,
    /// Northern edge, degrees north.
    #[graphql(validator(custom = "latitude"))]
    pub north: f64,
}

impl BoundingBoxInput {
    /// The box, or Err when an edge lies off the globe or south is north of north.
    pub fn to_domain(self) -> Result<geo::BoundingBox, geo::GeoError> {
        geo::BoundingBox::new(self.west, self.south, self.east, self.north)
    }
}

fn longitude(v: &f64) -> Result<(), String> {
    if (-180.0..=180.0).contains(v) { Ok(()) } else { Err("a longitude lies in [-180, 180]".into()) }
}

fn latitude(v: &f64) -> Result<(), String> {
    if (-90.0..=90.0).contains(v) { Ok(()) } else { Err("a latitude lies in [-90, 90]".into()) }
}

/// An RFC 7946 GeoJSON object (a geometry, a Feature or a FeatureCollection)
/// as JSON: WGS-84 degrees, longitude first, polygons by the right-hand rule.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoJson(pub serde_json::Value);

/// An RFC 7946 GeoJSON object (a geometry, a Feature or a FeatureCollection)
/// as JSON: WGS-84 degrees, longitude first, polygons by the right-hand rule.
#[Scalar(name = "GeoJSON")]
impl ScalarType for GeoJson {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::Object(_) => value.into_json().map(GeoJson).map_err(|_| InputValueError::expected_type(Value::Null)),
            _ => Err(InputValueError::custom("expected a GeoJSON object")),
        }
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

/// An area in 亩 (mu; 1 亩 = 666.67 m², 15 亩 = 1 hectare) with at most two
/// decimal places, as a JSON string such as `"1250.50"`: exact, never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mu(pub geo::Mu);

/// An area in 亩 (mu; 1 亩 = 666.67 m², 15 亩 = 1 hectare) with at most two
/// decimal places, as a JSON string such as `"1250.50"`: exact, never a float.
#[Scalar(name = "Mu")]
impl ScalarType for Mu {
    fn parse(value: Value) -> InputValueResult<Self> {
        let Value::String(s) = &value else { return Err(InputValueError::expected_type(value)) };
        s.trim()
            .parse::<rust_decimal::Decimal>()
            .ok()
            .and_then(geo::Mu::from_decimal)
            .map(Mu)
            .ok_or_else(|| InputValueError::custom("expected a non-negative area with at most two decimal places"))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_decimal().to_string())
    }
}
