//! Places on the investment map (招商地图): positions, park boundaries and
//! land areas, as they are checked on the way in and kept.
//!
//! Positions are WGS-84 degrees, longitude first (RFC 7946 §3.1.1), kept as
//! integers in units of 10⁻⁷ degree (about 1 cm). Input may be in GCJ-02 or
//! BD-09 ([`super::coordinates`]); it is converted to WGS-84 before anything
//! else. A boundary is an RFC 7946 Polygon or MultiPolygon whose rings are
//! closed, hold at least four positions and follow the right-hand rule
//! (exterior rings counterclockwise, holes clockwise, §3.1.6): rings given the
//! other way round are reversed rather than refused, as the RFC asks of
//! parsers.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::coordinates::{self, Point, System};

/// Units of a degree in the stored integers.
const SCALE: f64 = 10_000_000.0;

/// Most positions a boundary may hold, all rings together.
pub const MAX_BOUNDARY_POSITIONS: usize = 10_000;

/// A WGS-84 position in 10⁻⁷ degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub longitude_e7: i64,
    pub latitude_e7: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    #[error("longitude must lie in [-180, 180] and latitude in [-90, 90]")]
    OutOfRange,
    #[error("a boundary is a GeoJSON Polygon or MultiPolygon geometry")]
    NotAPolygon,
    #[error("a position is an array of two or three numbers, longitude first")]
    BadPosition,
    #[error("each ring needs at least four positions, the last equal to the first")]
    BadRing,
    #[error("a boundary holds at most {MAX_BOUNDARY_POSITIONS} positions")]
    TooLarge,
}

impl Position {
    /// A position given in `system`, converted to WGS-84.
    pub fn new(longitude: f64, latitude: f64, system: System) -> Result<Position, GeoError> {
        let in_range = longitude.is_finite()
            && latitude.is_finite()
            && (-180.0..=180.0).contains(&longitude)
            && (-90.0..=90.0).contains(&latitude);
        if !in_range {
            return Err(GeoError::OutOfRange);
        }
        let p = coordinates::to_wgs84(Point { longitude, latitude }, system);
        Ok(Position {
            longitude_e7: to_e7(p.longitude.clamp(-180.0, 180.0)),
            latitude_e7: to_e7(p.latitude.clamp(-90.0, 90.0)),
        })
    }

    /// A stored position, if both halves are there.
    pub fn stored(longitude_e7: Option<i64>, latitude_e7: Option<i64>) -> Option<Position> {
        Some(Position { longitude_e7: longitude_e7?, latitude_e7: latitude_e7? })
    }

    pub fn longitude(self) -> f64 {
        from_e7(self.longitude_e7)
    }

    pub fn latitude(self) -> f64 {
        from_e7(self.latitude_e7)
    }

    /// `[longitude, latitude]`, as GeoJSON writes a position.
    pub fn to_json(self) -> Value {
        json!([self.longitude(), self.latitude()])
    }

    /// An RFC 7946 Point geometry.
    pub fn to_geometry(self) -> Value {
        json!({ "type": "Point", "coordinates": self.to_json() })
    }
}

fn to_e7(degrees: f64) -> i64 {
    // In range by construction: |degrees| ≤ 180, so the product fits easily.
    (degrees * SCALE).round() as i64
}

fn from_e7(e7: i64) -> f64 {
    e7 as f64 / SCALE
}

/// A WGS-84 bounding box, RFC 7946 §5 order: west, south, east, north. A box
/// whose west edge lies east of its east edge crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundingBox {
    pub west: Position,
    pub east: Position,
}

impl BoundingBox {
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<BoundingBox, GeoError> {
        if south > north {
            return Err(GeoError::OutOfRange);
        }
        Ok(BoundingBox {
            west: Position::new(west, south, System::Wgs84)?,
            east: Position::new(east, north, System::Wgs84)?,
        })
    }

    /// Whether the box crosses the antimeridian (its west edge lies east of its east edge).
    pub fn crosses_antimeridian(self) -> bool {
        self.west.longitude_e7 > self.east.longitude_e7
    }
}

/// A boundary given in `system`: checked, converted to WGS-84, its rings
/// wound by the right-hand rule; returned as the JSON text kept.
pub fn boundary(value: &Value, system: System) -> Result<String, GeoError> {
    let kind = value.get("type").and_then(Value::as_str).ok_or(GeoError::NotAPolygon)?;
    let coordinates = value.get("coordinates").ok_or(GeoError::NotAPolygon)?;
    let mut count = 0;
    let geometry = match kind {
        "Polygon" => json!({ "type": "Polygon", "coordinates": polygon(coordinates, system, &mut count)? }),
        "MultiPolygon" => {
            let polygons = coordinates.as_array().filter(|p| !p.is_empty()).ok_or(GeoError::NotAPolygon)?;
            let polygons = polygons.iter().map(|p| polygon(p, system, &mut count)).collect::<Result<Vec<_>, _>>()?;
            json!({ "type": "MultiPolygon", "coordinates": polygons })
        }
        _ => return Err(GeoError::NotAPolygon),
    };
    Ok(geometry.to_string())
}

