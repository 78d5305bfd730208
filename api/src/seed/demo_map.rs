//! The demo city's map: where its three parks lie, their boundaries, land and
//! leading sectors, and where projects land. The city is fictional; its
//! coordinates put it on the lower Yangtze plain.

use serde_json::json;

use crate::domain::coordinates::System;
use crate::domain::geo::{self, Position};

/// The city centre (WGS-84).
pub const CENTRE: Position = Position { longitude_e7: 1_183_500_000, latitude_e7: 323_000_000 };

/// Kilometres per degree of latitude (and of longitude at the equator).
const KM_PER_DEGREE: f64 = 111.32;

/// 亩 per square kilometre.
const MU_PER_KM2: f64 = 1_500.0;

/// A park as drawn: its marker's offset from the centre and its outline
/// around the marker, in kilometres east and north; the share of its land
/// still available, in percent; its leading sectors, by their place in the
/// default sector list.
struct Shape {
    marker: (f64, f64),
    outline: &'static [(f64, f64)],
    available_percent: i64,
    sectors: &'static [usize],
}

/// In the order of `names::PARKS`.
const SHAPES: [Shape; 3] = [
    // 高新技术产业园: west of the centre, along the ring road.
    Shape {
        marker: (-6.5, 1.5),
        outline: &[(-1.8, -1.2), (0.4, -1.6), (1.9, -0.9), (2.1, 0.6), (1.2, 1.7), (-0.6, 1.9), (-1.9, 0.8)],
        available_percent: 18,
        sectors: &[5, 4, 7],
    },
    // 经济技术开发区: south-east, the largest, with a rail spur.
    Shape {
        marker: (5.5, -4.0),
        outline: &[
            (-2.6, -2.0),
            (0.8, -2.4),
            (2.9, -1.5),
            (3.2, 0.4),
            (2.2, 2.1),
            (0.0, 2.6),
            (-1.8, 1.9),
            (-2.9, 0.3),
        ],
        available_percent: 11,
        sectors: &[0, 6, 2],
    },
    // 临港新材料产业园: on the river to the north-east.
    Shape {
        marker: (9.0, 7.5),
        outline: &[(-2.2, -0.8), (0.5, -1.3), (2.4, -0.6), (2.0, 0.9), (0.2, 1.4), (-1.9, 0.9)],
        available_percent: 34,
        sectors: &[3, 1, 9],
    },
];

/// A point `east` and `north` kilometres from `origin`.
fn offset(origin: Position, east: f64, north: f64) -> Position {
    let lat = origin.latitude() + north / KM_PER_DEGREE;
    let lon = origin.longitude() + east / (KM_PER_DEGREE * origin.latitude().to_radians().cos());
    Position::new(lon, lat, System::Wgs84).unwrap_or(origin)
}

/// What the demo records about park `i` (of `names::PARKS`).
pub struct ParkMap {
    pub location: Position,
    /// An RFC 7946 Polygon as JSON text.
    pub boundary: String,
    pub area: geo::Mu,
    pub available_land: geo::Mu,
    /// Places in the default sector list.
    pub sectors: &'static [usize],
}

pub fn park(i: usize) -> ParkMap {
    let shape = &SHAPES[i % SHAPES.len()];
    let location = offset(CENTRE, shape.marker.0, shape.marker.1);
    let mut ring: Vec<Position> = shape.outline.iter().map(|(e, n)| offset(location, *e, *n)).collect();
    ring.push(ring[0]);
    let polygon = json!({ "type": "Polygon", "coordinates": [ring.iter().map(|p| p.to_json()).collect::<Vec<_>>()] });
    let boundary = geo::boundary(&polygon, System::Wgs84).unwrap_or_else(|_| polygon.to_string());
    // The shoelace formula over the outline in kilometres.
    let twice: f64 = shape
        .outline
        .iter()
        .zip(shape.outline.iter().cycle().skip(1))
        .map(|((x1, y1), (x2, y2))| x1 * y2 - x2 * y1)
        .sum();
    let area_centi = (twice.abs() / 2.0 * MU_PER_KM2 * 100.0).round() as i64;
    ParkMap {
        location,
        boundary,
        area: geo::Mu::from_centi(area_centi),
        available_land: geo::Mu::from_centi(area_centi * shape.available_percent / 100),
        sectors: shape.sectors,
    }
}

/// Where project `i` lands: inside its park (`park`, a place in `names::PARKS`)
/// near the marker, or elsewhere in the city.
pub fn project(i: usize, park: Option<usize>) -> Position {
    // A fixed scatter: the golden angle spreads points evenly on a disc.
    let angle = i as f64 * 2.399_963;
    let radius = ((i % 17) as f64 / 17.0).sqrt();
    match park {
        Some(p) => {
            let centre = offset(CENTRE, SHAPES[p % SHAPES.len()].marker.0, SHAPES[p % SHAPES.len()].marker.1);
            offset(centre, 1.2 * radius * angle.cos(), 0.9 * radius * angle.sin())
        }
        None => offset(CENTRE, 12.0 * radius * angle.cos(), 9.0 * radius * angle.sin()),
    }
}
