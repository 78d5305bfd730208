use chrono::{Duration, Utc};
use entity::enums::Role;
use entity::{api_key, partner};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::helpers::{Fixtures, gid, mutate, payload, spawn_app};

const VIEWER: &str = "{ viewer { role partner { name } } }";

#[tokio::test]
async fn no_key_is_the_public() {
    let app = spawn_app().await;
    let data = app.query(None, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["role"], "PUBLIC");
    assert!(data["viewer"]["partner"].is_null());
}

#[tokio::test]
async fn each_role_is_recognised() {
    let app = spawn_app().await;
    let pid = Fixtures { db: &app.db }.partner("协会甲").await;
    for (role, partner, expected) in
        [(Role::Admin, None, "ADMIN"), (Role::Staff, None, "STAFF"), (Role::Partner, Some(pid), "PARTNER")]
    {
        let key = app.key(role, partner).await;
        let data = app.query(Some(&key), VIEWER, json!({})).await;
        assert_eq!(data["viewer"]["role"], expected);
        if partner.is_some() {
            assert_eq!(data["viewer"]["partner"]["name"], "协会甲");
        }
    }
}

async fn assert_unauthenticated(app: &crate::helpers::TestApp, key: &str) {
    let r = app.post(Some(key), VIEWER, json!({})).await;
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
    assert!(r.body.get("data").is_none());
}

#[tokio::test]
async fn an_unknown_key_is_refused_not_downgraded() {
    let app = spawn_app().await;
    assert_unauthenticated(&app, "zs_not-a-real-key").await;
    assert_unauthenticated(&app, "garbage").await;
}

#[tokio::test]
async fn a_revoked_or_expired_key_is_refused() {
    let app = spawn_app().await;
    let created = api::service::api_key::create(&app.db, "t", Role::Staff, None, None, None).await.expect("key");
    let mut revoked: api_key::ActiveModel = created.key.into();
    revoked.revoked_at = Set(Some(Utc::now()));
    revoked.update(&app.db).await.expect("revoke");
    assert_unauthenticated(&app, &created.secret).await;

    let expired =
        api::service::api_key::create(&app.db, "t", Role::Staff, None, None, Some(Utc::now() - Duration::seconds(1)))
            .await
            .expect("key");
    assert_unauthenticated(&app, &expired.secret).await;
}

#[tokio::test]
async fn a_deactivated_partners_key_is_refused_from_the_next_request() {
    let app = spawn_app().await;
    let pid = Fixtures { db: &app.db }.partner("机构乙").await;
    let key = app.key(Role::Partner, Some(pid)).await;
    let admin = app.key(Role::Admin, None).await;
    app.query(Some(&key), VIEWER, json!({})).await;
    let r = mutate(
        &app,
        Some(&admin),
        "deactivatePartner",
        json!({ "partnerId": gid("Partner", pid) }),
        "partner { isActive }",
    )
    .await;
    assert_eq!(payload(&r, "deactivatePartner")["partner"]["isActive"], false, "{}", r.body);
    assert_unauthenticated(&app, &key).await;
    let stored = partner::Entity::find_by_id(pid).one(&app.db).await.expect("q").expect("partner");
    assert!(!stored.is_active);
}

#[tokio::test]
async fn a_key_revoked_through_one_process_is_refused_by_another_within_a_second() {
    let a = spawn_app().await;
    let b = a.sibling().await;
    let admin = a.key(Role::Admin, None).await;
    let staff = a.key(Role::Staff, None).await;
    // Process b has authenticated the key, and keeps it.
    assert_eq!(b.query(Some(&staff), VIEWER, json!({})).await["viewer"]["role"], "STAFF");
    let key_id = a.query(Some(&admin), "{ apiKeys(filter: { role: STAFF }) { nodes { id } } }", json!({})).await
        ["apiKeys"]["nodes"][0]["id"]
        .clone();
    let r = mutate(
        &a,
        Some(&admin),
        "revokeApiKey",
        json!({ "apiKeyId": key_id }),
        "apiKey { revokedAt } userErrors { code }",
    )
    .await;
    assert!(payload(&r, "revokeApiKey")["apiKey"]["revokedAt"].is_string(), "{}", r.body);
    let revoked = std::time::Instant::now();
    assert_unauthenticated(&a, &staff).await;
    loop {
        let r = b.post(Some(&staff), VIEWER, json!({})).await;
        if r.status == 401 {
            assert_eq!(r.error_code(), "UNAUTHENTICATED");
            break;
        }
        assert!(
            revoked.elapsed() < std::time::Duration::from_secs(1),
            "process b still serves the revoked key: {}",
            r.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    // The admin's key, never revoked, still works in both.
    assert_eq!(b.query(Some(&admin), VIEWER, json!({})).await["viewer"]["role"], "ADMIN");
}

#[tokio::test]
async fn a_known_key_costs_no_statement_on_its_next_requests() {
    let app = spawn_app().await;
    let staff = app.key(Role::Staff, None).await;
    app.query(Some(&staff), "{ __typename }", json!({})).await;
    let before = app.statements();
    for _ in 0..3 {
        app.query(Some(&staff), "{ __typename }", json!({})).await;
    }
    assert_eq!(app.statements() - before, 0, "authenticating a known key read the database");
    // An unknown key is read each time, and refused each time.
    assert_unauthenticated(&app, "zs_not-a-real-key-at-all").await;
    assert!(app.statements() > before);
}

#[tokio::test]
async fn keys_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let created = api::service::api_key::create(&app.db, "t", Role::Admin, None, None, None).await.expect("key");
    let stored = api_key::Entity::find_by_id(created.key.id).one(&app.db).await.expect("q").expect("row");
    assert_ne!(stored.key_hash, created.secret);
    assert_eq!(stored.key_hash.len(), 64);
    assert!(!stored.key_hash.contains(&created.secret[3..]));
}
