//! Files: uploads over the GraphQL multipart request specification, stored
//! in the local folder and in an S3-compatible store alike, attached to what
//! they document, and downloaded by signed links that serve only the key they
//! were made for, and only while it may see the file.

use entity::enums::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Fixtures, TestApp, gid, spawn_app_with};
use crate::services::{Service, needs};

const ATTACHMENT: &str = "id fileName contentType byteSize sha256 downloadUrl uploadedBy { role }";

/// The stores a test runs on: the local folder, and the S3-compatible store
/// when `TEST_FILES_URL` names one (each test under its own prefix).
async fn stores() -> Vec<Option<String>> {
    let mut out = vec![None];
    if let Some(url) = needs(Service::Files).await {
        let prefix: u64 = rand::random();
        out.push(Some(format!("{}/t{prefix:x}", url.trim_end_matches('/'))));
    }
    out
}

async fn app_on(store: &Option<String>, adjust: impl FnOnce(&mut api::Config)) -> TestApp {
    let store = store.clone();
    spawn_app_with(move |c| {
        if let Some(url) = store {
            c.files_url = url;
        }
        adjust(c);
    })
    .await
}

/// A PDF of about `size` bytes: the signature, then varied bytes.
fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut x: u32 = 2_463_534_242;
    while bytes.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push((x % 251) as u8);
    }
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `uploadFile` with `bytes` named `name`: the HTTP status and the body.
pub(crate) async fn upload(app: &TestApp, key: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let query = format!(
        "mutation($input: UploadFileInput!) {{ uploadFile(input: $input) {{ attachment {{ {ATTACHMENT} }} userErrors {{ field code message }} }} }}"
    );
    let operations = json!({ "query": query, "variables": { "input": { "file": null } } });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.input.file"] }).to_string())
        .part("0", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let r = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .expect("request");
    (r.status().as_u16(), r.json().await.expect("JSON"))
}

/// An upload that must succeed: its attachment.
async fn uploaded(app: &TestApp, key: &str, name: &str, bytes: Vec<u8>) -> Value {
    let (status, body) = upload(app, key, name, bytes).await;
    let attachment = &body["data"]["uploadFile"]["attachment"];
    assert!(status == 200 && attachment.is_object(), "{status} {body}");
    attachment.clone()
}

async fn attach(app: &TestApp, key: &str, attachment: &Value, parent: &str) -> Value {
    let q = format!(
        "mutation($i: AttachFileInput!) {{ attachFile(input: $i) {{ attachment {{ {ATTACHMENT} }} userErrors {{ field code }} }} }}"
    );
    let body = app.query(Some(key), &q, json!({ "i": { "attachmentId": attachment["id"], "parentId": parent } })).await;
    body["attachFile"].clone()
}

struct Fetched {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

async fn fetch(app: &TestApp, key: Option<&str>, url: &str, range: Option<&str>) -> Fetched {
    let mut req = app.client.get(format!("{}{url}", app.address));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(r) = range {
        req = req.header("range", r);
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    Fetched { status, headers, bytes: r.bytes().await.expect("body").to_vec() }
}

fn header<'a>(f: &'a Fetched, name: &str) -> &'a str {
    f.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// Files under the local store's folder (none for an S3 store).
fn stored_files(app: &TestApp) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
            .unwrap_or(0)
    }
    if app.config.files_url.contains("://") { 0 } else { walk(std::path::Path::new(&app.config.files_url)) }
}

