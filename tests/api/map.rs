//! The investment map: positions given in GCJ-02 or BD-09 kept in WGS-84,
//! park boundaries by the right-hand rule, and maps that validate as RFC 7946
//! and hold only what the caller may see.

use std::collections::HashSet;

use api::domain::coordinates::{Point, distance_m};
use entity::enums::Role;
use serde_json::{Value, json};

use crate::helpers::{Fixtures, TestApp, assert_user_error, gid, mutate, payload, spawn_app};
use crate::ledgers::download;

const PARK_FIELDS: &str = "park { id location { longitude latitude } boundary areaMu availableLandMu \
    sectors { nodes { code } } } userErrors { field code message }";

/// eviltransform's Shanghai test point (googollee/eviltransform, go/transform_test.go).
const SHANGHAI_WGS84: (f64, f64) = (121.5272106, 31.1774276);
const SHANGHAI_GCJ02: (f64, f64) = (121.531541859215, 31.17530398364597);

/// gcoord's BD-09 test point (hujiulong/gcoord, test/unit/crs/BD09.spec.ts).
const BD09: (f64, f64) = (123.0, 45.0);
const BD09_AS_WGS84: (f64, f64) = (122.98762210, 44.99171540);

fn metres(point: &Value, reference: (f64, f64)) -> f64 {
    let at = Point::new(point["longitude"].as_f64().expect("longitude"), point["latitude"].as_f64().expect("latitude"));
    distance_m(at, Point::new(reference.0, reference.1))
}

/// Twice the signed area of a ring (positive: counterclockwise).
fn winding(ring: &Value) -> f64 {
    let p: Vec<(f64, f64)> = ring
        .as_array()
        .expect("a ring")
        .iter()
        .map(|q| (q[0].as_f64().expect("longitude"), q[1].as_f64().expect("latitude")))
        .collect();
    p.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
}

/// Asserts an RFC 7946 map: the GeoJSON working group's schema holds, every
/// polygon's rings are closed, exterior rings counterclockwise and holes
/// clockwise, and positions are longitude first (a latitude never beyond 90).
fn assert_rfc7946(map: &Value) {
    let schema: Value =
        serde_json::from_str(include_str!("fixtures/geojson/FeatureCollection.json")).expect("the schema");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(map).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "not a GeoJSON FeatureCollection: {errors:?}");
    for feature in map["features"].as_array().expect("features") {
        let g = &feature["geometry"];
        let polygons: Vec<&Value> = match g["type"].as_str() {
            Some("Polygon") => vec![&g["coordinates"]],
            Some("MultiPolygon") => g["coordinates"].as_array().expect("polygons").iter().collect(),
            _ => vec![],
        };
        for polygon in polygons {
            for (i, ring) in polygon.as_array().expect("rings").iter().enumerate() {
                let positions = ring.as_array().expect("positions");
                assert_eq!(positions.first(), positions.last(), "an open ring in {feature}");
                assert_eq!(winding(ring) > 0.0, i == 0, "ring {i} wound the wrong way in {feature}");
            }
        }
        let mut positions = vec![];
        collect_positions(&g["coordinates"], &mut positions);
        for (lon, lat) in positions {
            assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0, "({lon}, {lat}) is not longitude first");
        }
    }
}

fn collect_positions(v: &Value, out: &mut Vec<(f64, f64)>) {
    match v.as_array() {
        Some(a) if a.first().is_some_and(Value::is_number) => {
            out.push((a[0].as_f64().unwrap_or(f64::NAN), a[1].as_f64().unwrap_or(f64::NAN)))
        }
        Some(a) => a.iter().for_each(|x| collect_positions(x, out)),
        None => {}
    }
}

async fn new_park(app: &TestApp, admin: &str, name: &str) -> String {
    let r = mutate(app, Some(admin), "createPark", json!({ "name": name }), "park { id } userErrors { code }").await;
    payload(&r, "createPark")["park"]["id"].as_str().expect("a park").to_owned()
}

