//! Conversions between the three geographic datums used by maps of China.
//!
//! * **WGS-84** is the datum of GPS receivers, GeoJSON and most maps outside China.
//! * **GCJ-02** (国测局坐标, "Mars coordinates") is the obfuscated datum that maps published in
//!   mainland China must use; AMap (Gaode) and Tencent map pickers return it. It is WGS-84 shifted by
//!   a deliberately irregular offset of a few hundred metres, computed on the Krasovsky 1940
//!   ellipsoid. The offset is applied only inside a rough bounding box of China (see [`in_china`]);
//!   elsewhere GCJ-02 equals WGS-84.
//! * **BD-09** is Baidu's datum: GCJ-02 with a further polar distortion of about 1 km on top. Unlike
//!   GCJ-02 it is applied everywhere, China or not.
//!
//! All values are decimal degrees, longitude first, as in GeoJSON.
//!
//! # Accuracy
//!
//! The forward transforms (WGS-84 → GCJ-02 → BD-09) are the formulas used by eviltransform, PRCoords,
//! gcoord and coordtransform. Neither has a closed-form inverse, so GCJ-02 → WGS-84 and BD-09 → GCJ-02
//! are solved by fixed-point iteration, seeded with the usual one-step approximations (which are off
//! by up to about 5 m and 0.2 m respectively), until the forward transform reproduces the input to
//! within 1e-9° (about 0.1 mm). Round trips therefore agree to better than a millimetre, and results
//! agree with those libraries' published test vectors to within a metre; the datums themselves, being
//! reverse-engineered, are no more trustworthy than that. The one exception is a strip a few hundred
//! metres wide along the edges of the bounding box, where a point and its GCJ-02 image can fall on
//! opposite sides of the box and so fail to round-trip (as in every implementation).

use std::f64::consts::PI;

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid (published as 0.00669342162296594323).
const EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's angular scale factor.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// Mean Earth radius (IUGG), in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// The iterative inverses stop once the forward transform is this close to the input, in degrees.
const TOLERANCE_DEG: f64 = 1e-9;
/// Upper bound on refinement steps; across China convergence takes at most four.
const MAX_ITERATIONS: usize = 30;

/// A geodetic datum a [`Point`] can be expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// The GPS datum, used by GeoJSON and international maps.
    Wgs84,
    /// China's obfuscated "Mars" datum, used by AMap (Gaode) and Tencent.
    Gcj02,
    /// Baidu's datum, a further distortion of GCJ-02.
    Bd09,
}

/// A position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Degrees east of Greenwich (negative for west).
    pub longitude: f64,
    /// Degrees north of the equator (negative for south).
    pub latitude: f64,
}

impl Point {
    /// A point from its longitude and latitude, in that order.
    pub const fn new(longitude: f64, latitude: f64) -> Self {
        Self { longitude, latitude }
    }
}

/// Converts `p`, expressed in `from`, to WGS-84.
pub fn to_wgs84(p: Point, from: System) -> Point {
    match from {
        System::Wgs84 => p,
        System::Gcj02 => gcj_to_wgs(p),
        System::Bd09 => gcj_to_wgs(bd_to_gcj(p)),
    }
}

/// Converts `p`, a WGS-84 position, to `to`.
pub fn from_wgs84(p: Point, to: System) -> Point {
    match to {
        System::Wgs84 => p,
        System::Gcj02 => wgs_to_gcj(p),
        System::Bd09 => gcj_to_bd(wgs_to_gcj(p)),
    }
}

/// Whether GCJ-02 offsets apply at `p`: the conventional rough bounding box of China,
/// longitude 72.004°..=137.8347° E and latitude 0.8293°..=55.8271° N.
pub fn in_china(p: Point) -> bool {
    (72.004..=137.8347).contains(&p.longitude) && (0.8293..=55.8271).contains(&p.latitude)
}

/// Great-circle distance between `a` and `b` in metres, by the haversine formula on a sphere of the
/// mean Earth radius (6,371,008.8 m).
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (phi_a, phi_b) = (a.latitude.to_radians(), b.latitude.to_radians());
    let half_dphi = (phi_b - phi_a) / 2.0;
    let half_dlambda = (b.longitude - a.longitude).to_radians() / 2.0;
    let h = half_dphi.sin().powi(2) + phi_a.cos() * phi_b.cos() * half_dlambda.sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

fn wgs_to_gcj(wgs: Point) -> Point {
    if in_china(wgs) { gcj_shift(wgs) } else { wgs }
}

fn gcj_to_wgs(gcj: Point) -> Point {
    // Seeding with the GCJ-02 point itself makes the first step the usual naive inverse.
    if in_china(gcj) { invert(gcj_shift, gcj, gcj) } else { gcj }
}