#[tokio::test]
async fn an_upload_attached_to_a_project_downloads_byte_for_byte_with_its_sha256_and_by_ranges() {
    for store in stores().await {
        let app = app_on(&store, |_| {}).await;
        let staff = app.key(Role::Staff, None).await;
        let project = Fixtures { db: &app.db }.project("海港冷链", 100_000_000, false, None, None).await;
        // Larger than a chunk of the stream, so that it arrives in parts.
        let bytes = pdf(700 * 1024 + 3);
        let a = uploaded(&app, &staff, "投资协议（扫描件）.pdf", bytes.clone()).await;
        assert_eq!(
            (a["contentType"].as_str(), a["byteSize"].as_u64()),
            (Some("application/pdf"), Some(bytes.len() as u64))
        );
        assert_eq!(a["sha256"].as_str(), Some(sha256(&bytes).as_str()));
        assert_eq!(a["uploadedBy"]["role"], "STAFF");
        let attached = attach(&app, &staff, &a, &gid("Project", project)).await;
        assert_eq!(attached["userErrors"], json!([]), "{attached}");

        let q = "query($id: ID!) { node(id: $id) { ... on Project { attachments { totalCount nodes { id sha256 downloadUrl } } } } }";
        let read = app.query(Some(&staff), q, json!({ "id": gid("Project", project) })).await;
        let listed = &read["node"]["attachments"];
        assert_eq!(listed["totalCount"], 1);
        let url = listed["nodes"][0]["downloadUrl"].as_str().expect("a link").to_owned();

        let whole = fetch(&app, Some(&staff), &url, None).await;
        assert_eq!(whole.status, 200);
        assert_eq!(sha256(&whole.bytes), sha256(&bytes), "the bytes came back changed");
        assert_eq!(header(&whole, "content-type"), "application/pdf");
        assert_eq!(header(&whole, "accept-ranges"), "bytes");
        let disposition = header(&whole, "content-disposition");
        assert!(disposition.contains("filename*=UTF-8''%E6%8A%95%E8%B5%84"), "{disposition}");

        let part = fetch(&app, Some(&staff), &url, Some("bytes=100-199")).await;
        assert_eq!(
            (part.status, header(&part, "content-range")),
            (206, format!("bytes 100-199/{}", bytes.len()).as_str())
        );
        assert_eq!(part.bytes, bytes[100..200]);
        let tail = fetch(&app, Some(&staff), &url, Some("bytes=-10")).await;
        assert_eq!((tail.status, tail.bytes.as_slice()), (206, &bytes[bytes.len() - 10..]));
        let beyond = fetch(&app, Some(&staff), &url, Some(&format!("bytes={}-", bytes.len()))).await;
        assert_eq!(
            (beyond.status, header(&beyond, "content-range")),
            (416, format!("bytes */{}", bytes.len()).as_str())
        );
    }
}