fn ids_of(map: &Value, kind: &str) -> HashSet<String> {
    map["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["type"] == kind)
        .map(|f| f["properties"]["id"].as_str().expect("an id").to_owned())
        .collect()
}

async fn map_of(app: &TestApp, key: Option<&str>, filter: Value) -> Value {
    let q = "query($f: InvestmentMapFilter) { investmentMap(filter: $f) }";
    app.query(key, q, json!({ "f": filter })).await["investmentMap"].clone()
}

#[tokio::test]
async fn a_park_placed_in_gcj02_is_kept_in_wgs84_within_a_metre_of_the_reference() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let park = new_park(&app, &admin, "滨江智造园").await;
    let sector = Fixtures { db: &app.db }.sector().await;
    let (lon, lat) = SHANGHAI_GCJ02;
    // Given clockwise: kept counterclockwise.
    let square = json!([
        [lon - 0.01, lat - 0.01],
        [lon - 0.01, lat + 0.01],
        [lon + 0.01, lat + 0.01],
        [lon + 0.01, lat - 0.01],
        [lon - 0.01, lat - 0.01]
    ]);
    let input = json!({
        "parkId": park,
        "coordinateSystem": "GCJ02",
        "location": { "longitude": lon, "latitude": lat },
        "boundary": { "type": "Polygon", "coordinates": [square] },
        "areaMu": "1500.00",
        "availableLandMu": "320.50",
        "sectorIds": [gid("Sector", sector)],
    });
    let r = mutate(&app, Some(&admin), "updatePark", input, PARK_FIELDS).await;
    let p = payload(&r, "updatePark");
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let kept = &p["park"];
    let off = metres(&kept["location"], SHANGHAI_WGS84);
    assert!(off < 1.0, "the WGS-84 position is {off} m from the reference");
    let ring = &kept["boundary"]["coordinates"][0];
    assert!(winding(ring) > 0.0, "the exterior ring is not counterclockwise: {ring}");
    // The ring's corners moved with the datum: about 500 m west and 200 m north.
    let corner = json!({ "longitude": ring[0][0], "latitude": ring[0][1] });
    assert!(metres(&corner, (lon - 0.01, lat - 0.01)) > 100.0, "the boundary was not converted: {ring}");
    assert_eq!((kept["areaMu"].as_str(), kept["availableLandMu"].as_str()), (Some("1500.00"), Some("320.50")));
    assert_eq!(kept["sectors"]["nodes"].as_array().map(Vec::len), Some(1));

    // Read back through `parks`, the same.
    let read = app.query(Some(&admin), "{ parks { nodes { id location { longitude latitude } } } }", json!({})).await;
    assert_eq!(read["parks"]["nodes"][0]["location"], kept["location"]);
}

#[tokio::test]
async fn a_project_located_in_bd09_is_kept_in_wgs84_and_cleared_by_null() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    let project = Fixtures { db: &app.db }.project("海港冷链", 100_000_000, true, None, None).await;
    let input = json!({ "projectId": gid("Project", project), "coordinateSystem": "BD09", "location": { "longitude": BD09.0, "latitude": BD09.1 } });
    let selection = "project { location { longitude latitude } } userErrors { code }";
    let r = mutate(&app, Some(&staff), "updateProject", input, selection).await;
    let p = payload(&r, "updateProject");
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let off = metres(&p["project"]["location"], BD09_AS_WGS84);
    assert!(off < 1.0, "the WGS-84 position is {off} m from the reference");

    let clear = json!({ "projectId": gid("Project", project), "location": null });
    let r = mutate(&app, Some(&staff), "updateProject", clear, selection).await;
    assert_eq!(payload(&r, "updateProject")["project"]["location"], Value::Null);
}