/// The GCJ-02 obfuscation, applied unconditionally.
fn gcj_shift(p: Point) -> Point {
    let x = p.longitude - 105.0;
    let y = p.latitude - 35.0;
    let sin_pi = |t: f64| (t * PI).sin();
    let ripple = 2.0 * sin_pi(6.0 * x) + 2.0 * sin_pi(2.0 * x);
    let north_waves =
        ripple + 2.0 * sin_pi(y) + 4.0 * sin_pi(y / 3.0) + 16.0 * sin_pi(y / 12.0) + 32.0 * sin_pi(y / 30.0);
    let east_waves =
        ripple + 2.0 * sin_pi(x) + 4.0 * sin_pi(x / 3.0) + 15.0 * sin_pi(x / 12.0) + 30.0 * sin_pi(x / 30.0);
    // Offsets as arc lengths in metres on the Krasovsky ellipsoid.
    let north_m =
        -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt() + north_waves * 20.0 / 3.0;
    let east_m = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt() + east_waves * 20.0 / 3.0;
    let lat = p.latitude.to_radians();
    let w = 1.0 - EE * lat.sin().powi(2);
    // Lengths of one degree of latitude (meridional) and of longitude (along the parallel).
    let degree_north_m = (A * (1.0 - EE) / (w * w.sqrt())).to_radians();
    let degree_east_m = (A / w.sqrt() * lat.cos()).to_radians();
    Point::new(p.longitude + east_m / degree_east_m, p.latitude + north_m / degree_north_m)
}

