//! The office's set-up (ADMIN): campaigns and quotas, the managed lists,
//! events, incentives, partners and their keys.

use super::tx::finish;
use super::tx::start;
use super::write::exists;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{EventKind, IncentiveKind, PartnerKind, Role};
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QuerySelect,
};
use serde::Serialize;

use super::api_keys::{self, NewKey};
use super::audit;
use super::refs::{IdRef, Ref, check_refs};
use super::tx::{begin, check_fresh, content_hash, guarded_update, load, now, unique_or};
use super::write::{
    Actor, Path, UserErrorCode, WriteError, WriteResult, at, forbidden_transition, not_found, user_error,
};
use crate::domain::money::Money;
use crate::domain::text::fold;

// ------------------------------------------------------------------ campaigns

#[derive(Debug, Clone, Serialize)]
pub struct CampaignFields {
    pub name: Option<String>,
    pub region: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub target_agreements: Option<i32>,
    pub target_investment: Option<Money>,
    pub target_foreign_capital: Option<Money>,
    pub is_active: Option<bool>,
    pub sector_ids: Option<Vec<i64>>,
}

fn check_period(path: &Path, starts: NaiveDate, ends: NaiveDate) -> WriteResult<()> {
    if ends < starts {
        return Err(user_error(
            at(path, "endsOn"),
            UserErrorCode::OutOfRange,
            "结束日期不能早于开始日期",
            "the end cannot precede the start",
        ));
    }
    Ok(())
}

async fn check_sectors<C: ConnectionTrait>(db: &C, path: &Path, ids: &Option<Vec<i64>>, bad: bool) -> WriteResult<()> {
    let Some(ids) = ids else { return Ok(()) };
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    let found = sector::Entity::find().filter(sector::Column::Id.is_in(unique.clone())).count(db).await?;
    if bad || found as usize != unique.len() {
        return Err(not_found(path, "sectorIds", "行业", "sector"));
    }
    Ok(())
}

async fn set_sectors<C: ConnectionTrait>(db: &C, campaign_id: i64, ids: &[i64]) -> Result<(), sea_orm::DbErr> {
    campaign_sector::Entity::delete_many().filter(campaign_sector::Column::CampaignId.eq(campaign_id)).exec(db).await?;
    if !ids.is_empty() {
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        campaign_sector::Entity::insert_many(
            unique
                .into_iter()
                .map(|s| campaign_sector::ActiveModel { campaign_id: Set(campaign_id), sector_id: Set(s) }),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

pub async fn create_campaign(
    db: &DatabaseConnection,
    actor: &Actor,
    f: CampaignFields,
    bad_sectors: bool,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<campaign::Model> {
    actor.require_admin()?;
    let (starts, ends) = (f.starts_on.unwrap_or_default(), f.ends_on.unwrap_or_default());
    check_period(path, starts, ends)?;
    let (txn, claim) = match start::<campaign::Entity>(db, actor, "createCampaign", key, content_hash(&f), path).await?
    {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    check_sectors(&txn, path, &f.sector_ids, bad_sectors).await?;
    let name = f.name.unwrap_or_default();
    let t = now();
    let c = campaign::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        region: Set(f.region.unwrap_or_default()),
        starts_on: Set(starts),
        ends_on: Set(ends),
        target_agreements: Set(f.target_agreements.unwrap_or(0)),
        target_investment_fen: Set(f.target_investment.unwrap_or_default().fen()),
        target_foreign_capital_fen: Set(f.target_foreign_capital.unwrap_or_default().fen()),
        is_active: Set(f.is_active.unwrap_or(true)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_sectors(&txn, c.id, f.sector_ids.as_deref().unwrap_or_default()).await?;
    finish(txn, actor, claim, "createCampaign", "Campaign", c.id, &c).await?;
    Ok(c)
}

pub async fn update_campaign(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Option<i64>,
    f: CampaignFields,
    bad_sectors: bool,
    expected: Option<DateTime<Utc>>,
    path: &Path,
) -> WriteResult<campaign::Model> {
    actor.require_admin()?;
    let txn = begin(db).await?;
    let current = match id {
        Some(id) => campaign::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "campaignId", "招商活动", "campaign"))?;
    check_fresh(path, current.updated_at, expected)?;
    check_period(path, f.starts_on.unwrap_or(current.starts_on), f.ends_on.unwrap_or(current.ends_on))?;
    check_sectors(&txn, path, &f.sector_ids, bad_sectors).await?;
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.name = Set(name);
    }
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v); } )*};
    }
    set!(region, starts_on, ends_on, target_agreements, is_active);
    if let Some(v) = f.target_investment {
        m.target_investment_fen = Set(v.fen());
    }
    if let Some(v) = f.target_foreign_capital {
        m.target_foreign_capital_fen = Set(v.fen());
    }
    guarded_update::<campaign::Entity, _, _>(
        &txn,
        path,
        m,
        campaign::Column::Id,
        current.id,
        campaign::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    if let Some(ids) = &f.sector_ids {
        set_sectors(&txn, current.id, ids).await?;
    }
    let after = load::<campaign::Entity>(&txn, current.id).await?;
    audit::record(&txn, actor, "updateCampaign", "Campaign", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Serialize)]
