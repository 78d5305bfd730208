use chrono::{Duration, Utc};
use entity::enums::Role;
use entity::{api_key, partner};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;

use crate::helpers::{Fixtures, spawn_app};

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
async fn a_deactivated_partners_key_is_refused() {
    let app = spawn_app().await;
    let pid = Fixtures { db: &app.db }.partner("机构乙").await;
    let key = app.key(Role::Partner, Some(pid)).await;
    app.query(Some(&key), VIEWER, json!({})).await;
    let p = partner::Entity::find_by_id(pid).one(&app.db).await.expect("q").expect("partner");
    let mut p: partner::ActiveModel = p.into();
    p.is_active = Set(false);
    p.update(&app.db).await.expect("deactivate");
    assert_unauthenticated(&app, &key).await;
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