#[tokio::test]
async fn bad_map_input_is_refused_field_by_field_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.key(Role::Admin, None).await;
    let park = new_park(&app, &admin, "临江物流园").await;
    let open_ring =
        json!({ "type": "Polygon", "coordinates": [[[118.0, 32.0], [118.1, 32.0], [118.1, 32.1], [118.0, 32.1]]] });
    let cases = [
        (json!({ "boundary": open_ring }), "INVALID_FORMAT", "boundary"),
        (json!({ "boundary": { "type": "Point", "coordinates": [118.0, 32.0] } }), "INVALID_FORMAT", "boundary"),
        (json!({ "location": { "longitude": 118.0, "latitude": 95.0 } }), "OUT_OF_RANGE", "location"),
        (json!({ "areaMu": "12.345" }), "INVALID_FORMAT", "areaMu"),
        (json!({ "areaMu": "-1" }), "INVALID_FORMAT", "areaMu"),
        (json!({ "areaMu": "100", "availableLandMu": "100.01" }), "OUT_OF_RANGE", "availableLandMu"),
    ];
    for (mut input, code, field) in cases {
        input["parkId"] = json!(park);
        let r = mutate(&app, Some(&admin), "updatePark", input, PARK_FIELDS).await;
        let p = payload(&r, "updatePark");
        assert_user_error(p, code, &["input", field]);
        assert_eq!(p["park"], Value::Null, "{p}");
    }
    let read = app
        .query(
            Some(&admin),
            "{ parks { nodes { location { longitude } boundary areaMu availableLandMu } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["parks"]["nodes"][0],
        json!({ "location": null, "boundary": null, "areaMu": null, "availableLandMu": null })
    );

    // Only admins place parks.
    let staff = app.key(Role::Staff, None).await;
    let r = mutate(&app, Some(&staff), "updatePark", json!({ "parkId": park, "areaMu": "1" }), PARK_FIELDS).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn the_demo_map_validates_as_rfc_7946_and_the_public_sees_only_published_projects() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let partner = Fixtures { db: &app.db }.partner("长三角商会").await;
    let partner_key = app.key(Role::Partner, Some(partner)).await;

    let public = map_of(&app, None, json!(null)).await;
    let office = map_of(&app, Some(&staff), json!(null)).await;
    let partners = map_of(&app, Some(&partner_key), json!(null)).await;
    for map in [&public, &office, &partners] {
        assert_rfc7946(map);
    }
    assert_eq!(ids_of(&public, "Park").len(), 3, "the demo's three parks");
    assert!(
        public["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter(|f| f["properties"]["type"] == "Park")
            .all(|f| f["geometry"]["type"] == "Polygon"),
        "every demo park has a boundary"
    );

    let counts = app
        .query(Some(&staff), "{ all: projects { totalCount } published: projects(filter: { isPublished: true }) { totalCount } hidden: projects(filter: { isPublished: false }, first: 100) { nodes { id } } }", json!({}))
        .await;
    let shown = ids_of(&public, "Project");
    assert_eq!(shown.len() as u64, counts["published"]["totalCount"].as_u64().expect("count"));
    assert_eq!(ids_of(&office, "Project").len() as u64, counts["all"]["totalCount"].as_u64().expect("count"));
    assert_eq!(ids_of(&partners, "Project"), shown, "a partner sees the public map");
    for hidden in counts["hidden"]["nodes"].as_array().expect("nodes") {
        assert!(!shown.contains(hidden["id"].as_str().expect("id")), "unpublished {hidden} on the public map");
    }

    // The same map as a file, for the public and for staff.
    let file = download(&app, None, "/map.geojson").await;
    assert_eq!((file.status, file.content_type.as_str()), (200, "application/geo+json"));
    assert_eq!(file.json(), public);
    let park = ids_of(&public, "Park").into_iter().next().expect("a park");
    let file = download(&app, Some(&staff), &format!("/map.geojson?parkId={park}&stage=SIGNED")).await;
    let filtered = file.json();
    assert_rfc7946(&filtered);
    assert_eq!(ids_of(&filtered, "Park"), HashSet::from([park.clone()]));
    for f in filtered["features"].as_array().expect("features").iter().filter(|f| f["properties"]["type"] == "Project")
    {
        assert_eq!(
            (f["properties"]["parkId"].as_str(), f["properties"]["stage"].as_str()),
            (Some(park.as_str()), Some("SIGNED"))
        );
    }
    assert!(!ids_of(&filtered, "Project").is_empty(), "the demo has signed projects in every park");
    let bad = download(&app, None, "/map.geojson?colour=red").await;
    assert_eq!(bad.status, 400);

    // A campaign is the office's to filter by: the public gets parks only.
    let campaign = app.query(Some(&staff), "{ campaigns(first: 1) { nodes { id } } }", json!({})).await;
    let by_campaign = map_of(&app, None, json!({ "campaignId": campaign["campaigns"]["nodes"][0]["id"] })).await;
    assert!(ids_of(&by_campaign, "Project").is_empty());
    assert_eq!(ids_of(&by_campaign, "Park").len(), 3);
}