fn polygon(value: &Value, system: System, count: &mut usize) -> Result<Value, GeoError> {
    let rings = value.as_array().filter(|r| !r.is_empty()).ok_or(GeoError::NotAPolygon)?;
    let mut out = Vec::with_capacity(rings.len());
    for (i, ring) in rings.iter().enumerate() {
        let positions = ring.as_array().ok_or(GeoError::BadRing)?;
        *count += positions.len();
        if *count > MAX_BOUNDARY_POSITIONS {
            return Err(GeoError::TooLarge);
        }
        let mut ring = positions.iter().map(|p| position(p, system)).collect::<Result<Vec<_>, _>>()?;
        if ring.len() < 4 || ring.first() != ring.last() {
            return Err(GeoError::BadRing);
        }
        // Exterior rings counterclockwise (positive area), holes clockwise.
        let exterior = i == 0;
        if (signed_area(&ring) > 0) != exterior {
            ring.reverse();
        }
        out.push(Value::Array(ring.into_iter().map(Position::to_json).collect()));
    }
    Ok(Value::Array(out))
}

fn position(value: &Value, system: System) -> Result<Position, GeoError> {
    let numbers = value.as_array().filter(|p| (2..=3).contains(&p.len())).ok_or(GeoError::BadPosition)?;
    let longitude = numbers[0].as_f64().ok_or(GeoError::BadPosition)?;
    let latitude = numbers[1].as_f64().ok_or(GeoError::BadPosition)?;
    if numbers.get(2).is_some_and(|altitude| !altitude.is_number()) {
        return Err(GeoError::BadPosition);
    }
    Position::new(longitude, latitude, system)
}

/// Twice the ring's signed area in (10⁻⁷ degree)², positive when
/// counterclockwise (the shoelace formula, in exact integers).
fn signed_area(ring: &[Position]) -> i128 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            i128::from(a.longitude_e7) * i128::from(b.latitude_e7)
                - i128::from(b.longitude_e7) * i128::from(a.latitude_e7)
        })
        .sum()
}

/// An area in 亩 (1 亩 = 10,000/15 m²), kept in hundredths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Mu(i64);

/// The largest area accepted: a billion 亩, far beyond any city.
const MAX_MU: i64 = 1_000_000_000;

impl Mu {
    pub fn from_centi(centi: i64) -> Mu {
        Mu(centi)
    }

    pub fn centi(self) -> i64 {
        self.0
    }

    /// A non-negative area with at most two decimal places.
    pub fn from_decimal(d: Decimal) -> Option<Mu> {
        if d.is_sign_negative() && !d.is_zero() || d.normalize().scale() > 2 || d > Decimal::from(MAX_MU) {
            return None;
        }
        i64::try_from((d * Decimal::ONE_HUNDRED).trunc()).ok().map(Mu)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clockwise_exterior_ring_is_rewound_counterclockwise() {
        let clockwise = json!({ "type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]] });
        let kept: Value = serde_json::from_str(&boundary(&clockwise, System::Wgs84).unwrap()).unwrap();
        assert_eq!(kept["coordinates"][0], json!([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]));
    }

    #[test]
    fn a_hole_is_wound_clockwise() {
        let square = json!([[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]);
        let hole = json!([[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]);
        let kept = boundary(&json!({ "type": "Polygon", "coordinates": [square, hole] }), System::Wgs84).unwrap();
        let kept: Value = serde_json::from_str(&kept).unwrap();
        assert_eq!(kept["coordinates"][1][1], json!([1.0, 2.0]));
    }

    #[test]
    fn open_or_short_rings_and_other_geometries_are_refused() {
        let open = json!({ "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]] });
        assert_eq!(boundary(&open, System::Wgs84), Err(GeoError::BadRing));
        let short = json!({ "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]] });
        assert_eq!(boundary(&short, System::Wgs84), Err(GeoError::BadRing));
        let point = json!({ "type": "Point", "coordinates": [0, 0] });
        assert_eq!(boundary(&point, System::Wgs84), Err(GeoError::NotAPolygon));
        let far = json!({ "type": "Polygon", "coordinates": [[[0, 0], [181, 0], [1, 1], [0, 0]]] });
        assert_eq!(boundary(&far, System::Wgs84), Err(GeoError::OutOfRange));
    }

    #[test]
    fn areas_keep_two_decimal_places_exactly() {
        let mu = Mu::from_decimal("1250.05".parse().unwrap()).unwrap();
        assert_eq!((mu.centi(), mu.to_decimal().to_string()), (125_005, "1250.05".to_owned()));
        assert_eq!(Mu::from_decimal("0.001".parse().unwrap()), None);
        assert_eq!(Mu::from_decimal("-1".parse().unwrap()), None);
    }
}
