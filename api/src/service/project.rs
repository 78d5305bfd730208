//! Investment projects (项目) and their pipeline history.

use super::write::invalid_amount_pair;
use entity::enums::ProjectStage;
use entity::{capital_arrival, project, project_stage_change, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, IntoActiveModel,
};
use serde::Serialize;

use super::audit;
use super::filter::{all, eq, gte, lte, search};
use super::idempotency::{self, Claimed, Key};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::totals::Tally;
use super::tx::{check_fresh, content_hash, guarded_update, load, now};
use super::write::{Actor, Change, Noun, Patch, Problem, WriteResult, refuse};
use crate::auth::Principal;
use crate::domain::geo::{BoundingBox, Position};
use crate::domain::money::Money;
use crate::domain::stage;
use crate::domain::text::fold;
use crate::service::visibility::sees_internal_fields;

#[derive(Debug, Default, Clone)]
pub struct ProjectFilter {
    pub search: Option<String>,
    pub sector_id: Option<i64>,
    pub stage: Option<ProjectStage>,
    pub campaign_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub park_id: Option<i64>,
    pub department_id: Option<i64>,
    pub is_high_tech: Option<bool>,
    pub is_major: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_published: Option<bool>,
    pub min_investment: Option<Money>,
    pub max_investment: Option<Money>,
    pub health: Option<super::health::Level>,
    /// Projects located inside the box.
    pub bounding_box: Option<BoundingBox>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectOrderField {
    CreatedAt,
    UpdatedAt,
    Name,
    PlannedInvestment,
}

/// The filter's condition. Filtering on a field the principal may not see (the
/// enterprise, department or campaign of a published project, for the public)
/// matches nothing, so that a filter cannot reveal a hidden link.
pub fn condition(
    f: &ProjectFilter,
    principal: &Principal,
    major_threshold: Money,
    checkup: &super::health::Checkup,
) -> Option<Condition> {
    use project::Column as C;
    let internal =
        f.campaign_id.is_some() || f.enterprise_id.is_some() || f.department_id.is_some() || f.health.is_some();
    if internal && !sees_internal_fields(principal) {
        return None;
    }
    let major = f.is_major.map(|m| {
        if m {
            C::PlannedInvestmentFen.gte(major_threshold.fen())
        } else {
            C::PlannedInvestmentFen.lt(major_threshold.fen())
        }
    });
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::SectorId, f.sector_id),
        eq(C::Stage, f.stage),
        eq(C::CampaignId, f.campaign_id),
        eq(C::EnterpriseId, f.enterprise_id),
        eq(C::ParkId, f.park_id),
        eq(C::DepartmentId, f.department_id),
        eq(C::IsHighTech, f.is_high_tech),
        major,
        eq(C::IsForeignInvested, f.is_foreign_invested),
        eq(C::IsPublished, f.is_published),
        f.health.map(|level| super::health_dates::level_is(level, checkup.today).into()),
        gte(C::PlannedInvestmentFen, f.min_investment.map(Money::fen)),
        lte(C::PlannedInvestmentFen, f.max_investment.map(Money::fen)),
        f.bounding_box.map(|b| inside(b).into()),
    ]))
}

/// Projects located inside `b` (a box across the antimeridian is two boxes).
fn inside(b: BoundingBox) -> Condition {
    use project::Column as C;
    let longitude = if b.crosses_antimeridian() {
        Condition::any().add(C::LongitudeE7.gte(b.west.longitude_e7)).add(C::LongitudeE7.lte(b.east.longitude_e7))
    } else {
        Condition::all().add(C::LongitudeE7.gte(b.west.longitude_e7)).add(C::LongitudeE7.lte(b.east.longitude_e7))
    };
    Condition::all()
        .add(C::LatitudeE7.gte(b.west.latitude_e7))
        .add(C::LatitudeE7.lte(b.east.latitude_e7))
        .add(longitude)
}