#[tokio::test]
async fn projects_filtered_by_a_bounding_box_are_exactly_those_located_inside_it() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let office = map_of(&app, Some(&staff), json!(null)).await;
    let located: Vec<(String, f64, f64)> = office["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["type"] == "Project")
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            (
                f["properties"]["id"].as_str().expect("id").to_owned(),
                c[0].as_f64().expect("lon"),
                c[1].as_f64().expect("lat"),
            )
        })
        .collect();
    // The box around the first park's marker: some projects inside, most outside.
    let parks = app.query(Some(&staff), "{ parks(first: 1, orderBy: { field: CREATED_AT, direction: ASC }) { nodes { id location { longitude latitude } } } }", json!({})).await;
    let marker = &parks["parks"]["nodes"][0]["location"];
    let (lon, lat) = (marker["longitude"].as_f64().expect("lon"), marker["latitude"].as_f64().expect("lat"));
    let b = json!({ "west": lon - 0.01, "south": lat - 0.008, "east": lon + 0.01, "north": lat + 0.008 });
    let expected: HashSet<String> = located
        .iter()
        .filter(|(_, x, y)| (lon - 0.01..=lon + 0.01).contains(x) && (lat - 0.008..=lat + 0.008).contains(y))
        .map(|(id, ..)| id.clone())
        .collect();
    assert!(!expected.is_empty() && expected.len() < located.len(), "{} of {}", expected.len(), located.len());
    let q = "query($b: BoundingBoxInput!) { projects(filter: { boundingBox: $b }, first: 100) { totalCount nodes { id } } }";
    let found = app.query(Some(&staff), q, json!({ "b": b })).await;
    let ids: HashSet<String> = found["projects"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, expected);

    // A latitude off the globe is a validation error, not an empty list.
    let off = app.post(Some(&staff), q, json!({ "b": { "west": 0, "south": -91, "east": 1, "north": 1 } })).await;
    assert_eq!(off.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert!(off.body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("latitude")), "{}", off.body);
}

#[tokio::test]
async fn the_briefing_maps_every_park_and_each_project_the_campaign_signed() {
    let app = spawn_app().await;
    app.load_demo().await;
    let staff = app.key(Role::Staff, None).await;
    let campaigns = app.query(Some(&staff), "{ campaigns(first: 1, orderBy: { field: STARTS_ON, direction: DESC }) { nodes { id report { agreementsSigned } } } }", json!({})).await;
    let campaign = &campaigns["campaigns"]["nodes"][0];
    let signed = campaign["report"]["agreementsSigned"].as_u64().expect("N");
    let page = download(
        &app,
        Some(&staff),
        &format!("/reports/campaigns/{}/briefing.html", campaign["id"].as_str().unwrap_or("")),
    )
    .await;
    let html = String::from_utf8_lossy(&page.bytes).into_owned();
    let map = &html[html.find("class=\"investment-map\"").expect("a map in the briefing")..];
    let map = &map[..map.find("</svg>").expect("the map's end")];
    // Each demo park is one polygon; each signed project one dot (all demo projects are located).
    assert_eq!(map.matches("<polygon data-park=").count(), 3);
    assert_eq!(map.matches("<circle data-project=").count() as u64, signed);
    assert!(map.contains("公里") && map.contains("北"), "a scale bar and a north arrow");
    // Dots lie within the drawing.
    for circle in map.split("<circle data-project=").skip(1) {
        let attr = |name: &str| -> f64 {
            let at = circle.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
            circle[at..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
        };
        assert!((0.0..=900.0).contains(&attr("cx")) && (0.0..=560.0).contains(&attr("cy")), "{circle}");
    }
}
