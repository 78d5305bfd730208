//! The briefing's map (招商地图): the parks, drawn from their boundaries,
//! and the projects that signed in the campaign, as dots sized by their
//! planned investment. Plain SVG from the stored WGS-84 coordinates, no map
//! tiles: it draws offline and prints as it shows.

use entity::{park, project};

use super::escape;
use crate::domain::geo::Position;
use crate::domain::money::Money;

/// Kilometres per degree of latitude.
const KM_PER_DEGREE: f64 = 111.32;

/// Where a position lands in the drawing: an equirectangular projection
/// around the middle latitude (east right, north up), fitted to the box.
struct Frame {
    west: f64,
    north: f64,
    /// Pixels per degree of longitude and of latitude.
    x_scale: f64,
    y_scale: f64,
    left: f64,
    top: f64,
}

impl Frame {
    fn fit(points: &[(f64, f64)], width: f64, height: f64, pad: f64) -> Option<Frame> {
        let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (lon, lat) in points {
            w = w.min(*lon);
            e = e.max(*lon);
            s = s.min(*lat);
            n = n.max(*lat);
        }
        if points.is_empty() {
            return None;
        }
        // A single point still gets a few kilometres around it.
        let (span_lon, span_lat) = ((e - w).max(0.02), (n - s).max(0.02));
        let shrink = ((s + n) / 2.0).to_radians().cos().max(0.1);
        let (inner_w, inner_h) = (width - 2.0 * pad, height - 2.0 * pad);
        let scale = (inner_w / (span_lon * shrink)).min(inner_h / span_lat);
        let (drawn_w, drawn_h) = (span_lon * shrink * scale, span_lat * scale);
        Some(Frame {
            west: (w + e) / 2.0 - span_lon / 2.0,
            north: (s + n) / 2.0 + span_lat / 2.0,
            x_scale: scale * shrink,
            y_scale: scale,
            left: pad + (inner_w - drawn_w) / 2.0,
            top: pad + (inner_h - drawn_h) / 2.0,
        })
    }

    fn at(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.left + (lon - self.west) * self.x_scale, self.top + (self.north - lat) * self.y_scale)
    }

    /// Pixels per kilometre.
    fn per_km(&self) -> f64 {
        self.y_scale / KM_PER_DEGREE
    }
}

/// The outer rings of a stored boundary, as (longitude, latitude) lists.
fn rings(boundary: &str) -> Vec<Vec<(f64, f64)>> {
    let Ok(g) = serde_json::from_str::<serde_json::Value>(boundary) else { return vec![] };
    let polygons: Vec<&serde_json::Value> = match g["type"].as_str() {
        Some("Polygon") => vec![&g["coordinates"]],
        Some("MultiPolygon") => g["coordinates"].as_array().map(|a| a.iter().collect()).unwrap_or_default(),
        _ => vec![],
    };
    polygons
        .into_iter()
        .filter_map(|p| p.get(0)?.as_array())
        .map(|ring| ring.iter().filter_map(|q| Some((q.get(0)?.as_f64()?, q.get(1)?.as_f64()?))).collect())
        .collect()
}

fn point(lon_e7: Option<i64>, lat_e7: Option<i64>) -> Option<(f64, f64)> {
    Position::stored(lon_e7, lat_e7).map(|p| (p.longitude(), p.latitude()))
}

/// A round length for the scale bar: 1, 2 or 5 times a power of ten, in km.
fn nice_km(target: f64) -> f64 {
    let power = 10f64.powf(target.max(1e-3).log10().floor());
    [5.0, 2.0, 1.0].into_iter().map(|m| m * power).find(|v| *v <= target).unwrap_or(power)
}