pub fn ordering(field: ProjectOrderField, direction: Direction) -> Ordering<project::Entity> {
    use project::{Column, Model};
    match field {
        ProjectOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        ProjectOrderField::UpdatedAt => Ordering {
            name: "UPDATED_AT",
            column: Column::UpdatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.updated_at),
        },
        ProjectOrderField::Name => {
            Ordering { name: "NAME", column: Column::Name, direction, key: |m: &Model| SortKey::Text(m.name.clone()) }
        }
        ProjectOrderField::PlannedInvestment => Ordering {
            name: "PLANNED_INVESTMENT",
            column: Column::PlannedInvestmentFen,
            direction,
            key: |m: &Model| SortKey::Int(m.planned_investment_fen),
        },
    }
}

/// `Enterprise.projects`.
pub struct EnterpriseProjects;

impl ChildList for EnterpriseProjects {
    type Entity = project::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("projects", "enterprise_id")
    }
    fn order() -> Ordering<project::Entity> {
        ordering(ProjectOrderField::CreatedAt, Direction::Desc)
    }
}

/// `Project.stageHistory`: every change of stage, latest first.
pub struct StageHistory;

impl ChildList for StageHistory {
    type Entity = project_stage_change::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("project_stage_changes", "project_id")
    }
    fn order() -> Ordering<project_stage_change::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: project_stage_change::Column::CreatedAt,
            direction: Direction::Desc,
            key: |m: &project_stage_change::Model| SortKey::Time(m.created_at),
        }
    }
}

/// `Project.capitalArrivals`: money actually paid in (到资), latest first.
pub struct CapitalArrivals;

impl ChildList for CapitalArrivals {
    type Entity = capital_arrival::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("capital_arrivals", "project_id")
    }
    fn order() -> Ordering<capital_arrival::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: capital_arrival::Column::CreatedAt,
            direction: Direction::Desc,
            key: |m: &capital_arrival::Model| SortKey::Time(m.created_at),
        }
    }
}

/// A project's fields as a command gives them: for a creation, absent is the
/// default; for a change, absent (or [`Patch::Keep`]) leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectFields {
    pub name: Option<String>,
    pub description: Patch<String>,
    pub sector_id: Option<i64>,
    pub planned_investment: Option<Money>,
    pub foreign_capital: Option<Money>,
    pub enterprise_id: Patch<i64>,
    pub campaign_id: Patch<i64>,
    pub department_id: Patch<i64>,
    pub park_id: Patch<i64>,
    pub responsible_person: Patch<String>,
    pub responsible_staff_id: Patch<i64>,
    pub is_high_tech: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_published: Option<bool>,
    pub notes: Patch<String>,
    /// Where it lands, WGS-84.
    pub location: Patch<Position>,
}