#[tokio::test]
async fn a_partner_cannot_download_another_partners_file_by_id_or_by_a_link_made_for_someone_else() {
    for store in stores().await {
        let app = app_on(&store, |_| {}).await;
        let f = Fixtures { db: &app.db };
        let (pa, pb) = (f.partner("甲商会").await, f.partner("乙协会").await);
        let (ka, kb) = (app.key(Role::Partner, Some(pa)).await, app.key(Role::Partner, Some(pb)).await);
        let lead_a = f.lead(pa, "甲方线索企业", None).await;
        let lead_b = f.lead(pb, "乙方线索企业", None).await;
        let mine = uploaded(&app, &ka, "企业简介.pdf", pdf(4096)).await;
        assert_eq!(attach(&app, &ka, &mine, &gid("Lead", lead_a)).await["userErrors"], json!([]));
        let theirs = uploaded(&app, &kb, "项目计划书.pdf", pdf(2048)).await;

        // By id: B does not see A's file, nor attach it, nor A's lead.
        let node = app.query(Some(&kb), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": mine["id"] })).await;
        assert_eq!(node["node"], Value::Null);
        let r = attach(&app, &kb, &mine, &gid("Lead", lead_b)).await;
        assert_eq!(r["userErrors"][0]["code"], "NOT_FOUND");
        let r = attach(&app, &kb, &theirs, &gid("Lead", lead_a)).await;
        assert_eq!(r["userErrors"][0]["code"], "NOT_FOUND", "{r}");

        // By link: A's link serves A, with A's key, and nobody else.
        let link = mine["downloadUrl"].as_str().expect("link").to_owned();
        assert_eq!(fetch(&app, Some(&ka), &link, None).await.status, 200);
        assert_eq!(fetch(&app, Some(&kb), &link, None).await.status, 403);
        assert_eq!(fetch(&app, None, &link, None).await.status, 403);
        // B's own link with A's file id in it: the signature no longer holds.
        let forged = theirs["downloadUrl"]
            .as_str()
            .expect("link")
            .replace(theirs["id"].as_str().expect("id"), mine["id"].as_str().expect("id"));
        assert_eq!(fetch(&app, Some(&kb), &forged, None).await.status, 403);
        assert_eq!(
            fetch(&app, Some(&kb), &format!("/files/{}", mine["id"].as_str().unwrap_or("")), None).await.status,
            403
        );

        // An expired link, signed as the server signs: refused.
        let files = api::files::Files::from_config(&app.config);
        let (id, key) = (api::ids::decode_as(mine["id"].as_str().unwrap_or(""), "Attachment"), link_key(&link));
        let id = id.expect("an attachment id");
        let past = chrono::Utc::now().timestamp() - 1;
        let expired = format!(
            "/files/{}?key={key}&expires={past}&signature={}",
            mine["id"].as_str().unwrap_or(""),
            files.sign(id, key, past)
        );
        let r = fetch(&app, Some(&ka), &expired, None).await;
        assert_eq!(r.status, 403);
        assert!(String::from_utf8_lossy(&r.bytes).contains("expired"));

        // A revoked key's links die with it.
        let revoke = "mutation($id: ID!) { revokeApiKey(input: { apiKeyId: $id }) { userErrors { code } } }";
        let r = app.query(Some(&ka), revoke, json!({ "id": gid("ApiKey", key) })).await;
        assert_eq!(r["revokeApiKey"]["userErrors"], json!([]), "{r}");
        let r = fetch(&app, Some(&ka), &link, None).await;
        assert_eq!(r.status, 403);
        assert!(String::from_utf8_lossy(&r.bytes).contains("no longer valid"));
    }
}

fn link_key(url: &str) -> i64 {
    url.split(['?', '&']).find_map(|p| p.strip_prefix("key=")).and_then(|k| k.parse().ok()).expect("key")
}

#[tokio::test]
async fn an_oversized_upload_is_payload_too_large_and_nothing_is_stored() {
    for store in stores().await {
        let app = app_on(&store, |c| c.max_upload_bytes = 64 * 1024).await;
        let staff = app.key(Role::Staff, None).await;
        let partner = Fixtures { db: &app.db }.partner("丙商会").await;
        let pk = app.key(Role::Partner, Some(partner)).await;
        // Staff may send videos, so the body arrives; the file is refused.
        let (status, body) = upload(&app, &staff, "大文件.pdf", pdf(100 * 1024)).await;
        assert_eq!(
            (status, body["errors"][0]["extensions"]["code"].as_str()),
            (200, Some("PAYLOAD_TOO_LARGE")),
            "{body}"
        );
        // A partner's body over the limit is cut off at the door.
        let (status, body) = upload(&app, &pk, "大文件.pdf", pdf(200 * 1024)).await;
        assert_eq!(
            (status, body["errors"][0]["extensions"]["code"].as_str()),
            (413, Some("PAYLOAD_TOO_LARGE")),
            "{body}"
        );
        assert_eq!(app.count("attachments").await, 0);
        assert_eq!(stored_files(&app), 0);
    }
}

#[tokio::test]
async fn a_file_whose_bytes_contradict_its_name_is_invalid_format_and_nothing_is_stored() {
    let app = app_on(&None, |_| {}).await;
    let staff = app.key(Role::Staff, None).await;
    for name in ["效果图.jpg", "说明.txt", "setup.exe", "无扩展名"] {
        let (status, body) = upload(&app, &staff, name, pdf(2048)).await;
        let p = &body["data"]["uploadFile"];
        assert_eq!(status, 200);
        assert_eq!(p["userErrors"][0]["code"], "INVALID_FORMAT", "{name}: {body}");
        assert_eq!(p["userErrors"][0]["field"], json!(["input", "file"]));
    }
    assert_eq!((app.count("attachments").await, stored_files(&app)), (0, 0));
    // The public uploads nothing.
    let form = reqwest::multipart::Form::new().text("operations", "{}").text("map", "{}");
    let r = app.client.post(format!("{}/graphql", app.address)).multipart(form).send().await.expect("request");
    assert_eq!(r.status().as_u16(), 401);
}

#[tokio::test]
async fn an_upload_named_in_a_json_request_without_its_file_is_a_clear_error_and_the_server_stays_up() {
    let app = app_on(&None, |_| {}).await;
    let staff = app.key(Role::Staff, None).await;
    let q = "mutation($i: UploadFileInput!) { uploadFile(input: $i) { attachment { id } } }";
    // The form a multipart request gives the variable, written by hand: no file 0 was sent.
    let missing = app.post(Some(&staff), q, json!({ "i": { "file": "#__graphql_file__:0" } })).await;
    assert_eq!(missing.error_code(), "BAD_REQUEST", "{}", missing.body);
    let garbled = app.post(Some(&staff), q, json!({ "i": { "file": "#__graphql_file__:x" } })).await;
    assert_eq!(garbled.error_code(), "GRAPHQL_VALIDATION_FAILED", "{}", garbled.body);
    let ledger = "mutation($i: ImportLedgerInput!) { importLedger(input: $i) { userErrors { code } } }";
    let r =
        app.post(Some(&staff), ledger, json!({ "i": { "kind": "AGREEMENTS", "file": "#__graphql_file__:9" } })).await;
    assert_eq!(r.error_code(), "BAD_REQUEST", "{}", r.body);
    // Still serving.
    let after = uploaded(&app, &staff, "简介.pdf", pdf(1024)).await;
    assert!(after["id"].is_string());
    assert_eq!(app.count("attachments").await, 1);
}

#[tokio::test]
async fn the_public_lists_and_downloads_a_published_brochure_but_not_an_unpublished_one() {
    for store in stores().await {
        let app = app_on(&store, |_| {}).await;
        let staff = app.key(Role::Staff, None).await;
        let brochure = pdf(9000);
        let published = uploaded(&app, &staff, "新能源产业招商手册.pdf", brochure.clone()).await;
        let draft = uploaded(&app, &staff, "内部草稿.pdf", pdf(5000)).await;
        let create = "mutation($i: CreateMaterialInput!) { createMaterial(input: $i) { material { id file { id downloadUrl } } userErrors { field code } } }";
        let sector = gid("Sector", Fixtures { db: &app.db }.sector().await);
        let m1 = app
            .query(Some(&staff), create, json!({ "i": { "title": "新能源产业招商手册", "kind": "BROCHURE", "fileId": published["id"], "isPublished": true, "sectorIds": [sector] } }))
            .await;
        assert_eq!(m1["createMaterial"]["userErrors"], json!([]), "{m1}");
        let m2 = app
            .query(
                Some(&staff),
                create,
                json!({ "i": { "title": "内部草稿", "kind": "SLIDES", "fileId": draft["id"] } }),
            )
            .await;
        let draft_material = m2["createMaterial"]["material"]["id"].clone();
        // A file serves one material at most.
        let again = app
            .query(Some(&staff), create, json!({ "i": { "title": "重复", "kind": "OTHER", "fileId": draft["id"] } }))
            .await;
        assert_eq!(again["createMaterial"]["userErrors"][0]["code"], "FORBIDDEN_TRANSITION", "{again}");

        let list =
            "{ materials { totalCount nodes { title kind sectors { nodes { code } } file { sha256 downloadUrl } } } }";
        let public = app.query(None, list, json!({})).await;
        assert_eq!(public["materials"]["totalCount"], 1);
        let entry = &public["materials"]["nodes"][0];
        assert_eq!((entry["title"].as_str(), entry["kind"].as_str()), (Some("新能源产业招商手册"), Some("BROCHURE")));
        let got = fetch(&app, None, entry["file"]["downloadUrl"].as_str().expect("link"), None).await;
        assert_eq!((got.status, sha256(&got.bytes)), (200, sha256(&brochure)));

        let hidden = app.query(None, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": draft_material })).await;
        assert_eq!(hidden["node"], Value::Null);
        let hidden = app.query(None, "query($id: ID!) { node(id: $id) { id } }", json!({ "id": draft["id"] })).await;
        assert_eq!(hidden["node"], Value::Null);
        // Staff's link to the draft is of no use without staff's key.
        let staff_link = m2["createMaterial"]["material"]["file"]["downloadUrl"].as_str().expect("link").to_owned();
        assert_eq!(fetch(&app, None, &staff_link, None).await.status, 403);
        assert_eq!(fetch(&app, Some(&staff), &staff_link, None).await.status, 200);
        assert_eq!(app.query(Some(&staff), list, json!({})).await["materials"]["totalCount"], 2);
    }
}

#[tokio::test]
async fn distributions_are_counted_in_the_campaign_report_and_each_partner_sees_its_own() {
    let app = app_on(&None, |_| {}).await;
    let staff = app.key(Role::Staff, None).await;
    let f = Fixtures { db: &app.db };
    let campaign = f.campaign("十一月招商月", "2026-11-01", "2026-11-30", (1, 100, 0)).await;
    let (pa, pb) = (f.partner("甲商会").await, f.partner("乙协会").await);
    let (ka, kb) = (app.key(Role::Partner, Some(pa)).await, app.key(Role::Partner, Some(pb)).await);
    let create = "mutation($i: CreateMaterialInput!) { createMaterial(input: $i) { material { id } userErrors { field code } } }";
    let m = app.query(Some(&staff), create, json!({ "i": { "title": "投资指南", "kind": "POLICY_DIGEST", "url": "https://example.org/guide", "isPublished": true } })).await;
    let material = m["createMaterial"]["material"]["id"].clone();
    let hidden = app
        .query(
            Some(&staff),
            create,
            json!({ "i": { "title": "内部", "kind": "OTHER", "url": "https://example.org/x" } }),
        )
        .await;
    let hidden = hidden["createMaterial"]["material"]["id"].clone();
    let nothing = app.query(Some(&staff), create, json!({ "i": { "title": "空", "kind": "OTHER" } })).await;
    assert_eq!(nothing["createMaterial"]["userErrors"], json!([{ "field": ["input", "fileId"], "code": "REQUIRED" }]));

    let record = "mutation($i: RecordMaterialDistributionInput!) { recordMaterialDistribution(input: $i) { materialDistribution { id channel partner { id } } userErrors { field code } } }";
    let cases = [
        (&staff, &material, "IN_PERSON", "2026-11-05", None),
        (&staff, &material, "EMAIL", "2026-12-02", None),
        (&ka, &material, "PARTNER", "2026-11-20", None),
        (&kb, &material, "PARTNER", "2026-11-21", None),
        (&kb, &hidden, "PARTNER", "2026-11-22", Some("NOT_FOUND")),
    ];
    for (key, m, channel, on, refused) in cases {
        let r = app
            .query(Some(key), record, json!({ "i": { "materialId": m, "channel": channel, "distributedOn": on, "enterpriseName": "华东某新能源企业" } }))
            .await;
        let p = &r["recordMaterialDistribution"];
        match refused {
            None => assert_eq!(p["userErrors"], json!([]), "{r}"),
            Some(code) => assert_eq!(p["userErrors"][0]["code"], code, "{r}"),
        }
    }
    let report = app
        .query(
            Some(&staff),
            "query($id: ID!) { campaign(id: $id) { report { materialsDistributed } } }",
            json!({ "id": gid("Campaign", campaign) }),
        )
        .await;
    assert_eq!(report["campaign"]["report"]["materialsDistributed"], 3, "the three on the campaign's days");
    let mine =
        app.query(Some(&ka), "{ materialDistributions { totalCount nodes { partner { id } } } }", json!({})).await;
    assert_eq!(mine["materialDistributions"]["totalCount"], 1);
    assert_eq!(mine["materialDistributions"]["nodes"][0]["partner"]["id"], gid("Partner", pa));
    let perf =
        app.query(Some(&staff), "{ partners { nodes { id performance { materialsDistributed } } } }", json!({})).await;
    for p in perf["partners"]["nodes"].as_array().expect("partners") {
        assert_eq!(p["performance"]["materialsDistributed"], 1, "{p}");
    }
    let public = app.query(None, "{ materialDistributions { totalCount } }", json!({})).await;
    assert_eq!(public["materialDistributions"]["totalCount"], 0);
}
