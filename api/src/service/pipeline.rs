//! The staff's pipeline: enterprises, projects, stage moves, agreements by the
//! counting rules, upgrades, capital arrivals.

use super::refs::IdRef;
use super::refs::Ref;
use super::refs::check_refs;
use super::tx::check_fresh;
use super::tx::guarded_update;
use super::tx::load;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{AgreementKind, EnterpriseSize, EnterpriseStatus, Priority, ProjectStage};
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;

use super::audit;
use super::idempotency::{self, Claimed, Key};
use super::tx::{content_hash, now, unique_or};
use super::write::{
    Actor, Path, UserErrorCode, WriteError, WriteResult, at, forbidden_transition, not_found, user_error,
};
use crate::domain::money::Money;
use crate::domain::stage;
use crate::domain::text::{dedupe_key, fold};

fn invalid_amount_pair(path: &Path) -> WriteError {
    user_error(
        at(path, "foreignCapital"),
        UserErrorCode::OutOfRange,
        "外资不能超过总投资",
        "foreign capital cannot exceed the total investment",
    )
}

// ---------------------------------------------------------------- enterprises

#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseFields {
    pub name: Option<String>,
    pub country: Option<String>,
    pub uscc: Option<String>,
    pub sector_id: Option<i64>,
    pub size: Option<EnterpriseSize>,
    pub is_fortune500: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_listed: Option<bool>,
    pub priority: Option<Priority>,
    pub status: Option<EnterpriseStatus>,
    pub department_id: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub notes: Option<String>,
}

pub struct EnterpriseRefs {
    pub sector: IdRef,
    pub department: IdRef,
}