pub struct SetQuota {
    pub campaign_id: Option<i64>,
    pub department_id: Option<i64>,
    pub person: String,
    pub target_agreements: i32,
    pub target_investment: Money,
    pub target_foreign_capital: Money,
}

/// `setDepartmentQuota`: creates or replaces the quota of a department (or one
/// of its people) in a campaign.
pub async fn set_quota(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: SetQuota,
    refs: (IdRef, IdRef),
    path: &Path,
) -> WriteResult<quota::Model> {
    actor.require_admin()?;
    let txn = begin(db).await?;
    check_refs(&txn, path, &[("campaignId", refs.0, Ref::Campaign), ("departmentId", refs.1, Ref::Department)]).await?;
    let (campaign_id, department_id) = (cmd.campaign_id.unwrap_or_default(), cmd.department_id.unwrap_or_default());
    let current = quota::Entity::find()
        .filter(quota::Column::CampaignId.eq(campaign_id))
        .filter(quota::Column::DepartmentId.eq(department_id))
        .filter(quota::Column::Person.eq(cmd.person.clone()))
        .one(&txn)
        .await?;
    let t = now();
    let after = match &current {
        Some(q) => {
            let mut m = q.clone().into_active_model();
            m.target_agreements = Set(cmd.target_agreements);
            m.target_investment_fen = Set(cmd.target_investment.fen());
            m.target_foreign_capital_fen = Set(cmd.target_foreign_capital.fen());
            m.updated_at = Set(t);
            m.update(&txn).await?
        }
        None => {
            quota::ActiveModel {
                campaign_id: Set(campaign_id),
                department_id: Set(department_id),
                person: Set(cmd.person),
                target_agreements: Set(cmd.target_agreements),
                target_investment_fen: Set(cmd.target_investment.fen()),
                target_foreign_capital_fen: Set(cmd.target_foreign_capital.fen()),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(&txn, actor, "setDepartmentQuota", "Quota", after.id, current.as_ref(), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

// -------------------------------------------------------------- managed lists

pub async fn create_department(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<department::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<department::Entity>(db, actor, "createDepartment", key, content_hash(&name), path).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let d = department::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(exists(path, "name", "已有同名部门", "a department with this name exists")))?;
    finish(txn, actor, claim, "createDepartment", "Department", d.id, &d).await?;
    Ok(d)
}

pub async fn create_sector(
    db: &DatabaseConnection,
    actor: &Actor,
    code: String,
    name: String,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<sector::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<sector::Entity>(db, actor, "createSector", key, content_hash(&(&code, &name)), path).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let s = sector::ActiveModel {
        code: Set(code),
        search_name: Set(fold(&name)),
        name: Set(name),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(exists(path, "code", "已有该代码的行业", "a sector with this code exists")))?;
    finish(txn, actor, claim, "createSector", "Sector", s.id, &s).await?;
    Ok(s)
}

pub async fn create_park(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    description: Option<String>,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<park::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<park::Entity>(db, actor, "createPark", key, content_hash(&(&name, &description)), path).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let p = park::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        description: Set(description),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(exists(path, "name", "已有同名园区", "a park with this name exists")))?;
    finish(txn, actor, claim, "createPark", "Park", p.id, &p).await?;
    Ok(p)
}

#[derive(Debug, Clone, Serialize)]
pub struct CreateEvent {
    pub campaign_id: Option<i64>,
    pub title: String,
    pub kind: EventKind,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub link: Option<String>,
    pub participant_ids: Vec<i64>,
}

/// `createEvent` (staff): a promotion event of a campaign, with its participants.
pub async fn create_event(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: CreateEvent,
    campaign_ref: IdRef,
    bad_participants: bool,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<event::Model> {
    actor.require_staff()?;
    let (txn, claim) = match start::<event::Entity>(db, actor, "createEvent", key, content_hash(&cmd), path).await? {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    check_refs(&txn, path, &[("campaignId", campaign_ref, Ref::Campaign)]).await?;
    let mut ids = cmd.participant_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let found = enterprise::Entity::find().filter(enterprise::Column::Id.is_in(ids.clone())).count(&txn).await?;
    if bad_participants || found as usize != ids.len() {
        return Err(not_found(path, "participantIds", "企业", "enterprise"));
    }
    let t = now();
    let e = event::ActiveModel {
        campaign_id: Set(cmd.campaign_id.unwrap_or_default()),
        search_name: Set(fold(&cmd.title)),
        title: Set(cmd.title),
        kind: Set(cmd.kind),
        held_on: Set(cmd.held_on),
        place: Set(cmd.place),
        link: Set(cmd.link),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !ids.is_empty() {
        event_participant::Entity::insert_many(
            ids.into_iter().map(|p| event_participant::ActiveModel { event_id: Set(e.id), enterprise_id: Set(p) }),
        )
        .exec(&txn)
        .await?;
    }
    finish(txn, actor, claim, "createEvent", "Event", e.id, &e).await?;
    Ok(e)
}

// ----------------------------------------------------------------- incentives

#[derive(Debug, Clone, Serialize)]
pub struct IncentiveFields {
    pub title: Option<String>,
    pub kind: Option<IncentiveKind>,
    pub issuer: Option<String>,
    pub summary: Option<String>,
    pub document_number: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub is_published: Option<bool>,
    pub min_investment: Option<Money>,
    pub min_foreign_capital: Option<Money>,
    pub high_tech_only: Option<bool>,
    pub foreign_invested_only: Option<bool>,
    pub sector_ids: Option<Vec<i64>>,
}

fn check_validity(path: &Path, from: Option<NaiveDate>, to: Option<NaiveDate>) -> WriteResult<()> {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(user_error(
                at(path, "validTo"),
                UserErrorCode::OutOfRange,
                "失效日期不能早于生效日期",
                "validTo cannot precede validFrom",
            ));
        }
    }
    Ok(())
}

async fn set_incentive_sectors<C: ConnectionTrait>(db: &C, id: i64, ids: &[i64]) -> Result<(), sea_orm::DbErr> {
    incentive_sector::Entity::delete_many().filter(incentive_sector::Column::IncentiveId.eq(id)).exec(db).await?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if !unique.is_empty() {
        incentive_sector::Entity::insert_many(
            unique.into_iter().map(|s| incentive_sector::ActiveModel { incentive_id: Set(id), sector_id: Set(s) }),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

pub async fn create_incentive(
    db: &DatabaseConnection,
    actor: &Actor,
    f: IncentiveFields,
    bad_sectors: bool,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<incentive::Model> {
    actor.require_admin()?;
    check_validity(path, f.valid_from, f.valid_to)?;
    let (txn, claim) =
        match start::<incentive::Entity>(db, actor, "createIncentive", key, content_hash(&f), path).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    check_sectors(&txn, path, &f.sector_ids, bad_sectors).await?;
    let title = f.title.unwrap_or_default();
    let t = now();
    let i = incentive::ActiveModel {
        search_name: Set(fold(&title)),
        title: Set(title),
        kind: Set(f.kind.unwrap_or(IncentiveKind::Subsidy)),
        issuer: Set(f.issuer.unwrap_or_default()),
        summary: Set(f.summary),
        document_number: Set(f.document_number),
        valid_from: Set(f.valid_from),
        valid_to: Set(f.valid_to),
        is_published: Set(f.is_published.unwrap_or(false)),
        min_investment_fen: Set(f.min_investment.map(Money::fen)),
        min_foreign_capital_fen: Set(f.min_foreign_capital.map(Money::fen)),
        high_tech_only: Set(f.high_tech_only.unwrap_or(false)),
        foreign_invested_only: Set(f.foreign_invested_only.unwrap_or(false)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    set_incentive_sectors(&txn, i.id, f.sector_ids.as_deref().unwrap_or_default()).await?;
    finish(txn, actor, claim, "createIncentive", "Incentive", i.id, &i).await?;
    Ok(i)
}

pub async fn update_incentive(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Option<i64>,
    f: IncentiveFields,
    bad_sectors: bool,
    expected: Option<DateTime<Utc>>,
    action: &str,
    path: &Path,
) -> WriteResult<incentive::Model> {
    actor.require_admin()?;
    let txn = begin(db).await?;
    let current = match id {
        Some(id) => incentive::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "incentiveId", "优惠政策", "incentive"))?;
    check_fresh(path, current.updated_at, expected)?;
    check_validity(path, f.valid_from.or(current.valid_from), f.valid_to.or(current.valid_to))?;
    check_sectors(&txn, path, &f.sector_ids, bad_sectors).await?;
    let mut m = current.clone().into_active_model();
    if let Some(title) = f.title {
        m.search_name = Set(fold(&title));
        m.title = Set(title);
    }
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v.into()); } )*};
    }
    set!(kind, issuer, is_published, high_tech_only, foreign_invested_only);
    set!(summary, document_number, valid_from, valid_to);
    if let Some(v) = f.min_investment {
        m.min_investment_fen = Set(Some(v.fen()));
    }
    if let Some(v) = f.min_foreign_capital {
        m.min_foreign_capital_fen = Set(Some(v.fen()));
    }
    guarded_update::<incentive::Entity, _, _>(
        &txn,
        path,
        m,
        incentive::Column::Id,
        current.id,
        incentive::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    if let Some(ids) = &f.sector_ids {
        set_incentive_sectors(&txn, current.id, ids).await?;
    }
    let after = load::<incentive::Entity>(&txn, current.id).await?;
    audit::record(&txn, actor, action, "Incentive", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

// ------------------------------------------------------------ partners, keys

pub async fn create_partner(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    kind: PartnerKind,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<partner::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<partner::Entity>(db, actor, "createPartner", key, content_hash(&(&name, kind)), path).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let t = now();
    let p = partner::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        kind: Set(kind),
        is_active: Set(true),
        deactivated_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(exists(path, "name", "已有同名合作机构", "a partner with this name exists")))?;
    finish(txn, actor, claim, "createPartner", "Partner", p.id, &p).await?;
    Ok(p)
}

/// `deactivatePartner`: the partner and all its keys stop working at once.
pub async fn deactivate_partner(
    db: &DatabaseConnection,
    actor: &Actor,
    partner_id: Option<i64>,
    path: &Path,
) -> WriteResult<partner::Model> {
    actor.require_admin()?;
    let txn = begin(db).await?;
    let current = match partner_id {
        Some(id) => partner::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "partnerId", "合作机构", "partner"))?;
    if !current.is_active {
        return Err(forbidden_transition(path, "partnerId", "该合作机构已停用", "the partner is already deactivated"));
    }
    let t = now();
    let mut m = current.clone().into_active_model();
    m.is_active = Set(false);
    m.deactivated_at = Set(Some(t));
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    let revoked = api_key::Entity::find()
        .filter(api_key::Column::PartnerId.eq(after.id))
        .filter(api_key::Column::RevokedAt.is_null())
        .all(&txn)
        .await?;
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, sea_orm::sea_query::Expr::value(t))
        .col_expr(api_key::Column::UpdatedAt, sea_orm::sea_query::Expr::value(t))
        .filter(api_key::Column::PartnerId.eq(after.id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    for key in &revoked {
        super::events::key_revoked(&txn, key.id).await?;
    }
    // Its webhooks stop: deleted, their pending deliveries given up.
    entity::webhook::Entity::update_many()
        .col_expr(entity::webhook::Column::DeletedAt, sea_orm::sea_query::Expr::value(t))
        .filter(entity::webhook::Column::PartnerId.eq(after.id))
        .filter(entity::webhook::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(&txn, actor, "deactivatePartner", "Partner", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

/// `createApiKey` (ADMIN): the secret exists only in the first answer. A replay
/// of the same idempotency key returns the key without its secret, which is
/// stored nowhere.
#[allow(clippy::too_many_arguments)]
pub async fn create_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    name: String,
    role: Role,
    partner: IdRef,
    expires_at: Option<DateTime<Utc>>,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<(api_key::Model, Option<String>)> {
    actor.require_admin()?;
    if role == Role::Partner && !partner.1 {
        return Err(user_error(
            at(path, "partnerId"),
            UserErrorCode::Required,
            "合作机构密钥须指定合作机构",
            "a PARTNER key needs a partner",
        ));
    }
    if role != Role::Partner && partner.1 {
        return Err(user_error(
            at(path, "partnerId"),
            UserErrorCode::OutOfRange,
            "只有合作机构密钥属于合作机构",
            "only PARTNER keys belong to a partner",
        ));
    }
    if role == Role::Public {
        return Err(user_error(
            at(path, "role"),
            UserErrorCode::OutOfRange,
            "公众访问无需密钥",
            "the public needs no key",
        ));
    }
    if expires_at.is_some_and(|t| t <= Utc::now()) {
        return Err(user_error(
            at(path, "expiresAt"),
            UserErrorCode::OutOfRange,
            "过期时间须晚于当前时间",
            "expiresAt must lie in the future",
        ));
    }
    let hash = content_hash(&(&name, role, partner.0, expires_at));
    let (txn, claim) = match start::<api_key::Entity>(db, actor, "createApiKey", key, hash, path).await? {
        Ok(t) => t,
        Err(replay) => return Ok((replay, None)),
    };
    check_refs(&txn, path, &[("partnerId", partner, Ref::Partner)]).await?;
    if let Some(pid) = partner.0 {
        let active = partner::Entity::find_by_id(pid).one(&txn).await?.is_some_and(|p| p.is_active);
        if !active {
            return Err(forbidden_transition(path, "partnerId", "该合作机构已停用", "the partner is deactivated"));
        }
    }
    let new: NewKey = api_keys::create(&txn, &name, role, partner.0, expires_at).await.map_err(WriteError::App)?;
    finish(txn, actor, claim, "createApiKey", "ApiKey", new.key.id, &new.key).await?;
    Ok((new.key, Some(new.secret)))
}

/// `revokeApiKey`: effective on the key's next request. Admins revoke any key,
/// a partner its own.
pub async fn revoke_api_key(
    db: &DatabaseConnection,
    actor: &Actor,
    key_id: Option<i64>,
    path: &Path,
) -> WriteResult<api_key::Model> {
    if !actor.principal.is_admin() && actor.principal.partner().is_none() {
        return Err(WriteError::Forbidden);
    }
    let txn = begin(db).await?;
    let current = match key_id {
        Some(id) => super::leads::find_visible::<api_key::Entity, _>(&txn, actor, id).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "apiKeyId", "密钥", "API key"))?;
    if current.revoked_at.is_some() {
        return Err(forbidden_transition(path, "apiKeyId", "该密钥已吊销", "the key is already revoked"));
    }
    let t = now();
    let mut m = current.clone().into_active_model();
    m.revoked_at = Set(Some(t));
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "revokeApiKey", "ApiKey", after.id, Some(&current), Some(&after)).await?;
    super::events::key_revoked(&txn, after.id).await?;
    txn.commit().await?;
    Ok(after)
}