/// The map, `width` × `height` pixels: parks and the campaign's signed projects.
pub fn svg(parks: &[park::Model], signed: &[project::Model], width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width), f64::from(height));
    let outlines: Vec<(&park::Model, Vec<Vec<(f64, f64)>>)> =
        parks.iter().map(|p| (p, p.boundary.as_deref().map(rings).unwrap_or_default())).collect();
    let mut all: Vec<(f64, f64)> = outlines.iter().flat_map(|(_, r)| r.iter().flatten().copied()).collect();
    all.extend(parks.iter().filter_map(|p| point(p.longitude_e7, p.latitude_e7)));
    all.extend(signed.iter().filter_map(|p| point(p.longitude_e7, p.latitude_e7)));
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         class=\"investment-map\" role=\"img\" aria-label=\"招商地图\"><rect width=\"100%\" height=\"100%\" fill=\"#F4F6F7\"/>"
    );
    let Some(frame) = Frame::fit(&all, w, h, 40.0) else {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"16\" fill=\"#777\" text-anchor=\"middle\">尚无园区或签约项目的位置</text></svg>",
            w / 2.0,
            h / 2.0
        ));
        return out;
    };
    for (park, rings) in &outlines {
        for ring in rings {
            let path: Vec<String> = ring
                .iter()
                .map(|(lon, lat)| {
                    let (x, y) = frame.at(*lon, *lat);
                    format!("{x:.1},{y:.1}")
                })
                .collect();
            out.push_str(&format!(
                "<polygon data-park=\"{}\" points=\"{}\" fill=\"#D5F5E3\" stroke=\"#1E8449\" stroke-width=\"1.5\"/>",
                park.id,
                path.join(" ")
            ));
        }
    }
    let largest = signed.iter().map(|p| p.planned_investment_fen).max().unwrap_or(1).max(1) as f64;
    for p in signed {
        let Some((lon, lat)) = point(p.longitude_e7, p.latitude_e7) else { continue };
        let (x, y) = frame.at(lon, lat);
        let r = 3.0 + 9.0 * (p.planned_investment_fen.max(0) as f64 / largest).sqrt();
        out.push_str(&format!(
            "<circle data-project=\"{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"#C0392B\" fill-opacity=\"0.75\" \
             stroke=\"white\" stroke-width=\"1\"><title>{}（{} 亿元）</title></circle>",
            p.id,
            escape(&p.name),
            Money::from_fen(p.planned_investment_fen).yi_yuan()
        ));
    }
    for park in parks {
        let Some((lon, lat)) = point(park.longitude_e7, park.latitude_e7) else { continue };
        let (x, y) = frame.at(lon, lat);
        out.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"14\" fill=\"#145A32\" text-anchor=\"middle\" \
             stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
            escape(&park.name)
        ));
    }
    // Scale bar, north arrow, legend.
    let km = nice_km(w / 5.0 / frame.per_km());
    let bar = km * frame.per_km();
    let (bx, by) = (20.0, h - 20.0);
    out.push_str(&format!(
        "<path d=\"M{bx},{} v6 h{bar:.1} v-6\" fill=\"none\" stroke=\"#333\" stroke-width=\"1.5\"/>\
         <text x=\"{bx}\" y=\"{}\" font-size=\"12\" fill=\"#333\">{km} 公里</text>",
        by - 6.0,
        by - 10.0
    ));
    out.push_str(&format!(
        "<path d=\"M{x},{y0} l-7,18 l7,-5 l7,5 z\" fill=\"#333\"/><text x=\"{x}\" y=\"{y1}\" font-size=\"12\" \
         text-anchor=\"middle\" fill=\"#333\">北</text>",
        x = w - 24.0,
        y0 = 14.0,
        y1 = 46.0
    ));
    out.push_str(&format!(
        "<rect x=\"{lx}\" y=\"12\" width=\"16\" height=\"10\" fill=\"#D5F5E3\" stroke=\"#1E8449\"/>\
         <text x=\"{tx}\" y=\"21\" font-size=\"12\" fill=\"#333\">园区</text>\
         <circle cx=\"{cx}\" cy=\"37\" r=\"6\" fill=\"#C0392B\" fill-opacity=\"0.75\"/>\
         <text x=\"{tx}\" y=\"41\" font-size=\"12\" fill=\"#333\">本期签约项目（{n} 个，按计划投资大小）</text>",
        lx = 20,
        tx = 42,
        cx = 28,
        n = signed.len()
    ));
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_bar_takes_a_round_length() {
        assert_eq!([nice_km(0.7), nice_km(3.4), nice_km(12.0), nice_km(60.0)], [0.5, 2.0, 10.0, 50.0]);
    }

    #[test]
    fn north_is_up_and_east_is_right() {
        let f = Frame::fit(&[(118.0, 32.0), (118.2, 32.2)], 400.0, 400.0, 20.0).expect("a frame");
        let (west, north) = f.at(118.0, 32.2);
        let (east, south) = f.at(118.2, 32.0);
        assert!(east > west && south > north, "({west},{north}) ({east},{south})");
    }
}