async fn uscc_taken<C: ConnectionTrait>(
    db: &C,
    uscc: &Option<String>,
    except: Option<i64>,
) -> Result<bool, sea_orm::DbErr> {
    let Some(u) = uscc else { return Ok(false) };
    let mut q = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(u.clone()));
    if let Some(id) = except {
        q = q.filter(enterprise::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

fn uscc_exists(path: &Path) -> WriteError {
    user_error(
        at(path, "uscc"),
        UserErrorCode::AlreadyExists,
        "已有企业使用该统一社会信用代码",
        "an enterprise with this USCC exists",
    )
}

pub async fn create_enterprise(
    db: &DatabaseConnection,
    actor: &Actor,
    f: EnterpriseFields,
    refs: EnterpriseRefs,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<enterprise::Model> {
    actor.require_staff()?;
    let claim = Key { mutation: "createEnterprise", key, hash: content_hash(&f) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim, path).await? {
        Claimed::Replay(id) => return load::<enterprise::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    check_refs(
        &txn,
        path,
        &[("sectorId", refs.sector, Ref::Sector), ("departmentId", refs.department, Ref::Department)],
    )
    .await?;
    let name = f.name.unwrap_or_default();
    let t = now();
    let e = enterprise::ActiveModel {
        search_name: Set(fold(&name)),
        dedupe_key: Set(dedupe_key(&name)),
        name: Set(name),
        uscc: Set(f.uscc),
        country: Set(f.country.unwrap_or_else(|| "CN".into())),
        sector_id: Set(f.sector_id),
        size: Set(f.size),
        is_fortune500: Set(f.is_fortune500.unwrap_or(false)),
        is_foreign_invested: Set(f.is_foreign_invested.unwrap_or(false)),
        is_listed: Set(f.is_listed.unwrap_or(false)),
        priority: Set(f.priority.unwrap_or(Priority::B)),
        department_id: Set(f.department_id),
        status: Set(f.status.unwrap_or(EnterpriseStatus::Prospect)),
        contact_name: Set(f.contact_name),
        contact_phone: Set(f.contact_phone),
        contact_email: Set(f.contact_email),
        notes: Set(f.notes),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(uscc_exists(path)))?;
    audit::record(&txn, actor, "createEnterprise", "Enterprise", e.id, None, Some(&e)).await?;
    idempotency::complete(&txn, claimed, "Enterprise", e.id).await?;
    txn.commit().await?;
    Ok(e)
}

pub async fn update_enterprise(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Option<i64>,
    f: EnterpriseFields,
    refs: EnterpriseRefs,
    expected: Option<DateTime<Utc>>,
    path: &Path,
) -> WriteResult<enterprise::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = match id {
        Some(id) => enterprise::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "enterpriseId", "企业", "enterprise"))?;
    check_fresh(path, current.updated_at, expected)?;
    check_refs(
        &txn,
        path,
        &[("sectorId", refs.sector, Ref::Sector), ("departmentId", refs.department, Ref::Department)],
    )
    .await?;
    if uscc_taken(&txn, &f.uscc, Some(current.id)).await? {
        return Err(uscc_exists(path));
    }
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.dedupe_key = Set(dedupe_key(&name));
        m.name = Set(name);
    }
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v.into()); } )*};
    }
    set!(country, sector_id, size, is_fortune500, is_foreign_invested, is_listed, priority, status, department_id);
    set!(uscc, contact_name, contact_phone, contact_email, notes);
    guarded_update::<enterprise::Entity, _, _>(
        &txn,
        path,
        m,
        enterprise::Column::Id,
        current.id,
        enterprise::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    let after = load::<enterprise::Entity>(&txn, current.id).await?;
    audit::record(&txn, actor, "updateEnterprise", "Enterprise", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

// ------------------------------------------------------------------- projects

#[derive(Debug, Clone, Serialize)]
pub struct ProjectFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub sector_id: Option<i64>,
    pub planned_investment: Option<Money>,
    pub foreign_capital: Option<Money>,
    pub enterprise_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub department_id: Option<i64>,
    pub park_id: Option<i64>,
    pub responsible_person: Option<String>,
    pub is_high_tech: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_published: Option<bool>,
    pub notes: Option<String>,
}

pub struct ProjectRefs {
    pub sector: IdRef,
    pub enterprise: IdRef,
    pub campaign: IdRef,
    pub department: IdRef,
    pub park: IdRef,
}

impl ProjectRefs {
    fn list(&self) -> [(&'static str, IdRef, Ref); 5] {
        [
            ("sectorId", self.sector, Ref::Sector),
            ("enterpriseId", self.enterprise, Ref::Enterprise),
            ("campaignId", self.campaign, Ref::Campaign),
            ("departmentId", self.department, Ref::Department),
            ("parkId", self.park, Ref::Park),
        ]
    }
}

pub async fn create_project(
    db: &DatabaseConnection,
    actor: &Actor,
    f: ProjectFields,
    refs: ProjectRefs,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<project::Model> {
    actor.require_staff()?;
    let claim = Key { mutation: "createProject", key, hash: content_hash(&f) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim, path).await? {
        Claimed::Replay(id) => return load::<project::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    check_refs(&txn, path, &refs.list()).await?;
    let planned = f.planned_investment.unwrap_or_default();
    let foreign = f.foreign_capital.unwrap_or_default();
    if foreign > planned {
        return Err(invalid_amount_pair(path));
    }
    let name = f.name.unwrap_or_default();
    let t = now();
    let p = project::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        stage: Set(ProjectStage::Lead),
        paused_from_stage: Set(None),
        planned_investment_fen: Set(planned.fen()),
        foreign_capital_fen: Set(foreign.fen()),
        sector_id: Set(f.sector_id.unwrap_or_default()),
        enterprise_id: Set(f.enterprise_id),
        park_id: Set(f.park_id),
        department_id: Set(f.department_id),
        campaign_id: Set(f.campaign_id),
        responsible_person: Set(f.responsible_person),
        is_high_tech: Set(f.is_high_tech.unwrap_or(false)),
        is_foreign_invested: Set(f.is_foreign_invested.unwrap_or(foreign > Money::ZERO)),
        is_published: Set(f.is_published.unwrap_or(false)),
        description: Set(f.description),
        notes: Set(f.notes),
        lead_id: Set(None),
        source_partner_id: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record_stage(&txn, actor, p.id, None, ProjectStage::Lead, None).await?;
    audit::record(&txn, actor, "createProject", "Project", p.id, None, Some(&p)).await?;
    idempotency::complete(&txn, claimed, "Project", p.id).await?;
    txn.commit().await?;
    Ok(p)
}

pub async fn update_project(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Option<i64>,
    f: ProjectFields,
    refs: ProjectRefs,
    expected: Option<DateTime<Utc>>,
    path: &Path,
) -> WriteResult<project::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = match id {
        Some(id) => project::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "projectId", "项目", "project"))?;
    check_fresh(path, current.updated_at, expected)?;
    check_refs(&txn, path, &refs.list()).await?;
    let planned = f.planned_investment.map(Money::fen).unwrap_or(current.planned_investment_fen);
    let foreign = f.foreign_capital.map(Money::fen).unwrap_or(current.foreign_capital_fen);
    if foreign > planned {
        return Err(invalid_amount_pair(path));
    }
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.name = Set(name);
    }
    m.planned_investment_fen = Set(planned);
    m.foreign_capital_fen = Set(foreign);
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v.into()); } )*};
    }
    set!(sector_id, is_high_tech, is_foreign_invested, is_published);
    set!(description, enterprise_id, campaign_id, department_id, park_id, responsible_person, notes);
    guarded_update::<project::Entity, _, _>(
        &txn,
        path,
        m,
        project::Column::Id,
        current.id,
        project::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    let after = load::<project::Entity>(&txn, current.id).await?;
    audit::record(&txn, actor, "updateProject", "Project", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

async fn record_stage<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i64,
    from: Option<ProjectStage>,
    to: ProjectStage,
    note: Option<String>,
) -> Result<(), sea_orm::DbErr> {
    project_stage_change::ActiveModel {
        project_id: Set(project_id),
        from_stage: Set(from),
        to_stage: Set(to),
        changed_by_key_id: Set(actor.principal.key_id),
        changed_by_role: Set(actor.principal.role),
        note: Set(note),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// `moveProjectStage`: exactly the moves the pipeline's rules allow, each kept
/// in the project's history.
pub async fn move_stage(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Option<i64>,
    to: ProjectStage,
    note: Option<String>,
    path: &Path,
) -> WriteResult<project::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = match project_id {
        Some(id) => project::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "projectId", "项目", "project"))?;
    if !stage::may_move(current.stage, current.paused_from_stage, to) {
        let zh = if to == ProjectStage::Signed {
            "签约阶段只能通过登记主协议进入".to_string()
        } else {
            format!("项目不能从 {} 转到 {}", current.stage.to_value(), to.to_value())
        };
        return Err(forbidden_transition(
            path,
            "stage",
            zh,
            format!("a project cannot move from {} to {}", current.stage.to_value(), to.to_value()),
        ));
    }
    let mut m = current.clone().into_active_model();
    m.paused_from_stage = Set(if stage::is_paused(to) { Some(current.stage) } else { None });
    m.stage = Set(to);
    m.updated_at = Set(now());
    let after = m.update(&txn).await?;
    record_stage(&txn, actor, after.id, Some(current.stage), to, note).await?;
    audit::record(&txn, actor, "moveProjectStage", "Project", after.id, Some(&current), Some(&after)).await?;
    super::events::project_stage_changed(&txn, current.stage, &after).await?;
    txn.commit().await?;
    Ok(after)
}

// ----------------------------------------------------------------- agreements

#[derive(Debug, Clone, Serialize)]
pub struct RecordAgreement {
    pub project_id: Option<i64>,
    pub kind: AgreementKind,
    pub signed_on: NaiveDate,
    pub total_investment: Money,
    pub foreign_capital: Money,
    pub campaign_id: Option<i64>,
    pub event_id: Option<i64>,
    pub is_increase: bool,
    pub incentive_ids: Vec<i64>,
}

pub struct AgreementRefs {
    pub campaign: IdRef,
    pub event: IdRef,
    /// Incentive ids that did not decode.
    pub bad_incentives: bool,
}

/// The campaign an agreement counts for: the one named, else the single active
/// campaign whose period contains the signing date; otherwise `NO_CAMPAIGN`.
async fn campaign_for<C: ConnectionTrait>(
    db: &C,
    named: Option<i64>,
    signed_on: NaiveDate,
    path: &Path,
) -> WriteResult<i64> {
    if let Some(id) = named {
        return Ok(id);
    }
    let candidates = campaign::Entity::find()
        .filter(campaign::Column::IsActive.eq(true))
        .filter(campaign::Column::StartsOn.lte(signed_on))
        .filter(campaign::Column::EndsOn.gte(signed_on))
        .all(db)
        .await?;
    match candidates.as_slice() {
        [one] => Ok(one.id),
        list => Err(user_error(
            at(path, "campaignId"),
            UserErrorCode::NoCampaign,
            if list.is_empty() {
                "签约日期不在任何进行中的招商活动期间，请指定招商活动"
            } else {
                "签约日期落在多个招商活动期间，请指定招商活动"
            },
            if list.is_empty() {
                "no active campaign contains the signing date: name the campaign"
            } else {
                "several active campaigns contain the signing date: name the campaign"
            },
        )),
    }
}

/// `recordAgreement`: a project's primary agreement moves it to SIGNED; a second
/// primary one is `ALREADY_SIGNED`; an increase needs a primary agreement and
/// leaves the stage alone.
pub async fn record_agreement(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: RecordAgreement,
    refs: AgreementRefs,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<agreement::Model> {
    actor.require_staff()?;
    if cmd.foreign_capital > cmd.total_investment {
        return Err(invalid_amount_pair(path));
    }
    let claim = Key { mutation: "recordAgreement", key, hash: content_hash(&cmd) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim, path).await? {
        Claimed::Replay(id) => return load::<agreement::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    let project = match cmd.project_id {
        Some(id) => project::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "projectId", "项目", "project"))?;
    check_refs(&txn, path, &[("campaignId", refs.campaign, Ref::Campaign), ("eventId", refs.event, Ref::Event)])
        .await?;
    let found =
        incentive::Entity::find().filter(incentive::Column::Id.is_in(cmd.incentive_ids.clone())).count(&txn).await?;
    if refs.bad_incentives || found as usize != cmd.incentive_ids.len() {
        return Err(not_found(path, "incentiveIds", "优惠政策", "incentive"));
    }
    let primary =
        agreement::Entity::find().filter(agreement::Column::PrimaryProjectId.eq(project.id)).one(&txn).await?;
    match (cmd.is_increase, &primary) {
        (false, Some(_)) => {
            return Err(user_error(
                at(path, "projectId"),
                UserErrorCode::AlreadySigned,
                "该项目已有主协议；后续请登记增资或升级协议",
                "the project has a primary agreement: record an increase or upgrade it",
            ));
        }
        (true, None) => {
            return Err(forbidden_transition(
                path,
                "isIncrease",
                "项目尚无主协议，不能登记增资",
                "an increase needs a primary agreement first",
            ));
        }
        (false, None) if !stage::may_sign(project.stage) => {
            return Err(forbidden_transition(
                path,
                "projectId",
                "项目当前阶段不能签约",
                "the project cannot be signed at its stage",
            ));
        }
        _ => {}
    }
    let campaign_id = campaign_for(&txn, cmd.campaign_id, cmd.signed_on, path).await?;
    let t = now();
    let a = agreement::ActiveModel {
        project_id: Set(project.id),
        primary_project_id: Set((!cmd.is_increase).then_some(project.id)),
        campaign_id: Set(campaign_id),
        event_id: Set(cmd.event_id),
        kind: Set(cmd.kind),
        signed_on: Set(cmd.signed_on),
        total_investment_fen: Set(cmd.total_investment.fen()),
        foreign_capital_fen: Set(cmd.foreign_capital.fen()),
        is_increase: Set(cmd.is_increase),
        upgraded_on: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    };
    let a = match a.insert(&txn).await {
        Ok(a) => a,
        // The unique primary_project_id index settles a race between two primaries.
        Err(e) if super::tx::is_unique_violation(&e) => {
            return Err(user_error(
                at(path, "projectId"),
                UserErrorCode::AlreadySigned,
                "该项目已有主协议",
                "the project has a primary agreement",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !cmd.incentive_ids.is_empty() {
        agreement_incentive::Entity::insert_many(
            cmd.incentive_ids
                .iter()
                .map(|i| agreement_incentive::ActiveModel { agreement_id: Set(a.id), incentive_id: Set(*i) }),
        )
        .exec(&txn)
        .await?;
    }
    let project_now = if !cmd.is_increase {
        let before = project.clone();
        let mut m = project.into_active_model();
        m.stage = Set(ProjectStage::Signed);
        m.paused_from_stage = Set(None);
        m.updated_at = Set(t);
        let after = m.update(&txn).await?;
        record_stage(&txn, actor, after.id, Some(before.stage), ProjectStage::Signed, Some("登记主协议".into()))
            .await?;
        audit::record(&txn, actor, "recordAgreement", "Project", after.id, Some(&before), Some(&after)).await?;
        super::events::project_stage_changed(&txn, before.stage, &after).await?;
        after
    } else {
        project
    };
    audit::record(&txn, actor, "recordAgreement", "Agreement", a.id, None, Some(&a)).await?;
    super::events::agreement_recorded(&txn, &a, &project_now).await?;
    idempotency::complete(&txn, claimed, "Agreement", a.id).await?;
    txn.commit().await?;
    Ok(a)
}

/// `upgradeAgreement`: a framework agreement becomes a contract in place; it
/// stays counted once, for the campaign it was first counted for.
pub async fn upgrade_agreement(
    db: &DatabaseConnection,
    actor: &Actor,
    agreement_id: Option<i64>,
    upgraded_on: NaiveDate,
    total: Option<Money>,
    foreign: Option<Money>,
    path: &Path,
) -> WriteResult<agreement::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = match agreement_id {
        Some(id) => agreement::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "agreementId", "协议", "agreement"))?;
    if current.kind != AgreementKind::Framework {
        return Err(forbidden_transition(
            path,
            "agreementId",
            "只有框架协议可以升级为合同",
            "only a framework agreement can be upgraded",
        ));
    }
    if upgraded_on < current.signed_on {
        return Err(user_error(
            at(path, "upgradedOn"),
            UserErrorCode::OutOfRange,
            "升级日期不能早于签约日期",
            "the upgrade cannot precede the signing",
        ));
    }
    let total = total.map(Money::fen).unwrap_or(current.total_investment_fen);
    let foreign = foreign.map(Money::fen).unwrap_or(current.foreign_capital_fen);
    if foreign > total {
        return Err(invalid_amount_pair(path));
    }
    let mut m = current.clone().into_active_model();
    m.kind = Set(AgreementKind::Contract);
    m.upgraded_on = Set(Some(upgraded_on));
    m.total_investment_fen = Set(total);
    m.foreign_capital_fen = Set(foreign);
    m.updated_at = Set(now());
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "upgradeAgreement", "Agreement", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordArrival {
    pub project_id: Option<i64>,
    pub arrived_on: NaiveDate,
    pub amount: Money,
}

/// `recordCapitalArrival`: money actually paid in for a signed project.
pub async fn record_arrival(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: RecordArrival,
    key: Option<&str>,
    path: &Path,
) -> WriteResult<capital_arrival::Model> {
    actor.require_staff()?;
    if cmd.amount == Money::ZERO {
        return Err(user_error(
            at(path, "amount"),
            UserErrorCode::OutOfRange,
            "到资金额必须大于零",
            "the amount must be positive",
        ));
    }
    let claim = Key { mutation: "recordCapitalArrival", key, hash: content_hash(&cmd) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim, path).await? {
        Claimed::Replay(id) => return load::<capital_arrival::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    let project = match cmd.project_id {
        Some(id) => project::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        None => None,
    }
    .ok_or_else(|| not_found(path, "projectId", "项目", "project"))?;
    let signed =
        agreement::Entity::find().filter(agreement::Column::PrimaryProjectId.eq(project.id)).count(&txn).await? > 0;
    if !signed {
        return Err(forbidden_transition(
            path,
            "projectId",
            "项目尚未签约，不能登记到资",
            "capital can arrive only for a signed project",
        ));
    }
    let a = capital_arrival::ActiveModel {
        project_id: Set(project.id),
        arrived_on: Set(cmd.arrived_on),
        amount_fen: Set(cmd.amount.fen()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(&txn, actor, "recordCapitalArrival", "CapitalArrival", a.id, None, Some(&a)).await?;
    idempotency::complete(&txn, claimed, "CapitalArrival", a.id).await?;
    txn.commit().await?;
    Ok(a)
}