impl ProjectFields {
    fn refs(&self) -> [(&'static str, Option<i64>, Ref); 5] {
        [
            ("sector_id", self.sector_id, Ref::Sector),
            ("enterprise_id", self.enterprise_id.set().copied(), Ref::Enterprise),
            ("campaign_id", self.campaign_id.set().copied(), Ref::Campaign),
            ("department_id", self.department_id.set().copied(), Ref::Department),
            ("park_id", self.park_id.set().copied(), Ref::Park),
        ]
    }
}

pub async fn create_project<C: super::tx::Db>(
    db: &C,
    actor: &Actor,
    f: ProjectFields,
    key: Option<&str>,
) -> WriteResult<project::Model> {
    actor.require_staff()?;
    let claim = Key { mutation: "createProject", key, hash: content_hash(&f) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim).await? {
        Claimed::Replay(id) => return load::<project::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    check_refs(&txn, &f.refs()).await?;
    super::staff_member::check_active(&txn, "responsible_staff_id", f.responsible_staff_id.set().copied()).await?;
    let planned = f.planned_investment.unwrap_or_default();
    let foreign = f.foreign_capital.unwrap_or_default();
    if foreign > planned {
        return Err(invalid_amount_pair());
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
        enterprise_id: Set(f.enterprise_id.value()),
        park_id: Set(f.park_id.value()),
        department_id: Set(f.department_id.value()),
        campaign_id: Set(f.campaign_id.value()),
        responsible_person: Set(f.responsible_person.value()),
        responsible_staff_id: Set(f.responsible_staff_id.value()),
        is_high_tech: Set(f.is_high_tech.unwrap_or(false)),
        is_foreign_invested: Set(f.is_foreign_invested.unwrap_or(foreign > Money::ZERO)),
        is_published: Set(f.is_published.unwrap_or(false)),
        description: Set(f.description.value()),
        notes: Set(f.notes.value()),
        lead_id: Set(None),
        source_partner_id: Set(None),
        longitude_e7: Set(f.location.set().map(|p| p.longitude_e7)),
        latitude_e7: Set(f.location.set().map(|p| p.latitude_e7)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record_stage(&txn, actor, p.id, None, ProjectStage::Lead, None).await?;
    Tally::fresh(&[p.id]).settle(&txn).await?;
    audit::record(&txn, actor, "createProject", "Project", p.id, None, Some(&p)).await?;
    idempotency::complete(&txn, claimed, "Project", p.id).await?;
    txn.commit().await?;
    Ok(p)
}

pub async fn update_project<C: super::tx::Db>(
    db: &C,
    actor: &Actor,
    change: Change<ProjectFields>,
) -> WriteResult<project::Model> {
    let Change { id, expected_updated_at: expected, fields: f } = change;
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<project::Entity>(&txn, id, "project_id", Noun::Project).await?;
    check_fresh(current.updated_at, expected)?;
    check_refs(&txn, &f.refs()).await?;
    let tally = Tally::before(&txn, &[current.id]).await?;
    super::staff_member::check_active(&txn, "responsible_staff_id", f.responsible_staff_id.set().copied()).await?;
    let planned = f.planned_investment.map(Money::fen).unwrap_or(current.planned_investment_fen);
    let foreign = f.foreign_capital.map(Money::fen).unwrap_or(current.foreign_capital_fen);
    if foreign > planned {
        return Err(invalid_amount_pair());
    }
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.name = Set(name);
    }
    m.planned_investment_fen = Set(planned);
    m.foreign_capital_fen = Set(foreign);
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v); } )*};
    }
    macro_rules! patch {
        ($($field:ident),*) => {$( f.$field.write_to(&mut m.$field); )*};
    }
    set!(sector_id, is_high_tech, is_foreign_invested, is_published);
    let location = f.location.apply(Position::stored(current.longitude_e7, current.latitude_e7));
    m.longitude_e7 = Set(location.map(|p| p.longitude_e7));
    m.latitude_e7 = Set(location.map(|p| p.latitude_e7));
    patch!(
        description,
        enterprise_id,
        campaign_id,
        department_id,
        park_id,
        responsible_person,
        responsible_staff_id,
        notes
    );
    guarded_update::<project::Entity, _, _>(
        &txn,
        m,
        project::Column::Id,
        current.id,
        project::Column::UpdatedAt,
        current.updated_at,
    )
    .await?;
    let after = load::<project::Entity>(&txn, current.id).await?;
    tally.settle(&txn).await?;
    audit::record(&txn, actor, "updateProject", "Project", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

pub(crate) async fn record_stage<C: ConnectionTrait>(
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
        changed_by_staff_id: Set(actor.principal.staff_member_id),
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
    project_id: i64,
    to: ProjectStage,
    note: Option<String>,
) -> WriteResult<project::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<project::Entity>(&txn, project_id, "project_id", Noun::Project).await?;
    if !stage::may_move(current.stage, current.paused_from_stage, to) {
        let problem = if to == ProjectStage::Signed {
            Problem::SignedByAgreementOnly
        } else {
            Problem::Stage { from: current.stage.to_value(), to: to.to_value() }
        };
        return Err(refuse("stage", problem));
    }
    let tally = Tally::before(&txn, &[current.id]).await?;
    let mut m = current.clone().into_active_model();
    m.paused_from_stage = Set(if stage::is_paused(to) { Some(current.stage) } else { None });
    m.stage = Set(to);
    m.updated_at = Set(now());
    let after = m.update(&txn).await?;
    record_stage(&txn, actor, after.id, Some(current.stage), to, note).await?;
    tally.settle(&txn).await?;
    audit::record(&txn, actor, "moveProjectStage", "Project", after.id, Some(&current), Some(&after)).await?;
    super::outbox::project_stage_changed(&txn, current.stage, &after).await?;
    txn.commit().await?;
    Ok(after)
}
