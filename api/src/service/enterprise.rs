//! Target enterprises (目标企业).

use entity::enums::{EnterpriseSize, EnterpriseStatus, Priority};
use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, JoinType, PaginatorTrait,
    QueryFilter, QuerySelect, RelationDef, Select,
};
use serde::Serialize;

use super::audit;
use super::filter::{all, eq, search};
use super::idempotency::{self, Claimed, Key};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::{check_fresh, content_hash, guarded_update, load, now, unique_or};
use super::write::{Actor, Change, Noun, Patch, Problem, WriteError, WriteResult, refuse};
use crate::domain::text::{dedupe_key, fold};

#[derive(Debug, Default, Clone)]
pub struct EnterpriseFilter {
    pub search: Option<String>,
    pub sector_id: Option<i64>,
    pub department_id: Option<i64>,
    pub country: Option<String>,
    pub priority: Option<Priority>,
    pub status: Option<EnterpriseStatus>,
    pub is_fortune500: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_listed: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnterpriseOrderField {
    CreatedAt,
    Name,
}

pub fn condition(f: &EnterpriseFilter) -> Option<Condition> {
    use enterprise::Column as C;
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::SectorId, f.sector_id),
        eq(C::DepartmentId, f.department_id),
        eq(C::Country, f.country.as_ref().map(|c| c.to_ascii_uppercase())),
        eq(C::Priority, f.priority),
        eq(C::Status, f.status),
        eq(C::IsFortune500, f.is_fortune500),
        eq(C::IsForeignInvested, f.is_foreign_invested),
        eq(C::IsListed, f.is_listed),
    ]))
}

pub fn ordering(field: EnterpriseOrderField, direction: Direction) -> Ordering<enterprise::Entity> {
    use enterprise::{Column, Model};
    match field {
        EnterpriseOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        EnterpriseOrderField::Name => {
            Ordering { name: "NAME", column: Column::Name, direction, key: |m: &Model| SortKey::Text(m.name.clone()) }
        }
    }
}

/// `Event.participants`: the enterprises taking part in an event.
pub struct EventParticipants;

impl ChildList for EventParticipants {
    type Entity = enterprise::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("event_participants", "event_id")
    }
    fn base() -> Select<enterprise::Entity> {
        let join: RelationDef = event_participant::Entity::belongs_to(enterprise::Entity)
            .from(event_participant::Column::EnterpriseId)
            .to(enterprise::Column::Id)
            .into();
        enterprise::Entity::find().join(JoinType::InnerJoin, join.rev())
    }
    fn order() -> Ordering<enterprise::Entity> {
        ordering(EnterpriseOrderField::Name, Direction::Asc)
    }
}

/// An enterprise's fields as a command gives them: for a creation, absent is
/// the default; for a change, absent (or [`Patch::Keep`]) leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnterpriseFields {
    pub name: Option<String>,
    pub country: Option<String>,
    pub uscc: Patch<String>,
    pub sector_id: Patch<i64>,
    pub size: Patch<EnterpriseSize>,
    pub is_fortune500: Option<bool>,
    pub is_foreign_invested: Option<bool>,
    pub is_listed: Option<bool>,
    pub priority: Option<Priority>,
    pub status: Option<EnterpriseStatus>,
    pub department_id: Patch<i64>,
    pub contact_name: Patch<String>,
    pub contact_phone: Patch<String>,
    pub contact_email: Patch<String>,
    pub notes: Patch<String>,
    pub website: Patch<String>,
}

impl EnterpriseFields {
    fn refs(&self) -> [(&'static str, Option<i64>, Ref); 2] {
        [
            ("sector_id", self.sector_id.set().copied(), Ref::Sector),
            ("department_id", self.department_id.set().copied(), Ref::Department),
        ]
    }
}

pub(crate) async fn uscc_taken<C: ConnectionTrait>(
    db: &C,
    uscc: Option<&String>,
    except: Option<i64>,
) -> Result<bool, sea_orm::DbErr> {
    let Some(u) = uscc else { return Ok(false) };
    let mut q = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(u.clone()));
    if let Some(id) = except {
        q = q.filter(enterprise::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

pub(crate) fn uscc_exists() -> WriteError {
    refuse("uscc", Problem::UsccTaken)
}

pub async fn create_enterprise<C: super::tx::Db>(
    db: &C,
    actor: &Actor,
    f: EnterpriseFields,
    key: Option<&str>,
) -> WriteResult<enterprise::Model> {
    actor.require_staff()?;
    let claim = Key { mutation: "createEnterprise", key, hash: content_hash(&f) };
    let (txn, claimed) = match idempotency::claim(db, actor, &claim).await? {
        Claimed::Replay(id) => return load::<enterprise::Entity>(db, id).await,
        Claimed::Fresh(txn, c) => (txn, c),
    };
    check_refs(&txn, &f.refs()).await?;
    let name = f.name.unwrap_or_default();
    let t = now();
    let e = enterprise::ActiveModel {
        search_name: Set(fold(&name)),
        dedupe_key: Set(dedupe_key(&name)),
        name: Set(name),
        uscc: Set(f.uscc.value()),
        country: Set(f.country.unwrap_or_else(|| "CN".into())),
        sector_id: Set(f.sector_id.value()),
        size: Set(f.size.value()),
        is_fortune500: Set(f.is_fortune500.unwrap_or(false)),
        is_foreign_invested: Set(f.is_foreign_invested.unwrap_or(false)),
        is_listed: Set(f.is_listed.unwrap_or(false)),
        priority: Set(f.priority.unwrap_or(Priority::B)),
        department_id: Set(f.department_id.value()),
        status: Set(f.status.unwrap_or(EnterpriseStatus::Prospect)),
        contact_name: Set(f.contact_name.value()),
        contact_phone: Set(f.contact_phone.value()),
        contact_email: Set(f.contact_email.value()),
        notes: Set(f.notes.value()),
        website: Set(f.website.value()),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(unique_or(uscc_exists()))?;
    audit::record(&txn, actor, "createEnterprise", "Enterprise", e.id, None, Some(&e)).await?;
    idempotency::complete(&txn, claimed, "Enterprise", e.id).await?;
    txn.commit().await?;
    Ok(e)
}

pub async fn update_enterprise<C: super::tx::Db>(
    db: &C,
    actor: &Actor,
    change: Change<EnterpriseFields>,
) -> WriteResult<enterprise::Model> {
    let Change { id, expected_updated_at: expected, fields: f } = change;
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<enterprise::Entity>(&txn, id, "enterprise_id", Noun::Enterprise).await?;
    check_fresh(current.updated_at, expected)?;
    check_refs(&txn, &f.refs()).await?;
    if uscc_taken(&txn, f.uscc.set(), Some(current.id)).await? {
        return Err(uscc_exists());
    }
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.dedupe_key = Set(dedupe_key(&name));
        m.name = Set(name);
    }
    macro_rules! set {
        ($($field:ident),*) => {$( if let Some(v) = f.$field { m.$field = Set(v); } )*};
    }
    macro_rules! patch {
        ($($field:ident),*) => {$( f.$field.write_to(&mut m.$field); )*};
    }
    set!(country, is_fortune500, is_foreign_invested, is_listed, priority, status);
    patch!(uscc, sector_id, size, department_id, contact_name, contact_phone, contact_email, notes, website);
    guarded_update::<enterprise::Entity, _, _>(
        &txn,
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