fn gcj_to_bd(gcj: Point) -> Point {
    let (x, y) = (gcj.longitude, gcj.latitude);
    let z = x.hypot(y) + 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000_003 * (x * X_PI).cos();
    Point::new(z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

fn bd_to_gcj(bd: Point) -> Point {
    // Baidu's published inverse, good to about 0.2 m, refined to match `gcj_to_bd` exactly.
    let (x, y) = (bd.longitude - 0.0065, bd.latitude - 0.006);
    let z = x.hypot(y) - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    invert(gcj_to_bd, bd, Point::new(z * theta.cos(), z * theta.sin()))
}

/// Solves `forward(p) == target` for `p` by fixed-point iteration from `guess`. This converges
/// quickly because both transforms are the identity plus a small, slowly varying offset.
fn invert(forward: fn(Point) -> Point, target: Point, guess: Point) -> Point {
    let mut p = guess;
    for _ in 0..MAX_ITERATIONS {
        let image = forward(p);
        let (d_lon, d_lat) = (image.longitude - target.longitude, image.latitude - target.latitude);
        if d_lon.abs() < TOLERANCE_DEG && d_lat.abs() < TOLERANCE_DEG {
            break;
        }
        p = Point::new(p.longitude - d_lon, p.latitude - d_lat);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Matching WGS-84 and GCJ-02 positions from other implementations' test suites.
    const WGS_GCJ: [(Point, Point); 10] = [
        // googollee/eviltransform go/transform_test.go (Shanghai, Shenzhen, Beijing)
        (Point::new(121.5272106, 31.1774276), Point::new(121.531541859215, 31.17530398364597)),
        (Point::new(113.912316, 22.543847), Point::new(113.9171764808363, 22.540796131694766)),
        (Point::new(116.377817, 39.911954), Point::new(116.38404722455657, 39.91334545536069)),
        // wandergis/coordtransform test/app.js (wgs84togcj02)
        (Point::new(116.404, 39.915), Point::new(116.41024449916938, 39.91640428150164)),
        // hujiulong/gcoord test/unit/crs/WGS84.spec.ts ("WGS84 to GCJ02")
        (Point::new(123.0, 45.0), Point::new(123.00607541, 45.00197815)),
        // hujiulong/gcoord test/unit/crs/GCJ02.spec.ts ("GCJ02 to WGS84")
        (Point::new(122.99395597, 44.99804071), Point::new(123.0, 45.0)),
        // hujiulong/gcoord test/fixtures/china-cities.json (Nagqu, Shenyang, Qinzhou, Jiuquan). This fixture's
        // WGS-84 column sits a consistent ~0.7 m from the formulas (its GCJ-02 and BD-09 agree to 1 cm).
        (Point::new(92.0499619, 31.4784436), Point::new(92.0512438, 31.4762063)),
        (Point::new(123.4253306, 41.8032629), Point::new(123.4314787, 41.8057023)),
        (Point::new(108.6503952, 21.9828281), Point::new(108.6541485, 21.9799392)),
        (Point::new(98.4937175, 39.7319946), Point::new(98.4943595, 39.7328234)),
    ];

    /// Matching BD-09 and WGS-84 positions from other implementations' test suites.
    const BD_WGS: [(Point, Point); 5] = [
        // hujiulong/gcoord test/unit/crs/BD09.spec.ts ("BD09 to WGS84")
        (Point::new(123.0, 45.0), Point::new(122.98762210, 44.99171540)),
        // hujiulong/gcoord test/fixtures/china-cities.json (Nagqu, Shenyang, Qinzhou, Jiuquan). This fixture's
        // WGS-84 column sits a consistent ~0.7 m from the formulas (its GCJ-02 and BD-09 agree to 1 cm).
        (Point::new(92.0576832, 31.4824421), Point::new(92.0499619, 31.4784436)),
        (Point::new(123.438095, 41.8114013), Point::new(123.4253306, 41.8032629)),
        (Point::new(108.6607283, 21.9856319), Point::new(108.6503952, 21.9828281)),
        (Point::new(98.5008441, 39.7388949), Point::new(98.4937175, 39.7319946)),
    ];

    /// A 2° × 2° grid over China, kept clear of the bounding box's edges.
    fn grid_across_china() -> impl Iterator<Item = Point> {
        (0..=30).flat_map(|i| (0..=25).map(move |j| Point::new(75.0 + 2.0 * f64::from(i), 4.0 + 2.0 * f64::from(j))))
    }

    fn assert_within(got: Point, want: Point, tolerance_m: f64) {
        let d = distance_m(got, want);
        assert!(d < tolerance_m, "got {got:?}, want {want:?}: {d:.4} m apart");
    }

    #[test]
    fn gcj02_to_wgs84_agrees_with_published_vectors_within_a_metre() {
        for (wgs, gcj) in WGS_GCJ {
            assert_within(to_wgs84(gcj, System::Gcj02), wgs, 1.0);
        }
    }

    #[test]
    fn wgs84_to_gcj02_agrees_with_published_vectors_within_a_metre() {
        for (wgs, gcj) in WGS_GCJ {
            assert_within(from_wgs84(wgs, System::Gcj02), gcj, 1.0);
        }
    }

    #[test]
    fn bd09_to_wgs84_agrees_with_published_vectors_within_a_metre() {
        for (bd, wgs) in BD_WGS {
            assert_within(to_wgs84(bd, System::Bd09), wgs, 1.0);
        }
    }

    #[test]
    fn wgs84_to_bd09_agrees_with_published_vectors_within_a_metre() {
        for (bd, wgs) in BD_WGS {
            assert_within(from_wgs84(wgs, System::Bd09), bd, 1.0);
        }
    }

    #[test]
    fn wgs84_survives_a_round_trip_through_gcj02_to_within_a_centimetre() {
        for wgs in grid_across_china() {
            assert_within(to_wgs84(from_wgs84(wgs, System::Gcj02), System::Gcj02), wgs, 0.01);
        }
    }

    #[test]
    fn wgs84_survives_a_round_trip_through_bd09_to_within_a_centimetre() {
        for wgs in grid_across_china() {
            assert_within(to_wgs84(from_wgs84(wgs, System::Bd09), System::Bd09), wgs, 0.01);
        }
    }

    #[test]
    fn gcj02_moves_points_inside_china_by_tens_to_hundreds_of_metres() {
        for wgs in grid_across_china() {
            let d = distance_m(wgs, from_wgs84(wgs, System::Gcj02));
            assert!((10.0..1000.0).contains(&d), "{wgs:?} moved {d:.1} m");
        }
    }

    #[test]
    fn points_outside_china_are_unchanged_by_gcj02() {
        // Greenwich, Sydney, San Francisco, Tokyo, and gcoord's out-of-range [183, 45].
        let outside = [(0.0, 51.4779), (151.2093, -33.8688), (-122.4194, 37.7749), (139.6917, 35.6895), (183.0, 45.0)]
            .map(|(lon, lat)| Point::new(lon, lat));
        for p in outside {
            assert!(!in_china(p));
            assert_eq!(from_wgs84(p, System::Gcj02), p);
            assert_eq!(to_wgs84(p, System::Gcj02), p);
        }
    }

    #[test]
    fn in_china_is_the_conventional_bounding_box() {
        assert!(in_china(Point::new(116.404, 39.915)));
        assert!(in_china(Point::new(72.004, 0.8293)));
        assert!(in_china(Point::new(137.8347, 55.8271)));
        assert!(!in_china(Point::new(72.003, 30.0)));
        assert!(!in_china(Point::new(100.0, 55.8272)));
    }

    #[test]
    fn wgs84_to_wgs84_is_the_identity() {
        let p = Point::new(116.404, 39.915);
        assert_eq!(to_wgs84(p, System::Wgs84), p);
        assert_eq!(from_wgs84(p, System::Wgs84), p);
    }

    #[test]
    fn distance_m_matches_the_haversine_length_of_a_degree() {
        // One degree of arc on the mean-radius sphere is 6,371,008.8 × π / 180 m.
        let degree_m = EARTH_RADIUS_M.to_radians();
        assert!((distance_m(Point::new(0.0, 0.0), Point::new(1.0, 0.0)) - degree_m).abs() < 1e-6);
        assert!((distance_m(Point::new(10.0, 20.0), Point::new(10.0, 21.0)) - degree_m).abs() < 1e-6);
        assert!(distance_m(Point::new(116.404, 39.915), Point::new(116.404, 39.915)).abs() < 1e-9);
    }
}
