//! Staff members (工作人员): the office's named people, each of a department.
//! A STAFF or ADMIN key bound to one makes every change it records name the
//! person (stage history, the audit trail).

use entity::{api_key, staff_member};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
};
use serde::Serialize;

use super::filter::{all, eq, search};
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::{check_fresh, content_hash, finish, guarded_update, load, now, start};
use super::write::{Actor, Change, Noun, Patch, Problem, WriteResult, not_found, refuse};
use crate::domain::text::fold;

#[derive(Debug, Default, Clone)]
pub struct StaffFilter {
    pub search: Option<String>,
    pub department_id: Option<i64>,
    pub is_active: Option<bool>,
}

pub fn condition(f: &StaffFilter) -> Option<Condition> {
    use staff_member::Column as C;
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::DepartmentId, f.department_id),
        eq(C::IsActive, f.is_active),
    ]))
}

super::catalog::named_ordering!(staff_member);

/// `StaffMember.apiKeys`: the keys bound to a staff member, newest first.
pub struct StaffKeys;

impl ChildList for StaffKeys {
    type Entity = api_key::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("api_keys", "staff_member_id")
    }
    fn order() -> Ordering<api_key::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: api_key::Column::CreatedAt,
            direction: Direction::Desc,
            key: |m: &api_key::Model| SortKey::Time(m.created_at),
        }
    }
}

/// A staff member's fields as a command gives them: for a creation, absent is
/// the default; for a change, absent (or [`Patch::Keep`]) leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StaffFields {
    pub name: Option<String>,
    pub department_id: Option<i64>,
    pub phone: Patch<String>,
    pub is_active: Option<bool>,
}

/// `createStaffMember` (admins).
pub async fn create_staff_member(
    db: &DatabaseConnection,
    actor: &Actor,
    f: StaffFields,
    key: Option<&str>,
) -> WriteResult<staff_member::Model> {
    actor.require_admin()?;
    let (txn, claim) =
        match start::<staff_member::Entity>(db, actor, "createStaffMember", key, content_hash(&f)).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    check_refs(&txn, &[("department_id", f.department_id, Ref::Department)]).await?;
    let name = f.name.unwrap_or_default();
    let t = now();
    let s = staff_member::ActiveModel {
        search_name: Set(fold(&name)),
        name: Set(name),
        department_id: Set(f.department_id.unwrap_or_default()),
        phone: Set(f.phone.value()),
        is_active: Set(f.is_active.unwrap_or(true)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    finish(txn, actor, claim, "createStaffMember", "StaffMember", s.id, &s).await?;
    Ok(s)
}

/// `updateStaffMember` (admins). Deactivating a staff member revokes the keys
/// bound to them, at once.
pub async fn update_staff_member(
    db: &DatabaseConnection,
    actor: &Actor,
    change: Change<StaffFields>,
) -> WriteResult<staff_member::Model> {
    actor.require_admin()?;
    let Change { id, expected_updated_at, fields: f } = change;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<staff_member::Entity>(&txn, id, "staff_member_id", Noun::StaffMember).await?;
    check_fresh(current.updated_at, expected_updated_at)?;
    check_refs(&txn, &[("department_id", f.department_id, Ref::Department)]).await?;
    let mut m = current.clone().into_active_model();
    if let Some(name) = f.name {
        m.search_name = Set(fold(&name));
        m.name = Set(name);
    }
    if let Some(d) = f.department_id {
        m.department_id = Set(d);
    }
    if let Some(active) = f.is_active {
        m.is_active = Set(active);
    }
    f.phone.write_to(&mut m.phone);
    let (id_col, updated_col) = (staff_member::Column::Id, staff_member::Column::UpdatedAt);
    guarded_update::<staff_member::Entity, _, _>(&txn, m, id_col, current.id, updated_col, current.updated_at).await?;
    let after = load::<staff_member::Entity>(&txn, current.id).await?;
    if current.is_active && !after.is_active {
        super::api_key::revoke_all(&txn, api_key::Column::StaffMemberId.eq(after.id)).await?;
    }
    super::audit::record(&txn, actor, "updateStaffMember", "StaffMember", after.id, Some(&current), Some(&after))
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// The active staff member a key is to be bound to, or the refusal at `field`.
pub(crate) async fn check_bindable<C: ConnectionTrait>(db: &C, field: &str, id: i64) -> WriteResult<()> {
    match staff_member::Entity::find_by_id(id).one(db).await? {
        None => Err(not_found(field, Noun::StaffMember)),
        Some(s) if !s.is_active => Err(refuse(field, Problem::StaffInactive)),
        Some(_) => Ok(()),
    }
}

/// A hand-over to `department_id` and optionally one of its people, checked:
/// the department exists, the assignee is an active staff member of it
/// (NOT_FOUND, FORBIDDEN_TRANSITION or OUT_OF_RANGE at `department_id` /
/// `assignee_id`).
pub(crate) async fn check_assignment<C: ConnectionTrait>(
    db: &C,
    department_id: i64,
    assignee_id: Option<i64>,
) -> WriteResult<()> {
    check_member(db, department_id, ("assignee_id", assignee_id), &[]).await.map(|_| ())
}

/// [`check_assignment`] with the person at any field: the department (and
/// the command's `other` references, reported together) exists and the staff
/// member named at `field` is an active member of it; answers the staff
/// member.
pub(crate) async fn check_member<C: ConnectionTrait>(
    db: &C,
    department_id: i64,
    (field, staff_member_id): (&str, Option<i64>),
    other: &[(&str, Option<i64>, Ref)],
) -> WriteResult<Option<staff_member::Model>> {
    let mut refs = other.to_vec();
    refs.extend([("department_id", Some(department_id), Ref::Department), (field, staff_member_id, Ref::StaffMember)]);
    check_refs(db, &refs).await?;
    let Some(id) = staff_member_id else { return Ok(None) };
    match staff_member::Entity::find_by_id(id).one(db).await? {
        Some(s) if !s.is_active => Err(refuse(field, Problem::StaffInactive)),
        Some(s) if s.department_id != department_id => Err(refuse(field, Problem::AssigneeOutsideDepartment)),
        found => Ok(found),
    }
}

/// The staff member named at `field` exists and is active (a project's
/// responsible person may be of another department than the project).
pub(crate) async fn check_active<C: ConnectionTrait>(
    db: &C,
    field: &str,
    staff_member_id: Option<i64>,
) -> WriteResult<()> {
    let Some(id) = staff_member_id else { return Ok(()) };
    match staff_member::Entity::find_by_id(id).one(db).await? {
        None => Err(refuse(field, Problem::NotFound(Noun::StaffMember))),
        Some(s) if !s.is_active => Err(refuse(field, Problem::StaffInactive)),
        Some(_) => Ok(()),
    }
}
